"""The mini-racer internals jsrt relies on (mr_eval from the calling thread, task
cancellation, the synchronous JS callback, ArrayBuffer pointers, the hard heap limit).

If a mini-racer upgrade breaks one of these assumptions, this file says which.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest

from jsrt.engine import _minirace, v8_process


@pytest.fixture
def context() -> Iterator[_minirace.NativeContext]:
    v8_process.reserve_heap(64)
    native = _minirace.NativeContext()
    try:
        yield native
    finally:
        native.close()


def test_eval_returns_primitives_and_none_for_objects(context) -> None:
    assert context.eval("1 + 2") == 3
    assert context.eval("0.5") == 0.5
    assert context.eval("'é☃'") == "é☃"
    assert context.eval("true") is True
    assert context.eval("null") is None
    assert context.eval("undefined") is None
    assert context.eval("({a: 1})") is None


def test_failures_are_told_apart(context) -> None:
    with pytest.raises(_minirace.JSParseFailure, match="SyntaxError"):
        context.eval("a = ;")
    with pytest.raises(_minirace.JSExecutionFailure, match="TypeError") as thrown:
        context.eval("null.x")
    assert thrown.value.text.startswith("<anonymous>:1: TypeError")


def test_a_timed_out_eval_is_cancelled_and_the_context_goes_on(context) -> None:
    with pytest.raises(_minirace.EvalTimedOut):
        context.eval("while (true) {}", timeout=0.2)
    with contextlib.suppress(_minirace.JSTerminated):
        context.eval("0")  # the termination may outlive the cancelled task: trap 5
    assert context.eval("'alive'") == "alive"


def test_the_notify_callback_runs_synchronously_on_the_isolate_thread() -> None:
    v8_process.reserve_heap(64)
    seen: list[int] = []
    native = _minirace.NativeContext(on_notify=lambda: seen.append(threading.get_ident()))
    try:
        native.install_notify("__notify")
        assert (
            native.eval("const n = __notify; delete globalThis.__notify; n(); n(); typeof __notify")
            == "undefined"
        )
        assert len(seen) == 2
        assert threading.get_ident() not in seen
    finally:
        native.close()


def test_array_buffers_stay_at_one_address_as_they_grow(context) -> None:
    ref = context.eval_array_buffer(
        "globalThis.b = new ArrayBuffer(16, {maxByteLength: 1 << 24}); b"
    )
    assert ref.byte_length == 16
    context.eval("b.resize(1 << 20); new Uint8Array(b)[(1 << 20) - 1] = 7")
    view = ref.view(1 << 20)
    assert view[(1 << 20) - 1] == 7
    view[12345] = 42
    assert context.eval("new Uint8Array(b)[12345]") == 42


def test_the_hard_memory_limit_stops_a_script_and_can_be_rearmed(context) -> None:
    context.set_hard_memory_limit(32 * 1024 * 1024)
    with pytest.raises((_minirace.JSOutOfMemory, _minirace.JSTerminated)):
        context.eval("const a = []; while (true) a.push({n: a.length})")
    assert context.hard_memory_limit_reached()
    context.set_hard_memory_limit(32 * 1024 * 1024)
    assert not context.hard_memory_limit_reached()


def test_results_are_freed(context) -> None:
    before = context.value_count()
    for _ in range(100):
        context.eval("({big: 'x'.repeat(1000)})")
        with pytest.raises(_minirace.JSExecutionFailure):
            context.eval("throw new Error('e')")
    assert context.value_count() == before


def test_close_is_idempotent_and_final(context) -> None:
    context.close()
    context.close()
    assert context.closed
    with pytest.raises(RuntimeError):
        context.eval("1")


def test_v8_flags_cannot_change_once_set() -> None:
    v8_process.reserve_heap(64)
    with pytest.raises(RuntimeError, match="already initialised"):
        _minirace.init_v8(["--single-threaded", "--max-old-space-size=7"])


def test_the_result_type_codes_are_mini_racers_own() -> None:
    from py_mini_racer._objects import _MiniRacerTypes

    codes = {k: v for k, v in vars(_minirace._Types).items() if not k.startswith("_")}
    assert codes == {k: getattr(_MiniRacerTypes, k) for k in codes}


def test_the_engine_loads_without_mini_racers_public_api_which_still_works() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "import jsrt.engine._minirace\n"
        "print('asyncio' in sys.modules)\n"
        "from py_mini_racer import MiniRacer\n"
        "engine = MiniRacer(); print(engine.eval('6 * 7')); engine.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "42"]


def _python_thread_states() -> int:
    """How many Python thread states the interpreter holds (public C API)."""
    import ctypes

    api = ctypes.pythonapi
    api.PyInterpreterState_Get.restype = ctypes.c_void_p
    api.PyInterpreterState_ThreadHead.restype = ctypes.c_void_p
    api.PyInterpreterState_ThreadHead.argtypes = [ctypes.c_void_p]
    api.PyThreadState_Next.restype = ctypes.c_void_p
    api.PyThreadState_Next.argtypes = [ctypes.c_void_p]
    count, state = 0, api.PyInterpreterState_ThreadHead(api.PyInterpreterState_Get())
    while state:
        count += 1
        state = api.PyThreadState_Next(state)
    return count


def test_an_isolate_thread_keeps_one_python_thread_state_and_gives_it_back_at_close() -> None:
    v8_process.reserve_heap(64)
    before = _python_thread_states()
    notified: list[int] = []
    natives = [_minirace.NativeContext(on_notify=lambda: notified.append(1)) for _ in range(3)]
    for native in natives:
        native.install_notify("__notify")
        assert native.eval("for (let i = 0; i < 100; i++) __notify(); 'done'") == "done"
    assert len(notified) == 300
    assert _python_thread_states() == before + 3  # one per isolate thread, kept
    for native in natives:
        native.close()
    assert _python_thread_states() == before


def test_a_context_closed_after_a_timeout_gives_its_thread_state_back() -> None:
    v8_process.reserve_heap(64)
    before = _python_thread_states()
    native = _minirace.NativeContext()
    with pytest.raises(_minirace.EvalTimedOut):
        native.eval("while (true) {}", timeout=0.2)
    native.close()
    assert _python_thread_states() == before
