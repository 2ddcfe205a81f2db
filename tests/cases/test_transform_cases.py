"""`mapping:` and `filter:` case files: a world's import mapping or export filter (or one
written inline) applied to records by the transformation engine, judged and reported
exactly as hook cases are, by `jsrt test` and by the pytest plugin."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

# Loaded before pytester's in-process run, as test_cases_plugin.py explains.
import jsrt.cases
import jsrt.reporting
import jsrt.runner  # noqa: F401
from jsrt.cases import load_case_file
from jsrt.cli import main
from jsrt.errors import InputError

pytest_plugins = ["pytester"]

WORLD_YAML = """
lookupcaches:
  - {_id: regions, name: Regions, data: [{key: DE, value: EMEA}, {key: US, value: AMER}]}
exports:
  - _id: getOrders
    name: Get orders
    type: delta                     # the export's own type: not its filter's
    filter:
      type: expression
      expression: {version: "1", rules: ["equals", ["string", ["extract", "status"]], "open"]}
  - _id: bigOnly
    filter: {type: script, script: {_scriptId: filters, function: keepBig}}
scripts:
  - _id: filters
    content: |
      function keepBig(options) {
        console.log('qty ' + options.record.qty)
        return options.record.qty > 5
      }
imports:
  - _id: putOrders
    name: Put orders
    mappings:
      - {generate: ref, dataType: string, extract: $.id, status: Active}
      - {generate: region, dataType: string, extract: $.country, lookupName: region,
         status: Active}
    lookups:
      - {name: region, _lookupCacheId: regions, allowFailures: false}
"""

MAPPING_CASES = """
world: world.yaml
mapping: {import: Put orders}
cases:
  - name: maps an order with the lookup cache
    records: [{id: 1, country: DE}]
    expect:
      result: [{ref: "1", region: EMEA}]
  - name: a country with no region fails its record only
    records: [{id: 1, country: US}, {id: 2, country: FR}]
    expect:
      ok: false
      errors: [{index: 1, code: lookup_not_found}]
      records: [{ok: true, value: {ref: "1", region: AMER}}, {index: 1, ok: false}]
  - name: an inline Mapper 2.0 mapping
    mapping:
      mappings: [{generate: total, dataType: number, extract: $.total, status: Active}]
    records: [{total: "12.5"}]
    expect:
      result: [{total: 12.5}]
  - name: an inline Mapper 1.0 mapping
    mapping: {mapping: {fields: [{extract: customer.email, generate: contact.email}]}}
    records: [{customer: {email: a@b.c}}]
    expect:
      result_subset: [{contact: {email: a@b.c}}]
"""

FILTER_CASES = """
world: world.yaml
cases:
  - name: the export's output filter
    filter: {export: getOrders}
    records: [{id: 1, status: open}, {id: 2, status: closed}]
    expect:
      result: [{id: 1, status: open}]
      records: [{value: true}, {value: false}]
  - name: an inline expression filter
    filter:
      type: expression
      expression: {version: "1", rules: ["greaterthan", ["number", ["extract", "qty"]], 5]}
    records: [{qty: 6}, {qty: 1}]
    expect:
      result: [{qty: 6}]
  - name: a filter reads the settings its context gives
    filter:
      type: expression
      expression:
        version: "1"
        rules: ["equals", ["string", ["extract", "region"]],
                ["string", ["settings", "export.region"]]]
    context: {settings: {export: {region: EU}}}
    records: [{region: EU}, {region: US}]
    expect:
      records: [{value: true}, {value: false}]
  - name: a script filter runs as a filter hook
    filter: {export: bigOnly}
    records: [{qty: 6}, {qty: 1}]
    expect:
      result: [{qty: 6}]
      logs: [{text: qty 6}, {text: qty 1}]
"""

WRONG_MAPPING = """
world: world.yaml
mapping: {import: putOrders}
records: [{id: 1, country: DE}]
expect:
  result: [{ref: "1", region: AMER}]
