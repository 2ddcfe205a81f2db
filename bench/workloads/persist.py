"""Persisted writes per second: a state key put and saved to a `--state-dir`, the way
`jsrt serve --state-dir` answers a `PUT /v1/<resourceType>/<_id>/state/<key>` (the world
changes, then `StateDir.sync` commits the change), without HTTP.

And hook runs per second through the default supervised worker, each writing one state
key, then saved (`Runtime.run_hook` with a `--state-dir`, what `jsrt run --state-dir` does
once its process is up). Rows, each against a reference measured in the same run, never
an absolute time:

- **10 MB world**: the same writes into a world that also holds one 10 MB value, against
  the small world. A write must cost what it changes, not the world's size: the snapshot
  file of before rewrote and synced all 10 MB per write (~110x slower than the small world).
- **runs, 10 MB world**: the same runs on a world holding one 10 MB value, against the
  small world. A run must send back what it changed, not the world: the worker used to
  reply with the whole world whenever a hook changed it, and the caller compared it all.
- **small world**: against bare SQLite doing the least a durable write needs (one upsert and
  a commit, WAL, `synchronous=FULL`): the physical limit of a write on this disk.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench import data
from bench.context import BenchError, Context
from bench.harness import Row, Sample, Target, alternate, sampled_row, timed_ms
from jsrt.backends.local import StateDir, World
from jsrt.loader import load_script
from jsrt.runner import Runtime

BIG_VALUE_BYTES = 10 * 1024 * 1024
TARGETS = {
    "10 MB": Target("ratio_max", 2.0),  # at least half the small world's rate
    "runs, 10 MB": Target("ratio_max", 2.0),
    # Within 4x of bare SQLite's durable upsert: ~1x where a commit waits for the disk,
    # 2-4x on tmpfs, where it costs no I/O and jsrt's Python is all that is left.
    "small": Target("ratio_max", 4.0),
}


def measure(ctx: Context) -> list[Row]:
    writes, repeats = ctx.plan.persist_writes, ctx.plan.persist_repeats
    small = _writer(ctx.workdir / "persist-small", {}, writes)
    big_seed = {"state": {"flows/bench-flow": {"big": "x" * BIG_VALUE_BYTES}}}
    big = _writer(ctx.workdir / "persist-10mb", big_seed, writes)
    bare = _bare_sqlite(ctx.workdir / "persist-bare.sqlite3", writes)
    by_world = alternate([big, small], repeats=repeats)
    by_floor = alternate([small, bare], repeats=repeats)
    runs = max(writes // 5, 10)
    small_runs = _runner(ctx.workdir / "runs-small", {}, runs)
    big_runs = _runner(ctx.workdir / "runs-10mb", big_seed, runs)
    by_world_runs = alternate([big_runs, small_runs], repeats=repeats)
    return [
        sampled_row(
            "persisted writes, small world",
            "writes/s",
            by_floor,
            reference_name="bare SQLite upsert + commit",
            target=TARGETS["small"],
            higher_is_better=True,
        ),
        sampled_row(
            "persisted writes, 10 MB world",
            "writes/s",
            by_world,
            reference_name="the same, small world",
            target=TARGETS["10 MB"],
            higher_is_better=True,
        ),
        sampled_row(
            "persisted runs, 10 MB world",
            "runs/s",
            by_world_runs,
            reference_name="the same, small world",
            target=TARGETS["runs, 10 MB"],
            higher_is_better=True,
        ),
    ]


def _writer(folder: Path, seed: dict[str, object], writes: int) -> Sample:
    """A sample: `writes` state puts, each saved, in writes per second."""
    state_dir = StateDir(folder)
    world = state_dir.open(World(seed))
    counter = iter(range(10**9))

    def rate() -> float:
        def write_all() -> None:
            for _ in range(writes):
                n = next(counter)
                world.put_state("flows", "bench-flow", f"key{n % 50}", n)
                state_dir.sync(world)

        return writes / (timed_ms(write_all) / 1000)

    return rate


def _runner(folder: Path, seed: dict[str, object], runs: int) -> Sample:
    """A sample: `runs` hook runs in the default supervised worker, each writing one
    state key that its runtime then saves, in runs per second."""
    runtime = Runtime(World(seed), state_dir=folder, timeout_s=600)
    script = load_script(data.WRITE_STATE_HOOK)
    counter = iter(range(10**9))

    def rate() -> float:
        def run_all() -> None:
            for _ in range(runs):
                options = {"data": [{"n": next(counter)}]}
                result = runtime.run_hook(script, data.WRITE_STATE_FUNCTION, options)
                if not result.ok:
                    raise BenchError(f"the state-writing hook failed in jsrt: {result.error}")

        return runs / (timed_ms(run_all) / 1000)

    return rate


def _bare_sqlite(path: Path, writes: int) -> Sample:
    database = sqlite3.connect(path, isolation_level=None)
    database.execute("PRAGMA journal_mode = WAL")
    database.execute("PRAGMA synchronous = FULL")
    database.execute("CREATE TABLE state (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    counter = iter(range(10**9))

    def rate() -> float:
        def write_all() -> None:
            for _ in range(writes):
                n = next(counter)
                database.execute("BEGIN IMMEDIATE")
                database.execute(
                    "INSERT INTO state VALUES (?, ?) ON CONFLICT (key) "
                    "DO UPDATE SET value = excluded.value",
                    (f"key{n % 50}", str(n).encode()),
                )
                database.execute("COMMIT")

        return writes / (timed_ms(write_all) / 1000)

    return rate
