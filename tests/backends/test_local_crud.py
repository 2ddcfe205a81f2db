"""CRUD with integrator.io's semantics, on every object that has it."""

from __future__ import annotations

import re

import pytest

from jsrt.api.catalog import CATALOG
from jsrt.api.errors import InvalidArgument, NotFound, Unprocessable, Unsupported
from jsrt.backends.local import LocalBackend, World

ID = re.compile(r"^[0-9a-f]{24}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_every_catalog_function_has_a_local_answer(world):
    backend = LocalBackend(world)
    assert set(backend._handlers) == {(m.obj, m.name) for m in CATALOG}
    with pytest.raises(Unsupported, match=r"integrations\.find is not an integrator-api function"):
        backend.call("integrations", "find", [{}])


def test_get_returns_a_copy_or_none(call, world):
    export = call("exports.get", "getOrders")
    assert export["externalId"] == "orders-export"
    export["name"] = "changed"
    assert "name" not in world.get("exports", "getOrders")
    assert call("exports.get", "unknown") is None
    assert call("connections.get", {"_id": "conn"})["name"] == "Shopify"


def test_find_by_external_id_or_all(call):
    assert [e["_id"] for e in call("exports.find")] == ["getOrders", "noMock"]
    assert [e["_id"] for e in call("exports.find", {"externalId": "orders-export"})] == [
        "getOrders"
    ]
    assert call("connections.find", {"externalId": "nope"}) == []


def test_create_assigns_an_id_and_timestamps(call, world):
    created = call("flows.create", {"name": "new flow", "_id": "ignored"})
    assert ID.match(created["_id"]) and created["_id"] != "ignored"
    assert ISO.match(created["createdAt"]) and created["createdAt"] == created["lastModified"]
    assert world.get("flows", created["_id"]) == created


def test_created_ids_are_deterministic_for_a_seed(world):
    twin = World(world.snapshot()["seed"])
    first = world.create("accessTokens", {"name": "t"})["_id"]
    assert twin.create("accessTokens", {"name": "t"})["_id"] == first
    other_seed = World({"idSeed": "elsewhere"})
    assert other_seed.create("accessTokens", {"name": "t"})["_id"] != first


def test_documents_without_id_get_one_at_load():
    world = World({"scripts": [{"name": "a"}, {"name": "b"}]})
    ids = [s["_id"] for s in world.docs("scripts")]
    assert all(ID.match(i) for i in ids) and len(set(ids)) == 2
    again = World({"scripts": [{"name": "a"}, {"name": "b"}]})
    assert [s["_id"] for s in again.docs("scripts")] == ids


def test_update_replaces_the_document_and_keeps_created_at(call, world):
    created = call("fileDefinitions.create", {"name": "edi", "format": "x12"})
    updated = call("fileDefinitions.update", {"_id": created["_id"], "name": "edi 2"})
    assert updated["name"] == "edi 2"
    assert "format" not in updated  # PUT: fields left out are erased
    assert updated["createdAt"] == created["createdAt"]
    assert world.get("fileDefinitions", created["_id"]) == updated


def test_update_of_an_unknown_id_is_404(call):
    with pytest.raises(NotFound, match="no integration with _id 'nope' in the local world"):
        call("integrations.update", {"_id": "nope", "name": "x"})


def test_patch_with_fields(call, world):
    assert call("lookupcaches.patch", {"_id": "skus", "patch": {"name": "SKUs", "x": 1}}) is None
    patched = world.get("lookupcaches", "skus")
    assert patched["name"] == "SKUs" and patched["x"] == 1
    assert ISO.match(patched["lastModified"])


def test_patch_with_json_patch_operations(call, world):
    call(
        "lookupcaches.patch",
        {
            "_id": "skus",
            "patch": [
                {"op": "replace", "path": "/name", "value": "SKU map EU"},
                {"op": "add", "path": "/http", "value": {"headers": [{"name": "a"}]}},
                {"op": "add", "path": "/http/headers/-", "value": {"name": "b"}},
                {"op": "add", "path": "/http/headers/0", "value": {"name": "first"}},
                {"op": "remove", "path": "/name"},
            ],
        },
    )
    cache = world.get("lookupcaches", "skus")
    assert [h["name"] for h in cache["http"]["headers"]] == ["first", "a", "b"]
    assert "name" not in cache


@pytest.mark.parametrize(
    "patch",
    [
        [{"op": "replace", "path": "/missing", "value": 1}],
        [{"op": "remove", "path": "/name/x"}],
        [{"op": "add", "path": "/name/deeper", "value": 1}],
    ],
)
def test_patch_of_a_missing_path_is_422_and_changes_nothing(call, world, patch):
    before = world.get("lookupcaches", "skus")
    with pytest.raises(Unprocessable, match="does not exist"):
        call("lookupcaches.patch", {"_id": "skus", "patch": patch})
    assert world.get("lookupcaches", "skus") == before


@pytest.mark.parametrize(
    ("collection", "_id", "field"),
    [
        ("exports", "getOrders", "debugUntil"),
        ("imports", "plain", "debugUntil"),
        ("flows", "orders", "debugUntil"),
        ("connections", "conn", "debugDate"),
    ],
)
def test_replace_of_an_absent_whitelisted_field_sets_it_and_remove_clears_it(
    call, world, collection, _id, field
):
    """celigo-reference §3.1: PATCH `[{"op": "replace", "path": "/debugUntil", ...}]` is how
    debug mode is switched on, on a resource that never had it; `remove` switches it off."""
    later = "2030-01-01T00:00:00.000Z"
    assert field not in world.get(collection, _id)
    replace = [{"op": "replace", "path": f"/{field}", "value": later}]
    assert call(f"{collection}.patch", {"_id": _id, "patch": replace}) is None
    assert world.get(collection, _id)[field] == later
    call(f"{collection}.patch", {"_id": _id, "patch": [{"op": "remove", "path": f"/{field}"}]})
    call(f"{collection}.patch", {"_id": _id, "patch": [{"op": "remove", "path": f"/{field}"}]})
    assert field not in world.get(collection, _id)


@pytest.mark.parametrize(
    "patch",
    [
        {"name": "renamed"},
        [{"op": "replace", "path": "/name", "value": "renamed"}],
        [
            {"op": "replace", "path": "/debugUntil", "value": "2030-01-01T00:00:00.000Z"},
            {"op": "add", "path": "/settings", "value": {}},
        ],
    ],
)
def test_a_field_off_the_whitelist_is_422_and_changes_nothing(call, world, patch):
    before = world.get("exports", "getOrders")
    with pytest.raises(Unprocessable) as raised:
        call("exports.patch", {"_id": "getOrders", "patch": patch})
    assert raised.value.code == "invalid_patch"
    assert "integrator.io's PATCH may change only debugUntil of an export, not " in str(
        raised.value
    )
    assert world.get("exports", "getOrders") == before


def test_patch_cannot_change_the_id(call):
    with pytest.raises(InvalidArgument, match="cannot change _id"):
        call("flows.patch", {"_id": "orders", "patch": {"_id": "other"}})
    with pytest.raises(InvalidArgument, match="cannot change _id"):
        call(
            "flows.patch",
            {"_id": "orders", "patch": [{"op": "replace", "path": "/_id", "value": "x"}]},
        )


def test_patch_of_an_unknown_id_is_404(call):
    with pytest.raises(NotFound):
        call("imports.patch", {"_id": "nope", "patch": {"a": 1}})


def test_delete_removes_the_document_and_its_state(call, world):
    assert call("exports.delete", "getOrders") is None
    assert world.get("exports", "getOrders") is None
    assert world.state_of("exports", "getOrders") == {}
    with pytest.raises(NotFound, match="no export with _id 'getOrders'"):
        call("exports.delete", {"_id": "getOrders"})


def test_deleting_a_cache_deletes_its_entries(call, world):
    call("lookupcaches.delete", "skus")
    with pytest.raises(KeyError):
        world.cache_entries("skus")
    with pytest.raises(NotFound, match="no lookup cache with _id 'skus'"):
        call("lookupcaches.getData", {"_id": "skus"})


def test_cache_documents_hold_no_data_field(call, world):
    cache = call("lookupcaches.get", "skus")
    assert "data" not in cache
    created = call("lookupcaches.create", {"name": "fresh"})
    assert world.cache_entries(created["_id"]) == {}
    with pytest.raises(InvalidArgument, match=r"write entries with lookupcaches\.putData"):
        call("lookupcaches.create", {"name": "x", "data": []})


def test_every_mutation_bumps_the_version(call, world):
    versions = [world.version]
    call("exports.create", {"name": "a"})
    versions.append(world.version)
    call("exports.get", "getOrders")
    versions.append(world.version)
    call("exports.patch", {"_id": "getOrders", "patch": {"debugUntil": "2030-01-01T00:00Z"}})
    versions.append(world.version)
    assert versions == [0, 1, 1, 2]


def test_unknown_collection_in_a_view_is_a_clear_error(world):
    with pytest.raises(ValueError, match="unknown collection 'export'; one of integrations"):
        world.get("export", "x")
