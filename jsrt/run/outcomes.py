"""The outcomes of one run as `js_shims/invoke.js` writes them, and how the caller reads
them.

The text is V8's, and the hook had a hand in it (its values, its log lines), so it never
becomes part of a frame: it travels as the reply's raw attachment and is parsed here on
its own, as exactly one JSON value of the expected shape. invoke.js writes one array of
lines: per input a head `{ok, returned?, stage?, error?, logs}` then the returned value's
JSON (`null` when there is none), and last the log counts `{logs_dropped,
log_chars_dropped}`.

Ordinary data costs one `orjson.loads` of the whole text, and a check that no value
nests deeper than `MAX_DEPTH`, made the cheaper of two ways: a text longer than
`PAD_FROM_CHARS` comes inside `DEPTH_PAD` extra arrays, which make orjson's own depth
limit (1,024 levels) refuse exactly such values as it parses (a fixed ~0.2 ms); a
shorter one is parsed as it is and each value written again by orjson inside
`_WRITE_PAD` arrays, which its writing limit (254 levels) refuses the same way (a cost
in proportion to the values). When the text cannot be read so (such a value, or a lone
surrogate, which orjson refuses), each line is read alone: lone surrogates become U+FFFD
(`jsrt.json_values.parse_from_v8`) and a value nested too deeply fails its own record,
so every other record and every log line is kept.

Each returned value's size, in the UTF-8 bytes integrator.io's 5 MB limit counts, is the
length of its line in the text the caller received: V8 wrote the value's JSON there, and
only jsrt's separators hold a raw line break. So a size is never measured by writing the
value again, and a value over the limit is never read at all (`read_outcomes`'s
`read_up_to`): its size alone decides that integrator.io refuses it.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast, overload

import orjson

from jsrt.errors import JsrtError
from jsrt.json_values import MAX_DEPTH, gc_paused, nested_deeper_than, parse_from_v8
from jsrt.run.protocol import Outcome

ORJSON_MAX_READ_DEPTH = 1024
ORJSON_MAX_WRITE_DEPTH = 254
DEPTH_PAD = ORJSON_MAX_READ_DEPTH - 1 - MAX_DEPTH
"""Extra arrays around the outcomes array of a long text: a value inside nests
`DEPTH_PAD + 1` levels down, so orjson reads the text only when every value nests at
most `MAX_DEPTH`."""
PAD_FROM_CHARS = 100_000
"""From this length on, invoke.js pads its text: writing the values again would cost
more than parsing the padding (measured: ~75 µs per 44 KB written, ~190 µs of padding)."""
_WRITE_PAD = ORJSON_MAX_WRITE_DEPTH - MAX_DEPTH
_LINE_BREAK = b"\n,"


class LogCounts(TypedDict):
    """What the run's log limits left out: whole lines, and characters cut from lines."""

    logs_dropped: int
    log_chars_dropped: int


class _NestedTooDeeply(Exception):
    """A value of a short text nests deeper than `MAX_DEPTH`: read it line by line."""


def read_outcomes(
    text: bytes, count: int, *, read_up_to: int | None = None
) -> tuple[list[Outcome], LogCounts]:
    """The `count` outcomes in `text`, and the log counts. A text of another shape cannot
    come from invoke.js, whatever the hook did: that is reported as jsrt's own failure.

    With `read_up_to` (a size limit in bytes), each outcome with a value carries
    `size_bound`: its JSON's exact size when the text is longer than the limit, else the
    text's length, which bounds it. A value over the limit is left unread (None)."""
    spans: list[tuple[int, int]] = []
    if read_up_to is not None and len(text) > read_up_to:
        spans = _value_spans(text, count)
        text = _without_values_over(text, spans, read_up_to)
    padded = text.startswith(b"[[")
    try:
        lines = orjson.loads(text)
        if padded:
            for _ in range(DEPTH_PAD):
                (lines,) = lines
        elif any(_too_deep_to_write(value) for value in lines[1::2]):
            raise _NestedTooDeeply
    except (orjson.JSONDecodeError, ValueError, TypeError, _NestedTooDeeply):
        lines = _read_lines(text, padded)
    if not isinstance(lines, list) or len(lines) != 2 * count + 1:
        raise JsrtError(f"the hook run's outcomes are not the {count} jsrt expected")
    outcomes = [_outcome(lines[2 * i], lines[2 * i + 1]) for i in range(count)]
    if read_up_to is not None:
        sizes = [end - start for start, end in spans] if spans else [len(text)] * count
        for outcome, size in zip(outcomes, sizes, strict=True):
            if "value" in outcome:
                outcome["size_bound"] = size
    return outcomes, cast(LogCounts, _checked_head(lines[-1]))


