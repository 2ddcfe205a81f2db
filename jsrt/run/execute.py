"""One hook run inside a fresh isolate: the run the worker process serves (registered by
`jsrt.run.program`).

The caller (`jsrt.runner`) has already loaded the script and built `options`; this side
owns everything that must live next to V8: the shims, the libraries the script imports,
the bridge dispatcher with its policy and backend, and the invocation itself. It answers
a `RunRequest` with a `RunReply` (`jsrt.run.protocol`, which also says how the inputs
and outcomes travel): `RunDone`, `RunFailed` when the run failed once started (with the
calls made and the cassette's progress), or `NeedWorld` / `StaleEnvironment` when the
caller must send the world or start a fresh worker. The world is kept here between runs
(`_REPLICAS`); a run that changed it replies with what changed (`Delta.to_wire`), which
the caller applies to its own copy, so that both are at the same version again. A failure
before the run starts (the backend cannot open, the heap ceiling is too low) is raised.

The inputs, UTF-8 bytes that cross the pipe raw, enter V8 as one string global
(`Isolate.set_global`, no escaping into a script) that `js_shims/invoke.js` parses with
`JSON.parse` (several times faster in a fresh isolate than compiling the same data as an
object literal, and true to JSON: a `"__proto__"` key stays a key). Pages of thousands
of records would otherwise be decoded and encoded again in this process for nothing.
Small inputs (`INLINE_INPUTS_BYTES`) are set by the call's own script instead, as a JSON
string literal: the same string, one round trip to V8 fewer on every run's path.

A call the cassette could not answer makes the run fail with an `InputError` (after the
hook ran), even when the hook caught the error it was thrown.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
from collections import OrderedDict
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, cast

import orjson

from jsrt.api.catalog import js_surface
from jsrt.api.dispatch import Dispatcher
from jsrt.api.policy import PolicyContext
from jsrt.api.seam import Backend
from jsrt.backends.local.backend import LocalBackend
from jsrt.backends.local.models import World
from jsrt.describe import counted
from jsrt.engine.bridge import Handler
from jsrt.engine.isolate import Isolate
from jsrt.errors import HookTimeout, JsrtError, ScriptError
from jsrt.json_values import MAX_DEPTH, parse_from_v8
from jsrt.run.outcomes import DEPTH_PAD, PAD_FROM_CHARS, LogCounts
from jsrt.run.protocol import (
    BackendSpec,
    CassetteProgress,
    LocalBackendSpec,
    RecordLimits,
    RunDone,
    RunFailed,
    RunReply,
    RunRequest,
    ScriptSource,
)
from jsrt.worker import progress

if TYPE_CHECKING:
    from jsrt.backends.cassette import CassetteBackend

INPUTS_GLOBAL = "__jsrt_inputs"  # the inputs' JSON text; js_shims/invoke.js parses it
INLINE_INPUTS_BYTES = 32 * 1024
"""Inputs up to this size are set by the call's script (V8 reads 32 KB of string literal
in a few µs; `Isolate.set_global` is two round trips, ~0.1-0.2 ms on a fresh isolate)."""
SHIMS = ("prelude.js", "integrator_api.js", "invoke.js")
SHIMS_FILENAME = "jsrt:shims.js"
"""The file name the shims' frames and errors carry (`jsrt:` marks jsrt's own code)."""

# World replicas kept warm in this process, so an unchanged world is not sent again.
_REPLICAS: OrderedDict[str, World] = OrderedDict()
_MAX_REPLICAS = 8


@cache
def _shims_source() -> str:
    """The shims, each a function expression called at once, and the API's registration
    (the module is built on a script's first import of it), as one script: a fresh
    isolate evaluates it in one round trip to V8 (four took ~0.5 ms more CPU and ~1 ms
    more time per isolate, bench/README.md)."""
    shims = [files("jsrt.js_shims").joinpath(name).read_text(encoding="utf-8") for name in SHIMS]
    install = f"__jsrt_install_api({orjson.dumps(js_surface()).decode()})"
    return ";\n".join([*shims, install])


def _library_js(module: str) -> str:
    """A pinned library's source (imported here, on first use: `jsrt.modules` brings in
    the HTTP client it fetches with, which a script importing nothing never needs)."""
    from jsrt import modules

    return modules.library_js(module)


def _local_world(spec: LocalBackendSpec) -> World | None:
    """The caller's world: sent along, or the replica kept from an earlier run when its
    version still matches; None when neither (the caller then sends it)."""
    key = spec["key"]
    world = _REPLICAS.get(key)
    sent = spec["world"]
    if sent is not None:
        world = World.from_snapshot(sent, check=False)  # the caller's own World made it
        world.version = spec["version"]
    elif world is None or world.version != spec["version"]:
        return None
    _REPLICAS[key] = world
    _REPLICAS.move_to_end(key)
    while len(_REPLICAS) > _MAX_REPLICAS:
        _REPLICAS.popitem(last=False)
    return world


def execute(request: RunRequest) -> RunReply:
    """Run the request's function over its inputs; see the module docstring."""
    deadline = time.monotonic() + request["timeout_s"]
    progress.current().run_started()
    spec = request["backend"]
    world = None
    if spec["kind"] == "local":
        world = _local_world(spec)
        if world is None:
            return {"status": "need_world"}
    version_before = world.version if world is not None else None
    if world is not None:
        world.track_changes()  # the reply carries what the run changed, not the world

    if _holds_another_token(spec):
        return {"status": "stale_environment"}
    with contextlib.ExitStack() as stack:
        backend = _open_backend(spec, world, deadline, stack, request["limits"]["max_calls"])
        dispatcher = Dispatcher(
            backend, PolicyContext(**request["policy"]), max_calls=request["limits"]["max_calls"]
        )
        cassette = cast("CassetteBackend", backend) if spec.get("cassette") is not None else None
        isolate, key = _isolate_with_shims(
            request["memory_mb"], request["limits"], dispatcher.handle
        )
        try:
            names = request.get("coverage")
            if names:
                from jsrt.coverage.counters import install_counters  # a run with coverage

                isolate.eval(install_counters(names), filename="jsrt:coverage.js")
            try:
                outcomes = _run(isolate, request, deadline)
            except JsrtError as error:
                logs, counts = _leftovers(isolate, key)
                error = _with_progress(error, dispatcher, logs)
                failed: RunFailed | None = _failed(error, dispatcher, cassette, logs, counts)
                if names and failed is not None:
                    failed["coverage"] = _coverage_counts(isolate, len(names))
            else:
                failed = None
                coverage = _coverage_counts(isolate, len(names)) if names else None
        except BaseException:
            isolate.close()
            raise
        if failed is None:
            _ahead.close_soon(isolate)  # a maker thread frees it while this one replies
        else:
            isolate.close()  # one stopped mid-run may keep V8 busy a while yet
        progress.current().replying()  # the run is over: V8 has let go
        if failed is not None:
            return failed

    if cassette is not None and (mismatch := cassette.mismatch()) is not None:
        return _failed(mismatch, dispatcher, None)
    changed = world is not None and world.version != version_before
    done: RunDone = {
        "status": "done",
        "outcomes": outcomes,
        "calls": dispatcher.calls_json(),
        "calls_dropped": dispatcher.calls_dropped,
        "world_changes": world.take_changes().to_wire() if world is not None and changed else None,
        "world_version": world.version if world is not None else None,
        "cassette": _progress(cassette),
    }
    if names:
        done["coverage"] = coverage
    return done


