"""The JavaScript suite as data: which function of which script runs with which options,
and what it must observe.

Each JS function calls integrator-api functions through `attempt`, which records either
`{ok: true, value}` or what the thrown Error carried (`name`, `message`, `code`,
`statusCode`, `errors` and `JSON.stringify(e)` as `json`), and returns those observations
by name. `JsCase.expected` holds the same names; a `Failure` stands for a throw.

The cases do not depend on each other's effects, so they can run in any order against one
world (`world.yaml`). Nothing here knows which backend answers: `CASES` can be run by any
`Runtime` seeded with `WORLD_FILE`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsrt.api.catalog import find_method, js_surface
from jsrt.backends.local.patching import PATCHABLE_FIELDS

SUITE_DIR = Path(__file__).parent
WORLD_FILE = SUITE_DIR / "world.yaml"
UNKNOWN_ID = "ffffffffffffffffffffffff"
"""The `_id` the scripts use for a document that does not exist."""

_WHERE_HOOKS_RETURN_OBSERVATIONS: dict[str | None, tuple[str | int, ...]] = {
    None: (),
    "preSavePage": ("data", 0),
    "handleRequest": ("body",),
}


@dataclass(frozen=True)
class JsCase:
    """One run: `function` of `script` (a file in this folder) with `options`, as `hook`
    (None: a generic script, where CRUD is allowed)."""

    id: str
    script: str
    function: str
    options: dict[str, Any]
    expected: dict[str, Any]
    hook: str | None = None

    @property
    def path(self) -> Path:
        return SUITE_DIR / self.script


def observations(returned: Any, hook: str | None) -> Any:
    """Where a function of this suite put its observations in what it returned: the
    value itself for a script, the first record for preSavePage, the body for handleRequest."""
    for step in _WHERE_HOOKS_RETURN_OBSERVATIONS[hook]:
        returned = returned[step]
    return returned


_NOTHING = object()


def ok(value: Any = _NOTHING) -> dict[str, Any]:
    """The observation of a call that returned `value` (nothing: it returned undefined)."""
    return {"ok": True} if value is _NOTHING else {"ok": True, "value": value}


class Failure:
    """Equals the observation of a call that threw integrator-api's Error with this code and
    status, a message holding every phrase, the `errors` envelope repeating the message,
    and `JSON.stringify(e)` showing all of it."""

    def __init__(self, code: str, status: int, *phrases: str) -> None:
        self.code, self.status, self.phrases = code, status, phrases

    def __eq__(self, seen: object) -> bool:
        if not isinstance(seen, dict) or seen.get("ok") is not False:
            return False
        message = seen.get("message", "")
        thrown = {
            "name": "IntegratorApiError",
            "message": message,
            "code": self.code,
            "statusCode": self.status,
            "errors": [{"code": self.code, "message": message}],
        }
        return (
            {key: seen.get(key) for key in thrown} == thrown
            and json.loads(seen.get("json") or "null") == thrown
            and all(phrase in message for phrase in self.phrases)
        )

    def __repr__(self) -> str:
        phrases = "".join(f", {phrase!r}" for phrase in self.phrases)
        return f"Failure({self.code!r}, {self.status}{phrases})"


def _invalid(*phrases: str) -> Failure:
    return Failure("invalid_argument", 400, *phrases)


def _not_found(*phrases: str) -> Failure:
    return Failure("not_found", 404, *phrases)


# ---- CRUD: crud.js over every object -----------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """What world.yaml holds for one object: the document the CRUD walk reads, the ids
    `find` returns, and, for an object without `create`, the document it may destroy."""

    obj: str
    noun: str
    seeded_id: str
    seeded_name: str
    ids: tuple[str, ...] = ()
    external_id: str | None = None
    disposable_id: str | None = None


SEEDED = (
    Seeded(
        "exports", "export", "getOrders", "Get orders", ("getOrders", "pullOnce"), "orders-export"
    ),
    Seeded(
        "imports", "import", "putOrders", "Put orders", ("putOrders", "putLines"), "orders-import"
    ),
    Seeded("flows", "flow", "orderSync", "Order sync", ("orderSync", "adHocPull"), "order-sync"),
    Seeded("connections", "connection", "shopify", "Shopify", ("shopify",), "shopify-conn"),
    Seeded("integrations", "integration", "shop", "Shop", disposable_id="retiredShop"),
    Seeded("accessTokens", "access token", "ciToken", "CI token", ("ciToken",), "ci-token"),
    Seeded("asyncHelpers", "async helper", "pollBatch", "Poll batch", ("pollBatch",), "poll-batch"),
    Seeded(
        "fileDefinitions",
        "file definition",
        "ordersCsv",
        "Orders CSV",
        ("ordersCsv",),
        "orders-csv",
    ),
    Seeded(
        "lookupcaches",
        "lookup cache",
        "skuMap",
        "SKU map",
        ("skuMap", "countryCodes", "legacyRates"),
        "sku-map",
    ),
)


def _crud_case(s: Seeded) -> JsCase:
    functions = js_surface()[s.obj]
    o = s.obj
    expected: dict[str, Any] = {"functions": functions}
    if "find" in functions:
        expected |= {
            "findAll": ok(list(s.ids)),
            "findByExternalId": ok([s.seeded_id]),
            "findByName": _invalid(f"{o}.find(query): only externalId is supported"),
        }
    else:
        expected["find"] = {
            "ok": False,
            "name": "TypeError",
            "message": "target.find is not a function",
            "json": "{}",
        }
    expected |= {
        "get": ok(s.seeded_name),
        "getWrappedId": ok(s.seeded_id),
        "getUnknown": ok(True),
        "getNumber": _invalid(f"{o}.get(_id): _id must be a string (or {{_id: string}})"),
    }
    options: dict[str, Any] = {"object": o, "seededId": s.seeded_id}
    if "create" in functions:
        arg = find_method(o, "create").arg
        options |= {"externalId": s.external_id, "document": {"name": f"New {s.noun}"}}
        expected |= {
            "create": ok(
                {
                    "name": f"New {s.noun}",
                    "lastModified": "string",
                    "hasIntegratorIoId": True,
                    "createdAt": "string",
                }
            ),
            "createString": _invalid(f"{o}.create({arg}): {arg} must be an object, got string"),
        }
    else:
        options["disposableId"] = s.disposable_id
    no_such = f"no {s.noun} with _id"
    expected |= {
        "update": ok({"name": "Renamed", "lastModified": "string"}),
        "updateUnknown": _not_found(f"{no_such} '{UNKNOWN_ID}'"),
    }
    if "patch" in functions:
        # integrator.io's PATCH changes only its whitelist where it has one (celigo-reference
        # §3.1); a lookup cache has none documented, so its name may change too.
        whitelist = PATCHABLE_FIELDS.get(o)
        field = whitelist[0] if whitelist else "description"
        options["patchField"] = field
        article = "an" if s.noun[0] in "aeiou" else "a"
        expected |= {
            "patch": ok(),
            "jsonPatch": ok(),
            "afterPatches": ok("Patched"),
            "patchUnknown": _not_found(f"{no_such} '{UNKNOWN_ID}'"),
            "patchMissingPath": Failure(
                "invalid_request",
                422,
                f"patch[0] (remove /{field}/nowhere): the path does not exist",
            ),
            "patchName": ok()
            if whitelist is None
            else Failure(
                "invalid_patch",
                422,
                f"patch[0] (replace /name): integrator.io's PATCH may change only {field} of"
                f" {article} {s.noun}, not name; change other fields with update (PUT),"
                " which replaces the document",
            ),
        }
    expected |= {"delete": ok(), "afterDelete": ok(True), "deleteAgain": _not_found(no_such)}
    return JsCase(f"crud-{o}", "crud.js", "crudCycle", options, expected)


# ---- runs, state and lookup cache data -----------------------------------------------------

_ORDERS_PAGE_1 = [{"id": 1}, {"id": 2}]
_FIRST_PAGE = {"data": _ORDERS_PAGE_1, "dataURIs": [], "errors": []}
_LINES = [{"sku": "A-100", "qty": 2}, {"sku": "Z-999", "qty": 1}]
IMPORTED_LINES = _LINES
"""What imports.js imports through `putLines` (the world must record exactly this)."""


def _imported(*ids: str) -> list[dict[str, Any]]:
    return [{"statusCode": 200, "id": i, "ignored": False, "errors": []} for i in ids]


EXPORT_RUNS = JsCase(
    "exports-runs",
    "exports.js",
    "runs",
    {},
    {
        "run": ok(_FIRST_PAGE),
        "runUnknown": _not_found(f"no export with _id '{UNKNOWN_ID}'"),
        "runBadDate": _invalid(
            "exports.run(options): options.startDate must be a Date",
            'got the string "last tuesday"',
        ),
        "runVirtual": ok({"data": [{"sku": "A-100"}], "dataURIs": [], "errors": []}),
        "runVirtualStored": ok(_FIRST_PAGE),
        "runVirtualNoExport": _invalid("exports.runVirtual(options): options.export is required"),
        "runVirtualBadMock": Failure(
            "invalid_request", 422, "mockOutput: expected", "got an object {records}"
        ),
        "pages": ok(
            [
                _ORDERS_PAGE_1,
                [[{"id": 3, "line": 1}, {"id": 3, "line": 2}], {"id": 4}],
                [{"id": 5}],
            ]
        ),
        "pagesForgedState": _invalid("pagedExportState is not one this function returned"),
    },
)

IMPORT_RUNS = JsCase(
    "imports-runs",
    "imports.js",
    "runs",
    {},
    {
        "run": ok(_imported("ns-1", "ns-1")),
        "runPerRecord": ok(
            [
                *_imported("line-1"),
                {
                    "statusCode": 422,
                    "ignored": False,
                    "errors": [{"code": "invalid_sku", "message": "unknown SKU"}],
                },
            ]
        ),
        "runTooFewRecords": Failure(
            "invalid_request", 422, "mockResponse of 2 responses but 1 records were imported"
        ),
        "runUnknown": _not_found(f"no import with _id '{UNKNOWN_ID}'"),
        "runNoData": _invalid("imports.run(options): options.data is required (an array)"),
        "runVirtual": ok(_imported("virtual-1")),
        "runVirtualDataNotArray": _invalid(
            "imports.runVirtual(options): options.data must be an array"
        ),
        "runMapping": ok(
            [
                {
                    "statusCode": 200,
                    "data": {"item": {"sku": "A-100"}, "source": "shop"},
                    "errors": [],
                },
                {
                    "statusCode": 200,
                    "data": {"item": {"sku": "Z-999"}, "source": "shop"},
                    "errors": [],
                },
            ]
        ),
        "runMappingMapper2": ok(
            [
                {"statusCode": 200, "data": {"code": "A-100"}, "errors": []},
                {"statusCode": 200, "data": {"code": "Z-999"}, "errors": []},
            ]
        ),
        "runMappingRefused": Failure("invalid_mapping", 422, 'unknown dataType "text"'),
    },
)

FLOW_RUNS = JsCase(
    "flows-runs",
    "flows.js",
    "runs",
    {},
    {
        "run": ok({"status": "queued", "hasJobId": True}),
        "runUnknown": _not_found(f"no flow with _id '{UNKNOWN_ID}'"),
        "runWithoutId": _invalid("flows.run(options): options._id is required"),
    },
)

CURSOR = {"page": 3, "ids": [1, 2]}
"""What state.js stores under the key `cursor` of flow orderSync."""

_NO_LAST_RUN = "state key 'lastRun' not found for flows/orderSync"
STATE = JsCase(
    "state",
    "state.js",
    "keepCursor",
    {"_flowId": "orderSync", "data": [{}]},
    {
        "seededKeys": ok({"keys": ["lastRun"]}),
        "seededValue": ok("2025-01-14T12:00:00.000Z"),
        "put": ok(),
        "putNoKey": _invalid("state.putForResource(options): options.key is required"),
        "read": ok(CURSOR),
        "readNeverPut": _not_found("state key 'nothing' not found for flows/orderSync"),
        "delete": ok(),
        "deleteAgain": _not_found(_NO_LAST_RUN),
        "keys": ok({"keys": ["cursor"]}),
        "keysOfEmptyExport": ok({"keys": []}),
        "keysBadType": _invalid("options.resourceType must be one of", "got 'scripts'"),
    },
    hook="preSavePage",
)

SKU_MAP_AFTER = {"A-100": {"ns": 10}, "C-300": {"ns": 3}, "D-400": {"ns": 4}}
"""The entries of lookup cache skuMap after lookupcaches.js."""

_ONE_PER_CALL = "per call, got 1001; split the call into batches"
CACHE_DATA = JsCase(
    "lookupcaches-data",
    "lookupcaches.js",
    "data",
    {},
    {
        "byKeys": ok(
            {"data": [{"key": "C-300", "value": {"ns": 3}}, {"key": "A-100", "value": {"ns": 1}}]}
        ),
        "pages": ok(
            [
                {
                    "data": [
                        {"key": "A-100", "value": {"ns": 1}},
                        {"key": "B-200", "value": {"ns": 2}},
                    ],
                    "nextPageURL": "/v1/lookupcaches/skuMap/getData?startAfterKey=B-200",
                },
                {"data": [{"key": "C-300", "value": {"ns": 3}}]},
            ]
        ),
        "pageTooLarge": Failure("limit_exceeded", 422, "pageSize may be at most 1000, got 1001"),
        "keysAndPage": _invalid("options.nextPageURL can be provided only if keys is not provided"),
        "unknownCache": _not_found(f"no lookup cache with _id '{UNKNOWN_ID}'"),
        "put": ok(
            [
                {"key": "D-400", "success": True},
                {"key": "A-100", "success": True},
                {
                    "key": "",
                    "success": False,
                    "errors": [
                        {
                            "code": "invalid_entry",
                            "message": "each entry must be {key: <non-empty string>, value: <any>}",
                        }
                    ],
                },
            ]
        ),
        "putTooMany": Failure("limit_exceeded", 422, f"at most 1000 entries {_ONE_PER_CALL}"),
        "putTooLarge": Failure("payload_too_large", 413, "the data is over 5 MB"),
        "delete": ok(
            [
                {"key": "B-200", "success": True},
                {
                    "key": "missing",
                    "success": False,
                    "errors": [
                        {"code": "not_found", "message": "key 'missing' is not in the cache"}
                    ],
                },
            ]
        ),
        "deleteTooMany": Failure("limit_exceeded", 422, f"at most 1000 keys {_ONE_PER_CALL}"),
        "afterChanges": ok({"data": [{"key": k, "value": v} for k, v in SKU_MAP_AFTER.items()]}),
        "purge": ok(),
        "afterPurge": ok({"data": []}),
        "purgeUnknown": _not_found(f"no lookup cache with _id '{UNKNOWN_ID}'"),
        "createWithData": _invalid(
            "a lookup cache document has no data field", "write entries with lookupcaches.putData"
        ),
    },
)

CASES: tuple[JsCase, ...] = (
    *(_crud_case(s) for s in SEEDED),
    EXPORT_RUNS,
    IMPORT_RUNS,
    FLOW_RUNS,
    STATE,
    CACHE_DATA,
)
