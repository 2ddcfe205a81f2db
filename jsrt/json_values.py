"""Deep copies of JSON values, so nothing a caller holds aliases the world's own state.

A hook's `calls` log, a test's variable and the world must never share a dict: a later
mutation of one would silently rewrite the others. orjson makes the round trip cheap
(well under a microsecond for a small value) and also proves the value is plain JSON.
"""

from __future__ import annotations

import math
from typing import Any

import orjson


def clone(value: Any) -> Any:
    """A fresh, unshared copy of a JSON value."""
    return orjson.loads(orjson.dumps(value))


def json_size(value: Any) -> int:
    """Bytes of the value as JSON: how integrator.io's size limits are measured."""
    return len(orjson.dumps(value))


def non_finite_path(value: Any) -> list[str | int] | None:
    """The path to the first NaN or infinite number in a JSON value, or None when it has
    none. JSON has no such numbers: orjson writes them as `null`, so a caller that must
    not lose one silently looks for it first (`jsrt.describe.format_path` words the path)."""
    if isinstance(value, float):
        return None if math.isfinite(value) else []
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(item, _MAY_HOLD_ONE):
            found = non_finite_path(item)
            if found is not None:
                return [key, *found]
    return None


_MAY_HOLD_ONE = (dict, list, tuple, float)
"""What `non_finite_path` looks into; strings, ints, booleans and null are skipped
without a call."""
