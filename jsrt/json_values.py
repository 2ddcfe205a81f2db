"""Deep copies of JSON values, so nothing a caller holds aliases the world's own state;
and the rules for JSON that V8 writes and Python reads (lone surrogates, nesting depth).

A hook's `calls` log, a test's variable and the world must never share a dict: a later
mutation of one would silently rewrite the others. orjson makes the round trip cheap
(well under a microsecond for a small value) and also proves the value is plain JSON.
"""

from __future__ import annotations

import contextlib
import gc
import math
import re
from collections.abc import Iterator
from typing import Any, TypeVar, cast

import orjson

T = TypeVar("T", str, bytes)


def clone(value: Any) -> Any:
    """A fresh, unshared copy of a JSON value. An ASCII string, a boolean or None is its
    own copy (immutable, and what the round trip through JSON would give back): a state
    value read by every `state.getForResource` call is usually one, and the round trip
    cost 0.4 µs of a ~20 µs bridge call."""
    if value is None or value is True or value is False:
        return value
    if type(value) is str and value.isascii():
        return value
    return orjson.loads(orjson.dumps(value))


def indented(value: Any) -> str:
    """`value` as JSON for people to read and diff: two-space indents, non-ASCII kept, the
    stdlib's `json.dumps(value, indent=2, ensure_ascii=False)` layout. orjson writes it
    (a 10,000-record page in a few milliseconds, where the stdlib's indenting encoder
    takes ~150); what orjson refuses (an integer beyond 64 bits, a lone surrogate) goes
    through the stdlib. Numbers are written the shortest way that reads back the same,
    as JavaScript writes them (`1e-7`, where Python's `repr` gives `1e-07`)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        import json

        return json.dumps(value, indent=2, ensure_ascii=False)


def clones(values: list[Any]) -> list[Any]:
    """A fresh, unshared copy of each value, in one parse: a value that comes again (the
    same object) is written once. A page of records answered alike by one mock costs a
    join instead of a round trip per record."""
    texts: dict[int, bytes] = {}
    for value in values:
        if id(value) not in texts:
            texts[id(value)] = orjson.dumps(value)
    return cast("list[Any]", orjson.loads(b"[" + b",".join(texts[id(v)] for v in values) + b"]"))


def json_size(value: Any) -> int:
    """Bytes of the value as JSON: how integrator.io's size limits are measured."""
    return len(orjson.dumps(value))


MAX_DEPTH = 200
"""How deeply a JSON value from a hook may nest (a returned value, an integrator-api
call's argument): `{}` is 1 level, `{"a": {}}` 2. V8 writes any depth, but orjson, which
jsrt reads and writes JSON with, reads at most 1,024 levels and writes at most 254, and
a value travels inside a few levels of jsrt's own (a record, the call log, the world
file): a deeper value fails where it leaves the hook, with a message naming this limit."""

# After a backslash: a backslash, an escaped surrogate pair, or a lone escaped surrogate.
_ESCAPE = (
    r"\\(\\"
    r"|u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|u[dD][89a-fA-F][0-9a-fA-F]{2})"
)
_ESCAPES_IN_STR = re.compile(_ESCAPE)
_ESCAPES_IN_BYTES = re.compile(_ESCAPE.encode())
_ESCAPED_PAIR_OR_BACKSLASH = (1, 11)  # lengths of `\` and `udXXX\udXXX` after the `\`


def parse_from_v8(text: T) -> Any:
    """The JSON text V8's JSON.stringify wrote, parsed; a lone surrogate (half of a
    surrogate pair, as `'😀'.slice(0, 1)` leaves, which V8 writes as an escape such as
    `\\ud83d`) becomes U+FFFD, as it does when Node writes such a string out as UTF-8.
    orjson refuses lone surrogates, so the text is repaired only when it is refused:
    ordinary text costs nothing more. Raises orjson.JSONDecodeError otherwise (a value
    nested deeper than orjson reads)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        repaired = well_formed(text)
        if repaired == text:
            raise
        return orjson.loads(repaired)


def well_formed(text: T) -> T:
    """JSON text with every escaped lone surrogate replaced by `\\ufffd` (escaped
    backslashes and escaped pairs are kept)."""
    if isinstance(text, str):
        return _ESCAPES_IN_STR.sub(lambda m: _repaired(m, "\\ufffd"), text)
    return _ESCAPES_IN_BYTES.sub(lambda m: _repaired(m, b"\\ufffd"), text)


def _repaired(match: re.Match[T], replacement: T) -> T:
    kept = len(match.group(1)) in _ESCAPED_PAIR_OR_BACKSLASH
    return match.group(0) if kept else replacement


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether `value` nests more than `limit` levels (`{}` is one); stops at the first
    container past the limit, so a shallow value costs one visit per container."""
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return False
    if limit <= 0:
        return True
    return any(nested_deeper_than(child, limit - 1) for child in children)


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


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic GC off while a hook runs (in the caller and in the worker) or an
    engine reply is read. A run allocates a copy of the page or two, a few objects per
    integrator-api call and no cycles worth collecting; with the GC on, a large page or a
    long call log triggers collections that walk every object the process holds:
    measurably slower (bench/README.md: a page in the caller, ~2 µs of a bridge call in
    the worker).

    At the end, what the run allocated (the result the caller keeps, mostly) moves to the
    oldest generation, as surviving two collections would move it, but without walking
    it: the collection that re-enabling triggers would otherwise traverse a 10,000-record
    result at once (~20 ms). `gc.freeze()` then `gc.unfreeze()` is that move; it is left
    out when the program froze objects itself, which unfreezing would release."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
