"""The report: a terminal table, or one JSON document (`--json`)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from typing import Any

from bench.context import Context
from bench.harness import Row

HEADERS = ("workload", "jsrt", "reference", "ratio", "target", "")


def table(rows: list[Row], *, guard: bool = False) -> str:
    """Aligned columns; the last says whether the target is met (`ok`, `MISSED`), or
    under `guard`, whether the row is within twice its target (`ok`, `REGRESSED`)."""
    lines = [HEADERS]
    for row in rows:
        lines.append(
            (
                row.workload,
                _figure(row.jsrt, row.unit),
                _reference(row),
                "—" if row.ratio is None else f"{row.ratio:.2f}x",
                row.target_text,
                _verdict(row, guard=guard),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    rendered = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    notes = [f"  {row.workload}: {row.note}" for row in rows if row.note]
    footer = ["", "notes:", *notes] if notes else []
    return "\n".join([line.rstrip() for line in rendered] + footer)


def document(ctx: Context, rows: list[Row]) -> dict[str, Any]:
    """Everything `--json` prints: the machine, the plan and every row with its samples."""
    return {
        "machine": machine(ctx),
        "plan": ctx.plan.name,
        "rows": [row.to_json() for row in rows],
    }


def machine(ctx: Context) -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "mini_racer": _version("mini-racer"),
        "jsrt": _version("jsrt"),
        "node": _node_version(ctx.node) if ctx.node else None,
        "node_missing": ctx.node_missing,
    }


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.3g} {unit}"


def _reference(row: Row) -> str:
    if row.reference is None:
        return f"— ({row.reference_name})"
    return f"{_figure(row.reference, row.unit)} ({row.reference_name})"


def _verdict(row: Row, *, guard: bool) -> str:
    met = row.guard_verdict() if guard else row.verdict()
    if met is None:
        return "" if row.target is None else "n/a"
    if met:
        return "ok"
    return "REGRESSED" if guard else "MISSED"


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _node_version(node: str) -> str | None:
    done = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or None
