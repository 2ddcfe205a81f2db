"""Judging what a hook returned: the `Verdict`, and the checks several contracts share.

Messages quote integrator.io's own wording where it is known (celigo-reference §2.3) so
a user who has seen the error in the cloud recognises it here, then say what to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jsrt.describe import describe
from jsrt.json_values import json_size

MAX_RETURN_BYTES = 5 * 1024 * 1024
"""integrator.io refuses extension results over 5 MB (celigo-reference §2.4)."""

MAX_LISTED_PROBLEMS = 5
"""Element-level problems past this many are summarised, so a bad page stays readable."""

LENGTH_MISMATCH = (
    "invalid_extension_response: Extension result doesn't contain the same number of "
    "elements as the request object. Expected {expected}, got {got}."
)
"""integrator.io's message when a page hook's array has the wrong length."""


@dataclass
class Verdict:
    """What a contract concluded about one return.

    `value` is what integrator.io keeps; `errors` are the per-record errors the hook
    reported (`{code, message, source, index?}`); `problems` are contract breaches, each a
    message a user will recognise; `notes` are facts worth saying that break nothing
    (an ignored return value, `abort: true`, skipped records).
    """

    ok: bool
    value: Any
    errors: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Findings:
    """Collects problems, errors and notes while a contract checks a return."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.element_problems: list[str] = []
        self.errors: list[dict[str, Any]] = []
        self.notes: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def element_problem(self, message: str) -> None:
        """A problem with one element of a page: listed up to MAX_LISTED_PROBLEMS."""
        self.element_problems.append(message)

    def note(self, message: str) -> None:
        self.notes.append(message)

    def require_object(self, script: str, returned: Any, expected: str) -> bool:
        """Whether the return is an object; if not, say what `script` must return instead."""
        if isinstance(returned, dict):
            return True
        self.problem(f"{script} must return {expected}; it returned {describe(returned)}")
        return False

    def hook_errors(self, value: Any, where: str, **extra: Any) -> None:
        """Collect an `errors` array the hook returned; a malformed one is a problem."""
        if value is None:
            return
        if not isinstance(value, list):
            self.element_problem(
                f"{where} must be an array of error objects {{code, message, source}}; "
                f"got {describe(value)}"
            )
            return
        for position, error in enumerate(value):
            if isinstance(error, dict):
                self.errors.append({**error, **extra})
            else:
                self.element_problem(
                    f"{where}[{position}] must be an error object {{code, message, source}}; "
                    f"got {describe(error)}"
                )

    def verdict(self, value: Any) -> Verdict:
        problems = list(self.problems) + self.element_problems[:MAX_LISTED_PROBLEMS]
        hidden = len(self.element_problems) - MAX_LISTED_PROBLEMS
        if hidden > 0:
            problems.append(f"... and {hidden} more problems like these")
        return Verdict(
            ok=not problems,
            value=value,
            errors=self.errors,
            problems=problems,
            notes=self.notes,
        )


def size_problem(returned: Any, size_bound: int | None = None) -> str | None:
    """The 5 MB rule: a larger result is refused whatever its shape. `size_bound` (see
    `Contract.judge`) spares measuring `returned`."""
    size = json_size(returned) if size_bound is None else size_bound
    if size <= MAX_RETURN_BYTES:
        return None
    return (
        f"response_size_exceeded: the returned value is {size:,} bytes of JSON and "
        f"integrator.io refuses results over 5 MB (response stream exceeded limit of "
        f"{MAX_RETURN_BYTES} bytes); return fewer or smaller records"
    )


def one_per_record(
    findings: Findings, script: str, returned: Any, input_field: str, expected: int
) -> bool:
    """The page-hook length rule: a flat array, one element per input record.

    Returns whether the elements can be checked one by one.
    """
    if isinstance(returned, dict) and isinstance(returned.get("data"), list):
        findings.problem(
            LENGTH_MISMATCH.format(expected=expected, got="")
            + f" {script} returned an object {{data: [...]}}, but integrator.io wants the"
            f" array itself: return the array, one element per element of"
            f" options.{input_field}, not an object wrapping it"
        )
        return False
    if not isinstance(returned, list):
        findings.problem(
            f"{script} must return an array with one element per element of "
            f"options.{input_field} ({expected}); it returned {describe(returned)}"
        )
        return False
    if len(returned) != expected:
        findings.problem(
            LENGTH_MISMATCH.format(expected=expected, got=len(returned))
            + f" The number of elements in the return value must match the input:"
            f" options.{input_field} has {expected}, the return has {len(returned)}"
        )
        return False
    return True


ReturnCheck = Callable[[dict[str, Any], Any, Findings], Any]
"""Judges a return into the Findings and gives back what integrator.io keeps."""


def ignored_return(script: str) -> ReturnCheck:
    """For types whose return integrator.io ignores: keep nothing, note a stray value."""

    def check(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
        if returned is not None:
            findings.note(f"{script}'s return value is ignored (it returned {describe(returned)})")
        return None

    return check


def object_return(script: str, expected: str) -> ReturnCheck:
    """For types that must return one object and nothing more is known of its shape."""

    def check(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
        findings.require_object(script, returned, expected)
        return returned

    return check
