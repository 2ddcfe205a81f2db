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

import itertools
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson

from jsrt.backends.cassette import Cassette
from jsrt.backends.scrubbing import scrubbed
from jsrt.describe import describe, format_path
from jsrt.errors import (
    ContractViolation,
    HookError,
    JsrtError,
    LoadError,
    ScriptError,
    UsageError,
)
from jsrt.json_values import gc_paused, non_finite_path
from jsrt.run.choice import (
    DEFAULT_RECORD_MODE,
    BackendChoice,
    BackendKind,
    RecordMode,
    Region,
)
from jsrt.run.limits import CAPS, MEMORY, TIMEOUT, checked_cap, checked_memory, checked_timeout
from jsrt.run.outcomes import CallLog, read_outcomes
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
    from jsrt.backends.local import World
    from jsrt.coverage import CoverageCollector, Instrumented
    from jsrt.flow import FlowProgress, FlowResult, GeneratorData
    from jsrt.hooks import Contract
    from jsrt.integration.steps import HookSite
    from jsrt.loader import PreparedScript
    from jsrt.run.choice import CassetteFile

DEFAULT_TIMEOUT_S = float(TIMEOUT.default)
DEFAULT_MEMORY_MB = int(MEMORY.default)
DEFAULT_LIMITS = cast(RecordLimits, {name: int(cap.default) for name, cap in CAPS.items()})
"""What one run keeps at most by default (`jsrt.run.limits` says why)."""

Executor = Supervisor | InlineExecutor


