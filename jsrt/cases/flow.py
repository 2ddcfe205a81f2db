"""A flow case: the whole flow run (`Runtime.run_flow`) and judged by what it expects.

A case file says `flow: FLOW` without `step:` to run every step of the flow of its world
on the input it gives (`pages:` or `data:`, else the exports' `mockOutput`), and expects,
beside the keys every case has (`ok`, `error`, `errors`, `world`):

* `received: {<import>: [records]}`: what the import would have sent, every page in
  order (`FlowResult.imported`), by the subset rule;
* `counts: {<step>: {received, passed, ignored, failed, hooks: {<hook>: {runs, records,
  failed}}}}`: a step's counts, by the subset rule;
* `stages: {<step>: [{name, page, input, output, errors}]}`: a step's stages in
  integrator.io's vocabulary, in order (others may come between them), each by the
  subset rule.

A step is named by its name, its resource's `_id`, its 0-based index or its place
(`pageProcessors[1]`), as `FlowResult.step` finds it.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jsrt.cases.model import Case, CaseOutcome, FlowExpectations
from jsrt.closest import closest, most_alike
from jsrt.describe import short_json
from jsrt.errors import JsrtError
from jsrt.expect import (
    ABSENT,
    Expectations,
    Failure,
    check_outcome,
    check_world,
    compare,
    error_mismatches,
    find_error_class,
    is_subset,
    matching_leaves,
    mismatches,
    project,
)

if TYPE_CHECKING:
    from jsrt.flow import FlowResult, StepResult
    from jsrt.runner import Runtime


def run_flow_case(case: Case, runtime: Runtime, started: float) -> CaseOutcome:
    """Run `case`'s flow on `runtime` (fresh, built from the case's world) and judge it.

    A run that cannot start (an unknown flow, a hook whose script is missing, input the
    flow cannot page) ends as `error`, unless the case expected exactly that error."""
    assert case.flow is not None and case.flow_input is not None, "a flow case names its flow"
    try:
        result = runtime.run_flow(case.flow, **flow_arguments(case.flow_input))
    except JsrtError as exc:
        error = exc.to_dict()
        duration = (time.perf_counter() - started) * 1000
        if case.expect.error is None or error_mismatches(case.expect.error, error):
            return CaseOutcome(case, "error", duration_ms=duration, error=error)
        return CaseOutcome(case, "passed", duration_ms=duration, error=error)
    failures = check_flow(case.expect, case.flow_expect or FlowExpectations(), result)
    if case.expect.world is not None:
        failures.extend(_world_failures(case.expect, runtime))
    return CaseOutcome(
        case,
        "failed" if failures else "passed",
        failures=failures,
        duration_ms=(time.perf_counter() - started) * 1000,
        error=_run_error(result),
    )


def flow_arguments(flow_input: Mapping[str, Any]) -> dict[str, Any]:
    """`Runtime.run_flow`'s keyword arguments for a case's input: `data` (records,
    paged by each export's pageSize) and `pages` (the first N pages only)."""
    return {key: flow_input[key] for key in ("pages", "data") if key in flow_input}


def _run_error(result: FlowResult) -> dict[str, Any] | None:
    """What stopped a page or the run (its first failure), as `expect.error` matches a
    hook run's error: `type` the jsrt error (`ContractViolation`, `HookTimeout`, ...),
    or `ScriptError` with the JavaScript error's `name` for a throw. None when nothing
    stopped (records may still have failed: `ok` and `errors` say so)."""
    if not result.failures:
        return None
    first = result.failures[0]
    code = str(first.get("code", ""))
    more = f" (and {len(result.failures) - 1} more)" if len(result.failures) > 1 else ""
    where = ", ".join(f"{key} {first[key]}" for key in ("step", "stage", "page") if key in first)
    error = {"type": code, "message": f"{first.get('message', '')} ({where}){more}"}
    if find_error_class(code) is None:
        error.update(type="ScriptError", name=code)
    return error


def _world_failures(expect: Expectations, runtime: Runtime) -> list[Failure]:
    """`world:` as a hook case judges it: only where a local world took the run."""
    assert expect.world is not None
    if runtime.backend == "local":
        return check_world(expect.world, runtime.world)
    return [
        Failure(
            "world",
            f"`world:` expectations inspect the local backend, and this case ran on the "
            f"{runtime.backend} backend",
        )
    ]


def check_flow(
    expect: Expectations, flow_expect: FlowExpectations, result: FlowResult
) -> list[Failure]:
    """Every way a flow run falls short of what the case expects (the world aside)."""
    wants_ok = expect.error is None and expect.ok is not False
    outcome = check_outcome(expect.error, wants_ok, result.ok, _run_error(result))
    if outcome is not None and wants_ok:
        outcome.details.extend(_why_not_ok(result))
    found: list[Failure | None] = [outcome]
    if expect.errors is not ABSENT:
        found.append(compare("errors", expect.errors, result.errors, subset=True))
    views: tuple[tuple[str, Mapping[str, Any] | None, StepJudge], ...] = (
        ("received", flow_expect.received, _received),
        ("counts", flow_expect.counts, _counts),
        ("stages", flow_expect.stages, _stages),
    )
    for view, expected, judge in views:
        for key, wanted in (expected or {}).items():
            found.append(_per_step(result, view, key, wanted, judge))
    return [failure for failure in found if failure is not None]


def _why_not_ok(result: FlowResult) -> list[str]:
    """The first records' errors of a run that was not ok, for the `ok` failure's details
    (those a failure of a whole page gave its records are said once, by the failure)."""
    stopped = {failure.get("message") for failure in result.failures}
    errors = [error for error in result.errors if error.get("message") not in stopped]
    return [
        f"step {error.get('step')}: {error.get('code')}: {error.get('message')}"
        for error in errors[:5]
    ]


StepJudge = Callable[["StepResult", Any, str], "Failure | None"]
"""Judges one step against what a flow case expects of it (`what` names the expectation)."""


def _per_step(
    result: FlowResult, view: str, key: str, wanted: Any, judge: StepJudge
) -> Failure | None:
    """`judge` the step `key` names, or a failure naming the steps there are."""
    what = f"{view}[{json.dumps(key)}]"
    step = _find_step(result, key)
    if step is None:
        names = [str(s.name or s.resource_id or s.place) for s in result.steps]
        near = most_alike(str(key), names, limit=3)
        return Failure(
            what,
            f"the flow has no step {key!r}",
            [f"its steps: {', '.join(names)}", f"the closest: {', '.join(near)}"],
        )
    return judge(step, wanted, what)


def _find_step(result: FlowResult, key: str | int) -> StepResult | None:
    try:
        return result.step(key)
    except KeyError:
        if isinstance(key, str) and key.isdigit():
            return _find_step(result, int(key))
        return None


def _received(step: StepResult, expected: list[Any], what: str) -> Failure | None:
    if step.kind != "import":
        return Failure(
            what,
            f"{step.label} is {'an' if step.kind == 'export' else 'a'} {step.kind}, and only "
            "an import receives records to send",
        )
    actual = [record for page in step.submitted for record in page]
    return compare(what, expected, actual, subset=True)


def _counts(step: StepResult, expected: Mapping[str, Any], what: str) -> Failure | None:
    written = step.to_json()
    actual = {**written["counts"], "hooks": written["hooks"]}
    return compare(what, dict(expected), actual, subset=True)


def _stages(step: StepResult, expected: Sequence[Any], what: str) -> Failure | None:
    """The expected stages occur in this order among the step's (others may come between)."""
    stages = [stage.to_json() for stage in step.stages]
    start = 0
    for number, pattern in enumerate(expected):
        at = f"{what}[{number}]"
        found = next((i for i in range(start, len(stages)) if is_subset(pattern, stages[i])), None)
        if found is not None:
            start = found + 1
            continue
        names = ", ".join(f"{s['name']} (page {s['page']})" for s in stages) or "none"
        near = closest(stages, functools.partial(_stage_score, pattern))
        if near is None:
            return Failure(at, f"no stage matches {short_json(pattern)}", [f"stages: {names}"])
        index, stage = near
        return Failure(
            at,
            f"no matching stage after stage #{start}; closest is #{index + 1} "
            f"({stage['name']}, page {stage['page']})",
            [f"stages: {names}", *mismatches(pattern, stage, subset=True)[:8]],
            expected=pattern,
            actual=project(stage, pattern),
        )
    return None


def _stage_score(pattern: Any, stage: Mapping[str, Any]) -> int | None:
    """How near a stage comes to an expected one: only a stage of the named name counts."""
    if isinstance(pattern, Mapping) and "name" in pattern and pattern["name"] != stage["name"]:
        return None
    return matching_leaves(pattern, stage)
