"""Judging a hook run against what a test expected, and saying plainly how it differs.

A test about a hook rarely wants the whole result verbatim: it wants "these fields have
these values", "this call was made, in this order", "this was logged". So the matching
here has three shapes, shared by case files, `jsrt test` and the pytest helpers:

* **exact** (`result`): equal JSON values; `true` is not `1`.
* **subset** (`result_subset`, `errors`, `records`, call arguments, world views): every key
  of an expected object is present in the actual object and matches recursively; an
  expected list has the same length as the actual list and matches element by element;
  anything else is exact.
* **subsequence** (`logs`, `calls`): the expected entries occur in the actual list in that
  order, others may come between them.

A mismatch is a `Failure`: a one-line summary, the paths where the values part, and a
unified diff of pretty JSON where the actual value is cut down to the expected shape, so
the diff shows what differs and nothing the test did not ask about. For a call that was
not made, the diff is against the closest call that was: the same `object.method` with the
most matching arguments.

A failure never shows a secret: values are compared as they are, but a value under a
secret name (`jsrt.backends.scrubbing.holds_secret`) is shown `scrubbed` in diffs and
call listings, and a mismatch there says only that it differs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from jsrt.api.errors import ApiError
from jsrt.backends.scrubbing import holds_secret, scrubbed
from jsrt.closest import closest, json_diff
from jsrt.describe import format_path, short_json, source_excerpt
from jsrt.errors import JsrtError

ABSENT: Final = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()
"""Stands for an expectation that was not given (`None` is a value a hook can return)."""

MAX_MISMATCHES = 8
"""More paths than this in one failure are summarised: the diff shows the rest."""
SECRET_DIFFERS = "differs from the expected value (a secret: neither value is shown)"

MAX_LISTED = 20
"""Logs or calls listed in a failure before the list is cut."""

WORLD_VIEWS: Final = ("state", "lookupcaches", "imported", "export_runs", "jobs")
"""The parts of the world a test may inspect after a run (see `world_view`)."""


@dataclass
class Failure:
    """One expectation that did not hold.

    `what` names the expectation (`result_subset`, `calls[2]`, `world.state`, …),
    `message` says in one line what went wrong, `details` adds lines (the paths where the
    values part, the calls that were made, …), and `expected`/`actual` are the values the
    diff compares (`ABSENT` when there is nothing to compare).
    """

    what: str
    message: str
    details: list[str] = field(default_factory=list)
    expected: Any = ABSENT
    actual: Any = ABSENT

    @property
    def diff(self) -> str:
        """The unified diff of expected vs actual as pretty JSON ('' without both)."""
        if self.expected is ABSENT or self.actual is ABSENT:
            return ""
        return json_diff(scrubbed(self.expected), scrubbed(self.actual))

    def headline(self) -> str:
        """`what: message`, the failure in one line."""
        return f"{self.what}: {self.message}"

    def render(self) -> str:
        """The failure as the text a person reads in a test report."""
        lines = [self.headline()]
        lines.extend(f"  {line}" for line in self.details)
        diff = self.diff
        if diff:
            lines.extend(f"  {line}" for line in diff.splitlines())
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The failure for `jsrt test --json`."""
        out: dict[str, Any] = {"what": self.what, "message": self.message}
        if self.details:
            out["details"] = self.details
        if self.expected is not ABSENT:
            out["expected"] = scrubbed(self.expected)
        if self.actual is not ABSENT:
            out["actual"] = scrubbed(self.actual)
        diff = self.diff
        if diff:
            out["diff"] = diff
        return out


# --- values -------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return short_json(value)


