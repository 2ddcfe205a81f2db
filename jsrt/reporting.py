"""Reports of a `jsrt test` session: the text people read, JSON for tools, JUnit XML for CI.

Every format says the same thing: which cases passed, which failed and why (the
expectation, the paths where values part, the diff), which could not run (a bad case
file, a script that does not load). The failure text is shared with the pytest plugin,
so a case reads the same in `jsrt test` and in `pytest`.
"""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jsrt.cases import CaseOutcome, CaseStatus
from jsrt.describe import counted
from jsrt.errors import EXIT_BAD_INPUT, EXIT_HOOK_FAILED, EXIT_OK
from jsrt.expect import describe_error

_STATUS_LABEL: dict[CaseStatus, str] = {"passed": "PASS ", "failed": "FAIL ", "error": "ERROR"}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class BadFile:
    """A case file that could not be loaded, with the `InputError` as a dict."""

    path: Path
    error: dict[str, Any]


@dataclass
class Report:
    """The outcomes of one session, in the order the cases ran."""

    outcomes: list[CaseOutcome] = field(default_factory=list)
    bad_files: list[BadFile] = field(default_factory=list)
    shard: str | None = None
    """`shard 2 of 3` when the session ran one shard of a suite (`jsrt.cases.sharding`):
    the JUnit suites carry it, so the shards' reports merge without clashing names."""
    other_shards: int = 0
    """The cases left to the other shards."""

    def count(self, status: CaseStatus) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def not_passed(self) -> int:
        """Failed cases, cases that could not run, and bad case files."""
        return len(self.outcomes) - self.count("passed") + len(self.bad_files)

    @property
    def exit_code(self) -> int:
        """2 when an input could not be used, else 1 when a case failed, else 0."""
        if self.bad_files or self.count("error"):
            return EXIT_BAD_INPUT
        return EXIT_HOOK_FAILED if self.count("failed") else EXIT_OK

    @property
    def duration_s(self) -> float:
        return sum(outcome.duration_ms for outcome in self.outcomes) / 1000


def failure_text(outcome: CaseOutcome) -> str:
    """Why a case did not pass: each failed expectation with its diff, then the hook's logs."""
    if outcome.status == "error":
        sections = ["the case could not run:\n" + "\n".join(describe_error(outcome.error or {}))]
    else:
        sections = [failure.render() for failure in outcome.failures]
    if outcome.logs:
        logs = "\n".join(f"  [{entry.get('level')}] {entry.get('text')}" for entry in outcome.logs)
        sections.append(f"logs:\n{logs}")
    return "\n\n".join(sections)


def bad_file_text(bad: BadFile) -> str:
    """A case file's load error as a sentence and a hint."""
    return "\n".join(describe_error(bad.error))


def summary_line(report: Report) -> str:
    """The last line of the text report: `N passed, M failed` (and the shard, if any)."""
    line = f"{report.count('passed')} passed, {report.not_passed} failed"
    if report.shard is None:
        return line
    return f"{line} ({report.shard}; {counted(report.other_shards, 'case')} in other shards)"


def status_line(outcome: CaseOutcome) -> str:
    """`PASS  file::name  (12 ms)`: one case in the text report, with a `warning:` line
    under it for each of the run's warnings (a case may pass and still warn)."""
    line = f"{_STATUS_LABEL[outcome.status]} {outcome.case.id}  ({outcome.duration_ms:.0f} ms)"
    return "\n".join([line, *(f"      warning: {w}" for w in outcome.warnings)])


def bad_file_line(bad: BadFile) -> str:
    """A case file that could not be loaded, in the list of cases."""
    return f"ERROR {bad.path}  (bad case file)"


def render_details(report: Report) -> str:
    """What follows the per-case lines: each failure in full, then `N passed, M failed`."""
    details = [(str(bad.path), bad_file_text(bad)) for bad in report.bad_files]
    details.extend((o.case.id, failure_text(o)) for o in report.outcomes if o.status != "passed")
    lines = []
    if details:
        lines.extend(["", "=" * 30 + " failures " + "=" * 30])
        for title, text in details:
            lines.extend(["", f"___ {title} ___", text])
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines)