"""


def write_project(folder: Path, **case_files: str) -> Path:
    (folder / "world.yaml").write_text(textwrap.dedent(WORLD_YAML).lstrip(), encoding="utf-8")
    for name, text in case_files.items():
        path = folder / f"{name}.case.yaml"
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def jsrt_test(*args: str):
    return CliRunner().invoke(main, ["test", *args], catch_exceptions=False)


def test_mapping_and_filter_cases_pass_through_jsrt_test(tmp_path: Path) -> None:
    write_project(tmp_path, orders=MAPPING_CASES, filters=FILTER_CASES)
    run = jsrt_test(str(tmp_path))
    assert run.exit_code == 0, run.output
    assert run.output.count("PASS  ") == 8
    assert run.output.splitlines()[-1] == "8 passed, 0 failed"


def test_a_mapping_case_that_fails_shows_the_path_and_the_diff(tmp_path: Path) -> None:
    write_project(tmp_path, wrong=WRONG_MAPPING)
    run = jsrt_test(str(tmp_path))
    assert run.exit_code == 1
    assert "FAIL  " in run.output and "wrong.case.yaml::wrong" in run.output
    assert "result: differs from the expected value" in run.output
    assert 'at $[0].region: expected "AMER", got "EMEA"' in run.output
    assert '-    "region": "AMER"' in run.output
    assert '+    "region": "EMEA"' in run.output


def test_a_failed_record_fails_a_case_that_expects_none(tmp_path: Path) -> None:
    case = "world: world.yaml\nmapping: {import: putOrders}\nrecords: [{id: 2, country: FR}]\n"
    write_project(tmp_path, fr=case)
    run = jsrt_test(str(tmp_path), "--json")
    assert run.exit_code == 1
    outcome = json.loads(run.output)["cases"][0]
    assert outcome["status"] == "failed"
    assert outcome["failures"][0]["what"] == "ok"
    assert "1 of 1 records failed; record 0: " in outcome["error"]["message"]


def test_a_document_the_world_lacks_is_an_error_naming_the_closest(tmp_path: Path) -> None:
    case = "world: world.yaml\nfilter: {export: getOrder}\nrecords: [{}]\n"
    write_project(tmp_path, missing=case)
    run = jsrt_test(str(tmp_path))
    assert run.exit_code == 2
    assert "no export 'getOrder' in the world" in run.output
    assert "getOrders (Get orders)" in run.output


@pytest.mark.parametrize(
    ("text", "place", "message"),
    [
        (
            "world: world.yaml\nmapping: {import: x, mappings: []}\nrecords: []\n",
            "2:22",
            "mapping names the world's import 'x' and also gives 'mappings'",
        ),
        ("mapping: {mapings: []}\nrecords: []\n", "1:11", "unknown key 'mapings' in mapping"),
        ("mapping: 7\nrecords: []\n", "1:1", "mapping must be a mapping or a list, got"),
        ("mapping: {export: e}\nrecords: []\n", "1:11", "a mapping is not held by an export"),
        (
            "filter: {type: nope}\nrecords: []\n",
            "1:10",
            "a filter's type must be one of expression, script",
        ),
        ("filter: {import: 5}\nrecords: []\n", "1:10", "import must be an _id or a name"),
        (
            "mapping: {import: x}\nrecords: []\n",
            "1:1",
            "the mapping is the world's import 'x', and no world is given",
        ),
        ("mapping: {mappings: []}\n", "1:1", "a mapping: case needs the records"),
        ("mapping: []\nrecords: {a: 1}\n", "2:1", "records must be a list of records"),
        (
            "mapping: []\nfilter: {type: script}\nrecords: []\n",
            "2:1",
            "a case applies either a mapping or a filter",
        ),
        (
            "mapping: []\nrecords: []\nfunction: f\n",
            "3:1",
            "`function` is a hook case's key, and a mapping: case runs no hook",
        ),
        (
            "script: hook.js\nrecords: []\n",
            "2:1",
            "`records` belongs to mapping: and filter: cases",
        ),
        (
            "filter: {type: expression}\ncases:\n  - {name: a, records: [], data: []}\n",
            "3:28",
            "`data` is a hook case's key",
        ),
    ],
)
def test_a_bad_mapping_or_filter_case_names_its_line_and_column(
    tmp_path: Path, text: str, place: str, message: str
) -> None:
    (tmp_path / "hook.js").write_text("function f() {}\n", encoding="utf-8")
    path = write_project(tmp_path, bad=text) / "bad.case.yaml"
    with pytest.raises(InputError) as caught:
        load_case_file(path)
    assert caught.value.message.startswith(f"{path}:{place}: {message}"), caught.value.message
    assert caught.value.hint


def test_the_pytest_plugin_runs_mapping_and_filter_cases(pytester: pytest.Pytester) -> None:
    write_project(pytester.path, orders=MAPPING_CASES, filters=FILTER_CASES, wrong=WRONG_MAPPING)
    result = pytester.runpytest("-p", "no:benchmark", "-v")
    result.assert_outcomes(passed=8, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*filters.case.yaml::a script filter runs as a filter hook PASSED*",
            "*orders.case.yaml::maps an order with the lookup cache PASSED*",
            "*wrong.case.yaml::wrong FAILED*",
        ]
    )
    assert 'at $[0].region: expected "AMER", got "EMEA"' in result.stdout.str()
