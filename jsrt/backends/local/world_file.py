"""Reading a world file (JSON or YAML, by extension) into a `World`.

Every problem becomes a `jsrt.errors.InputError` that names the file, the line and
column (from the JSON decoder, the YAML mark, or, for a well-formed file holding a wrong
value, the position of that value), the path of the value inside the world
(`exports[1].mockOutput.page_of_records[0]`), what was expected and how to fix it.
The shape rules are in `schema.py`; the model reports a wrong value as a
`WorldDataError` naming its place, and this module adds the file.
"""

from __future__ import annotations

from pathlib import Path

from jsrt.backends.local.errors import WorldDataError
from jsrt.backends.local.models import World
from jsrt.errors import InputError
from jsrt.inputs import YAML_SUFFIXES, parse_by_name, position_of, read_text, text_positions


def load_world(path: str | Path) -> World:
    """The world a file describes, or an `InputError` saying where and what is wrong."""
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", *YAML_SUFFIXES):
        got = suffix or "no extension"
        raise InputError(
            f"{path}: a world file must be JSON (.json) or YAML (.yaml, .yml), got {got!r}",
            file=name,
        )
    text = read_text(path, what="world")
    doc = parse_by_name(text, source=name, what="world file")
    if doc is None:
        doc = {}  # an empty (or comments-only) file
    try:
        return World(doc)
    except WorldDataError as err:
        # Positions are only needed to report a problem: composing costs a second parse.
        line, column = position_of(text_positions(text, name), err.parts) or (None, None)
        raise in_world_file(err, name, line, column) from None


def in_world_file(
    err: WorldDataError, file: str, line: int | None = None, column: int | None = None
) -> InputError:
    """The model's error about a world document, as an error about the file it came from:
    `file:line:column: exports[0].pageSize: expected …`."""
    where = f"{file}:{line}:{column}" if line is not None else file
    label = f" {err.path}:" if err.parts else ""
    details = {"file": file, "line": line, "column": column, "path": err.path}
    kept = {key: value for key, value in details.items() if value is not None}
    return InputError(f"{where}:{label} {err.problem}", hint=err.hint, **kept)
