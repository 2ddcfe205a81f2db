"""Integration downloads: `jsrt import DOWNLOAD`, and a download given as the world.

The downloads are built here, shaped as integrator.io's "Download integration" zips are
(public examples: `SubarnaCeligo/Backlog-Bugs` `testData/inputData/Templates/*.zip`,
`iotbands1train/netsuite-celigo-integrator-everbright…` `Integration-Downloads-12-12-23/`):
`integration.json` and `<folder>/<name>-<_id>.json` at the top of the zip, lower-case
folders (`asynchelpers/`, `filedefinitions/`), each script's code in a `.js` beside its
`.json`, flows without `_integrationId`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from jsrt.cli import main
from jsrt.integration.download import read_download

pytest_plugins = ["pytester"]

INTEGRATION = "654e6568a34a1e27b19aa591"
SHOPIFY = "64fa2feeba13695e3ab09df1"
NETSUITE = "64fa2feeba13695e3ab09df6"
GET_ORDERS = "656f53520697aa3425291214"
FIND_CUSTOMER = "6575beaa38791f4f52925c69"
CREATE_ORDERS = "656f53520697aa3425291219"
ORDERS_FLOW = "656f53530697aa342529121c"
REFUNDS_FLOW = "6548ce671ed9744870b0c220"
PRESAVE = "65784c4d4778cd4f3a89b32f"
ORDER_HOOKS = "6576302bdf8b184f3121cc3f"
MERGE_CUSTOMER = "656f6ac20c0dfb407b256cd3"
ROUTE = "6548ce661ed9744870b0c215"
API_SCRIPT = "6548ce661ed9744870b0c2aa"
ORDERS_API = "6548ce661ed9744870b0c2ab"

SCRIPT_CODE = {
    PRESAVE: """/*
* preSavePageFunction stub: drops orders below the export's minTotal setting.
*/
function preSavePage (options) {
  const minTotal = options.settings.export.minTotal
  const total = r => r.lines.reduce((sum, l) => sum + l.qty * l.price, 0)
  return {
    data: options.data.filter(r => total(r) >= minTotal),
    errors: options.errors,
    abort: false,
    newErrorsAndRetryData: []
  }
}
""",
    ORDER_HOOKS: """function preMap (options) {
  return options.data.map(d => ({ data: Object.assign({}, d, { externalId: 'SHOP-' + d.id }) }))
}

function postMap (options) {
  return options.postMapData.map(record => ({ data: record }))
}

