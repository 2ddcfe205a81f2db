"""The project config: found by walking up, read by every command, under the chosen
environment's section and the command line's flags; a bad one refused at its place."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jsrt.cli import main
from jsrt.config import find_config, load_config, read_config

LOGGING_HOOK = """
function preMap(options) {
  for (let i = 0; i < 6; i++) console.log('line ' + i);
  return options.data.map((d) => ({ data: d }));
}
function enrich(options) {
  return options.data.map((d) => ({ data: Object.assign({ enriched: true }, d) }));
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A project folder with a hook, as the current folder."""
    (tmp_path / "hook.js").write_text(LOGGING_HOOK, encoding="utf-8")
    (tmp_path / "options.json").write_text('{"data": [{"id": 1}]}', encoding="utf-8")
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)


def _jsrt(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _kept_log_lines(result: Result) -> int:
    out = json.loads(result.output)
    return 6 - out.get("dropped", {}).get("logs", 0)


def test_limits_precedence_file_then_environment_then_flags(project: Path) -> None:
    (project / "jsrt.toml").write_text(
        "[limits]\nmax_log_lines = 3\n\n[env.ci.limits]\nmax_log_lines = 2\n", encoding="utf-8"
    )
    run = ("run", "hook.js", "--function", "preMap", "--options", "options.json", "--json")
    assert _kept_log_lines(_jsrt(*run)) == 3  # the file
    assert _kept_log_lines(_jsrt(*run, "--env", "ci")) == 2  # the environment over it
    assert _kept_log_lines(_jsrt(*run, env={"JSRT_ENV": "ci"})) == 2  # $JSRT_ENV chooses it too
    assert _kept_log_lines(_jsrt(*run, "--env", "ci", "--max-log-lines", "5")) == 5  # the flag


def test_scripts_table_names_the_hook_type_and_function(project: Path) -> None:
    (project / "jsrt.toml").write_text(
        '[scripts."hook.js"]\nhook = "preMap"\nfunction = "enrich"\n', encoding="utf-8"
    )
    result = _jsrt("run", "hook.js", "--options", "options.json", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["result"] == [{"data": {"enriched": True, "id": 1}}]
    flagged = _jsrt("run", "hook.js", "-f", "preMap", "--options", "options.json", "--json")
    assert json.loads(flagged.output)["result"] == [{"data": {"id": 1}}]


def test_pyproject_tool_jsrt_is_found_from_a_subfolder(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.jsrt.limits]\nmax_log_lines = 4\n', encoding="utf-8"
    )
    (project / "sub").mkdir()
    os.chdir(project / "sub")
    assert find_config() == project / "pyproject.toml"
    result = _jsrt("run", "../hook.js", "-f", "preMap", "--options", "../options.json", "--json")
    assert _kept_log_lines(result) == 4


def test_jsrt_toml_wins_over_a_pyproject_in_the_same_folder(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.jsrt]\n", encoding="utf-8")
    (project / "jsrt.toml").write_text("", encoding="utf-8")
    assert find_config(project) == project / "jsrt.toml"
    (project / "jsrt.toml").unlink()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config(project) is None  # a pyproject without [tool.jsrt] is no config


def test_backend_from_the_config_is_replaced_whole_by_a_flag(project: Path) -> None:
    (project / "jsrt.toml").write_text('replay = "missing.yaml"\n', encoding="utf-8")
    run = ("run", "hook.js", "-f", "enrich", "--options", "options.json", "--json")
    refused = _jsrt(*run)
    assert refused.exit_code == 2
    assert "missing.yaml" in json.loads(refused.output)["error"]["message"]
    assert _jsrt(*run, "--backend", "local").exit_code == 0  # the flag's target replaces it


def test_environment_section_replaces_the_top_levels_backend_target(tmp_path: Path) -> None:
    (tmp_path / "jsrt.toml").write_text(
        'backend = "rest"\nregion = "us"\ntoken_env = "SANDBOX_TOKEN"\n\n'
        '[env.production]\nregion = "eu"\ntoken_env = "PRODUCTION_TOKEN"\n'
        '\n[env.local]\nbackend = "local"\n',
        encoding="utf-8",
    )
    config = read_config(tmp_path / "jsrt.toml")
    top = config.backend_choice()
    assert (top.kind, top.region, top.token_env) == ("rest", "us", "SANDBOX_TOKEN")
    production = config.backend_choice("production")
    assert (production.region, production.token_env) == ("eu", "PRODUCTION_TOKEN")
    local = config.backend_choice("local")
    assert (local.kind, local.region, local.token_env) == ("local", None, None)


def test_world_and_coverage_threshold_are_exposed_with_paths_from_the_config(
    tmp_path: Path,
) -> None:
    (tmp_path / "jsrt.toml").write_text(
        'world = "integration/world.json"\n[coverage]\nfail_under = 85\n'
        '[env.other]\nworld = "other.yaml"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config is not None
    assert config.document.coverage.fail_under == 85
    defaults = config.defaults()
    assert defaults["world"] == str(tmp_path / "integration" / "world.json")
    assert defaults["coverage_fail_under"] == 85
    assert config.defaults("other")["world"] == str(tmp_path / "other.yaml")


@pytest.mark.parametrize(
    ("text", "place", "words"),
    [
        ('world = "w.yaml"\nworlds = 1\n', "2:1", "unknown key 'worlds' (at worlds)"),
        ("[limits]\n\ntimeout = 0\n", "3:1", "timeout must be a number of seconds"),
        ('[limits]\nmemory = "big"\n', "2:1", 'got the string "big" (at limits.memory)'),
        ('[env.production]\nregion = "mars"\n', "2:1", "unknown region 'mars'"),
        ('[scripts."a.js"]\nhook = "premap"\n', "2:1", "did you mean 'preMap'"),
        ("[coverage]\nfail_under = 120\n", "2:1", "a percentage from 0 to 100, got int 120"),
        ('record_mode = "new"\n', "1:1", "record_mode applies to cassette"),
        ('world = "a"\nregion = \n', "2:10", "invalid TOML"),
        ("[check]\ndisable = 3\n", "2:1", "a list of rule ids, got int 3"),
    ],
)
def test_a_bad_config_is_refused_with_file_line_column_key_and_what_is_wrong(
    project: Path, text: str, place: str, words: str
) -> None:
    (project / "jsrt.toml").write_text(text, encoding="utf-8")
    result = _jsrt("hooks")
    assert result.exit_code == 2
    assert f"jsrt.toml:{place}: " in result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_a_bad_config_under_json_is_one_json_error(project: Path) -> None:
    (project / "jsrt.toml").write_text("[limits]\ntimeout = -1\n", encoding="utf-8")
    result = _jsrt("run", "hook.js", "-f", "enrich", "--options", "options.json", "--json")
    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert (error["line"], error["column"]) == (2, 1)
    assert error["file"].endswith("jsrt.toml")


def test_pyproject_positions_count_from_the_file_top(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.jsrt]\nbackend = "soap"\n', encoding="utf-8"
    )
    result = _jsrt("hooks")
    assert result.exit_code == 2
    assert "pyproject.toml:5:1: unknown backend 'soap'" in result.output


def test_an_unknown_environment_is_refused_with_the_closest(project: Path) -> None:
    (project / "jsrt.toml").write_text("[env.production]\n", encoding="utf-8")
    result = _jsrt("hooks", "--env", "prod")
    assert result.exit_code == 2
    assert "no environment 'prod'" in result.output
    assert "did you mean 'production'?" in result.output
    os.remove(project / "jsrt.toml")
    without = _jsrt("hooks", "--env", "prod")
    assert without.exit_code == 2
    assert "--env prod: no jsrt.toml" in without.output
    from_variable = _jsrt("hooks", env={"JSRT_ENV": "prod"})
    assert from_variable.exit_code == 2
    assert "$JSRT_ENV=prod: no jsrt.toml" in from_variable.output


def test_check_reads_the_rules_turned_off(project: Path) -> None:
    (project / "bad.js").write_text(
        "function preSavePage(options) { setTimeout(() => 1, 1); return options; }\n",
        encoding="utf-8",
    )
    found = _jsrt("check", "bad.js", "--format", "json")
    rules = {finding["rule"] for finding in json.loads(found.output)["findings"]}
    assert rules, found.output
    (project / "jsrt.toml").write_text(
        "[check]\ndisable = [\n" + "".join(f'  "{rule}",\n' for rule in sorted(rules)) + "]\n",
        encoding="utf-8",
    )
    quiet = _jsrt("check", "bad.js", "--format", "json")
    assert quiet.exit_code == 0, quiet.output
    assert json.loads(quiet.output)["findings"] == []
    (project / "jsrt.toml").write_text('[check]\ndisable = ["no-such-rule"]\n', encoding="utf-8")
    refused = _jsrt("check", "bad.js")
    assert refused.exit_code == 2
    assert "jsrt.toml:2:1: no rule 'no-such-rule' to disable (at check.disable[0])" in (
        refused.output
    )


def test_the_config_world_is_what_hooks_lists(project: Path) -> None:
    (project / "w.yaml").write_text("flows: []\n", encoding="utf-8")
    (project / "jsrt.toml").write_text('world = "w.yaml"\n', encoding="utf-8")
    result = _jsrt("hooks")
    assert result.exit_code == 0, result.output
    assert "w.yaml" in result.output


def test_check_judges_a_folders_scripts_by_the_scripts_table(project: Path) -> None:
    (project / "hooks").mkdir()
    (project / "hooks" / "orders.js").write_text(
        "function go(options) { return options; }\n", encoding="utf-8"
    )
    untyped = _jsrt("check", ".", "--format", "json")
    assert json.loads(untyped.output)["findings"] == []  # `go` says no script type
    (project / "jsrt.toml").write_text(
        '[scripts."hooks/orders.js"]\nhook = "preMap"\nfunction = "go"\n', encoding="utf-8"
    )
    typed = _jsrt("check", ".", "--format", "json")
    rules = [finding["rule"] for finding in json.loads(typed.output)["findings"]]
    assert rules == ["page-hook-return"]
    flagged = _jsrt("check", ".", "--format", "json", "--hook", "postMap")
    assert "postMap" in flagged.output  # --hook wins over the table


def test_flow_run_takes_its_world_and_limits_from_the_config(project: Path) -> None:
    from cli.flow_project import FLOW, write_world  # tests/cli's small flow

    (project / "integration").mkdir()
    write_world(project / "integration")
    (project / "jsrt.toml").write_text('world = "integration/world.yaml"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["flow", "run", FLOW, "--json"])
    assert result.exit_code == 1, result.output  # the flow's one failing order
    assert json.loads(result.stdout)["flow"]["name"] == FLOW
    assert "--watch" in CliRunner().invoke(main, ["flow", "run", "--help"]).output


def test_a_project_without_a_config_does_not_load_its_schema(tmp_path: Path) -> None:
    """Every command looks for a config; only one that finds it pays for pydantic."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from jsrt.cli import main\n"
        "done = CliRunner().invoke(main, ['hooks', 'missing.yaml'])\n"
        "print(done.exit_code, 'pydantic' in sys.modules)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert found.stdout.split() == ["2", "False"]
    (tmp_path / "jsrt.toml").write_text("", encoding="utf-8")
    with_config = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert with_config.stdout.split() == ["2", "True"]
