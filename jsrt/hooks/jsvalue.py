"""How a JSON value looks from JavaScript, for contract checks and their messages.

A hook's return reaches Python JSON round-tripped, so `undefined` and `null` both arrive
as `None`, and JavaScript numbers arrive as `int` or `float`. Messages describe values in
JavaScript's words ("an array of 3 elements", "a string"), because that is the language
the user wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

PREVIEW_CHARS = 40


def describe(value: Any) -> str:
    """A short JavaScript-flavoured description of a value, for messages."""
    if value is None:
        return "undefined (or null)"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"the number {json.dumps(value)}"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        if len(text) > PREVIEW_CHARS:
            text = text[: PREVIEW_CHARS - 4] + '..."'
        return f"the string {text}"
    if isinstance(value, list):
        count = len(value)
        return f"an array of {count} element{'' if count == 1 else 's'}"
    if isinstance(value, dict):
        keys = ", ".join(list(value)[:5]) + (", ..." if len(value) > 5 else "")
        return f"an object {{{keys}}}" if value else "an empty object {}"
    return f"a {type(value).__name__}"


def is_record(value: Any) -> bool:
    """A record is an object, or an array for grouped and file data (celigo-reference §1.4)."""
    return isinstance(value, dict | list)


def non_records(values: list[Any]) -> Iterator[tuple[int, Any]]:
    """The elements of `values` that are not records, with their positions. A page is
    usually all plain dicts and lists, which one pass in C confirms (a call of `is_record`
    per record was a tenth of a 10,000-record run's Python time)."""
    if set(map(type, values)) <= _PLAIN_RECORD_TYPES:
        return iter(())
    return ((i, value) for i, value in enumerate(values) if not is_record(value))


_PLAIN_RECORD_TYPES = {dict, list}


def is_index(value: Any) -> bool:
    """A non-negative integer, as JavaScript would write it (true is not 1 here)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def truthy(value: Any) -> bool:
    """JavaScript truthiness of a JSON value (NaN arrives as null, so falsy either way)."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True
