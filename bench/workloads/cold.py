"""Cold `jsrt run` of a 100-record preSavePage, whole process, against node running the
same function on the same JSON file, whole process (spawn, read, parse, hook, print).

A third process shows the floor under both: Python starting, loading mini-racer and
evaluating `1` in a fresh V8, with no jsrt code at all. No Python program running V8
this way can start faster, so it bounds what any change to jsrt can win.

Before timing, both outputs are compared: the rows only mean something if jsrt and node
computed the same page.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench import data
from bench.context import BenchError, Context, jsrt_command, process_ms
from bench.harness import Row, Target, alternate, sampled_row
from bench.node import once_command

RECORDS = 100
TARGET = Target("ratio_max", 1.7)
"""Issue 17: a cold `jsrt run` within 1.7x node's whole process, no resident daemon (the
guard fails over 3.4x: loaded CI runs reach 2.8x)."""
FLOOR = (
    "from py_mini_racer import MiniRacer\nengine = MiniRacer()\nengine.eval('1')\nengine.close()\n"
)


def measure(ctx: Context) -> list[Row]:
    page = data.write_page(ctx.workdir, RECORDS)
    jsrt = [*jsrt_command(), "run", str(data.PAGE_HOOK), "--options", str(page)]
    floor = [sys.executable, "-c", FLOOR]
    sides = [lambda: process_ms(jsrt), lambda: process_ms(floor)]
    note = ctx.node_missing or ""
    if ctx.node is not None:
        node = once_command(ctx.node, data.PAGE_HOOK, data.PAGE_FUNCTION, page)
        _check_same_output(jsrt, node)
        sides.append(lambda: process_ms(node))
        note = "same output as node"
    jsrt_ms, floor_ms, *node_ms = alternate(sides, repeats=ctx.plan.cold_repeats)
    return [
        sampled_row(
            f"cold `jsrt run`, {RECORDS} records",
            "ms",
            [jsrt_ms, *node_ms],
            reference_name="node, whole process",
            target=TARGET,
            note=note,
        ),
        sampled_row(
            "cold floor: Python + mini-racer + eval('1')",
            "ms",
            [floor_ms, *node_ms],
            reference_name="node, whole process",
            note="no jsrt code: the least a Python process running V8 costs",
        ),
    ]


def _check_same_output(jsrt: list[str], node: list[str]) -> None:
    ours = json.loads(_stdout([*jsrt, "--json"]))["result"]
    theirs = json.loads(_stdout(node))
    if ours != theirs:
        raise BenchError("jsrt run and node returned different pages for the same hook and data")


def _stdout(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")
    return done.stdout