def outcome_json(outcome: CaseOutcome) -> dict[str, Any]:
    """One case for `--json`: id, file, name, status, duration and why it did not pass."""
    case = outcome.case
    out: dict[str, Any] = {
        "id": case.id,
        "file": str(case.file),
        "line": case.line,
        "name": case.name,
        "status": outcome.status,
        "duration_ms": round(outcome.duration_ms, 3),
    }
    if outcome.warnings:
        out["warnings"] = outcome.warnings
    if outcome.failures:
        out["failures"] = [failure.to_json() for failure in outcome.failures]
    if outcome.status != "passed":
        out["error"] = outcome.error
        out["logs"] = outcome.logs
    return out


def render_json(report: Report) -> dict[str, Any]:
    """The whole session as one JSON-able object, with summary counts and the exit code."""
    return {
        "cases": [outcome_json(outcome) for outcome in report.outcomes],
        "bad_files": [{"file": str(bad.path), "error": bad.error} for bad in report.bad_files],
        "summary": {
            "total": len(report.outcomes),
            "passed": report.count("passed"),
            "failed": report.count("failed"),
            "errors": report.count("error"),
            "bad_files": len(report.bad_files),
            **(
                {"shard": report.shard, "other_shards": report.other_shards}
                if report.shard is not None
                else {}
            ),
        },
        "exit_code": report.exit_code,
    }


def _xml_text(text: str) -> str:
    """Text XML 1.0 can carry (hook logs may hold control characters)."""
    return _XML_ILLEGAL.sub("?", text)


def _testcase(suite: ET.Element, classname: str, name: str, **attributes: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": classname, "name": name, **attributes})


def _problem(testcase: ET.Element, tag: str, message: str, text: str) -> None:
    element = ET.SubElement(testcase, tag, message=_xml_text(message))
    element.text = _xml_text(text)


def _case_element(suite: ET.Element, outcome: CaseOutcome) -> None:
    case = outcome.case
    testcase = _testcase(
        suite,
        str(case.file),
        case.name,
        file=str(case.file),
        line=str(case.line),
        time=f"{outcome.duration_ms / 1000:.3f}",
    )
    if outcome.status == "failed":
        _problem(testcase, "failure", outcome.failures[0].headline(), failure_text(outcome))
    elif outcome.status == "error":
        message = str((outcome.error or {}).get("message", ""))
        _problem(testcase, "error", message, failure_text(outcome))
    if outcome.logs:
        logs = "\n".join(f"[{e.get('level')}] {e.get('text')}" for e in outcome.logs)
        ET.SubElement(testcase, "system-out").text = _xml_text(logs)
    if outcome.warnings:
        warnings = "\n".join(f"warning: {warning}" for warning in outcome.warnings)
        ET.SubElement(testcase, "system-err").text = _xml_text(warnings)


def render_junit(report: Report) -> str:
    """JUnit XML: one `testsuite` per case file, one `testcase` per case; a shard's suites
    are named `FILE (shard I of N)`, so the shards' files merge into one report.

    A failed case has a `failure`, a case that could not run or a bad case file an
    `error`, each with the same text as the text report; logs go to `system-out`.
    """
    by_file: dict[str, list[CaseOutcome | BadFile]] = {}
    for bad in report.bad_files:
        by_file.setdefault(str(bad.path), []).append(bad)
    for outcome in report.outcomes:
        by_file.setdefault(str(outcome.case.file), []).append(outcome)
    suffix = "" if report.shard is None else f" ({report.shard})"
    root = ET.Element("testsuites", name=f"jsrt{suffix}")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    for name, entries in by_file.items():
        outcomes = [e for e in entries if isinstance(e, CaseOutcome)]
        unloadable = len(entries) - len(outcomes)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name + suffix,
            tests=str(len(entries)),
            failures=str(sum(1 for o in outcomes if o.status == "failed")),
            errors=str(unloadable + sum(1 for o in outcomes if o.status == "error")),
            skipped="0",
            time=f"{sum(o.duration_ms for o in outcomes) / 1000:.3f}",
            timestamp=stamp,
            hostname=socket.gethostname(),
        )
        for entry in entries:
            if isinstance(entry, BadFile):
                testcase = _testcase(suite, name, "(load)", time="0")
                _problem(testcase, "error", str(entry.error.get("message")), bad_file_text(entry))
            else:
                _case_element(suite, entry)
    root.set("tests", str(len(report.outcomes) + len(report.bad_files)))
    root.set("failures", str(report.count("failed")))
    root.set("errors", str(report.count("error") + len(report.bad_files)))
    root.set("time", f"{report.duration_s:.3f}")
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
