"""A finding: one rule broken at one place, told in one line with a fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsrt.check.rules import RULES_BY_ID, Severity


@dataclass(frozen=True, order=True)
class Finding:
    """One rule broken at `file:line:column` (1-based, columns in characters as an
    editor counts them). `source_line` is the line as written, for a code frame (empty
    when the place is not in a script: a world file's reference)."""

    file: str
    line: int
    column: int
    rule: str
    message: str
    hint: str
    source_line: str = ""

    @property
    def severity(self) -> Severity:
        return RULES_BY_ID[self.rule].severity

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class CheckReport:
    """What a check found over every file it read, in file and position order."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...]

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def exit_code(self) -> int:
        """1 when any finding is an error, else 0 (warnings fail nothing)."""
        return 1 if self.errors else 0
