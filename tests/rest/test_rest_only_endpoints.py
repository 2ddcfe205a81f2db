"""The REST endpoints no integrator-api function maps to (`jsrt/server/rest_table.py`),
sent as integrator.io's REST clients send them, with plain httpx to a real `jsrt serve`
on 127.0.0.1: status, headers and body. Each test names the documentation it follows
(celigo-reference.md §3, celigo/integrator-api-docs) or says the answer is plausible."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rest_servers import TOKEN, Served, serving

from jsrt.backends.local import StateDir, World
from jsrt.runner import Runtime
from jsrt.server import MyApi
from jsrt.server.rest_table import REST_ROUTES

ACCOUNT: dict[str, Any] = {
    "idSeed": "rest-only",
    "integrations": [{"_id": "shop", "name": "Shop"}, {"_id": "crm", "name": "CRM"}],
    "connections": [
        {"_id": "shopify", "name": "Shopify"},
        {"_id": "netsuite", "name": "NetSuite", "offline": True},
        {"_id": "hubspot", "name": "HubSpot", "_integrationId": "crm"},
    ],
    "exports": [
        {"_id": "getOrders", "name": "Get orders", "_connectionId": "shopify"},
        {"_id": "getContacts", "name": "Get contacts", "_connectionId": "hubspot"},
    ],
    "imports": [{"_id": "putOrders", "name": "Put orders", "_connectionId": "netsuite"}],
    "flows": [
        {
            "_id": "orderSync",
            "name": "Order sync",
            "_integrationId": "shop",
            "pageGenerators": [{"_exportId": "getOrders"}],
            "pageProcessors": [{"type": "import", "_importId": "putOrders"}],
        },
        {"_id": "contactSync", "name": "Contact sync", "_integrationId": "crm"},
    ],
    "scripts": [{"_id": "s1", "name": "Hooks", "content": "function f(o) { return o }"}],
}

ORDERS_API = MyApi(
    api_id="orders-api",
    script=Path("handlers.js"),
    function="handleRequest",
    path="/orders/{orderId}",
    name="Orders",
)

JSON = "application/json"


@pytest.fixture(scope="module")
def served(api_token: str) -> Iterator[Served]:
    with serving(World(ACCOUNT), apis=(ORDERS_API,), page_size=2) as server:
        yield server


def ids(response: httpx.Response) -> list[str]:
    return [document["_id"] for document in response.json()]


def assert_error(response: httpx.Response, status: int, code: str, *words: str) -> None:
    """integrator.io's error envelope `{errors: [{code, message}]}` (celigo-reference §3.1)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON
    (error,) = response.json()["errors"]
    assert error["code"] == code
    for word in words:
        assert word in error["message"]


# ---- tokenInfo -------------------------------------------------------------------------


def test_token_info_answers_user_and_scope_celigo_reference_3_1(client: httpx.Client) -> None:
    response = client.get("/v1/tokenInfo")
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    body = response.json()
    assert set(body) == {"_userId", "scope"}
    assert re.fullmatch(r"[0-9a-f]{24}", body["_userId"])
    assert body["scope"] == "*"
    assert client.get("/v1/tokenInfo").json() == body  # the same user every time


# ---- integrations ----------------------------------------------------------------------


def test_integrations_list_in_pages_with_a_link_integration_md(client: httpx.Client) -> None:
    response = client.get("/v1/integrations", params={"limit": 1})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert ids(response) == ["shop"]
    assert response.headers["link"].endswith('>; rel="next"')
    assert "skip=1" in response.headers["link"]
    assert ids(client.get("/v1/integrations")) == ["shop", "crm"]


def test_integration_create_answers_201_with_the_stored_document_integration_md(
    client: httpx.Client,
) -> None:
    response = client.post("/v1/integrations", json={"name": "Billing", "_id": "mine"})
    assert response.status_code == 201
    assert response.headers["content-type"] == JSON
    created = response.json()
    assert created["name"] == "Billing"
    assert re.fullmatch(r"[0-9a-f]{24}", created["_id"])  # integrator.io assigns the _id
    assert created["createdAt"] == created["lastModified"]
    assert client.get(f"/v1/integrations/{created['_id']}").json() == created


