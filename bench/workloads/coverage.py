"""Coverage cost: what measuring coverage adds to a run, through the Python API in the
default supervised worker (`Runtime(coverage=CoverageCollector())` against a plain
`Runtime`), sampled in turns.

* per case: the test-suite benchmark's small preMap case (one record), run
  `coverage_cases` times: a fresh isolate per run, the counters defined in it and read
  back, the counts added to the collector. The instrumentation itself is cached per
  script, as a session's cases share their scripts.
* page: the page benchmark's preSavePage over 1,000 records, whose loop body reads its
  counters on every record: the cost of the counting itself.
"""

from __future__ import annotations

from collections.abc import Callable

from bench import data
from bench.context import Context
from bench.harness import Row, Target, alternate, sampled_row, timed_ms
from jsrt.coverage import CoverageCollector
from jsrt.loader import load_script
from jsrt.runner import Runtime

TARGET = Target("ratio_max", 1.5)
PAGE_SIZE = 1_000
CASES = 100
"""Cases per sample in the full run (30 in the quick run and the guard)."""
REPEATS = 5


def measure(ctx: Context) -> list[Row]:
    plain, counted = Runtime(), Runtime(coverage=CoverageCollector())
    case = load_script(data.CASE_HOOK)
    page = load_script(data.PAGE_HOOK)
    options = {"data": [{"id": 1, "name": "Ada"}]}
    page_options = {"data": data.page(PAGE_SIZE)}

    count = CASES if ctx.plan.name == "full" else 30

    def per_case(runtime: Runtime) -> Callable[[], float]:
        def sample() -> float:
            runs = [lambda: runtime.run_hook(case, data.CASE_FUNCTION, options)] * count
            return timed_ms(lambda: [run() for run in runs]) / count

        return sample

    def per_page(runtime: Runtime) -> Callable[[], float]:
        return lambda: timed_ms(lambda: runtime.run_hook(page, data.PAGE_FUNCTION, page_options))

    cases = alternate([per_case(counted), per_case(plain)], repeats=REPEATS)
    pages = alternate([per_page(counted), per_page(plain)], repeats=REPEATS)
    return [
        sampled_row(
            f"coverage, per small case ({count} cases)",
            "ms",
            cases,
            reference_name="the same cases without coverage",
            target=TARGET,
        ),
        sampled_row(
            f"coverage, page of {PAGE_SIZE:,} records",
            "ms",
            pages,
            reference_name="the same page without coverage",
        ),
    ]
