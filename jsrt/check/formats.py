"""A check's findings written for people and for CI.

- `human`: `file:line:col  severity  message  [rule]`, the line as written with a caret
  under the column (as `jsrt run` shows an error), the fix, and a count; colour only when
  asked (a terminal without `NO_COLOR`, decided by the caller).
- `json`: one object, `{ok, errors, warnings, files, findings: [{rule, severity, file,
  line, column, message, hint}]}`.
- `github`: one workflow command per finding (`::error file=F,line=L,col=C,title=T::M`),
  escaped as GitHub Actions' workflow-command syntax requires, which the runner shows as
  annotations on the pull request.
- `junit`: a JUnit XML report, one test case per file checked and a failure per finding
  (what CI test tabs show).
- `sarif`: SARIF 2.1.0, the rules as the tool's `rules`, for code scanning.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePath
from typing import Any, Literal, get_args

import click

from jsrt.check.findings import CheckReport, Finding
from jsrt.check.rules import RULES, RULES_BY_ID
from jsrt.json_values import indented

Format = Literal["human", "json", "github", "junit", "sarif"]
FORMATS: tuple[Format, ...] = get_args(Format)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(report: CheckReport, form: Format, *, color: bool = False) -> str:
    """The report in `form` (see the module docstring)."""
    if form == "json":
        return indented(to_json(report))
    if form == "github":
        return "\n".join(github_line(finding) for finding in report.findings)
    if form == "junit":
        return junit(report)
    if form == "sarif":
        return indented(sarif(report))
    return human(report, color=color)


def to_json(report: CheckReport) -> dict[str, Any]:
    return {
        "ok": report.exit_code == 0,
        "errors": report.errors,
        "warnings": report.warnings,
        "files": len(report.files),
        "findings": [finding.to_json() for finding in report.findings],
    }


def human(report: CheckReport, *, color: bool = False) -> str:
    def style(text: str, **how: Any) -> str:
        return click.style(text, **how) if color else text

    lines: list[str] = []
    for finding in report.findings:
        severity = style(
            finding.severity, fg="red" if finding.severity == "error" else "yellow", bold=True
        )
        where = style(f"{finding.file}:{finding.line}:{finding.column}", bold=True)
        lines.append(
            f"{where}: {severity}: {finding.message}  {style(f'[{finding.rule}]', dim=True)}"
        )
        if finding.source_line:
            lines.append(f"  {finding.line:>4} | {finding.source_line}")
            caret = " " * (finding.column - 1) + "^"
            lines.append(
                f"       | {style(caret, fg='red' if finding.severity == 'error' else 'yellow')}"
            )
        lines.append(f"  hint: {finding.hint}")
    files = len(report.files)
    summary = (
        f"{report.errors} error{'s' if report.errors != 1 else ''}, "
        f"{report.warnings} warning{'s' if report.warnings != 1 else ''} in "
        f"{files} file{'s' if files != 1 else ''}"
    )
    lines.append(style(summary, fg="red" if report.errors else "green", bold=True))
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding) -> str:
    """A GitHub Actions workflow command that annotates the finding's place."""
    level = "error" if finding.severity == "error" else "warning"
    properties = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in (
            ("file", finding.file),
            ("line", finding.line),
            ("col", finding.column),
            ("title", f"jsrt check {finding.rule}"),
        )
    )
    return f"::{level} {properties}::{_escape_data(f'{finding.message} (fix: {finding.hint})')}"


def junit(report: CheckReport) -> str:
    """JUnit XML: a `testsuite` per file, a `testcase` per rule broken there (one for
    the file when it is clean), each finding a `failure` of its rule's case."""
    suites = ET.Element("testsuites", name="jsrt check")
    by_file: dict[str, list[Finding]] = {name: [] for name in report.files}
    for finding in report.findings:
        by_file.setdefault(finding.file, []).append(finding)
    total_failures = 0
    for file, findings in by_file.items():
        suite = ET.SubElement(suites, "testsuite", name=file)
        cases = 0
        if not findings:
            ET.SubElement(suite, "testcase", name="jsrt check", classname=file)
            cases = 1
        for finding in findings:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{finding.rule} at {finding.line}:{finding.column}",
                classname=file,
                file=file,
                line=str(finding.line),
            )
            failure = ET.SubElement(
                case,
                "failure",
                message=finding.message,
                type=finding.severity,
            )
            failure.text = (
                f"{finding.file}:{finding.line}:{finding.column}: {finding.message}\n"
                f"hint: {finding.hint}"
            )
            cases += 1
        total_failures += len(findings)
        suite.set("tests", str(cases))
        suite.set("failures", str(len(findings)))
        suite.set("errors", "0")
    suites.set("tests", str(sum(int(s.get("tests", "0")) for s in suites)))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def _jsrt_version() -> str:
    try:
        return version("jsrt")
    except PackageNotFoundError:
        return "0"


def _uri(file: str) -> str:
    """A file as a SARIF artifact URI: relative paths stay relative (to the check's
    folder, which code scanning reads as the repository root), with forward slashes."""
    path = PurePath(file)
    if path.is_absolute():
        try:
            path = Path(file).relative_to(Path.cwd())
        except ValueError:
            return Path(file).as_uri()
    return path.as_posix()


def sarif(report: CheckReport) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log with one run."""
    index = {rule.id: position for position, rule in enumerate(RULES)}
    rules = [
        {
            "id": rule.id,
            "name": rule.id.title().replace("-", ""),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": f"{rule.summary} Source: {rule.source}."},
            "defaultConfiguration": {"level": "error" if rule.severity == "error" else "warning"},
            "properties": {"source": rule.source},
        }
        for rule in RULES
    ]
    results = [
        {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": "error" if RULES_BY_ID[finding.rule].severity == "error" else "warning",
            "message": {"text": f"{finding.message} Fix: {finding.hint}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(finding.file)},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
        }
        for finding in report.findings
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "jsrt check",
                        "version": _jsrt_version(),
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
