"""Finding and calling a run's target: `"package.module:function"`, called with one
JSON-able dict and returning one.

Shared by the worker process and the in-process executor, so both report failures
alike: a JsrtError passes through unchanged, anything else becomes a JsrtError carrying
the Python traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import sys
import traceback
from collections.abc import Callable
from typing import Any

from jsrt.errors import JsrtError, UsageError

Target = Callable[[dict[str, Any]], dict[str, Any]]

_TARGET = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*")
_resolved: dict[str, Target] = {}


def check_target(target: str) -> None:
    """Raise UsageError unless `target` reads `package.module:function`."""
    if not isinstance(target, str) or not _TARGET.fullmatch(target):
        raise UsageError(
            f"run target {target!r} is not of the form 'package.module:function'",
            hint="name an importable module and a function in it, e.g. 'jsrt.execute:execute'",
        )


def resolve(target: str) -> Target:
    """The function `target` names; imported once per process."""
    function = _resolved.get(target)
    if function is None:
        check_target(target)
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise UsageError(
                f"run target {target!r}: cannot import {module_name!r} ({exc})",
                hint="make the module importable (installed, or on sys.path)",
            ) from exc
        function = getattr(module, attribute, None)
        if not callable(function):
            raise UsageError(f"run target {target!r}: {module_name} has no function {attribute!r}")
        _resolved[target] = function
    return function


def between_runs(target: str) -> None:
    """Let `target`'s module prepare its next run while the caller digests this one:
    the worker calls this after each reply, if the module defines `between_runs()`.
    It is only ever a head start, so a failure is left for the next run to meet."""
    module = sys.modules.get(target.partition(":")[0])  # loaded if the run could start
    prepare = getattr(module, "between_runs", None)
    if callable(prepare):
        with contextlib.suppress(Exception):
            prepare()


def call(target: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Call `target` with `payload`; every failure comes out as a JsrtError."""
    function = resolve(target)
    try:
        result = function(payload)
    except JsrtError:
        raise
    except Exception as exc:
        raise JsrtError(
            f"run target {target} raised {type(exc).__name__}: {exc}",
            exception_type=type(exc).__name__,
            traceback=traceback.format_exc(),
        ) from exc
    if not isinstance(result, dict):
        raise JsrtError(f"run target {target} returned {type(result).__name__}, expected a dict")
    return result
