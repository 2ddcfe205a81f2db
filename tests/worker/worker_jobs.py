"""The worker program of the supervisor tests: `PROGRAM` runs the function of this module
a payload names (`job(name, **payload)` spells such a payload).

A spawned worker starts in this module (`python -m worker_jobs`), so the tests put this
folder on PYTHONPATH (conftest.py); pytest also puts it on `sys.path` (no `__init__.py`).
"""

from __future__ import annotations

import os
import time
from typing import Any

from jsrt.engine import Isolate, v8_process
from jsrt.worker import progress
from jsrt.worker.program import Job, WorkerProgram


def job(name: str, **payload: Any) -> dict[str, Any]:
    """The payload asking the test program to run function `name` of this module."""
    return {"do": name, **payload}


def run(payload: dict[str, Any]) -> Any:
    """The program's run: the function the payload names, over the rest of it."""
    return globals()[payload.pop("do")](payload)


def load() -> Job:
    return Job(run=run)


def no_such_job() -> Job:
    """A program's `load` whose import fails."""
    raise ImportError("gone")


PROGRAM = WorkerProgram(name="the test job", main_module="worker_jobs", load=load)


def echo(payload: dict[str, Any]) -> dict[str, Any]:
    return {"echo": payload, "pid": os.getpid()}


def evaluate(payload: dict[str, Any]) -> dict[str, Any]:
    """Evaluate `code` in a fresh isolate, with an optional V8 deadline and heap."""
    timeout_s = payload.get("timeout_s")
    deadline = time.monotonic() + timeout_s if timeout_s is not None else None
    with Isolate(memory_mb=payload.get("memory_mb", 256)) as isolate:
        value = isolate.eval(payload["code"], filename="job.js", deadline=deadline)
    return {"value": value, "pid": os.getpid(), "heap_ceiling_mb": v8_process.heap_ceiling_mb()}


def slow_bridge(payload: dict[str, Any]) -> dict[str, Any]:
    """A script whose bridge call sleeps in Python for `sleep_s` seconds."""

    def sleepy(request: str) -> str:
        time.sleep(payload["sleep_s"])
        return request

    deadline = time.monotonic() + payload["timeout_s"]
    with Isolate(bridge=sleepy) as isolate:
        return {
            "value": isolate.eval("__jsrt_bridge('late')", filename="slow.js", deadline=deadline)
        }


def stuck(payload: dict[str, Any]) -> dict[str, Any]:
    """A run that makes `calls` calls through its progress record, as a hook run's bridge
    does, then is stuck `where` ("calling": in a call that never returns; "running":
    between calls, in an operation V8 cannot interrupt at its deadline) until it is
    killed."""
    record = progress.current()
    record.run_started()
    for _ in range(payload["calls"]):
        record.during_call(str, "answered")
    if payload["where"] == "calling":
        record.during_call(_sleep_a_minute, "never answered")
    else:
        _sleep_a_minute("")
    return {}


def _sleep_a_minute(request: str) -> str:
    time.sleep(60)
    return request


def fail(payload: dict[str, Any]) -> dict[str, Any]:
    raise ValueError(f"cannot handle {payload['what']}")


def not_a_dict(payload: dict[str, Any]) -> Any:
    return ["not", "a", "dict"]


def not_json(payload: dict[str, Any]) -> dict[str, Any]:
    return {"tags": {"a", "b"}}


def abort(payload: dict[str, Any]) -> dict[str, Any]:
    """End the worker the way a fatal V8 error does: SIGABRT, no reply."""
    print("about to abort", flush=True)
    os.abort()


def decode(payload: dict[str, Any]) -> dict[str, Any]:
    raw = payload["raw"]
    return {"n": payload["n"], "type": type(raw).__name__, "text": raw.decode()}


if __name__ == "__main__":
    import sys

    from jsrt.worker import loop

    sys.exit(loop.main(PROGRAM))
