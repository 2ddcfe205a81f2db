"""`Runtime.run_hook(...)` → `HookResult`: the one entry point every front end uses.

The flow of a run: load the script (the loader rewrites its imports and finds the entry
function), build complete `options` from the hook contract and the world, run the
function in a fresh isolate inside the engine's supervised worker process (so no hook can
take down its caller), then let the contract judge what came back. The world lives here,
in the caller's process, and is readable after each run; the worker keeps a replica that
is re-sent only when it changed.

The integrator-api calls go to the backend the Runtime was given: `local` (the world),
`rest` (an integrator.io account, or `jsrt serve`, over HTTPS; the worker reads the token
from its environment) or `replay` (a cassette). A cassette also records: the worker
returns what it recorded with the run's reply, and the Runtime writes the file.

Start-up time counts for one-shot front ends (`jsrt run`): importing this module loads
neither V8 nor the contracts, the loader or the backends. A Runtime starts its worker
first and loads those while the worker starts V8 (bench/README.md has the measurements).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson

from jsrt.errors import ContractViolation, HookError, JsrtError, ScriptError, UsageError
from jsrt.run.choice import (
    DEFAULT_RECORD_MODE,
    BackendChoice,
    BackendKind,
    RecordMode,
    Region,
)
from jsrt.run.outcomes import read_outcomes
from jsrt.run.program import HOOK_RUNS
from jsrt.run.protocol import (
    BackendSpec,
    CassetteProgress,
    CassetteSpec,
    RecordLimits,
    RunDone,
    RunFailed,
    RunReply,
    RunRequest,
)
from jsrt.worker.supervisor import InlineExecutor, Supervisor

if TYPE_CHECKING:
    from jsrt.backends.cassette import Cassette
    from jsrt.backends.local import World
    from jsrt.hooks import Contract
    from jsrt.loader import PreparedScript
    from jsrt.run.choice import CassetteFile

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_MB = 256
DEFAULT_LIMITS: RecordLimits = {
    "max_log_lines": 100_000,
    "max_log_chars": 16_000_000,
    "max_calls": 100_000,
}
"""What one run keeps at most: far above what a hook logs or calls on purpose, far
below what fills a machine's memory (a hook logging millions of lines or making
hundreds of thousands of calls took gigabytes without them)."""

Executor = Supervisor | InlineExecutor


@dataclass
class HookResult:
    """What one run produced.

    `value` is what the function returned, JSON round-tripped as integrator.io keeps it
    (for per-record types run over several records: one value per record). `errors` are
    the per-record errors the hook itself reported; `problems` are the ways the return
    broke its contract; `notes` are facts worth saying that break nothing (an ignored
    return, `abort: true`, skipped records); `records` has one outcome per record for
    per-record types; `dropped` counts what went past the run's limits (`calls`, `logs`,
    `log_chars`), when anything did.
    """

    ok: bool
    value: Any
    hook: str | None
    function: str
    logs: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    duration_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The `jsrt run --json` object."""
        out = {
            "ok": self.ok,
            "hook": self.hook,
            "function": self.function,
            "result": self.value,
            "errors": self.errors,
            "logs": self.logs,
            "calls": self.calls,
            "error": self.error,
            "duration_ms": round(self.duration_ms, 3),
        }
        if self.records is not None:
            out["records"] = self.records
        if self.notes:
            out["notes"] = self.notes
        if self.dropped:
            out["dropped"] = self.dropped
        return out

    def raise_for_error(self) -> HookResult:
        """Raise the run's failure as a `JsrtError` (for callers that prefer exceptions)."""
        if self.error is not None:
            raise JsrtError.from_dict(self.error)
        return self


def _script_error(failure: dict[str, Any]) -> ScriptError:
    """A JS throw as a Python error naming the user's file, line and column."""
    frames = failure.get("frames") or []
    top = frames[0] if frames else {}
    where = f"{top['file']}:{top['line']}:{top['column']}: " if top.get("file") else ""
    return ScriptError(
        f"{where}{failure['name']}: {failure['message']}",
        name=failure["name"],
        js_message=failure["message"],
        file=top.get("file"),
        line=top.get("line"),
        column=top.get("column"),
        stack=failure.get("stack", ""),
        properties=failure.get("props"),
    )


