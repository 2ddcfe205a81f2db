"""Turning rules off where a finding is known and accepted, as eslint's comments do.

In a script:

- `// jsrt-disable-line RULE[, RULE]` at the end of a line: those rules' findings on that line;
- `// jsrt-disable-next-line RULE[, RULE]`: on the next line;
- `// jsrt-disable RULE[, RULE]` (or `/* ... */`) among the comments at the top of the
  file, before its first statement: in the whole file.

Without a RULE, the comment turns every rule off there. Text after ` -- ` is a reason
and is ignored (`// jsrt-disable-line missing-global -- polyfilled by the test harness`).
A rule id no rule has is itself reported (`unknown-rule`), so a typo does not silently
disable nothing. Everywhere: the set of rules given to `check_paths(disabled=...)`, which
`--disable RULE` fills (and a project config will).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from jsrt.check.findings import Finding
from jsrt.check.rules import RULES_BY_ID
from jsrt.check.script import ScriptView, text
from jsrt.closest import most_alike

_ALL = "*"
_DIRECTIVES = ("jsrt-disable-next-line", "jsrt-disable-line", "jsrt-disable")


@dataclass
class Suppressions:
    """The rules a script's comments turn off: in the file, and per line."""

    file: set[str] = field(default_factory=set)
    lines: dict[int, set[str]] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)

    def hides(self, finding: Finding) -> bool:
        for rules in (self.file, self.lines.get(finding.line, set())):
            if _ALL in rules or finding.rule in rules:
                return True
        return False


def read_suppressions(view: ScriptView) -> Suppressions:
    """The disable comments of a script (module docstring)."""
    found = Suppressions()
    comments = view.nodes("comment")
    first_statement = next(
        (
            c.start_byte
            for c in view.root.named_children
            if c.type not in ("comment", "hash_bang_line")
        ),
        view.root.end_byte,
    )
    for comment in comments:
        body = text(comment)
        body = body[2:-2] if body.startswith("/*") else body[2:]
        words = body.split(" -- ", 1)[0].strip()
        directive = next((d for d in _DIRECTIVES if words.startswith(d)), None)
        if directive is None:
            continue
        rest = words[len(directive) :]
        if rest and not rest[0].isspace():
            continue  # `jsrt-disabled`: another word
        rules = _rule_ids(view, comment.start_byte, rest, found)
        line, _, _ = view.place(comment)
        if directive == "jsrt-disable-line":
            found.lines.setdefault(line, set()).update(rules)
        elif directive == "jsrt-disable-next-line":
            found.lines.setdefault(line + 1, set()).update(rules)
        elif comment.start_byte < first_statement:
            found.file.update(rules)
    return found


def _rule_ids(view: ScriptView, at: int, listed: str, found: Suppressions) -> set[str]:
    names = [name.strip() for name in listed.replace(",", " ").split() if name.strip()]
    if not names:
        return {_ALL}
    for name in names:
        if name not in RULES_BY_ID:
            line, column, shown = view.place(at)
            near = most_alike(name, RULES_BY_ID, limit=1)
            found.problems.append(
                Finding(
                    view.filename,
                    line,
                    column,
                    "unknown-rule",
                    f"the disable comment names {name!r}, which is no rule of jsrt check",
                    f"did you mean {near[0]!r}? `jsrt check --rules` lists them",
                    shown,
                )
            )
    return set(names)


def kept(
    findings: Iterable[Finding], suppressions: Suppressions, disabled: set[str]
) -> list[Finding]:
    """The findings neither a comment nor the `disabled` set turns off, with the comments'
    own problems."""
    out = [f for f in findings if f.rule not in disabled and not suppressions.hides(f)]
    out += [f for f in suppressions.problems if "unknown-rule" not in disabled]
    return sorted(out)
