"""The `include=` / `exclude=` projections of a list endpoint, as developer.celigo.com's
reference describes them (the `Include` parameter of every list, e.g. "List exports";
celigo-reference §3.1: "projections are allowed on list endpoints only"):

- `include=a,b.c` answers each record's identity (`_id`, `name`, and `adaptorType` where
  the record has one, the always-on set of exports and imports) plus the listed fields it
  carries; a dotted name projects a nested field and keeps only it inside its parent;
- `exclude=a,b.c` answers each record without the listed fields (the reference names
  it beside `include` without detailing it: the complement is the plausible reading);
- a name may hold letters, digits, dots and underscores (names separated by commas);
  anything else is a 400 `invalid_query_params`, and so is passing both;
- an empty value (`include=`) is ignored: the whole record is answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.datastructures import QueryParams

from jsrt.api.errors import BadRequest
from jsrt.json_values import clone

ALWAYS_INCLUDED = ("_id", "name", "adaptorType")
"""What an `include=` projection answers whatever it lists, when the record has it."""

_FIELDS = re.compile(r"[A-Za-z0-9._]+(,[A-Za-z0-9._]+)*")

Projection = Callable[[Any], Any]


def list_projection(query: QueryParams) -> Projection | None:
    """The projection a list request asks for, None for the whole records, or a
    `BadRequest` (`invalid_query_params`) naming what is wrong."""
    given = {name: query.get(name, "") for name in ("include", "exclude")}
    asked = {name: value for name, value in given.items() if value}
    if len(asked) == 2:
        raise BadRequest(
            "Please provide either include or exclude param in the request query and not both.",
            code="invalid_query_params",
        )
    if not asked:
        return None
    [(name, value)] = asked.items()
    if not _FIELDS.fullmatch(value):
        raise BadRequest(
            f"query parameter {name} must be field names separated by commas (letters, digits,"
            f" dots and underscores), got {value!r}",
            code="invalid_query_params",
        )
    paths = [field.split(".") for field in value.split(",")]
    if name == "include":
        return lambda record: _included(record, paths)
    return lambda record: _excluded(record, paths)


def _included(record: Any, paths: list[list[str]]) -> Any:
    if not isinstance(record, dict):
        return record
    answer = {key: clone(record[key]) for key in ALWAYS_INCLUDED if key in record}
    for path in paths:
        value: Any = record
        for name in path:
            if not isinstance(value, dict) or name not in value:
                break
            value = value[name]
        else:
            parent = answer
            for name in path[:-1]:
                parent = parent.setdefault(name, {})
            parent[path[-1]] = clone(value)
    return answer


def _excluded(record: Any, paths: list[list[str]]) -> Any:
    answer = clone(record)
    for path in paths:
        parent = answer
        for name in path[:-1]:
            parent = parent.get(name) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    return answer