def test_integration_create_refuses_a_body_that_is_not_a_document(client: httpx.Client) -> None:
    assert_error(
        client.post("/v1/integrations", json=["Billing"]),
        400,
        "bad_request",
        "POST /v1/integrations",
        "the integration document (a JSON object)",
    )
    assert_error(client.post("/v1/integrations", content=b"{name"), 400, "invalid_json")


def test_integration_patch_applies_json_patch_and_answers_204_celigo_reference_3_1(
    client: httpx.Client,
) -> None:
    ops = [{"op": "replace", "path": "/name", "value": "Web shop"}]
    response = client.patch("/v1/integrations/shop", json=ops)
    assert response.status_code == 204
    assert response.content == b""
    stored = client.get("/v1/integrations/shop").json()
    assert stored["name"] == "Web shop"
    assert "lastModified" in stored


def test_integration_patch_refuses_a_plain_object_a_bad_op_and_an_unknown_id(
    client: httpx.Client,
) -> None:
    assert_error(
        client.patch("/v1/integrations/shop", json={"name": "Web shop"}),
        400,
        "bad_request",
        "JSON-Patch array",
    )
    assert_error(
        client.patch("/v1/integrations/shop", json=[{"op": "move", "path": "/name"}]),
        400,
        "bad_request",
        "body[0].op must be one of",
    )
    ops = [{"op": "replace", "path": "/name", "value": "x"}]
    assert_error(client.patch("/v1/integrations/nope", json=ops), 404, "not_found", "'nope'")
    assert client.get("/v1/integrations/shop").json()["name"] == "Shop"


@pytest.mark.parametrize(
    ("collection", "shop", "crm"),
    [
        ("flows", ["orderSync"], ["contactSync"]),
        ("exports", ["getOrders"], []),
        ("imports", ["putOrders"], []),
        ("connections", ["shopify", "netsuite"], ["hubspot"]),
    ],
)
def test_integration_sub_lists_hold_what_its_flows_use_plausible(
    client: httpx.Client, collection: str, shop: list[str], crm: list[str]
) -> None:
    response = client.get(f"/v1/integrations/shop/{collection}", params={"limit": 100})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert ids(response) == shop
    assert ids(client.get(f"/v1/integrations/crm/{collection}")) == crm
    assert_error(client.get(f"/v1/integrations/nope/{collection}"), 404, "not_found", "'nope'")


# ---- scripts ---------------------------------------------------------------------------