def _coverage_counts(isolate: Isolate, expected: int) -> list[int] | None:
    """The coverage counters' counts; None when the isolate cannot tell (a run stopped
    at its deadline or heap limit)."""
    from jsrt.coverage.counters import READ_COUNTS, read_counts

    deadline = time.monotonic() + LEFTOVERS_TIMEOUT_S
    try:
        text = isolate.eval(f"{READ_COUNTS}()", filename="jsrt:coverage.js", deadline=deadline)
    except Exception:  # an isolate stopped mid-run may fail in any way
        return None
    return read_counts(text, expected)


_NOTHING_DROPPED: LogCounts = {"logs_dropped": 0, "log_chars_dropped": 0}


def _failed(
    error: JsrtError,
    dispatcher: Dispatcher,
    cassette: CassetteBackend | None,
    logs: list[dict[str, Any]] | None = None,
    counts: LogCounts = _NOTHING_DROPPED,
) -> RunFailed:
    return {
        "status": "failed",
        "error": error.to_dict(),
        "calls": dispatcher.calls_json(),
        "calls_dropped": dispatcher.calls_dropped,
        "cassette": _progress(cassette),
        "logs": logs or [],
        "logs_dropped": counts["logs_dropped"],
        "log_chars_dropped": counts["log_chars_dropped"],
    }


LEFTOVERS_TIMEOUT_S = 0.5
"""How long a failed run's isolate may take to hand over its logs: V8 may still be busy
with what it was stopped in, and the reply must not wait for it long."""


