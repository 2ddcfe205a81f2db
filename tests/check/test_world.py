"""`jsrt check --world` (tests/check/world/world.yaml: a flow in an integration, a
standalone flow, hook references that do not resolve) and `jsrt check --run`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from jsrt.check import check_paths
from jsrt.cli import main

HERE = Path(__file__).parent
WORLD = HERE / "world" / "world.yaml"


def _found(report_findings: list) -> list[tuple[str, str, int]]:
    return [(f.rule, Path(f.file).name, f.line) for f in report_findings]


def test_a_world_check_judges_each_script_as_its_flows_wire_it() -> None:
    report = check_paths(world=WORLD)
    assert _found(list(report.findings)) == [
        # celigo-reference §2.2 rule 3: 'cache-other' is not registered with int1, while
        # 'cache-registered' (line 4) is, through _registeredLookupCacheIds.
        ("unregistered-lookup-cache", "caches.js", 5),
        # celigo-reference §2.2 rule 2: the postSubmit's flow is in no integration; the
        # run is in a helper the hook calls.
        ("run-in-standalone-flow", "standalone.js", 4),
        # celigo-reference §1.1: references name a script and a function that exist.
        ("hook-reference", "world.yaml", 30),
        ("hook-type-mismatch", "world.yaml", 37),
        ("hook-reference", "world.yaml", 43),
        # A My API's reference (celigo-reference §1.1: `script: {_scriptId, function}`).
        ("hook-reference", "world.yaml", 51),
    ]
    assert report.exit_code == 1
    assert len(report.files) == 3
    by_rule = {f.rule: f for f in report.findings}
    assert "Lookup cache 'cache-other' is not registered with integration 'int1'" in (
        by_rule["unregistered-lookup-cache"].message
    )
    assert "reached through lookup()" in by_rule["run-in-standalone-flow"].message
    broken = [f.message for f in report.findings if f.rule == "hook-reference"]
    assert "function 'preSavePag' not in script 'clean'" in broken[0]
    assert "did you mean 'preSavePage'?" in broken[0]
    assert "script script-missing not in" in broken[1]
    assert "My API 'Receive orders': function 'handleRequest' not in script" in broken[2]


def test_without_a_world_runs_and_caches_are_not_judged() -> None:
    # Where a hook runs is the world's to say: the same scripts alone break no rule.
    report = check_paths([HERE / "world" / "scripts"])
    assert list(report.findings) == []


def test_paths_with_a_world_check_only_the_world_scripts_under_them() -> None:
    report = check_paths([HERE / "world" / "scripts" / "caches.js"], world=WORLD)
    files = {Path(f.file).name for f in report.findings}
    assert files == {"caches.js", "world.yaml"}
    assert [Path(name).name for name in report.files] == ["caches.js"]


def test_world_check_on_the_command_line_in_json() -> None:
    result = CliRunner().invoke(main, ["check", "--world", str(WORLD), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert (report["errors"], report["warnings"]) == (5, 1)


def test_a_world_that_does_not_exist_is_bad_input() -> None:
    result = CliRunner().invoke(main, ["check", "--world", "no/such/world.yaml"])
    assert result.exit_code == 2
    assert "no/such/world.yaml does not exist" in result.output


def test_run_reports_a_broken_contract_on_the_sample_options(tmp_path: Path) -> None:
    # jsrt/hooks contracts: a preSavePage returns {data: [...]}; this one returns an
    # array, which no static rule catches (it is not `options` itself, nor nothing).
    script = tmp_path / "preSavePage.js"
    script.write_text(
        "function preSavePage(options) {\n"
        "  const records = options.data.map((r) => ({ ...r, seen: true }))\n"
        "  return records\n}\n",
        encoding="utf-8",
    )
    assert list(check_paths([script]).findings) == []
    report = check_paths([script], run=True)
    [finding] = report.findings
    assert (finding.rule, finding.severity, finding.line) == ("contract-violation", "error", 1)
    assert "preSavePage run as preSavePage on sample options" in finding.message
    assert report.exit_code == 1


def test_run_reports_a_throw_on_sample_options_as_a_warning(tmp_path: Path) -> None:
    script = tmp_path / "transform.js"
    script.write_text(
        "function transform(options) {\n"
        "  if (!options.record.sku) throw new Error('no sku')\n"
        "  return options.record\n}\n",
        encoding="utf-8",
    )
    [finding] = check_paths([script], run=True).findings
    assert (finding.rule, finding.severity) == ("run-failed", "warning")
    assert "no sku" in finding.message


def test_run_on_the_command_line_passes_a_hook_that_keeps_its_contract(tmp_path: Path) -> None:
    script = tmp_path / "filter.js"
    script.write_text(
        "function filter(options) {\n  return Boolean(options.record)\n}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", str(script), "--run", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []
