"""Deep copies of JSON values, so nothing a caller holds aliases the world's own state.

A hook's `calls` log, a test's variable and the world must never share a dict: a later
mutation of one would silently rewrite the others. orjson makes the round trip cheap
(well under a microsecond for a small value) and also proves the value is plain JSON.
"""

from __future__ import annotations

from typing import Any

import orjson


def clone(value: Any) -> Any:
    """A fresh, unshared copy of a JSON value."""
    return orjson.loads(orjson.dumps(value))


def json_size(value: Any) -> int:
    """Bytes of the value as JSON: how integrator.io's size limits are measured."""
    return len(orjson.dumps(value))
