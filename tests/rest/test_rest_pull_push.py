"""`jsrt pull` and `jsrt push` end to end against `jsrt serve` on loopback.

The account is a world built here in the shape of integrator.io's documents: an
integration, its flow (an export with a preSavePage hook, an import with a preMap hook
and a lookup cache, a step with a postResponseMap hook), a connection with secrets
(masked when read, as integrator.io answers), scripts holding their code as `content`,
and another integration's flow, export and script that a pull must leave out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from rest_servers import TOKEN, Served, closed_port_url, serving

from jsrt.api.errors import Forbidden
from jsrt.backends.local import World
from jsrt.backends.rest.client import RestBackend
from jsrt.backends.rest.settings import RestSettings
from jsrt.cli import main
from jsrt.integration.account import pull

PULLED_AT = "2025-03-01T10:00:00.000Z"
SECRET = "hunter2-do-not-write"

FILTER_ORDERS = """function preSavePage (options) {
  return { data: options.data.filter(r => r), errors: options.errors, abort: false }
}
"""
MAP_ORDER = """function preMap (options) {
  return options.data.map(d => ({ data: d }))
}
"""
MERGE_IDS = "function postResponseMap (options) {\r\n  return options.postResponseMapData\r\n}\r\n"
"""Saved from an editor that ends lines with CR LF: read back with LF, still unchanged."""


def _account() -> dict[str, Any]:
    def doc(**fields: Any) -> dict[str, Any]:
        return {**fields, "createdAt": PULLED_AT, "lastModified": PULLED_AT}

    return {
        "integrations": [
            doc(_id="int1", name="Shop sync", _registeredConnectionIds=["conn1"]),
            doc(_id="int9", name="Another integration"),
        ],
        "flows": [
            doc(
                _id="flow1",
                name="Orders to ERP",
                _integrationId="int1",
                pageGenerators=[{"_exportId": "exp1"}],
                pageProcessors=[
                    {
                        "type": "import",
                        "_importId": "imp1",
                        "hooks": {
                            "postResponseMap": {"_scriptId": "s3", "function": "postResponseMap"}
                        },
                    }
                ],
            ),
            doc(
                _id="flow9",
                name="Other",
                _integrationId="int9",
                pageGenerators=[{"_exportId": "exp9"}],
            ),
        ],
        "exports": [
            doc(
                _id="exp1",
                name="Get orders",
                _connectionId="conn1",
                adaptorType="HTTPExport",
                hooks={"preSavePage": {"_scriptId": "s1", "function": "preSavePage"}},
            ),
            doc(
                _id="exp9",
                name="Other export",
                hooks={"preSavePage": {"_scriptId": "s9", "function": "x"}},
            ),
        ],
        "imports": [
            doc(
                _id="imp1",
                name="Post orders",
                _connectionId="conn1",
                adaptorType="HTTPImport",
                hooks={"preMap": {"_scriptId": "s2", "function": "preMap"}},
                lookups=[{"name": "sku", "_lookupCacheId": "cache1"}],
            )
        ],
        "connections": [
            doc(
                _id="conn1",
                name="Shop API",
                type="http",
                http={
                    "baseURI": "https://shop.example",
                    "auth": {"type": "basic", "basic": {"username": "api", "password": SECRET}},
                },
            )
        ],
        "lookupcaches": [
            {**doc(_id="cache1", name="SKU map"), "data": [{"key": "A1", "value": "100"}]}
        ],
        "scripts": [
            doc(_id="s1", name="Filter orders", content=FILTER_ORDERS),
            doc(_id="s2", name="Map order", content=MAP_ORDER),
            doc(_id="s3", name="Merge ids", content=MERGE_IDS),
            doc(_id="s9", name="Other script", content="function x (o) { return o }\n"),
        ],
    }


@pytest.fixture
def account(api_token: str) -> Iterator[Served]:
    with serving(World(_account())) as served:
        yield served


def jsrt(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _pull(served: Served, folder: Path, *more: str) -> Result:
    result = jsrt("pull", "int1", "--out", str(folder), "--base-url", served.url, *more)
    assert result.exit_code == 0, result.output
    return result


def _world(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "world.json").read_text(encoding="utf-8"))


def test_pull_writes_the_integration_as_a_layout_with_masks_kept_and_cases_that_pass(
    account: Served, tmp_path: Path
) -> None:
    folder = tmp_path / "shop"
    version = account.account.world.version
    result = _pull(account, folder)
    assert account.account.world.version == version  # read-only calls

    world = _world(folder)
    ids = {c: [d["_id"] for d in docs] for c, docs in world.items()}
    assert ids == {
        "integrations": ["int1"],
        "flows": ["flow1"],
        "exports": ["exp1"],
        "imports": ["imp1"],
        "connections": ["conn1"],
        "lookupcaches": ["cache1"],
        "scripts": ["s3", "s1", "s2"],
    }
    # integrator.io masks a connection's secrets (celigo: connections are read masked);
    # the pull keeps the mask and never writes the secret anywhere
    assert world["connections"][0]["http"]["auth"]["basic"]["password"] == "******"
    every_file = [p for p in folder.rglob("*") if p.is_file()]
    assert not [p for p in every_file if SECRET in p.read_text(encoding="utf-8")]
    assert not [p for p in every_file if TOKEN in p.read_text(encoding="utf-8")]
    assert "data" not in world["lookupcaches"][0]  # entries only with --with-data
    scripts = {d["_id"]: d for d in world["scripts"]}
    assert scripts["s1"]["contentFile"] == "scripts/Filter-orders-s1.js"
    assert (folder / "scripts/Filter-orders-s1.js").read_text(encoding="utf-8") == FILTER_ORDERS
    assert "wrote" in result.output and "3 case files" in result.output

    cases = jsrt("test", str(folder / "cases"))
    assert cases.exit_code == 0, cases.output
    assert "3 passed" in cases.output


def test_pull_with_data_reads_the_lookup_cache_entries(account: Served, tmp_path: Path) -> None:
    _pull(account, tmp_path / "shop", "--with-data")
    cache = _world(tmp_path / "shop")["lookupcaches"][0]
    assert cache["data"] == [{"key": "A1", "value": "100"}]


def test_pull_of_an_unknown_integration_fails_in_words(account: Served, tmp_path: Path) -> None:
    result = jsrt("pull", "nope", "--out", str(tmp_path / "x"), "--base-url", account.url)
    assert result.exit_code == 2
    assert "no integration with _id 'nope'" in result.output
    assert not (tmp_path / "x").exists()


def test_push_shows_the_diff_refuses_without_allow_writes_then_sends_only_the_edited_script(
    account: Served, tmp_path: Path
) -> None:
    folder = tmp_path / "shop"
    _pull(account, folder)
    edited = MAP_ORDER.replace("({ data: d })", "({ data: Object.assign({ source: 'shop' }, d) })")
    (folder / "scripts/Map-order-s2.js").write_text(edited, encoding="utf-8")

    refused = jsrt("push", str(folder))
    assert refused.exit_code == 2
    assert "--- account/scripts/Map-order-s2.js" in refused.output
    assert "+++ local/scripts/Map-order-s2.js" in refused.output
    assert "-  return options.data.map(d => ({ data: d }))" in refused.output
    assert "+  return options.data.map(d => ({ data: Object.assign({ source: 'shop' }, d) }))" in (
        refused.output
    )
    assert "only with --allow-writes; nothing was sent" in refused.output
    assert "Merge-ids" not in refused.output and "Filter-orders" not in refused.output
    assert account.account.world.get("scripts", "s2")["content"] == MAP_ORDER

    sent = jsrt("push", str(folder), "--allow-writes")
    assert sent.exit_code == 0, sent.output
    assert "sent script 'Map order' (s2), scripts/Map-order-s2.js" in sent.output
    world = account.account.world
    assert world.get("scripts", "s2")["content"] == edited
    assert world.get("scripts", "s2")["lastModified"] != PULLED_AT
    for untouched in ("s1", "s3"):  # only the edited script was sent
        assert world.get("scripts", untouched)["lastModified"] == PULLED_AT
    assert world.get("exports", "exp1")["lastModified"] == PULLED_AT

    again = jsrt("push", str(folder), "--allow-writes")
    assert again.exit_code == 0 and "nothing to push" in again.output


def test_push_refuses_when_the_account_changed_since_the_pull_naming_the_document(
    account: Served, tmp_path: Path
) -> None:
    folder = tmp_path / "shop"
    _pull(account, folder)
    (folder / "scripts/Filter-orders-s1.js").write_text("// mine\n" + FILTER_ORDERS, "utf-8")
    theirs = {**account.account.world.get("scripts", "s1"), "content": "// theirs\n"}
    account.account.world.update("scripts", theirs)

    result = jsrt("push", str(folder), "--allow-writes")
    assert result.exit_code == 2
    assert "changed since" in result.output and "nothing was sent" in result.output
    assert "script 'Filter orders' (s1), scripts/Filter-orders-s1.js: lastModified" in (
        result.output
    )
    assert account.account.world.get("scripts", "s1")["content"] == "// theirs\n"


def test_push_sends_an_edited_export_only_with_resources_and_never_a_connection(
    account: Served, tmp_path: Path
) -> None:
    folder = tmp_path / "shop"
    _pull(account, folder)
    world = _world(folder)
    world["exports"][0]["pageSize"] = 50
    world["connections"][0]["name"] = "Shop API (renamed)"
    (folder / "world.json").write_text(json.dumps(world, indent=2), encoding="utf-8")

    without = jsrt("push", str(folder), "--allow-writes")
    assert without.exit_code == 0
    assert "not sent: export 'Get orders' (exp1): edited; sent only with --resources" in (
        without.output
    )
    assert "nothing to push" in without.output
    assert "pageSize" not in account.account.world.get("exports", "exp1")

    sent = jsrt("push", str(folder), "--resources", "--allow-writes")
    assert sent.exit_code == 0, sent.output
    assert '+  "pageSize": 50' in sent.output
    assert "not sent: connection 'Shop API (renamed)' (conn1): connections are never" in sent.output
    assert account.account.world.get("exports", "exp1")["pageSize"] == 50
    connection = account.account.world.get("connections", "conn1")
    assert connection["name"] == "Shop API"
    assert connection["http"]["auth"]["basic"]["password"] == SECRET


def test_push_of_a_folder_that_was_not_pulled_says_to_pull(tmp_path: Path) -> None:
    (tmp_path / "world.json").write_text("{}", encoding="utf-8")
    result = jsrt("push", str(tmp_path))
    assert result.exit_code == 2
    assert "no .jsrt-pull.json" in result.output and "jsrt pull INTEGRATION_ID" in result.output


def test_pull_tells_its_progress_once_per_document_read(account: Served, tmp_path: Path) -> None:
    told: list[tuple[str, int, int]] = []
    settings = RestSettings.resolve(base_url=account.url)
    pull(settings, "int1", tmp_path / "shop", progress=lambda *seen: told.append(seen))
    assert told[0] == ("integration 'Shop sync' (int1)", 1, 1)
    assert sorted(what for what, _, _ in told[1:]) == [
        "connection 'Shop API' (conn1)",
        "export 'Get orders' (exp1)",
        "import 'Post orders' (imp1)",
        "lookup cache 'SKU map' (cache1)",
        "script 'Filter orders' (s1)",
        "script 'Map order' (s2)",
        "script 'Merge ids' (s3)",
    ]
    assert [done for _, done, _ in told] == list(range(1, 9))
    assert told[-1][1:] == (8, 8)


def test_pull_refuses_a_folder_that_is_not_empty_unless_forced(
    account: Served, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    refused = jsrt("pull", "int1", "--out", str(tmp_path), "--base-url", account.url)
    assert refused.exit_code == 2 and "not empty; nothing was pulled" in refused.output
    assert not (tmp_path / "world.json").exists()
    _pull(account, tmp_path, "--force")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_serve_answers_scripts_as_integrator_io_does(account: Served) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=account.url, headers=headers) as http:
        found = http.get("/v1/scripts/s1")
        missing = http.get("/v1/scripts/nope")
        other_id = http.put("/v1/scripts/s1", json={"_id": "s2", "content": ""})
        not_a_document = http.put("/v1/scripts/s1", json=[1])
        replaced = http.put("/v1/scripts/s1", json={"name": "Filter orders", "content": "//"})
    assert found.status_code == 200 and found.json()["content"] == FILTER_ORDERS
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "not_found"
    assert other_id.status_code == 400 and not_a_document.status_code == 400
    assert replaced.status_code == 200
    assert replaced.json()["content"] == "//" and replaced.json()["lastModified"] != PULLED_AT
    assert "createdAt" in replaced.json()  # PUT replaces the document; createdAt is kept


def test_a_script_write_needs_allow_writes_like_every_other(account: Served) -> None:
    with RestBackend(RestSettings.resolve(base_url=account.url)) as backend:
        assert backend.rest("GET", "/v1/scripts/nope") is None
        with pytest.raises(Forbidden, match="PUT /v1/scripts/s1 would change"):
            backend.rest("PUT", "/v1/scripts/s1", {"content": "//"})
    assert account.account.world.get("scripts", "s1")["content"] == FILTER_ORDERS


def test_pull_with_a_wrong_token_or_no_server_fails_in_words_without_the_token(
    account: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unreached = jsrt("pull", "int1", "--out", str(tmp_path / "a"), "--base-url", closed_port_url())
    assert unreached.exit_code == 2 and "could not reach integrator.io" in unreached.output
    monkeypatch.setenv("INTEGRATOR_IO_TOKEN", "not-the-token-0000")
    refused = jsrt("pull", "int1", "--out", str(tmp_path / "b"), "--base-url", account.url)
    assert refused.exit_code == 2
    assert "answered 401" in refused.output and "export INTEGRATOR_IO_TOKEN" in refused.output
    assert "not-the-token-0000" not in refused.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
