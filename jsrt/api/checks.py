"""The argument checks: a call against what its catalog entry accepts, told in the words
of who made it.

`check_args` checks a script's call: it returns the argument in the normalised form every
backend receives (see `jsrt.api.catalog`), or raises `InvalidArgument` with a message that
names the function's signature, the option and what was wrong with the value. It runs on
every bridge call, so the usual case (plain JSON types) skips the full type check.

`check_request` checks a REST request's call (as `jsrt.api.wire.from_wire` read it) by
the same declarations, plus the body fields only REST clients send (`Method.rest_fields`),
and words what is wrong as integrator.io does: the route, the body field, 422
`invalid_field` naming it (a path's value: 400). One set of rules, two voices (`_Voice`).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Any, NoReturn

from jsrt.api.catalog import (
    PATCH_OPS,
    PLAIN_TYPES,
    QUERY_OPTIONS,
    RESOURCES,
    Field,
    Method,
    Route,
    Shape,
    TypeName,
)
from jsrt.api.errors import BadRequest, InvalidArgument, InvalidField
from jsrt.describe import describe, js_type_name


def check_args(method: Method, args: list[Any]) -> list[Any]:
    """The call's arguments in the normalised form (module docstring), or `InvalidArgument`.

    JavaScript turns an `undefined` argument into `null` inside an argument list, so
    trailing nulls are ignored; any other extra argument is refused.
    """
    return _check_args(_script_voice(method), args)


ArgsChecker = Callable[[Any], list[Any]]
"""`check_args` of one method: the arguments in, the normalised arguments out."""


def script_checker(method: Method) -> ArgsChecker:
    """`check_args` bound to `method`, made once per method: the bridge checks every
    call of a run with it. A call of one argument (what the shim sends) goes straight
    to its shape's reader; anything else takes `check_args`' whole path."""
    checker = _SCRIPT_CHECKERS.get(id(method))
    if checker is None:
        voice = _script_voice(method)
        read = _READERS[method.shape]

        def checker(args: Any) -> list[Any]:
            if type(args) is list and len(args) == 1:
                return [read(voice, args[0])]
            return _check_args(voice, args)

        _SCRIPT_CHECKERS[id(method)] = checker
    return checker


_SCRIPT_CHECKERS: dict[int, ArgsChecker] = {}
"""By the method's identity, as `_SCRIPT_VOICES` (whose voice holds the method)."""


def _check_args(voice: _ScriptVoice, args: Any) -> list[Any]:
    method = voice.method
    if not isinstance(args, list):
        voice.fail(f"the arguments must arrive as a list, got {js_type_name(args)}")
    if len(args) > 1 and any(extra is not None for extra in args[1:]):
        voice.fail(f"takes one argument ({method.arg}), got {len(args)}")
    value = args[0] if args else None
    return [_READERS[method.shape](voice, value)]


def check_request(method: Method, arg: Any, route: Route | None = None) -> Any:
    """A REST request's call argument checked by REST rules (module docstring) and
    normalised as `check_args` does; `route` is the one requested (default: the method's)."""
    return _READERS[method.shape](_RequestVoice(method, route or method.route), arg)


class _Voice(ABC):
    """How a problem with a call is told: which fields the caller may send and how they
    are named. A script's voice (`_ScriptVoice`) names the function's signature and
    `options.x`; a REST client's (`_RequestVoice`) the route and the body field."""

    def __init__(self, method: Method, fields: tuple[Field, ...], names: frozenset[str]) -> None:
        self.method = method
        self.fields = fields
        self.names = names
        self.plan = tuple(
            (field, field.name, field.required, *_passes_as_is(field), field.excludes)
            for field in fields
        )

    @abstractmethod
    def name(self, field: str) -> str:
        """A field (or a place inside one, `keys[1]`) as the caller knows it."""

    @abstractmethod
    def refer(self, fields: list[str]) -> str:
        """Other fields, named in a message about one."""

    @abstractmethod
    def unknown(self, fields: list[str]) -> str:
        """The problem with fields it may not send."""

    @abstractmethod
    def not_an_object(self, value: Any) -> str:
        """The problem with an argument (a body) that is not an object."""

    def missing(self, field: Field) -> str:
        return f"{self.name(field.name)} is required ({self.prose(field.types)})"

    def prose(self, types: tuple[TypeName, ...]) -> str:
        return " or ".join(_TYPE_PROSE[t] for t in types)

    @abstractmethod
    def fail(self, problem: str, field: str | None = None) -> NoReturn:
        """Raise the caller's error for `problem`, about `field` when there is one."""


def _script_voice(method: Method) -> _ScriptVoice:
    """A method's script voice, made once: it holds nothing of a call (a bridge call
    would otherwise build one per call). Kept by the method's identity: hashing the
    frozen `Method` costs more than building the voice, and even its name is a property
    computed per call. The voice holds its method, so that identity is never reused."""
    voice = _SCRIPT_VOICES.get(id(method))
    if voice is None:
        voice = _SCRIPT_VOICES[id(method)] = _ScriptVoice(method)
    return voice


