"""Supervisor: work runs in a warm worker process that no script can take down with the
caller; InlineExecutor: the same contract in-process."""

from __future__ import annotations

import os
import signal
import time

import broken_jobs
import pytest
from worker_jobs import PROGRAM, job, no_such_job

from jsrt.errors import EngineCrashed, HookTimeout, JsrtError, ScriptError, UsageError
from jsrt.worker.program import WorkerProgram
from jsrt.worker.supervisor import GRACE_S, InlineExecutor, Supervisor


def test_a_run_returns_the_targets_dict_from_a_warm_worker(supervisor: Supervisor) -> None:
    first = supervisor.run(job("echo", n=1, text="é"), timeout_s=30)
    second = supervisor.run(job("echo", n=2), timeout_s=30)
    assert first["echo"] == {"n": 1, "text": "é"}
    assert second["echo"] == {"n": 2}
    assert first["pid"] == second["pid"] != os.getpid()


def test_javascript_errors_arrive_intact(supervisor: Supervisor) -> None:
    with pytest.raises(ScriptError) as raised:
        supervisor.run(job("evaluate", code="\n  null.x"), timeout_s=30)
    error = raised.value
    assert (error.name, error.file, error.line, error.column) == ("TypeError", "job.js", 2, 8)


def test_other_exceptions_become_jsrt_errors_with_the_traceback(supervisor: Supervisor) -> None:
    with pytest.raises(JsrtError) as raised:
        supervisor.run(job("fail", what="this"), timeout_s=30)
    error = raised.value
    assert type(error) is JsrtError
    assert error.message.endswith("raised ValueError: cannot handle this")
    assert "worker_jobs.py" in error.traceback
    with pytest.raises(JsrtError, match="returned list, expected a dict"):
        supervisor.run(job("not_a_dict"), timeout_s=30)
    with pytest.raises(JsrtError, match="returned a dict JSON cannot hold"):
        supervisor.run(job("not_json"), timeout_s=30)


def test_bad_requests_are_usage_errors(supervisor: Supervisor) -> None:
    with pytest.raises(UsageError, match="JSON"):
        supervisor.run(job("echo", x={1, 2}.__iter__()), timeout_s=30)
    with pytest.raises(UsageError, match="timeout_s"):
        supervisor.run(job("echo"), timeout_s=0)


def test_a_v8_timeout_in_the_worker_leaves_the_worker_usable(supervisor: Supervisor) -> None:
    before = supervisor.run(job("echo"), timeout_s=30)["pid"]
    with pytest.raises(HookTimeout) as raised:
        supervisor.run(job("evaluate", code="while (true) {}", timeout_s=0.2), timeout_s=30)
    assert raised.value.file == "job.js"
    after = supervisor.run(job("evaluate", code="6 * 7"), timeout_s=30)
    assert after["value"] == 42
    assert after["pid"] == before


@pytest.mark.slow
def test_an_engine_abort_is_reported_and_the_next_run_gets_a_fresh_engine(
    supervisor: Supervisor,
) -> None:
    before = supervisor.run(job("echo"), timeout_s=30)["pid"]
    with pytest.raises(EngineCrashed) as raised:
        supervisor.run(job("evaluate", code="new Array(3e8).fill(0)"), timeout_s=60)
    error = raised.value
    assert error.signal == "SIGTRAP"
    assert "Fatal JavaScript out of memory" in error.message
    assert any("invalid table size" in line for line in error.output)
    after = supervisor.run(job("evaluate", code="'alive'"), timeout_s=30)
    assert after["value"] == "alive"
    assert after["pid"] != before


def test_a_bridge_call_that_blocks_past_the_deadline_costs_the_worker_not_the_caller(
    supervisor: Supervisor,
) -> None:
    started = time.monotonic()
    with pytest.raises(HookTimeout) as raised:
        supervisor.run(job("slow_bridge", sleep_s=60, timeout_s=0.3), timeout_s=0.5)
    waited = time.monotonic() - started
    assert waited < 0.5 + GRACE_S + 10, "the caller was held far past timeout + grace"
    assert raised.value.target == PROGRAM.name
    assert supervisor.run(job("evaluate", code="1 + 1"), timeout_s=30)["value"] == 2