def test_scripts_crud_celigo_reference_3_5(client: httpx.Client) -> None:
    listed = client.get("/v1/scripts")
    assert listed.status_code == 200
    assert listed.headers["content-type"] == JSON
    assert ids(listed) == ["s1"]

    created = client.post("/v1/scripts", json={"name": "New", "content": "function g() {}"})
    assert created.status_code == 201
    assert created.headers["content-type"] == JSON
    script = created.json()
    assert script["content"] == "function g() {}"
    assert ids(client.get("/v1/scripts")) == ["s1", script["_id"]]

    replaced = client.put(f"/v1/scripts/{script['_id']}", json={"content": "// v2"})
    assert replaced.status_code == 200
    assert replaced.json()["content"] == "// v2"
    assert "name" not in replaced.json()  # a PUT erases the fields it leaves out

    deleted = client.delete(f"/v1/scripts/{script['_id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_error(client.get(f"/v1/scripts/{script['_id']}"), 404, "not_found", "script")
    assert_error(client.delete("/v1/scripts/nope"), 404, "not_found", "'nope'")
    assert_error(client.post("/v1/scripts", content=b""), 400, "bad_request", "got no body")


# ---- jobs ------------------------------------------------------------------------------

JOB_FIELDS = {
    "_id",
    "type",
    "_flowId",
    "_integrationId",
    "status",
    "numError",
    "numSuccess",
    "numIgnore",
    "numPagesGenerated",
    "createdAt",
    "lastModified",
}
"""The Job API's fields (celigo/integrator-api-docs job.md), before the job started."""


def test_a_flow_run_is_a_job_that_goes_queued_running_completed_job_md(
    client: httpx.Client,
) -> None:
    run = client.post("/v1/flows/orderSync/run", json={})
    assert run.status_code == 201
    job_id = run.json()["_jobId"]
    assert run.json()["status"] == "queued"

    listed = client.get("/v1/jobs")  # a list shows jobs as they are
    assert listed.status_code == 200
    assert listed.headers["content-type"] == JSON
    (queued,) = listed.json()
    assert set(queued) == JOB_FIELDS
    assert queued["_id"] == job_id
    assert queued["type"] == "flow"
    assert (queued["_flowId"], queued["_integrationId"]) == ("orderSync", "shop")
    assert queued["status"] == "queued"
    assert (queued["numError"], queued["numSuccess"], queued["numIgnore"]) == (0, 0, 0)
    assert client.get("/v1/jobs").json() == [queued]

    running = client.get(f"/v1/jobs/{job_id}")  # each look at the job moves it on
    assert running.status_code == 200
    assert running.headers["content-type"] == JSON
    assert running.json()["status"] == "running"
    assert set(running.json()) == JOB_FIELDS | {"startedAt"}

    latest = client.get("/v1/flows/orderSync/jobs/latest")
    assert latest.status_code == 200
    (completed,) = latest.json()
    assert completed["_id"] == job_id
    assert completed["status"] == "completed"
    assert completed["startedAt"] == running.json()["startedAt"]
    assert completed["endedAt"] >= completed["startedAt"]
    assert completed["lastModified"] == completed["endedAt"]
    assert client.get(f"/v1/jobs/{job_id}").json() == completed  # and stays completed


def test_jobs_are_listed_newest_first_and_filtered_job_md(client: httpx.Client) -> None:
    first = client.post("/v1/flows/orderSync/run", json={}).json()["_jobId"]
    second = client.post("/v1/flows/contactSync/run", json={}).json()["_jobId"]
    client.get(f"/v1/jobs/{first}")  # running
    assert ids(client.get("/v1/jobs")) == [second, first]
    assert ids(client.get("/v1/jobs", params={"_flowId": "orderSync"})) == [first]
    assert ids(client.get("/v1/jobs", params={"_integrationId": "crm"})) == [second]
    assert ids(client.get("/v1/jobs", params={"status": "running"})) == [first]
    assert ids(client.get("/v1/jobs", params={"type": "import"})) == []


def test_a_job_or_flow_the_world_lacks_is_404_and_a_flow_never_run_has_no_latest_job(
    client: httpx.Client,
) -> None:
    assert_error(client.get("/v1/jobs/nope"), 404, "not_found", "no job with _id 'nope'")
    assert_error(client.get("/v1/flows/nope/jobs/latest"), 404, "not_found", "'nope'")
    never = client.get("/v1/flows/contactSync/jobs/latest")
    assert never.status_code == 200
    assert never.json() == []


def test_a_job_flows_run_started_in_a_hook_is_visible_to_jsrt_serve(
    api_token: str, tmp_path: Path, write_script
) -> None:
    """A hook run with `--state-dir` calls flows.run; the server sharing the state dir
    shows that job."""
    store = StateDir(tmp_path / "state")
    with serving(store.open(World(ACCOUNT)), state_dir=store) as server:
        script = write_script(
            """
            import { flows } from 'integrator-api'
            function preSavePage(options) {
              const job = flows.run({ _id: 'orderSync' })
              return { data: [job] }
            }
            """
        )
        result = Runtime(state_dir=tmp_path / "state").run_hook(
            script, "preSavePage", {"_flowId": "orderSync", "data": [{}]}
        )
        assert result.ok, result.error
        job_id = result.value["data"][0]["_jobId"]
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=server.url, headers=headers) as http:
            assert ids(http.get("/v1/jobs")) == [job_id]
            assert http.get(f"/v1/jobs/{job_id}").json()["status"] == "running"


