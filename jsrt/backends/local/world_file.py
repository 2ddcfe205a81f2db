"""Reading a world file (JSON or YAML, by extension) into a `World`.

Every problem becomes a `jsrt.errors.InputError` that names the file, the line and
column (from the JSON decoder, the YAML mark, or, for a well-formed file holding a wrong
value, the position of that value), the path of the value inside the world
(`exports[1].mockOutput.page_of_records[0]`), what was expected and how to fix it.
The shape rules are in `schema.py`.
"""

from __future__ import annotations

from pathlib import Path

from jsrt.backends.local.models import World
from jsrt.backends.local.schema import WorldShapeError, check_world
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
        check_world(doc)
    except WorldShapeError as err:
        # Positions are only needed to report a problem: composing costs a second parse.
        line, column = position_of(text_positions(text, name), err.parts) or (None, None)
        raise err.as_input_error(file=name, line=line, column=column) from None
    return World(doc)
