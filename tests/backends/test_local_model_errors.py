"""The local model's errors name the place in the document; the file layers add the file."""

from __future__ import annotations

import pytest

from jsrt.backends.local import SnapshotError, StateDir, World, WorldDataError, load_world
from jsrt.errors import EXIT_BAD_INPUT, InputError


def test_a_bad_world_document_is_a_world_data_error_without_a_file() -> None:
    with pytest.raises(WorldDataError) as raised:
        World({"exports": [{"_id": "e1", "pageSize": 0}]})
    err = raised.value
    assert isinstance(err, InputError) and err.exit_code == EXIT_BAD_INPUT
    assert err.parts == ("exports", 0, "pageSize")
    assert err.path == "exports[0].pageSize"
    assert err.message == "world: exports[0].pageSize: expected a positive integer, got 0"
    assert err.file is None and err.line is None


def test_a_value_that_is_not_json_is_a_world_data_error() -> None:
    with pytest.raises(WorldDataError, match="not plain JSON") as raised:
        World({"state": {"exports/e1": {"k": object()}}})
    assert raised.value.file is None


def test_a_snapshot_that_is_not_one_is_a_snapshot_error(tmp_path) -> None:
    with pytest.raises(SnapshotError, match="not a jsrt world snapshot") as raised:
        World.from_snapshot({"exports": []})
    assert raised.value.file is None
    older_snapshot = tmp_path / "world.json"  # what a state dir held before its database
    older_snapshot.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(InputError) as named:
        StateDir(tmp_path).load()
    assert named.value.file == str(older_snapshot)


def test_the_world_file_names_the_file_and_position(tmp_path) -> None:
    path = tmp_path / "world.yaml"
    path.write_text("flows: []\nexports:\n  - {_id: e1, pageSize: 0}\n")
    with pytest.raises(InputError) as raised:
        load_world(path)
    err = raised.value
    assert not isinstance(err, WorldDataError)
    assert (err.file, err.line, err.column) == (str(path), 3, 15)
    assert err.message.startswith(f"{path}:3:15: exports[0].pageSize: expected a positive")
