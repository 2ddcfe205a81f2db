"""Bridge round trips per second from a hook: `state.getForResource` on the local
backend, with a small value and a 1 KB one, the same key every call or two in turn,
against the engine's bridge alone (a fixed reply, no dispatch: the physical limit of one
round trip, measured in a worker process of the same kind).

jsrt's figure is the marginal cost of a call: a run making `calls` calls minus a run
making none, so the run's fixed cost (fresh isolate, options, judging) is left out while
everything a call costs (checks, policy, backend copy, the call log sent back) is in.
"""

from __future__ import annotations

from bench import data
from bench.context import BenchError, Context
from bench.harness import Row, Target, alternate, sampled_row, timed_ms
from bench.worker_targets import BENCH_JOBS
from jsrt.backends.local import World
from jsrt.loader import PreparedScript, load_script
from jsrt.runner import Runtime
from jsrt.worker.supervisor import Supervisor

PAYLOADS = {"small": "ok", "small, again": "ok", "1 KB": "x" * 1024}
ROWS = {
    "small value": ("small",),
    "1 KB value": ("1 KB",),
    "small value, two keys in turn": ("small", "small, again"),
}
"""Each row's keys, read in turn. One key: every call after the first repeats the one
before it, which the dispatcher answers without asking again while the world is
unchanged (a hook reading one state value per record). Two keys in turn: no call
repeats the one before it, so each is parsed, checked and answered by the world: the
whole dispatch."""
TARGETS = {
    "small value": Target("min", 40_000, relative=Target("ratio_max", round(1 / 0.75, 2))),
    "small value, two keys in turn": Target("ratio_max", 2.5),
}
"""40,000 calls/s was set on a machine where the engine's bridge alone made ~52,000. Issue
17 judges a call against the engine's bridge alone, measured in the same run: at least
0.75x its rate (a ratio of at most 1.33), which the guard (2x slack) holds at 2.67. The
whole dispatch, every call parsed, checked and answered, is held at the ratio this
machine measures, 2.0-2.3x, rounded up (bench/README.md, "Bridge round trips")."""


def measure(ctx: Context) -> list[Row]:
    calls = ctx.plan.bridge_calls
    runtime = Runtime(World({"state": {"flows/bench-flow": dict(PAYLOADS)}}), timeout_s=600)
    script = load_script(data.STATE_HOOK)
    rows = []
    for name, keys in ROWS.items():
        value = PAYLOADS[keys[0]]

        def jsrt_rate(keys: tuple[str, ...] = keys) -> float:
            busy = timed_ms(lambda: _run(runtime, script, calls, keys))
            idle = timed_ms(lambda: _run(runtime, script, 0, keys))
            return calls / ((busy - idle) / 1000)

        def raw_rate(key: str = keys[0], value: str = value) -> float:
            return _worker_rate({"do": "raw_bridge", "calls": calls, "key": key, "value": value})

        samples = alternate([jsrt_rate, raw_rate], repeats=ctx.plan.bridge_repeats)
        rows.append(
            sampled_row(
                f"bridge: state.getForResource, {name}",
                "calls/s",
                samples,
                reference_name=ENGINE_ALONE,
                target=TARGETS.get(name),
                higher_is_better=True,
            )
        )
    rows.append(_least_dispatch_row(ctx))
    return rows


ENGINE_ALONE = "engine bridge alone (fixed reply)"


def _least_dispatch_row(ctx: Context) -> Row:
    """The engine's bridge answered by the least a dispatcher in Python does (parse the
    request, find the value, write the response and the call log entry), against the
    engine's bridge alone: the most the every-call row could reach with dispatch in
    Python, measured in the same run."""
    calls, keys = ctx.plan.bridge_calls, list(ROWS["small value, two keys in turn"])
    values = {key: PAYLOADS[key] for key in keys}
    least = {"do": "least_dispatch_bridge", "calls": calls, "keys": keys, "values": values}
    raw = {"do": "raw_bridge", "calls": calls, "key": keys[0], "value": values[keys[0]]}
    samples = alternate(
        [lambda: _worker_rate(least), lambda: _worker_rate(raw)], repeats=ctx.plan.bridge_repeats
    )
    return sampled_row(
        "bridge: least Python dispatch, small value, two keys in turn",
        "calls/s",
        samples,
        reference_name=ENGINE_ALONE,
        higher_is_better=True,
        note="no checks, policy or backend: the ceiling of the every-call row",
    )


def _worker_rate(payload: dict[str, object]) -> float:
    """Calls per second of a bridge loop `bench.worker_targets` runs in the bench worker."""
    reply = Supervisor.shared(BENCH_JOBS).run(payload, timeout_s=600)
    return 1e6 / reply["us_per_call"]


def _run(runtime: Runtime, script: PreparedScript, calls: int, keys: tuple[str, ...]) -> None:
    options = {"data": [{"calls": calls, "keys": list(keys)}]}
    result = runtime.run_hook(script, data.STATE_FUNCTION, options)
    if not result.ok:
        raise BenchError(f"the bridge hook failed in jsrt: {result.error}")
