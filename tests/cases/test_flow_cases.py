"""Flow cases: a case file's `flow:` without `step:` runs the whole flow; `jsrt test`, the
Python API and the pytest plugin run it, with the usual diffs when it falls short."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from flow_project import FLOW, IMPORT, write_text, write_world

from jsrt.cases import load_case_file, run_case
from jsrt.cli import main
from jsrt.errors import InputError

PASSING = f"""
world: world.yaml
flow: {FLOW}
cases:
  - name: SO-3 has no quantity, the others reach the import
    expect:
      ok: false
      received:
        {IMPORT}:
          - {{orderId: SO-1, tier: gold, amount: 10, stamped: true}}
          - {{orderId: SO-2}}
          - {{orderId: SO-4}}
          - {{orderId: SO-5, amount: 8}}
      counts:
        Get orders: {{received: 5, passed: 5, hooks: {{preSavePage: {{runs: 3}}}}}}
        i-erp: {{received: 5, passed: 4, failed: 1, hooks: {{preMap: {{runs: 3}}}}}}
      stages:
        {IMPORT}:
          - {{name: preMap, page: 1, errors: [{{code: NO_QTY, retryData: {{id: SO-3}}}}]}}
          - {{name: postMap, page: 2}}
      errors: [{{code: NO_QTY, message: order SO-3 has no quantity}}]
      world:
        imported: {{i-erp: []}}
  - name: the first page only, from given records
    pages: 1
    data:
      - {{id: A-1, qty: 1, price: 3}}
      - {{id: A-2, qty: 2, price: 3}}
      - {{id: A-3, qty: 1, price: 1}}
    expect:
      received:
        {IMPORT}: [{{orderId: A-1, amount: 3}}, {{orderId: A-2, amount: 6}}]
      counts:
        0: {{received: 2}}
"""


def jsrt_test(*args: str):
    return CliRunner().invoke(main, ["test", *args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_world(tmp_path)
    return tmp_path


def test_flow_cases_pass_in_jsrt_test(project: Path) -> None:
    case = write_text(project / "orders.case.yaml", PASSING)
    run = jsrt_test(str(case))
    assert run.exit_code == 0, run.output
    assert run.output.splitlines()[-1] == "2 passed, 0 failed"


def test_a_flow_case_runs_through_the_python_api(project: Path) -> None:
    case = write_text(project / "orders.case.yaml", PASSING)
    first, second = load_case_file(case).cases
    assert first.runs_flow and first.flow == FLOW and first.script is None
    assert second.flow_input == {"pages": 1, "data": second.flow_input["data"]}
    outcome = run_case(first)
    assert outcome.status == "passed", [f.render() for f in outcome.failures]


def test_a_missed_expectation_shows_the_path_and_the_diff(project: Path) -> None:
    case = write_text(
        project / "orders.case.yaml",
        f"""
        world: world.yaml
        flow: {FLOW}
        expect:
          ok: false
          received:
            {IMPORT}: [{{orderId: SO-1, amount: 11}}, {{}}, {{}}, {{}}]
          counts:
            {IMPORT}: {{failed: 0}}
        """,
    )
    run = jsrt_test(str(case))
    assert run.exit_code == 1
    text = run.output
    assert f'received["{IMPORT}"]: does not contain the expected values' in text
    assert "at $[0].amount: expected 11, got 10" in text
    assert '-    "amount": 11' in text and '+    "amount": 10' in text
    assert f'counts["{IMPORT}"]: does not contain the expected values' in text
    assert "at $.failed: expected 0, got 1" in text


def test_a_flow_that_fails_where_the_case_expects_ok_says_why(project: Path) -> None:
    case = write_text(
        project / "orders.case.yaml", f"world: world.yaml\nflow: {FLOW}\nexpect: {{}}\n"
    )
    run = jsrt_test(str(case))
    assert run.exit_code == 1
    assert "ok: the run failed" in run.output
    assert "NO_QTY: order SO-3 has no quantity" in run.output


def test_an_unknown_step_names_the_steps_there_are(project: Path) -> None:
    case = write_text(
        project / "orders.case.yaml",
        f"world: world.yaml\nflow: {FLOW}\nexpect: {{ok: false, counts: {{Save order: {{}}}}}}\n",
    )
    run = jsrt_test(str(case))
    assert run.exit_code == 1
    assert "counts[\"Save order\"]: the flow has no step 'Save order'" in run.output
    assert f"the closest: {IMPORT}" in run.output


def test_a_missing_stage_is_diffed_against_the_closest_one_of_its_name(project: Path) -> None:
    case = write_text(
        project / "orders.case.yaml",
        f"""
        world: world.yaml
        flow: {FLOW}
        expect:
          ok: false
          stages:
            {IMPORT}: [{{name: preMap, page: 1, errors: [{{code: NO_QUANTITY}}]}}]
        """,
    )
    run = jsrt_test(str(case))
    assert run.exit_code == 1
    assert f'stages["{IMPORT}"][0]: no matching stage after stage #0; closest is' in run.output
    assert "(preMap, page 1)" in run.output
    assert 'expected "NO_QUANTITY", got "NO_QTY"' in run.output


def test_an_unknown_flow_is_an_error_unless_expected(project: Path) -> None:
    case = write_text(
        project / "orders.case.yaml",
        """
        world: world.yaml
        flow: Orders to ERB
        cases:
          - name: not expected
          - name: expected
            expect: {error: {message: Orders to ERB}}
        """,
    )
    run = jsrt_test(str(case))
    assert run.exit_code == 2
    lines = run.output.splitlines()
    assert lines[0].startswith("ERROR ") and lines[0].split("  ")[0].endswith("::not expected")
    assert lines[1].startswith("PASS  ") and "::expected" in lines[1]
    assert "the closest flows: f-orders (Orders to ERP)" in run.output


def test_a_hook_that_stops_a_page_is_the_runs_error(tmp_path: Path) -> None:
    """A preMap whose return has the wrong length fails its page (celigo-reference: a
    length mismatch fails the page): `expect.error` matches it as a hook run's error."""
    write_world(tmp_path, pre_map="dropsOne")
    path = write_text(
        tmp_path / "broken.case.yaml",
        f"""
        world: world.yaml
        flow: {FLOW}
        pages: 1
        cases:
          - name: expected
            expect:
              error: {{type: ContractViolation, message: "stage preMap, page 0"}}
              counts: {{{IMPORT}: {{received: 2, failed: 2}}}}
          - name: not expected
            expect: {{}}
        """,
    )
    first, second = (run_case(case) for case in load_case_file(path).cases)
    assert first.status == "passed", [f.render() for f in first.failures]
    assert second.status == "failed"
    (failure,) = second.failures
    assert failure.what == "ok" and failure.message == "the run failed"
    assert failure.details[0].startswith(
        "ContractViolation: dropsOne broke the preMap contract: invalid_extension_response"
    )