def _leftovers(isolate: Isolate, key: str) -> tuple[list[dict[str, Any]], LogCounts]:
    """What a run that did not finish logged, and the log counts; none when its isolate
    cannot tell (still busy, out of heap, the shims not reached)."""
    deadline = time.monotonic() + LEFTOVERS_TIMEOUT_S
    call = f"__jsrt_leftovers('{key}')"
    try:
        text = isolate.eval(call, filename="jsrt:leftovers.js", deadline=deadline)
    except Exception:  # an isolate stopped mid-run may fail in any way
        return [], _NOTHING_DROPPED
    if not isinstance(text, str):
        return [], _NOTHING_DROPPED
    found = parse_from_v8(text)
    return found["logs"], found["counts"]


def _with_progress(
    error: JsrtError, dispatcher: Dispatcher, logs: list[dict[str, Any]]
) -> JsrtError:
    """A run stopped at its deadline, said with what it had done by then."""
    if not isinstance(error, HookTimeout):
        return error
    calls = dispatcher.calls_kept + dispatcher.calls_dropped
    done = f"{counted(calls, 'integrator-api call')} and {counted(len(logs), 'log line')} so far"
    return HookTimeout(
        f"{error.message} ({done})",
        hint=error.hint,
        **error.details,
        calls=calls,
        log_lines=len(logs),
    )


def _progress(cassette: CassetteBackend | None) -> CassetteProgress | None:
    return cast(CassetteProgress, cassette.progress()) if cassette is not None else None


class _Relay:
    """The bridge handler of an isolate made before its run: it forwards to the run's
    dispatcher, which the run binds when it takes the isolate."""

    def __init__(self) -> None:
        self.handler: Handler | None = None
        self.progress = progress.current()  # what the supervisor reads if it kills the worker
        # The isolate's run key (`_begin_call`): what secrets.token_hex(16) returns,
        # without importing secrets (hashlib, random: ~5 ms of a cold start).
        self.key = os.urandom(16).hex()
        self.limits: RecordLimits | None = None

    def __call__(self, request: str) -> str | bytes:
        if self.handler is None:
            raise RuntimeError("the bridge was called before a run took this isolate")
        return self.progress.during_call(self.handler, request)


def _new_isolate_with_shims(memory_mb: int, limits: RecordLimits) -> tuple[Isolate, _Relay]:
    """A fresh isolate with the shims evaluated, the API installed and the run begun
    with `limits` under a new key (no user code)."""
    relay = _Relay()
    isolate = Isolate(memory_mb=memory_mb, bridge=relay)
    try:
        begin = _begin_call(limits, relay.key)
        isolate.eval(f"{_shims_source()};{begin}", filename=SHIMS_FILENAME)
    except BaseException:
        isolate.close()
        raise
    relay.limits = limits
    return isolate, relay


def _begin_call(limits: RecordLimits, key: str) -> str:
    """The call that gives invoke.js the run's limits, the outcomes' wrapping and the
    key only jsrt knows (`__jsrt_leftovers` asks for it; changing the limits needs it)."""
    return (
        f"__jsrt_begin({limits['max_log_lines']},{limits['max_log_chars']},"
        f"{DEPTH_PAD},{PAD_FROM_CHARS},{MAX_DEPTH},'{key}')"
    )


