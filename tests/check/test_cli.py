"""`jsrt check` on the command line: one folder of hooks (tests/check/hooks: a clean
script beside ones that break rules, some of them turned off by comments) gives the same
findings in every format, with the right exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from jsrt.check import check_paths, render
from jsrt.cli import main

HERE = Path(__file__).parent
HOOKS = HERE / "hooks"
ROOT = HERE.parent.parent

EXPECTED = [
    ("filter-non-boolean", "error", "filter.js", 5, 10),
    ("missing-global", "error", "globals.js", 3, 19),
    ("unknown-rule", "warning", "unknown-rule.js", 2, 25),
]
"""What tests/check/hooks holds: Buffer on a `jsrt-disable-line` line, setTimeout under a
`jsrt-disable-next-line`, and `window` in a file whose top comment turns its rule off,
are not among them."""


def _check(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args], env=env)
    return result.exit_code, result.output


def _places(findings: list[tuple[str, str, str, int, int]]) -> list[tuple[str, str, str, int, int]]:
    return sorted(
        (rule, level, Path(file).name, line, col) for rule, level, file, line, col in findings
    )


def test_json_lists_exactly_the_expected_findings_and_exits_1() -> None:
    code, out = _check(str(HOOKS), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert (report["ok"], report["errors"], report["warnings"], report["files"]) == (
        False,
        2,
        1,
        4,
    )
    found = [
        (f["rule"], f["severity"], f["file"], f["line"], f["column"]) for f in report["findings"]
    ]
    assert _places(found) == EXPECTED
    assert all(f["message"] and f["hint"] for f in report["findings"])


def test_human_shows_a_code_frame_and_the_hint() -> None:
    code, out = _check(str(HOOKS / "globals.js"))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith(
        "globals.js:3:19: error: process is not defined in integrator.io's JavaScript "
        "runtime  [missing-global]"
    )
    assert lines[1] == "     3 |   const started = process.hrtime()"
    assert lines[2] == "       |                   ^"
    assert lines[3] == "  hint: there is no process: read configuration from options.settings"
    assert lines[-1] == "1 error, 0 warnings in 1 file"
    assert "\x1b[" not in out  # not a terminal: no colour


def test_github_annotations_follow_the_workflow_command_syntax() -> None:
    code, out = _check(str(HOOKS), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    # GitHub Actions: ::error file={name},line={line},col={col},title={title}::{message}
    first = lines[0]
    assert first.startswith(f"::error file={HOOKS / 'filter.js'},line=5,col=10,title=")
    assert "title=jsrt check filter-non-boolean::" in first
    assert lines[2].startswith("::warning file=")
    found = []
    for line in lines:
        command, _, rest = line[2:].partition(" ")
        properties, _, message = rest.partition("::")
        fields = dict(pair.split("=", 1) for pair in properties.split(","))
        assert message and "\n" not in message
        found.append(
            (
                fields["title"].removeprefix("jsrt check "),
                command,
                fields["file"],
                int(fields["line"]),
                int(fields["col"]),
            )
        )
    assert _places(found) == EXPECTED


def test_github_escapes_what_would_end_a_property_or_a_line() -> None:
    report = check_paths([HOOKS / "globals.js"])
    finding = report.findings[0]
    odd = type(finding)("a,b:c.js", 1, 1, "missing-global", "100% broken\nsecond line", "fix: this")
    line = render(type(report)((odd,), ("a,b:c.js",)), "github")
    assert line == (
        "::error file=a%2Cb%3Ac.js,line=1,col=1,title=jsrt check missing-global::"
        "100%25 broken%0Asecond line (fix: fix: this)"
    )


def test_junit_has_a_failure_per_finding_and_a_passing_case_per_clean_file() -> None:
    code, out = _check(str(HOOKS), "--format", "junit")
    assert code == 1
    suites = ET.fromstring(out)
    assert suites.tag == "testsuites"
    assert (suites.get("tests"), suites.get("failures")) == ("4", "3")
    by_file = {Path(s.get("name", "")).name: s for s in suites.findall("testsuite")}
    assert set(by_file) == {"clean.js", "filter.js", "globals.js", "unknown-rule.js"}
    clean = by_file["clean.js"].findall("testcase")
    assert len(clean) == 1 and clean[0].find("failure") is None
    found = []
    for name, suite in by_file.items():
        for case in suite.findall("testcase"):
            failure = case.find("failure")
            if failure is not None:
                rule, _, place = (case.get("name") or "").partition(" at ")
                line, col = place.split(":")
                found.append((rule, failure.get("type"), name, int(line), int(col)))
    assert _places(found) == EXPECTED


def _sarif_findings(log: dict) -> list[tuple[str, str, str, int, int]]:
    [run] = log["runs"]
    found = []
    for result in run["results"]:
        [location] = result["locations"]
        physical = location["physicalLocation"]
        region = physical["region"]
        found.append(
            (
                result["ruleId"],
                result["level"],
                physical["artifactLocation"]["uri"],
                region["startLine"],
                region["startColumn"],
            )
        )
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    return found


def test_sarif_holds_the_findings_with_the_fields_sarif_2_1_0_requires() -> None:
    code, out = _check(str(HOOKS), "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    # SARIF 2.1.0 §3.13: version and runs are required; §3.14: a run's tool; §3.19: a
    # driver's name; §3.27: a result's message; §3.30: a region's startLine from 1.
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "jsrt check"
    assert all(rule["id"] and rule["shortDescription"]["text"] for rule in driver["rules"])
    assert all(r["message"]["text"] for r in log["runs"][0]["results"])
    assert _places(_sarif_findings(log)) == EXPECTED
    uris = {r[2] for r in _sarif_findings(log)}
    assert all(not uri.startswith("/") for uri in uris), uris  # relative to the checkout


@pytest.fixture(scope="module")
def sarif_schema(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The SARIF 2.1.0 JSON schema, as @microsoft/jest-sarif ships it on the npm registry."""
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (a dev dependency)")
    del jsonschema
    folder = tmp_path_factory.mktemp("sarif")
    try:
        packed = subprocess.run(
            ["npm", "pack", "@microsoft/jest-sarif@1.0.0-beta.0", "--silent"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(
            f"the SARIF schema comes from the npm registry, which npm cannot reach: {error}"
        )
    archive = folder / packed.stdout.strip().splitlines()[-1]
    subprocess.run(["tar", "xzf", str(archive)], cwd=folder, check=True)
    schema = folder / "package" / "lib" / "schemas" / "sarif-2.1.0-rtm.5.json"
    return json.loads(schema.read_text(encoding="utf-8"))


def test_sarif_validates_against_the_sarif_2_1_0_schema(sarif_schema: dict) -> None:
    import jsonschema

    log = json.loads(render(check_paths([HOOKS]), "sarif"))
    jsonschema.validate(log, sarif_schema)
    log["runs"][0]["results"][0]["level"] = "fatal"  # the schema does catch a bad log
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, sarif_schema)


def test_a_clean_folder_exits_0_and_says_so() -> None:
    code, out = _check(str(HOOKS / "clean.js"))
    assert (code, out.strip()) == (0, "0 errors, 0 warnings in 1 file")


def test_warnings_alone_exit_0() -> None:
    code, out = _check(str(HOOKS / "unknown-rule.js"), "--format", "json")
    assert code == 0
    assert json.loads(out)["warnings"] == 1


def test_the_sample_hooks_are_clean() -> None:
    code, out = _check(str(ROOT / "sample_hooks"))
    assert code == 0, out
    assert out.strip().startswith("0 errors, 0 warnings in ")


def test_disable_option_turns_a_rule_off_everywhere() -> None:
    code, out = _check(
        str(HOOKS),
        "--disable",
        "missing-global",
        "--disable",
        "filter-non-boolean",
        "--format",
        "json",
    )
    assert code == 0
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["unknown-rule"]


def test_python_api_takes_the_disabled_set() -> None:
    report = check_paths([HOOKS], disabled={"missing-global", "unknown-rule"})
    assert [f.rule for f in report.findings] == ["filter-non-boolean"]


def test_disable_comment_without_the_rule_on_the_line_hides_nothing_else() -> None:
    source = (
        "function transform(options) {\n"
        "  const a = process.env.A // jsrt-disable-line filter-non-boolean\n"
        "  const b = process.env.B // jsrt-disable-line missing-global -- read at build time\n"
        "  return { ...options.record, a, b }\n}\n"
    )
    from jsrt.check import check_source

    assert [(f.rule, f.line) for f in check_source(source, "t.js")] == [("missing-global", 2)]


def test_a_file_disable_comment_counts_only_before_the_first_statement() -> None:
    from jsrt.check import check_source

    late = (
        "function transform(options) {\n  return process.env\n}\n// jsrt-disable missing-global\n"
    )
    assert [f.rule for f in check_source(late, "t.js")] == ["missing-global"]
    early = "// jsrt-disable missing-global\n" + late
    assert check_source(early, "t.js") == []


def test_bad_input_exits_2_with_a_clear_error() -> None:
    code, out = _check("no/such/folder")
    assert code == 2
    assert "no/such/folder does not exist" in out
    code, out = _check(str(HOOKS), "--disable", "missing-globals")
    assert code == 2
    assert "no rule 'missing-globals' to disable" in out and "did you mean 'missing-global'" in out
    code, out = _check(str(HOOKS), "--hook", "preMapp")
    assert code == 2
    assert "unknown script type 'preMapp'" in out


def test_rules_lists_every_rule() -> None:
    code, out = _check("--rules")
    assert code == 0
    assert out.splitlines()[0].split()[:2] == ["syntax-error", "error"]
    assert "contract-violation" in out


def test_output_writes_the_report_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "check.sarif"
    code, out = _check(str(HOOKS), "--format", "sarif", "--output", str(target))
    assert (code, out) == (1, "")
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_colour_on_a_terminal_and_none_with_no_color(
    on_a_terminal: Callable[..., tuple[int, str]],
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    _, coloured = on_a_terminal("check", str(HOOKS / "globals.js"), env=env)
    assert "\x1b[" in coloured and "process is not defined" in coloured
    _, plain = on_a_terminal("check", str(HOOKS / "globals.js"), env={**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain and "process is not defined" in plain


def test_a_folder_walk_skips_dependencies_and_virtualenvs(tmp_path: Path) -> None:
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "transform.js").write_text(
        "function transform(options) { return options.record }\n", encoding="utf-8"
    )
    broken = "function transform(options) { return require('x') }\n"
    for folder in ("node_modules/lib", ".cache", "venv/lib"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "broken.js").write_text(broken, encoding="utf-8")
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    report = check_paths([tmp_path])
    assert [Path(name).name for name in report.files] == ["transform.js"]
    assert report.exit_code == 0
