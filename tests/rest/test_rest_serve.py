"""`jsrt serve` over real HTTP: integrator.io's paths, status codes and bodies, bearer
auth, faults and throttling, My API scripts, and the command itself."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest
from rest_servers import SMALL_WORLD, TOKEN, Served, serving

from jsrt.backends.local import StateDir, World
from jsrt.backends.local.models import SEEDED_AT
from jsrt.errors import InputError
from jsrt.server.api_schema import API_KEYS, ApiEntry
from jsrt.server.apis import load_served_world

HANDLERS_JS = """
import { state } from 'integrator-api'

function handleRequest(options) {
  if (options.body && options.body.fail) throw new Error('asked to fail')
  const flow = { resourceType: 'flows', _id: 'orderSync' }
  state.putForResource({ ...flow, key: 'lastOrder', value: options.body.orderId })
  return {
    statusCode: 202,
    headers: { 'x-handled-by': 'jsrt' },
    body: {
      method: options.method, query: options.queryString, path: options.pathParams,
      sawToken: 'authorization' in options.headers, keys: state.getKeysForResource(flow).keys,
    },
  }
}

function ping(options) {
  return { statusCode: 200, body: 'pong' }
}
"""

WORLD_WITH_APIS = """
flows: [{_id: orderSync, name: Order sync}]
apis:
  - {_id: orders-api, script: handlers.js, function: handleRequest, path: "/orders/{orderId}"}
  - {_id: ping, script: handlers.js, function: ping}
