"""`jsrt serve`'s State API over real HTTP: the account's global keys, a resource's keys
deleted at once, the status of a put, and keys holding `/` (celigo-reference §3.4, from
integrator-api-docs state.md and developer.celigo.com's State reference)."""

from __future__ import annotations

from pathlib import Path

import httpx
from rest_servers import SMALL_WORLD, TOKEN, serving

from jsrt.backends.local import StateDir, World


def test_global_keys_are_listed_put_read_and_deleted_as_state_md_documents(
    client: httpx.Client,
) -> None:
    empty = client.get("/v1/state")
    assert (empty.status_code, empty.content) == (204, b"")  # developer.celigo.com: none -> 204
    created = client.put("/v1/state/banana", json={"message": "Don't slip!"})
    assert (created.status_code, created.text) == (200, "Created")
    assert created.headers["content-type"].startswith("text/plain")
    updated = client.put("/v1/state/banana", json={"message": "Don't slip!", "reply": "no"})
    assert (updated.status_code, updated.text) == (200, "OK")
    client.put("/v1/state/apple", json=[1, 2])
    keys = client.get("/v1/state")
    assert (keys.status_code, keys.json()) == (200, {"keys": ["banana", "apple"]})
    assert keys.headers["content-type"] == "application/json"
    value = client.get("/v1/state/banana")
    assert (value.status_code, value.json()) == (200, {"message": "Don't slip!", "reply": "no"})
    gone = client.delete("/v1/state/banana")
    assert (gone.status_code, gone.content) == (204, b"")
    missing = client.get("/v1/state/banana")
    assert missing.status_code == 404
    assert "global state key 'banana' not found" in missing.json()["errors"][0]["message"]
    assert client.delete("/v1/state/banana").status_code == 404
    cleared = client.delete("/v1/state")
    assert (cleared.status_code, cleared.content) == (204, b"")
    assert client.get("/v1/state").status_code == 204


def test_global_and_resource_keys_are_separate_namespaces(client: httpx.Client) -> None:
    client.put("/v1/state/lastRun", json="global")
    assert client.get("/v1/state").json() == {"keys": ["lastRun"]}
    assert client.get("/v1/flows/orderSync/state/lastRun").json() == "2025-01-14"
    assert client.get("/v1/state/lastRun").json() == "global"


def test_a_put_of_a_new_resource_key_answers_200_created_as_the_table_says(
    client: httpx.Client,
) -> None:
    first = client.put("/v1/imports/putOrders/state/sequenceNumber", json={"counter": 1})
    again = client.put("/v1/imports/putOrders/state/sequenceNumber", json={"counter": 2})
    assert (first.status_code, first.text) == (200, "Created")
    assert (again.status_code, again.text) == (200, "OK")


def test_deleting_a_resources_state_answers_200_and_empties_it(client: httpx.Client) -> None:
    client.put("/v1/flows/orderSync/state/cursor", json=3)
    client.put("/v1/state/kept", json=1)
    cleared = client.delete("/v1/flows/orderSync/state")
    assert (cleared.status_code, cleared.text) == (200, "OK")
    assert client.get("/v1/flows/orderSync/state").json() == {"keys": []}
    assert client.get("/v1/state").json() == {"keys": ["kept"]}
    bad_type = client.delete("/v1/scripts/x/state")
    assert bad_type.status_code == 400
    assert "resourceType must be one of" in bad_type.json()["errors"][0]["message"]


def test_a_key_with_a_bare_slash_is_a_route_error_and_an_escaped_one_is_a_key(
    client: httpx.Client,
) -> None:
    for path in ("/v1/state/a/b", "/v1/flows/orderSync/state/a/b"):
        refused = client.put(path, json=1)
        assert refused.status_code == 404, path
        message = refused.json()["errors"][0]["message"]
        assert message.endswith("a state key holding '/' must be sent escaped, as %2F")
    assert client.get("/v1/flows/orderSync/state").json() == {"keys": ["lastRun"]}
    assert client.get("/v1/state").status_code == 204
    assert client.put("/v1/flows/orderSync/state/a%2Fb", json=1).text == "Created"
    assert client.get("/v1/flows/orderSync/state/a%2Fb").json() == 1
    assert client.get("/v1/flows/orderSync/state").json() == {"keys": ["lastRun", "a/b"]}


def test_a_state_dir_keeps_global_keys(api_token: str, tmp_path: Path) -> None:
    store = StateDir(tmp_path / "state")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with serving(store.open(World(SMALL_WORLD)), state_dir=store) as server:
        httpx.put(f"{server.url}/v1/state/cursor", json={"page": 4}, headers=headers)
    reopened = StateDir(tmp_path / "state")
    with serving(reopened.open(World(SMALL_WORLD)), state_dir=reopened) as server:
        kept = httpx.get(f"{server.url}/v1/state/cursor", headers=headers)
        assert (kept.status_code, kept.json()) == (200, {"page": 4})
        assert httpx.delete(f"{server.url}/v1/state", headers=headers).status_code == 204
    assert StateDir(tmp_path / "state").load().global_state_keys() == []  # type: ignore[union-attr]


def test_a_world_file_seeds_global_keys() -> None:
    world = World({"state": {"global": {"mode": "live"}, "flows/f1": {"n": 1}}})
    assert world.global_state_keys() == ["mode"]
    assert world.get_global_state("mode") == "live"
    assert world.snapshot()["current"]["state"]["global"] == {"mode": "live"}
