"""Memory: resident set size after 10,000 runs in one process against after 100, for the
worker process (where V8 runs) and for the caller (where the world and the results live).

The runs are small preMap cases through the Python API, each in a fresh isolate as
always; growth between the two marks would be a leak per run. The worker is a new one,
so that what earlier workloads left in the shared worker (the high-water mark of a
100,000-record page) does not hide a leak.
"""

from __future__ import annotations

from bench import data
from bench.context import BenchError, Context
from bench.harness import Row, Target
from bench.rss import rss_kib
from jsrt.loader import load_script
from jsrt.run.program import HOOK_RUNS
from jsrt.runner import Runtime
from jsrt.worker.supervisor import Supervisor

FIRST_MARK = 100
TARGET = Target("ratio_max", 1.2)


def measure(ctx: Context) -> list[Row]:
    supervisor = Supervisor(HOOK_RUNS)
    runtime = Runtime(executor=supervisor)
    try:
        marks = _marks(runtime, supervisor, max(ctx.plan.memory_runs, FIRST_MARK))
    finally:
        supervisor.close()
    rows = []
    total = max(marks)
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


def _marks(runtime: Runtime, supervisor: Supervisor, total: int) -> dict[int, tuple[int, int]]:
    """Run the small hook `total` times; after run 100 and after the last, the worker's
    and this process's resident set size in KiB."""
    script = load_script(data.CASE_HOOK)
    marks: dict[int, tuple[int, int]] = {}
    for run in range(1, total + 1):
        result = runtime.run_hook(script, data.CASE_FUNCTION, {"data": [{"id": run}]})
        if not result.ok:
            raise BenchError(f"the memory benchmark's hook failed: {result.error}")
        if run in (FIRST_MARK, total):
            marks[run] = (rss_kib(supervisor.worker_pid()), rss_kib())
    return marks
