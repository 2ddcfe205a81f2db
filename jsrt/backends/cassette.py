"""Record integrator-api calls to a cassette and answer from it later, the VCR way.

A cassette is a readable JSON file::

    {"format": "jsrt-cassette/1",
     "secretFields": ["note"],                            # scrubbed besides SECRET_NAMES
     "interactions": [
       {"scope": "orders.case.yaml::keeps orders",        # optional: which test made it
        "object": "state", "method": "getForResource", "args": [{...}],
        "ok": true, "value": 42},                         # no "value": undefined
       {"object": "exports", "method": "run", "args": [{...}],
        "ok": false, "error": {"message", "code", "statusCode", "errors"}}]}

Modes (VCR's record modes):

- `once`: replay when the file exists (a call it lacks is an error), else record all;
- `new`: replay what is recorded, send the other calls to the backend and append them;
- `none`: replay only; the file must exist;
- `all`: send every call to the backend and write the file afresh.

A call matches the first unused interaction of its scope with the same object, method
and arguments; each interaction answers once, so repeated calls replay in recorded
order. Scopes keep tests that share a cassette apart (a case file's cases, a pytest
session's tests): a run matches the interactions its own scope recorded, and those
recorded without a scope (`jsrt run --record`), which serve every run.

The work is split by process. `Cassette` lives with the caller and owns the file: it
loads it, knows the mode and which interactions were used, and saves atomically.
`CassetteBackend` wraps a backend inside the engine's worker for one run, from
`Cassette.run_spec`; what it used and recorded goes back in the run's reply to
`Cassette.merge`. So a worker that crashes never leaves a torn cassette.

Secrets never reach the file: the API token (wherever its value appears, as the variable
holds it and as it is sent) and the values under secret names (`jsrt.backends.scrubbing`:
`SECRET_NAMES` plus configured ones, at any depth, in any naming style; a header pair's
value when its name is secret) are replaced by placeholders before anything is recorded;
a replayed call is scrubbed the same way before it is matched. The configured fields are
kept in the file, so a replay scrubs as its recording did without being told again.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, get_args

import orjson

from jsrt.api.errors import ApiError
from jsrt.api.seam import Backend
from jsrt.backends.scrubbing import Scrubber, is_secret_name
from jsrt.closest import closest, json_diff, pretty_json
from jsrt.describe import format_path
from jsrt.errors import InputError, UsageError
from jsrt.files import write_atomically
from jsrt.inputs import parse_json, read_text

FORMAT = "jsrt-cassette/1"
RecordMode = Literal["once", "new", "none", "all"]
"""VCR's record modes: once: replay the cassette if it exists, else record it; new:
replay, and record the calls it lacks; none: replay only; all: record it afresh."""
MODES: tuple[RecordMode, ...] = get_args(RecordMode)
NOT_RECORDED = "not_recorded"


# ---- the caller's side: the file ----------------------------------------------------------


class Cassette:
    """One cassette file, shared by every run that records to or replays from it."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        mode: str = "once",
        *,
        secret_fields: Iterable[str] = (),
    ) -> None:
        if mode not in MODES:
            raise UsageError(
                f"unknown record mode {mode!r}; one of {', '.join(MODES)}",
                hint="once: replay if the cassette exists, else record; new: replay and record "
                "new calls; none: replay only; all: record everything again",
            )
        self.path = Path(path)
        self.mode: RecordMode = MODES[MODES.index(mode)]
        existed = self.path.is_file()
        if mode == "none" and not existed:
            raise InputError(
                f"{self.path}: no such cassette",
                file=str(self.path),
                hint="record it first: run against a backend with --record "
                f"{self.path} (the record mode once creates it)",
            )
        keep = existed and mode != "all"
        kept_fields, self.interactions = _load(self.path) if keep else ((), [])
        extra = [f for f in (*kept_fields, *secret_fields) if not is_secret_name(f)]
        self.extra_secret_fields = tuple(dict.fromkeys(extra))
        self.playback = mode in ("new", "none") or (mode == "once" and existed)
        self.recording = mode in ("new", "all") or (mode == "once" and not existed)
        self._used: set[int] = set()
        self._saved = False

    def run_spec(self, scope: str | None) -> dict[str, Any]:
        """What the worker needs for one run: the scope's interactions, the mode, the fields."""
        return {
            "path": str(self.path),
            "scope": scope,
            "playback": self.playback,
            "recording": self.recording,
            "secret_fields": list(self.extra_secret_fields),
            "interactions": [
                {**interaction, "index": index, "used": index in self._used}
                for index, interaction in enumerate(self.interactions)
                if interaction.get("scope", scope) == scope
            ],
        }

    def merge(self, progress: dict[str, Any]) -> None:
        """Take in what a run used and recorded; save when recording."""
        self._used.update(progress.get("used", []))
        for interaction in progress.get("recorded", []):
            self._used.add(len(self.interactions))
            self.interactions.append(interaction)
        if self.recording and (progress.get("recorded") or not self._saved):
            self.save()

    def save(self) -> None:
        """Write the cassette atomically: a reader sees the old file or the new, never half."""
        document = {
            "format": FORMAT,
            "secretFields": list(self.extra_secret_fields),
            "interactions": self.interactions,
        }
        write_atomically(self.path, orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        self._saved = True


class CassetteLibrary:
    """The cassettes of one session (a `jsrt test` run, a pytest session): each file is
    opened once, so runs that share it see each other's recordings."""

    def __init__(self) -> None:
        self._open: dict[Path, Cassette] = {}

    def open(
        self, path: str | os.PathLike[str], mode: str = "once", *, secret_fields: Iterable[str] = ()
    ) -> Cassette:
        key = Path(path).resolve()
        cassette = self._open.get(key)
        if cassette is None:
            cassette = self._open[key] = Cassette(path, mode, secret_fields=secret_fields)
        elif cassette.mode != mode:
            raise UsageError(
                f"{path}: the cassette is used with record mode {cassette.mode!r} and {mode!r} "
                "in one session",
                hint="give every run that shares a cassette the same record mode",
            )
        return cassette


def _load(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The cassette's configured secret fields and its interactions, checked."""
    source = str(path)
    document = parse_json(read_text(path, what="cassette"), source=source, what="cassette")
    hint = f"record the cassette again (--record {source} --record-mode all)"
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        message = f"not a jsrt cassette (expected an object with format {FORMAT!r})"
        raise InputError(f"{source}: {message}", file=source, hint=hint)
    # pydantic loads only when a cassette is read: most runs record or replay nothing.
    from pydantic import ValidationError

    from jsrt.backends.cassette_document import CassetteDocument
    from jsrt.document_schema import first_problem

    try:
        CassetteDocument.model_validate(document)
    except ValidationError as error:
        found = first_problem(error)
        # The message names the key; the place is the interaction (`interactions[2]`).
        where = f" {format_path(found.where[:2], root='')}:" if found.where else ""
        raise InputError(f"{source}:{where} {found.message}", file=source, hint=hint) from None
    return document.get("secretFields", []), document["interactions"]


# ---- the worker's side: one run -----------------------------------------------------------


class CassetteBackend:
    """Answers from the cassette's interactions, and (when recording) asks `inner` and keeps
    the answer, up to `max_recorded` answers per run (when given): a hook making hundreds
    of thousands of calls must not fill the caller's memory and the file with them. Calls
    past it are answered as usual and counted in `not_recorded`; a replay of the cassette
    then fails at the first call it lacks, naming it. `progress()` is what
    `Cassette.merge` takes back."""

    def __init__(
        self,
        inner: Backend | None,
        spec: dict[str, Any],
        *,
        tokens: Iterable[str] = (),
        max_recorded: int | None = None,
    ) -> None:
        self.inner = inner
        self.spec = spec
        self.scrub = Scrubber(tokens, extra_names=spec["secret_fields"])
        self.used: list[int] = []
        self.recorded: list[dict[str, Any]] = []
        self.max_recorded = max_recorded
        self.not_recorded = 0
        self.unmatched: list[str] = []
        self._candidates = [dict(i) for i in spec["interactions"]] if spec["playback"] else []

    def call(self, obj: str, method: str, args: list[Any]) -> Any:
        request = {"object": obj, "method": method, "args": self.scrub(args)}
        for candidate in self._candidates:
            if not candidate["used"] and _same_call(candidate, request):
                candidate["used"] = True
                self.used.append(candidate["index"])
                return _replay(candidate)
        if not self.spec["recording"] or self.inner is None:
            report = self._not_recorded(request)
            self.unmatched.append(report)
            raise ApiError(report.splitlines()[0], code=NOT_RECORDED, status_code=404)
        return self._record(request, obj, method, args)

    def _record(self, request: dict[str, Any], obj: str, method: str, args: list[Any]) -> Any:
        assert self.inner is not None
        if self.max_recorded is not None and len(self.recorded) >= self.max_recorded:
            self.not_recorded += 1
            return self.inner.call(obj, method, args)
        entry: dict[str, Any] = dict(request)
        if self.spec["scope"] is not None:
            entry = {"scope": self.spec["scope"], **entry}
        try:
            value = self.inner.call(obj, method, args)
        except ApiError as err:
            self.recorded.append({**entry, "ok": False, "error": self.scrub(err.to_dict())})
            raise
        answer = {"ok": True} if value is None else {"ok": True, "value": self.scrub(value)}
        self.recorded.append({**entry, **answer})
        return value

    def progress(self) -> dict[str, Any]:
        return {"used": self.used, "recorded": self.recorded, "not_recorded": self.not_recorded}

    def mismatch(self) -> InputError | None:
        """The run-level error when a call had no recorded answer (even if the hook caught
        the thrown one: a replay that silently diverged would prove nothing)."""
        if not self.unmatched:
            return None
        path = self.spec["path"]
        return InputError(
            "\n".join(self.unmatched),
            file=path,
            hint=f"record the missing calls with --record {path} --record-mode new against "
            "a backend, or make the hook call what it called when the cassette was recorded",
        )

    def _not_recorded(self, request: dict[str, Any]) -> str:
        """Which call is missing, and the closest recorded one with a diff."""
        name = f"{request['object']}.{request['method']}"
        scope = self.spec["scope"]
        in_scope = f" for {scope}" if scope is not None else ""
        head = f"{self.spec['path']}: no recorded answer{in_scope} to {name}"
        if not self._candidates:
            return f"{head} (the cassette has no calls{in_scope})"
        found = closest(self._candidates, lambda candidate: _likeness(candidate, request))
        assert found is not None  # there are candidates, and every one is scored
        closest_one = found[1]
        diff = json_diff(
            closest_one["args"],
            request["args"],
            before_name="recorded",
            after_name="this run",
            context=2,
        )
        used = " (already used by an earlier call)" if closest_one["used"] else ""
        body = "\n".join(f"  {line}" for line in diff.splitlines()) or "  (the same arguments)"
        return (
            f"{head}; the closest recorded call is #{closest_one['index']} "
            f"{closest_one['object']}.{closest_one['method']}{used}, arguments:\n{body}"
        )


def _same_call(recorded: dict[str, Any], request: dict[str, Any]) -> bool:
    return (
        recorded["object"] == request["object"]
        and recorded["method"] == request["method"]
        and orjson.dumps(recorded["args"], option=orjson.OPT_SORT_KEYS)
        == orjson.dumps(request["args"], option=orjson.OPT_SORT_KEYS)
    )


def _likeness(recorded: dict[str, Any], request: dict[str, Any]) -> tuple[bool, bool, float]:
    """Rank: same function first, unused before used, then the most similar arguments."""
    same = (recorded["object"], recorded["method"]) == (request["object"], request["method"])
    ratio = difflib.SequenceMatcher(
        None, pretty_json(recorded["args"]), pretty_json(request["args"])
    ).ratio()
    return same, not recorded["used"], ratio


def _replay(interaction: dict[str, Any]) -> Any:
    if interaction["ok"]:
        return interaction.get("value")
    error = interaction["error"]
    raise ApiError(
        error["message"],
        code=error.get("code"),
        status_code=error.get("statusCode"),
        errors=error.get("errors"),
    )