"""


def test_a_missing_or_wrong_token_gets_the_bare_401_of_integrator_io(served: Served) -> None:
    for headers, message in (
        ({}, "Unauthorized"),
        ({"Authorization": "Bearer nope"}, "Bearer Authentication Failed"),
    ):
        for path in ("/v1/exports", "/_jsrt/world", "/v1/apis/x/request"):
            answer = httpx.get(served.url + path, headers=headers)
            assert (answer.status_code, answer.json()) == (401, {"message": message})


def test_paths_status_codes_and_bodies_follow_integrator_io(client: httpx.Client) -> None:
    created = client.post("/v1/exports", json={"name": "New"})
    assert created.status_code == 201 and created.json()["name"] == "New"
    debug = [{"op": "replace", "path": "/debugUntil", "value": "2030-01-01T00:00:00.000Z"}]
    assert client.patch("/v1/exports/e1", json=debug).status_code == 204
    assert client.delete("/v1/exports/e1").status_code == 204
    assert client.post("/v1/flows/orderSync/run").status_code == 201
    first = client.put("/v1/flows/orderSync/state/cursor", json={"page": 1})
    again = client.put("/v1/flows/orderSync/state/cursor", json={"page": 2})
    assert (first.status_code, first.text) == (200, "Created")
    assert (again.status_code, again.text) == (200, "OK")
    assert client.get("/v1/flows/orderSync/state/cursor").json() == {"page": 2}
    gone = client.delete("/v1/flows/orderSync/state/cursor")
    assert (gone.status_code, gone.text) == (200, "OK")
    assert client.delete("/v1/lookupcaches/skuMap/data/purge").status_code == 204
    missing = client.get("/v1/exports/nope")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "not_found"


def test_lists_come_in_link_pages_and_an_empty_flow_list_is_204(client: httpx.Client) -> None:
    page = client.get("/v1/exports", params={"limit": 2})
    assert [e["_id"] for e in page.json()] == ["e1", "e2"]
    base = str(client.base_url).rstrip("/")
    assert page.links["next"]["url"] == f"{base}/v1/exports?skip=2&limit=2"
    last = client.get("/v1/exports", params={"limit": 2, "skip": 4})
    assert [e["_id"] for e in last.json()] == ["e5"] and "link" not in last.headers
    bad = client.get("/v1/exports", params={"limit": "0"})
    assert (bad.status_code, bad.json()["errors"][0]["code"]) == (400, "invalid_query_params")
    for flow in client.get("/v1/flows").json():
        client.delete(f"/v1/flows/{flow['_id']}")
    empty = client.get("/v1/flows")
    assert (empty.status_code, empty.content) == (204, b"")


def test_bad_requests_get_the_envelope(client: httpx.Client) -> None:
    json_type = {"content-type": "application/json"}
    not_json = client.post("/v1/exports", content=b"{nope", headers=json_type)
    assert (not_json.status_code, not_json.json()["errors"][0]["code"]) == (400, "invalid_json")
    bad_type = client.get("/v1/scripts/x/state")
    assert bad_type.status_code == 400
    assert "resourceType must be one of" in bad_type.json()["errors"][0]["message"]
    unknown = client.get("/v1/nothing/here")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "errors": [
            {
                "code": "not_found",
                "message": "GET /v1/nothing/here is not an endpoint jsrt serve answers",
            }
        ]
    }
    assert client.put("/v1/exports").status_code == 405


def test_faults_make_the_next_requests_fail_then_clear(client: httpx.Client) -> None:
    assert client.post("/_jsrt/faults", json={"status": 503, "count": 2}).status_code == 204
    assert [client.get("/v1/exports/e1").status_code for _ in range(3)] == [503, 503, 200]
    client.post("/_jsrt/faults", json={"status": 429, "retryAfter": 7})
    limited = client.get("/v1/exports/e1")
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")
    assert limited.json() == {
        "errors": [{"code": "rate_limited", "message": "Too many requests. Retry after 7 seconds."}]
    }
    refused = client.post("/_jsrt/faults", json={"status": 200})
    assert refused.status_code == 400


def test_reset_puts_the_seed_back(client: httpx.Client) -> None:
    client.delete("/v1/exports/e1")
    assert client.post("/_jsrt/reset").status_code == 204
    assert client.get("/v1/exports/e1").status_code == 200
    assert client.get("/_jsrt/world").json()["format"] == "jsrt-world-snapshot/1"


def test_a_state_dir_keeps_what_clients_changed(api_token: str, tmp_path: Path) -> None:
    store = StateDir(tmp_path / "state")
    with serving(store.open(World(SMALL_WORLD)), state_dir=store) as server:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        created = httpx.post(f"{server.url}/v1/exports", json={"name": "Kept"}, headers=headers)
    saved = StateDir(tmp_path / "state").load()
    assert saved is not None
    assert saved.get("exports", created.json()["_id"])["name"] == "Kept"


def test_throttle_answers_429_beyond_its_rate(api_token: str) -> None:
    with (
        serving(throttle=0.1) as server,
        httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http,
    ):
        assert http.get("/v1/exports/e1").status_code == 200
        limited = http.get("/v1/exports/e1")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1


@pytest.fixture
def api_world(tmp_path: Path) -> Path:
    (tmp_path / "handlers.js").write_text(textwrap.dedent(HANDLERS_JS))
    world = tmp_path / "world.yaml"
    world.write_text(WORLD_WITH_APIS)
    return world


def test_my_api_scripts_answer_http_requests_through_the_runtime(
    api_token: str, api_world: Path
) -> None:
    world, apis, _ = load_served_world(api_world)
    with (
        serving(world, apis=apis) as server,
        httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http,
    ):
        answer = http.post("/orders/SO-7", params={"dryRun": "no"}, json={"orderId": "SO-7"})
        assert answer.status_code == 202
        assert answer.headers["x-handled-by"] == "jsrt"
        assert answer.json() == {
            "method": "POST",
            "query": {"dryRun": "no"},
            "path": {"orderId": "SO-7"},
            "sawToken": False,
            "keys": ["lastOrder"],
        }
        assert http.get("/v1/flows/orderSync/state/lastOrder").json() == "SO-7"
        by_id = http.post("/v1/apis/orders-api/request", json={"orderId": "SO-8"})
        assert by_id.json()["path"] == {}
        pong = http.get("/v1/apis/ping/request")
        assert (pong.status_code, pong.text, pong.headers["content-type"]) == (
            200,
            "pong",
            "text/plain; charset=utf-8",
        )
        failed = http.post("/v1/apis/orders-api/request", json={"fail": True})
        assert failed.status_code == 500
        error = failed.json()["errors"][0]
        assert error["code"] == "script_error" and "Error: asked to fail" in error["message"]
        unknown = http.get("/v1/apis/nope/request")
        assert unknown.status_code == 404
        assert "known: orders-api, ping" in unknown.json()["errors"][0]["message"]


def test_an_integrator_io_api_document_runs_the_world_scripts_content(
    api_token: str, tmp_path: Path
) -> None:
    """APIs as integrator.io exports them: `type: script` with `script: {_scriptId,
    function}` (or the legacy top-level `_scriptId`), the code in a script document."""
    world_file = tmp_path / "world.json"
    content = textwrap.dedent(HANDLERS_JS)
    world_file.write_text(
        json.dumps(
            {
                "flows": [{"_id": "orderSync"}],
                "scripts": [
                    {"_id": "5f0c0ffee0c0ffee0c0ffee0", "name": "handlers.js", "content": content}
                ],
                "apis": [
                    {
                        "_id": "orders",
                        "name": "Orders",
                        "type": "script",
                        "script": {
                            "_scriptId": "5f0c0ffee0c0ffee0c0ffee0",
                            "function": "handleRequest",
                        },
                    },
                    {
                        "_id": "legacy-ping",
                        "_scriptId": "5f0c0ffee0c0ffee0c0ffee0",
                        "function": "ping",
                    },
                ],
            }
        )
    )
    world, apis, _ = load_served_world(world_file)
    # Inline code is named where it is written, as `jsrt run --flow` names it.
    inline = f"{world_file}#scripts/handlers.js"
    assert [(api.api_id, api.function, str(api.script)) for api in apis] == [
        ("orders", "handleRequest", inline),
        ("legacy-ping", "ping", inline),
    ]
    with (
        serving(world, apis=apis) as server,
        httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http,
    ):
        answer = http.post("/v1/apis/orders/request", json={"orderId": "SO-9"})
        assert answer.status_code == 202, answer.text
        assert answer.json()["keys"] == ["lastOrder"]
        assert http.get("/v1/apis/legacy-ping/request").text == "pong"
        failed = http.post("/v1/apis/orders/request", json={"fail": True})
        message = failed.json()["errors"][0]["message"]
        assert f"{inline}:5:48: Error: asked to fail" in message


@pytest.mark.parametrize(
    ("apis", "problem"),
    [
        ("apis: {x: 1}", "apis: expected a list of My APIs"),
        ("apis: [{_id: a}]", "apis[0].script: required, a non-empty string"),
        ("apis: [{_id: a, script: gone.js}]", "apis[0].script:"),
        ("apis: [{_id: a, script: handlers.js, path: /v1/x}]", "apis[0].path: '/v1/x' must"),
        ("apis: [{_id: a, script: handlers.js, verb: GET}]", "apis[0].verb: unknown key"),
        ("apis: []\nflows: {}", "flows: expected a list of documents"),
        ("apis: [{_id: a, type: builder}]", "apis[0].type: 'builder' APIs are built"),
        (
            "apis: [{_id: a, script: {_scriptId: s9, function: f}}]",
            "apis[0].script._scriptId: no script document with _id 's9'",
        ),
        (
            "scripts: [{_id: s1, name: x.js}]\napis: [{_id: a, _scriptId: s1}]",
            "apis[0]._scriptId: the script document 's1' has no `content`",
        ),
    ],
)
def test_a_bad_api_declaration_names_the_file_and_the_entry(
    api_world: Path, apis: str, problem: str
) -> None:
    api_world.write_text(apis)
    with pytest.raises(InputError) as raised:
        load_served_world(api_world)
    assert raised.value.message.startswith(f"{api_world}: ")
    assert problem in raised.value.message


MULTI_LINE_APIS = """\
flows: [{_id: orderSync}]
scripts: [{_id: s1, name: x.js}]
apis:
  - _id: orders-api
    script: handlers.js
  - _id: ping
    script: handlers.js
