"""Snapshot and restore, reset, and the state folder (a SQLite database) in one process;
tests/backends/test_state_dir_processes.py shares one between real processes."""

from __future__ import annotations

import json
import sqlite3

import pytest

from jsrt.backends.local import StateDir, World
from jsrt.backends.local.persistence import DATABASE_NAME, StateNotSaved
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
    assert (tmp_path / ".jsrt" / "state" / DATABASE_NAME).exists()
    assert StateDir(tmp_path / ".jsrt" / "state").load().snapshot() == world.snapshot()


def test_saved_changes_survive_and_the_world_file_is_not_reread(tmp_path, world_file):
    state_dir = StateDir(tmp_path / "state")
    world = busy(state_dir.open(world_file))
    world.put_state("exports", "getOrders", "cursor", "2024-06-01")
    world.delete("lookupcaches", "skus")
    state_dir.sync(world)
    world_file.write_text("{}", encoding="utf-8")
    again = StateDir(tmp_path / "state").open(world_file)
    assert again.get_state("exports", "getOrders", "cursor") == "2024-06-01"
    mine, saved = world.snapshot(), again.snapshot()
    assert saved["current"] == mine["current"] and saved["history"] == mine["history"]
    assert saved["seed"] == mine["seed"] and saved["nextId"] == mine["nextId"]


def test_the_first_open_can_take_a_built_world(tmp_path, world):
    state_dir = StateDir(tmp_path / "state")
    assert state_dir.open(world) is world
    assert state_dir.load().snapshot() == world.snapshot()


def test_without_a_world_file_the_first_world_is_empty(tmp_path):
    world = StateDir(tmp_path / "state").open()
    assert world.docs("flows") == []


def test_two_holders_of_one_state_dir_keep_each_others_writes(tmp_path, world_file):
    """Each saves only what it changed: distinct keys all survive, the same key is the
    last saved, and each takes in what the other saved before its next run."""
    first_dir, second_dir = StateDir(tmp_path / "s"), StateDir(tmp_path / "s")
    first, second = first_dir.open(world_file), second_dir.open(world_file)
    first.put_state("flows", "orders", "mine", 1)
    first.put_state("flows", "orders", "shared", "first")
    first.run_flow("orders", {})
    second.put_state("flows", "orders", "yours", 2)
    second.put_state("flows", "orders", "shared", "second")
    second.cache_put("skus", [{"key": "C", "value": 3}])
    second.run_flow("orders", {"startDate": "2024-01-01"})
    second.delete_state("exports", "getOrders", "cursor")
    first_dir.sync(first)
    second_dir.sync(second)  # saved last: its "shared" wins; it now holds first's too
    first_dir.sync(first)  # takes in second's
    for world in (first, second, StateDir(tmp_path / "s").load()):
        assert world.state_of("flows", "orders") == {"mine": 1, "shared": "second", "yours": 2}
        assert world.state_of("exports", "getOrders") == {}
        assert world.cache_entries("skus")["C"] == 3
        assert [job.get("startDate") for job in world.jobs("orders")] == [None, "2024-01-01"]


def test_a_workers_copy_brought_back_by_restore_saves_what_the_copy_changed(tmp_path, world_file):
    """What `jsrt run` does: the worker changes its copy, the caller restores it, and the
    state dir saves the differences (deleted keys and entries included)."""
    state_dir = StateDir(tmp_path / "s")
    world = state_dir.open(world_file)
    copy = busy(World.from_snapshot(world.snapshot()))
    copy.delete_state("exports", "getOrders", "cursor")
    copy.cache_delete("skus", ["A"])
    copy.delete("imports", "plain")
    world.restore(copy.snapshot())
    state_dir.sync(world)
    saved, wanted = StateDir(tmp_path / "s").load().snapshot(), copy.snapshot()
    assert saved["current"] == wanted["current"] and saved["history"] == wanted["history"]
    assert saved["nextId"] == wanted["nextId"]


