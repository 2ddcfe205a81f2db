"""An integration built in the test, shaped like integrator.io's documents: an integration
with a flow grouping, a flow with a page generator, a lookup and an import, a flow with a
router whose branches hold steps, connections, script documents (inline `content`, and
one as `contentFile`), and My APIs. Ids are 24 hex digits, as integrator.io's are.

Where each hook is wired: celigo-reference §1.1 ("Where each type is wired") and
flows-and-mappings.md ("How a flow runs a page")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

INTEGRATION = "6650a1b2c3d4e5f601000001"
GROUPING = "6650a1b2c3d4e5f601000002"
ORDERS_FLOW = "6650a1b2c3d4e5f602000001"
ROUTED_FLOW = "6650a1b2c3d4e5f602000002"
GET_ORDERS = "6650a1b2c3d4e5f603000001"
FIND_CUSTOMER = "6650a1b2c3d4e5f603000002"
SAVE_ORDERS = "6650a1b2c3d4e5f604000001"
SAVE_RETURNS = "6650a1b2c3d4e5f604000002"
SHOP = "6650a1b2c3d4e5f605000001"
ERP = "6650a1b2c3d4e5f605000002"
ORDER_HOOKS = "6650a1b2c3d4e5f606000001"
ROUTING = "6650a1b2c3d4e5f606000002"
ONE_FUNCTION = "6650a1b2c3d4e5f606000003"
API_SCRIPT = "6650a1b2c3d4e5f606000004"
MISSING_SCRIPT = "6650a1b2c3d4e5f6060000ff"
ORDERS_API = "6650a1b2c3d4e5f607000001"

# Each hook returns what it was given, so a test sees the options built for it.
ORDER_HOOKS_CODE = """\
function echoPage(options) {
  return { data: options.data, errors: [], abort: false }
}

function preMap(options) {
  return options.data.map(record => ({ data: { ...record, seen: seenOf(options) } }))
}

function afterResponse(options) {
  return options.postResponseMapData.map(record => ({ ...record, seen: seenOf(options) }))
}

function seenOf(options) {
  const { data, postResponseMapData, responseData, ...context } = options
  return context
}
"""

ROUTING_CODE = """\
function route(options) {
  return options.record.total > 100 ? [0] : [1]
}