def _same_scalar(expected: Any, actual: Any) -> bool:
    """JSON equality: numbers compare by value, but `true` is neither `1` nor `1.0`."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    return type(expected) is type(actual) and expected == actual


def mismatches(
    expected: Any, actual: Any, *, subset: bool, path: tuple[str | int, ...] = ()
) -> list[str]:
    """Where `actual` departs from `expected`, one line per path (empty: it matches).

    With `subset`, objects may carry keys the expectation does not name.
    """
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"at {format_path(path)}: expected an object, got {_kind(actual)}"]
        found: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"at {format_path(path)}: missing key {json.dumps(key)}")
            else:
                parted = mismatches(value, actual[key], subset=subset, path=(*path, key))
                if parted and (holds_secret(actual, key) or holds_secret(expected, key)):
                    parted = [f"at {format_path((*path, key))}: {SECRET_DIFFERS}"]
                found.extend(parted)
        if not subset:
            found.extend(
                f"at {format_path(path)}: unexpected key {json.dumps(key)}"
                for key in actual
                if key not in expected
            )
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"at {format_path(path)}: expected a list, got {_kind(actual)}"]
        if len(expected) != len(actual):
            return [
                f"at {format_path(path)}: expected a list of {len(expected)} items, "
                f"got {len(actual)}"
            ]
        found = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found.extend(mismatches(want, got, subset=subset, path=(*path, index)))
        return found
    if _same_scalar(expected, actual):
        return []
    return [f"at {format_path(path)}: expected {short_json(expected)}, got {short_json(actual)}"]


def is_subset(expected: Any, actual: Any) -> bool:
    """Whether `actual` holds everything `expected` names (the subset rule above)."""
    return not mismatches(expected, actual, subset=True)


def project(actual: Any, expected: Any) -> Any:
    """`actual` cut down to the keys `expected` names, so a diff shows only what was asked.

    Lists of different lengths are kept whole: their length is the difference.
    """
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return {
            key: project(actual[key], value) for key, value in expected.items() if key in actual
        }
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [project(got, want) for want, got in zip(expected, actual, strict=True)]
    return actual


def matching_leaves(expected: Any, actual: Any) -> int:
    """How many scalar leaves of `expected` `actual` matches (to rank near misses)."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return 0
        return sum(matching_leaves(v, actual[k]) for k, v in expected.items() if k in actual)
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return 0
        return sum(matching_leaves(w, g) for w, g in zip(expected, actual, strict=False))
    return int(_same_scalar(expected, actual))


def compare(what: str, expected: Any, actual: Any, *, subset: bool) -> Failure | None:
    """A `Failure` with paths and diff when `actual` does not match `expected`."""
    found = mismatches(expected, actual, subset=subset)
    if not found:
        return None
    rule = "does not contain the expected values" if subset else "differs from the expected value"
    details = found[:MAX_MISMATCHES]
    if len(found) > MAX_MISMATCHES:
        details.append(f"… and {len(found) - MAX_MISMATCHES} more differences (see the diff)")
    shown = project(actual, expected) if subset else actual
    return Failure(what, rule, details, expected=expected, actual=shown)


# --- logs and calls -------------------------------------------------------------------------


def log_matches(pattern: Mapping[str, Any], entry: Mapping[str, Any]) -> bool:
    """A log pattern `{level?, text?, contains?}` against one captured log entry."""
    text = str(entry.get("text", ""))
    return (
        ("level" not in pattern or pattern["level"] == entry.get("level"))
        and ("text" not in pattern or pattern["text"] == text)
        and ("contains" not in pattern or str(pattern["contains"]) in text)
    )


def call_name(call: Mapping[str, Any]) -> str:
    """`state.putForResource` for a call record or a call pattern."""
    return f"{call.get('object')}.{call.get('method')}"


def call_matches(pattern: Mapping[str, Any], call: Mapping[str, Any]) -> bool:
    """A call pattern `{object, method, args?, ok?, result?, error?}` against one call."""
    if call_name(pattern) != call_name(call):
        return False
    rest = {k: v for k, v in pattern.items() if k not in ("object", "method")}
    return is_subset(rest, call)


def closest_call(
    pattern: Mapping[str, Any], calls: Sequence[Mapping[str, Any]]
) -> tuple[int, Mapping[str, Any]] | None:
    """The call with `pattern`'s object.method that matches most of it, and its index."""
    rest = {k: v for k, v in pattern.items() if k not in ("object", "method")}
    name = call_name(pattern)
    return closest(
        calls, lambda call: matching_leaves(rest, call) if call_name(call) == name else None
    )


def _in_order(
    label: str,
    patterns: Sequence[Mapping[str, Any]],
    items: Sequence[Mapping[str, Any]],
    matches: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
    explain: Callable[..., Failure],
) -> Failure | None:
    """Match `patterns` in order within `items`; `explain` the first one that is missing."""
    start = 0
    for number, pattern in enumerate(patterns):
        found = next((i for i in range(start, len(items)) if matches(pattern, items[i])), None)
        if found is None:
            return explain(f"{label}[{number}]", pattern, items, after=start)
        start = found + 1
    return None


def _listing(lines: list[str]) -> list[str]:
    if len(lines) > MAX_LISTED:
        return [*lines[:MAX_LISTED], f"… {len(lines) - MAX_LISTED} more"]
    return lines


