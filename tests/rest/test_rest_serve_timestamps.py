"""Seeded documents answer `createdAt` and `lastModified` as every integrator.io document
does (developer.celigo.com API conventions, "Standard fields"), the same on every load, so
`jsrt pull` from `jsrt serve` and `jsrt push` after a restart still agree."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from rest_servers import Served, serving

from jsrt.backends.local import World
from jsrt.backends.local.models import SEEDED_AT
from jsrt.cli import main

STAMPED = "2025-03-01T10:00:00.000Z"
SEED = {
    "integrations": [{"_id": "int1", "name": "Shop"}],
    "flows": [
        {
            "_id": "flow1",
            "name": "Orders",
            "_integrationId": "int1",
            "pageGenerators": [{"_exportId": "exp1"}],
        }
    ],
    "exports": [
        {
            "_id": "exp1",
            "name": "Get orders",
            "hooks": {"preSavePage": {"_scriptId": "s1", "function": "preSavePage"}},
        }
    ],
    "scripts": [
        {
            "_id": "s1",
            "name": "Filter",
            "content": "function preSavePage (options) { return options }\n",
            "createdAt": STAMPED,
        }
    ],
}


@pytest.fixture(scope="module")
def served(api_token: str) -> Iterator[Served]:
    """The conftest's `client` over the seed."""
    with serving(World(SEED)) as server:
        yield server


def test_a_seeded_document_answers_created_at_and_last_modified(client: httpx.Client) -> None:
    one = client.get("/v1/exports/exp1")
    assert one.status_code == 200
    assert one.json()["createdAt"] == one.json()["lastModified"] == SEEDED_AT
    listed = client.get("/v1/flows").json()
    assert (listed[0]["createdAt"], listed[0]["lastModified"]) == (SEEDED_AT, SEEDED_AT)
    script = client.get("/v1/scripts/s1").json()
    assert (script["createdAt"], script["lastModified"]) == (STAMPED, STAMPED)


def test_the_stamps_are_the_same_on_every_load_and_the_seed_keeps_none() -> None:
    first, again = World(SEED), World(SEED)
    assert first.get("exports", "exp1") == again.get("exports", "exp1")
    assert "createdAt" not in first.snapshot()["seed"]["exports"][0]
    first.reset()
    assert first.get("exports", "exp1")["lastModified"] == SEEDED_AT
    written = first.update("exports", {"_id": "exp1", "name": "Renamed"})
    assert written["createdAt"] == SEEDED_AT and written["lastModified"] != SEEDED_AT


def test_a_pull_from_serve_pushes_after_the_server_restarts(api_token: str, tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    with serving(World(SEED)) as served:
        pulled = CliRunner().invoke(
            main, ["pull", "int1", "--out", str(folder), "--base-url", served.url]
        )
        assert pulled.exit_code == 0, pulled.output
    pulled_world = json.loads((folder / "world.json").read_text("utf-8"))
    assert pulled_world["exports"][0]["lastModified"] == SEEDED_AT  # kept as pulled
    [code] = (folder / "scripts").glob("*.js")
    code.write_text("function preSavePage (options) { return { data: [] } }\n", "utf-8")
    with serving(World(SEED)) as restarted:
        record = folder / ".jsrt-pull.json"  # the same server again, on another port
        pulled_from = json.loads(record.read_text("utf-8"))
        record.write_text(json.dumps({**pulled_from, "baseUrl": restarted.url}), "utf-8")
        pushed = CliRunner().invoke(main, ["push", str(folder), "--allow-writes"])
        assert pushed.exit_code == 0, pushed.output
        assert "sent script 'Filter' (s1)" in pushed.output
        assert restarted.account.world.get("scripts", "s1")["content"].endswith(
            "return { data: [] } }\n"
        )
