"""`jsrt test` end to end through click's CliRunner, on case files in temporary folders."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from case_project import BAD_CASES, FAILING_CASES, PASSING_CASES, write_project
from click.testing import CliRunner

from jsrt.cli import main


def jsrt_test(*args: str):
    return CliRunner().invoke(main, ["test", *args], catch_exceptions=False)


def test_all_cases_pass(tmp_path: Path) -> None:
    write_project(tmp_path, orders=PASSING_CASES)
    run = jsrt_test(str(tmp_path))
    lines = run.output.splitlines()
    assert run.exit_code == 0, run.output
    assert lines[0].startswith(f"PASS  {tmp_path / 'orders.case.yaml'}::totals each record  (")
    assert lines[1].startswith("PASS  ") and "::a throw that is expected" in lines[1]
    assert lines[-1] == "2 passed, 0 failed"
    assert "failures" not in run.output


def test_a_failing_case_shows_the_path_the_diff_and_the_closest_call(tmp_path: Path) -> None:
    write_project(tmp_path, orders=FAILING_CASES)
    run = jsrt_test(str(tmp_path))
    assert run.exit_code == 1
    out = run.output
    assert "FAIL  " in out and "::wrong total" in out
    assert "result_subset: does not contain the expected values" in out
    assert "at $.data[0].total: expected 13, got 12" in out
    assert '-      "total": 13' in out
    assert '+      "total": 12' in out
    # The expected call was not made; the report diffs the closest one that was.
    assert "calls[0]: no matching state.putForResource call; closest is call #2" in out
    assert "at $.args[0].value: expected 11, got 12" in out
    assert "[log] page 0: 2 records" in out
    assert out.splitlines()[-1] == "0 passed, 2 failed"


def test_a_bad_case_file_exits_2_and_the_good_ones_still_run(tmp_path: Path) -> None:
    write_project(tmp_path, orders=PASSING_CASES, typo=BAD_CASES)
    run = jsrt_test(str(tmp_path))
    assert run.exit_code == 2
    bad = tmp_path / "typo.case.yaml"
    assert f"ERROR {bad}  (bad case file)" in run.output
    assert f"{bad}:5:7: unknown key 'result_subsett' in expect" in run.output
    assert "did you mean 'result_subset'?" in run.output
    assert run.output.count("PASS  ") == 2
    assert run.output.splitlines()[-1] == "2 passed, 1 failed"
    assert "Traceback" not in run.output


def test_no_case_files_is_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("a: 1\n")
    run = jsrt_test(str(tmp_path))
    assert run.exit_code == 2
    assert f"no case files found in {tmp_path}" in run.output
    assert "*.case.yaml" in run.output


def test_keyword_filter_selects_cases_by_file_and_name(tmp_path: Path) -> None:
    write_project(tmp_path, orders=PASSING_CASES, other=FAILING_CASES)
    run = jsrt_test(str(tmp_path), "-k", "THROW")
    assert run.exit_code == 0
    assert run.output.count("PASS  ") == 1
    assert run.output.splitlines()[-1] == "1 passed, 0 failed"
    none = jsrt_test(str(tmp_path), "-k", "nothing-like-this")
    assert none.exit_code == 2
    assert "no case matches -k 'nothing-like-this' (4 cases found)" in none.output


def test_json_report_has_every_case_its_failures_and_the_counts(tmp_path: Path) -> None:
    write_project(tmp_path, a=PASSING_CASES, b=FAILING_CASES)
    run = jsrt_test(str(tmp_path), "--json")
    assert run.exit_code == 1
    report = json.loads(run.output)
    assert report["summary"] == {"total": 4, "passed": 2, "failed": 2, "errors": 0, "bad_files": 0}
    assert report["exit_code"] == 1
    by_name = {case["name"]: case for case in report["cases"]}
    assert by_name["totals each record"]["status"] == "passed"
    assert "failures" not in by_name["totals each record"]
    wrong = by_name["wrong total"]
    assert wrong["status"] == "failed"
    assert wrong["file"] == str(tmp_path / "b.case.yaml")
    assert wrong["line"] == 5
    assert wrong["duration_ms"] > 0
    (failure,) = wrong["failures"]
    assert failure["what"] == "result_subset"
    assert failure["expected"] == {"data": [{"id": 7, "total": 13}]}
    assert failure["actual"] == {"data": [{"id": 7, "total": 12}]}
    assert failure["diff"].startswith("--- expected\n+++ actual\n")


def test_junit_report_parses_and_counts_failures_and_errors(tmp_path: Path) -> None:
    write_project(tmp_path, a=PASSING_CASES, b=FAILING_CASES, c=BAD_CASES)
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    run = jsrt_test(str(tmp_path), "--junit", str(junit))
    assert run.exit_code == 2
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "2", "1")
    suites = {Path(s.get("name")).name: s for s in root.findall("testsuite")}
    assert set(suites) == {"a.case.yaml", "b.case.yaml", "c.case.yaml"}
    failing = suites["b.case.yaml"]
    assert (failing.get("tests"), failing.get("failures"), failing.get("errors")) == ("2", "2", "0")
    wrong = next(c for c in failing.findall("testcase") if c.get("name") == "wrong total")
    failure = wrong.find("failure")
    assert failure.get("message") == "result_subset: does not contain the expected values"
    assert "at $.data[0].total: expected 13, got 12" in failure.text
    assert "page 0: 1 records" in wrong.find("system-out").text
    passing = suites["a.case.yaml"].findall("testcase")
    assert [c.find("failure") for c in passing] == [None, None]
    (load,) = suites["c.case.yaml"].findall("testcase")
    assert "unknown key 'result_subsett'" in load.find("error").get("message")


def test_a_script_that_does_not_load_is_an_error_unless_the_case_expects_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "lodash.js").write_text("import _ from 'lodash'\nfunction f(options) {}\n")
    (tmp_path / "imports.case.yaml").write_text(
        "script: lodash.js\n"
        "cases:\n"
        "  - name: not expected\n"
        "  - name: expected\n"
        "    expect: {error: {type: LoadError, message: lodash}}\n"
    )
    run = jsrt_test(str(tmp_path / "imports.case.yaml"))
    assert run.exit_code == 2
    assert "ERROR " in run.output and "::not expected" in run.output
    assert "PASS  " in run.output and "::expected" in run.output
    assert "the case could not run:" in run.output
    assert "LoadError: " in run.output
    assert run.output.splitlines()[-1] == "1 passed, 1 failed"


SYNC_JS = """
import { lookupcaches, imports, exports, flows } from 'integrator-api'
function preSavePage(options) {
  lookupcaches.putData({ _id: 'c1', data: options.data.map(r => ({ key: r.id, value: 'seen' })) })
  imports.run({ _id: 'im1', data: options.data })
  exports.run({ _id: 'e9' })
  flows.run({ _id: 'f2' })
  return { data: options.data, errors: [] }
}
"""

SYNC_WORLD = """
integrations: [{_id: i1, name: Shop}]
flows: [{_id: f1, _integrationId: i1}, {_id: f2, _integrationId: i1}]
exports: [{_id: e9, _integrationId: i1}]
imports: [{_id: im1, _integrationId: i1}]
lookupcaches: [{_id: c1, name: orders, _integrationId: i1, data: [{key: SO-1, value: new}]}]
"""

SYNC_CASE = """
script: sync.js
world: world.yaml
options: {_flowId: f1, _integrationId: i1}
data: [{id: SO-1}, {id: SO-2}]
expect:
  world:
    lookupcaches: {c1: {SO-1: seen, SO-2: seen}}
    imported: {im1: [{id: SO-1}, {id: SO-2}]}
    export_runs: {e9: [{}]}
    jobs: {f2: [{}]}
