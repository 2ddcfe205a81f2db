"""The keys of a case file that choose the backend, and how a front end's choice overrides them.

Kept together (and as they were) so that one value object for the backend choice can
replace them in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jsrt.cases.locator import Locator as _Reader
from jsrt.inputs import Where

_BACKEND_KEYS = (
    "backend",
    "base_url",
    "region",
    "token_env",
    "allow_writes",
    "cassette",
    "record_mode",
    "secret_fields",
    "replay",
)


def _one_of(
    reader: _Reader,
    chosen: dict[str, Any],
    key: str,
    allowed: tuple[str, ...],
    place: Callable[[str], Where],
) -> None:
    if chosen[key] not in allowed:
        raise reader.fail(
            place(key),
            f"{key} must be one of {', '.join(allowed)}, got {chosen[key]!r}",
            f"write e.g. {key}: {allowed[0]}",
        )


def _backend(
    reader: _Reader, merged: dict[str, Any], place: Callable[[str], Where]
) -> dict[str, Any]:
    """The case's backend keys as `Runtime` arguments (see the module docstring)."""
    chosen: dict[str, Any] = {}
    for key in ("backend", "base_url", "region", "token_env", "record_mode"):
        if merged.get(key) is not None:
            chosen[key] = reader.typed(merged[key], place(key), str, "a string")
    if merged.get("allow_writes") is not None:
        chosen["allow_writes"] = reader.typed(
            merged["allow_writes"], place("allow_writes"), bool, "true or false"
        )
    if "backend" in chosen:
        from jsrt.runner import BACKENDS  # loads the engine only for files that name one

        _one_of(reader, chosen, "backend", BACKENDS, place)
    if "record_mode" in chosen:
        from jsrt.backends.cassette import MODES

        _one_of(reader, chosen, "record_mode", MODES, place)
    if merged.get("secret_fields") is not None:
        fields = reader.typed(merged["secret_fields"], place("secret_fields"), list, "a list")
        for index, name in enumerate(fields):
            reader.typed(name, (*place("secret_fields"), index), str, "a field name")
        chosen["secret_fields"] = tuple(fields)
    if merged.get("cassette") is not None:
        written = reader.typed(merged["cassette"], place("cassette"), str, "a path")
        chosen["record"] = reader.path.parent / written
    else:
        for key in ("record_mode", "secret_fields"):
            if key in chosen:
                raise reader.fail(
                    place(key),
                    f"{key} applies to a cassette",
                    f"add `cassette: <file to record to>`, or remove {key}",
                )
    if merged.get("replay") is not None:
        chosen["replay"] = reader.existing_file(merged["replay"], place("replay"), "cassette")
    return chosen


_TARGET_KEYS = ("backend", "base_url", "region", "token_env", "replay")
_CASSETTE_KEYS = ("record", "record_mode", "secret_fields", "replay")


def _backend_under(from_case: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The case's backend arguments under the front end's: a backend, URL, region, token
    variable or cassette to replay given there replaces the case's choice of backend; a
    cassette replaces the case's cassette; `allow_writes` adds."""
    chosen = dict(from_case)
    for group in (_TARGET_KEYS, _CASSETTE_KEYS):
        if any(key in given for key in group):
            for key in group:
                chosen.pop(key, None)
    return {**chosen, **given}