class _MadeAhead:
    """The next runs' isolates, made on a thread of their own while this one runs a
    hook, replies and waits for the next request.

    Each isolate still serves one run and is then closed, so a run never sees another
    run's globals; only the making moves off the run's path. Making one (a V8 isolate
    and context, the shims, the API: ~5 ms) is native code that lets go of the GIL, so
    it overlaps the run before it and the caller's judging, and `MAKERS` threads make
    them side by side (V8 makes isolates in parallel: two threads make twice as many
    on two cores, measured). `DEPTH` isolates wait ready or in the making, for the heap
    size and limits of the last run; one of another heap size is closed rather than
    used. A failure to make one stops the work until the next run asks again: that run
    makes its own isolate, and meets the failure itself.
    """

    DEPTH = 2
    MAKERS = min(2, os.cpu_count() or 1)

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._ready: list[tuple[Isolate, _Relay]] = []
        self._wanted: tuple[int, RecordLimits] | None = None
        self._making: list[int] = []  # the heap sizes of the isolates being made
        self._threads: list[threading.Thread] = []
        self._retired: list[Isolate] = []  # isolates whose run is over, to close
        self._stopped = False

    def want(self, memory_mb: int, limits: RecordLimits) -> None:
        """Keep isolates for runs of `memory_mb` and `limits` ready from now on."""
        with self._changed:
            self._wanted = (memory_mb, limits)
            self._changed.notify_all()
        if not self._threads:
            self._threads = [
                threading.Thread(target=self._make, name="isolates-ahead", daemon=True)
                for _ in range(self.MAKERS)
            ]
            for thread in self._threads:
                thread.start()
            atexit.register(self.stop)  # runs before the isolates' own exit finalizers

    def take(self, memory_mb: int) -> tuple[Isolate, _Relay] | None:
        """A ready isolate of `memory_mb` (waiting for the one being made), or None."""
        with self._changed:
            while True:
                for index, made in enumerate(self._ready):
                    if made[0].memory_mb == memory_mb:
                        self._changed.notify_all()
                        return self._ready.pop(index)
                if memory_mb not in self._making:
                    return None
                self._changed.wait()

    def close_soon(self, isolate: Isolate) -> None:
        """Have a maker thread close `isolate`, whose run is over (freeing one is
        ~0.4 ms of V8's work, off the reply's path); close it now when none runs."""
        with self._changed:
            if self._threads and not self._stopped:
                self._retired.append(isolate)
                self._changed.notify_all()
                return
        isolate.close()

    def stop(self) -> None:
        """Stop making isolates and close the ready ones (at the process's exit)."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        for thread in self._threads:
            thread.join(timeout=LEFTOVERS_TIMEOUT_S)
        with self._changed:
            ready, self._ready = self._ready, []
            retired, self._retired = self._retired, []
        for isolate in [*(made[0] for made in ready), *retired]:
            isolate.close()

    def _idle(self) -> bool:
        """Whether there is nothing to do: nothing to close, and nothing wanted or
        enough made for it."""
        if self._retired:
            return False
        if self._wanted is None:
            return True
        memory_mb = self._wanted[0]
        matching = sum(made[0].memory_mb == memory_mb for made in self._ready)
        coming = matching + self._making.count(memory_mb)
        return matching == len(self._ready) and coming >= self.DEPTH

    def _make(self) -> None:
        while True:
            with self._changed:
                while not self._stopped and self._idle():
                    self._changed.wait()
                if self._stopped:
                    return
                if self._retired:
                    retired = self._retired.pop()
                    self._changed.release()
                    try:
                        retired.close()
                    finally:
                        self._changed.acquire()
                    continue
                assert self._wanted is not None  # not idle, and nothing to close
                memory_mb, limits = self._wanted
                stale = [made for made in self._ready if made[0].memory_mb != memory_mb]
                self._ready = [made for made in self._ready if made[0].memory_mb == memory_mb]
                self._making.append(memory_mb)
            for isolate, _ in stale:
                isolate.close()
            made: tuple[Isolate, _Relay] | None = None
            try:
                made = _new_isolate_with_shims(memory_mb, limits)
            except Exception:  # the run that needs it makes its own, and meets this
                pass
            finally:  # whatever happened, a run waiting for this isolate stops waiting
                with self._changed:
                    self._making.remove(memory_mb)
                    if made is not None:
                        self._ready.append(made)
                    elif self._wanted == (memory_mb, limits):
                        self._wanted = None
                    self._changed.notify_all()


_ahead = _MadeAhead()
_last_run: tuple[int, RecordLimits] | None = None


def _isolate_with_shims(
    memory_mb: int, limits: RecordLimits, handler: Handler
) -> tuple[Isolate, str]:
    """The isolate for one run and its key: one made ahead (`between_runs`) for this
    heap size (given these limits if it was made with others), else a new one; its
    bridge answers through `handler`."""
    global _last_run
    _last_run = (memory_mb, limits)
    made = _ahead.take(memory_mb)
    if made is not None:
        isolate, relay = made
        if relay.limits != limits:
            isolate.eval(_begin_call(limits, relay.key), filename="jsrt:begin.js")
            relay.limits = limits
    else:
        isolate, relay = _new_isolate_with_shims(memory_mb, limits)
    relay.handler = handler
    return isolate, relay.key


def between_runs() -> None:
    """Have the next runs' isolates made ahead, for the heap size and limits of the run
    just answered, while the caller is still judging its reply (`_MadeAhead`). The
    worker calls this after each reply (`jsrt.run.program` registers it); a run in the
    caller's own process never does, and makes its isolate when it starts."""
    if _last_run is not None:
        _ahead.want(*_last_run)


def _holds_another_token(spec: BackendSpec) -> bool:
    """Whether this process's environment holds another API token than the caller's
    (which set or changed it after this process started)."""
    if spec["kind"] != "rest" or not _calls_the_account(spec):
        return False
    from jsrt.backends.rest.settings import token_fingerprint

    return token_fingerprint(spec["settings"]["token_env"]) != spec["token_fingerprint"]


