"""The keys of a case file that choose the backend, read into a `BackendChoice`.

The choice itself (which combinations make sense, which wins over which) is checked by
`BackendChoice`, in one place for every front end; this module only reads the keys with
their positions, so that a problem names the case file's line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsrt.cases.locator import Locator
from jsrt.errors import UsageError
from jsrt.inputs import Where
from jsrt.run.choice import BACKEND_KINDS, RECORD_MODES, BackendChoice

BACKEND_KEYS = (
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
    reader: Locator,
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


def read_backend_choice(
    reader: Locator, merged: dict[str, Any], place: Callable[[str], Where]
) -> BackendChoice:
    """The case's backend keys (merged with the file's) as a `BackendChoice`."""
    chosen: dict[str, Any] = {}
    for key in ("backend", "base_url", "region", "token_env", "record_mode"):
        if merged.get(key) is not None:
            chosen[key] = reader.typed(merged[key], place(key), str, "a string")
    if merged.get("allow_writes") is not None:
        chosen["allow_writes"] = reader.typed(
            merged["allow_writes"], place("allow_writes"), bool, "true or false"
        )
    if "backend" in chosen:
        _one_of(reader, chosen, "backend", BACKEND_KINDS, place)
    if "record_mode" in chosen:
        _one_of(reader, chosen, "record_mode", RECORD_MODES, place)
    if merged.get("secret_fields") is not None:
        fields = reader.typed(merged["secret_fields"], place("secret_fields"), list, "a list")
        for index, name in enumerate(fields):
            reader.typed(name, (*place("secret_fields"), index), str, "a field name")
        chosen["secret_fields"] = tuple(fields)
    if merged.get("cassette") is not None:
        written = reader.typed(merged["cassette"], place("cassette"), str, "a path")
        chosen["record"] = reader.path.parent / written
    if merged.get("replay") is not None:
        chosen["replay"] = reader.existing_file(merged["replay"], place("replay"), "cassette")
    try:
        return BackendChoice.of(chosen, spell=_case_key)
    except UsageError as error:
        raise reader.fail(place(error.details["field"]), error.message, error.hint or "") from None


def _case_key(field: str) -> str:
    """A `BackendChoice` field as a case file names it."""
    return "cassette" if field == "record" else field
