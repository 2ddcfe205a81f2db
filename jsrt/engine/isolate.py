"""`Isolate`: one fresh V8 context with limits, named scripts and the synchronous bridge.

The engine knows nothing of hooks: callers evaluate their shims with
`eval(code, filename=...)`, a user's script with `eval_scoped(code, filename=...)`, and
call functions by evaluating small expressions that return strings. What this class
adds to mini-racer:

* a deadline per eval (the script is terminated at that `time.monotonic()` value) and a
  hard heap limit (`memory_mb`), reported as HookTimeout and HeapLimitExceeded;
* after either, the termination V8 may still hold armed is drained before the next
  eval, and the heap limit is re-armed, so the next eval is not killed by the last one;
* errors carry the file, line and column users wrote (see `js_errors`);
* `eval_scoped` runs code as a strict scope of its own (what an ES module body is to
  its top-level names) with nothing added before the code, so every line and column V8
  reports is the file's own (see `eval_scoped`);
* `__jsrt_bridge(request) -> response` reaches the Python callable given here; calling
  back into the isolate from that callable is refused instead of deadlocking;
* no `setTimeout`/`clearTimeout` (mini-racer's own class installs them; this one does
  not), and a context that is always freed: `close()`, `with`, or at interpreter exit,
  since a V8 context left open can hang the exit.
"""

from __future__ import annotations

import threading
import time
import weakref
from types import TracebackType

from jsrt.engine import _minirace, js_errors, v8_process
from jsrt.engine._minirace import Primitive
from jsrt.engine.bridge import (
    BRIDGE_FILENAME,
    NOTIFY_GLOBAL,
    BridgeChannel,
    Handler,
    install_script,
)
from jsrt.errors import (
    BridgeError,
    HeapLimitExceeded,
    HookError,
    HookTimeout,
    ScriptError,
    UsageError,
)

MIB = 1024 * 1024

_SCOPED_SOURCE_GLOBAL = "__jsrt_scoped_source"
"""The global `eval_scoped` puts the code in, for its evaluator to take (and delete)."""

_SCOPED_FILENAME = "jsrt:scope.js"


