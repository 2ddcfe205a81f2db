"""Page throughput: preSavePage over pages of 100 to 100,000 records through the Python
API (`Runtime.run_hook` with Python data in and out, in the default supervised worker),
against node's in-process parse + hook + stringify of the same page's JSON text.

Each side starts from what it would hold in memory: jsrt from the Python records, node
from the file's text. At 100,000 records the mapped page is over the 5 MB integrator.io
accepts back, so the contract flags it; the run still does all the work and is timed.
"""

from __future__ import annotations

from typing import Any

from bench import data
from bench.context import BenchError, Context
from bench.harness import Row, Target, alternate, sampled_row, timed_ms
from bench.node import NodeServer
from jsrt.loader import load_script
from jsrt.runner import HookResult, Runtime

TARGET_SIZES = (10_000, 100_000)
TARGET = Target("ratio_max", 1.0)  # issue 17: large pages must not fall behind node
PAGE_MEMORY_MB = 1024
OVERSIZE_PROBLEM = "response_size_exceeded"


def measure(ctx: Context) -> list[Row]:
    runtime = Runtime(memory_mb=PAGE_MEMORY_MB, timeout_s=600)
    script = load_script(data.PAGE_HOOK)
    server = None if ctx.node is None else NodeServer(ctx.node, data.PAGE_HOOK, data.PAGE_FUNCTION)
    rows = []
    try:
        for size in ctx.plan.page_sizes:
            path = data.write_page(ctx.workdir, size)
            options = {"data": data.page(size)}
            oversize: list[bool] = []

            def run_jsrt(
                options: dict[str, Any] = options, oversize: list[bool] = oversize
            ) -> float:
                results: list[HookResult] = []
                ms = timed_ms(
                    lambda: results.append(runtime.run_hook(script, data.PAGE_FUNCTION, options))
                )
                oversize.append(_flagged_oversize(results[0]))
                return ms

            sides = [run_jsrt]
            if server is not None:
                sides.append(lambda path=path: server.pipeline_ms(path))
            samples = alternate(sides, repeats=ctx.plan.page_repeats[size])
            rows.append(_row(ctx, size, samples, flagged=any(oversize)))
    finally:
        if server is not None:
            server.close()
    return rows


def _flagged_oversize(result: HookResult) -> bool:
    """Whether the contract refused the page only for its size; any other failure stops
    the benchmark, since a failed run measures nothing."""
    if result.ok:
        return False
    if result.problems and all(p.startswith(OVERSIZE_PROBLEM) for p in result.problems):
        return True
    raise BenchError(f"the page hook failed in jsrt: {result.error}")


def _row(ctx: Context, size: int, samples: list[list[float]], *, flagged: bool) -> Row:
    note = "over the 5 MB integrator.io accepts back: flagged, timed" if flagged else ""
    return sampled_row(
        f"page throughput, {size:,} records",
        "ms",
        samples,
        reference_name="node in process: parse + hook + stringify",
        target=TARGET if size in TARGET_SIZES else None,
        note=ctx.node_missing or note,
    )