class Runtime:
    """Runs hooks against one world and one backend, with limits and a worker.

    `world` is a `World`, a path to a world file (JSON or YAML), or None for an empty
    world. `state_dir` keeps the world across runs (written atomically after each run).
    `executor` defaults to the process-wide supervised worker; pass `InlineExecutor(HOOK_RUNS)` to
    run inside this process, without crash protection.

    `backend` answers the integrator-api calls: `"local"` (the world; the default),
    `"rest"` (the account at `base_url`, else `$INTEGRATOR_IO_BASE_URL`, else the
    `region`'s; the token in `$INTEGRATOR_IO_TOKEN` or the variable `token_env` names;
    writes refused unless `allow_writes`) or `"replay"` (the cassette `replay`, no
    network). Giving `replay` implies `"replay"`, and `base_url` or `region` imply `"rest"`.
    `backend` may instead be a whole `BackendChoice` (`jsrt.run.choice`, what the front
    ends build), given without the other backend arguments.
    With a non-local backend the world still builds `options`; `policy_from_world` says
    whether it also decides the hook policy (which caches are registered, which flows are
    in an integration): by default when a world is given, since without one a remote
    account's are unknown, and the policy then allows.

    `record` wraps the local or rest backend in a cassette (a path, or a `Cassette` shared
    with other runtimes) with `record_mode` `once` (the default), `new`, `none` or `all`;
    `secret_fields` are scrubbed from it besides the token and the usual secret names.
    `cassette_scope` labels this runtime's interactions in a shared cassette (a test's name).

    `max_log_lines`, `max_log_chars` (characters of log text) and `max_calls` bound what
    one run keeps of its logs and of its call log; what goes past them is counted in
    `HookResult.dropped` and said in its notes.
    """

    _ids = itertools.count()

    def __init__(
        self,
        world: World | str | os.PathLike[str] | None = None,
        *,
        state_dir: str | os.PathLike[str] | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        memory_mb: int = DEFAULT_MEMORY_MB,
        executor: Executor | None = None,
        backend: BackendKind | BackendChoice | None = None,
        base_url: str | None = None,
        region: Region | None = None,
        token_env: str | None = None,
        allow_writes: bool = False,
        record: CassetteFile | None = None,
        record_mode: RecordMode | None = None,
        replay: CassetteFile | None = None,
        secret_fields: tuple[str, ...] = (),
        cassette_scope: str | None = None,
        policy_from_world: bool | None = None,
        max_log_lines: int = DEFAULT_LIMITS["max_log_lines"],
        max_log_chars: int = DEFAULT_LIMITS["max_log_chars"],
        max_calls: int = DEFAULT_LIMITS["max_calls"],
    ) -> None:
        self.limits = _record_limits(
            max_log_lines=max_log_lines, max_log_chars=max_log_chars, max_calls=max_calls
        )
        choice = _choice(
            backend,
            base_url=base_url,
            region=region,
            token_env=token_env,
            allow_writes=allow_writes,
            record=record,
            record_mode=record_mode,
            replay=replay,
            secret_fields=secret_fields,
        )
        self.backend = choice.check_kind()
        if self.backend != "local" and state_dir is not None:
            raise UsageError(
                f"a state dir keeps the local world; the {self.backend} backend does not use it",
                hint="leave --state-dir out, or use --backend local",
            )
        self._executor = executor
        if isinstance(self.executor, Supervisor):
            self.executor.start()  # V8 starts while the rest below loads
        from jsrt.backends.local import StateDir, World, load_world

        self._rest = None
        if self.backend == "rest":
            from jsrt.backends.rest.settings import RestSettings

            self._rest = RestSettings.resolve(
                base_url=choice.base_url,
                region=choice.region,
                token_env=choice.token_env,
                allow_writes=choice.allow_writes,
            )
        self._cassette = _cassette(self.backend, choice)
        self._cassette_scope = cassette_scope
        if policy_from_world is None:
            policy_from_world = self.backend == "local" or world is not None or bool(state_dir)
        self.policy_from_world = policy_from_world
        self._state_dir = StateDir(Path(state_dir)) if state_dir is not None else None
        if isinstance(world, World):
            seeded = world
        elif world is not None:
            seeded = load_world(Path(world))
        else:
            seeded = World()
        self.world = self._state_dir.open(seeded) if self._state_dir else seeded
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._key = f"{os.getpid()}-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        self._synced: tuple[int, Executor] | None = None

    @property
    def executor(self) -> Executor:
        return self._executor or Supervisor.shared(HOOK_RUNS)

    def run_hook(
        self,
        script: str | os.PathLike[str] | PreparedScript,
        function: str | None = None,
        options: dict[str, Any] | None = None,
        hook: str | None = None,
        *,
        source: str | None = None,
        timeout_s: float | None = None,
        memory_mb: int | None = None,
    ) -> HookResult:
        """Run `function` of `script` with `options` and judge it as `hook` would be.

        `script` is a path (or a `PreparedScript`); `source` gives the text directly, with
        `script` as its file name. `hook` defaults to the type the function's name names
        (`preSavePage`, …); without one the function runs as a generic script and its
        return is kept as is. Load errors and bad input raise (`LoadError`, `InputError`);
        everything the hook does, including throwing, comes back in the `HookResult`.
        """
        with _gc_paused():
            return self._run_hook(script, function, options, hook, source, timeout_s, memory_mb)

    def _run_hook(
        self,
        script: str | os.PathLike[str] | PreparedScript,
        function: str | None,
        options: dict[str, Any] | None,
        hook: str | None,
        source: str | None,
        timeout_s: float | None,
        memory_mb: int | None,
    ) -> HookResult:
        from jsrt.api.policy import PolicyContext
        from jsrt.hooks import CONTRACTS, contract_for, infer_hook

        started = time.perf_counter()
        prepared = self._prepare(script, source)
        entry = prepared.require_function(function, prefer=CONTRACTS)
        hook = hook or infer_hook(entry)
        contract = contract_for(hook) if hook else None
        given = dict(options or {})
        built = contract.build_options(given, self.world) if contract else given
        inputs = contract.split_records(built) if contract and contract.per_record else [built]
        script_kind = contract.script_kind if contract else "script"
        policy = PolicyContext.resolve(
            script_kind=script_kind,
            hook=hook,
            options=built,
            world=self.world if self.policy_from_world else None,
        )
        request: RunRequest = {
            "script": {
                "code": prepared.code,
                "filename": prepared.filename,
                "modules": list(prepared.modules),
                "line1_column_offset": prepared.line1_column_offset,
            },
            "function": entry,
            "inputs_json": _json_text(inputs),
            "timeout_s": timeout_s or self.timeout_s,
            "memory_mb": memory_mb or self.memory_mb,
            "policy": asdict(policy),
            "backend": self._backend_spec(send_world=False),
            "limits": self.limits,
        }
        result = HookResult(ok=False, value=None, hook=hook, function=entry, options=built)
        try:
            reply = self._execute(request)
        except HookError as error:  # the worker crashed or was stopped: no run data
            result.error = error.to_dict()
        else:
            result.calls = reply["calls"]
            dropped = {"calls": reply["calls_dropped"]}
            if reply["status"] == "failed":
                result.error = reply["error"]
                result.logs = reply["logs"]
                dropped["logs"] = reply["logs_dropped"]
                dropped["log_chars"] = reply["log_chars_dropped"]
            else:
                outcomes, counts = read_outcomes(reply["outcomes"], len(inputs))
                dropped["logs"] = counts["logs_dropped"]
                dropped["log_chars"] = counts["log_chars_dropped"]
                size_bound = len(reply["outcomes"])  # bounds every value's JSON size
                records = cast("list[dict[str, Any]]", outcomes)
                self._judge(result, contract, inputs, records, size_bound)
            self._say_dropped(result, dropped)
        result.duration_ms = (time.perf_counter() - started) * 1000
        return result

    def _prepare(
        self, script: str | os.PathLike[str] | PreparedScript, source: str | None
    ) -> PreparedScript:
        from jsrt.loader import PreparedScript, load_script, prepare

        if isinstance(script, PreparedScript):
            return script
        if source is not None:
            return prepare(source, str(script))
        return load_script(Path(script))

    def _backend_spec(self, *, send_world: bool) -> BackendSpec:
        """What the worker needs to open this runtime's backend for one run: the local
        world (its snapshot only when `send_world`, or when the worker lacks this
        version), the REST settings, the cassette's run spec."""
        cassette = self._cassette.run_spec(self._cassette_scope) if self._cassette else None
        spec: BackendSpec
        if self.backend == "local":
            send_world = send_world or self._synced != (self.world.version, self.executor)
            spec = {
                "kind": "local",
                "key": self._key,
                "version": self.world.version,
                "world": self.world.snapshot() if send_world else None,
            }
        elif self.backend == "rest":
            from jsrt.backends.rest.settings import token_fingerprint

            assert self._rest is not None
            spec = {
                "kind": "rest",
                "settings": self._rest.to_dict(),
                "token_fingerprint": token_fingerprint(self._rest.token_env),
            }
        else:
            assert cassette is not None, "a replay runtime has its cassette"
            return {"kind": "replay", "cassette": cast(CassetteSpec, cassette)}
        if cassette is not None:
            spec["cassette"] = cast(CassetteSpec, cassette)
        return spec

    def _execute(self, request: RunRequest) -> RunDone | RunFailed:
        """Send the request (see `jsrt.run.execute`) until it runs: again with the world
        when the worker lacks it, or to a new worker when the token changed since this
        one started. Keep what the run recorded and the world it changed; raise a
        failure that is not the hook's (a load error, a call the cassette lacks)."""
        executor = self.executor
        timeout = request["timeout_s"]
        reply = cast("RunReply", executor.run(request, timeout_s=timeout))
        if reply["status"] == "need_world":
            request["backend"] = self._backend_spec(send_world=True)
            reply = cast("RunReply", executor.run(request, timeout_s=timeout))
        elif reply["status"] == "stale_environment" and isinstance(executor, Supervisor):
            executor.close()  # the next worker copies the environment as it is now
            reply = cast("RunReply", executor.run(request, timeout_s=timeout))
        if reply["status"] == "failed":
            error = JsrtError.from_dict(reply["error"])
            if not isinstance(error, HookError):
                raise error
            self._keep_recording(reply["cassette"])
            return reply
        assert reply["status"] == "done", f"the worker answered {reply['status']}"
        self._keep_recording(reply["cassette"])
        if reply["world"] is not None:
            self.world.restore(reply["world"], version=reply["world_version"])
            if self._state_dir:
                self._state_dir.save(self.world)
        if self.backend == "local":
            self._synced = (self.world.version, executor)
        return reply

    def _say_dropped(self, result: HookResult, dropped: dict[str, int]) -> None:
        """Count in `result`, and say in its notes, what went past the run's limits."""
        for kind, count in dropped.items():
            if count:
                what, keeper, name = _DROPPED_WHAT[kind]
                result.dropped[kind] = count
                limit = self.limits[name]  # type: ignore[literal-required]
                result.notes.append(
                    f"{count:,} {what} were not kept: {keeper} at most {limit:,} ({name})"
                )

    def _keep_recording(self, progress: CassetteProgress | None) -> None:
        if self._cassette is not None and progress is not None:
            self._cassette.merge(dict(progress))

    def _judge(
        self,
        result: HookResult,
        contract: Contract | None,
        inputs: list[dict[str, Any]],
        outcomes: list[dict[str, Any]],
        size_bound: int | None,
    ) -> None:
        for outcome in outcomes:
            result.logs.extend(outcome.pop("logs", []))
        if contract is not None and contract.per_record:
            self._judge_records(result, contract, inputs, outcomes, size_bound)
            return
        outcome = outcomes[0]
        if not outcome["ok"]:
            result.error = self._failure(outcome).to_dict()
            return
        value = outcome.get("value")
        if contract is None:
            result.ok, result.value = True, value
            return
        verdict = contract.judge(inputs[0], value, size_bound=size_bound)
        result.value, result.errors = verdict.value, verdict.errors
        result.problems, result.notes = verdict.problems, verdict.notes
        if verdict.problems:
            result.error = ContractViolation(
                f"{result.function} broke the {contract.name} contract: "
                + "; ".join(verdict.problems),
                problems=verdict.problems,
            ).to_dict()
        result.ok = verdict.ok and not verdict.problems

    def _judge_records(
        self,
        result: HookResult,
        contract: Contract,
        inputs: list[dict[str, Any]],
        outcomes: list[dict[str, Any]],
        size_bound: int | None,
    ) -> None:
        """Per-record types: a throw or a bad return fails that record only."""
        records: list[dict[str, Any]] = []
        for index, (options, outcome) in enumerate(zip(inputs, outcomes, strict=True)):
            if not outcome["ok"]:
                failure = self._failure(outcome).to_dict()
                records.append({"index": index, "ok": False, "value": None, "error": failure})
                continue
            verdict = contract.judge(options, outcome.get("value"), size_bound=size_bound)
            record: dict[str, Any] = {"index": index, "ok": verdict.ok, "value": verdict.value}
            result.notes.extend(f"record {index}: {n}" for n in verdict.notes)
            if verdict.problems:
                record["problems"] = verdict.problems
                result.problems.extend(f"record {index}: {p}" for p in verdict.problems)
            result.errors.extend(dict(e, index=index) for e in verdict.errors)
            records.append(record)
        result.records = records
        values = [r["value"] for r in records]
        result.value = values[0] if len(values) == 1 else values
        failed = [r for r in records if not r["ok"] or r.get("problems") or r.get("error")]
        result.ok = not failed
        if failed:
            first = failed[0]
            summary = first.get("error", {}).get("message") or "; ".join(first.get("problems", []))
            result.error = HookError(
                f"{len(failed)} of {len(records)} records failed; record {first['index']}: "
                f"{summary}",
                failed_records=[r["index"] for r in failed],
            ).to_dict()

    @staticmethod
    def _failure(outcome: dict[str, Any]) -> JsrtError:
        failure = outcome["error"]
        if outcome.get("stage") == "return":
            return ContractViolation(
                f"the returned value cannot be kept as JSON: {failure['name']}: "
                f"{failure['message']}",
            )
        return _script_error(failure)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic GC off for one run. A run allocates a copy of the page or two and
    no cycles worth collecting, and a large page otherwise triggers collections that
    walk every object the caller holds: it is measurably slower (bench/README.md).

    At the end, what the run allocated (the result the caller keeps, mostly) moves to the
    oldest generation, as surviving two collections would move it, but without walking
    it: the collection that re-enabling triggers would otherwise traverse a 10,000-record
    result at once (~20 ms). `gc.freeze()` then `gc.unfreeze()` is that move; it is left
    out when the program froze objects itself, which unfreezing would release."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