class Isolate:
    """A fresh V8 context. Not for concurrent use: evals are serialised by a lock."""

    def __init__(
        self,
        *,
        memory_mb: int = 256,
        bridge: Handler | None = None,
        max_bridge_mb: int = 256,
    ) -> None:
        if not isinstance(max_bridge_mb, int) or max_bridge_mb < 1:
            raise UsageError(
                f"max_bridge_mb must be a positive whole number, got {max_bridge_mb!r}"
            )
        v8_process.reserve_heap(memory_mb)
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._must_drain = False
        self._channel: _BridgeSlot = _BridgeSlot()
        self._native = _minirace.NativeContext(on_notify=self._channel)
        self._finalizer = weakref.finalize(self, self._native.close)
        try:
            self._native.set_hard_memory_limit(memory_mb * MIB)
            if bridge is not None:
                self._install_bridge(bridge, max_bridge_mb * MIB)
        except BaseException:
            self.close()
            raise

    def eval(self, code: str, *, filename: str, deadline: float | None = None) -> Primitive:
        """Evaluate `code` as a classic script named `filename`; return its primitive
        completion value (objects come back as None: stringify them in JS).

        Raises LoadError (syntax), ScriptError (uncaught throw), HookTimeout (still
        running at `deadline`, a `time.monotonic()` value) or HeapLimitExceeded.
        """
        _check_filename(filename)
        return self._eval(code, filename=filename, deadline=deadline, running=filename)

    def _eval(self, code: str, *, filename: str, deadline: float | None, running: str) -> Primitive:
        """`eval`, naming `running` (the user's file while it runs through jsrt's own
        script) in timeout and heap-limit errors."""
        self._refuse_reentry("eval")
        if self._native.closed:
            raise UsageError("this Isolate is closed; create a new one")
        with self._lock:
            self._drain(deadline, running)
            started = time.monotonic()
            try:
                return self._native.eval(
                    f"{code}\n//# sourceURL={filename}", timeout=_remaining(deadline, running)
                )
            except _minirace.EvalTimedOut:
                self._must_drain = True
                raise _timeout(running, time.monotonic() - started) from None
            except (_minirace.JSOutOfMemory, _minirace.JSTerminated) as failure:
                self._must_drain = True
                raise self._termination_error(failure, running) from None
            except _minirace.JSParseFailure as failure:
                raise js_errors.load_error(failure.text, filename) from None
            except _minirace.JSExecutionFailure as failure:
                raise js_errors.script_error(failure.text) from None

    def eval_scoped(
        self,
        code: str,
        *,
        filename: str,
        prologue: str = "",
        epilogue: str = "",
        deadline: float | None = None,
    ) -> Primitive:
        """Evaluate `code` named `filename` the way an ES module body runs: strict, its
        top-level declarations (`var`, `let`, functions) in a scope of their own rather
        than on the global object, `this` undefined and a top-level `return` a
        SyntaxError. `prologue` runs first, in the scope around the code (the names it
        declares are the code's, as a module's imports are); `epilogue` runs after it, in
        its scope. Returns the code's completion value as `eval` does.

        The code is the body of a strict direct `eval` in a function at the top of a
        script of jsrt's (so it sees only the globals and the prologue's names), with
        nothing in front of it: every position V8 reports (syntax errors, frames, source
        lines) is the file's own line and column. Raises as `eval` does: LoadError for
        code V8 cannot compile (placed at the code's end when V8 reads on into the
        epilogue, as it does for a missing `}`), ScriptError for an uncaught throw.
        """
        _check_filename(filename)
        self.set_global(_SCOPED_SOURCE_GLOBAL, f"{code}\n{epilogue}\n//# sourceURL={filename}")
        evaluator = (
            f"(function () {{ 'use strict';\n{prologue}\n"
            f"try {{ return eval(globalThis.{_SCOPED_SOURCE_GLOBAL}); }}\n"
            f"finally {{ delete globalThis.{_SCOPED_SOURCE_GLOBAL}; }} }})()"
        )
        try:
            return self._eval(
                evaluator, filename=_SCOPED_FILENAME, deadline=deadline, running=filename
            )
        except ScriptError as error:
            raise js_errors.scoped_compile_error(error, code, filename) or error from None

    def set_global(self, name: str, text: str | bytes) -> None:
        """Define the global `name` as the string `text` (bytes: UTF-8): how large inputs
        (a page of records as JSON) enter the context without being escaped into a
        script."""
        self._refuse_reentry("set a global of")
        if self._native.closed:
            raise UsageError("this Isolate is closed; create a new one")
        with self._lock:
            self._native.set_global_string(name, text)

    def close(self) -> None:
        """Free the V8 context. Safe to call twice; refused from inside the bridge."""
        self._refuse_reentry("close")
        self._finalizer()

    def __enter__(self) -> Isolate:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _install_bridge(self, handler: Handler, max_bytes: int) -> None:
        self._native.install_notify(NOTIFY_GLOBAL)
        script = f"{install_script(max_bytes)}\n//# sourceURL={BRIDGE_FILENAME}"
        buffer = self._native.eval_array_buffer(script)
        self._channel.target = BridgeChannel(handler, buffer.view(max_bytes), max_bytes)

    def _refuse_reentry(self, action: str) -> None:
        channel = self._channel.target
        if channel is not None and channel.active_thread == threading.get_ident():
            raise BridgeError(
                f"cannot {action} the isolate from inside its own bridge handler: "
                "the isolate is waiting for that handler to return",
                hint="bridge handlers must answer from Python data only",
            )

    def _drain(self, deadline: float | None, filename: str) -> None:
        """Swallow a termination left armed by the last timeout or heap stop (V8 may
        hold it past the end of the script it was meant for), and re-arm the limit."""
        if not self._must_drain:
            return
        self._native.set_hard_memory_limit(self.memory_mb * MIB)
        try:
            self._native.eval("0", timeout=_remaining(deadline, filename))
        except _minirace.JSTerminated:
            pass
        except _minirace.EvalTimedOut:
            raise HookTimeout(
                f"{filename}: could not start before its deadline: the isolate is still "
                "busy with a script that timed out earlier (a bridge call that blocks)",
                hint="make bridge handlers return promptly, or use a fresh Isolate",
                file=filename,
            ) from None
        self._must_drain = False

    def _termination_error(self, failure: _minirace.JSFailure, filename: str) -> HookError:
        if isinstance(failure, _minirace.JSOutOfMemory) or self._native.hard_memory_limit_reached():
            return HeapLimitExceeded(
                f"{filename}: the script used more than its {self.memory_mb} MiB heap "
                "and was stopped",
                hint="process less data per call, release references you no longer need, "
                "or raise the memory limit",
                file=filename,
                memory_mb=self.memory_mb,
            )
        return ScriptError(
            f"{filename}: JavaScript execution was terminated ({failure.text.strip()})",
            name=None,
            js_message=failure.text.strip(),
            file=filename,
        )


class _BridgeSlot:
    """The notify target, filled once the bridge exists. The native context holds this
    slot, not the Isolate, so no reference cycle keeps an unclosed Isolate alive."""

    def __init__(self) -> None:
        self.target: BridgeChannel | None = None

    def __call__(self) -> None:
        if self.target is not None:
            self.target()


def _check_filename(filename: str) -> None:
    if "\n" in filename or "\r" in filename:
        raise UsageError(f"a script file name cannot contain a line break: {filename!r}")


def _remaining(deadline: float | None, filename: str) -> float | None:
    """Seconds left until `deadline`; HookTimeout when none are."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise HookTimeout(
            f"{filename}: its deadline passed before it could start; not run",
            hint="allow more time for the whole run",
            file=filename,
        )
    return left


def _timeout(filename: str, ran_s: float) -> HookTimeout:
    return HookTimeout(
        f"{filename}: still running at its deadline, after {ran_s:.2f} s; stopped",
        hint="look for a loop that never ends or a call that waits, or allow more time",
        file=filename,
        ran_s=round(ran_s, 3),
    )
