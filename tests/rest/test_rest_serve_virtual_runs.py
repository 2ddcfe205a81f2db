"""`jsrt serve` over real HTTP: virtual runs in every documented form, and REST bodies
checked by REST rules.

Sources: celigo/integrator-api-docs connection.md [C S6] runs a virtual export or import
on a connection (`POST /v1/connections/{_id}/export`, `/export/pages`, `/import`, bodies
`{export, pagedExportState}` and `{import, data}`); a third-party MCP server [C3 S14]
posts the flat `{_connectionId, ...definition}` to `/v1/exports/virtual` (and `/paged`,
`/v1/imports/virtual`); a third-party Python CLI posts `{_exportIds, startDate, endDate}`
to `/v1/flows/{id}/run` (celigo-reference §3.2). A validation error is 422 `invalid_field`
naming the field (developer.celigo.com errors, celigo-reference §3.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from rest_servers import Served, serving

from jsrt.api.catalog import find_method
from jsrt.api.checks import check_args
from jsrt.api.errors import InvalidArgument
from jsrt.backends.local import World

RECORDS = [{"n": n} for n in range(1, 6)]

WORLD: dict[str, Any] = {
    "idSeed": "virtual-runs",
    "connections": [
        {"_id": "shopify", "name": "Shopify"},
        {"_id": "down", "name": "Down", "offline": True},
    ],
    "flows": [{"_id": "orderSync", "name": "Order sync"}],
    "exports": [{"_id": "e1", "name": "Orders", "_connectionId": "shopify"}],
    "imports": [{"_id": "putOrders", "name": "Put orders", "_connectionId": "shopify"}],
}

EXPORT = {
    "adaptorType": "HTTPExport",
    "http": {"relativeURI": "/orders.json", "method": "GET"},
    "pageSize": 2,
    "mockOutput": {"page_of_records": [{"record": r} for r in RECORDS]},
}
IMPORT = {
    "adaptorType": "HTTPImport",
    "http": {"relativeURI": ["/orders.json"], "method": ["POST"]},
    "mockResponse": {"id": "order-9"},
}


@pytest.fixture(scope="module")
def served(api_token: str) -> Iterator[Served]:
    """The conftest's `client` over this module's world."""
    with serving(World(WORLD)) as server:
        yield server


def _json(answer: httpx.Response, status: int) -> Any:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    return answer.json()


def _history(client: httpx.Client, kind: str) -> list[dict[str, Any]]:
    return _json(client.get("/_jsrt/world"), 200)["history"][kind]


# ---- virtual runs on a connection (connection.md) -------------------------------------------


def test_a_virtual_export_runs_on_the_connection_the_path_names(client: httpx.Client) -> None:
    first = _json(client.post("/v1/connections/shopify/export", json={"export": EXPORT}), 200)
    assert first == {"data": RECORDS[:2], "dataURIs": [], "errors": []}
    (run,) = _history(client, "exportRuns")
    assert run["virtual"] is True


def test_the_paged_virtual_export_on_a_connection_pages_with_paged_export_state(
    client: httpx.Client,
) -> None:
    """connection.md examples 3 and 4: the next page is asked for with the
    pagedExportState the previous answer gave, beside the same export."""
    path = "/v1/connections/shopify/export/pages"
    pages, body = [], {"export": EXPORT}
    while True:
        page = _json(client.post(path, json=body), 200)
        pages.append(page["data"])
        if "pagedExportState" not in page:
            break
        body = {"export": EXPORT, "pagedExportState": page["pagedExportState"]}
    assert pages == [RECORDS[:2], RECORDS[2:4], RECORDS[4:]]


def test_a_virtual_import_on_a_connection_answers_each_record(client: httpx.Client) -> None:
    """connection.md example 5: `{import, data}`, one response per record."""
    body = {"import": IMPORT, "data": RECORDS[:2]}
    answers = _json(client.post("/v1/connections/shopify/import", json=body), 200)
    assert [a["statusCode"] for a in answers] == [200, 200]
    assert [a["id"] for a in answers] == ["order-9", "order-9"]
    (run,) = _history(client, "importRuns")
    assert (run["virtual"], run["data"]) == (True, RECORDS[:2])


def test_the_path_names_the_connection_even_where_the_body_names_another(
    client: httpx.Client,
) -> None:
    body = {"export": {**EXPORT, "_connectionId": "down"}}
    assert client.post("/v1/connections/shopify/export", json=body).status_code == 200
    offline = client.post("/v1/connections/down/export", json={"export": EXPORT})
    assert offline.status_code == 401
    assert offline.json()["errors"][0]["code"] == "connection_offline"


def test_a_connection_the_account_lacks_is_an_invalid_ref(client: httpx.Client) -> None:
    answer = _json(client.post("/v1/connections/nope/export", json={"export": EXPORT}), 422)
    (error,) = answer["errors"]
    assert (error["code"], error["field"]) == ("invalid_ref", "_connectionId")
    assert "'nope' is not a connection in this account" in error["message"]


# ---- the flat body real clients send ---------------------------------------------------------


def test_virtual_routes_take_the_flat_body_as_well_as_the_wrapped_one(
    client: httpx.Client,
) -> None:
    flat = {"_connectionId": "shopify", **EXPORT}
    wrapped = {"export": flat}
    for body in (flat, wrapped):
        page = _json(client.post("/v1/exports/virtual", json=body), 200)
        assert page["data"] == RECORDS[:2]
    second = {**flat, "pagedExportState": {"jsrtPage": 1}}
    page = _json(client.post("/v1/exports/virtual/paged", json=second), 200)
    assert (page["data"], page["pagedExportState"]) == (RECORDS[2:4], {"jsrtPage": 2})
    imported = {"_connectionId": "shopify", **IMPORT, "data": RECORDS[:1]}
    answers = _json(client.post("/v1/imports/virtual", json=imported), 200)
    assert [a["id"] for a in answers] == ["order-9"]
    runs = _history(client, "exportRuns")
    assert [run["options"].get("pagedExportState") for run in runs] == [None, None, {"jsrtPage": 1}]


def test_a_flat_body_on_a_connection_the_account_lacks_is_an_invalid_ref(
    client: httpx.Client,
) -> None:
    answer = client.post("/v1/imports/virtual", json={"_connectionId": "nope", "data": []})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "_connectionId"


# ---- REST bodies, REST rules -----------------------------------------------------------------


def _invalid(answer: httpx.Response, field: str) -> str:
    """The message of a 422 invalid_field about `field`, which names no JS signature."""
    (error,) = _json(answer, 422)["errors"]
    assert (error["code"], error["field"]) == ("invalid_field", field)
    assert "(options)" not in error["message"]
    return error["message"]


def test_a_flow_run_takes_the_export_ids_rest_clients_send(client: httpx.Client) -> None:
    body = {"_exportIds": ["e1"], "startDate": "2025-01-01T00:00:00Z"}
    started = _json(client.post("/v1/flows/orderSync/run", json=body), 201)
    assert started["status"] == "queued" and isinstance(started["_jobId"], str)
    (job,) = _history(client, "jobs")
    assert (job["_id"], job["_exportIds"]) == (started["_jobId"], ["e1"])


def test_rest_bodies_are_refused_in_rest_words(client: httpx.Client) -> None:
    run = "/v1/flows/orderSync/run"
    message = _invalid(client.post(run, json={"_exportIds": "e1"}), "_exportIds")
    assert message == (
        'POST /v1/flows/{_id}/run: `_exportIds` must be an array, got the string "e1"'
    )
    message = _invalid(client.post(run, json={"_exportIds": ["e1", 2]}), "_exportIds[1]")
    assert message.endswith("`_exportIds[1]` must be a string, got the number 2")
    message = _invalid(client.post(run, json={"exportIds": ["e1"]}), "exportIds")
    assert message == (
        "POST /v1/flows/{_id}/run: `exportIds` is not a field of its body, which takes"
        " `startDate`, `endDate`, `_exportIds`"
    )
    message = _invalid(client.post(run, json={"startDate": "yesterday"}), "startDate")
    assert "`startDate` must be an ISO 8601 date string" in message
    message = _invalid(client.post("/v1/exports/virtual", json={"data": []}), "export")
    assert message.startswith("POST /v1/exports/virtual: `export` is required: the export")
    assert "or its fields (`_connectionId`, `adaptorType`, ...) at the body's top level" in message
    invoke = client.post("/v1/imports/putOrders/invoke", json={"data": "x"})
    assert _invalid(invoke, "data").startswith("POST /v1/imports/{_id}/invoke: `data` must be")
    on_connection = client.post("/v1/connections/shopify/import", json={"import": IMPORT})
    assert _invalid(on_connection, "data").startswith("POST /v1/connections/{_connectionId}/import")


def test_an_import_invoke_takes_the_records_as_the_whole_body(client: httpx.Client) -> None:
    """The Import API page: "Data and settings can be passed as an array in the request
    body" (celigo-reference §3.2, S7)."""
    for body in (RECORDS[:2], {"data": RECORDS[:2]}):
        answers = _json(client.post("/v1/imports/putOrders/invoke", json=body), 200)
        assert [a["statusCode"] for a in answers] == [200, 200]
    assert [run["data"] for run in _history(client, "importRuns")] == [RECORDS[:2]] * 2


def test_a_script_keeps_the_runtime_functions_own_options() -> None:
    """`_exportIds` is a REST body field; `flows.run` in a script still refuses it."""
    with pytest.raises(InvalidArgument) as raised:
        check_args(find_method("flows", "run"), [{"_id": "f", "_exportIds": ["e1"]}])
    assert raised.value.message == (
        "flows.run(options): unknown option _exportIds; flows.run accepts _id, startDate, endDate"
    )
