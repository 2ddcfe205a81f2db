"""`jsrt map` through click's CliRunner: an import or mapping file (or an import of a
world) applied to records by the transformation engine, with the UI's problems."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from jsrt.cli import main

IMPORT_YAML = """\
_id: putOrders
name: Put orders
mappings:
  - {generate: ref, dataType: string, extract: $.id, status: Active}
  - generate: customer
    dataType: object
    status: Active
    mappings:
      - {generate: email, dataType: string, extract: $.customer.email, status: Active}
  - {generate: region, dataType: string, extract: $.country, lookupName: region, status: Active}
lookups:
  - {name: region, _lookupCacheId: regions, allowFailures: false}
"""

WORLD: dict[str, Any] = {
    "lookupcaches": [
        {"_id": "regions", "name": "Regions", "data": [{"key": "DE", "value": "EMEA"}]},
    ],
    "imports": [yaml.safe_load(IMPORT_YAML)],
}

RECORDS = [
    {"id": 1, "customer": {"email": "a@b.c"}, "country": "DE"},
    {"id": 2, "customer": {"email": "x@y.z"}, "country": "FR"},
]


def jsrt_map(*args: str):
    return CliRunner().invoke(main, ["map", *args], catch_exceptions=False)


def write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    text = value if isinstance(value, str) else json.dumps(value, indent=1)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_import_of_a_world_maps_records_with_the_world_lookup_cache(tmp_path: Path) -> None:
    world = write(tmp_path, "world.yaml", yaml.safe_dump(WORLD))
    data = write(tmp_path, "records.json", RECORDS[:1])
    run = jsrt_map("--world", world, "--import", "Put orders", "--data", data)
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout) == [
        {"ref": "1", "customer": {"email": "a@b.c"}, "region": "EMEA"}
    ]


def test_a_record_that_fails_is_null_its_error_on_stderr_and_exit_1(tmp_path: Path) -> None:
    world = write(tmp_path, "world.yaml", yaml.safe_dump(WORLD))
    data = write(tmp_path, "records.json", RECORDS)
    run = jsrt_map("--world", world, "--import", "putOrders", "--data", data)
    assert run.exit_code == 1
    mapped = json.loads(run.stdout)
    assert mapped[0]["region"] == "EMEA"
    assert mapped[1] is None
    assert "error: record 1: " in run.stderr
    assert "(lookup_not_found)" in run.stderr


def test_json_gives_each_record_and_the_problems_with_their_place(tmp_path: Path) -> None:
    # demo src/utils/mapping/index.js: the UI refuses a destination field mapped twice
    # at one level, naming the node.
    doubled = IMPORT_YAML.replace(
        "lookups:",
        "  - {generate: ref, dataType: string, extract: $.other, status: Active}\nlookups:",
    )
    mapping = write(tmp_path, "import.yaml", doubled)
    world = write(tmp_path, "world.yaml", yaml.safe_dump(WORLD))
    data = write(tmp_path, "records.json", RECORDS)
    run = jsrt_map(mapping, "--world", world, "--data", data, "--json")
    assert run.exit_code == 1
    answer = json.loads(run.stdout)
    assert answer["ok"] is False
    assert answer["records"][0] == {
        "index": 0,
        "ok": True,
        "data": {"ref": "1", "customer": {"email": "a@b.c"}, "region": "EMEA"},
    }
    assert answer["records"][1]["ok"] is False
    assert answer["records"][1]["errors"][0]["code"] == "lookup_not_found"
    duplicate = next(p for p in answer["problems"] if p["code"] == "duplicate_generate")
    assert duplicate["path"] == "mappings[3]"
    assert duplicate["at"] == f"{mapping}:11:5"


def test_the_text_report_names_the_file_line_and_column_of_a_problem(tmp_path: Path) -> None:
    listed = [
        {"generate": "a", "dataType": "string", "extract": "$.a", "status": "Active"},
        {"generate": "b", "dataType": "string", "extract": "$.b"},
    ]
    mapping = write(tmp_path, "mappings.json", listed)
    data = write(tmp_path, "records.json", [{"a": "x", "b": "y"}])
    run = jsrt_map(mapping, "--data", data)
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout) == [{"a": "x", "b": "y"}]
    assert f"problem: {mapping}:8:2: mappings[1]: " in run.stderr
    assert "(missing_status)" in run.stderr


def test_a_mapper_1_import_maps_too(tmp_path: Path) -> None:
    mapping = write(
        tmp_path,
        "import.json",
        {"mapping": {"fields": [{"extract": "customer.email", "generate": "contact.email"}]}},
    )
    data = write(tmp_path, "records.json", RECORDS[0])
    run = jsrt_map(mapping, "--data", data)
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout) == [{"contact": {"email": "a@b.c"}}]


def test_bad_json_data_is_exit_2_with_its_line_and_column(tmp_path: Path) -> None:
    mapping = write(tmp_path, "import.yaml", IMPORT_YAML)
    data = write(tmp_path, "records.json", '[{"id": 1,}]')
    run = jsrt_map(mapping, "--data", data)
    assert run.exit_code == 2
    assert f"error: {data}:1:11: invalid JSON in data" in run.stderr
    assert "Traceback" not in run.output


def test_data_that_is_not_records_is_exit_2(tmp_path: Path) -> None:
    mapping = write(tmp_path, "import.yaml", IMPORT_YAML)
    data = write(tmp_path, "records.json", "42")
    run = jsrt_map(mapping, "--data", data, "--json")
    assert run.exit_code == 2
    error = json.loads(run.stdout)["error"]
    assert "data must be a list of records" in error["message"]


def test_a_file_that_holds_no_mapping_is_exit_2(tmp_path: Path) -> None:
    mapping = write(tmp_path, "export.json", {"_id": "e", "name": "An export"})
    data = write(tmp_path, "records.json", RECORDS)
    run = jsrt_map(mapping, "--data", data)
    assert run.exit_code == 2
    assert "expected an import or a mapping" in run.stderr


def test_a_mapping_the_engine_refuses_is_exit_2_naming_the_node(tmp_path: Path) -> None:
    mapping = write(tmp_path, "mappings.json", [{"generate": "a", "dataType": "bogus"}])
    data = write(tmp_path, "records.json", RECORDS)
    run = jsrt_map(mapping, "--data", data)
    assert run.exit_code == 2
    assert "mappings[0]" in run.stderr
    assert "bogus" in run.stderr


def test_an_import_the_world_lacks_names_the_closest(tmp_path: Path) -> None:
    world = write(tmp_path, "world.yaml", yaml.safe_dump(WORLD))
    data = write(tmp_path, "records.json", RECORDS)
    run = jsrt_map("--world", world, "--import", "Put order", "--data", data)
    assert run.exit_code == 2
    assert "no import 'Put order' in the world" in run.stderr
    assert "putOrders (Put orders)" in run.stderr


def test_a_file_and_import_together_or_neither_is_a_usage_error(tmp_path: Path) -> None:
    mapping = write(tmp_path, "import.yaml", IMPORT_YAML)
    world = write(tmp_path, "world.yaml", yaml.safe_dump(WORLD))
    data = write(tmp_path, "records.json", RECORDS)
    both = jsrt_map(mapping, "--world", world, "--import", "putOrders", "--data", data)
    neither = jsrt_map("--data", data)
    no_world = jsrt_map("--import", "putOrders", "--data", data)
    assert (both.exit_code, neither.exit_code, no_world.exit_code) == (2, 2, 2)
    assert "give either an import or mapping FILE" in both.stderr
    assert "give either an import or mapping FILE" in neither.stderr
    assert "no --world given" in no_world.stderr


# celigo/ai writing-mappings/references/schemas/mappings.yml: conditional.when
# record_updated maps the field only when the destination record is being updated.
def test_context_says_whether_the_record_is_created_or_updated(tmp_path: Path) -> None:
    only_on_update = [
        {
            "generate": "note",
            "dataType": "string",
            "extract": "$.note",
            "status": "Active",
            "conditional": {"when": "record_updated"},
        }
    ]
    mapping = write(tmp_path, "mappings.json", only_on_update)
    data = write(tmp_path, "records.json", [{"note": "n"}])
    update = write(tmp_path, "update.yaml", "operation: update\n")
    created = jsrt_map(mapping, "--data", data)
    updated = jsrt_map(mapping, "--data", data, "--context", update)
    assert json.loads(created.stdout) == [{}]
    assert json.loads(updated.stdout) == [{"note": "n"}]


def test_a_context_that_is_not_an_object_is_exit_2(tmp_path: Path) -> None:
    mapping = write(tmp_path, "import.yaml", IMPORT_YAML)
    data = write(tmp_path, "records.json", RECORDS)
    context = write(tmp_path, "context.json", "[1]")
    run = jsrt_map(mapping, "--data", data, "--context", context)
    assert run.exit_code == 2
    assert "the context must be an object" in run.stderr


# celigo/ai writing-handlebars/SKILL.md, "Import bubble": an import's templates see the
# import and its connection, as imports.runMapping gives them.
def test_an_import_s_handlebars_fields_see_the_import_and_its_connection(tmp_path: Path) -> None:
    world = {
        **WORLD,
        "connections": [{"_id": "shop", "name": "Shop", "http": {"auth": {"token": "t0k"}}}],
    }
    document = {
        "_id": "tagged",
        "name": "Tagged orders",
        "_connectionId": "shop",
        "mappings": [
            {
                "generate": "tag",
                "dataType": "string",
                "extract": "{{import.name}}/{{connection.name}}/{{record.id}}",
                "status": "Active",
            }
        ],
    }
    world_file = write(tmp_path, "world.yaml", yaml.safe_dump(world))
    mapping = write(tmp_path, "import.json", document)
    data = write(tmp_path, "records.json", RECORDS[:1])
    run = jsrt_map(mapping, "--world", world_file, "--data", data)
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout) == [{"tag": "Tagged orders/Shop/1"}]


def test_records_from_stdin_yaml_or_one_record_map_as_a_json_list_does(tmp_path: Path) -> None:
    mapping = write(tmp_path, "import.yaml", IMPORT_YAML)
    world = write(tmp_path, "world.yaml", yaml.safe_dump(WORLD))
    expected = [{"ref": "1", "customer": {"email": "a@b.c"}, "region": "EMEA"}]
    as_list = jsrt_map(mapping, "--world", world, "--data", write(tmp_path, "r.json", RECORDS[:1]))
    assert json.loads(as_list.stdout) == expected
    assert as_list.stdout == json.dumps(expected, indent=2) + "\n"
    one = jsrt_map(mapping, "--world", world, "--data", write(tmp_path, "one.json", RECORDS[0]))
    in_yaml = jsrt_map(
        mapping, "--world", world, "--data", write(tmp_path, "r.yaml", yaml.safe_dump(RECORDS[:1]))
    )
    piped = CliRunner().invoke(
        main, ["map", mapping, "--world", world, "--data", "-"], input=json.dumps(RECORDS[:1])
    )
    assert one.stdout == in_yaml.stdout == piped.stdout == as_list.stdout