_DROPPED_WHAT = {
    "calls": ("integrator-api calls", "the call log keeps", "max_calls"),
    "logs": ("log lines", "a run keeps", "max_log_lines"),
    "log_chars": ("characters of log text", "a run keeps", "max_log_chars"),
}


def _record_limits(**limits: int) -> RecordLimits:
    """The limits `Runtime` was given, checked: whole numbers of at least 1."""
    for name, value in limits.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(
                f"{name} must be a whole number of at least 1, got {value!r}",
                hint=f"the default is {DEFAULT_LIMITS[name]:,}",  # type: ignore[literal-required]
            )
    return cast(RecordLimits, limits)


def _json_text(inputs: list[dict[str, Any]]) -> bytes:
    """The inputs as the JSON text (UTF-8) V8 parses (see `jsrt.run.execute`); as bytes, they
    reach the worker raw, as a frame attachment."""
    try:
        return orjson.dumps(inputs)
    except TypeError as exc:
        raise UsageError(
            f"the options cannot be given to the hook: {exc}",
            hint="options must be JSON data: objects, arrays, strings, numbers, booleans, null",
        ) from exc


def _choice(backend: BackendKind | BackendChoice | None, **arguments: Any) -> BackendChoice:
    """The backend choice `Runtime`'s arguments make: a whole `BackendChoice`, or the
    keyword arguments (checked with their Python names)."""
    if not isinstance(backend, BackendChoice):
        return BackendChoice.of({"backend": backend, **arguments})
    given = sorted(name for name, value in arguments.items() if value not in (None, False, ()))
    if given:
        raise UsageError(
            f"a BackendChoice was given with {', '.join(given)}",
            hint="put every backend argument in the BackendChoice",
        )
    return backend.check()


def _cassette(kind: BackendKind, choice: BackendChoice) -> Cassette | None:
    """The cassette to record to or replay from (`BackendChoice.check_kind` has ruled
    out the combinations that make no sense)."""
    record, replay = choice.record, choice.replay
    if record is None and replay is None:
        return None
    from jsrt.backends.cassette import Cassette

    if kind == "replay":
        assert replay is not None
        cassette = replay if isinstance(replay, Cassette) else Cassette(replay, "none")
        if cassette.recording:
            raise UsageError(f"{cassette.path}: a cassette to replay must not be recording")
        return cassette
    if record is None or isinstance(record, Cassette):
        return record
    mode = choice.record_mode or DEFAULT_RECORD_MODE
    return Cassette(record, mode, secret_fields=choice.secret_fields)
