"""One bridge request in, one response out: parse, check the arguments, apply the policy,
ask the backend, answer in JSON.

The JS shim sends `{"object", "method", "args"}` and gets back either
`{"ok": true, "value": ...}` (no `value` for `undefined`) or
`{"ok": false, "error": {name, message, code, statusCode, errors}}`, from which it builds
the thrown `Error`. `handle` never raises: the isolate is waiting on the other side of the
bridge, so even a bug in a backend must come back as an answer (statusCode 500).
Every call is kept in the call log, for the run's report and for tests, up to
`max_calls` (when given); later ones are answered as usual and counted in
`calls_dropped`, so that a hook making hundreds of thousands of calls cannot fill the
caller's memory with their log. Each entry is written as JSON when its call is answered
(while its arguments are still in the CPU's caches) onto the end of one growing buffer,
the array text the run's reply carries (`calls_json`): the run holds a few hundred bytes
per call rather than the entry's dicts. One buffer, not orjson's bytes kept one per call:
each of those keeps the large buffer it was written in, ~2 µs a call in the allocator.

Each function a run calls is worked out once from its catalog entry (`_Plan`), and a
call that only read, repeated with the same text while the backend's data has not
changed, is answered and logged as it was, without being dispatched again (`_Repeat`).

The request is V8's JSON: a lone surrogate in it becomes U+FFFD, and arguments nested
deeper than `MAX_DEPTH` are refused with an error the hook can catch
(`jsrt.json_values` says why).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any, cast

import orjson
from orjson import dumps, loads

from jsrt.api.catalog import find_method, js_surface
from jsrt.api.checks import script_checker
from jsrt.api.errors import ApiError, BadRequest, InvalidArgument, ServerError
from jsrt.api.policy import PolicyContext, can_refuse, check
from jsrt.api.seam import Backend, BoundBackend, VersionedBackend
from jsrt.json_values import MAX_DEPTH, nested_deeper_than, parse_from_v8

ERROR_NAME = "IntegratorApiError"


class Dispatcher:
    """Answers bridge requests for one script run."""

    def __init__(
        self, backend: Backend, context: PolicyContext, *, max_calls: int | None = None
    ) -> None:
        self.backend = backend
        self.context = context
        self.max_calls = max_calls
        self.calls_dropped = 0
        self._log = bytearray(b"[")  # the call log's JSON text, but for its "]"
        self._kept = 0
        self._plans: dict[tuple[str, str], _Plan] = {}
        self._version = _version_of(backend)
        self._repeat: _Repeat | None = None  # the last call, when a repeat may answer alike

    def handle(self, request_json: str) -> bytes:
        """The response JSON (UTF-8, as orjson writes it: the bridge takes the bytes as
        they are) for one request JSON (see the module docstring)."""
        started = perf_counter()
        repeat = self._repeat
        read_version = self._version
        if (
            repeat is not None
            and request_json == repeat[0]
            and read_version is not None
            and read_version() == repeat[1]
        ):
            head = repeat[4]
            if head is None:  # its first repeat: the entry up to its duration's value, kept
                entry = repeat[3]
                head = b"," + entry[: entry.rfind(_DURATION_KEY) + len(_DURATION_KEY)]
                self._repeat = (*repeat[:4], head)
            if self.max_calls is None or self._kept < self.max_calls:  # `_keep`, inline
                log = self._log
                log += head  # a repeat is never the first call: it starts with the comma
                log += dumps((perf_counter() - started) * 1000)
                log += b"}"
                self._kept += 1
            else:
                self.calls_dropped += 1
            return repeat[2]
        obj = method_name = args = None
        version = None
        try:
            obj, method_name, args = _parse(request_json)
            if (
                len(request_json) > _SHORTEST_TOO_DEEP  # most calls: no scan, no call
                and _may_nest_too_deeply(request_json)
                and nested_deeper_than(args, MAX_DEPTH + 1)
            ):
                args = None  # the call log could not hold them either
                raise _too_deep(obj, method_name)
            plan = self._plans.get((obj, method_name)) or self._plan(obj, method_name)
            if plan.reads_only and read_version is not None:
                version = read_version()
            value = plan.answer(args)
            response = dumps(_OK if value is None else {"ok": True, "value": value})
            ok, key, outcome = True, "result", value
        except ApiError as err:
            ok, key, outcome, response = False, "error", *_failure(err)
            version = None
        except Exception as err:  # a backend bug must still answer the isolate
            ok, key, outcome, response = False, "error", *_failure(_backend_bug(err))
            version = None
        # orjson writes the entry as it wrote the response: the outcome at the same depth,
        # the arguments at most MAX_DEPTH + 3 deep (deeper ones are None, above).
        entry = dumps(
            {
                "object": obj,
                "method": method_name,
                "args": args,
                "ok": ok,
                key: outcome,
                "duration_ms": (perf_counter() - started) * 1000,
            }
        )
        if version is not None and read_version is not None and read_version() == version:
            self._repeat = (request_json, version, response, entry, None)
        self._keep(entry)
        return response

    def _keep(self, entry: bytes) -> None:
        """Append a call's entry to the call log, or count it dropped past `max_calls`."""
        if self.max_calls is not None and self._kept >= self.max_calls:
            self.calls_dropped += 1
            return
        if self._kept:
            self._log += b","
        self._log += entry
        self._kept += 1

    @property
    def calls_kept(self) -> int:
        """How many calls the call log holds (the rest are `calls_dropped`)."""
        return self._kept

    def calls_json(self) -> bytes:
        """The call log as one JSON array text: `{object, method, args, ok, result |
        error, duration_ms}` per call kept."""
        return b"".join((self._log, b"]"))

    @property
    def calls(self) -> list[dict[str, Any]]:
        """The call log's entries, read from `calls_json` (for a reader in this process)."""
        return cast("list[dict[str, Any]]", loads(self.calls_json()))

    def _plan(self, obj: str, method_name: str) -> _Plan:
        """How this run answers calls of `obj.method_name`, worked out from its catalog
        entry on the first call and kept (only for functions the catalog has, so a hook
        naming others cannot grow the table): the entry's argument checker, the policy
        only when it could refuse such a call here, and the backend."""
        method = find_method(obj, method_name)
        if method is None:
            raise BadRequest(_not_a_function(obj, method_name), code="not_a_function")
        checked_args = script_checker(method)
        backend = self.backend
        call = (
            backend.bind(obj, method_name)
            if isinstance(backend, BoundBackend)
            else functools.partial(backend.call, obj, method_name)
        )
        context = self.context

        def answer(args: Any) -> Any:
            return call(checked_args(args))

        def answer_within_policy(args: Any) -> Any:
            checked = checked_args(args)
            check(context, method, checked)
            return call(checked)

        chosen = answer_within_policy if can_refuse(context, method) else answer
        plan = self._plans[obj, method_name] = _Plan(chosen, method.reads_only)
        return plan


