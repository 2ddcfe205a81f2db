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
    from jsrt.runner import Executor


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
        HookResult,
        Runtime,
    )

    started = time.perf_counter()
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
        if case.flow is not None and case.step is not None:
            given = case.options or None  # none given: the hook contract's sample
            result = runtime.run_step(case.flow, case.step, case.hook, given)
        else:
            assert case.script is not None, "a case runs a script or a flow step"
            result = runtime.run_hook(case.script, case.function, case.options, case.hook)
    except JsrtError as exc:
        error = exc.to_dict()
        duration = (time.perf_counter() - started) * 1000
        if case.expect.error is None or error_mismatches(case.expect.error, error):
            return CaseOutcome(case, "error", duration_ms=duration, error=error)
        result = HookResult(
            ok=False, value=None, hook=case.hook, function=case.function or "", error=error
        )
    failures = _check(case.expect, result, runtime)
    return CaseOutcome(
        case,
        "failed" if failures else "passed",
        failures=failures,
        duration_ms=(time.perf_counter() - started) * 1000,
        error=result.error,
        logs=result.logs,
        warnings=result.warnings,
    )


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