def test_documents_created_at_once_by_two_holders_are_refused_not_overwritten(tmp_path, world_file):
    first_dir, second_dir = StateDir(tmp_path / "s"), StateDir(tmp_path / "s")
    first, second = first_dir.open(world_file), second_dir.open(world_file)
    kept = first.create("flows", {"name": "first's"})
    clash = second.create("flows", {"name": "second's"})
    assert kept["_id"] == clash["_id"]  # ids come from the same counter
    first_dir.sync(first)
    with pytest.raises(StateNotSaved, match="another process created flows") as refused:
        second_dir.sync(second)
    assert refused.value.file == str(tmp_path / "s" / DATABASE_NAME)
    assert second.get("flows", kept["_id"])["name"] == "first's"  # the saved world again
    made = second.create("flows", {"name": "second's, again"})
    second_dir.sync(second)
    first_dir.sync(first)
    assert first.get("flows", made["_id"])["name"] == "second's, again"


def test_a_reset_reaches_the_other_holders(tmp_path, world_file):
    first_dir, second_dir = StateDir(tmp_path / "s"), StateDir(tmp_path / "s")
    first, second = first_dir.open(world_file), second_dir.open(world_file)
    busy(first)
    first_dir.sync(first)
    second_dir.sync(second)
    assert second.jobs("orders") and second.cache_entries("skus")["C"] == 3
    second.reset()
    second_dir.sync(second)
    first_dir.sync(first)
    assert first.jobs("orders") == [] and "C" not in first.cache_entries("skus")
    assert first.snapshot()["current"] == second.snapshot()["current"]


def test_a_save_writes_what_changed_not_the_world(tmp_path):
    """A small key put beside a 10 MB value adds a few pages to SQLite's journal; the
    snapshot file of before rewrote all 10 MB on every save."""
    big = {"state": {"flows/f": {"big": "x" * (10 * 1024 * 1024)}}}
    state_dir = StateDir(tmp_path / "s")
    world = state_dir.open(World(big))
    journal = tmp_path / "s" / f"{DATABASE_NAME}-wal"
    before = journal.stat().st_size
    for n in range(10):
        world.put_state("flows", "f", f"small{n}", n)
        state_dir.sync(world)
    assert journal.stat().st_size - before < 200_000
    assert StateDir(tmp_path / "s").load().state_of("flows", "f")["small9"] == 9


def test_a_state_dir_an_older_jsrt_wrote_is_taken_over(tmp_path, world):
    folder = tmp_path / "s"
    folder.mkdir()
    busy(world).put_state("flows", "orders", "kept", True)
    (folder / "world.json").write_bytes(json.dumps(world.snapshot()).encode())
    (folder / ".world.json.x1y2.tmp").write_bytes(b"{half a snaps")  # an interrupted save
    opened = StateDir(folder).open()
    assert opened.snapshot() == world.snapshot()
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(DATABASE_NAME)) == [
        "world.json.migrated"
    ]
    assert StateDir(folder).load().state_of("flows", "orders")["kept"] is True


def test_a_damaged_snapshot_an_older_jsrt_wrote_is_an_input_error(tmp_path):
    (tmp_path / "world.json").write_text('{"format": "jsrt-world-snap', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        StateDir(tmp_path).load()
    assert str(tmp_path / "world.json") in caught.value.message
    assert "not valid JSON" in caught.value.message
    assert "delete the file" in caught.value.hint


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"this is not a database, just text" * 200, "SQLite cannot use this state database"),
        (None, "a SQLite database that is not a jsrt state dir (tables: orders)"),
    ],
)
def test_a_database_that_is_not_jsrts_is_an_input_error(tmp_path, content, problem):
    path = tmp_path / DATABASE_NAME
    if content is None:
        with sqlite3.connect(path) as foreign:
            foreign.execute("CREATE TABLE orders (id)")
        foreign.close()
    else:
        path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        StateDir(tmp_path).open()
    assert caught.value.file == str(path)
    assert caught.value.message.startswith(f"{path}: {problem}")


def test_a_damaged_row_is_an_input_error_naming_the_database(tmp_path, world):
    StateDir(tmp_path).open(world)
    with sqlite3.connect(tmp_path / DATABASE_NAME) as database:
        database.execute("UPDATE state SET value = ? WHERE key = 'cursor'", (b"{half",))
    database.close()
    with pytest.raises(InputError, match="state key exports/getOrders/cursor is not valid JSON"):
        StateDir(tmp_path).open()


def test_a_state_dir_that_is_a_file_is_an_input_error(tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(InputError, match="the state dir is a file, not a folder"):
        StateDir(tmp_path / "taken").open()
