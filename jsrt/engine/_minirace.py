"""The one module that touches mini-racer's internals (pinned to mini-racer 0.14.x).

mini-racer's public `MiniRacer` class routes every call through an asyncio loop thread
(four thread switches per eval), offers only async Python functions to JavaScript, and
installs `setTimeout` in every context. jsrt needs less and more: a context driven
straight through the C API (`mr_init_context`, `mr_eval` posted from the calling thread
and awaited on a queue, `mr_cancel_task` at a deadline) and one synchronous JS→Python
callback (`mr_make_js_callback`), which V8 invokes on its isolate thread while the
calling JavaScript waits.

Everything here speaks mini-racer's own vocabulary (raw value handles, callback ids,
result type codes). A mini-racer upgrade that changes any of it should fail
`tests/engine/test_minirace.py` and nothing else.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import itertools
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any


def _package_without_its_init() -> None:
    """Make `import py_mini_racer.<module>` load that module alone.

    mini-racer's package `__init__` imports its public `MiniRacer` class, and with it
    asyncio (and ssl): 25-40 ms of a cold `jsrt run`'s critical path (the worker's start),
    for an API jsrt never uses. So until something asks the package for one of its own
    names, it stands in `sys.modules` uninitialised; the first such request (`from
    py_mini_racer import MiniRacer`, anywhere in the process) runs its `__init__` then, so
    other code sees the package as usual."""
    if "py_mini_racer" in sys.modules:
        return
    spec = importlib.util.find_spec("py_mini_racer")
    if spec is None or spec.loader is None:
        return  # not installed: the import below says so
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def complete(name: str) -> Any:
        del package.__getattr__
        loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = complete  # type: ignore[method-assign]
    sys.modules["py_mini_racer"] = package


_package_without_its_init()

from py_mini_racer._dll import (  # noqa: E402  (after the package is put in place)
    DEFAULT_V8_FLAGS,
    LibAlreadyInitializedError,
    init_mini_racer,
    mr_callback_func,
)


class _Types:
    """mini-racer's result type codes (its `_objects._MiniRacerTypes`, which imports
    asyncio; `tests/engine/test_minirace.py` holds these to it)."""

    bool = 2
    integer = 3
    double = 4
    str_utf8 = 5
    array_buffer = 102
    execute_exception = 200
    parse_exception = 201
    oom_exception = 202
    terminated_exception = 204
    value_exception = 205
    key_exception = 206


Primitive = str | int | float | bool | None

NOTIFY_CALLBACK_ID = 0
"""The callback id reserved for the synchronous JS→Python notification.

Task completions use ids from 1 upwards, so the two never collide."""


class JSFailure(Exception):
    """mini-racer reported that an evaluation did not produce a value.

    `text` is mini-racer's rendering of the failure: for thrown values
    ``FILE:LINE: <String(exception)>``, the source line, a caret line, then the stack.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class JSParseFailure(JSFailure):
    """The script did not compile."""


class JSExecutionFailure(JSFailure):
    """The script threw and nothing caught it."""


class JSTerminated(JSFailure):
    """V8 terminated the script (a cancelled task, the hard heap limit, or a stale
    termination left armed by an earlier cancellation)."""


class JSOutOfMemory(JSFailure):
    """The hard heap limit was reached while the script ran."""


class EvalTimedOut(Exception):
    """The evaluation was still running at its timeout; it has been cancelled."""


_FAILURES: dict[int, type[JSFailure]] = {
    _Types.parse_exception: JSParseFailure,
    _Types.execute_exception: JSExecutionFailure,
    _Types.terminated_exception: JSTerminated,
    _Types.oom_exception: JSOutOfMemory,
    _Types.value_exception: JSExecutionFailure,
    _Types.key_exception: JSExecutionFailure,
}

_CLOSED = object()
"""Stands for a result that arrived while the context was being freed."""

_init_lock = threading.Lock()
_initialised_flags: tuple[str, ...] | None = None


def init_v8(flags: Sequence[str]) -> bool:
    """Initialise V8 for this process with `flags`; V8 accepts flags exactly once.

    Returns True when `flags` are in force. Returns False when other code in this
    process already started V8 through mini-racer's public API: it then runs with
    mini-racer's default flags, which nothing can change any more. Calling again with
    the same flags is a no-op; different flags raise RuntimeError, because they would
    silently not apply.
    """
    global _initialised_flags
    wanted = tuple(flags)
    with _init_lock:
        if _initialised_flags is None:
            try:
                init_mini_racer(flags=wanted)
                _initialised_flags = wanted
            except LibAlreadyInitializedError:
                _initialised_flags = DEFAULT_V8_FLAGS
        elif _initialised_flags != wanted:
            raise RuntimeError(
                f"V8 is already initialised in this process with {list(_initialised_flags)}; "
                f"cannot switch to {list(wanted)}"
            )
        return _initialised_flags == wanted


