"""The one exception tree every part of jsrt raises from.

Errors are data (the click way): each class carries the exit code the CLI maps it to,
and every error can be turned into a plain dict and back, because errors raised inside
the worker process that hosts V8 must cross a pipe to reach the caller intact.

Exit codes: 0 ok, 1 the hook failed or broke its contract, 2 bad usage or bad input.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar, overload

T = TypeVar("T")

EXIT_OK = 0
EXIT_HOOK_FAILED = 1
EXIT_BAD_INPUT = 2

_REGISTRY: dict[str, type[JsrtError]] = {}


class Detail(Generic[T]):
    """A typed attribute read from an error's `details` under the attribute's own name;
    None when the error does not carry that detail.

    `details` stays the one store (it is what `to_dict` sends across the worker pipe and
    what callers add to), and each fact a caller reads as an attribute is declared once,
    with its type, on the class that carries it.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    @overload
    def __get__(self, error: None, owner: type) -> Detail[T]: ...

    @overload
    def __get__(self, error: JsrtError, owner: type) -> T | None: ...

    def __get__(self, error: JsrtError | None, owner: type) -> Detail[T] | T | None:
        if error is None:
            return self
        return error.details.get(self.key)


class JsrtError(Exception):
    """Base of every error jsrt raises on purpose.

    `message` is the sentence a user reads; `hint` says how to fix it; `details` holds
    structured facts (file, line, column, …) that front ends may show or serialise. The
    facts read as attributes are declared below as `Detail`s (`exit_code` is the CLI's
    exit code, never a detail of the same name).
    """

    exit_code: ClassVar[int] = EXIT_HOOK_FAILED

    file = Detail[str]()
    """The file the error points at (a script, an input file)."""
    line = Detail[int]()
    """1-based line in `file`, where known."""
    column = Detail[int]()
    """1-based column (in characters) on `line`, where known."""
    traceback = Detail[str]()
    """The Python traceback of an unexpected exception the worker turned into this error."""

    def __init__(self, message: str, *, hint: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details: dict[str, Any] = details

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.__name__] = cls

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message

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

    position = Detail[int]()
    """Character offset of a JSON syntax error in `file`."""


class AccountError(JsrtError):
    """An integrator.io account refused or failed a `jsrt pull` or `jsrt push`, or changed
    since the pull (exit 2: nothing the hooks did; the command or its account is wrong)."""

    exit_code = EXIT_BAD_INPUT


class LoadError(InputError):
    """The script cannot be loaded: syntax error, disallowed import, missing function."""

    source_line = Detail[str]()
    """The text of the line a syntax error is on."""
    module = Detail[str]()
    """The module a refused import names."""
    allowed = Detail[list[str]]()
    """The modules a script may import (on a refused import)."""


class ModuleFetchError(InputError):
    """A JavaScript library a script imports (dayjs, sjcl) could not be obtained."""


class HookError(JsrtError):
    """The hook ran and failed (exit 1)."""


class ScriptError(HookError):
    """JavaScript threw. Details: `name`, `js_message`, `file`, `line`, `column`, `stack`."""

    name = Detail[str]()
    """The thrown error's `name` (TypeError, …); None when what was thrown had none."""
    js_message = Detail[str]()
    """The thrown error's own `message`."""
    stack = Detail[str]()
    """The JavaScript stack, in the script's own lines and columns."""
    source_line = Detail[str]()
    """The text of the line the error was thrown on."""


class HookTimeout(HookError):
    """The hook ran past its wall-clock limit and was stopped."""

    target = Detail[str]()
    """The worker target that was running when the engine process was stopped."""


class HeapLimitExceeded(HookError):
    """The hook allocated past its heap limit and was stopped."""

    memory_mb = Detail[int]()
    """The heap limit, in MiB, the hook ran past."""


class EngineCrashed(HookError):
    """The V8 engine died (a fatal V8 error aborts its process); the caller survived."""

    signal = Detail[str]()
    """The signal that ended the engine process (SIGTRAP, …), None if it exited."""
    output = Detail[list[str]]()
    """The engine process's last lines of output."""
    target = Detail[str]()
    """The worker target that was running when the engine died."""


class ContractViolation(HookError):
    """The hook returned something integrator.io would reject for its script type."""


class BridgeError(HookError):
    """The synchronous JS-to-Python bridge could not carry a call."""
