"""A whole flow: 10,000 records in 5 pages through an export with a preSavePage, a lookup
with a response mapping, and an import with a preMap, a 20-field Mapper 2.0 mapping and a
postMap (`Runtime.run_flow`, in the default supervised worker), against node running the
same hook functions with the lookup's response mapping, the mapping and the import's
responses written by hand (bench/hooks/flowReference.js).

Each side starts from what it holds in memory: jsrt from the records as Python data
(`run_flow(data=...)`, what `jsrt flow run --data` gives), node from the pages' JSON
text. Before timing, both sides' import records are checked equal. The row is records
per second; its note gives each step's cost per record, what the flow cut after that step
adds to the flow cut before it (timed in the same rounds), and within it its hooks'.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import orjson

from bench import data
from bench.context import BenchError, Context
from bench.harness import Row, Sample, Target, alternate, median, sampled_row, timed_ms
from bench.node import NodeServer, once_command
from jsrt.backends.local import World
from jsrt.runner import Runtime

HOOKS = data.HOOKS / "flowHooks.js"
REFERENCE = data.HOOKS / "flowReference.js"
REFERENCE_FUNCTION = "runFlow"
PAGES = 5
TARGET = Target("ratio_max", 2.0, relative=Target("ratio_max", 5.0))
"""The issue's target, 2x node; the guard fails a run over 10x (twice 5x), with headroom
over the 3.3-3.7x of now on an idle machine and ~4x on a busy one (bench/README.md: where
the time goes, and the floor), and under the 15x a response mapping made record by record
cost."""
FLOW_STEPS = ("bench-export", "bench-export-lookup", "bench-flow")
"""The benchmark's flow (the last), and the same flow cut after its first step and after
its second: a step's cost is what a run of the flow up to it adds to the run before it."""
FLOW_ID = FLOW_STEPS[-1]
STEP_NAMES = ("export", "lookup", "import")
IMPORT_ID = "bench-import"
LOOKUP_ANSWER = {"customerId": "C-1", "tier": "gold", "creditLimit": 5000}
FLOW_MEMORY_MB = 1024

MAPPED_FIELDS = (
    ("externalId", "id", "string"),
    ("customerName", "fullName", "string"),
    ("email", "email", "string"),
    ("region", "region", "string"),
    ("company", "company", "string"),
    ("createdAt", "createdAt", "string"),
    ("orderDate", "orderDate", "string"),
    ("version", "version", "number"),
    ("status", "status", "string"),
    ("quantity", "quantity", "number"),
    ("unitPrice", "unitPrice", "number"),
    ("currency", "currency", "string"),
    ("sku", "sku", "string"),
    ("city", "address.city", "string"),
    ("zip", "address.zip", "string"),
    ("country", "address.country", "string"),
    ("priority", "priority", "number"),
    ("active", "active", "boolean"),
    ("customerTier", "customerTier", "string"),
    ("total", "total", "number"),
)
"""The import's 20 fields: (generate, the record's path, dataType); flowReference.js's
`mapOrder` writes the same by hand."""