@pytest.mark.parametrize("fork", [False, True], ids=["spawned", "forked"])
def test_a_worker_killed_at_its_deadline_is_reported_for_what_it_was_doing(fork: bool) -> None:
    supervisor = Supervisor(PROGRAM)
    try:
        supervisor.start(fork=fork)
        with pytest.raises(HookTimeout) as raised:
            supervisor.run(job("stuck", calls=4, where="calling"), timeout_s=0.2)
        assert "waiting" in raised.value.message
        assert "for integrator-api call 5 to return" in raised.value.message
        assert raised.value.details["phase"] == "calling"
        assert "does not answer" in (raised.value.hint or "")

        with pytest.raises(HookTimeout) as raised:
            supervisor.run(job("stuck", calls=2, where="running"), timeout_s=0.2)
        message = raised.value.message
        assert "not waiting for a call (2 integrator-api calls so far)" in message
        assert "one long built-in operation" in message
        assert "bridge call" not in message + (raised.value.hint or "")
    finally:
        supervisor.close()


def test_a_run_needing_a_bigger_heap_restarts_the_worker_with_one() -> None:
    supervisor = Supervisor(PROGRAM, heap_ceiling_mb=64)
    try:
        small = supervisor.run(job("evaluate", code="1", memory_mb=32), timeout_s=30)
        big = supervisor.run(job("evaluate", code="2", memory_mb=200), timeout_s=30)
    finally:
        supervisor.close()
    assert small["heap_ceiling_mb"] == 64
    assert (big["value"], big["heap_ceiling_mb"]) == (2, 200)
    assert big["pid"] != small["pid"]
    assert supervisor.heap_ceiling_mb == 200


def test_close_stops_the_worker_and_a_later_run_starts_another() -> None:
    supervisor = Supervisor(PROGRAM)
    first = supervisor.run(job("echo"), timeout_s=30)["pid"]
    supervisor.close()
    supervisor.close()
    with pytest.raises(ProcessLookupError):
        _wait_gone(first)
    second = supervisor.run(job("echo"), timeout_s=30)["pid"]
    supervisor.close()
    assert second != first


def test_the_shared_supervisor_is_one_per_process_and_new_after_fork() -> None:
    shared = Supervisor.shared(PROGRAM)
    assert Supervisor.shared(PROGRAM) is shared
    parent_worker = shared.run(job("echo"), timeout_s=30)["pid"]
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            mine = Supervisor.shared(PROGRAM)
            pid = mine.run(job("echo"), timeout_s=30)["pid"]
            code = 0 if mine is not shared and pid != parent_worker else 2
            mine.close()
        finally:
            os._exit(code)
    assert _exit_code(child, within_s=60) == 0
    assert shared.run(job("echo"), timeout_s=30)["pid"] == parent_worker


def test_the_inline_executor_keeps_the_same_contract() -> None:
    executor = InlineExecutor(PROGRAM)
    assert executor.run(job("evaluate", code="'here'"), timeout_s=5)["pid"] == os.getpid()
    with pytest.raises(JsrtError, match="raised ValueError"):
        executor.run(job("fail", what="x"), timeout_s=5)
    with pytest.raises(UsageError):
        executor.run(job("echo"), timeout_s=0)


def test_a_program_that_cannot_load_is_reported_by_its_run() -> None:
    broken = WorkerProgram(name="a broken job", main_module="worker_jobs", load=no_such_job)
    with pytest.raises(JsrtError, match="a broken job could not load: ImportError: gone") as raised:
        InlineExecutor(broken).run({}, timeout_s=5)
    assert "worker_jobs.py" in raised.value.traceback


def _exit_code(child: int, within_s: float) -> int | None:
    """The forked `child`'s exit code; None (after killing it) if it ran too long, so a
    child stuck on a lock held at fork time cannot hang the test run."""
    end = time.monotonic() + within_s
    while time.monotonic() < end:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    return None


def _wait_gone(pid: int) -> None:
    """Return while `pid` exists (for up to 10 s); raise ProcessLookupError once gone."""
    end = time.monotonic() + 10
    while time.monotonic() < end:
        os.kill(pid, 0)
        time.sleep(0.05)


def test_bytes_in_a_payload_reach_the_target_as_bytes(supervisor: Supervisor) -> None:
    text = '{"data": ["é", "\\"q\\""]}' * 10_000
    reply = supervisor.run(job("decode", n=1, raw=text.encode()), timeout_s=30)
    assert reply == {"n": 1, "type": "bytes", "text": text}


def test_a_worker_whose_program_cannot_load_starts_and_reports_it_to_each_run() -> None:
    supervisor = Supervisor(broken_jobs.PROGRAM)
    try:
        supervisor.start()
        for _ in range(2):
            with pytest.raises(JsrtError, match="the broken job could not load: ImportError"):
                supervisor.run({}, timeout_s=30)
    finally:
        supervisor.close()
