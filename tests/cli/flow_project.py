"""A small flow to run end to end, written into a temporary folder: an export with a
preSavePage (five orders, two a page), a lookup with a response mapping, an import with a
preMap that fails an order without quantity, a Mapper 2.0 mapping and a postMap.

Shared by the CLI tests (tests/cli) and the flow case tests (tests/cases), which put this
folder on their path.
"""

from __future__ import annotations

import json
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import yaml

from jsrt.integration.layout import file_stem

HOOKS_JS = """
function markSeen(options) {
  const data = options.data.map((order) => ({ ...order, seen: true }))
  return { data, errors: [], abort: false, newErrorsAndRetryData: [] }
}

function priceLines(options) {
  return options.data.map((order) => order.qty > 0
    ? { data: { ...order, total: order.qty * order.price } }
    : { errors: [{ code: 'NO_QTY', message: `order ${order.id} has no quantity` }] })
}

function dropsOne(options) {
  return options.data.slice(1).map((order) => ({ data: order }))
}

function stamp(options) {
  console.log(`stamping ${options.postMapData.length} orders`)
  return options.postMapData.map((order) => ({ data: { ...order, stamped: true } }))
}
"""

ORDERS = [
    {"id": "SO-1", "qty": 2, "price": 5},
    {"id": "SO-2", "qty": 1, "price": 7},
    {"id": "SO-3", "qty": 0, "price": 9},
    {"id": "SO-4", "qty": 3, "price": 1},
    {"id": "SO-5", "qty": 4, "price": 2},
]
"""The export's mockOutput: SO-3 has no quantity, so the import's preMap fails it."""

FLOW = "Orders to ERP"
IMPORT = "Save orders"


def world(
    orders: list[dict[str, object]] | None = None, pre_map: str = "priceLines"
) -> dict[str, Any]:
    """The world of the flow (its export's mockOutput `orders`, by default `ORDERS`; the
    import's preMap the function `pre_map` of `HOOKS_JS`)."""
    hooks = "s-orders"
    field = {"dataType": "string", "status": "Active"}
    return {
        "integrations": [{"_id": "int-shop", "name": "Shop"}],
        "scripts": [{"_id": hooks, "name": "Order hooks", "content": HOOKS_JS}],
        "exports": [
            {
                "_id": "e-orders",
                "name": "Get orders",
                "pageSize": 2,
                "mockOutput": {"page_of_records": [{"record": o} for o in orders or ORDERS]},
                "hooks": {"preSavePage": {"_scriptId": hooks, "function": "markSeen"}},
            },
            {
                "_id": "e-customer",
                "name": "Find customer",
                "isLookup": True,
                "mockOutput": {"page_of_records": [{"record": {"tier": "gold"}}]},
            },
        ],
        "imports": [
            {
                "_id": "i-erp",
                "name": IMPORT,
                "hooks": {
                    "preMap": {"_scriptId": hooks, "function": pre_map},
                    "postMap": {"_scriptId": hooks, "function": "stamp"},
                },
                "mappings": [
                    {"generate": "orderId", "extract": "$.id", **field},
                    {"generate": "tier", "extract": "$.tier", **field},
                    {"generate": "amount", "extract": "$.total", **field, "dataType": "number"},
                ],
                "mockResponse": {"statusCode": 200, "errors": [], "ignored": False},
            }
        ],
        "flows": [
            {
                "_id": "f-orders",
                "name": FLOW,
                "_integrationId": "int-shop",
                "pageGenerators": [{"_exportId": "e-orders"}],
                "pageProcessors": [
                    {
                        "type": "export",
                        "_exportId": "e-customer",
                        "responseMapping": {
                            "fields": [{"extract": "data[0].tier", "generate": "tier"}],
                            "lists": [],
                        },
                    },
                    {"type": "import", "_importId": "i-erp"},
                ],
            }
        ],
    }


def write_world(
    folder: Path, orders: list[dict[str, object]] | None = None, pre_map: str = "priceLines"
) -> Path:
    """`folder/world.yaml` holding `world(orders, pre_map)`."""
    path = folder / "world.yaml"
    path.write_text(yaml.safe_dump(world(orders, pre_map), sort_keys=False), encoding="utf-8")
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def write_download(path: Path) -> Path:
    """The flow's world as integrator.io's "Download integration" zip: `integration.json`,
    one `<folder>/<name>-<_id>.json` per document, each script's code in a `.js` beside
    its `.json`, flows without `_integrationId` (jsrt.integration.download)."""
    documents = world()
    (integration,) = documents.pop("integrations")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("integration.json", json.dumps(integration))
        for collection, items in documents.items():
            for document in items:
                document = dict(document)
                document.pop("_integrationId", None)
                stem = f"{collection}/{file_stem(document)}"
                if collection == "scripts":
                    archive.writestr(f"{stem}.js", document.pop("content"))
                archive.writestr(f"{stem}.json", json.dumps(document))
    return path
