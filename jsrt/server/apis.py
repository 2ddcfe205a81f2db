"""My APIs: the `apis` list of a world file, read into the scripts `jsrt serve` runs.

An entry is jsrt's short form `{_id, script: FILE, function?, path?}`, or an
integrator.io API document as exported (`{_id, name, type: script, script: {_scriptId,
function}}`), whose code is the `content` of the world's script document with that `_id`.

The shape of an entry is declared in `api_schema.py`; what needs the world (the script
document, the script file, unique `_id`s) is checked here. Every problem is an
`InputError` naming the file, the place in the document, and the line and column of
its key: `world.yaml: apis[0].script: required, a non-empty string (line 3, column 5)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from jsrt.backends.local import World, WorldDataError, load_world
from jsrt.describe import format_path
from jsrt.document_schema import first_problem
from jsrt.errors import InputError
from jsrt.inputs import Positions, Where, parse_by_name, position_of, read_text, text_positions
from jsrt.server.api_schema import ApiEntry, ApisDocument


@dataclass(frozen=True)
class MyApi:
    """A My API: a handleRequest script answering HTTP requests. `script` names the file
    (and the script in stack traces); `source`, when set, is its code, taken from a
    script document of the world rather than read from the file."""

    api_id: str
    script: Path
    function: str | None = None
    path: str | None = None
    name: str | None = None
    source: str | None = None


def load_served_world(path: str | Path) -> tuple[World, tuple[MyApi, ...]]:
    """The world a world file describes, and the My APIs its `apis` list declares.

    `apis` is read here, not by the local backend: it names script files, which only the
    server runs.
    """
    path = Path(path)
    text = read_text(path, what="world")
    data = parse_by_name(text, source=str(path), what="world")
    if not isinstance(data, dict) or "apis" not in data:
        return load_world(path), ()
    places = _Places(path, text)
    declared = {"apis": data.pop("apis")}
    try:
        world = World(data)
    except WorldDataError as err:  # the model names no file: add it, and the position
        details = {k: v for k, v in err.details.items() if k not in ("file", "line", "column")}
        raise places.fail(err.parts, err.problem, err.hint, **details) from None
    try:
        document = ApisDocument.model_validate(declared)
    except ValidationError as error:
        found = first_problem(error)
        raise places.fail(found.where, found.message, found.hint) from None
    apis: list[MyApi] = []
    for index, entry in enumerate(document.apis):
        where: Where = ("apis", index)
        api = _my_api(entry, where, path, world, places)
        if any(known.api_id == api.api_id for known in apis):
            raise places.fail(
                (*where, "_id"), f"duplicate _id {api.api_id!r}", "give each its own _id"
            )
        apis.append(api)
    return world, tuple(apis)


class _Places:
    """The served world file's `InputError`s, at the line and column of a place in it
    (positions are composed only when there is an error to place)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self._positions: Positions | None = None

    def fail(self, where: Where, problem: str, hint: str | None, **details: object) -> InputError:
        """`file: apis[0].script: problem (line 3, column 5)`."""
        if self._positions is None:
            self._positions = text_positions(self.text, str(self.path))
        line, column = position_of(self._positions, where) or (None, None)
        label = f" {format_path(where, root='')}:" if where else ""
        at = f" (line {line}, column {column})" if line is not None else ""
        placed = {"line": line, "column": column} if line is not None else {}
        return InputError(
            f"{self.path}:{label} {problem}{at}",
            hint=hint,
            file=str(self.path),
            **placed,
            **details,
        )


def _my_api(
    entry: ApiEntry, where: Where, world_file: Path, world: World, places: _Places
) -> MyApi:
    """The My API a checked entry declares, its script found next to the world file or
    among the world's script documents."""
    reference = entry.reference
    if reference is None:
        script = world_file.parent / entry.script
        if not script.is_file():
            raise places.fail(
                (*where, "script"), f"{script} not found", "give it relative to this file"
            )
        function, source = entry.function, None
    else:
        at, script_id, function = reference
        script, source = _document_script(script_id, (*where, *at), world, places)
    return MyApi(entry.api_id, script, function or entry.function, entry.path, entry.name, source)


def _document_script(
    script_id: object, at: Where, world: World, places: _Places
) -> tuple[Path, str]:
    """The script name and code of the script document an API document points at."""
    document = world.get("scripts", script_id) if isinstance(script_id, str) else None
    if document is None:
        known = ", ".join(doc["_id"] for doc in world.docs("scripts"))
        known = known or "the world has no scripts"
        raise places.fail(
            (*at, "_scriptId"),
            f"no script document with _id {script_id!r} (known: {known})",
            "add it under scripts: [{_id, name, content: <the script's code>}]",
        )
    content = document.get("content")
    if not isinstance(content, str) or not content.strip():
        raise places.fail(
            (*at, "_scriptId"),
            f"the script document {script_id!r} has no `content` (its code)",
            "give the script's code as `content`, as integrator.io keeps it",
        )
    name = document.get("name") if isinstance(document.get("name"), str) else f"{script_id}.js"
    return Path(f"scripts/{name}"), content