_SCRIPT_VOICES: dict[int, _ScriptVoice] = {}


class _ScriptVoice(_Voice):
    def __init__(self, method: Method) -> None:
        super().__init__(method, method.fields, method.field_names)

    def name(self, field: str) -> str:
        return f"{self.method.arg}.{field}"

    def refer(self, fields: list[str]) -> str:
        return _names(fields)

    def unknown(self, fields: list[str]) -> str:
        accepted = _names([field.name for field in self.fields])
        return f"unknown option {_names(fields)}; {self.method.qualified} accepts {accepted}"

    def not_an_object(self, value: Any) -> str:
        return f"{self.method.arg} must be an object, got {js_type_name(value)}"

    def fail(self, problem: str, field: str | None = None) -> NoReturn:
        raise InvalidArgument(f"{self.method.signature}: {problem}")


class _RequestVoice(_Voice):
    def __init__(self, method: Method, route: Route | None) -> None:
        super().__init__(method, method.body_fields, method.body_field_names)
        assert route is not None, f"{method.qualified} is served on no route"
        self.route = route
        self.in_path = frozenset(route.placeholders)
        self.in_query = frozenset(QUERY_OPTIONS.get(method.wire_body, ()))

    def name(self, field: str) -> str:
        if field in self.in_path:
            return f"the path's {field}"
        if field in self.in_query:
            return f"the query's {field}"
        if self.method.wire_body == "patch" and field.startswith("patch"):
            return "the body" + field.removeprefix("patch")
        return f"`{field}`"

    def refer(self, fields: list[str]) -> str:
        return _names([self.name(field) for field in fields])

    def unknown(self, fields: list[str]) -> str:
        outside = self.in_path | self.in_query
        takes = [f"`{f.name}`" for f in self.fields if f.name not in outside]
        verb = "is not a field" if len(fields) == 1 else "are not fields"
        return f"{self.refer(fields)} {verb} of its body, which takes {_names(takes) or 'none'}"

    def not_an_object(self, value: Any) -> str:
        got = js_type_name(value)
        if self.method.shape == "document":
            noun = RESOURCES[self.method.obj][1]
            return f"the body must be the {noun} document (a JSON object), got {got}"
        return f"the body must be a JSON object, got {got}"

    def missing(self, field: Field) -> str:
        if not field.spread:
            return super().missing(field)
        return (
            f"`{field.name}` is required: the {field.name} definition as `{field.name}`, or its"
            " fields (`_connectionId`, `adaptorType`, ...) at the body's top level"
        )

    def prose(self, types: tuple[TypeName, ...]) -> str:
        return " or ".join(_REST_TYPE_PROSE.get(t, _TYPE_PROSE[t]) for t in types)

    def fail(self, problem: str, field: str | None = None) -> NoReturn:
        message = f"{self.route}: {problem}"
        if field is None or field in self.in_path | self.in_query:
            raise BadRequest(message)
        entry = {"code": InvalidField.code, "message": message, "field": field}
        raise InvalidField(message, errors=[entry])