function postSubmit (options) {
  return options.responseData
}
""",
    MERGE_CUSTOMER: """function postResponseMap (options) {
  return options.postResponseMapData.map((record, i) =>
    Object.assign(record, { customerId: options.responseData[i].data[0].id }))
}
""",
    ROUTE: """function branching (options) {
  return options.record.status === 'refunded' ? [0] : []
}
""",
    API_SCRIPT: """function handleRequest (options) {
  return { statusCode: 200, headers: {}, body: { received: options.body.orderId } }
}
""",
}


def _script(_id: str, name: str) -> dict[str, Any]:
    return {
        "_id": _id,
        "lastModified": "2023-12-10T21:54:32.948Z",
        "createdAt": "2023-12-10T21:39:55.495Z",
        "name": name,
        "sandbox": False,
        "postResponseHookToProcessOnChildRecord": False,
    }


def _documents() -> dict[str, dict[str, Any]]:
    """Every member of a complete download: its name in the zip → its document."""
    hook = lambda script, function: {"_scriptId": script, "function": function}  # noqa: E731
    mapping: dict[str, Any] = {"fields": [], "lists": []}
    return {
        "integration.json": {
            "_id": INTEGRATION,
            "name": "Shopify - NetSuite",
            "install": [],
            "installSteps": [],
            "uninstallSteps": [],
            "changeEditionSteps": [],
            "flowGroupings": [],
        },
        f"connections/Shopify-{SHOPIFY}.json": {
            "_id": SHOPIFY,
            "type": "http",
            "name": "Shopify",
            "http": {"baseURI": "https://acme.myshopify.com", "auth": {"type": "token"}},
        },
        f"connections/NetSuite-{NETSUITE}.json": {
            "_id": NETSUITE,
            "type": "netsuite",
            "name": "NetSuite",
            "netsuite": {"wsdlVersion": "2020.2", "concurrencyLevel": 5},
        },
        f"exports/Get-Orders-{GET_ORDERS}.json": {
            "_id": GET_ORDERS,
            "name": "Get Orders",
            "_connectionId": SHOPIFY,
            "apiIdentifier": "e9dd0184e0",
            "asynchronous": True,
            "type": "delta",
            "http": {"method": "GET", "relativeURI": "/admin/api/2023-10/orders.json"},
            "hooks": {"preSavePage": hook(PRESAVE, "preSavePage")},
            "settings": {"minTotal": 100},
            "adaptorType": "HTTPExport",
        },
        f"exports/Find-Customer-{FIND_CUSTOMER}.json": {
            "_id": FIND_CUSTOMER,
            "name": "Find Customer",
            "_connectionId": NETSUITE,
            "isLookup": True,
            "netsuite": {"type": "restlet", "restlet": {"recordType": "customer"}},
            "adaptorType": "NetSuiteExport",
        },
        f"imports/Create-Sales-Orders-{CREATE_ORDERS}.json": {
            "_id": CREATE_ORDERS,
            "name": "Create Sales Orders",
            "_connectionId": NETSUITE,
            "distributed": True,
            "hooks": {
                "preMap": hook(ORDER_HOOKS, "preMap"),
                "postMap": hook(ORDER_HOOKS, "postMap"),
                "postSubmit": hook(ORDER_HOOKS, "postSubmit"),
            },
            "netsuite_da": {"operation": "add", "recordType": "salesorder", "mapping": mapping},
            "adaptorType": "NetSuiteDistributedImport",
        },
        f"flows/Shopify-Orders-to-NetSuite-{ORDERS_FLOW}.json": {
            "_id": ORDERS_FLOW,
            "name": "Shopify Orders to NetSuite",
            "schedule": "? */5 * ? * *",
            "timezone": "America/Los_Angeles",
            "pageGenerators": [{"_exportId": GET_ORDERS, "skipRetries": False}],
            "pageProcessors": [
                {
                    "hooks": {"postResponseMap": hook(MERGE_CUSTOMER, "postResponseMap")},
                    "responseMapping": {
                        "fields": [{"extract": "data.0.id", "generate": "customerId"}],
                        "lists": [],
                    },
                    "type": "export",
                    "_exportId": FIND_CUSTOMER,
                },
                {"responseMapping": mapping, "type": "import", "_importId": CREATE_ORDERS},
            ],
            "free": False,
        },
        f"flows/Route-Refunds-{REFUNDS_FLOW}.json": {
            "_id": REFUNDS_FLOW,
            "name": "Route Refunds",
            "pageGenerators": [{"_exportId": GET_ORDERS, "skipRetries": False}],
            "routers": [
                {
                    "name": "",
                    "routeRecordsUsing": "script",
                    "id": "1yKb53wbubg",
                    "routeRecordsTo": "first_matching_branch",
                    "branches": [
                        {
                            "name": "Branch 1.0",
                            "pageProcessors": [{"type": "import", "_importId": CREATE_ORDERS}],
                        }
                    ],
                    "script": hook(ROUTE, "branching"),
                }
            ],
        },
        f"apis/Orders-API-{ORDERS_API}.json": {
            "_id": ORDERS_API,
            "name": "Orders API",
            "type": "script",
            "script": hook(API_SCRIPT, "handleRequest"),
        },
        f"scripts/Filter-small-orders-{PRESAVE}.json": _script(PRESAVE, "Filter small orders"),
        f"scripts/Order-hooks-{ORDER_HOOKS}.json": _script(ORDER_HOOKS, "Order hooks"),
        f"scripts/Merge-customer-{MERGE_CUSTOMER}.json": _script(MERGE_CUSTOMER, "Merge customer"),
        f"scripts/Route-{ROUTE}.json": _script(ROUTE, "Route"),
        f"scripts/Orders-API-handler-{API_SCRIPT}.json": _script(API_SCRIPT, "Orders API handler"),
    }


def _members(documents: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The zip's members: the documents as JSON, each script's code beside its document."""
    members = {
        name: json.dumps(doc, indent=2, ensure_ascii=False) for name, doc in documents.items()
    }
    for name, document in documents.items():
        if name.startswith("scripts/") and document["_id"] in SCRIPT_CODE:
            members[name.replace(".json", ".js")] = SCRIPT_CODE[document["_id"]]
    return members


