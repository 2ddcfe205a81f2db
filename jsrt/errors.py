"""The one exception tree every part of jsrt raises from.

Errors are data (the click way): each class carries the exit code the CLI maps it to,
and every error can be turned into a plain dict and back, because errors raised inside
the worker process that hosts V8 must cross a pipe to reach the caller intact.

Exit codes: 0 ok, 1 the hook failed or broke its contract, 2 bad usage or bad input.
"""

from __future__ import annotations

from typing import Any, ClassVar

EXIT_OK = 0
EXIT_HOOK_FAILED = 1
EXIT_BAD_INPUT = 2

_REGISTRY: dict[str, type[JsrtError]] = {}


class JsrtError(Exception):
    """Base of every error jsrt raises on purpose.

    `message` is the sentence a user reads; `hint` says how to fix it; `details` holds
    structured facts (file, line, column, …) that front ends may show or serialise.
    """

    exit_code: ClassVar[int] = EXIT_HOOK_FAILED

    def __init__(self, message: str, *, hint: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.__name__] = cls

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message

    def __getattr__(self, name: str) -> Any:
        details = self.__dict__.get("details")
        if details is not None and name in details:
            return details[name]
        raise AttributeError(name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form: what `--json` prints and what crosses the worker pipe."""
        out: dict[str, Any] = {"type": type(self).__name__, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        out.update(self.details)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JsrtError:
        """Rebuild an error produced by `to_dict`, in this process."""
        data = dict(data)
        klass = _REGISTRY.get(data.pop("type", ""), JsrtError)
        message = data.pop("message", "")
        hint = data.pop("hint", None)
        return klass(message, hint=hint, **data)


_REGISTRY["JsrtError"] = JsrtError


class UsageError(JsrtError):
    """The command line or the Python call was wrong (exit 2)."""

    exit_code = EXIT_BAD_INPUT


class InputError(JsrtError):
    """An input file (script, options, world, case) cannot be used (exit 2).

    Carries `file`, and `line`/`column` (or a JSON `position`) where they are known.
    """

    exit_code = EXIT_BAD_INPUT


class LoadError(InputError):
    """The script cannot be loaded: syntax error, disallowed import, missing function."""


class ModuleFetchError(InputError):
    """A JavaScript library a script imports (dayjs, sjcl) could not be obtained."""


class HookError(JsrtError):
    """The hook ran and failed (exit 1)."""


class ScriptError(HookError):
    """JavaScript threw. Details: `name`, `message`, `file`, `line`, `column`, `stack`."""


class HookTimeout(HookError):
    """The hook ran past its wall-clock limit and was stopped."""


class HeapLimitExceeded(HookError):
    """The hook allocated past its heap limit and was stopped."""


class EngineCrashed(HookError):
    """The V8 engine died (a fatal V8 error aborts its process); the caller survived."""


class ContractViolation(HookError):
    """The hook returned something integrator.io would reject for its script type."""


class BridgeError(HookError):
    """The synchronous JS-to-Python bridge could not carry a call."""
