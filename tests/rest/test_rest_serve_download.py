"""`jsrt serve --world` given an integration download (a zip or its folder) or the layout
`jsrt import` writes: the world, its My APIs as integrator.io writes them, and a warning
for each that cannot be served.

The download is built here in the shape of integrator.io's "Download integration" zips
(see tests/integration/test_integration_download.py). Its My API document has the keys an
account's copy carries besides the ones jsrt reads (`createdAt`, `lastModified`,
`_integrationId`, `description`, `version`, `disabled`, `sandbox`, and the top-level
`_scriptId` / `function` copies of `script`): celigo/ai
`skills/building-apis/references/schemas/response.yml` ("script-mode APIs additionally
carry `script` plus top-level `_scriptId` / `function` copies").
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from rest_servers import TOKEN, serving

from jsrt.cli import main
from jsrt.server.apis import load_served_world

INTEGRATION = "6650c0de0000000000000001"
FLOW = "6650c0de0000000000000002"
GET_ORDERS = "6650c0de0000000000000003"
SHOP = "6650c0de0000000000000004"
API_SCRIPT = "6650c0de0000000000000005"
ORDERS_API = "6650c0de0000000000000006"
LEGACY_API = "6650c0de0000000000000009"
GONE_SCRIPT = "6650c0de00000000000000ff"

API_CODE = """\
function handleRequest (options) {
  if (options.body.fail) {
    throw new Error('asked to fail')
  }
  return { statusCode: 200, headers: {}, body: { received: options.body.orderId } }
}
"""

SCRIPT_FILE = f"scripts/Orders-API-handler-{API_SCRIPT}.js"


def api_document(_id: str, name: str, script_id: str, **more: Any) -> dict[str, Any]:
    """A script-mode My API document as the account keeps it (see the module docstring)."""
    return {
        "_id": _id,
        "createdAt": "2025-08-26T23:25:24.107Z",
        "lastModified": "2026-04-07T03:48:20.795Z",
        "name": name,
        "description": "Orders from the shop's checkout",
        "_integrationId": INTEGRATION,
        "type": "script",
        "version": "v1",
        "disabled": False,
        "sandbox": False,
        "script": {"_scriptId": script_id, "function": "handleRequest"},
        "_scriptId": script_id,
        "function": "handleRequest",
        **more,
    }


def download_members() -> dict[str, str]:
    """A complete download: an integration, a flow, its export and connection, and a My
    API with its script (`.json` and `.js`)."""
    documents: dict[str, dict[str, Any]] = {
        "integration.json": {"_id": INTEGRATION, "name": "Shop", "flowGroupings": []},
        f"flows/Orders-{FLOW}.json": {
            "_id": FLOW,
            "name": "Orders",
            "pageGenerators": [{"_exportId": GET_ORDERS, "skipRetries": False}],
            "pageProcessors": [],
        },
        f"exports/Get-Orders-{GET_ORDERS}.json": {
            "_id": GET_ORDERS,
            "name": "Get Orders",
            "_connectionId": SHOP,
            "adaptorType": "HTTPExport",
        },
        f"connections/Shop-{SHOP}.json": {"_id": SHOP, "type": "http", "name": "Shop"},
        f"scripts/Orders-API-handler-{API_SCRIPT}.json": {
            "_id": API_SCRIPT,
            "lastModified": "2026-04-07T03:48:20.795Z",
            "name": "Orders API handler",
        },
        f"apis/Orders-API-{ORDERS_API}.json": api_document(ORDERS_API, "Orders API", API_SCRIPT),
    }
    members = {name: json.dumps(document, indent=2) for name, document in documents.items()}
    members[SCRIPT_FILE] = API_CODE
    return members


def write_zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@contextmanager
def jsrt_serve(world: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A real `jsrt serve --world WORLD` on a free loopback port: its URL and process
    (stopped, and its output read to the end, when the block ends)."""
    command = [sys.executable, "-c", "from jsrt.cli import main; main()", "serve"]
    command += ["--world", str(world), "--port", "0", "--token", TOKEN]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("jsrt serve: integrator.io API on http://127.0.0.1:"), (
            first + process.stderr.read() if process.stderr else first
        )
        yield first.split(" on ")[1].split()[0], process
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"})


def test_jsrt_serve_serves_the_layout_jsrt_import_wrote(tmp_path: Path) -> None:
    write_zip(tmp_path / "download.zip", download_members())
    imported = CliRunner().invoke(
        main, ["import", str(tmp_path / "download.zip"), "--out", str(tmp_path / "shop")]
    )
    assert imported.exit_code == 0, imported.output
    layout = tmp_path / "shop"
    code_file = layout / SCRIPT_FILE
    assert json.loads((layout / "world.json").read_text())["scripts"][0]["contentFile"] == (
        SCRIPT_FILE
    )

    with jsrt_serve(layout) as (url, process), client(url) as http:
        answer = http.post(f"/v1/apis/{ORDERS_API}/request", json={"orderId": "SO-1"})
        assert (answer.status_code, answer.json()) == (200, {"received": "SO-1"})
        # The catalog's routes answer from the same world: the download's documents, each
        # flow in the download's integration.
        assert http.get(f"/v1/exports/{GET_ORDERS}").json()["name"] == "Get Orders"
        assert http.get(f"/v1/flows/{FLOW}").json()["_integrationId"] == INTEGRATION
        # The code is the layout's file, read at each request: an edit shows at once, and
        # a throw names the file and line the user edits.
        failed = http.post(f"/v1/apis/{ORDERS_API}/request", json={"fail": True})
        assert failed.status_code == 500
        assert f"{code_file}:3:11: Error: asked to fail" in failed.json()["errors"][0]["message"]
        code_file.write_text(API_CODE.replace("received:", "got:"), encoding="utf-8")
        edited = http.post(f"/v1/apis/{ORDERS_API}/request", json={"orderId": "SO-2"})
        assert edited.json() == {"got": "SO-2"}
    _, stderr = process.communicate()
    assert not [line for line in stderr.splitlines() if line.startswith("warning")]


def test_jsrt_serve_serves_a_download_zip_and_warns_of_the_apis_it_cannot(
    tmp_path: Path,
) -> None:
    members = download_members()
    # A second API whose script document is not in the download, and a builder-mode API.
    members[f"apis/Refunds-API-{ORDERS_API[:-1]}7.json"] = json.dumps(
        api_document(ORDERS_API[:-1] + "7", "Refunds API", GONE_SCRIPT)
    )
    builder = {"_id": ORDERS_API[:-1] + "8", "name": "Lookup API", "type": "builder"}
    members[f"apis/Lookup-API-{builder['_id']}.json"] = json.dumps(builder)
    zipped = write_zip(tmp_path / "download.zip", members)

    with jsrt_serve(zipped) as (url, process), client(url) as http:
        answer = http.post(f"/v1/apis/{ORDERS_API}/request", json={"orderId": "SO-3"})
        assert answer.json() == {"received": "SO-3"}
        assert http.get(f"/v1/exports/{GET_ORDERS}").status_code == 200
        unserved = http.post(f"/v1/apis/{ORDERS_API[:-1]}7/request", json={})
        assert unserved.status_code == 404
        assert f"known: {ORDERS_API}" in unserved.json()["errors"][0]["message"]
    _, stderr = process.communicate()
    refunds = f"apis/Refunds-API-{ORDERS_API[:-1]}7.json"
    assert [line for line in stderr.splitlines() if line.startswith("warning")] == [
        f"warning: {zipped}: script {GONE_SCRIPT!r} is not in the download (named by "
        f"{refunds} script._scriptId, {refunds} _scriptId)",
        f"warning: {zipped}:apis/Lookup-API-{builder['_id']}.json: My API 'Lookup API' is "
        "not served: type: 'builder' APIs are built in integrator.io's builder, not scripted",
        f"warning: {zipped}:{refunds}: My API 'Refunds API' is not served: its script "
        f"{GONE_SCRIPT!r} is not in the download",
    ]


