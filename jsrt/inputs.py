"""Reading the JSON and YAML files users hand to jsrt, with errors that say where.

A bad file is never a traceback: the error names the file, the line and column (and the
character offset for JSON), what was expected, and how to fix it.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsrt.errors import InputError

Where = tuple[str | int, ...]
"""A place in a document: the keys and list indexes from its top (`("cases", 0, "expect")`)."""

Positions = dict[Where, tuple[int, int]]
"""The line and column (from 1) of every key and list item of a document, by `Where`."""

YAML_SUFFIXES = (".yaml", ".yml")


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

    with _yaml_errors_named(source, what):
        return yaml.load(text, Loader=yaml_loader())  # a safe loader (yaml_loader)


@contextlib.contextmanager
def _yaml_errors_named(source: str, what: str) -> Iterator[None]:
    """Turn PyYAML's errors into `InputError`s that name the file, line and column."""
    import yaml

    try:
        yield
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


def is_yaml_name(name: str, *, otherwise: bool = False) -> bool:
    """Whether a file is read as YAML, by its extension: `.yaml` and `.yml` are YAML,
    `.json` is JSON, and any other name is YAML when `otherwise` is true."""
    lowered = name.lower()
    if lowered.endswith(YAML_SUFFIXES):
        return True
    return otherwise and not lowered.endswith(".json")


def parse_by_name(text: str, *, source: str, what: str) -> Any:
    """Parse `text` as YAML or JSON, by `source`'s extension (`is_yaml_name`)."""
    if is_yaml_name(source):
        return parse_yaml(text, source=source, what=what)
    return parse_json(text, source=source, what=what)


def load_data_file(path: str | Path, *, what: str) -> Any:
    """Load a JSON or YAML file (by extension; '-' and anything else are JSON)."""
    text = read_text(path, what=what)
    source = "<stdin>" if str(path) == "-" else str(path)
    return parse_by_name(text, source=source, what=what)


def yaml_positions(root: Any, source: str, *, refuse_repeated_keys: bool = False) -> Positions:
    """Where every key and list item of a composed YAML document (`yaml.Node`) starts.

    A key's place is the key itself, so an error about a value written under it points at
    the line a person looks for. With `refuse_repeated_keys`, a key written twice in one
    mapping is an `InputError`: PyYAML (like `json`) keeps the last of two silently, which
    in a test file hides an expectation.
    """
    import yaml

    positions: Positions = {}

    def walk(node: yaml.Node, path: Where) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, str(key_node.value))
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                if child in positions:
                    if refuse_repeated_keys:
                        raise InputError(
                            f"{source}:{line}:{column}: key {child[-1]!r} appears twice",
                            file=source,
                            line=line,
                            column=column,
                            hint="keep one of them: the second would silently replace the first",
                        )
                else:
                    positions[child] = (line, column)
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                positions[(*path, index)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                walk(item, (*path, index))

    if root is not None:
        positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
        walk(root, ())
    return positions


def position_of(positions: Positions, where: Where) -> tuple[int, int] | None:
    """The line and column of `where`, or of the nearest enclosing part that has one."""
    probe = where
    while probe and probe not in positions:
        probe = probe[:-1]
    return positions.get(probe)


def parse_document(
    text: str, *, source: str, what: str, yaml_otherwise: bool = False, refuse_repeated_keys: bool
) -> tuple[Any, Positions]:
    """A user's JSON or YAML document (by `source`'s extension, see `is_yaml_name`), parsed,
    with the positions of its parts.

    YAML is composed once and built from the composed nodes, so knowing every position
    costs no second parse. JSON is positioned by composing it as YAML, best effort: JSON
    that YAML cannot compose (a tab, say) still loads, without positions.

    Positions are taken before the document is built: building flattens `<<` merge keys
    into the composed mappings, where a key that overrides a merged one would look
    repeated.
    """
    if is_yaml_name(source, otherwise=yaml_otherwise):
        with _yaml_errors_named(source, what):
            loader = yaml_loader()(text)
            try:
                root = loader.get_single_node()
                positions = yaml_positions(root, source, refuse_repeated_keys=refuse_repeated_keys)
                data = None if root is None else loader.construct_document(root)
            finally:
                loader.dispose()
        return data, positions
    data = parse_json(text, source=source, what=what)
    return data, text_positions(text, source, refuse_repeated_keys=refuse_repeated_keys)


def text_positions(text: str, source: str, *, refuse_repeated_keys: bool = False) -> Positions:
    """`yaml_positions` of a text composed as YAML (which JSON nearly is); best effort:
    empty when the text does not compose."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml_loader())
    except yaml.YAMLError:
        return {}
    return yaml_positions(root, source, refuse_repeated_keys=refuse_repeated_keys)