def _calls_the_account(spec: BackendSpec) -> bool:
    """Whether the run reaches the account: REST, unless a cassette only replays."""
    cassette = spec.get("cassette")
    return spec["kind"] == "rest" and (cassette is None or cassette["recording"])


def _open_backend(
    spec: BackendSpec,
    world: World | None,
    deadline: float,
    stack: contextlib.ExitStack,
    max_recorded: int,
) -> Backend:
    """The backend the spec names, wrapped in its cassette when there is one, which records
    at most `max_recorded` calls. A cassette that only replays needs no backend behind it
    (and so no token)."""
    cassette = spec.get("cassette")
    inner: Backend | None = None
    token_env = None
    if spec["kind"] == "local":
        assert world is not None, "a local run has its world (`_local_world`)"
        inner = LocalBackend(world)
    elif spec["kind"] == "rest":
        token_env = spec["settings"]["token_env"]
        if _calls_the_account(spec):
            from jsrt.backends.rest.client import RestBackend  # httpx: when needed
            from jsrt.backends.rest.settings import RestSettings

            settings = RestSettings(**spec["settings"])
            inner = stack.enter_context(RestBackend(settings, deadline=deadline))
    if cassette is None:
        assert inner is not None, f"backend kind {spec['kind']!r} needs a cassette"
        return inner
    from jsrt.backends.cassette import CassetteBackend  # with its diffs and file writers
    from jsrt.backends.rest.settings import TOKEN_ENV

    token = os.environ.get(TOKEN_ENV if token_env is None else token_env, "")
    return CassetteBackend(inner, dict(cassette), tokens=[token], max_recorded=max_recorded)


def _run(isolate: Isolate, request: RunRequest, deadline: float) -> bytes:
    """Evaluate the libraries and the script in the isolate with the shims, then call
    the function; its outcomes as invoke.js's text (`jsrt.run.outcomes`), UTF-8. A
    failure here is raised, for `execute` to reply with the calls made until then (one
    making the isolate is not: the supervisor answers a heap ceiling too low by
    restarting its worker)."""
    script: ScriptSource = request["script"]
    for module in script["modules"]:
        if module != "integrator-api":
            isolate.eval(_library_js(module), filename=f"jsrt:{module}.js")
    try:
        isolate.eval_scoped(
            script["code"],
            filename=script["filename"],
            prologue=script["prologue"],
            epilogue=script["epilogue"],
            deadline=deadline,
        )
    except ScriptError as error:
        if error.details.get("name") is not None:
            raise
        raise _uncaught_value(isolate, error) from None
    inputs = request["inputs_json"]
    call = f"__jsrt_invoke({orjson.dumps(request['function']).decode()})"
    if len(inputs) <= INLINE_INPUTS_BYTES:  # a JSON string literal is a JS one
        call = f"globalThis.{INPUTS_GLOBAL}={orjson.dumps(inputs.decode()).decode()};{call}"
    else:
        isolate.set_global(INPUTS_GLOBAL, inputs)
    reply = isolate.eval(call, filename="jsrt:call.js", deadline=deadline)
    assert isinstance(reply, str), "__jsrt_invoke returns its outcomes as text"
    return reply.encode()


def _uncaught_value(isolate: Isolate, error: ScriptError) -> ScriptError:
    """A value other than an Error thrown by the script's top level, worded and placed
    as `invoke.js` does for one thrown by a call (`Uncaught 'text'` at the `throw`).

    V8 places such a throw in the shims (`SHIMS_FILENAME`), where invoke.js's `$thr`
    setter recorded it (see `jsrt.loader`); one V8 placed elsewhere (a library's throw,
    a script whose `throw`s were not rewritten) keeps V8's report.
    """
    if error.details.get("file") != SHIMS_FILENAME:
        return error
    try:
        described = isolate.eval("__jsrt_describe_last_throw()", filename="jsrt:call.js")
        failure = parse_from_v8(described if isinstance(described, str) else "null")
        place = failure["frames"][0]
        where = f"{place['file']}:{place['line']}:{place['column']}"
    except (JsrtError, orjson.JSONDecodeError, LookupError, TypeError):
        return error  # a hook that broke the shims' globals: V8's report stands
    return ScriptError(
        f"{where}: {failure['message']}",
        hint=error.hint,
        name=None,
        js_message=failure["message"],
        file=place["file"],
        line=place["line"],
        column=place["column"],
    )