function keepOpen(options) {
  return options.record.status === 'open'
}
"""

ONE_FUNCTION_CODE = """\
function tagReturn(options) {
  return options.data.map(record => ({ data: { ...record, tagged: true } }))
}
"""

API_CODE = """\
function handleRequest(options) {
  return { statusCode: 200, body: { settings: options.settings, sandbox: options.sandbox } }
}
"""

THROWS_CODE = """\
function preMap(options) {
  throw new Error('no lines on ' + options.data[0].id)
}
"""


def integration_world() -> dict[str, Any]:
    """The world document (YAML-ready)."""
    return {
        "integrations": [
            {
                "_id": INTEGRATION,
                "name": "Shop to ERP",
                "settings": {"storeUrl": "https://shop.example"},
                "flowGroupings": [
                    {"_id": GROUPING, "name": "Orders", "settings": {"region": "EU"}}
                ],
            }
        ],
        "flows": [
            {
                "_id": ORDERS_FLOW,
                "name": "Orders to ERP",
                "_integrationId": INTEGRATION,
                "_flowGroupingId": GROUPING,
                "disabled": False,
                "settings": {"batchLimit": 50},
                "pageGenerators": [{"_exportId": GET_ORDERS, "skipRetries": False}],
                "pageProcessors": [
                    {
                        "type": "export",
                        "_exportId": FIND_CUSTOMER,
                        "responseMapping": {
                            "fields": [{"extract": "data[0].id", "generate": "customerId"}],
                            "lists": [],
                        },
                    },
                    {
                        "type": "import",
                        "_importId": SAVE_ORDERS,
                        "proceedOnFailure": False,
                        "responseMapping": {
                            "fields": [{"extract": "id", "generate": "erpId"}],
                            "lists": [],
                        },
                        "hooks": {
                            "postResponseMap": {
                                "_scriptId": ORDER_HOOKS,
                                "function": "afterResponse",
                            }
                        },
                    },
                ],
            },
            {
                "_id": ROUTED_FLOW,
                "name": "Returns",
                "_integrationId": INTEGRATION,
                "pageGenerators": [{"_exportId": GET_ORDERS}],
                "routers": [
                    {
                        "id": "r8Kd2",
                        "name": "Big or small",
                        "routeRecordsTo": "first_matching_branch",
                        "routeRecordsUsing": "script",
                        "script": {"_scriptId": ROUTING, "function": "route"},
                        "branches": [
                            {
                                "name": "Big",
                                "pageProcessors": [{"type": "import", "_importId": SAVE_RETURNS}],
                            },
                            {"name": "Small", "pageProcessors": []},
                        ],
                    }
                ],
            },
        ],
        "exports": [
            {
                "_id": GET_ORDERS,
                "name": "Get orders",
                "adaptorType": "HTTPExport",
                "_connectionId": SHOP,
                "settings": {"since": "yesterday"},
                "hooks": {"preSavePage": {"_scriptId": ORDER_HOOKS, "function": "echoPage"}},
                "filter": {
                    "type": "script",
                    "script": {"_scriptId": ROUTING, "function": "keepOpen"},
                },
            },
            {
                "_id": FIND_CUSTOMER,
                "name": "Find customer",
                "adaptorType": "HTTPExport",
                "isLookup": True,
                "_connectionId": SHOP,
                "inputFilter": {
                    "type": "script",
                    "script": {"_scriptId": MISSING_SCRIPT, "function": "onlyKnown"},
                },
            },
        ],
        "imports": [
            {
                "_id": SAVE_ORDERS,
                "name": "Save orders",
                "adaptorType": "NetSuiteDistributedImport",
                "_connectionId": ERP,
                "oneToMany": True,
                "pathToMany": "lines",
                "settings": {"subsidiary": 3},
                "hooks": {"preMap": {"_scriptId": ORDER_HOOKS, "function": "preMap"}},
            },
            {
                "_id": SAVE_RETURNS,
                "name": "Save returns",
                "adaptorType": "HTTPImport",
                "_connectionId": ERP,
                "oneToMany": False,
                "hooks": {
                    "preMap": {"_scriptId": ONE_FUNCTION, "function": ""},
                    "postSubmit": {"_scriptId": ORDER_HOOKS, "function": "postSubmitt"},
                },
            },
        ],
        "connections": [
            {"_id": SHOP, "name": "Shop", "type": "http", "settings": {"apiVersion": "2024-01"}},
            {"_id": ERP, "name": "ERP", "type": "netsuite", "settings": {"account": "TSTDRV1"}},
        ],
        "scripts": [
            {"_id": ORDER_HOOKS, "name": "Order hooks", "content": ORDER_HOOKS_CODE},
            {"_id": ROUTING, "name": "Routing", "contentFile": "scripts/Routing.js"},
            {"_id": ONE_FUNCTION, "name": "Tag returns", "content": ONE_FUNCTION_CODE},
            {"_id": API_SCRIPT, "name": "Orders API", "content": API_CODE},
        ],
        "apis": [
            {
                "_id": ORDERS_API,
                "name": "Orders API",
                "type": "script",
                "script": {"_scriptId": API_SCRIPT, "function": "handleRequest"},
            }
        ],
    }


def write_integration(folder: Path, world: dict[str, Any] | None = None) -> Path:
    """Write the world file and its `contentFile` script; return the world file."""
    (folder / "scripts").mkdir(exist_ok=True)
    (folder / "scripts" / "Routing.js").write_text(ROUTING_CODE, encoding="utf-8")
    path = folder / "world.yaml"
    path.write_text(yaml.safe_dump(world or integration_world(), sort_keys=False), "utf-8")
    return path
