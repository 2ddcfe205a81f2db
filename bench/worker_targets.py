"""The worker program the benchmarks run in a worker process of their own
(`Supervisor(BENCH_JOBS)`, the same kind of process as jsrt's), so their figures come from
where hooks really run. A payload names the function: `{"do": "raw_bridge", ...}`.

* `raw_bridge`: the engine's bridge alone, with a handler that answers a fixed reply: the
  physical limit of an integrator-api round trip (JSON out, notify, JSON back), without
  jsrt's dispatch, checks, policy, backend and call log.
* `least_dispatch_bridge`: the same loop answered by the least a dispatcher in Python
  does (parse, find, answer, log): the most any Python dispatch can reach.
* `rss`: the worker's own resident memory.

A spawned worker starts here: `python -m bench.worker_targets`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import orjson

from bench.rss import rss_kib
from jsrt.engine.isolate import Isolate
from jsrt.worker.program import Job, WorkerProgram

REQUEST_FILENAME = "bench:raw-bridge.js"


def raw_bridge(payload: dict[str, Any]) -> dict[str, Any]:
    """Microseconds per round trip of `payload["calls"]` calls answering `payload["value"]`,
    each stringifying a request as the integrator-api shim does and parsing the reply."""
    answer = orjson.dumps({"ok": True, "value": payload["value"]}).decode()
    return _bridge_loop(payload["calls"], [payload["key"]], lambda _request: answer)


def least_dispatch_bridge(payload: dict[str, Any]) -> dict[str, Any]:
    """Microseconds per round trip, as `raw_bridge`, of calls reading `payload["keys"]` in
    turn from `payload["values"]`, answered by the least any dispatcher in Python does
    for a call: parse the request, find the value, write the response and a call log
    entry. No checks, no policy, no backend: what is left for them under a target is
    what this row leaves below the engine's bridge alone."""
    values: dict[str, Any] = payload["values"]
    log = bytearray(b"[")

    def answer(request: str) -> bytes:
        started = time.perf_counter()
        call = orjson.loads(request)
        value = values[call["args"][0]["key"]]
        entry = {**call, "ok": True, "result": value}
        entry["duration_ms"] = (time.perf_counter() - started) * 1000
        log.extend(orjson.dumps(entry))
        log.extend(b",")
        return orjson.dumps({"ok": True, "value": value})

    return _bridge_loop(payload["calls"], payload["keys"], answer)


def _bridge_loop(
    calls: int, keys: list[str], answer: Callable[[str], str | bytes]
) -> dict[str, Any]:
    """Microseconds per call of a loop making `calls` state.getForResource requests, the
    `keys` in turn, through an isolate's bridge answered by `answer`."""
    requests = [
        {
            "object": "state",
            "method": "getForResource",
            "args": [{"resourceType": "flows", "_id": "bench-flow", "key": key}],
        }
        for key in keys
    ]
    with Isolate(bridge=answer) as isolate:
        isolate.eval(f"var REQUESTS = {orjson.dumps(requests).decode()}", filename=REQUEST_FILENAME)

        def loop_ms(count: int) -> float:
            started = time.perf_counter()
            isolate.eval(
                f"for (let i = 0; i < {count}; i++) JSON.parse(__jsrt_bridge("
                f"JSON.stringify(REQUESTS[i % {len(requests)}]))).value.length",
                filename=REQUEST_FILENAME,
            )
            return (time.perf_counter() - started) * 1000

        loop_ms(100)  # warm the loop's code
        elapsed = loop_ms(calls) - loop_ms(0)
    return {"us_per_call": elapsed * 1000 / calls}


def rss(_payload: dict[str, Any]) -> dict[str, Any]:
    """The worker's process id and resident set size."""
    return {"pid": os.getpid(), "rss_kib": rss_kib()}


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """The program's run: the function `payload["do"]` names, over the payload."""
    jobs = {"raw_bridge": raw_bridge, "least_dispatch_bridge": least_dispatch_bridge, "rss": rss}
    return jobs[payload["do"]](payload)


def load() -> Job:
    return Job(run=run)


BENCH_JOBS = WorkerProgram(name="the bench job", main_module="bench.worker_targets", load=load)


if __name__ == "__main__":
    import sys

    from jsrt.worker import loop

    sys.exit(loop.main(BENCH_JOBS))
