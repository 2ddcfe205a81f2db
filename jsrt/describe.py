"""How jsrt names a value or a place in a document in its messages: one wording everywhere.

Two audiences read these messages. A script's author thinks in JavaScript (`undefined`,
"an array of 3 elements"), so values that came from a script are described with
`describe`. A case file's or world file's author thinks of the document they wrote
("a mapping", "a list"), so values read from those documents are described with
`describe_document_value`. Places are written by `format_path`, JSONPath-style from `$`
for values (`$.data[0].total`) or from the document's top for files
(`exports[2].mockOutput`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

PREVIEW_CHARS = 40
"""How much of a string a message quotes before it cuts it short."""

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


def describe(value: Any) -> str:
    """A short JavaScript-flavoured description of a value from a script, for messages."""
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


def describe_document_value(value: Any) -> str:
    """A short description of a value read from a file the user wrote, for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, Mapping):
        keys = ", ".join(map(str, list(value)[:5])) + (", ..." if len(value) > 5 else "")
        return f"a mapping with keys {keys}" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, str):
        return f"the string {short_json(value, PREVIEW_CHARS)}"
    return f"{type(value).__name__} {value!r}"


def js_type_name(value: Any) -> str:
    """The name a JavaScript developer uses for a JSON value's type (`typeof`, with arrays
    and null told apart)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def short_json(value: Any, limit: int = 80) -> str:
    """A value as compact JSON, cut to `limit` characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counted(count: int, noun: str) -> str:
    """`count` of `noun` in words: `1 log line`, `2,000 log lines`."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def format_path(parts: Sequence[str | int], *, root: str = "$") -> str:
    """`$.data[0].total` (or `exports[2].mockOutput` with `root=""`); a key that is not an
    identifier is quoted: `$["state/abc"]`."""
    out = root
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def source_excerpt(error: Mapping[str, Any]) -> list[str]:
    """The script's line an error names, with a caret under its column (as node shows
    an uncaught error); no lines when the error carries no `source_line` and `column`."""
    source_line, column = error.get("source_line"), error.get("column")
    if not isinstance(source_line, str) or not isinstance(column, int) or column < 1:
        return []
    indent = "".join(c if c == "\t" else " " for c in source_line[: column - 1])
    return [f"    {source_line}", f"    {indent}^"]
