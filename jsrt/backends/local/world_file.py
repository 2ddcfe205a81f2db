"""Reading a world file (JSON or YAML, by extension) into a `World`.

Every problem becomes a `jsrt.errors.InputError` that names the file, the line and
column (from the JSON decoder, the YAML mark, or, for a well-formed file holding a wrong
value, the position of that value), the path of the value inside the world
(`exports[1].mockOutput.page_of_records[0]`), what was expected and how to fix it.
The shape rules are in `schema.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsrt.backends.local.models import World
from jsrt.backends.local.schema import Parts, WorldShapeError, check_world
from jsrt.errors import InputError
from jsrt.inputs import parse_json, parse_yaml, read_text, yaml_loader

if TYPE_CHECKING:
    import yaml

_JSON_SUFFIXES = (".json",)
_YAML_SUFFIXES = (".yaml", ".yml")


def load_world(path: str | Path) -> World:
    """The world a file describes, or an `InputError` saying where and what is wrong."""
    path = Path(path)
    name = str(path)
    text = _read(path)
    doc = _parse(text, path)
    try:
        check_world(doc)
    except WorldShapeError as err:
        line_col = _locate(text, err.parts)
        line, column = line_col if line_col else (None, None)
        raise err.as_input_error(file=name, line=line, column=column) from None
    return World(doc)


def _read(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in _JSON_SUFFIXES + _YAML_SUFFIXES:
        got = suffix or "no extension"
        raise InputError(
            f"{path}: a world file must be JSON (.json) or YAML (.yaml, .yml), got {got!r}",
            file=str(path),
        )
    return read_text(path, what="world")


def _parse(text: str, path: Path) -> Any:
    if path.suffix.lower() in _JSON_SUFFIXES:
        return parse_json(text, source=str(path), what="world file")
    doc = parse_yaml(text, source=str(path), what="world file")
    return {} if doc is None else doc  # an empty (or comments-only) file


def _locate(text: str, parts: Parts) -> tuple[int, int] | None:
    """Line and column of the value at `parts` (of its key, when the path ends at a key),
    found by composing the text as YAML, which JSON nearly is; None if that fails."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml_loader())
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    for depth, part in enumerate(parts):
        node = _child(node, part, want_key=depth == len(parts) - 1)
        if node is None:
            return None
    return node.start_mark.line + 1, node.start_mark.column + 1


def _child(node: yaml.Node | None, part: str | int, *, want_key: bool) -> yaml.Node | None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return key if want_key else value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None
