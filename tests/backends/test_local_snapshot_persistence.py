"""Snapshot and restore, reset, and the atomic state folder."""

from __future__ import annotations

import json
import os

import pytest

from jsrt.backends.local import StateDir, World
from jsrt.backends.local.persistence import SNAPSHOT_NAME
from jsrt.errors import InputError


def busy(world: World) -> World:
    """Touch every part of the world: documents, state, cache data, runs, jobs."""
    world.create("exports", {"name": "made in a test"})
    world.patch("connections", "conn", {"name": "renamed"})
    world.put_state("flows", "orders", "lastRun", {"at": "2024-03-01"})
    world.cache_put("skus", [{"key": "C", "value": 3}])
    world.run_export("getOrders", {"settings": {"s": 1}})
    world.run_import("plain", {"data": [{"x": 1}]})
    world.run_flow("orders", {})
    return world


def test_a_snapshot_is_plain_json_and_restores_everything(world):
    snapshot = busy(world).snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    restored = World.from_snapshot(snapshot)
    assert restored.snapshot() == snapshot
    assert restored.version == world.version
    assert restored.get("connections", "conn")["name"] == "renamed"
    assert restored.cache_entries("skus")["C"] == 3
    assert restored.imported("plain") == [{"x": 1}]
    assert restored.export_runs("getOrders")[0]["options"] == {"settings": {"s": 1}}
    assert len(restored.jobs("orders")) == 1
    assert restored.state_of("flows", "orders") == {"lastRun": {"at": "2024-03-01"}}


def test_a_restored_world_makes_the_same_ids_next(world):
    restored = World.from_snapshot(busy(world).snapshot())
    assert restored.create("flows", {})["_id"] == world.create("flows", {})["_id"]


def test_a_restored_world_still_resets_to_its_seed(world):
    restored = World.from_snapshot(busy(world).snapshot())
    restored.reset()
    assert restored.snapshot()["current"] == World(world.snapshot()["seed"]).snapshot()["current"]


def test_restore_replaces_the_world_in_place(world, sample_world):
    changed = busy(World(sample_world))
    held = world  # what a caller keeps a reference to
    world.restore(changed.snapshot(), version=41)
    assert held.snapshot()["current"] == changed.snapshot()["current"]
    assert held.imported("plain") == [{"x": 1}]
    assert held.version == 41
    assert held.create("flows", {})["_id"] == changed.create("flows", {})["_id"]


def test_a_failed_restore_changes_nothing(world):
    before = world.snapshot()
    damaged = busy(World(before["seed"])).snapshot()
    damaged["current"]["state"] = {"bad": {}}
    with pytest.raises(InputError, match="shaped <resourceType>/<_id>"):
        world.restore(damaged)
    assert world.snapshot() == before


def test_a_snapshot_shares_nothing_with_the_world(world):
    snapshot = world.snapshot()
    snapshot["current"]["exports"][0]["name"] = "edited"
    assert "name" not in world.get("exports", "getOrders")


def test_reset_goes_back_to_the_seed(world):
    first_id = world.create("exports", {"name": "x"})["_id"]
    seeded = World(world.snapshot()["seed"]).snapshot()["current"]
    busy(world)
    version = world.version
    world.reset()
    assert world.snapshot()["current"] == seeded
    assert world.export_runs("getOrders") == [] and world.imported("plain") == []
    assert world.jobs("orders") == []
    assert world.cache_entries("skus") == {"A": {"ns": 1}, "B": "two"}
    assert world.version == version + 1
    assert world.create("exports", {"name": "x"})["_id"] == first_id


def test_a_snapshot_that_is_not_one_is_refused(world):
    with pytest.raises(InputError, match="not a jsrt world snapshot"):
        World.from_snapshot({"exports": []})
    damaged = world.snapshot()
    damaged["current"]["flows"] = [1]
    with pytest.raises(InputError, match=r"snapshot current\.flows\[0\]: expected a document"):
        World.from_snapshot(damaged)
    damaged = world.snapshot()
    damaged["history"]["jobs"] = "none"
    with pytest.raises(InputError, match=r"history\.jobs must be a list of objects"):
        World.from_snapshot(damaged)


# ---- StateDir ---------------------------------------------------------------------------


@pytest.fixture
def world_file(tmp_path, sample_world):
    path = tmp_path / "world.yaml"
    path.write_text(json.dumps(sample_world), encoding="utf-8")  # JSON is valid YAML
    return path


def test_the_first_open_seeds_from_the_world_file_and_saves(tmp_path, world_file):
    state_dir = StateDir(tmp_path / ".jsrt" / "state")
    assert state_dir.load() is None
    world = state_dir.open(world_file)
    assert world.get("exports", "getOrders") is not None
    assert (tmp_path / ".jsrt" / "state" / SNAPSHOT_NAME).exists()


def test_saved_changes_survive_and_the_world_file_is_not_reread(tmp_path, world_file):
    state_dir = StateDir(tmp_path / "state")
    world = state_dir.open(world_file)
    world.put_state("exports", "getOrders", "cursor", "2024-06-01")
    state_dir.save(world)
    world_file.write_text("{}", encoding="utf-8")
    again = StateDir(tmp_path / "state").open(world_file)
    assert again.get_state("exports", "getOrders", "cursor") == "2024-06-01"
    assert again.snapshot() == world.snapshot()


def test_the_first_open_can_take_a_built_world(tmp_path, world):
    state_dir = StateDir(tmp_path / "state")
    assert state_dir.open(world) is world
    assert state_dir.load().snapshot() == world.snapshot()


def test_without_a_world_file_the_first_world_is_empty(tmp_path):
    world = StateDir(tmp_path / "state").open()
    assert world.docs("flows") == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_during_save_keeps_the_old_snapshot(tmp_path, world_file, monkeypatch, failing):
    state_dir = StateDir(tmp_path / "state")
    world = state_dir.open(world_file)
    before = state_dir.snapshot_path.read_bytes()
    world.create("flows", {"name": "not saved"})

    def crash(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(os, failing, crash)
    with pytest.raises(OSError, match="disk gone"):
        state_dir.save(world)
    monkeypatch.undo()
    assert state_dir.snapshot_path.read_bytes() == before
    assert sorted(p.name for p in state_dir.path.iterdir()) == [SNAPSHOT_NAME]
    assert (
        StateDir(state_dir.path).load().snapshot()
        == World.from_snapshot(json.loads(before)).snapshot()
    )


def test_a_damaged_snapshot_file_is_an_input_error(tmp_path):
    state_dir = StateDir(tmp_path)
    state_dir.snapshot_path.write_text('{"format": "jsrt-world-snap', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        state_dir.load()
    assert str(state_dir.snapshot_path) in caught.value.message
    assert "not valid JSON" in caught.value.message
    assert "delete the file" in caught.value.hint
    state_dir.snapshot_path.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(InputError, match="not a jsrt world snapshot"):
        state_dir.load()