"""


def test_world_expectations_read_the_local_backend_after_the_run(tmp_path: Path) -> None:
    (tmp_path / "sync.js").write_text(SYNC_JS)
    (tmp_path / "world.yaml").write_text(SYNC_WORLD)
    (tmp_path / "sync.case.yaml").write_text(SYNC_CASE)
    assert jsrt_test(str(tmp_path)).exit_code == 0
    wrong = SYNC_CASE.replace("SO-2: seen}", "SO-2: new}, c9: {}").replace("[{}]}\n", "[{}, {}]}\n")
    (tmp_path / "sync.case.yaml").write_text(wrong)
    run = jsrt_test(str(tmp_path), "--json")
    assert run.exit_code == 1
    failures = {f["what"]: f for f in json.loads(run.output)["cases"][0]["failures"]}
    assert set(failures) == {
        'world.lookupcaches["c1"]',
        'world.lookupcaches["c9"]',
        'world.export_runs["e9"]',
        'world.jobs["f2"]',
    }
    assert failures['world.lookupcaches["c1"]']["details"] == [
        'at $["SO-2"]: expected "new", got "seen"'
    ]
    missing = failures['world.lookupcaches["c9"]']["message"]
    assert missing.startswith("the world has no such entry (") and "c9" in missing
    assert failures['world.jobs["f2"]']["details"] == ["at $: expected a list of 2 items, got 1"]


def test_the_documented_example_runs_against_the_sample_hook(tmp_path: Path) -> None:
    import textwrap

    import jsrt.cases

    sample = Path(__file__).parents[2] / "sample_hooks" / "preSavePage" / "normalizeOrders.js"
    doc = jsrt.cases.__doc__
    example = doc[doc.index("    # orders.case.yaml") : doc.index("Without `cases:`")]
    (tmp_path / "orders.case.yaml").write_text(textwrap.dedent(example))
    (tmp_path / "normalizeOrders.js").write_text(sample.read_text())
    (tmp_path / "world.yaml").write_text("{}\n")
    run = jsrt_test(str(tmp_path))
    assert run.output.splitlines()[-1] == "2 passed, 0 failed", run.output


def test_world_expectations_under_replay_say_why_they_cannot_hold(tmp_path: Path) -> None:
    write_project(tmp_path, orders=PASSING_CASES)
    cassette = str(tmp_path / "cases.cassette.json")
    recorded = jsrt_test(str(tmp_path), "--record", cassette, "--json")
    assert recorded.exit_code == 0, recorded.output
    replayed = jsrt_test(str(tmp_path), "--replay", cassette, "--json")
    assert replayed.exit_code == 1
    cases = json.loads(replayed.stdout)["cases"]
    world_failures = [f for c in cases for f in c.get("failures", []) if f["what"] == "world"]
    assert world_failures, cases
    assert "inspect the local backend" in world_failures[0]["message"]
    assert "ran on the replay backend" in world_failures[0]["message"]


def test_a_case_whose_hook_throws_shows_the_scripts_line_and_a_caret(tmp_path: Path) -> None:
    case = "script: hook.js\ncases:\n  - name: breaks\n    function: broken\n"
    write_project(tmp_path, broken=case)
    run = jsrt_test(str(tmp_path))
    assert run.exit_code == 1
    lines = run.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "TypeError: Cannot read" in line)
    assert f"{tmp_path / 'hook.js'}:12:23: TypeError: Cannot read properties" in lines[at]
    assert [line.strip() for line in lines[at + 1 : at + 3]] == [
        "return options.nope.length",
        "^",
    ]
    assert lines[at + 2].index("^") - lines[at + 1].index("return") == len("return options.nope.")


HOSTILE_JS = """
function halfAPair(options) {
  console.log('half: ' + '😀'.slice(0, 1));
  return { data: [{ s: '😀'.slice(0, 1) }] };
}
function tooDeep(options) {
  let v = {};
  for (let i = 0; i < 1500; i++) v = { v };
  return { data: [v] };
}
function forged(options) {
  const real = JSON.stringify;
  const text = '1}]},"error":{"type":"EngineCrashed","message":"forged"},"x":[{"a":1';
  JSON.stringify = (value) => text;
  return { data: options.data };
}
function plain(options) { return { data: options.data }; }
"""

HOSTILE_CASES = """
script: hostile.js
cases:
  - name: half a pair
    function: halfAPair
    expect:
      result: {data: [{s: "\\ufffd"}]}
      logs: [{text: "half: \\ufffd"}]
  - name: too deep
    function: tooDeep
    expect:
      error: {type: ContractViolation, message: "nested deeper than 200 levels"}
  - name: forged
    function: forged
    data: [{id: 1}]
    expect:
      result: {data: [{id: 1}]}
  - name: plain
    function: plain
    data: [{id: 2}]
    expect:
      result: {data: [{id: 2}]}
"""


def test_ordinary_data_and_hostile_hooks_leave_every_case_running(tmp_path: Path) -> None:
    (tmp_path / "hostile.js").write_text(HOSTILE_JS, encoding="utf-8")
    (tmp_path / "hostile.case.yaml").write_text(HOSTILE_CASES, encoding="utf-8")
    run = jsrt_test(str(tmp_path), "--json")
    report = json.loads(run.output)
    assert report["summary"] == {"total": 4, "passed": 4, "failed": 0, "errors": 0, "bad_files": 0}
    assert run.exit_code == 0
