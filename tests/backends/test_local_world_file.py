"""World files: JSON and YAML load the same world; every mistake names file, place and fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from jsrt.backends.local import load_world
from jsrt.errors import EXIT_BAD_INPUT, InputError


@pytest.fixture
def write(write_script):
    """Write a world file (name first, then its text) into the test's folder."""
    return lambda name, text: write_script(text, name)


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_world(path)
    assert caught.value.exit_code == EXIT_BAD_INPUT
    assert caught.value.details["file"] == str(path)
    return caught.value


def test_json_and_yaml_describe_the_same_world(write, sample_world):
    from_json = load_world(write("w.json", json.dumps(sample_world)))
    from_yaml = load_world(write("w.yaml", yaml.safe_dump(sample_world)))
    assert from_json.snapshot() == from_yaml.snapshot()
    assert from_yaml.cache_entries("skus") == {"A": {"ns": 1}, "B": "two"}
    assert from_yaml.state_of("exports", "getOrders") == {"cursor": "2024-01-01"}


def test_an_empty_yaml_file_is_an_empty_world(write):
    world = load_world(write("w.yml", "# nothing yet\n"))
    assert world.docs("exports") == []


def test_json_syntax_error_has_line_and_column(write):
    path = write("w.json", '{\n  "exports": [\n    {"_id": "a",}\n  ]\n}\n')
    err = load_error(path)
    assert err.message.startswith(f"{path}:3:17: invalid JSON in world file: ")
    assert (err.details["line"], err.details["column"]) == (3, 17)
    assert err.details["position"] == 33
    assert "trailing comma" in err.hint


def test_yaml_syntax_error_has_line_and_column(write):
    path = write(
        "w.yaml",
        """
        exports:
          - _id: a
            name: [unclosed
        flows: []
    """,
    )
    err = load_error(path)
    assert err.message.startswith(f"{path}:4:")
    assert "invalid YAML" in err.message and err.details["line"] == 4


def test_unknown_top_level_key_lists_the_valid_ones(write):
    path = write(
        "w.yaml",
        """
        exports: []
        export:
          - _id: a
    """,
    )
    err = load_error(path)
    assert err.message == f"{path}:2:1: export: unknown top-level key 'export'"
    assert "valid top-level keys: integrations, flows, exports, imports" in err.hint
    assert "state, idSeed" in err.hint


def test_a_document_that_is_not_an_object(write):
    path = write(
        "w.yaml",
        """
        flows:
          - _id: ok
          - just a string
    """,
    )
    err = load_error(path)
    assert err.message == (
        f'{path}:3:5: flows[1]: expected a document (an object), got the string "just a string"'
    )
    assert err.details["path"] == "flows[1]"


def test_a_wrong_value_in_a_json_file_is_located_too(write):
    text = json.dumps({"imports": [{"_id": "i"}, {"_id": 7}]}, indent=2)
    err = load_error(write("w.json", text))
    assert "imports[1]._id: expected a non-empty string, got int 7" in err.message
    assert err.details["line"] == 7


def test_duplicate_ids(write):
    path = write(
        "w.yaml",
        """
        connections:
          - _id: c1
          - _id: c1
    """,
    )
    assert "connections[1]._id: duplicate _id 'c1' in connections" in load_error(path).message


def test_a_state_namespace_must_be_resource_type_slash_id(write):
    path = write(
        "w.yaml",
        """
        state:
          exports/ok: {a: 1}
          export-abc: {a: 1}
    """,
    )
    err = load_error(path)
    assert 'state["export-abc"]: a state namespace must be shaped <resourceType>/<_id>' in (
        err.message
    )
    assert err.details["line"] == 3
    assert "integrations, flows, imports, exports, connections" in err.hint


def test_a_mock_output_not_in_canonical_form(write):
    path = write(
        "w.yaml",
        """
        exports:
          - _id: e
            mockOutput:
              page_of_records:
                - record: {id: 1}
                - {id: 2}
    """,
    )
    err = load_error(path)
    where = "exports[0].mockOutput.page_of_records[1]"
    assert f"{where}: expected {{record: {{...}}}} or {{rows: [...]}}" in err.message
    assert err.details["line"] == 6
    assert "page_of_records" in err.hint


def test_a_mock_output_that_is_a_plain_list(write):
    path = write(
        "w.yaml",
        """
        exports:
          - _id: e
            mockOutput: [{id: 1}]
    """,
    )
    assert 'exports[0].mockOutput: expected {"page_of_records"' in load_error(path).message


def test_a_mock_response_must_be_objects(write):
    path = write(
        "w.yaml",
        """
        imports:
          - _id: i
            mockResponse: [{statusCode: 200}, 422]
    """,
    )
    assert "imports[0].mockResponse[1]: expected a response object" in load_error(path).message


def test_lookup_cache_data_entries(write):
    path = write(
        "w.yaml",
        """
        lookupcaches:
          - _id: c
            data:
              - {key: a, value: 1}
              - {key: a, value: 2}
    """,
    )
    assert "lookupcaches[0].data[1].key: duplicate key 'a'" in load_error(path).message
    path = write(
        "w2.yaml",
        """
        lookupcaches:
          - _id: c
            data: [{k: a, v: 1}]
    """,
    )
    assert "expected {key, value}, got a mapping with keys k, v" in load_error(path).message


def test_a_top_level_that_is_not_a_mapping(write):
    err = load_error(write("w.json", "[1, 2]"))
    assert "a world must be an object (a mapping), got a list" in err.message


def test_wrong_extension_and_missing_file(write, tmp_path):
    err = load_error(write("w.toml", "x = 1"))
    assert "must be JSON (.json) or YAML (.yaml, .yml), got '.toml'" in err.message
    err = load_error(tmp_path / "absent.yaml")
    assert err.message == f"{tmp_path / 'absent.yaml'}: no such world file"


def test_a_world_file_may_declare_my_apis_for_jsrt_serve(tmp_path):
    path = tmp_path / "world.yaml"
    path.write_text(
        "integrations: [{_id: shop}]\n"
        "apis: [{_id: orders-api, script: handlers.js, function: handleRequest}]\n"
    )
    world = load_world(path)
    assert world.get("integrations", "shop") is not None
