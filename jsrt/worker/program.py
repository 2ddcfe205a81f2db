"""What a worker process serves: a `WorkerProgram`, named by the code that runs it.

A program is registered explicitly: its `load` imports the run function with an
ordinary import and returns it as a `Job`, and its `main_module` is the module a new
interpreter starts in (`python -m main_module`), whose `__main__` block hands the same
`load` to `jsrt.worker.loop.main`. A forked worker calls `load` directly. Nothing is
found by an import string, so a reader (and a type checker) sees which code a worker
runs.

Shared by the worker process and the in-process executor, so both report failures
alike: a JsrtError passes through unchanged, anything else becomes a JsrtError carrying
the Python traceback.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsrt.errors import JsrtError

Run = Callable[[Any], Mapping[str, Any]]
"""A run: one JSON-able dict in (its top-level bytes values travel raw), one out. The
program types its own request and reply (TypedDicts are dicts); the worker only carries
them."""


@dataclass(frozen=True, slots=True)
class Job:
    """The loaded program: its run, and what prepares the next run while the caller
    digests a reply (called after each reply; only ever a head start)."""

    run: Run
    between_runs: Callable[[], None] | None = None


@dataclass(frozen=True, slots=True)
class WorkerProgram:
    """A program a `Supervisor` keeps running in a worker process.

    `name` says what it runs in messages ("the hook run"); `main_module` is what a
    spawned worker's interpreter starts in (`python -m`), which must call
    `jsrt.worker.loop.main(load)`; `load` imports the run, in the worker, while V8
    starts there (so the caller, which only names the program, never imports it).
    """

    name: str
    main_module: str
    load: Callable[[], Job]


def call(name: str, job: Job, payload: Any) -> Mapping[str, Any]:
    """Run `job` over `payload`; every failure comes out as a JsrtError."""
    try:
        result = job.run(payload)
    except JsrtError:
        raise
    except Exception as exc:
        raise _with_traceback(f"{name} raised", exc) from exc
    if not isinstance(result, dict):
        raise JsrtError(f"{name} returned {type(result).__name__}, expected a dict")
    return result


def load(program: WorkerProgram) -> Job:
    """The program's job; a program that cannot load becomes a JsrtError with the
    traceback (reported by the run that needed it)."""
    try:
        return program.load()
    except JsrtError:
        raise
    except Exception as exc:
        raise _with_traceback(f"{program.name} could not load:", exc) from exc


def _with_traceback(what: str, exc: Exception) -> JsrtError:
    """A Python failure inside the worker as the JsrtError its caller reads, with the
    traceback (called while `exc` is being handled)."""
    return JsrtError(
        f"{what} {type(exc).__name__}: {exc}",
        exception_type=type(exc).__name__,
        traceback=traceback.format_exc(),
    )


def between_runs(job: Job) -> None:
    """Let the job prepare its next run; a failure is left for the next run to meet."""
    if job.between_runs is not None:
        with contextlib.suppress(Exception):
            job.between_runs()
