"""What one hook run sends to the worker (`RunRequest`) and gets back (`RunReply`).

`jsrt.runner` builds the request; `jsrt.run.execute` answers it, in the worker process
or in the caller's (`InlineExecutor`). Everything is JSON data that crosses a process
boundary, plus one bytes value (`inputs_json`, which travels raw as a frame
attachment). They are TypedDicts: plain dicts at run time, which orjson writes and
reads as they are (a dataclass would be converted on each side of the pipe on every
run, for nothing a type checker does not already give).

The inputs and the outcomes travel as JSON text and are parsed only where they are
used: the inputs enter V8 as one string global that `invoke.js` parses; the outcomes
are V8's text as bytes, a raw attachment of the reply frame (never spliced into it: the
hook had a hand in that text), which the caller parses once, on its own
(`jsrt.run.outcomes`). The call log comes back as one JSON array text too, which the
caller parses only when it is read (`jsrt.run.outcomes.CallLog`).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class ScriptSource(TypedDict):
    """The loaded script: its code after the loader's rewrite, the prologue that binds
    its imports and the epilogue that publishes its functions (evaluated as a strict
    scope, `Isolate.eval_scoped`), the file name frames name, the pinned libraries it
    imports."""

    code: str
    prologue: str
    epilogue: str
    filename: str
    modules: list[str]


class CassetteSpec(TypedDict):
    """`Cassette.run_spec()`: the scope's interactions, the mode, and the configured fields
    to scrub (besides `jsrt.backends.scrubbing.SECRET_NAMES`, which the worker knows)."""

    path: str
    scope: str | None
    playback: bool
    recording: bool
    secret_fields: list[str]
    interactions: list[dict[str, Any]]


class CassetteProgress(TypedDict):
    """What a run used of its cassette and recorded into it (`Cassette.merge` takes it),
    and how many calls it did not record, past `RecordLimits.max_calls`."""

    used: list[int]
    recorded: list[dict[str, Any]]
    not_recorded: int


class LocalBackendSpec(TypedDict):
    """The local backend: the caller's world, sent only when the worker lacks `version`
    of the world `key` names (`world` is then None)."""

    kind: Literal["local"]
    key: str
    version: int
    world: dict[str, Any] | None
    cassette: NotRequired[CassetteSpec]


class RestBackendSpec(TypedDict):
    """The REST backend: `RestSettings` fields, and a digest of the caller's token (the
    worker reads the token from its own environment; the request never carries it)."""

    kind: Literal["rest"]
    settings: dict[str, Any]
    token_fingerprint: str
    cassette: NotRequired[CassetteSpec]


class ReplayBackendSpec(TypedDict):
    """A cassette that answers every call."""

    kind: Literal["replay"]
    cassette: CassetteSpec


BackendSpec = LocalBackendSpec | RestBackendSpec | ReplayBackendSpec


class RecordLimits(TypedDict):
    """How much of a run is kept: log lines, characters of log text, calls in the call
    log and in a cassette it records. What goes past them is counted, not kept."""

    max_log_lines: int
    max_log_chars: int
    max_calls: int


class RunRequest(TypedDict):
    """Run `function` of `script` once per input (the inputs' JSON text), in a fresh
    isolate of `memory_mb` MiB, within `timeout_s`, under `policy` (`PolicyContext`
    fields), with its calls answered by `backend`, keeping what `limits` allow."""

    script: ScriptSource
    function: str
    inputs_json: bytes
    timeout_s: float
    memory_mb: int
    policy: dict[str, Any]
    backend: BackendSpec
    limits: RecordLimits
    coverage: NotRequired[str]
    """The names of the coverage counters the script's code reads
    (`jsrt.coverage.instrument`), defined before it runs; absent without coverage."""


class Outcome(TypedDict):
    """One input's outcome: the value returned, or the error thrown (`stage` says
    whether at the call or while keeping the return as JSON), and what it logged."""

    ok: bool
    value: NotRequired[Any]
    stage: NotRequired[str]
    error: NotRequired[dict[str, Any]]
    logs: list[dict[str, Any]]
    size_bound: NotRequired[int]
    """Bytes of the value's JSON, exact when over the size limit the reader was given, at
    most this otherwise; a value over that limit is left unread (None)
    (`jsrt.run.outcomes.read_outcomes`)."""


class RunDone(TypedDict):
    """The function ran over every input. `outcomes` is invoke.js's text (UTF-8), where
    each returned value's line is its JSON as V8 wrote it (the 5 MB check counts it
    there); `calls` is the call log's JSON array text (`jsrt.run.outcomes.CallLog`);
    `calls_dropped` counts the calls past the call log's limit; `world_changes` is what
    the run's calls changed in the world (`Delta.to_wire`: the documents, state keys,
    cache entries and history entries set or removed, and the id counter), None when
    they changed nothing;
    `world_version` is the worker's copy's version after the run."""

    status: Literal["done"]
    outcomes: bytes
    calls: bytes
    calls_dropped: int
    world_changes: dict[str, Any] | None
    world_version: int | None
    cassette: CassetteProgress | None
    coverage: NotRequired[list[int] | None]
    """The coverage counters' counts, when the request had counters."""


class RunFailed(TypedDict):
    """The run failed after it started (the script did not load, V8's deadline or heap
    limit, a call the cassette could not answer): `error` is the `JsrtError.to_dict()`,
    with the calls made, the cassette's progress and what the hook logged up to then."""

    status: Literal["failed"]
    error: dict[str, Any]
    calls: bytes
    calls_dropped: int
    cassette: CassetteProgress | None
    logs: list[dict[str, Any]]
    logs_dropped: int
    log_chars_dropped: int
    coverage: NotRequired[list[int] | None]
    """The coverage counters' counts up to the failure, when the isolate could tell."""


class NeedWorld(TypedDict):
    """This process holds no copy of the world at the request's version: send it."""

    status: Literal["need_world"]


class StaleEnvironment(TypedDict):
    """This process's environment holds another API token than the caller's (set or
    changed after it started): start a new worker."""

    status: Literal["stale_environment"]


RunReply = RunDone | RunFailed | NeedWorld | StaleEnvironment
