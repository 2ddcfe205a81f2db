"""Reading the JSON and YAML files users hand to jsrt, with errors that say where.

A bad file is never a traceback: the error names the file, the line and column (and the
character offset for JSON), what was expected, and how to fix it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from jsrt.errors import InputError


def read_text(path: str | Path, *, what: str) -> str:
    """The file's text ('-' reads standard input), or an InputError naming it."""
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such {what} file", file=str(path), hint="check the path"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read {what} file: {exc}", file=str(path)) from None


def parse_json(text: str, *, source: str, what: str) -> Any:
    """Parse JSON text; a syntax error names `source`, line, column and offset."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source}:{exc.lineno}:{exc.colno}: invalid JSON in {what}: {exc.msg} "
            f"(character {exc.pos})",
            file=source,
            line=exc.lineno,
            column=exc.colno,
            position=exc.pos,
            hint=f"fix the JSON syntax at line {exc.lineno}, column {exc.colno} (a trailing "
            "comma, a missing quote or an unclosed bracket are the usual causes)",
        ) from None


def yaml_loader() -> type:
    """PyYAML's safe loader, in C (libyaml) when PyYAML has it: the same documents and
    positions, ten times faster. Case files are composed whole to know where every key
    is, which in pure Python cost 2.5 ms per case of a 300-case file."""
    import yaml  # loaded only for YAML: it is a tenth of a cold run's imports

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, *, source: str, what: str) -> Any:
    """Parse YAML text; a syntax error names `source`, line and column."""
    import yaml

    try:
        return yaml.load(text, Loader=yaml_loader())  # a safe loader (yaml_loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            f"{source}:{line}:{column}: invalid YAML in {what}: {problem}",
            file=source,
            line=line,
            column=column,
            hint="fix the YAML syntax there (indentation and ':' are the usual causes)",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: invalid YAML in {what}: {exc}", file=source) from None


def load_data_file(path: str | Path, *, what: str) -> Any:
    """Load a JSON or YAML file (by extension; '-' and anything else are JSON)."""
    text = read_text(path, what=what)
    source = "<stdin>" if str(path) == "-" else str(path)
    if source.endswith((".yaml", ".yml")):
        return parse_yaml(text, source=source, what=what)
    return parse_json(text, source=source, what=what)
