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
    assert call("exports.patch", {"_id": "noMock", "patch": {"name": "renamed", "x": 1}}) is None
    patched = world.get("exports", "noMock")
    assert patched["name"] == "renamed" and patched["x"] == 1
    assert ISO.match(patched["lastModified"])


def test_patch_with_json_patch_operations(call, world):
    call(
        "connections.patch",
        {
            "_id": "conn",
            "patch": [
                {"op": "replace", "path": "/name", "value": "Shopify EU"},
                {"op": "add", "path": "/http", "value": {"headers": [{"name": "a"}]}},
                {"op": "add", "path": "/http/headers/-", "value": {"name": "b"}},
                {"op": "add", "path": "/http/headers/0", "value": {"name": "first"}},
                {"op": "remove", "path": "/externalId"},
            ],
        },
    )
    conn = world.get("connections", "conn")
    assert conn["name"] == "Shopify EU"
    assert [h["name"] for h in conn["http"]["headers"]] == ["first", "a", "b"]
    assert "externalId" not in conn


@pytest.mark.parametrize(
    "patch",
    [
        [{"op": "replace", "path": "/missing", "value": 1}],
        [{"op": "remove", "path": "/http/x"}],
        [{"op": "add", "path": "/name/deeper", "value": 1}],
    ],
)
def test_patch_of_a_missing_path_is_422_and_changes_nothing(call, world, patch):
    before = world.get("connections", "conn")
    with pytest.raises(Unprocessable, match="does not exist"):
        call("connections.patch", {"_id": "conn", "patch": patch})
    assert world.get("connections", "conn") == before


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
    call("exports.patch", {"_id": "getOrders", "patch": {"a": 1}})
    versions.append(world.version)
    assert versions == [0, 1, 1, 2]


def test_unknown_collection_in_a_view_is_a_clear_error(world):
    with pytest.raises(ValueError, match="unknown collection 'export'; one of integrations"):
        world.get("export", "x")