def _dll() -> ctypes.CDLL:
    if _initialised_flags is None:
        raise RuntimeError("init_v8() must be called before creating a NativeContext")
    return init_mini_racer(ignore_duplicate_init=True)


def _raw_text(raw: Any) -> str:
    contents = raw.contents
    return contents.value.bytes_val[0 : contents.len].decode("utf-8", errors="replace")


def _to_primitive(raw: Any) -> Primitive:
    """Convert a result handle: primitives as Python values, everything else as None
    (objects must be stringified in JavaScript); failures raise a JSFailure."""
    contents = raw.contents
    kind = contents.type
    failure = _FAILURES.get(kind)
    if failure is not None:
        raise failure(_raw_text(raw))
    if kind == _Types.bool:
        return contents.value.int_val == 1
    if kind == _Types.integer:
        return int(contents.value.int_val)
    if kind == _Types.double:
        return float(contents.value.double_val)
    if kind == _Types.str_utf8:
        return _raw_text(raw)
    return None


class ArrayBufferRef:
    """A JavaScript ArrayBuffer kept alive from Python.

    mini-racer hands ArrayBuffers over as a pointer into the backing store plus a handle
    that owns a `v8::Global`; the pointer is only valid while that handle lives. This
    object owns the handle until the context closes, so the memory it points to cannot
    be collected or transferred away underneath Python.
    """

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.address: int = raw.contents.value.value_ptr
        self.byte_length: int = raw.contents.len

    def view(self, size: int) -> memoryview:
        """A writable byte view of `size` bytes from the start of the buffer.

        `size` may exceed the current length of a resizable buffer (V8 reserves its
        maximum up front and grows in place); touch only bytes JavaScript has committed.
        """
        return memoryview((ctypes.c_ubyte * size).from_address(self.address)).cast("B")


class _ContextState:
    """What a context shares with its isolate-thread callback: the native handle,
    whether it is closing (then handles die with it and must not be freed), and whether
    the isolate thread keeps its Python thread state (`_keep_thread_state`)."""

    __slots__ = ("closing", "ctx", "pinned", "unpin")

    def __init__(self) -> None:
        self.ctx = 0
        self.closing = False
        self.pinned = False
        self.unpin = False


_GIL_LOCKED = 0  # PyGILState_LOCKED


def _keep_thread_state(state: _ContextState) -> None:
    """Called on the isolate thread at each callback: the first one makes the thread keep
    the Python thread state ctypes made for it; the one after `close` asked lets it go.

    A ctypes callback on a thread Python did not start creates a Python thread state on
    entry and destroys it on return, with its frame stack (a fresh mmap each time): of
    a bridge round trip's ~13 µs, ~8 (measured: 13.0 -> 4.9 µs per round trip, process
    CPU time). One more `PyGILState_Ensure` while the callback holds it keeps the state
    for the thread's life; `NativeContext.close` has the thread give it back (its
    `PyGILState_Release` here, before ctypes' own), so a context leaves nothing behind.
    """
    if state.unpin:
        if state.pinned:
            ctypes.pythonapi.PyGILState_Release(_GIL_LOCKED)
            state.pinned = False
    elif not state.pinned:
        ctypes.pythonapi.PyGILState_Ensure()
        state.pinned = True


RELEASE_TIMEOUT_S = 0.5
"""How long `close` waits for the isolate thread to give back its Python thread state;
past it (an isolate still busy with a cancelled script), the state is left behind."""


