"""The pytest plugin: case files as pytest items, the fixtures and helpers, xdist."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from case_project import BAD_CASES, FAILING_CASES, PASSING_CASES, write_project

# Imported here so pytester's in-process runs find them loaded and do not re-import them
# (it drops modules a run imports; a second copy would start a second engine worker).
import jsrt.cases
import jsrt.reporting
import jsrt.runner  # noqa: F401

pytest_plugins = ["pytester"]


def run_inline(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in this process; pytest-benchmark, if installed, would warn under xdist."""
    return pytester.runpytest("-p", "no:benchmark", *args)


def test_each_case_is_an_item_and_a_failure_reads_like_jsrt_test(pytester: pytest.Pytester) -> None:
    write_project(pytester.path, orders=PASSING_CASES, other=FAILING_CASES)
    result = run_inline(pytester, "-v")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*orders.case.yaml::totals each record PASSED*",
            "*orders.case.yaml::a throw that is expected PASSED*",
            "*other.case.yaml::wrong total FAILED*",
        ]
    )
    out = result.stdout.str()
    assert "result_subset: does not contain the expected values" in out
    assert "at $.data[0].total: expected 13, got 12" in out
    assert '  -      "total": 13\n  +      "total": 12' in out
    assert "calls[0]: no matching state.putForResource call; closest is call #2" in out
    assert "jsrt/cases/" not in result.stdout.str()


def test_a_case_whose_function_says_no_script_type_warns(pytester: pytest.Pytester) -> None:
    write_project(pytester.path, orders=PASSING_CASES)
    result = run_inline(pytester)
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*orders.case.yaml:*: JsrtRunWarning: broken's script type is not known from its"
            " name; it ran as a plain function with no contract*--hook*",
        ]
    )


def test_a_bad_case_file_is_a_collection_error_without_a_traceback(
    pytester: pytest.Pytester,
) -> None:
    write_project(pytester.path, orders=PASSING_CASES, typo=BAD_CASES)
    result = run_inline(pytester, "--continue-on-collection-errors")
    result.assert_outcomes(passed=2, errors=1)
    out = result.stdout.str()
    assert "typo.case.yaml:5:7: unknown key 'result_subsett' in expect" in out
    assert "did you mean 'result_subset'?" in out
    assert "Traceback" not in out and "jsrt/cases/" not in out


def test_jsrt_timeout_option_limits_case_runs(pytester: pytest.Pytester) -> None:
    pytester.makefile(".js", loop="function f(options) { while (true) {} }\n")
    pytester.makefile(".case.yaml", spin="script: loop.js\nexpect: {error: {type: HookTimeout}}\n")
    result = run_inline(pytester, "--jsrt-timeout", "0.3")
    result.assert_outcomes(passed=1)


FIXTURE_TESTS = """
import pytest
from jsrt.pytest_plugin import assert_called, assert_logged

DATA = {"data": [{"id": 1, "qty": 2, "price": 3}]}


@pytest.mark.jsrt_world("world.yaml")
def test_marker_seeds_the_world(jsrt_run, jsrt_world):
    result = jsrt_run("hook.js", "preSavePage", DATA)
    assert result.ok, result.error
    assert jsrt_run.last is result
    assert result.value["data"][0]["total"] == 6
    calls = assert_called(result, "state.putForResource", count=1, args_subset={"value": 11})
    assert calls[0]["args"][0]["key"] == "seen"
    assert_logged(result, "1 records", level="log")
    assert jsrt_world.state_of("exports", "e1") == {"seen": 11}


def test_ini_option_seeds_the_world(jsrt_runtime):
    result = jsrt_runtime.run_hook("hook.js", "preSavePage", DATA)
    assert jsrt_runtime.world.state_of("exports", "e1") == {"seen": 11}, result.error


@pytest.mark.jsrt_world("world.yaml")
def test_assert_called_shows_the_closest_call(jsrt_run):
    result = jsrt_run("hook.js", "preSavePage", DATA)
    assert_called(result, "state.putForResource", args_subset={"value": 99})


@pytest.mark.jsrt_world("world.yaml")
def test_assert_logged_lists_the_logs(jsrt_run):
    assert_logged(jsrt_run("hook.js", "preSavePage", DATA), "no such line")
"""


def test_fixtures_and_helpers(pytester: pytest.Pytester) -> None:
    write_project(pytester.path)
    pytester.makeini("[pytest]\njsrt_world = world.yaml\n")
    pytester.makepyfile(test_hooks=FIXTURE_TESTS)
    result = run_inline(pytester)
    result.assert_outcomes(passed=2, failed=2)
    out = result.stdout.str()
    assert "state.putForResource: no matching state.putForResource call; closest is call #2" in out
    assert "at $.args[0].value: expected 99, got 11" in out
    assert '-      "value": 99' in out and '+      "value": 11' in out
    assert 'log: no log entry matches {"contains": "no such line"}' in out
    assert "#1 [log] page 0: 1 records" in out


def test_a_project_without_case_files_never_loads_the_runtime(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", data="a: 1\n")
    pytester.makefile(".txt", **{"notes.case": "not a case file"})
    pytester.makepyfile(
        """
        import sys

        def test_plain():
            assert "jsrt.pytest_plugin" in sys.modules
            loaded = {"jsrt.runner", "jsrt.cases", "jsrt.expect"} & set(sys.modules)
            assert not loaded
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args, str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_case_files_run_under_xdist_and_without_it(tmp_path: Path) -> None:
    write_project(tmp_path, a=PASSING_CASES, b=FAILING_CASES, c=PASSING_CASES)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "d.case.yml").write_text(
        textwrap.dedent(
            """
            script: ../hook.js
            function: broken
            expect: {error: {name: TypeError}}
            """
        )
    )
    parallel = run_pytest(tmp_path, "-n", "2")
    assert parallel.returncode == 1, parallel.stdout + parallel.stderr
    assert "2 failed, 5 passed" in parallel.stdout
    assert "at $.data[0].total: expected 13, got 12" in parallel.stdout
    assert "created: 2/2 workers" in parallel.stdout
    serial = run_pytest(tmp_path, "-p", "no:xdist")
    assert serial.returncode == 1, serial.stdout + serial.stderr
    assert "2 failed, 5 passed" in serial.stdout
    assert "at $.args[0].value: expected 11, got 12" in serial.stdout


def test_recording_under_xdist_is_refused_and_replaying_is_not(tmp_path: Path) -> None:
    write_project(tmp_path, a=PASSING_CASES)
    refused = run_pytest(tmp_path, "-n", "2", "--jsrt-record", "c.json")
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "--jsrt-record cannot be used with pytest-xdist" in refused.stderr
    assert not (tmp_path / "c.json").exists()
    recorded = run_pytest(tmp_path, "-p", "no:xdist", "--jsrt-record", "c.json")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    replayed = run_pytest(tmp_path, "-n", "2", "--jsrt-replay", "c.json")
    assert "created: 2/2 workers" in replayed.stdout, replayed.stdout + replayed.stderr
    assert "cannot be used with pytest-xdist" not in replayed.stderr
