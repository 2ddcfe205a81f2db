"""Turn V8's report of a failed script into jsrt's errors, with file:line:column.

mini-racer renders a failure the way d8 does::

    FILE:LINE: <String(thrown value)>
    <source line>
    <spaces><carets under the failing expression>

    <the thrown value's stack, when it has one>

For a syntax error FILE is mini-racer's fixed `<anonymous>` origin, so the caller's file
name replaces it. For a runtime error the stack names files through `//# sourceURL`;
frames of files whose name starts with `jsrt:` are jsrt's own shims and are dropped, and
when the throw itself happened in a shim (the bridge throwing a Python error, say), the
position reported is the first user frame's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jsrt.errors import LoadError, ScriptError

INTERNAL_PREFIX = "jsrt:"

_HEAD = re.compile(r"(?P<file>.*?):(?P<line>-?\d+): ")
_CARETS = re.compile(r" *\^+")
_ERROR_TEXT = re.compile(r"(?P<name>[A-Za-z_$][\w$]*)(?:: (?P<message>.*))?", re.DOTALL)
_LOCATION = re.compile(r"(?P<file>.+):(?P<line>\d+):(?P<column>\d+)")
_FRAME_PREFIX = "    at "


@dataclass(frozen=True)
class V8Report:
    """One failure report, split into its parts."""

    file: str
    line: int | None
    column: int | None
    text: str  # String(thrown value); for syntax errors "SyntaxError: …"
    source_line: str | None
    stack: str | None  # present when the thrown value had a stack (an Error)


def parse_report(report: str) -> V8Report:
    """Split mini-racer's failure text; tolerant of shapes it does not recognise."""
    lines = report.rstrip("\n").split("\n")
    head = _HEAD.match(lines[0])
    if head is None:
        return V8Report("<anonymous>", None, None, report.strip(), None, None)
    lines[0] = lines[0][head.end() :]
    caret_at = next((i for i in range(2, len(lines)) if _CARETS.fullmatch(lines[i])), None)
    if caret_at is not None:
        text = "\n".join(lines[: caret_at - 1])
        source_line = lines[caret_at - 1]
        column = lines[caret_at].index("^") + 1
        rest = lines[caret_at + 1 :]
    else:
        text_end = lines.index("") if "" in lines else len(lines)
        text, source_line, column = "\n".join(lines[:text_end]), None, None
        rest = lines[text_end:]
    stack = "\n".join(rest[1:]) if rest[:1] == [""] and len(rest) > 1 else None
    line = int(head["line"])
    return V8Report(head["file"], line if line > 0 else None, column, text, source_line, stack)


def load_error(report: str, filename: str) -> LoadError:
    """A syntax error in the script evaluated under `filename`."""
    parsed = parse_report(report)
    where = _position(filename, parsed.line, parsed.column)
    return LoadError(
        f"{where}: {parsed.text}",
        file=filename,
        line=parsed.line,
        column=parsed.column,
        source_line=parsed.source_line,
    )


def script_error(report: str) -> ScriptError:
    """An uncaught throw, positioned at the first frame outside jsrt's shims."""
    parsed = parse_report(report)
    stack = user_stack(parsed.stack) if parsed.stack is not None else None
    file, line, column = parsed.file, parsed.line, parsed.column
    source_line = parsed.source_line
    if file.startswith(INTERNAL_PREFIX) and stack:
        frame = _first_location(stack)
        if frame is not None:
            file, line, column = frame
            source_line = None
    where = _position(file, line, column)
    error_text = _ERROR_TEXT.fullmatch(parsed.text) if parsed.stack is not None else None
    if error_text is None:
        return ScriptError(
            f"{where}: uncaught non-Error value: {parsed.text}",
            hint="throw an Error (throw new Error('…')) to keep a name and a stack trace",
            name=None,
            js_message=parsed.text,
            file=file,
            line=line,
            column=column,
            source_line=source_line,
            stack=stack,
        )
    return ScriptError(
        f"{where}: {parsed.text}",
        name=error_text["name"],
        js_message=error_text["message"] or "",
        file=file,
        line=line,
        column=column,
        source_line=source_line,
        stack=stack,
    )


def user_stack(stack: str) -> str:
    """`stack` without the frames of jsrt's own shims."""
    return "\n".join(frame for frame in stack.split("\n") if not _is_internal(frame))


def _is_internal(frame: str) -> bool:
    location = _frame_location(frame)
    return location is not None and location[0].startswith(INTERNAL_PREFIX)


def _frame_location(frame: str) -> tuple[str, int, int] | None:
    """`(file, line, column)` of a stack line such as `    at f (hook.js:3:21)`."""
    if not frame.startswith(_FRAME_PREFIX):
        return None
    body = frame[len(_FRAME_PREFIX) :]
    if body.endswith(")") and "(" in body:
        body = body[body.index("(") + 1 : -1]
    found = _LOCATION.fullmatch(body)
    if found is None:
        return None
    return found["file"], int(found["line"]), int(found["column"])


def _first_location(stack: str) -> tuple[str, int, int] | None:
    for frame in stack.split("\n"):
        location = _frame_location(frame)
        if location is not None:
            return location
    return None


def _position(file: str, line: int | None, column: int | None) -> str:
    if line is None:
        return file
    return f"{file}:{line}:{column}" if column is not None else f"{file}:{line}"
