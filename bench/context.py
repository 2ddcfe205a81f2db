"""What every workload is given: the run's sizes and repeats, a scratch folder, how to
start `jsrt` and node, and timing of whole processes."""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.node import NodeMissing, find_node


class BenchError(Exception):
    """A benchmark could not measure (a command failed); the message says which and why."""


@dataclass(frozen=True)
class Plan:
    """How much to measure. `full` is the documented run; `quick` and `guard` trade
    precision for time (the guard must stay under a minute on 2 cores)."""

    name: str
    cold_repeats: int
    page_sizes: tuple[int, ...]
    page_repeats: dict[int, int]
    bridge_calls: int
    bridge_repeats: int
    suite_cases: int
    suite_repeats: int
    suite_front_ends: tuple[str, ...]
    memory_runs: int
    persist_writes: int = 200
    persist_repeats: int = 3
    mapping_records: int = 10_000
    mapping_repeats: int = 3
    flow_records: int = 10_000
    flow_repeats: int = 3
    check_files: int = 1_000
    check_repeats: int = 3


PLANS = {
    "full": Plan(
        name="full",
        cold_repeats=15,
        page_sizes=(100, 1_000, 10_000, 100_000),
        page_repeats={100: 30, 1_000: 15, 10_000: 7, 100_000: 3},
        bridge_calls=20_000,
        bridge_repeats=7,
        suite_cases=1_000,
        suite_repeats=3,
        suite_front_ends=("jsrt test", "pytest -n 0", "pytest -n 2"),
        memory_runs=10_000,
        persist_writes=500,
        persist_repeats=7,
        mapping_repeats=7,
        flow_repeats=5,
        check_repeats=5,
    ),
    "quick": Plan(
        name="quick",
        cold_repeats=5,
        page_sizes=(100, 1_000, 10_000),
        page_repeats={100: 10, 1_000: 5, 10_000: 3},
        bridge_calls=5_000,
        bridge_repeats=3,
        suite_cases=200,
        suite_repeats=1,
        suite_front_ends=("jsrt test", "pytest -n 0", "pytest -n 2"),
        memory_runs=1_000,
    ),
    "guard": Plan(
        name="guard",
        cold_repeats=5,
        page_sizes=(1_000, 10_000),
        page_repeats={1_000: 5, 10_000: 3},
        bridge_calls=5_000,
        bridge_repeats=3,
        suite_cases=200,
        suite_repeats=1,
        suite_front_ends=("jsrt test",),
        memory_runs=1_000,
        flow_repeats=2,
        check_repeats=2,
    ),
}


@dataclass
class Context:
    plan: Plan
    workdir: Path
    node: str | None
    node_missing: str | None

    @classmethod
    def create(cls, plan: Plan, workdir: Path, node: str | None) -> Context:
        try:
            return cls(plan, workdir, find_node(node), None)
        except NodeMissing as missing:
            return cls(plan, workdir, None, str(missing))


def compile_jsrt() -> None:
    """Compile jsrt's modules to bytecode, as `pip install` does, so that the processes
    the bench starts load jsrt as an installed copy would. An editable install where
    PYTHONDONTWRITEBYTECODE is set (some CI images set it) would otherwise compile every
    module from source in every process: ~150 ms of a cold `jsrt run`, measured."""
    import jsrt

    compileall.compile_dir(Path(jsrt.__file__).parent, quiet=1)


def jsrt_command() -> list[str]:
    """How a user starts jsrt: the `jsrt` script installed next to this Python, else the
    same entry point through this interpreter."""
    script = Path(sys.executable).with_name("jsrt")
    if script.exists() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-c", "from jsrt.console import main; main()"]


def process_ms(command: list[str], *, cwd: Path | None = None) -> float:
    """Wall-clock milliseconds of a whole process, which must exit with status 0."""
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise BenchError(
            f"{' '.join(command)} exited with status {done.returncode}: " + " | ".join(tail)
        )
    return elapsed