# ---- connections, lists, mirror --------------------------------------------------------


@pytest.mark.parametrize("verb", ["GET", "POST"])
def test_connection_ping_answers_online_offline_and_unknown_plausible(
    client: httpx.Client, verb: str
) -> None:
    online = client.request(verb, "/v1/connections/shopify/ping")
    assert online.status_code == 200
    assert online.headers["content-type"] == JSON
    assert online.json()["code"] == 200
    assert "Shopify" in online.json()["message"]
    offline = client.request(verb, "/v1/connections/netsuite/ping")
    assert_error(offline, 401, "connection_offline", "'NetSuite'", "offline")
    assert_error(client.request(verb, "/v1/connections/nope/ping"), 404, "not_found", "'nope'")


def test_apis_lists_the_my_apis_and_answers_204_when_there_are_none_celigo_reference_3_1(
    client: httpx.Client, api_token: str
) -> None:
    response = client.get("/v1/apis")
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == [
        {
            "_id": "orders-api",
            "name": "Orders",
            "type": "script",
            "function": "handleRequest",
            "path": "/orders/{orderId}",
        }
    ]
    with serving(World(ACCOUNT)) as bare:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        empty = httpx.get(f"{bare.url}/v1/apis", headers=headers)
    assert empty.status_code == 204
    assert empty.content == b""


@pytest.mark.parametrize("path", ["/v1/iclients", "/v1/tools"])
def test_iclients_and_tools_are_empty_lists_plausible(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == []


def test_mirror_echoes_the_request_celigo_reference_3_1(client: httpx.Client) -> None:
    response = client.post(
        "/v1/mirror",
        params={"page": "2"},
        json={"record": {"id": 7}},
        headers={"X-Trace": "abc"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    echoed = response.json()
    assert echoed["method"] == "POST"
    assert echoed["path"] == "/v1/mirror"
    assert echoed["query"] == {"page": "2"}
    assert echoed["body"] == {"record": {"id": 7}}
    assert echoed["headers"]["x-trace"] == "abc"
    assert "authorization" not in echoed["headers"]  # the token is not sent back
    text = client.put("/v1/mirror", content=b"plain words").json()
    assert (text["method"], text["body"]) == ("PUT", "plain words")
    assert client.get("/v1/mirror").json()["body"] is None


@pytest.mark.parametrize("collection", ["exports", "imports", "flows"])
@pytest.mark.parametrize(("verb", "action"), [("POST", "clone"), ("GET", "audit")])
def test_clone_and_audit_are_refused_with_a_clear_501(
    client: httpx.Client, collection: str, verb: str, action: str
) -> None:
    path = f"/v1/{collection}/x/{action}"
    response = client.request(verb, path)
    assert_error(response, 501, "not_supported", f"{verb} {path}", "does not emulate")


@pytest.mark.parametrize("collection", ["exports", "imports", "flows"])
def test_dependencies_are_refused_with_a_clear_501(client: httpx.Client, collection: str) -> None:
    path = f"/v1/{collection}/x/dependencies"
    assert_error(client.get(path), 501, "not_supported", path, "does not emulate")


def test_another_verb_on_a_table_path_is_405_naming_the_request(client: httpx.Client) -> None:
    assert_error(
        client.delete("/v1/tokenInfo"),
        405,
        "method_not_allowed",
        "DELETE /v1/tokenInfo is not an endpoint jsrt serve answers",
    )


@pytest.mark.parametrize("row", REST_ROUTES, ids=str)
def test_every_row_of_the_table_is_served(client: httpx.Client, row) -> None:
    """What README lists is what the server answers: no row falls through to the 404 of
    a path jsrt serve does not know, and each answers one of the statuses its row lists."""
    path = row.path.replace("{_id}", "orderSync" if "/flows/" in row.path else "shop")
    response = client.request(row.verb, path, json={} if row.verb in ("POST", "PUT") else None)
    assert "is not an endpoint jsrt serve answers" not in response.text
    assert response.status_code in row.statuses, (row, response.status_code, response.text)
