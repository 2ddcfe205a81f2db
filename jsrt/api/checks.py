"""The argument checks: a script's call against what its catalog entry accepts.

`check_args` returns the argument in the normalised form every backend receives (see
`jsrt.api.catalog`), or raises `InvalidArgument` with a message that names the function's
signature, the option and what was wrong with the value. It runs on every bridge call, so
the usual case (plain JSON types) skips the full type check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, NoReturn

from jsrt.api.catalog import PATCH_OPS, PLAIN_TYPES, Field, Method, Shape, TypeName
from jsrt.api.errors import InvalidArgument
from jsrt.describe import describe, js_type_name


def check_args(method: Method, args: list[Any]) -> list[Any]:
    """The call's arguments in the normalised form (module docstring), or `InvalidArgument`.

    JavaScript turns an `undefined` argument into `null` inside an argument list, so
    trailing nulls are ignored; any other extra argument is refused.
    """
    if not isinstance(args, list):
        _fail(method, f"the arguments must arrive as a list, got {js_type_name(args)}")
    if len(args) > 1 and any(extra is not None for extra in args[1:]):
        _fail(method, f"takes one argument ({method.arg}), got {len(args)}")
    value = args[0] if args else None
    return [_READERS[method.shape](method, value)]


def _read_query(method: Method, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _fail(
            method, f"query must be an object like {{externalId: 'x'}}, got {js_type_name(value)}"
        )
    unknown = [key for key in value if key != "externalId"]
    if unknown:
        _fail(method, f"only externalId is supported in the query, got {_names(unknown)}")
    if "externalId" in value and not isinstance(value["externalId"], str):
        _fail(method, f"query.externalId must be a string, got {js_type_name(value['externalId'])}")
    return value


def _read_id(method: Method, value: Any) -> str:
    candidate = value.get("_id") if isinstance(value, dict) and list(value) == ["_id"] else value
    if isinstance(candidate, str) and candidate:
        return candidate
    _fail(method, f"_id must be a string (or {{_id: string}}), got {describe(value)}")


def _read_document(method: Method, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(method, f"{method.arg} must be an object, got {js_type_name(value)}")
    _check_fields(method, value)
    return value


def _read_options(method: Method, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(method, f"options must be an object, got {js_type_name(value)}")
    allowed = method.field_names
    unknown = [key for key in value if key not in allowed]
    if unknown:
        accepted = _names([field.name for field in method.fields])
        _fail(method, f"unknown option {_names(unknown)}; {method.qualified} accepts {accepted}")
    return _check_fields(method, value)


_READERS: dict[Shape, Callable[[Method, Any], Any]] = {
    "query": _read_query,
    "id": _read_id,
    "document": _read_document,
    "options": _read_options,
}


def _check_fields(method: Method, value: dict[str, Any]) -> dict[str, Any]:
    """Check each declared field; return `value`, or a copy when something was normalised."""
    out = value
    for field in method.fields:
        present = value.get(field.name)
        if present is None:
            if field.required:
                _fail(method, f"{method.arg}.{field.name} is required ({_or(field.types)})")
            if field.name in value:
                out = {k: v for k, v in out.items() if k != field.name}
            continue
        if type(present) not in field.plain_types:  # the usual case skips this
            normalised = _check_type(method, f"{method.arg}.{field.name}", field, present)
            if normalised is not present:
                out = {**out, field.name: normalised}
        clash = field.excludes and [name for name in field.excludes if value.get(name) is not None]
        if clash:
            _fail(
                method,
                f"{method.arg}.{field.name} can be provided only if {_names(clash)} "
                "is not provided",
            )
    return out


def _check_type(method: Method, where: str, field: Field, value: Any) -> Any:
    if field.types == ("patch",) and isinstance(value, list):
        problem = patch_problem(value)
        if problem:
            _fail(method, f"{where}{problem}")
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
        _fail(method, f"{where} must be {_or(field.types)}, got {got}")
    if field.items:
        for index, item in enumerate(value):
            if not _is_type(item, field.items):
                _fail(method, f"{where}[{index}] must be a {field.items}, got {describe(item)}")
    if field.choices and value not in field.choices:
        _fail(method, f"{where} must be one of {_names(field.choices)}, got {value!r}")
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
    for index, op in enumerate(ops):
        at = f"[{index}]"
        if not isinstance(op, dict):
            return f"{at} must be an operation {{op, path, value}}, got {describe(op)}"
        if op.get("op") not in PATCH_OPS:
            return f"{at}.op must be one of {_names(PATCH_OPS)}, got {describe(op.get('op'))}"
        path = op.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            return f"{at}.path must be a JSON pointer such as '/name', got {describe(path)}"
        if op["op"] != "remove" and "value" not in op:
            return f"{at}.value is required for op '{op['op']}'"
    return None


_COUNT_TEXT = re.compile(r"[0-9]{1,18}")


def _as_count(value: Any) -> int | None:
    """A positive integer, or a string of up to 18 ASCII digits (as a query parameter
    gives it); longer strings are refused before `int` (it raises past 4,300 digits)."""
    if isinstance(value, str) and _COUNT_TEXT.fullmatch(value):
        value = int(value)
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


def _or(types: tuple[TypeName, ...]) -> str:
    return " or ".join(_TYPE_PROSE[t] for t in types)


def _names(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(names)


def _fail(method: Method, problem: str) -> NoReturn:
    raise InvalidArgument(f"{method.signature}: {problem}")