@dataclass
class HookResult:
    """What one run produced.

    `value` is what the function returned, JSON round-tripped as integrator.io keeps it
    (for per-record types run over several records: one value per record). `errors` are
    the per-record errors the hook itself reported; `problems` are the ways the return
    broke its contract; `notes` are facts worth saying that break nothing (an ignored
    return, `abort: true`, skipped records); `warnings` are what the run could not know
    and did without (a function whose name says no script type ran with no contract);
    `records` has one outcome per record for per-record types; `dropped` counts what
    went past the run's limits (`calls`, `logs`, `log_chars`, and `recorded_calls`: calls
    a cassette did not record), when anything did.
    """

    ok: bool
    value: Any
    hook: str | None
    function: str
    logs: list[dict[str, Any]] = field(default_factory=list)
    calls: CallLog = CallLog()  # noqa: RUF009 (a descriptor: the field parses its text when read)
    errors: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    duration_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The `jsrt run --json` object; its calls `scrubbed`, as a cassette has them (what
        the function returned and logged is shown as it is: the script's own output)."""
        out = {
            "ok": self.ok,
            "hook": self.hook,
            "function": self.function,
            "result": self.value,
            "errors": self.errors,
            "logs": self.logs,
            "calls": scrubbed(self.calls),
            "error": self.error,
            "warnings": self.warnings,
            "duration_ms": round(self.duration_ms, 3),
        }
        if self.records is not None:
            out["records"] = self.records
        if self.notes:
            out["notes"] = self.notes
        if self.dropped:
            out["dropped"] = self.dropped
        return out

    def __repr__(self) -> str:
        """The fields, with the calls and options `scrubbed`: a repr is what an assert
        message, a debugger or a log prints, so it shows no secret the run handled."""
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["calls"], shown["options"] = scrubbed(self.calls), scrubbed(self.options)
        return f"HookResult({', '.join(f'{name}={value!r}' for name, value in shown.items())})"

    def raise_for_error(self) -> HookResult:
        """Raise the run's failure as a `JsrtError` (for callers that prefer exceptions)."""
        if self.error is not None:
            raise JsrtError.from_dict(self.error)
        return self


_NOT_AN_ERROR_HINT = "throw an Error (throw new Error('…')) to keep a name and a stack trace"


def _thrown(failure: dict[str, Any]) -> str:
    """`Name: message` for an Error; `Uncaught <value>` (the message) for any other value."""
    return f"{failure['name']}: {failure['message']}" if failure["name"] else failure["message"]


def _script_error(failure: dict[str, Any]) -> ScriptError:
    """A JS throw as a Python error naming the user's file, line and column: its first
    frame in a script (one in a built-in, `JSON.parse` say, has no file)."""
    frames = failure.get("frames") or []
    top: dict[str, Any] = next((frame for frame in frames if frame.get("file")), {})
    where = f"{top['file']}:{top['line']}:{top['column']}: " if top.get("file") else ""
    return ScriptError(
        f"{where}{_thrown(failure)}",
        hint=None if failure["name"] else _NOT_AN_ERROR_HINT,
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

    `world` is a `World`, a path to a world file (JSON or YAML), to a folder holding
    one (`world.json`, the layout `jsrt import` writes), to an integration download (a
    `.zip` or the folder it unzips to; what it lacks is in `world_warnings`), or None
    for an empty world. `state_dir` keeps the world across runs and processes: each run
    starts from what the folder holds and saves what it changed
    (`jsrt.backends.local.StateDir`).
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

    `world_file` names the file a `World` given as `world` was read from: `run_step`
    reads a script document's `contentFile` relative to its folder (a world given as a
    path is its own world file; without either, the current folder).

    `max_log_lines`, `max_log_chars` (characters of log text) and `max_calls` bound what
    one run keeps of its logs, of its call log and of what it records into a cassette
    (ranges in `jsrt.run.limits`); what goes past them is counted in `HookResult.dropped`
    and said in its notes.

    `coverage` collects which statements, branches and functions of the scripts each run
    ran (`jsrt.coverage.CoverageCollector`; shared by runtimes, merged across processes).
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
        world_file: str | os.PathLike[str] | None = None,
        coverage: CoverageCollector | None = None,
    ) -> None:
        self.limits = _record_limits(
            max_log_lines=max_log_lines, max_log_chars=max_log_chars, max_calls=max_calls
        )
        _expect(state_dir, (str, os.PathLike, type(None)), "state_dir", "a folder path, or None")
        if state_dir is not None and not os.fspath(state_dir):
            raise UsageError(
                "state_dir is empty; it would keep the world in the current folder",
                hint="give the folder to keep the world in, e.g. .jsrt-state",
                argument="state_dir",
            )
        self.timeout_s = checked_timeout(timeout_s, "timeout_s")
        self.memory_mb = checked_memory(memory_mb, "memory_mb")
        _expect(executor, (Supervisor, InlineExecutor, type(None)), "executor", _EXECUTOR)
        for name, cassette in (("record", record), ("replay", replay)):
            _expect(cassette, (str, os.PathLike, Cassette, type(None)), name, _CASSETTE)
        _expect(secret_fields, (tuple, list), "secret_fields", "a tuple of field names")
        _expect(cassette_scope, (str, type(None)), "cassette_scope", "a string, or None")
        _expect(policy_from_world, (bool, type(None)), "policy_from_world", "True, False or None")
        _expect(world_file, (str, os.PathLike, type(None)), "world_file", "a path, or None")
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
        from jsrt.backends.local import StateDir, World

        _expect(world, (World, str, os.PathLike, type(None)), "world", _WORLD)
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
        self.world_warnings: list[str] = []
        """What was missing from an integration download given as the world."""
        if isinstance(world, World):
            seeded = world
        elif world is not None:
            seeded, self.world_warnings = world_from_path(Path(world))
        else:
            seeded = World()
        self.world = self._state_dir.open(seeded) if self._state_dir else seeded
        from jsrt.integration.layout import world_file_in
        from jsrt.integration.scripts import WorldPlace

        source = world_file if world_file is not None else world
        self._place = (
            WorldPlace.of_file(world_file_in(Path(source)))
            if isinstance(source, str | os.PathLike)
            else WorldPlace(Path.cwd(), "the world")
        )
        self._key = f"{os.getpid()}-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        self.coverage = coverage
        self._synced: tuple[int, Executor] | None = None
        self._exchanges = threading.RLock()
        """Held from a run's request to the world it changed, so runs made from several
        threads (a flow's pages in flight) reach the world in the order the worker ran
        them; the rest of a run (its options, its JSON, reading its outcomes) goes on
        outside it."""

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
        (`preSavePage`, or a name the UI's stubs used such as `preSavePageFunction`);
        without one the function runs as a generic script, its return kept as is, and the
        result's `warnings` say so. Load errors and bad input raise (`LoadError`, `InputError`);
        everything the hook does, including throwing, comes back in the `HookResult`.
        """
        with gc_paused():
            return self._run_hook(script, function, options, hook, source, timeout_s, memory_mb)

    def run_step(
        self,
        flow: str,
        step: str | int,
        hook: str | None = None,
        options: dict[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        memory_mb: int | None = None,
    ) -> HookResult:
        """Run the `hook` hook of `step` of `flow` as the world's documents wire it: the
        script document's code and function, with options built from the documents.

        `flow` is a flow's `_id` or name; `step` a step's `_id` (its own or its export's
        or import's), its name, or its 0-based index in the flow (page generators, page
        processors, then routers and their branches' processors); `hook` a script type
        (`preMap`, `postResponseMap`, …) or the key that holds the reference
        (`inputFilter`); None runs the step's only hook. `options` is the data part
        (records, responses); without it the hook gets its contract's sample. Unknown
        names raise `UsageError` with the closest candidates; a hook whose script or
        function is missing raises `InputError`.
        """
        from jsrt.integration.steps import find_hook

        _expect(flow, (str,), "flow", "a flow's _id or name")
        _expect(step, (str, int), "step", "a step's _id, name or 0-based index")
        _expect(hook, (str, type(None)), "hook", "a script type such as 'preMap', or None")
        _expect(options, (Mapping, type(None)), "options", _OPTIONS)
        site = find_hook(self.world, self._place, flow, step, hook)
        return self._run_site(site, options, timeout_s=timeout_s, memory_mb=memory_mb)

    def run_flow(
        self,
        flow: str,
        *,
        pages: int | None = None,
        data: GeneratorData | None = None,
        trace: bool = False,
        on_progress: Callable[[FlowProgress], None] | None = None,
    ) -> FlowResult:
        """Run the world's flow `flow` (its `_id` or name) the way integrator.io runs it:
        every page of its page generators (their exports' `mockOutput`, or `data`: one
        list of records for the flow's only generator, or lists by export `_id` or name),
        at most `pages` pages each, through every step, router and hook; hooks run here
        as `run_step` runs them. Nothing is sent to any system: lookups and imports are
        answered by the world's mocks (`jsrt.flow`). `trace` keeps each record's journey;
        `on_progress` hears of each page done. Bad flows and data raise (`UsageError`,
        `InputError`); what hooks and records do comes back in the `FlowResult`.
        """
        from jsrt.flow import run_flow

        _expect(flow, (str,), "flow", "a flow's _id or name")
        _expect(pages, (int, type(None)), "pages", "a positive number of pages, or None")
        _expect(trace, (bool,), "trace", "True or False")
        if on_progress is not None and not callable(on_progress):
            raise UsageError(
                f"on_progress must be a function of one FlowProgress, or None, got "
                f"{describe(on_progress)}",
                argument="on_progress",
            )

        def run_site(site: HookSite, options: dict[str, Any]) -> HookResult:
            """The flow package's `HookRunner`: a hook site run with the data part of its
            options (its script prepared once, `jsrt.loader.prepared_script`). Runs may
            come from several threads (pages in flight): `_exchanges` orders what they
            do to the world."""
            return self._run_site(site, options)

        return run_flow(
            self.world,
            self._place,
            flow,
            run_site,
            pages=pages,
            data=data,
            trace=trace,
            on_progress=on_progress,
            world_lock=self._exchanges,
        )

    def _run_site(
        self,
        site: HookSite,
        options: Mapping[str, Any] | None,
        *,
        timeout_s: float | None = None,
        memory_mb: int | None = None,
    ) -> HookResult:
        """Run a hook site as the world wires it: the script document's code and
        function, with `options` (the data part) completed with the step's ids."""
        from jsrt.integration.options import step_options
        from jsrt.integration.scripts import script_code

        assert site.script is not None, "a hook that runs has its script document"
        code = script_code(dict(site.script), self._place)
        return self.run_hook(
            code.filename,
            site.function,
            step_options(site, options),
            site.hook,
            source=code.code,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
        )

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
        from jsrt.hooks import contract_for, infer_hook, untyped_warning
        from jsrt.hooks.kinds import STUB_FUNCTION_NAMES
        from jsrt.hooks.returns import MAX_RETURN_BYTES
        from jsrt.loader import PreparedScript

        started = time.perf_counter()
        _expect(script, (str, os.PathLike, PreparedScript), "script", _SCRIPT)
        _expect(function, (str, type(None)), "function", "a function name, or None")
        _expect(options, (Mapping, type(None)), "options", _OPTIONS)
        _expect(hook, (str, type(None)), "hook", "a script type such as 'preSavePage', or None")
        _expect(source, (str, type(None)), "source", "the script's text, or None")
        timeout = self.timeout_s if timeout_s is None else checked_timeout(timeout_s, "timeout_s")
        memory = self.memory_mb if memory_mb is None else checked_memory(memory_mb, "memory_mb")
        if self._state_dir:
            with self._exchanges:
                self._state_dir.sync(self.world)  # what other processes saved meanwhile
        prepared = self._prepare(script, source)
        try:
            entry = prepared.require_function(function, prefer=STUB_FUNCTION_NAMES)
            hook = hook or infer_hook(entry)
            warnings = [] if hook else [untyped_warning(entry)]
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
            inputs_json = _json_text(inputs, given)
        except JsrtError:
            if prepared.syntax_error is not None:  # it explains the rest (loader docstring)
                raise prepared.syntax_error from None
            raise
        result = HookResult(
            ok=False, value=None, hook=hook, function=entry, options=built, warnings=warnings
        )
        try:
            with self._exchanges:  # the world the request names is the one the run changes
                request: RunRequest = {
                    "script": {
                        "code": prepared.code,
                        "prologue": prepared.prologue,
                        "epilogue": prepared.epilogue,
                        "filename": prepared.filename,
                        "modules": list(prepared.modules),
                    },
                    "function": entry,
                    "inputs_json": inputs_json,
                    "timeout_s": timeout,
                    "memory_mb": memory,
                    "policy": asdict(policy),
                    "backend": self._backend_spec(send_world=False),
                    "limits": self.limits,
                }
                reply = self._execute_counted(request, prepared)
        except HookError as error:  # the worker crashed or was stopped: no run data
            result.error = error.to_dict()
        except LoadError as error:  # V8 could not compile the script
            prepared.show_source_line(error.details)
            raise
        else:
            result.calls = reply["calls"]
            dropped = {"calls": reply["calls_dropped"]}
            if reply["cassette"] is not None:
                dropped["recorded_calls"] = reply["cassette"]["not_recorded"]
            if reply["status"] == "failed":
                result.error = reply["error"]
                result.logs = reply["logs"]
                dropped["logs"] = reply["logs_dropped"]
                dropped["log_chars"] = reply["log_chars_dropped"]
            else:
                # a value over integrator.io's limit is refused for its size alone: not read
                limit = None if contract is None else MAX_RETURN_BYTES
                outcomes, counts = read_outcomes(reply["outcomes"], len(inputs), read_up_to=limit)
                dropped["logs"] = counts["logs_dropped"]
                dropped["log_chars"] = counts["log_chars_dropped"]
                records = cast("list[dict[str, Any]]", outcomes)
                self._judge(result, contract, inputs, records)
            failed_records = [r["error"] for r in result.records or [] if r.get("error")]
            for failure in [result.error, *failed_records]:
                if failure is not None:
                    prepared.show_source_line(failure)
            self._say_dropped(result, dropped)
        result.duration_ms = (time.perf_counter() - started) * 1000
        return result

    def _prepare(
        self, script: str | os.PathLike[str] | PreparedScript, source: str | None
    ) -> PreparedScript:
        from jsrt.loader import PreparedScript, load_script, prepared_script

        if isinstance(script, PreparedScript):
            return script
        if source is not None:
            return prepared_script(source, str(script))
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
        if reply["world_changes"] is not None:
            self.world.apply_run(reply["world_changes"], version=cast(int, reply["world_version"]))
            if self._state_dir:
                self._state_dir.sync(self.world)
        if self.backend == "local":
            self._synced = (self.world.version, executor)
        return reply

    def _execute_counted(
        self, request: RunRequest, prepared: PreparedScript
    ) -> RunDone | RunFailed:
        """`_execute` the script with coverage counters when the runtime collects them,
        and add the counts to the collector. Should V8 refuse the instrumented code, the
        script runs as written, and V8's error is the script's own."""
        instrumented: Instrumented | None = None
        if self.coverage is not None:
            instrumented = self.coverage.instrument(prepared)
        if instrumented is None or self.coverage is None:
            return self._execute(request)
        counted = cast(RunRequest, dict(request, coverage=instrumented.names))
        counted["script"] = {
            **request["script"],
            "code": instrumented.code,
            "prologue": f"{prepared.prologue}\n{instrumented.before}",
        }
        try:
            reply = self._execute(counted)
        except LoadError:
            return self._execute(request)
        self.coverage.record(instrumented, reply.get("coverage"))
        return reply

    def world_scripts(self) -> list[tuple[str, str]]:
        """(file name, code) of every script document in the world, named as `run_step`
        runs them; one whose code cannot be read is left out (running it says why)."""
        from jsrt.integration.scripts import script_code

        found = []
        for document in self.world.find("scripts", {}):
            try:
                code = script_code(dict(document), self._place)
            except JsrtError:
                continue
            found.append((code.filename, code.code))
        return found

    def _say_dropped(self, result: HookResult, dropped: dict[str, int]) -> None:
        """Count in `result`, and say in its notes, what went past the run's limits."""
        cassette = self._cassette.path if self._cassette is not None else None
        for kind, count in dropped.items():
            if count:
                name, note = _DROPPED_NOTES[kind]
                result.dropped[kind] = count
                limit = self.limits[name]  # type: ignore[literal-required]
                result.notes.append(
                    note.format(count=f"{count:,}", limit=f"{limit:,}", cassette=cassette)
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
    ) -> None:
        for outcome in outcomes:
            result.logs.extend(outcome.pop("logs", []))
        if contract is not None and contract.per_record:
            self._judge_records(result, contract, inputs, outcomes)
            return
        outcome = outcomes[0]
        if not outcome["ok"]:
            result.error = self._failure(outcome).to_dict()
            return
        value = outcome.get("value")
        if contract is None:
            result.ok, result.value = True, value
            return
        verdict = contract.judge(inputs[0], value, size_bound=outcome.get("size_bound"))
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
    ) -> None:
        """Per-record types: a throw or a bad return fails that record only."""
        records: list[dict[str, Any]] = []
        for index, (options, outcome) in enumerate(zip(inputs, outcomes, strict=True)):
            if not outcome["ok"]:
                failure = self._failure(outcome).to_dict()
                records.append({"index": index, "ok": False, "value": None, "error": failure})
                continue
            verdict = contract.judge(
                options, outcome.get("value"), size_bound=outcome.get("size_bound")
            )
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
                f"the returned value cannot be kept as JSON: {_thrown(failure)}",
            )
        return _script_error(failure)


_DROPPED_NOTES = {
    "calls": (
        "max_calls",
        "{count} integrator-api calls were not kept: the call log keeps at most {limit} "
        "(max_calls)",
    ),
    "logs": (
        "max_log_lines",
        "{count} log lines were not kept: a run keeps at most {limit} (max_log_lines)",
    ),
    "log_chars": (
        "max_log_chars",
        "{count} characters of log text were not kept: a run keeps at most {limit} (max_log_chars)",
    ),
    "recorded_calls": (
        "max_calls",
        "{count} integrator-api calls were not recorded into {cassette}: a run records at "
        "most {limit} (max_calls), and a replay of the cassette fails at the first call it "
        "lacks",
    ),
}
"""What `HookResult.dropped` counts (its keys), the cap each goes past, and the note."""


def _record_limits(**limits: int) -> RecordLimits:
    """The caps `Runtime` was given, checked against their ranges (`jsrt.run.limits`)."""
    return cast(RecordLimits, {name: checked_cap(value, name) for name, value in limits.items()})


_JSON_DATA = "options must be JSON data: objects, arrays, strings, numbers, booleans, null"


def _json_text(inputs: list[dict[str, Any]], given: dict[str, Any]) -> bytes:
    """The inputs as the JSON text (UTF-8) V8 parses (see `jsrt.run.execute`); as bytes, they
    reach the worker raw, as a frame attachment.

    orjson writes NaN and the infinities as `null`, which would change the user's data
    without a word; JSON has no such numbers, so they are refused at their place in the
    `given` options (the inputs are built from them). Text without a `null` cannot hold
    one, so a page without nulls is not walked."""
    try:
        text = orjson.dumps(inputs)
    except TypeError as exc:
        raise UsageError(
            f"the options cannot be given to the hook: {exc}", hint=_JSON_DATA
        ) from exc
    if b"null" in text:
        path = non_finite_path(given)
        if path is not None:
            number = describe(_at(given, path))
            raise UsageError(
                f"the options hold {number} at {format_path(path)}; JSON has no NaN or "
                "Infinity, and the hook would receive null",
                hint="give a finite number there, or null (None) if the value is unknown",
                path=format_path(path),
            )
    return text


def _at(value: Any, path: list[str | int]) -> Any:
    """The value at `path` in a JSON value."""
    for part in path:
        value = value[part]
    return value


def world_from_path(path: Path) -> tuple[World, list[str]]:
    """The world a path names, and what was missing from it: a world file, a folder
    holding one (the layout `jsrt import` and `jsrt pull` write), or an integration
    download (a `.zip`, or the folder it unzips to)."""
    from jsrt.backends.local import load_world
    from jsrt.integration.download import download_at
    from jsrt.integration.layout import world_file_in

    download = download_at(path)
    if download is not None:
        return download.to_world(), download.warnings
    return load_world(world_file_in(path)), []


_WORLD = "a World, a path to a world file or an integration download, or None"
_EXECUTOR = "a Supervisor, an InlineExecutor, or None"
_CASSETTE = "a path to a cassette file, a Cassette, or None"
_SCRIPT = "a path to a .js file, or a PreparedScript"
_OPTIONS = 'the options object, a dict such as {"data": [...]}, or None'


def _expect(value: object, types: tuple[type, ...], name: str, expected: str) -> None:
    """Refuse a Python API argument of the wrong type in words, not with a TypeError later."""
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise UsageError(f"{name} must be {expected}, got {describe(value)}", argument=name)


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
