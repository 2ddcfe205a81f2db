"""Run targets for the supervisor tests; the worker imports this module by name.

The worker gets the caller's `sys.path`, and pytest puts this folder on it (no
`__init__.py` here); `target(name)` spells a function's run target.
"""

from __future__ import annotations

import os
import time
from typing import Any

from jsrt.engine import Isolate, v8_process


def target(name: str) -> str:
    """The run target naming function `name` of this module, as the worker imports it."""
    return f"{__name__}:{name}"


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
