"""Turn V8's report of a failed script into jsrt's errors, with file:line:column.

mini-racer renders a failure the way d8 does::

    FILE:LINE: <String(thrown value)>
    <source line>
    <spaces><carets under the failing expression>

    <the thrown value's stack, when it has one>

For a syntax error FILE is mini-racer's fixed `<anonymous>` origin, so the caller's file
name replaces it. For a runtime error the stack names files through `//# sourceURL`;
frames of files whose name starts with `jsrt:` are jsrt's own shims and are dropped, and
when the throw itself happened in a shim (the bridge throwing a Python error, say) or in
no script (`JSON.parse` reports a place in the text it parsed), the position reported is
the first user frame's.
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
# ECMAScript line terminators: what V8 counts as a new line.
_LINE_TERMINATOR = re.compile("\r\n|[\n\r\u2028\u2029]")


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
    frames = _locations(stack) if stack else []
    if frames and (file.startswith(INTERNAL_PREFIX) or all(f[0] != file for f in frames)):
        # V8 placed the throw in a shim, or in no script at all (`JSON.parse` points
        # into the text it parsed): the first frame of the caller's code is the place.
        file, line, column = frames[0]
        source_line = None
    where = _position(file, line, column)
    error_text = _ERROR_TEXT.fullmatch(parsed.text) if parsed.stack is not None else None
    if error_text is None:
        return ScriptError(
            f"{where}: Uncaught {parsed.text}",
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


def scoped_compile_error(error: ScriptError, code: str, filename: str) -> LoadError | None:
    """The LoadError `error` stands for when it is V8 refusing to compile code evaluated
    by `Isolate.eval_scoped` as `filename`, else None.

    A direct `eval` reports code it cannot compile as a SyntaxError thrown from its call,
    so no frame of the failed code exists yet; one thrown while the code ran (say
    `JSON.parse` at its top level) has the code's own frame. V8 names the file before it
    has read the code's `sourceURL` "undefined": the caller's file name replaces it. An
    unfinished construct (a missing `}`) is reported past the code's end: it is placed
    just after the code's last character instead.
    """
    details = error.details
    if details.get("name") != "SyntaxError" or _locations(details.get("stack") or ""):
        return None
    if details.get("file") not in (filename, "undefined"):
        return None
    line, column = details.get("line"), details.get("column")
    source_line = details.get("source_line")
    lines = _LINE_TERMINATOR.split(code)
    if line is not None and line > len(lines):  # V8 read on past the code's end
        while len(lines) > 1 and not lines[-1].strip():
            lines.pop()
        line, column, source_line = len(lines), len(lines[-1]) + 1, lines[-1]
    return LoadError(
        f"{_position(filename, line, column)}: SyntaxError: {details.get('js_message', '')}",
        file=filename,
        line=line,
        column=column,
        source_line=source_line,
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


def _locations(stack: str) -> list[tuple[str, int, int]]:
    """`(file, line, column)` of each frame of `stack` that names one."""
    return [loc for frame in stack.split("\n") if (loc := _frame_location(frame)) is not None]


def _position(file: str, line: int | None, column: int | None) -> str:
    if line is None:
        return file
    return f"{file}:{line}:{column}" if column is not None else f"{file}:{line}"