@dataclass(frozen=True, slots=True)
class _Plan:
    """How a run answers one function: `answer` takes a call's arguments and gives the
    backend's answer (or raises an `ApiError`); `reads_only`: the catalog's word that a
    call only reads (`Method.reads_only`)."""

    answer: Callable[[Any], Any]
    reads_only: bool


_Repeat = tuple[str, int, bytes, bytes, bytes | None]
"""The run's last call when it only read and a repeat of it is answered alike: its
request text, the backend's data version then, its response, its call log entry, and
what a repeat's entry starts with: the comma before it, then the entry up to its
duration's value (made at the first repeat: most reads are not repeated, and pay
nothing for it). A repeat (the same request text while the backend is at the same
version) gets the same response and entry (with its own duration) without being
parsed, checked or asked again: a hook reading one state value per record makes such
calls one after another. One call only, so a hook cannot make it hold more than the
request and response that just crossed the bridge. A tuple: one is made for every call
that reads, and a class's `__init__` would cost that call a Python frame."""


_DURATION_KEY = b',"duration_ms":'


def _version_of(backend: Backend) -> Callable[[], int] | None:
    """What tells whether the backend's answers may have changed (`VersionedBackend`),
    or None when it cannot say (a repeated call is then asked again)."""
    return backend.data_version() if isinstance(backend, VersionedBackend) else None


_OK = {"ok": True}


def _backend_bug(err: Exception) -> ServerError:
    return ServerError(f"{type(err).__name__}: {err}")


def error_dict(err: ApiError) -> dict[str, Any]:
    """What the JS shim turns into the thrown `Error`."""
    return {"name": ERROR_NAME, **err.to_dict()}


def _failure(err: ApiError) -> tuple[dict[str, Any], bytes]:
    """The error the call log keeps, and the response that carries it."""
    error = error_dict(err)
    return error, dumps({"ok": False, "error": error})


def _parse(request_json: str) -> tuple[str, str, list[Any]]:
    try:
        request = loads(request_json)
    except orjson.JSONDecodeError:
        request = _parse_repaired(request_json)
    if type(request) is dict:  # the shim's request: one lookup per part
        obj, method, args = request.get("object"), request.get("method"), request.get("args", [])
        if type(obj) is str and type(method) is str and type(args) is list:
            return obj, method, args
    return _parse_checked(request)


def _parse_repaired(request_json: str) -> Any:
    """A request orjson refused: V8's JSON with a lone surrogate (`parse_from_v8`), or
    no request at all."""
    try:
        return parse_from_v8(request_json)
    except orjson.JSONDecodeError as err:
        if _may_nest_too_deeply(request_json):  # deeper than orjson reads
            raise _too_deep(None, None) from None
        raise BadRequest(f"malformed bridge request (not JSON: {err})") from None


def _parse_checked(request: Any) -> tuple[str, str, list[Any]]:
    """A parsed request that is not what the shim sends, checked for what is wrong."""
    if not isinstance(request, dict):
        raise BadRequest("malformed bridge request: expected {object, method, args}")
    obj, method, args = request.get("object"), request.get("method"), request.get("args", [])
    if not isinstance(obj, str) or not isinstance(method, str) or not isinstance(args, list):
        raise BadRequest("malformed bridge request: object and method must be strings, args a list")
    return obj, method, args


_OPENERS_OF_A_REQUEST = 2  # its own object and its args list


_SHORTEST_TOO_DEEP = 2 * MAX_DEPTH  # a shorter request cannot open more than MAX_DEPTH


def _may_nest_too_deeply(request_json: str) -> bool:
    """Whether the request's arguments could nest deeper than `MAX_DEPTH`: only when its
    text opens more objects and arrays than that (counted at C speed, where walking the
    parsed arguments would cost most of a small call)."""
    openers = request_json.count("{") + request_json.count("[")
    return openers > MAX_DEPTH + _OPENERS_OF_A_REQUEST


def _too_deep(obj: str | None, method: str | None) -> InvalidArgument:
    called = f"{obj}.{method}: " if obj and method else ""
    return InvalidArgument(
        f"{called}an argument is nested deeper than {MAX_DEPTH} levels, the most jsrt "
        "carries; flatten it, or store it as a JSON string"
    )


def _not_a_function(obj: str, method: str) -> str:
    surface = js_surface()
    if obj not in surface:
        return f"integrator-api has no object {obj!r}; its objects are {', '.join(surface)}"
    return f"{obj}.{method} is not a function; integrator-api's {obj} has {', '.join(surface[obj])}"