def _value_spans(text: bytes, count: int) -> list[tuple[int, int]]:
    """Where each value's JSON lies in `text`: between the separators after its head and
    after itself. A line break is searched alone (memchr: ~2 ms in 44 MB, where the
    two-byte separator is ~20 times slower), and each must start a separator."""
    breaks: list[int] = []
    at = text.find(b"\n")
    while at >= 0:
        if text[at : at + 2] != _LINE_BREAK:
            raise JsrtError("the hook run's outcomes are not the lines jsrt writes")
        breaks.append(at)
        at = text.find(b"\n", at + 2)
    if len(breaks) != 2 * count:
        raise JsrtError(f"the hook run's outcomes are not the {count} jsrt expected")
    return [(breaks[2 * i] + 2, breaks[2 * i + 1]) for i in range(count)]


def _without_values_over(text: bytes, spans: list[tuple[int, int]], limit: int) -> bytes:
    """`text` with each value longer than `limit` bytes written as `null`: what is left
    is read as usual, and such a value costs no parse."""
    over = [(start, end) for start, end in spans if end - start > limit]
    if not over:
        return text
    parts, kept_from = [], 0
    for start, end in over:
        parts += [text[kept_from:start], b"null"]
        kept_from = end
    parts.append(text[kept_from:])
    return b"".join(parts)


def _too_deep_to_write(value: Any) -> bool:
    """Whether `value` nests deeper than `MAX_DEPTH`, told by orjson's writing limit."""
    if not isinstance(value, dict | list):
        return False
    for _ in range(_WRITE_PAD):
        value = [value]
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError:
        return True
    return False


def _read_lines(text: bytes, padded: bool) -> list[Any]:
    """Each line of `text` read alone (see the module docstring)."""
    edge = DEPTH_PAD + 1 if padded else 1
    if not (text.startswith(b"[" * edge) and text.endswith(b"]" * edge)):
        raise JsrtError("the hook run's outcomes are not the array jsrt writes")
    parts = text[edge:-edge].split(_LINE_BREAK)
    return [_read_line(part, head=index % 2 == 0) for index, part in enumerate(parts)]


class _TooDeep:
    """A value line nested deeper than `MAX_DEPTH`."""


def _read_line(part: bytes, *, head: bool) -> Any:
    try:
        value = parse_from_v8(part)
    except orjson.JSONDecodeError as error:
        if head:  # jsrt's own data: its depth is bounded by invoke.js
            raise JsrtError(f"the hook run's outcomes cannot be read: {error}") from None
        return _TooDeep()
    return _TooDeep() if not head and nested_deeper_than(value, MAX_DEPTH) else value


def _outcome(head: Any, value: Any) -> Outcome:
    checked = _checked_head(head)
    returned = checked.pop("returned", False)
    outcome = cast(Outcome, checked)
    if not isinstance(outcome.get("ok"), bool) or not isinstance(outcome.get("logs"), list):
        raise JsrtError("an outcome of the hook run lacks its ok flag or its logs")
    if isinstance(value, _TooDeep):
        return {
            "ok": False,
            "stage": "return",
            "error": {
                "name": "RangeError",
                "message": f"the value is nested deeper than {MAX_DEPTH} levels, the most "
                "jsrt carries",
                "stack": "",
                "frames": [],
                "props": None,
            },
            "logs": outcome["logs"],
        }
    if returned:
        outcome["value"] = value
    return outcome


def _checked_head(head: Any) -> dict[str, Any]:
    if not isinstance(head, dict):
        raise JsrtError("the hook run's outcomes hold something jsrt did not write")
    return head


CallLogEntry = dict[str, Any]


class CallLog:
    """`HookResult.calls`: the run's integrator-api calls, `{object, method, args, ok,
    result | error, duration_ms}` each.

    The worker sends them back as one JSON array text (`RunDone.calls`: the dispatcher
    writes each entry as its call is answered, `jsrt.api.dispatch`; the text travels
    raw, as an attachment of the reply frame). This field keeps that text and parses it with one
    `orjson.loads` the first time the field is read, then keeps the list: a caller that
    never reads the call log (a case with no call expectations, the bridge benchmark)
    does not pay for turning its entries into Python dicts and freeing them again
    (~1.5 µs an entry, measured: bench/README.md, "Bridge round trips"). Read, it is the
    list it always was; a list (or `()`, the dataclass's default: a new empty list) is
    kept as it is given.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._key = f"_{name}_kept"

    @overload
    def __get__(self, result: None, owner: type | None = None) -> tuple[()]: ...

    @overload
    def __get__(self, result: object, owner: type | None = None) -> list[CallLogEntry]: ...

    def __get__(self, result: object | None, owner: type | None = None) -> Any:
        if result is None:  # the dataclass asks its default
            return ()
        kept = result.__dict__[self._key]
        if type(kept) is bytes:
            with gc_paused():  # thousands of new dicts: no collection halfway
                kept = result.__dict__[self._key] = orjson.loads(kept)
        return kept

    def __set__(self, result: object, value: list[CallLogEntry] | tuple[()] | bytes) -> None:
        result.__dict__[self._key] = [] if value == () else value
