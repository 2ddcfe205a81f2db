"""What a JSON value is to JavaScript, for the contract checks: records, indexes, truthiness.

A hook's return reaches Python JSON round-tripped, so `undefined` and `null` both arrive
as `None`, and JavaScript numbers arrive as `int` or `float`. Messages describe values
with `jsrt.describe.describe`, in JavaScript's words, because that is the language the
user wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


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
