"""Memory: resident set size after 10,000 runs in one process against after 100, for the
worker process (where V8 runs) and for the caller (where the world and the results live).

The runs are small preMap cases through the Python API, each in a fresh isolate as
always; growth between the two marks would be a leak per run.
"""

from __future__ import annotations

from bench import data
from bench.context import BenchError, Context
from bench.harness import Row, Target
from bench.rss import rss_kib

FIRST_MARK = 100
TARGET = Target("ratio_max", 1.2)


def measure(ctx: Context) -> list[Row]:
    from jsrt.engine.supervisor import Supervisor
    from jsrt.loader import load_script
    from jsrt.runner import Runtime

    runtime = Runtime()
    script = load_script(data.CASE_HOOK)
    total = max(ctx.plan.memory_runs, FIRST_MARK)
    marks: dict[int, tuple[int, int]] = {}
    for run in range(1, total + 1):
        result = runtime.run_hook(script, data.CASE_FUNCTION, {"data": [{"id": run}]})
        if not result.ok:
            raise BenchError(f"the memory benchmark's hook failed: {result.error}")
        if run in (FIRST_MARK, total):
            worker = Supervisor.shared().run("bench.worker_targets:rss", {}, timeout_s=30)
            marks[run] = (worker["rss_kib"], rss_kib())
    rows = []
    for index, side in enumerate(("worker", "caller")):
        after_total, after_first = marks[total][index] / 1024, marks[FIRST_MARK][index] / 1024
        rows.append(
            Row(
                workload=f"RSS of the {side} after {total:,} runs",
                unit="MiB",
                jsrt=after_total,
                reference=after_first,
                reference_name=f"after {FIRST_MARK} runs",
                target=TARGET,
            )
        )
    return rows