def _call_line(index: int, call: Mapping[str, Any]) -> str:
    status = "" if call.get("ok", True) else "  (threw)"
    args = short_json(scrubbed(call.get("args", [])), 100)[1:-1]
    return f"#{index + 1} {call_name(call)}({args}){status}"


def calls_summary(calls: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per call, numbered from 1, to show what a hook actually called."""
    if not calls:
        return ["no integrator-api calls were made"]
    return ["calls made:", *_listing([f"  {_call_line(i, c)}" for i, c in enumerate(calls)])]


def missing_call(
    what: str,
    pattern: Mapping[str, Any],
    calls: Sequence[Mapping[str, Any]],
    *,
    after: int = 0,
) -> Failure:
    """Explain that no call at or after index `after` matches `pattern`, with the closest one."""
    name = call_name(pattern)
    closest = closest_call(pattern, calls)
    if closest is None:
        return Failure(what, f"no call to {name} was made", calls_summary(calls))
    index, call = closest
    if call_matches(pattern, call):
        return Failure(
            what,
            f"{name} was called as expected (#{index + 1}), but before the previous expected "
            f"call (expected calls are matched in order)",
            calls_summary(calls),
        )
    rest = {k: v for k, v in pattern.items() if k not in ("object", "method")}
    note = "" if index >= after else " (it came before the previous expected call)"
    return Failure(
        what,
        f"no matching {name} call{' after call #' + str(after) if after else ''}; "
        f"closest is call #{index + 1}{note}",
        mismatches(rest, call, subset=True)[:MAX_MISMATCHES],
        expected=rest,
        actual=project(dict(call), rest),
    )


def check_calls(
    patterns: Sequence[Mapping[str, Any]], calls: Sequence[Mapping[str, Any]]
) -> Failure | None:
    """The expected calls occur in this order (others may come between them)."""
    return _in_order("calls", patterns, calls, call_matches, missing_call)


def check_calls_count(
    expected: int | Mapping[str, int], calls: Sequence[Mapping[str, Any]]
) -> Failure | None:
    """The exact number of calls, in all or per `object.method`."""
    if isinstance(expected, int):
        if len(calls) == expected:
            return None
        return Failure(
            "calls_count", f"expected {expected} calls, got {len(calls)}", calls_summary(calls)
        )
    counts = Counter(call_name(call) for call in calls)
    wrong = {name: n for name, n in expected.items() if counts.get(name, 0) != n}
    if not wrong:
        return None
    return Failure(
        "calls_count",
        "; ".join(f"{name}: expected {n}, got {counts.get(name, 0)}" for name, n in wrong.items()),
        calls_summary(calls),
    )


def missing_log(
    what: str, pattern: Mapping[str, Any], logs: Sequence[Mapping[str, Any]], *, after: int = 0
) -> Failure:
    """Explain that no log entry at or after index `after` matches `pattern`."""
    where = f" after log #{after}" if after else ""
    listed = [f"  #{i + 1} [{e.get('level')}] {e.get('text')}" for i, e in enumerate(logs)]
    details = ["logs captured:", *_listing(listed)] if logs else ["nothing was logged"]
    return Failure(what, f"no log entry{where} matches {short_json(pattern)}", details)


def check_logs(
    patterns: Sequence[Mapping[str, Any]], logs: Sequence[Mapping[str, Any]]
) -> Failure | None:
    """The expected log entries occur in this order (others may come between them)."""
    return _in_order("logs", patterns, logs, log_matches, missing_log)


# --- the run as a whole ---------------------------------------------------------------------


def find_error_class(name: str) -> type[JsrtError] | None:
    """The `JsrtError` class called `name` (for `error.type`, matched with its subclasses)."""
    pending: list[type[JsrtError]] = [JsrtError]
    while pending:
        klass = pending.pop()
        if klass.__name__ == name:
            return klass
        pending.extend(klass.__subclasses__())
    return None


def error_mismatches(expected: Mapping[str, str], error: Mapping[str, Any]) -> list[str]:
    """How a run's error departs from `{type?, name?, message?}` (message: a substring)."""
    found = []
    if "type" in expected:
        wanted = find_error_class(expected["type"])
        actual = find_error_class(str(error.get("type")))
        if wanted is None or actual is None or not issubclass(actual, wanted):
            found.append(f"type: expected {expected['type']}, got {error.get('type')}")
    if "name" in expected and expected["name"] != error.get("name"):
        found.append(f"name: expected {expected['name']}, got {error.get('name')}")
    if "message" in expected and expected["message"] not in str(error.get("message", "")):
        found.append(f"message: expected it to contain {json.dumps(expected['message'])}")
    return found


def describe_error(error: Mapping[str, Any]) -> list[str]:
    """A run's error as report lines: the message, then the JS stack when there is one."""
    lines = [f"{error.get('type')}: {error.get('message')}", *source_excerpt(error)]
    if error.get("hint"):
        lines.append(f"hint: {error['hint']}")
    stack = error.get("stack")
    if stack:
        lines.extend(str(stack).splitlines())
    return lines


def check_outcome(
    expected_error: Mapping[str, str] | None,
    want_ok: bool,
    run_ok: bool,
    error: Mapping[str, Any] | None,
) -> Failure | None:
    """Whether the run succeeded, or failed the expected way."""
    if expected_error is not None:
        if error is None:
            return Failure(
                "error",
                f"expected the run to fail with {short_json(expected_error)}, but it succeeded",
            )
        found = error_mismatches(expected_error, error)
        if found:
            return Failure(
                "error", "the run failed, but not as expected", found + describe_error(error)
            )
        return None
    if run_ok == want_ok:
        return None
    if want_ok:
        return Failure("ok", "the run failed", describe_error(error or {}))
    return Failure("ok", "expected the run to fail, but it succeeded")


# --- the world after a run ------------------------------------------------------------------


def world_view(world: Any, view: str, key: str) -> Any:
    """What the world holds under one `world:` expectation entry.

    `state` keys are `<resourceType>/<_id>`; the others are the `_id` of a lookup cache,
    an import, an export or a flow.
    """
    if view == "state":
        resource_type, _, _id = key.partition("/")
        return world.state_of(resource_type, _id)
    if view == "lookupcaches":
        return world.cache_entries(key)
    if view == "imported":
        return world.imported(key)
    if view == "export_runs":
        return world.export_runs(key)
    if view == "jobs":
        return world.jobs(key)
    raise ValueError(f"unknown world view {view!r}")


def check_world(expected: Mapping[str, Mapping[str, Any]], world: Any) -> list[Failure]:
    """Each named part of the world holds the expected values (subset rule)."""
    if world is None:
        return [Failure("world", "there is no world to inspect: the run never started")]
    failures = []
    for view, entries in expected.items():
        for key, want in entries.items():
            what = f"world.{view}[{json.dumps(key)}]"
            try:
                got = world_view(world, view, key)
            except (LookupError, ApiError, JsrtError) as exc:
                reason = exc.args[0] if exc.args else type(exc).__name__
                failures.append(Failure(what, f"the world has no such entry ({reason})"))
                continue
            failure = compare(what, want, got, subset=True)
            if failure:
                failures.append(failure)
    return failures


# --- everything a case expects --------------------------------------------------------------


@dataclass(frozen=True)
class Expectations:
    """What one case expects of a run; `ABSENT` (or None) where it expects nothing.

    The run must succeed unless `error` is given or `ok` is false.
    """

    ok: bool | None = None
    error: Mapping[str, str] | None = None
    result: Any = ABSENT
    result_subset: Any = ABSENT
    errors: Any = ABSENT
    records: Any = ABSENT
    logs: Sequence[Mapping[str, Any]] | None = None
    calls: Sequence[Mapping[str, Any]] | None = None
    calls_count: int | Mapping[str, int] | None = None
    world: Mapping[str, Mapping[str, Any]] | None = None


def check(expect: Expectations, result: Any, world: Any) -> list[Failure]:
    """Every way `result` (a `HookResult`) and `world` fall short of `expect`."""
    failures: list[Failure | None] = [
        check_outcome(
            expect.error,
            expect.error is None and expect.ok is not False,
            result.ok,
            result.error,
        )
    ]
    if expect.result is not ABSENT:
        failures.append(compare("result", expect.result, result.value, subset=False))
    if expect.result_subset is not ABSENT:
        failures.append(compare("result_subset", expect.result_subset, result.value, subset=True))
    if expect.errors is not ABSENT:
        failures.append(compare("errors", expect.errors, result.errors, subset=True))
    if expect.records is not ABSENT:
        failures.append(compare("records", expect.records, result.records, subset=True))
    if expect.logs is not None:
        failures.append(check_logs(expect.logs, result.logs))
    if expect.calls is not None:
        failures.append(check_calls(expect.calls, result.calls))
    if expect.calls_count is not None:
        failures.append(check_calls_count(expect.calls_count, result.calls))
    found = [failure for failure in failures if failure is not None]
    if expect.world is not None:
        found.extend(check_world(expect.world, world))
    return found