def test_a_download_folder_whose_api_script_has_no_code_serves_the_rest(
    tmp_path: Path, api_token: str
) -> None:
    folder = tmp_path / "download"
    for name, text in download_members().items():
        if name != SCRIPT_FILE:  # the script's document without its `.js`
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")

    world, apis, warnings = load_served_world(folder)
    assert apis == ()
    assert warnings == [
        f"{folder}:scripts/Orders-API-handler-{API_SCRIPT}.json: script 'Orders API handler' "
        f"has no code: scripts/Orders-API-handler-{API_SCRIPT}.js is not in the download",
        f"{folder}:apis/Orders-API-{ORDERS_API}.json: My API 'Orders API' is not served: "
        f"{folder}: script 'Orders API handler' ({API_SCRIPT}) has no code: neither "
        "`content` nor `contentFile`",
    ]
    with serving(world) as server, client(server.url) as http:
        assert http.get(f"/v1/flows/{FLOW}").json()["name"] == "Orders"


def test_a_world_files_api_document_keeps_the_keys_the_account_adds(
    tmp_path: Path, api_token: str
) -> None:
    """A world file may hold API documents as read from the account (celigo/ai
    building-apis response.yml): the keys jsrt does not read are kept, not refused. A
    legacy API has `type` null or absent and only the top-level `_scriptId` / `function`
    (celigo/ai skills/building-apis/SKILL.md, "Legacy APIs")."""
    legacy = {
        "_id": LEGACY_API,
        "createdAt": "2019-03-01T10:00:00.000Z",
        "lastModified": "2019-03-01T10:00:00.000Z",
        "name": "Legacy orders",
        "type": None,
        "_scriptId": API_SCRIPT,
        "function": "handleRequest",
    }
    world_file = tmp_path / "world.json"
    world_file.write_text(
        json.dumps(
            {
                "scripts": [{"_id": API_SCRIPT, "name": "handler", "content": API_CODE}],
                "apis": [
                    api_document(ORDERS_API, "Orders API", API_SCRIPT, apim={"status": "draft"}),
                    legacy,
                ],
            }
        )
    )
    world, apis, warnings = load_served_world(world_file)
    assert [(api.api_id, api.name, api.function) for api in apis] == [
        (ORDERS_API, "Orders API", "handleRequest"),
        (LEGACY_API, "Legacy orders", "handleRequest"),
    ]
    assert warnings == []
    with serving(world, apis=apis) as server, client(server.url) as http:
        for api_id in (ORDERS_API, LEGACY_API):
            answer = http.post(f"/v1/apis/{api_id}/request", json={"orderId": "SO-4"})
            assert answer.json() == {"received": "SO-4"}


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"name": 5}, "apis[0].name: expected a string"),
        ({"type": "builder"}, "apis[0].type: 'builder' APIs are built in integrator.io's"),
        ({"path": "/v1/orders"}, "apis[0].path: '/v1/orders' must start with /"),
        (
            {"script": {"_scriptId": API_SCRIPT, "function": 7}},
            "apis[0].script.function: expected a string",
        ),
    ],
)
def test_a_world_files_api_document_is_still_refused_for_what_is_wrong(
    tmp_path: Path, entry: dict[str, Any], problem: str
) -> None:
    world_file = tmp_path / "world.json"
    document = api_document(ORDERS_API, "Orders API", API_SCRIPT) | entry
    world_file.write_text(
        json.dumps(
            {
                "scripts": [{"_id": API_SCRIPT, "name": "handler", "content": API_CODE}],
                "apis": [document],
            },
            indent=2,
        )
    )
    result = CliRunner().invoke(main, ["serve", "--world", str(world_file), "--port", "0"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {world_file}: {problem}")