def _zip(path: Path, members: dict[str, str], *, top: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for folder in ("asynchelpers/", "connections/", "exports/", "filedefinitions/"):
            archive.writestr(top + folder, "")  # integrator.io's zips list their folders
        for name, text in members.items():
            archive.writestr(top + name, text)
    return path


def jsrt(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_imported_download_keeps_every_document_and_its_cases_pass() -> None:
    documents = _documents()
    _zip(Path("download.zip"), _members(documents))

    imported = jsrt("import", "download.zip", "--out", "shop")
    assert imported.exit_code == 0, imported.output
    assert imported.stderr == ""  # a complete download: nothing is missing
    assert imported.stdout.splitlines() == [
        f"wrote {Path('shop/world.json')}  (14 documents)",
        f"wrote 5 scripts in {Path('shop/scripts')}",
        f"wrote 11 case files in {Path('shop/cases')}",
        f"next: jsrt test {Path('shop/cases')}",
    ]

    # Every document as integrator.io wrote it; a script's code in its file.
    world = json.loads(Path("shop/world.json").read_text(encoding="utf-8"))
    for name, document in documents.items():
        collection = "integrations" if name == "integration.json" else name.split("/")[0]
        (kept,) = [d for d in world[collection] if d["_id"] == document["_id"]]
        if collection == "scripts":
            code_file = name.replace(".json", ".js")
            assert kept == {**document, "contentFile": code_file}
            assert (
                Path("shop", code_file).read_text(encoding="utf-8")
                == (SCRIPT_CODE[document["_id"]])
            )
        elif collection == "flows":
            # What the account's copy has and a download leaves out: the flow's integration.
            keys = list(document)
            at = keys.index("name") + 1
            assert list(kept) == [*keys[:at], "_integrationId", *keys[at:]]
            assert kept == {**document, "_integrationId": INTEGRATION}
        else:
            assert kept == document
            assert json.dumps(kept) == json.dumps(document)  # the keys in their order

    # One case per hook of each flow step (the export's hook in both flows), and the My API.
    cases = sorted(p.relative_to("shop/cases").as_posix() for p in Path("shop").rglob("*.yaml"))
    orders, refunds = f"Shopify-Orders-to-NetSuite-{ORDERS_FLOW}", f"Route-Refunds-{REFUNDS_FLOW}"
    create = f"Create-Sales-Orders-{CREATE_ORDERS}"
    assert cases == sorted(
        [
            f"apis/Orders-API-{ORDERS_API}.handleRequest.case.yaml",
            *(
                f"{flow}/Get-Orders-{GET_ORDERS}.preSavePage.case.yaml"
                for flow in (orders, refunds)
            ),
            f"{orders}/Find-Customer-{FIND_CUSTOMER}.postResponseMap.case.yaml",
            *(
                f"{flow}/{create}.{hook}.case.yaml"
                for flow in (orders, refunds)
                for hook in ("preMap", "postMap", "postSubmit")
            ),
            f"{refunds}/router-1yKb53wbubg.branching.case.yaml",
        ]
    )
    presave = yaml.safe_load(
        Path(f"shop/cases/{orders}/Get-Orders-{GET_ORDERS}.preSavePage.case.yaml").read_text()
    )
    assert presave["script"] == f"../../scripts/Filter-small-orders-{PRESAVE}.js"
    assert presave["function"] == presave["hook"] == "preSavePage"
    assert presave["world"] == "../../world.json"
    (case,) = presave["cases"]
    assert case["options"] == {
        "_exportId": GET_ORDERS,
        "_connectionId": SHOPIFY,
        "_flowId": ORDERS_FLOW,
    }
    # The export's own settings (minTotal 100) reached the hook: the order of 19 is dropped.
    assert [r["id"] for r in case["expect"]["result"]["data"]] == ["SO-1002"]
    merge = yaml.safe_load(
        Path(
            f"shop/cases/{orders}/Find-Customer-{FIND_CUSTOMER}.postResponseMap.case.yaml"
        ).read_text()
    )
    # The sample's responseData has no `data`: the hook throws, and the case expects it.
    assert merge["cases"][0]["expect"] == {
        "error": {
            "type": "ScriptError",
            "name": "TypeError",
            "message": "Cannot read properties of undefined (reading '0')",
        }
    }

    tested = jsrt("test", "shop/cases")
    assert tested.exit_code == 0, tested.output
    assert tested.stdout.splitlines()[-1] == "11 passed, 0 failed"

    # The cases are real checks: a changed preMap fails both of its cases.
    code = Path(f"shop/scripts/Order-hooks-{ORDER_HOOKS}.js")
    code.write_text(code.read_text().replace("'SHOP-'", "'SHOPIFY-'"), encoding="utf-8")
    tested = jsrt("test", "shop/cases")
    assert tested.exit_code == 1
    assert tested.stdout.splitlines()[-1] == "9 passed, 2 failed"


def test_a_partial_download_loads_with_one_warning_per_missing_piece() -> None:
    documents = _documents()
    del documents[f"exports/Find-Customer-{FIND_CUSTOMER}.json"]  # named by a flow step
    del documents[f"connections/NetSuite-{NETSUITE}.json"]  # named by an export and an import
    members = _members(documents)
    del members[f"scripts/Route-{ROUTE}.js"]  # a script document without its code
    del members[f"scripts/Merge-customer-{MERGE_CUSTOMER}.json"]  # code without its document
    members["ediprofiles/X12-810-6459f5e26c260356df1c7ce9.json"] = "{}"  # a folder jsrt lacks
    _zip(Path("partial.zip"), members)

    imported = jsrt("import", "partial.zip")
    assert imported.exit_code == 0, imported.output
    assert imported.stderr.splitlines() == [
        "warning: partial.zip:ediprofiles/X12-810-6459f5e26c260356df1c7ce9.json: not a "
        "document of an integration download; ignored",
        f"warning: partial.zip:scripts/Route-{ROUTE}.json: script 'Route' has no code: "
        f"scripts/Route-{ROUTE}.js is not in the download",
        f"warning: partial.zip:scripts/Merge-customer-{MERGE_CUSTOMER}.js: no "
        f"scripts/Merge-customer-{MERGE_CUSTOMER}.json beside it (the script's document); "
        "ignored",
        f"warning: partial.zip: export {FIND_CUSTOMER!r} is not in the download (named by "
        f"flows/Shopify-Orders-to-NetSuite-{ORDERS_FLOW}.json pageProcessors[0]._exportId)",
        f"warning: partial.zip: connection {NETSUITE!r} is not in the download (named by "
        f"imports/Create-Sales-Orders-{CREATE_ORDERS}.json _connectionId)",
        f"warning: partial.zip: script {MERGE_CUSTOMER!r} is not in the download (named by "
        f"flows/Shopify-Orders-to-NetSuite-{ORDERS_FLOW}.json "
        "pageProcessors[0].hooks.postResponseMap._scriptId)",
        "warning: no case for flow 'Route Refunds' step 1 (router 1yKb53wbubg) script: "
        f"{Path('partial/world.json')}: script 'Route' ({ROUTE}) has no code: neither "
        "`content` nor `contentFile`",
        "warning: no case for flow 'Shopify Orders to NetSuite' step 1 (export "
        f"{FIND_CUSTOMER}) hooks.postResponseMap: script {MERGE_CUSTOMER} not in "
        f"{Path('partial/world.json')}",
    ]
    assert "wrote 9 case files" in imported.stdout
    tested = jsrt("test", "partial/cases")
    assert tested.exit_code == 0, tested.output


def test_bad_json_in_the_zip_names_the_member_line_and_column() -> None:
    members = _members(_documents())
    members[f"flows/Route-Refunds-{REFUNDS_FLOW}.json"] = '{\n  "_id": "x",\n  "name": ,\n}'
    _zip(Path("download.zip"), members)

    imported = jsrt("import", "download.zip")
    assert imported.exit_code == 2
    assert imported.stderr.startswith(
        f"error: download.zip:flows/Route-Refunds-{REFUNDS_FLOW}.json:3:11: invalid JSON in "
        "integration download: Expecting value"
    )
    assert not Path("download").exists()  # nothing was written


def test_import_refuses_a_folder_that_is_not_empty_unless_forced() -> None:
    _zip(Path("download.zip"), _members(_documents()))
    Path("shop").mkdir()
    Path("shop/notes.txt").write_text("mine")

    refused = jsrt("import", "download.zip", "--out", "shop")
    assert refused.exit_code == 2
    assert "shop already exists and is not empty; nothing was written" in refused.stderr
    assert sorted(p.name for p in Path("shop").iterdir()) == ["notes.txt"]

    forced = jsrt("import", "download.zip", "--out", "shop", "--force")
    assert forced.exit_code == 0, forced.output
    assert Path("shop/notes.txt").read_text() == "mine"  # left alone
    assert Path("shop/world.json").is_file()


def test_a_zip_with_one_top_folder_and_its_unzipped_folder_read_alike(tmp_path: Path) -> None:
    members = _members(_documents())
    flat = read_download(_zip(tmp_path / "flat.zip", members))
    nested = read_download(_zip(tmp_path / "nested.zip", members, top="Shopify-NetSuite/"))
    with zipfile.ZipFile(tmp_path / "flat.zip") as archive:
        archive.extractall(tmp_path / "unzipped")
    unzipped = read_download(tmp_path / "unzipped")
    assert flat.world == nested.world == unzipped.world
    assert flat.warnings == nested.warnings == unzipped.warnings == []
    assert flat.world["scripts"][0]["content"] in SCRIPT_CODE.values()
    assert sum("content" in script for script in flat.world["scripts"]) == 5


def test_a_download_is_a_world_wherever_a_world_file_is(tmp_path: Path) -> None:
    members = _members(_documents())
    del members[f"scripts/Route-{ROUTE}.js"]
    _zip(Path("download.zip"), members)
    Path("presave.js").write_text(SCRIPT_CODE[PRESAVE], encoding="utf-8")
    options = {
        "_exportId": GET_ORDERS,
        "_flowId": ORDERS_FLOW,
        "data": [
            {"id": "A", "lines": [{"qty": 1, "price": 99}]},
            {"id": "B", "lines": [{"qty": 2, "price": 50}]},
        ],
    }
    Path("options.json").write_text(json.dumps(options))

    # `jsrt run --world download.zip`: the export's settings come from the download.
    ran = jsrt("run", "presave.js", "--world", "download.zip", "--options", "options.json")
    assert ran.exit_code == 0, ran.output
    assert [r["id"] for r in json.loads(ran.stdout)["data"]] == ["B"]
    assert ran.stderr == (
        f"warning: download.zip:scripts/Route-{ROUTE}.json: script 'Route' has no code: "
        f"scripts/Route-{ROUTE}.js is not in the download\n"
    )

    # A case file whose `world:` is the unzipped folder.
    with zipfile.ZipFile("download.zip") as archive:
        archive.extractall("unzipped")
    Path("presave.case.yaml").write_text(
        yaml.safe_dump(
            {
                "script": "presave.js",
                "function": "preSavePage",
                "world": "unzipped",
                "options": {"_exportId": GET_ORDERS, "_flowId": ORDERS_FLOW},
                "data": options["data"],
                "expect": {"result_subset": {"data": [{"id": "B"}]}},
            }
        )
    )
    tested = jsrt("test", "presave.case.yaml")
    assert tested.exit_code == 0, tested.output


def test_not_a_download_is_refused_in_words(tmp_path: Path) -> None:
    _zip(tmp_path / "photos.zip", {"holiday/beach.txt": "sand"})
    refused = jsrt("import", str(tmp_path / "photos.zip"))
    assert refused.exit_code == 2
    assert "not an integration download: it holds no integration.json" in refused.stderr

    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    refused = jsrt("import", str(tmp_path / "broken.zip"))
    assert refused.exit_code == 2
    assert "broken.zip: cannot read it as a zip" in refused.stderr


def test_an_unzipped_download_imports_beside_itself_and_its_layout_is_a_world() -> None:
    _zip(Path("download.zip"), _members(_documents()))
    with zipfile.ZipFile("download.zip") as archive:
        archive.extractall("Shopify-NetSuite")

    imported = jsrt("import", "Shopify-NetSuite")
    assert imported.exit_code == 0, imported.output
    assert Path("Shopify-NetSuite-jsrt/world.json").is_file()

    # The layout's folder is a world: `--world` finds its world.json.
    Path("presave.js").write_text(SCRIPT_CODE[PRESAVE], encoding="utf-8")
    data = [{"id": "A", "lines": [{"qty": 1, "price": 99}]}, {"id": "B", "lines": []}]
    options = {"_exportId": GET_ORDERS, "_flowId": ORDERS_FLOW, "data": data}
    Path("options.json").write_text(json.dumps(options))
    ran = jsrt("run", "presave.js", "--world", "Shopify-NetSuite-jsrt", "--options", "options.json")
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout)["data"] == []  # minTotal 100, from the layout's export


def test_the_pytest_world_marker_takes_a_download(pytester: pytest.Pytester) -> None:
    _zip(pytester.path / "download.zip", _members(_documents()))
    (pytester.path / "presave.js").write_text(SCRIPT_CODE[PRESAVE], encoding="utf-8")
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.jsrt_world("download.zip")
        def test_the_exports_settings_come_from_the_download(jsrt_run, jsrt_world):
            assert jsrt_world.get("flows", "{ORDERS_FLOW}")["name"] == "Shopify Orders to NetSuite"
            data = [{{"id": "A", "lines": [{{"qty": 1, "price": 99}}]}}]
            options = {{"_exportId": "{GET_ORDERS}", "_flowId": "{ORDERS_FLOW}", "data": data}}
            result = jsrt_run("presave.js", "preSavePage", options)
            assert result.ok, result.error
            assert result.value["data"] == []
        """
    )
    result = pytester.runpytest("-p", "no:benchmark")
    result.assert_outcomes(passed=1)


def test_jsrt_hooks_and_run_step_take_a_download_and_its_imported_layout() -> None:
    _zip(Path("download.zip"), _members(_documents()))
    assert jsrt("import", "download.zip", "--out", "shop").exit_code == 0
    Path("page.json").write_text(json.dumps({"data": [{"id": "7"}]}))

    for world in ("download.zip", "shop"):
        listed = jsrt("hooks", world)
        assert listed.exit_code == 0, listed.output
        assert listed.stdout.splitlines()[-1].startswith("11 hooks in 2 flows and 1 My APIs of")
        # The layout's script code is its contentFile, relative to the layout's world.json.
        ran = jsrt(
            "run", "--world", world, "--flow", "Shopify Orders to NetSuite",
            "--step", "Create Sales Orders", "--hook", "preMap", "--options", "page.json",
        )  # fmt: skip
        assert ran.exit_code == 0, ran.output
        assert json.loads(ran.stdout) == [{"data": {"id": "7", "externalId": "SHOP-7"}}]


def test_a_downloads_flows_are_in_its_integration_so_their_hooks_may_run_exports() -> None:
    # A standalone flow's hooks may not run an export (jsrt.api.policy); a download's flows
    # carry no _integrationId, but they are in the download's integration.
    documents = _documents()
    members = _members(documents)
    members[f"scripts/Order-hooks-{ORDER_HOOKS}.js"] = f"""
import {{ exports }} from 'integrator-api'
function preMap (options) {{
  const found = exports.run({{ _id: '{FIND_CUSTOMER}' }})
  return options.data.map(d => ({{ data: Object.assign({{ found: found.data.length }}, d) }}))
}}
"""
    _zip(Path("download.zip"), members)
    Path("page.json").write_text(json.dumps({"data": [{"id": "7"}]}))
    ran = jsrt(
        "run", "--world", "download.zip", "--flow", "Shopify Orders to NetSuite",
        "--step", "Create Sales Orders", "--hook", "preMap", "--options", "page.json",
    )  # fmt: skip
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout) == [{"data": {"found": 0, "id": "7"}}]