class NativeContext:
    """One V8 isolate + context, driven directly through mini-racer's C API.

    `on_notify` is called, on the isolate's own thread and with JavaScript suspended,
    each time script calls the function installed by `install_notify`. It must not
    raise (it is inside a ctypes callback) and must never call back into this context.
    """

    def __init__(self, on_notify: Callable[[], None] | None = None) -> None:
        dll = _dll()
        pending: dict[int, queue.SimpleQueue[Any]] = {}
        lock = threading.Lock()
        state = _ContextState()

        def free(raw: Any) -> None:
            if not state.closing:
                dll.mr_free_value(state.ctx, raw)

        @mr_callback_func
        def dispatch(callback_id: int, raw_val_handle: Any) -> None:
            # Runs on the isolate thread. It holds no reference to this object (no
            # ctx -> callback -> context cycle) and never lets an exception escape.
            raw = raw_val_handle
            try:
                if state.pinned is state.unpin:  # the first callback, or the last
                    _keep_thread_state(state)
                if callback_id == NOTIFY_CALLBACK_ID:
                    free(raw)  # the JS arguments array: never read, it would deadlock
                    if on_notify is not None:
                        on_notify()
                    return
                with lock:
                    waiter = pending.get(callback_id)
                    if waiter is not None:
                        # While closing, the handle dies with the context: say so instead.
                        waiter.put(_CLOSED if state.closing else raw)
                        return
                free(raw)  # the result of an abandoned (timed-out) evaluation
            except BaseException:  # nothing may escape a ctypes callback
                pass

        self._dll = dll
        self._pending = pending
        self._lock = lock
        self._state = state
        self._dispatch = dispatch
        self._free = free
        self._ids = itertools.count(NOTIFY_CALLBACK_ID + 1)
        self._keep: list[Any] = []
        state.ctx = dll.mr_init_context(dispatch)
        self._ctx = state.ctx

    @property
    def closed(self) -> bool:
        return self._state.closing

    def eval(self, code: str, *, timeout: float | None = None) -> Primitive:
        """Evaluate `code` as a classic script and return its completion value.

        Raises a JSFailure subclass when the script does not produce a value, and
        EvalTimedOut (after cancelling the task) when `timeout` seconds pass first. A
        cancelled task's late result is freed when it arrives.
        """
        raw = self._run(code, timeout)
        try:
            return _to_primitive(raw)
        finally:
            self._free(raw)

    def eval_array_buffer(self, code: str) -> ArrayBufferRef:
        """Evaluate `code`, which must complete with an ArrayBuffer, and keep it alive."""
        raw = self._run(code, None)
        if raw.contents.type != _Types.array_buffer:
            try:
                _to_primitive(raw)
            finally:
                self._free(raw)
            raise TypeError("the script did not complete with an ArrayBuffer")
        self._keep.append(raw)
        return ArrayBufferRef(raw)

    def install_notify(self, global_name: str) -> None:
        """Define `globalThis[global_name]` as the JS function that calls `on_notify`.

        It is a plain (configurable) property so that a setup script can take it into a
        closure and delete the global.
        """
        func = self._dll.mr_make_js_callback(self._ctx, NOTIFY_CALLBACK_ID)
        key = self._string_handle(global_name)
        global_object = self._run("globalThis", None)
        try:
            result = self._dll.mr_set_object_item(self._ctx, global_object, key, func)
            self._free(result)
        finally:
            for raw in (global_object, key, func):
                self._free(raw)

    def set_global_string(self, name: str, text: str | bytes) -> None:
        """Define `globalThis[name]` as the string `text` (bytes: already UTF-8), handed
        to V8 as UTF-8 (no script to parse: the cheapest way to move a large text into
        the context)."""
        key = self._string_handle(name)
        value = self._string_handle(text)
        global_object = self._run("globalThis", None)
        try:
            result = self._dll.mr_set_object_item(self._ctx, global_object, key, value)
            self._free(result)
        finally:
            for raw in (global_object, key, value):
                self._free(raw)

    def set_hard_memory_limit(self, limit_bytes: int) -> None:
        """Terminate scripts once the JS heap exceeds `limit_bytes` after a GC.

        Setting it again also clears the "reached" flag (re-arms the limit)."""
        self._dll.mr_set_hard_memory_limit(self._ctx, limit_bytes)

    def hard_memory_limit_reached(self) -> bool:
        return bool(self._dll.mr_hard_memory_limit_reached(self._ctx))

    def value_count(self) -> int:
        """How many value handles mini-racer holds for this context (leak checks)."""
        return int(self._dll.mr_value_count(self._ctx))

    def close(self) -> None:
        """Free the context and its isolate thread. Safe to call twice.

        Blocks while a notify callback is still running on the isolate thread."""
        with self._lock:
            if self._state.closing or self._state.unpin:
                return
            self._state.unpin = True
        if self._state.pinned:  # one last evaluation: its callback lets the state go
            with contextlib.suppress(Exception):  # a busy or broken isolate keeps it
                self.eval("0", timeout=RELEASE_TIMEOUT_S)
        with self._lock:
            self._state.closing = True
        self._keep.clear()
        self._dll.mr_free_context(self._ctx)

    def _string_handle(self, text: str | bytes) -> Any:
        data = text if isinstance(text, bytes) else text.encode("utf-8", errors="surrogatepass")
        return self._dll.mr_alloc_string_val(self._ctx, data, len(data), _Types.str_utf8)

    def _run(self, code: str, timeout: float | None) -> Any:
        """Post an eval task from this thread and wait for its raw result handle."""
        if self._state.closing:
            raise RuntimeError("the V8 context is closed")
        callback_id = next(self._ids)
        waiter: queue.SimpleQueue[Any] = queue.SimpleQueue()
        with self._lock:
            self._pending[callback_id] = waiter
        code_handle = self._string_handle(code)
        try:
            task_id = self._dll.mr_eval(self._ctx, code_handle, callback_id)
            try:
                raw = waiter.get(timeout=timeout)
            except queue.Empty:
                self._dll.mr_cancel_task(self._ctx, task_id)
                raise EvalTimedOut from None
            if raw is _CLOSED:
                raise JSTerminated("the V8 context was closed while the script ran")
            return raw
        finally:
            with self._lock:
                del self._pending[callback_id]
            while not waiter.empty():  # a result that raced the timeout
                late = waiter.get_nowait()
                if late is not _CLOSED:
                    self._free(late)
            self._free(code_handle)
