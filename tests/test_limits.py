"""The time and heap limits and the caps on what a run keeps: every front end refuses a
value outside the accepted range (`jsrt.run.limits`) with a usage error that says the
range, and never crashes or drops the limit. integrator.io publishes no JSRT limits
(celigo-reference §2.4), so the ranges are what the engine honours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

# Loaded before pytester's in-process runs, which drop the modules a run imports.
import jsrt.cases
import jsrt.reporting  # noqa: F401
from jsrt.cli import main
from jsrt.errors import UsageError
from jsrt.runner import Runtime

pytest_plugins = ["pytester"]

HOOK = "function preSavePage(options) { return {data: options.data, errors: [], abort: false}; }\n"
PAGE = '{"data": [{"id": 1}]}'
CASE_DATA = "data: [{id: 1}]"
TIMEOUT_RANGE = "a number of seconds from 0.001 to 3600"
MEMORY_RANGE = "a whole number of MiB from 16 to 2048"
BAD_TIMEOUTS = ["inf", "1e9", "nan", "0", "-1", "-inf"]


@pytest.fixture
def hook_files(tmp_path: Path) -> tuple[Path, Path]:
    script = tmp_path / "hook.js"
    script.write_text(HOOK)
    options = tmp_path / "options.json"
    options.write_text(PAGE)
    return script, options


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("flag", "value", "accepted"),
    [
        *(("--timeout", value, TIMEOUT_RANGE) for value in BAD_TIMEOUTS),
        *(("--memory", value, MEMORY_RANGE) for value in ["1000000", "15", "2.5", "-1"]),
    ],
)
def test_jsrt_run_refuses_a_limit_outside_the_range(
    hook_files: tuple[Path, Path], flag: str, value: str, accepted: str
) -> None:
    script, options = hook_files
    result = invoke("run", str(script), "--options", str(options), flag, value)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{flag}': must be {accepted}" in result.stderr
    assert "Traceback" not in result.output


def test_a_bad_limit_with_json_prints_one_json_object(hook_files: tuple[Path, Path]) -> None:
    script, options = hook_files
    result = invoke("run", str(script), "--options", str(options), "--timeout", "inf", "--json")
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert out["ok"] is False and out["error"]["type"] == "UsageError"
    assert TIMEOUT_RANGE in out["error"]["message"]


def test_jsrt_run_states_the_range_and_runs_at_its_edges(hook_files: tuple[Path, Path]) -> None:
    help_text = " ".join(invoke("run", "--help").output.split())
    assert f"Wall-clock limit, {TIMEOUT_RANGE}." in help_text
    assert f"Heap limit, {MEMORY_RANGE}." in help_text
    script, options = hook_files
    result = invoke(
        "run", str(script), "--options", str(options), "--timeout", "3600", "--memory", "2048"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["data"] == [{"id": 1}]


@pytest.mark.parametrize("value", ["inf", "1e9", "0"])
def test_jsrt_test_refuses_a_timeout_outside_the_range(tmp_path: Path, value: str) -> None:
    (tmp_path / "hook.js").write_text(HOOK)
    (tmp_path / "a.case.yaml").write_text(f"script: hook.js\n{CASE_DATA}\n")
    result = invoke("test", str(tmp_path), "--timeout", value)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--timeout': must be {TIMEOUT_RANGE}" in result.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("timeout: .inf", f"timeout must be {TIMEOUT_RANGE}, got the number Infinity"),
        ("timeout: .nan", f"timeout must be {TIMEOUT_RANGE}, got the number NaN"),
        ("timeout: 1000000000", f"timeout must be {TIMEOUT_RANGE}, got 1000000000"),
        ("timeout: 0", f"timeout must be {TIMEOUT_RANGE}, got 0"),
        ("memory: 1000000", f"memory must be {MEMORY_RANGE}, got 1000000"),
        ("memory: 8", f"memory must be {MEMORY_RANGE}, got 8"),
    ],
)
def test_a_case_file_limit_outside_the_range_names_its_line(
    tmp_path: Path, setting: str, message: str
) -> None:
    (tmp_path / "hook.js").write_text(HOOK)
    (tmp_path / "a.case.yaml").write_text(f"script: hook.js\n{setting}\n{CASE_DATA}\n")
    (tmp_path / "b.case.yaml").write_text(f"script: hook.js\n{CASE_DATA}\n")
    result = invoke("test", str(tmp_path), "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 2
    [bad] = report["bad_files"]
    assert bad["error"]["line"] == 2 and message in bad["error"]["message"]
    assert [case["status"] for case in report["cases"]] == ["passed"]


@pytest.mark.parametrize("value", ["inf", "1e9", "-1", "soon"])
def test_the_pytest_option_refuses_a_timeout_outside_the_range(
    pytester: pytest.Pytester, value: str
) -> None:
    pytester.makefile(".js", hook=HOOK)
    pytester.makefile(".case.yaml", a=f"script: hook.js\n{CASE_DATA}\n")
    result = pytester.runpytest("-p", "no:benchmark", f"--jsrt-timeout={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--jsrt-timeout must be {TIMEOUT_RANGE}*"])


def test_the_pytest_ini_timeout_is_checked_too(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\njsrt_timeout = 1e9\n")
    pytester.makefile(".js", hook=HOOK)
    pytester.makefile(".case.yaml", a=f"script: hook.js\n{CASE_DATA}\n")
    result = pytester.runpytest("-p", "no:benchmark")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*jsrt_timeout (ini) must be {TIMEOUT_RANGE}, got 1e+09*"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"timeout_s": float("inf")},
            f"timeout_s must be {TIMEOUT_RANGE}, got the number Infinity",
        ),
        ({"timeout_s": 1e9}, f"timeout_s must be {TIMEOUT_RANGE}, got 1e+09"),
        ({"timeout_s": float("nan")}, f"timeout_s must be {TIMEOUT_RANGE}, got the number NaN"),
        ({"timeout_s": 0}, f"timeout_s must be {TIMEOUT_RANGE}, got 0"),
        ({"timeout_s": -5}, f"timeout_s must be {TIMEOUT_RANGE}, got -5"),
        ({"memory_mb": 1_000_000}, f"memory_mb must be {MEMORY_RANGE}, got 1000000"),
        ({"memory_mb": 64.0}, f"memory_mb must be {MEMORY_RANGE}, got the number 64.0"),
    ],
)
def test_the_python_api_refuses_limits_outside_the_range(
    hook_files: tuple[Path, Path], arguments: dict[str, float], message: str
) -> None:
    script, _ = hook_files
    with pytest.raises(UsageError) as refused:
        Runtime(**arguments)  # type: ignore[arg-type]
    assert str(refused.value).startswith(message)
    with pytest.raises(UsageError) as refused:
        Runtime().run_hook(script, options={"data": []}, **arguments)  # type: ignore[arg-type]
    assert str(refused.value).startswith(message)


LINES_RANGE = "a whole number of log lines from 1 to 1000000"
CHARS_RANGE = "a whole number of characters from 1 to 64000000"
CALLS_RANGE = "a whole number of calls from 1 to 1000000"
BAD_CAPS = [
    ("--max-log-lines", "0", LINES_RANGE),
    ("--max-log-lines", "1000001", LINES_RANGE),
    ("--max-log-lines", "2.5", LINES_RANGE),
    ("--max-log-chars", "64000001", CHARS_RANGE),
    ("--max-log-chars", "-1", CHARS_RANGE),
    ("--max-calls", "0", CALLS_RANGE),
    ("--max-calls", "1e9", CALLS_RANGE),
    ("--max-calls", "many", CALLS_RANGE),
]


@pytest.mark.parametrize(("flag", "value", "accepted"), BAD_CAPS)
def test_jsrt_run_and_test_refuse_a_cap_outside_the_range(
    hook_files: tuple[Path, Path], flag: str, value: str, accepted: str
) -> None:
    script, options = hook_files
    (script.parent / "a.case.yaml").write_text(f"script: hook.js\n{CASE_DATA}\n")
    for args in (["run", str(script), "--options", str(options)], ["test", str(script.parent)]):
        result = invoke(*args, flag, value)
        assert result.exit_code == 2, result.output
        assert f"Invalid value for '{flag}': must be {accepted}" in result.stderr
        assert "Traceback" not in result.output


def test_the_help_states_each_caps_default_and_range() -> None:
    for command in ("run", "test"):
        help_text = " ".join(invoke(command, "--help").output.split())
        assert f"({LINES_RANGE}; default 100000)" in help_text
        assert f"({CHARS_RANGE}; default 16000000)" in help_text
        assert f"({CALLS_RANGE}; default 100000)" in help_text


CALLING = """
import { state } from 'integrator-api';
export function preSavePage(options) {
  const where = { resourceType: 'flows', _id: 'f1', key: 'k' };
  for (let i = 0; i < 5; i++) {
    try { state.getForResource(where); } catch (e) { /* a failed call is a call too */ }
  }
  return { data: options.data };
}
"""
TWO_CALLS = f"script: hook.js\n{CASE_DATA}\nexpect: {{calls_count: 2}}\n"


def test_jsrt_test_caps_the_cases_that_set_none(tmp_path: Path) -> None:
    (tmp_path / "hook.js").write_text(CALLING)
    (tmp_path / "two.case.yaml").write_text(TWO_CALLS)
    (tmp_path / "own.case.yaml").write_text(f"max_calls: 3\n{TWO_CALLS}")
    report = json.loads(invoke("test", str(tmp_path), "--max-calls", "2", "--json").stdout)
    outcomes = {Path(case["file"]).name: case["status"] for case in report["cases"]}
    assert outcomes == {"two.case.yaml": "passed", "own.case.yaml": "failed"}
    uncapped = json.loads(invoke("test", str(tmp_path), "--json").stdout)
    assert [case["status"] for case in uncapped["cases"]] == ["failed", "failed"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("max_log_lines: 0", f"max_log_lines must be {LINES_RANGE}, got 0"),
        ("max_log_chars: 100000000", f"max_log_chars must be {CHARS_RANGE}, got 100000000"),
        ("max_calls: 2.5", "max_calls must be a whole number of calls"),
    ],
)
def test_a_case_file_cap_outside_the_range_names_its_line(
    tmp_path: Path, setting: str, message: str
) -> None:
    (tmp_path / "hook.js").write_text(HOOK)
    (tmp_path / "a.case.yaml").write_text(f"script: hook.js\n{setting}\n{CASE_DATA}\n")
    result = invoke("test", str(tmp_path), "--json")
    assert result.exit_code == 2
    [bad] = json.loads(result.stdout)["bad_files"]
    assert bad["error"]["line"] == 2 and message in bad["error"]["message"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--jsrt-max-calls=0", f"*--jsrt-max-calls must be {CALLS_RANGE}, got 0*"),
        ("--jsrt-max-log-lines=lots", f"*--jsrt-max-log-lines must be {LINES_RANGE}, got*"),
    ],
)
def test_the_pytest_options_refuse_a_cap_outside_the_range(
    pytester: pytest.Pytester, option: str, message: str
) -> None:
    pytester.makefile(".js", hook=HOOK)
    pytester.makefile(".case.yaml", a=f"script: hook.js\n{CASE_DATA}\n")
    result = pytester.runpytest("-p", "no:benchmark", option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_the_pytest_caps_reach_case_files_and_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\njsrt_max_log_lines = 10\n")
    pytester.makefile(".js", hook=CALLING)
    pytester.makefile(".case.yaml", a=TWO_CALLS)
    pytester.makepyfile(
        test_logs="""
        def test_logs(jsrt_run):
            result = jsrt_run(
                "chatty.js", options={"data": [{"a": 1}]}, hook="preSavePage"
            )
            assert len(result.logs) == 10 and result.dropped == {"logs": 40}
        """
    )
    pytester.makefile(
        ".js",
        chatty="export function preSavePage(options) {"
        " for (let i = 0; i < 50; i++) console.log('line ' + i); return { data: options.data }; }",
    )
    result = pytester.runpytest("-p", "no:benchmark", "--jsrt-max-calls=2")
    result.assert_outcomes(passed=2)


def test_the_pytest_ini_cap_is_checked_too(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\njsrt_max_log_chars = 0\n")
    pytester.makefile(".js", hook=HOOK)
    result = pytester.runpytest("-p", "no:benchmark")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*jsrt_max_log_chars (ini) must be {CHARS_RANGE}, got 0*"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"max_log_lines": 1_000_001}, f"max_log_lines must be {LINES_RANGE}, got 1000001"),
        ({"max_log_chars": 0}, f"max_log_chars must be {CHARS_RANGE}, got 0"),
        ({"max_calls": 2.0}, f"max_calls must be {CALLS_RANGE}, got the number 2.0"),
    ],
)
def test_the_python_api_refuses_caps_outside_the_range(
    arguments: dict[str, float], message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        Runtime(**arguments)  # type: ignore[arg-type]
    assert str(refused.value).startswith(message)
