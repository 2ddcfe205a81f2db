"""Running one case: a fresh Runtime, the hook run, the run judged by its expectations."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jsrt.cases.model import Case, CaseOutcome
from jsrt.errors import JsrtError
from jsrt.expect import Expectations, Failure, check, error_mismatches
from jsrt.run.choice import BackendChoice

if TYPE_CHECKING:
    from jsrt.backends.cassette import CassetteLibrary
    from jsrt.coverage import CoverageCollector
    from jsrt.runner import Executor, HookResult


def run_case(
    case: Case,
    *,
    timeout_s: float | None = None,
    caps: Mapping[str, int] | None = None,
    executor: Executor | None = None,
    backend: BackendChoice | None = None,
    cassettes: CassetteLibrary | None = None,
    coverage: CoverageCollector | None = None,
) -> CaseOutcome:
    """Run `case` against a fresh Runtime (a fresh world from its world file) and judge it.

    `timeout_s` is the limit for cases that set none, `caps` (`max_log_lines`,
    `max_log_chars`, `max_calls`, each given or not) the caps for cases that set none. A
    run that cannot start (the runtime raises a `JsrtError`: a script that does not load,
    a bad world file) ends as `error`,
    unless the case expected exactly that error. `backend` is the front end's backend
    choice, over the case's (`BackendChoice.under`); `cassettes` shares cassette files
    between the cases of one session. `coverage` collects what the run covered, and
    lists the world's scripts that it did not run.
    """
    # The runtime pulls in the engine; importing it here keeps collecting case files cheap.
    from jsrt.backends.cassette import CassetteLibrary
    from jsrt.runner import (
        DEFAULT_LIMITS,
        DEFAULT_MEMORY_MB,
        DEFAULT_TIMEOUT_S,
        Runtime,
    )

    started = time.perf_counter()
    if case.kind in ("mapping", "filter"):
        return _run_definition(case, executor)
    runtime = None
    try:
        library = cassettes if cassettes is not None else CassetteLibrary()
        chosen = case.backend.under(backend or BackendChoice()).with_cassettes(library)
        chosen_caps = {**(caps or {}), **case.caps}
        runtime = Runtime(
            case.world,
            timeout_s=case.timeout_s or timeout_s or DEFAULT_TIMEOUT_S,
            memory_mb=case.memory_mb or DEFAULT_MEMORY_MB,
            max_log_lines=chosen_caps.get("max_log_lines", DEFAULT_LIMITS["max_log_lines"]),
            max_log_chars=chosen_caps.get("max_log_chars", DEFAULT_LIMITS["max_log_chars"]),
            max_calls=chosen_caps.get("max_calls", DEFAULT_LIMITS["max_calls"]),
            executor=executor,
            cassette_scope=f"{case.file.name}::{case.name}",
            backend=chosen,
            coverage=coverage,
        )
        if coverage is not None:
            coverage.include_world(runtime)
        if case.runs_flow:
            from jsrt.cases.flow import run_flow_case

            return run_flow_case(case, runtime, started)
        if case.flow is not None and case.step is not None:
            given = case.options or None  # none given: the hook contract's sample
            result = runtime.run_step(case.flow, case.step, case.hook, given)
        else:
            assert case.script is not None, "a case runs a script or a flow step"
            result = runtime.run_hook(case.script, case.function, case.options, case.hook)
    except JsrtError as exc:
        failed = _expected_error(case, exc, started, hook=case.hook, function=case.function)
        if isinstance(failed, CaseOutcome):
            return failed
        result = failed
    return _judged(case, result, _check(case.expect, result, runtime), started)


def _check(expect: Expectations, result: Any, runtime: Any) -> list[Failure]:
    """`check`, with `world:` expectations judged only where a local world took the
    run's calls: on the REST or replay backend the calls changed the account (or were
    replayed), not the world, and the world would only show its seed."""
    if runtime is None or runtime.backend == "local" or expect.world is None:
        return check(expect, result, runtime.world if runtime else None)
    found = check(dataclasses.replace(expect, world=None), result, None)
    found.append(
        Failure(
            "world",
            f"`world:` expectations inspect the local backend, and this case ran on the "
            f"{runtime.backend} backend, whose calls do not change the local world; assert "
            "the calls instead (`calls:` holds on every backend), or run it on --backend local",
        )
    )
    return found


def _run_definition(case: Case, executor: Executor | None) -> CaseOutcome:
    """A mapping or filter case: the definition applied to its records by the
    transformation engine (a script filter runs as a filter hook), judged as a hook run."""
    from jsrt.cases.definitions import (
        DefinitionKind,
        apply_filter,
        apply_mapping,
        as_result,
        definition_of,
    )
    from jsrt.runner import world_from_path
    from jsrt.transform.filters import script_filter_of

    started = time.perf_counter()
    world = None
    try:
        if case.world is not None:
            world, _ = world_from_path(case.world)
        source = f"{case.file}:{case.line}"
        kind: DefinitionKind = "mapping" if case.kind == "mapping" else "filter"
        definition = definition_of(kind, case.definition, world, source=source)
        if kind == "mapping":
            result = as_result(
                "mapping",
                case.records,
                apply_mapping(definition, case.records, world=world, context=case.context),
            )
        elif script_filter_of(definition) is not None:
            result = _run_script_filter(case, definition, world, executor)
        else:
            outcomes = apply_filter(definition, case.records, context=case.context)
            result = as_result("filter", case.records, outcomes)
    except JsrtError as exc:
        failed = _expected_error(case, exc, started, hook=case.kind, function=None)
        if isinstance(failed, CaseOutcome):
            return failed
        result = failed
    return _judged(case, result, check(case.expect, result, world), started)


def _expected_error(
    case: Case, exc: JsrtError, started: float, *, hook: str | None, function: str | None
) -> HookResult | CaseOutcome:
    """What a case that raised comes to: the failed result its `expect.error` is then
    judged against, or (no error expected, or another one) the case's "error" outcome."""
    from jsrt.runner import HookResult

    error = exc.to_dict()
    if case.expect.error is None or error_mismatches(case.expect.error, error):
        duration = (time.perf_counter() - started) * 1000
        return CaseOutcome(case, "error", duration_ms=duration, error=error)
    return HookResult(ok=False, value=None, hook=hook, function=function or "", error=error)