def _read_query(voice: _Voice, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        voice.fail(f"query must be an object like {{externalId: 'x'}}, got {js_type_name(value)}")
    unknown = [key for key in value if key != "externalId"]
    if unknown:
        voice.fail(f"only externalId is supported in the query, got {_names(unknown)}")
    if "externalId" in value and not isinstance(value["externalId"], str):
        voice.fail(f"query.externalId must be a string, got {js_type_name(value['externalId'])}")
    return value


def _read_id(voice: _Voice, value: Any) -> str:
    candidate = value.get("_id") if isinstance(value, dict) and list(value) == ["_id"] else value
    if isinstance(candidate, str) and candidate:
        return candidate
    voice.fail(f"_id must be a string (or {{_id: string}}), got {describe(value)}", "_id")


def _read_document(voice: _Voice, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        voice.fail(voice.not_an_object(value))
    _check_fields(voice, value)
    return value


def _read_options(voice: _Voice, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        voice.fail(voice.not_an_object(value))
    if not value.keys() <= voice.names:
        unknown = [key for key in value if key not in voice.names]
        voice.fail(voice.unknown(unknown), unknown[0])
    return _check_fields(voice, value)


_READERS: dict[Shape, Callable[[_Voice, Any], Any]] = {
    "query": _read_query,
    "id": _read_id,
    "document": _read_document,
    "options": _read_options,
}


def _check_fields(voice: _Voice, value: dict[str, Any]) -> dict[str, Any]:
    """Check each declared field; return `value`, or a copy when something was normalised."""
    out = value
    for field, name, required, plain, choices, excludes in voice.plan:
        present = value.get(name)
        if present is None:
            if required:
                voice.fail(voice.missing(field), name)
            if name in value:
                out = {k: v for k, v in out.items() if k != name}
            continue
        if type(present) not in plain or (choices and present not in choices):
            normalised = _check_type(voice, field, present)
            if normalised is not present:
                out = {**out, name: normalised}
        clash = excludes and [other for other in excludes if value.get(other) is not None]
        if clash:
            voice.fail(
                f"{voice.name(name)} can be provided only if {voice.refer(clash)} is not provided",
                name,
            )
    return out


def _passes_as_is(field: Field) -> tuple[frozenset[type], frozenset[str]]:
    """The Python types a value of `field` may have and the choices it must be among
    (none: any) to pass without `_check_type`, which a value that fails either gets.
    Every bridge call checks its fields this way, so it is worked out once per field;
    `Field.plain_types` leaves a field with choices to the full check, which costs a
    choice-taking field ~1 µs per call (`state.*`'s resourceType)."""
    if field.choices and not field.items and set(field.types) <= set(PLAIN_TYPES):
        types = frozenset(t for name in field.types for t in PLAIN_TYPES[name])
        return types, frozenset(field.choices)
    return field.plain_types, frozenset()


def _check_type(voice: _Voice, field: Field, value: Any) -> Any:
    name = field.name
    if field.types == ("patch",) and isinstance(value, list):
        problem = _patch_fault(value)
        if problem:
            at, text = problem
            voice.fail(f"{voice.name(name + at)}{text}", name + at)
        return value
    for type_name in field.types:
        if type_name == "count":
            count = _as_count(value)
            if count is not None:
                return count
        elif _is_type(value, type_name):
            break
    else:
        wrong_number = "count" in field.types and js_type_name(value) == "number"
        got = repr(value) if wrong_number else describe(value)
        voice.fail(f"{voice.name(name)} must be {voice.prose(field.types)}, got {got}", name)
    if field.items:
        for index, item in enumerate(value):
            if not _is_type(item, field.items):
                at = f"{name}[{index}]"
                voice.fail(f"{voice.name(at)} must be a {field.items}, got {describe(item)}", at)
    if field.choices and value not in field.choices:
        choices = _names(field.choices)
        voice.fail(f"{voice.name(name)} must be one of {choices}, got {value!r}", name)
    return value


def _is_type(value: Any, type_name: TypeName) -> bool:
    if type_name == "any":
        return True
    python_type = PLAIN_TYPES.get(type_name)
    if python_type is not None:  # bool is an int in Python, not a number in JS
        is_bool = isinstance(value, bool)
        return isinstance(value, python_type) and (type_name == "boolean" or not is_bool)
    if type_name == "date":
        return isinstance(value, str) and _parses_as_date(value)
    if type_name == "patch":
        return isinstance(value, dict)
    return js_type_name(value) == type_name


def _parses_as_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def patch_problem(ops: list[Any]) -> str | None:
    """What is wrong with the first bad JSON-Patch operation (a suffix for its path)."""
    fault = _patch_fault(ops)
    return None if fault is None else "".join(fault)


def _patch_fault(ops: list[Any]) -> tuple[str, str] | None:
    """Where the first bad JSON-Patch operation is (`[0].op`) and what is wrong with it."""
    for index, op in enumerate(ops):
        at = f"[{index}]"
        if not isinstance(op, dict):
            return at, f" must be an operation {{op, path, value}}, got {describe(op)}"
        if op.get("op") not in PATCH_OPS:
            return f"{at}.op", f" must be one of {_names(PATCH_OPS)}, got {describe(op.get('op'))}"
        path = op.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            return f"{at}.path", f" must be a JSON pointer such as '/name', got {describe(path)}"
        if op["op"] != "remove" and "value" not in op:
            return f"{at}.value", f" is required for op '{op['op']}'"
    return None


_DIGITS = re.compile(r"[0-9]{1,18}")


def parse_digits(text: str) -> int | None:
    """`text` as a whole number when it is 1 to 18 ASCII digits (a count or a `skip=` as
    a query parameter gives it), else None: longer text is refused before `int` (which
    raises past 4,300 digits), and signs, spaces and other scripts' digits are no count."""
    return int(text) if _DIGITS.fullmatch(text) else None


def _as_count(value: Any) -> int | None:
    """A positive integer, or a string of digits that is one (`parse_digits`)."""
    if isinstance(value, str):
        value = parse_digits(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


_TYPE_PROSE: dict[TypeName, str] = {
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "any": "any value",
    "date": "a Date (or an ISO date string)",
    "count": "a positive integer",
    "patch": "an object of fields or a JSON-Patch array [{op, path, value}]",
}


_REST_TYPE_PROSE: dict[TypeName, str] = {
    "date": "an ISO 8601 date string",
    "patch": "a JSON-Patch array [{op, path, value}] or an object of fields",
}
"""How a REST client reads the types that differ from a script's."""


def _names(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(names)