@pytest.mark.parametrize(
    ("text", "place", "message"),
    [
        (
            f"world: world.yaml\nflow: {FLOW}\nscript: hook.js\n",
            "3:1",
            "`script` has no meaning in a flow case",
        ),
        (
            f"world: world.yaml\nflow: {FLOW}\nexpect:\n  result: 1\n",
            "4:3",
            "`expect.result` judges one hook's run, and a flow case runs a whole flow",
        ),
        (
            "world: world.yaml\nflow: X\nstep: 0\nexpect:\n  received: {X: []}\n",
            "5:3",
            "`expect.received` judges a flow's steps, and this case runs no flow",
        ),
        (
            f"world: world.yaml\nflow: {FLOW}\nexpect:\n  logs: [{{contains: x}}]\n",
            "4:3",
            "`expect.logs` judges one hook's run",
        ),
        (f"flow: {FLOW}\nexpect: {{}}\n", "1:1", "a flow case needs `world`"),
        (f"world: world.yaml\nflow: {FLOW}\npages: 0\n", "3:1", "pages must be at least 1"),
        (f"world: world.yaml\nflow: {FLOW}\ndata: text\n", "3:1", "data must be a list of"),
        (
            f"world: world.yaml\nflow: {FLOW}\nexpect:\n  counts: {{x: 1}}\n",
            "4:12",
            "x must be a mapping of counts, got int 1 (at $.expect.counts.x)",
        ),
        (
            "world: world.yaml\nflow: X\nstep: 0\npages: 1\n",
            "4:1",
            "`pages` limits a flow's pages, and this case runs no flow",
        ),
    ],
)
def test_a_bad_flow_case_is_refused_at_its_line(
    project: Path, text: str, place: str, message: str
) -> None:
    case = write_text(project / "bad.case.yaml", text)
    with pytest.raises(InputError) as refused:
        load_case_file(case)
    assert str(refused.value).startswith(f"{case}:{place}: "), str(refused.value)
    assert message in str(refused.value)


pytest_plugins = ["pytester"]


def test_the_pytest_plugin_collects_and_runs_flow_cases(
    pytester: pytest.Pytester, project: Path
) -> None:
    write_world(pytester.path)
    write_text(pytester.path / "orders.case.yaml", PASSING)
    write_text(
        pytester.path / "wrong.case.yaml",
        f"world: world.yaml\nflow: {FLOW}\nexpect: {{ok: false, counts: {{0: {{passed: 4}}}}}}\n",
    )
    result = pytester.runpytest("-p", "no:benchmark", "-p", "no:xdist")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*counts*0*does not contain the expected values*"])


README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readmes_flow_case_passes_as_written(project: Path) -> None:
    """README "Running a flow": its case file, beside the world of its summary."""
    text = README.read_text(encoding="utf-8").split("<!-- readme-flow-case -->", 1)[1]
    case_text = text.split("```yaml\n", 1)[1].split("\n```", 1)[0]
    (project / "cases").mkdir()
    case = write_text(project / "cases" / "orders-flow.case.yaml", case_text)
    run = jsrt_test(str(case))
    assert run.exit_code == 0, run.output
    assert run.output.splitlines()[-1] == "2 passed, 0 failed"


def test_the_pytest_fixture_runs_a_whole_flow(pytester: pytest.Pytester) -> None:
    write_world(pytester.path)
    pytester.makepyfile(
        test_orders=f"""
        import pytest

        @pytest.mark.jsrt_world("world.yaml")
        def test_orders_flow(jsrt_run):
            result = jsrt_run.flow({FLOW!r}, pages=1)
            assert result.ok and result.pages == 1
            assert [r["orderId"] for r in result.imported({IMPORT!r})] == ["SO-1", "SO-2"]
            assert jsrt_run.last is None  # hook results only
        """
    )
    result = pytester.runpytest("-p", "no:benchmark", "-p", "no:xdist")
    result.assert_outcomes(passed=1)