def _judged(case: Case, result: HookResult, failures: list[Failure], started: float) -> CaseOutcome:
    """The outcome of a case whose result was judged: passed, or failed with `failures`."""
    return CaseOutcome(
        case,
        "failed" if failures else "passed",
        failures=failures,
        duration_ms=(time.perf_counter() - started) * 1000,
        error=result.error,
        logs=result.logs,
        warnings=result.warnings,
    )


def _run_script_filter(
    case: Case, definition: dict[str, Any], world: Any, executor: Executor | None
) -> Any:
    """A `script` filter: its function run as a filter hook, once per record, in the
    world (integrator.io calls the filter script per record; configuring-filters)."""
    from jsrt.cases.definitions import as_result
    from jsrt.integration.scripts import WorldPlace, script_code
    from jsrt.integration.steps import find_document
    from jsrt.runner import Runtime
    from jsrt.transform.filters import script_filter_of
    from jsrt.transform.mapping import RecordOutcome

    found = script_filter_of(definition)
    assert found is not None, "only a script filter runs as a hook"
    script_id, function = found
    runtime = Runtime(world, executor=executor, world_file=case.world)
    place = (
        WorldPlace.of_file(case.world)
        if case.world is not None
        else WorldPlace(case.file.parent, str(case.file))
    )
    code = script_code(dict(find_document(runtime.world, "scripts", script_id)), place)
    options = {"records": case.records}
    if code.path is not None:
        ran = runtime.run_hook(code.path, function, options, "filter")
    else:
        ran = runtime.run_hook(code.filename, function, options, "filter", source=code.code)
    outcomes = [
        RecordOutcome(data=record["value"])
        if record["ok"]
        else RecordOutcome(errors=({"code": "script_error", "message": _message(record)},))
        for record in ran.records or []
    ]
    result = as_result("filter", case.records, outcomes)
    result.logs, result.calls, result.warnings = ran.logs, ran.calls, ran.warnings
    return result


def _message(record: Mapping[str, Any]) -> str:
    """Why a record failed in a hook run: its error's message, or its contract problems."""
    error = record.get("error") or {}
    return str(error.get("message") or "; ".join(record.get("problems", [])) or "failed")
