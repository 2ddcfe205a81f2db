"""My APIs: the `apis` of a world, read into the scripts `jsrt serve` runs.

The world is a world file (JSON or YAML), a folder holding one (`world.json`, the layout
`jsrt import` and `jsrt pull` write), or an integration download (a `.zip`, or the folder
it unzips to), told apart and read as the runner reads them
(`jsrt.integration.download.download_at`).

A world file's entry is jsrt's short form `{_id, script: FILE, function?, path?}`, or an
integrator.io API document as exported (`{_id, name, type: script, script: {_scriptId,
function}}`, with the keys the account adds, which are kept and not read), whose code is
the world's script document with that `_id`: its `content`, or the file its
`contentFile` names (`jsrt.integration.scripts`).

The shape of an entry is declared in `api_schema.py`; what needs the world (the script
document, the script file, unique `_id`s) is checked here. In a world file every problem
is an `InputError` naming the file, the place in the document, and the line and column
of its key: `world.yaml: apis[0].script: required, a non-empty string (line 3, column 5)`.
A download's My API that cannot be served (its script is not in the download, or has no
code; a builder-mode API) is a warning, as every missing piece of a download is, and the
rest is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from jsrt.backends.local import World, WorldDataError, load_world
from jsrt.describe import format_path
from jsrt.document_schema import first_problem
from jsrt.errors import InputError
from jsrt.inputs import Positions, Where, parse_by_name, position_of, read_text, text_positions
from jsrt.integration.scripts import CONTENT_FILE, ScriptCode, WorldPlace, script_code
from jsrt.server.api_schema import ApiEntry, ApisDocument

if TYPE_CHECKING:
    from jsrt.integration.download import Download


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


class ServedWorld(NamedTuple):
    """What `jsrt serve --world` serves: the world, its My APIs, and what was missing
    from a download (printed as warnings, as other commands print them)."""

    world: World
    apis: tuple[MyApi, ...]
    warnings: list[str]


def load_served_world(path: str | Path) -> ServedWorld:
    """The world `path` names (a world file, a folder holding one, or an integration
    download) and the My APIs it declares.

    A world file's `apis` are read here, not by the local backend: they name script
    files, which only the server runs.
    """
    from jsrt.integration.download import download_at
    from jsrt.integration.layout import world_file_in

    path = Path(path)
    download = download_at(path)
    if download is not None:
        return _served_download(download)
    return _served_world_file(world_file_in(path))


def _served_world_file(path: Path) -> ServedWorld:
    text = read_text(path, what="world")
    data = parse_by_name(text, source=str(path), what="world")
    if not isinstance(data, dict) or "apis" not in data:
        return ServedWorld(load_world(path), (), [])
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
    return ServedWorld(world, tuple(apis), [])


def _served_download(download: Download) -> ServedWorld:
    """A download's world and the My APIs of its `apis/` folder that can be served; one
    warning for each that cannot (the download has already warned of a missing script
    document or `.js`; this says the API is not served for it)."""
    world = download.to_world()
    place = WorldPlace(Path(download.source).parent, download.source)
    warnings = list(download.warnings)
    apis: list[MyApi] = []
    for index, document in enumerate(download.world.get("apis", [])):
        member = f"{download.source}:{download.members[('apis', index)]}"
        name = document.get("name") or document.get("_id")
        try:
            apis.append(_download_api(document, world, place))
        except _NotServed as reason:
            warnings.append(f"{member}: My API {name!r} is not served: {reason}")
    return ServedWorld(world, tuple(apis), warnings)


class _NotServed(Exception):
    """Why a download's My API is left out (said in a warning)."""


def _download_api(document: dict[str, Any], world: World, place: WorldPlace) -> MyApi:
    try:
        entry = ApiEntry.model_validate(document)
    except ValidationError as error:
        found = first_problem(error)
        label = f"{format_path(found.where, root='')}: " if found.where else ""
        raise _NotServed(f"{label}{found.message}") from None
    reference = entry.reference
    if reference is None:
        raise _NotServed("it names no script document (script: {_scriptId, function})")
    _, script_id, function = reference
    script = world.get("scripts", script_id) if isinstance(script_id, str) else None
    if script is None:
        raise _NotServed(f"its script {script_id!r} is not in the download")
    try:
        code = script_code(script, place)
    except InputError as err:
        raise _NotServed(err.message) from None
    return _served(entry, code, function)


def _served(entry: ApiEntry, code: ScriptCode, function: Any) -> MyApi:
    """The My API an API document declares, run from its script document's code: from
    the file a `contentFile` names (read again at each request, so an edit shows at the
    next call, as a short form's file does), else from the document's `content`."""
    script, source = (code.path, None) if code.path else (Path(code.filename), code.code)
    return MyApi(entry.api_id, script, function or entry.function, entry.path, entry.name, source)


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
        return MyApi(entry.api_id, script, entry.function, entry.path, entry.name)
    at, script_id, function = reference
    code = _document_script(script_id, (*where, *at), world, places)
    return _served(entry, code, function)


def _document_script(script_id: object, at: Where, world: World, places: _Places) -> ScriptCode:
    """The code of the script document an API document points at (its `content`, or the
    file its `contentFile` names, relative to the world file)."""
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
    if CONTENT_FILE not in document and (not isinstance(content, str) or not content.strip()):
        raise places.fail(
            (*at, "_scriptId"),
            f"the script document {script_id!r} has no `content` (its code)",
            "give the script's code as `content`, as integrator.io keeps it, or the "
            f"path of its .js file as `{CONTENT_FILE}`",
        )
    return script_code(document, WorldPlace.of_file(places.path))
