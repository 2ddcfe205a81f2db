"""The pytest plugin reads the project config under its options and ini options."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

HOOK = """
function preMap(options) {
  for (let i = 0; i < 6; i++) console.log('line ' + i);
  return options.data.map((d) => ({ data: d }));
}
"""

TEST = """
def test_kept(jsrt_run):
    result = jsrt_run("hook.js", "preMap", {"data": [{"id": 1}]})
    assert result.ok, result.error
    print("KEPT", 6 - result.dropped.get("logs", 0))
"""


def _kept(pytester: pytest.Pytester, *args: str) -> int:
    run = pytester.runpytest("-s", "-p", "no:cacheprovider", *args)
    run.assert_outcomes(passed=1)
    line = next(line for line in run.outlines if "KEPT" in line)
    return int(line.split("KEPT")[1])


def test_limits_come_from_the_config_its_environment_then_ini_then_options(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "hook.js").write_text(HOOK, encoding="utf-8")
    pytester.makepyfile(test_hook=TEST)
    (pytester.path / "jsrt.toml").write_text(
        "[limits]\nmax_log_lines = 3\n[env.ci.limits]\nmax_log_lines = 2\n", encoding="utf-8"
    )
    assert _kept(pytester) == 3
    assert _kept(pytester, "--jsrt-env", "ci") == 2
    assert _kept(pytester, "--jsrt-env", "ci", "--jsrt-max-log-lines", "4") == 4
    pytester.makeini("[pytest]\njsrt_max_log_lines = 5\n")
    assert _kept(pytester, "--jsrt-env", "ci") == 5


def test_a_bad_project_config_stops_the_session_at_its_place(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    (pytester.path / "jsrt.toml").write_text("[limits]\nmemory = 1\n", encoding="utf-8")
    run = pytester.runpytest("-p", "no:cacheprovider")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    assert "jsrt.toml:2:1: memory must be a whole number of MiB" in run.stderr.str()
    (pytester.path / "jsrt.toml").write_text("[env.sandbox]\n", encoding="utf-8")
    unknown = pytester.runpytest("-p", "no:cacheprovider", "--jsrt-env", "sandbx")
    assert unknown.ret == pytest.ExitCode.USAGE_ERROR
    assert "did you mean 'sandbox'?" in unknown.stderr.str()
