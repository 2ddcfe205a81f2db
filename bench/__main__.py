"""`python -m bench`: run the benchmarks and print the table (or `--json`).

    python -m bench                 # the full run (several minutes on 2 cores)
    python -m bench --quick         # smaller sizes and fewer repeats, no 100,000-record page
    python -m bench --guard         # CI's fast subset; exit 1 when a figure is more than
                                    # twice as bad as its target
    python -m bench --only cold,pages --json
    python -m bench --node /nonexistent   # as on a machine without node

Exit status: 0 done (targets missed are reported, not failed, except under --guard),
1 the guard found a gross regression, 2 bad usage or a benchmark that could not run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench import report
from bench.context import PLANS, BenchError, Context, compile_jsrt
from bench.harness import GUARD_FACTOR
from bench.workloads import WORKLOADS

GUARD_WORKLOADS = (
    "cold",
    "pages",
    "bridge",
    "suite",
    "memory",
    "persist",
    "mapping",
    "flow",
    "check",
    "coverage",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    mode.add_argument(
        "--guard",
        action="store_true",
        help=f"fast subset; exit 1 when a figure is over {GUARD_FACTOR:g}x its target",
    )
    parser.add_argument(
        "--only", metavar="NAMES", help=f"comma-separated workloads among {', '.join(WORKLOADS)}"
    )
    parser.add_argument("--node", metavar="PATH", help="node executable (default: node on PATH)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    names = list(WORKLOADS) if args.only is None else [n.strip() for n in args.only.split(",")]
    unknown = [name for name in names if name not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload {', '.join(unknown)}; choose among {', '.join(WORKLOADS)}")
    args.workloads = names
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = PLANS["guard" if args.guard else "quick" if args.quick else "full"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="jsrt-bench-") as scratch:
        ctx = Context.create(plan, Path(scratch), args.node)
        compile_jsrt()
        if ctx.node_missing:
            print(f"bench: {ctx.node_missing}; node rows are left empty", file=sys.stderr)
        for name in args.workloads:
            print(f"bench: {name} …", file=sys.stderr, flush=True)
            try:
                rows.extend(WORKLOADS[name](ctx))
            except BenchError as error:
                print(f"bench: {name} could not run: {error}", file=sys.stderr)
                return 2
        if args.json:
            print(json.dumps(report.document(ctx, rows), indent=2))
        else:
            print(report.table(rows, guard=args.guard))
    regressed = [row for row in rows if row.guard_verdict() is False]
    if args.guard and regressed:
        names = "; ".join(row.workload for row in regressed)
        print(
            f"bench: gross regression (over {GUARD_FACTOR:g}x the target): {names}; "
            "bench/README.md says where each figure's time goes",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