def flow_world(records: list[dict[str, Any]], pages: int) -> dict[str, Any]:
    """The world of the benchmark's flow, paging `records` in `pages` pages (its
    export's mockOutput holds the first record only: the run is given the records, as
    `jsrt flow run --data` gives them)."""
    hook = {"_scriptId": "bench-hooks"}
    return {
        "scripts": [
            {"_id": "bench-hooks", "name": "flowHooks", "content": HOOKS.read_text("utf-8")}
        ],
        "exports": [
            {
                "_id": "bench-orders",
                "name": "Orders",
                "pageSize": -(-len(records) // pages),
                "mockOutput": {"page_of_records": [{"record": records[0]}]},
                "hooks": {"preSavePage": {**hook, "function": "preSavePage"}},
            },
            {
                "_id": "bench-customer",
                "name": "Customer lookup",
                "isLookup": True,
                "mockOutput": {"page_of_records": [{"record": LOOKUP_ANSWER}]},
            },
        ],
        "imports": [
            {
                "_id": IMPORT_ID,
                "name": "ERP orders",
                "mappings": [
                    {"generate": generate, "extract": f"$.{path}", "dataType": kind}
                    | {"status": "Active"}
                    for generate, path, kind in MAPPED_FIELDS
                ],
                "hooks": {
                    "preMap": {**hook, "function": "preMap"},
                    "postMap": {**hook, "function": "postMap"},
                },
                "mockResponse": {"statusCode": 200, "errors": [], "ignored": False},
            }
        ],
        "flows": [
            {
                "_id": flow_id,
                "name": f"Orders, first {steps} steps",
                "pageGenerators": [{"_exportId": "bench-orders"}],
                "pageProcessors": PROCESSORS[: steps - 1],
            }
            for steps, flow_id in enumerate(FLOW_STEPS, start=1)
        ],
    }


PROCESSORS = [
    {
        "type": "export",
        "_exportId": "bench-customer",
        "responseMapping": {
            "fields": [
                {"extract": "data[0].tier", "generate": "customerTier"},
                {"extract": "data[0].creditLimit", "generate": "creditLimit"},
            ],
            "lists": [],
        },
    },
    {"type": "import", "_importId": IMPORT_ID},
]
"""The flow's page processors: the lookup, then the import."""


def measure(ctx: Context) -> list[Row]:
    size = ctx.plan.flow_records
    records = data.page(size)
    runtime = Runtime(World(flow_world(records, PAGES)), memory_mb=FLOW_MEMORY_MB, timeout_s=600)
    reference = _reference_files(ctx.workdir, records)
    server = None if ctx.node is None else NodeServer(ctx.node, reference, REFERENCE_FUNCTION)
    hooks: list[dict[str, float]] = []
    sent: list[list[Any]] = []

    def run_jsrt() -> float:
        results: list[Any] = []
        ms = timed_ms(lambda: results.append(runtime.run_flow(FLOW_ID, data=records)))
        hooks.append(_check_run(results[0], size))
        sent.append(results[0].imported(IMPORT_ID))
        return size / (ms / 1000)

    def up_to(flow_id: str) -> Sample:
        return lambda: timed_ms(lambda: runtime.run_flow(flow_id, data=records))

    if ctx.node is not None:
        run_jsrt()
        _check_same_output(ctx.node, reference, sent[0])
    sides = [run_jsrt, *(up_to(flow_id) for flow_id in FLOW_STEPS[:-1])]
    if server is not None:
        pages_file = reference.with_name("flow_pages.json")
        sides.append(lambda: size / (server.pipeline_ms(pages_file) / 1000))
    try:
        samples = alternate(sides, repeats=ctx.plan.flow_repeats)
    finally:
        if server is not None:
            server.close()
    whole, *partial = samples[: len(FLOW_STEPS)]
    runs_ms = [median(ms) for ms in partial] + [size / median(whole) * 1000]
    note = ctx.node_missing or _cost_note(runs_ms, size, _median_costs(hooks))
    return [
        sampled_row(
            f"flow: {size:,} records, {PAGES} pages, 3 steps",
            "records/s",
            [whole, *samples[len(FLOW_STEPS) :]],
            reference_name="node: same hooks, hand-written transform",
            target=TARGET,
            note=note,
            higher_is_better=True,
        )
    ]


def _cost_note(runs_ms: list[float], size: int, hooks: dict[str, float]) -> str:
    """Each step's cost per record, what the flow cut after it adds to the flow cut
    before it, and within it its hooks' (from the run's own times)."""
    parts = []
    for number, step in enumerate(STEP_NAMES):
        added = runs_ms[number] - (runs_ms[number - 1] if number else 0.0)
        own = [
            f"{name.split(' ', 1)[1]} {us:.0f}"
            for name, us in hooks.items()
            if name.startswith(f"{step} ")
        ]
        within = f" ({', '.join(own)})" if own else ""
        parts.append(f"{step} {added * 1000 / size:.0f} µs{within}")
    return "per record and step: " + "; ".join(parts)


def _reference_files(folder: Path, records: list[dict[str, Any]]) -> Path:
    """node's side: the hooks file and the hand-written transform as one script (the
    driver takes one file), and the pages as JSON text beside it."""
    script = folder / "flow_reference.js"
    script.write_text(HOOKS.read_text("utf-8") + "\n" + REFERENCE.read_text("utf-8"), "utf-8")
    size = -(-len(records) // PAGES)
    pages = [records[start : start + size] for start in range(0, len(records), size)]
    (folder / "flow_pages.json").write_bytes(
        orjson.dumps({"pages": pages, "lookup": LOOKUP_ANSWER})
    )
    return script


def _check_same_output(node: str, script: Path, jsrt: list[Any]) -> None:
    """node's hand-written transform sends the import what jsrt's flow sends it, or the
    two sides would not be doing the same work."""
    pages = script.with_name("flow_pages.json")
    done = subprocess.run(
        once_command(node, script, REFERENCE_FUNCTION, pages), capture_output=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"the node reference failed: {done.stderr.decode()[-500:]}")
    sent = [record for page in orjson.loads(done.stdout) for record in page["data"]]
    if sent != jsrt:
        differs = next(i for i, (a, b) in enumerate(zip(sent, jsrt, strict=False)) if a != b)
        raise BenchError(
            f"node's hand-written transform and jsrt's flow sent different records "
            f"(the first at {differs}: node {sent[differs]}, jsrt {jsrt[differs]})"
        )


def _check_run(result: Any, size: int) -> dict[str, float]:
    """The run went through (a failed run measures nothing); what each step's hooks
    cost per record they were given, in µs."""
    if not result.ok:
        raise BenchError(f"the flow failed in jsrt: {result.failures or result.errors[:3]}")
    sent = len(result.imported(IMPORT_ID))
    if sent != size:
        raise BenchError(f"the import received {sent} records, not {size}")
    return {
        f"{step.kind} {name}": count.duration_ms * 1000 / max(count.records, 1)
        for step in result.steps
        for name, count in step.hooks.items()
    }


def _median_costs(runs: list[dict[str, float]]) -> dict[str, float]:
    names = dict.fromkeys(name for run in runs for name in run)
    return {name: median([run[name] for run in runs if name in run]) for name in names}
