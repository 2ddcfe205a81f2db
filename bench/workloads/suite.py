"""Test-suite overhead: what one more small case costs in a test run, through `jsrt test`
and through pytest (the plugin collects the same case file) without and with xdist.

A front end's figure is its marginal cost per case, `(T(N cases) - T(1 case)) / (N - 1)`
over whole processes, so start-up and collection drop out and what is left is the price
of a case: options, a fresh isolate, the run, the judging, the report line. The
reference is the same case through the Python API in this process (`Runtime.run_hook`),
the floor every front end adds to.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import orjson

from bench import data
from bench.context import Context, jsrt_command, process_ms
from bench.harness import Row, Target, alternate, median, timed_ms
from jsrt.cases import load_case_file, run_case

TARGET = Target("max", 3.0)  # issue 17: a small case costs a suite at most 3 ms
CASE_FILE = "small.case.json"


def measure(ctx: Context) -> list[Row]:
    count = ctx.plan.suite_cases
    many, one = _project(ctx.workdir, count), _project(ctx.workdir, 1)
    commands = {name: _command(name) for name in ctx.plan.suite_front_ends}
    process_ms([*_command("jsrt test"), str(one)])  # page cache and bytecode, untimed
    cases = load_case_file(many / CASE_FILE).cases

    def api_ms() -> float:
        return timed_ms(lambda: [run_case(case) for case in cases]) / count

    sides: list[Callable[[], float]] = [api_ms]
    for command in commands.values():
        sides.append(lambda command=command: process_ms([*command, str(many)]))
        sides.append(lambda command=command: process_ms([*command, str(one)]))
    samples = alternate(sides, repeats=ctx.plan.suite_repeats, warmup=0)
    api = median(samples[0])
    rows = []
    for index, name in enumerate(commands):
        full, single = samples[1 + 2 * index], samples[2 + 2 * index]
        per_case = [(n - s) / (count - 1) for n, s in zip(full, single, strict=True)]
        rows.append(
            Row(
                workload=f"per-case overhead, {name} ({count:,} cases)",
                unit="ms",
                jsrt=median(per_case),
                reference=api,
                reference_name="the same case through the Python API",
                target=TARGET,
                samples={
                    "jsrt": per_case,
                    "reference": samples[0],
                    "whole_run_ms": full,
                    "one_case_ms": single,
                },
            )
        )
    return rows


def _project(workdir: Path, count: int) -> Path:
    """A folder with the small hook and a case file of `count` cases."""
    folder = workdir / f"suite_{count}"
    folder.mkdir(exist_ok=True)
    shutil.copy(data.CASE_HOOK, folder / data.CASE_HOOK.name)
    (folder / "pytest.ini").write_text("[pytest]\n")
    cases = [
        {
            "name": f"case {index}",
            "data": [{"id": index}],
            "expect": {"result": [{"data": {"id": index, "seen": True}}]},
        }
        for index in range(count)
    ]
    document = {"script": data.CASE_HOOK.name, "function": data.CASE_FUNCTION, "cases": cases}
    (folder / CASE_FILE).write_bytes(orjson.dumps(document))
    return folder


def _command(front_end: str) -> list[str]:
    """`jsrt test`, or pytest with `-n WORKERS` (the project's own pytest.ini keeps the
    caller's configuration out)."""
    if front_end == "jsrt test":
        return [*jsrt_command(), "test"]
    workers = front_end.rsplit(" ", 1)[-1]
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", workers]