"""


@pytest.mark.parametrize(
    ("replace", "by", "problem", "line", "column"),
    [
        ("", "    verb: GET\n", "apis[1].verb: unknown key", 8, 5),
        ("    script: handlers.js\n", "", "apis[0].script: required", 4, 5),
        ("script: handlers.js", "script: gone.js", "apis[0].script: ", 5, 5),
        ("_id: ping", "_id: orders-api", "apis[1]._id: duplicate _id 'orders-api'", 6, 5),
        ("_id: ping\n    script: handlers.js", "_id: p\n    _scriptId: s1", "no `content`", 7, 5),
        ("", "    path: v1\n", "apis[1].path: 'v1' must start with /", 8, 5),
        ("apis:\n", "apis:\n  - 7\n", "apis[0]: expected an object", 4, 5),
        ("flows: [{_id: orderSync}]", "flows: {}", "flows: expected a list of documents", 1, 1),
    ],
)
def test_a_bad_api_declaration_names_the_line_and_column_of_its_key(
    api_world: Path, replace: str, by: str, problem: str, line: int, column: int
) -> None:
    """Each problem points at the key a person fixes: `file: where: problem (line, column)`;
    `replace` (or, when empty, the end of the file) becomes `by`."""
    api_world.write_text(MULTI_LINE_APIS)
    assert [api.api_id for api in load_served_world(api_world)[1]] == ["orders-api", "ping"]
    text = MULTI_LINE_APIS.replace(replace, by, 1) if replace else MULTI_LINE_APIS + by
    api_world.write_text(text)
    with pytest.raises(InputError) as raised:
        load_served_world(api_world)
    err = raised.value
    assert (err.file, err.line, err.column) == (str(api_world), line, column)
    assert err.message.startswith(f"{api_world}: ")
    assert problem in err.message
    assert err.message.endswith(f" (line {line}, column {column})")


def test_a_bad_api_in_a_json_world_file_names_its_line_too(tmp_path: Path) -> None:
    world = tmp_path / "world.json"
    world.write_text('{\n  "apis": [\n    {"_id": "a", "script": 3}\n  ]\n}\n')
    with pytest.raises(InputError) as raised:
        load_served_world(world)
    assert (raised.value.line, raised.value.column) == (3, 18)
    assert "apis[0].script: required, a non-empty string" in raised.value.message


def test_a_world_without_apis_loads_as_the_local_backend_loads_it(tmp_path: Path) -> None:
    path = tmp_path / "world.yaml"
    path.write_text("exports:\n  - {_id: e1, pageSize: zero}\n")
    with pytest.raises(InputError, match=r"world.yaml:2:\d+: exports\[0\].pageSize"):
        load_served_world(path)
    path.write_text("exports: [{_id: e1}]\n")
    world, apis, warnings = load_served_world(path)
    stamps = {"createdAt": SEEDED_AT, "lastModified": SEEDED_AT}
    assert isinstance(world, World) and world.get("exports", "e1") == {"_id": "e1", **stamps}
    assert (apis, warnings) == ((), [])


def test_jsrt_serve_runs_as_a_command_on_loopback(api_world: Path) -> None:
    command = [
        sys.executable,
        "-c",
        "from jsrt.cli import main; main()",
        "serve",
        "--world",
        str(api_world),
        "--port",
        "0",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert first.startswith("jsrt serve: integrator.io API on http://127.0.0.1:")
        assert first.rstrip().endswith("(2 My APIs)")
        url = first.split(" on ")[1].split()[0]
        token = process.stdout.readline().removeprefix("token: ").strip()
        assert len(token) >= 20
        assert "--backend rest --base-url" in process.stdout.readline()
        ok = httpx.get(f"{url}/v1/flows/orderSync", headers={"Authorization": f"Bearer {token}"})
        assert ok.json()["name"] == "Order sync"
        assert httpx.get(f"{url}/v1/flows/orderSync").status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_the_api_schema_declares_the_keys_an_entry_may_hold() -> None:
    declared = {field.alias or name for name, field in ApiEntry.model_fields.items()}
    assert declared == set(API_KEYS)
