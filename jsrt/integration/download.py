"""Reading an integration download: what integrator.io's "Download integration" gives.

A download is a zip (or the folder it unzips to) of one integration's documents, one
JSON file each, named `<name>-<_id>.json` (see `jsrt.integration.layout.file_stem`):

```
integration.json             the integration
flows/<name>-<_id>.json      its flows
exports/…  imports/…  connections/…  asyncHelpers/…  fileDefinitions/…  lookupcaches/…  apis/…
scripts/<name>-<_id>.json    a script document, without its code …
scripts/<name>-<_id>.js      … which is this file beside it
```

(Public downloads, e.g. `iotbands1train/netsuite-celigo-integrator-everbright…`
`Integration-Downloads-12-12-23/`, hold `integration.json`, `flows/`, `exports/`,
`imports/` and `scripts/` with the `.js` beside each `.json`; their flows carry no
`_integrationId`: the download's `integration.json` is the integration.) A zip whose
documents sit in one top folder is read from that folder. Folder names are matched
without regard to case (`asynchelpers/`, `fileDefinitions/`).

`read_download` gives the world document the download holds: every document exactly as
integrator.io wrote it, but for two things the account's copy has and the download
leaves out: a script's code (from its `.js`) as `content`, and, in a download of one
integration, each flow's `_integrationId` (so the world runs its hooks in the
integration, as integrator.io does). Nothing that is merely missing or unknown fails:
a flow naming an export that is not in the download, a script without its `.js`, a `.js`
without its `.json`, a file no download holds, each is one warning, and the rest loads.
Bad JSON is an `InputError` naming the file (`download.zip:flows/x.json`), line and
column.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jsrt.api.catalog import collection_noun
from jsrt.backends.local import World, WorldDataError
from jsrt.describe import format_path
from jsrt.errors import InputError
from jsrt.inputs import parse_json
from jsrt.integration.layout import COLLECTION_ORDER, world_file_in
from jsrt.integration.references import references

INTEGRATION_FILE = "integration.json"

FOLDERS: dict[str, str] = {collection.lower(): collection for collection in COLLECTION_ORDER}
"""A download's folders (lower-cased) and the world collection each fills."""


def document_noun(collection: str) -> str:
    """A collection's document in prose: `export`, `lookup cache`, `My API`."""
    return "My API" if collection == "apis" else collection_noun(collection)


@dataclass
class Download:
    """What a download holds: the world document, the member each document came from, and
    a warning for every piece that is missing or unknown."""

    source: str
    world: dict[str, list[dict[str, Any]]]
    members: dict[tuple[str, int], str] = field(default_factory=dict)
    """`(collection, index)` → the member (`flows/x.json`) the document was read from."""
    warnings: list[str] = field(default_factory=list)

    def to_world(self) -> World:
        """The local world of these documents; a document it cannot hold is an
        `InputError` naming the download and the member."""
        try:
            return World(self.world)
        except WorldDataError as err:
            parts = err.parts
            where = self.source
            if len(parts) >= 2 and (parts[0], parts[1]) in self.members:
                where = f"{self.source}:{self.members[(str(parts[0]), int(parts[1]))]}"
                parts = parts[2:]
            label = f" {format_path(parts, root='')}:" if parts else ""
            raise InputError(
                f"{where}:{label} {err.problem}", hint=err.hint, file=self.source
            ) from None


def is_download(path: str | Path) -> bool:
    """Whether `path` is an integration download: a `.zip`, or a folder holding
    `integration.json` or a download's folders (at its top, or in its one top folder)."""
    path = Path(path)
    if not path.is_dir():
        return path.suffix.lower() == ".zip"
    children = [child for child in path.iterdir() if not _is_clutter(child.name)]
    if any(_is_download_part(child) for child in children):
        return True
    return (
        len(children) == 1
        and children[0].is_dir()
        and any(_is_download_part(child) for child in children[0].iterdir())
    )


def download_at(path: str | Path) -> Download | None:
    """The integration download `path` names, read (a `.zip`, or a folder that holds a
    download's files and no `world.json`), or None when it names something else: a world
    file, a layout folder holding one, a state dir. The one test of which a path is, for
    every command that takes a world (`jsrt run`, `jsrt hooks`, `jsrt serve`, …)."""
    path = world_file_in(Path(path))
    return read_download(path) if is_download(path) else None


def _is_download_part(path: Path) -> bool:
    return path.name == INTEGRATION_FILE or (path.is_dir() and path.name.lower() in FOLDERS)


def read_download(path: str | Path) -> Download:
    """The documents of the download at `path` (a `.zip`, or the folder it unzips to)."""
    path = Path(path)
    source = str(path)
    members = dict(_members(path))
    download = Download(source, {})
    root = _root(list(members))
    scripts_code: dict[str, str] = {}
    for name in sorted(members):
        if _is_clutter(name):
            continue
        relative = name[len(root) :]
        parts = relative.split("/")
        folder = FOLDERS.get(parts[0].lower()) if len(parts) == 2 else None
        if relative == INTEGRATION_FILE:
            collection = "integrations"
        elif folder == "scripts" and relative.lower().endswith(".js"):
            scripts_code[relative[: -len(".js")]] = _text(members[name], source, name)
            continue
        elif folder is not None and relative.lower().endswith(".json"):
            collection = folder
        else:
            download.warnings.append(
                f"{source}:{name}: not a document of an integration download; ignored"
            )
            continue
        document = parse_json(
            _text(members[name], source, name),
            source=f"{source}:{name}",
            what="integration download",
        )
        if not isinstance(document, dict):
            raise InputError(
                f"{source}:{name}: expected an integration document (a JSON object)",
                file=f"{source}:{name}",
                hint="a download holds one JSON object per file, as integrator.io wrote it",
            )
        _keep(download, collection, relative, document)
    if not any(download.world.values()):
        raise InputError(
            f"{source}: not an integration download: it holds no {INTEGRATION_FILE} and no "
            f"{', '.join(f'{f}/' for f in ('flows', 'exports', 'imports', 'scripts'))} documents",
            file=source,
            hint='give the zip integrator.io\'s "Download integration" makes, or its folder',
        )
    if "integrations" not in download.world:
        download.warnings.append(f"{source}: no {INTEGRATION_FILE}; loaded without an integration")
    _attach_code(download, scripts_code)
    _flows_in_the_integration(download)
    _check_references(download)
    return download


def _flows_in_the_integration(download: Download) -> None:
    """Put each flow in the download's integration: a download's flows carry no
    `_integrationId`, its `integration.json` being their integration (DL, see the module
    docstring), while the account's copy of each flow names it, as `jsrt pull` writes it.
    Without it the world would take them for standalone flows, whose hooks may not run
    exports or imports (`jsrt.api.policy`). The key goes after the flow's `name`."""
    integrations = download.world.get("integrations", [])
    integration_id = integrations[0].get("_id") if len(integrations) == 1 else None
    if not isinstance(integration_id, str) or not integration_id:
        return
    flows = download.world.get("flows", [])
    for index, flow in enumerate(flows):
        if "_integrationId" in flow:
            continue
        after = "name" if "name" in flow else "_id"
        placed: dict[str, Any] = {}
        for key, value in flow.items():
            placed[key] = value
            if key == after:
                placed["_integrationId"] = integration_id
        placed.setdefault("_integrationId", integration_id)
        flows[index] = placed


def _members(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every file of the download, by its `/`-separated name inside it."""
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file():
                try:
                    data = file.read_bytes()
                except OSError as exc:
                    raise InputError(f"{file}: cannot read it: {exc}", file=str(file)) from None
                yield file.relative_to(path).as_posix(), data
        return
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield info.filename, archive.read(info)
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such download (a .zip, or the folder it unzips to)",
            file=str(path),
            hint="check the path",
        ) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            f"{path}: cannot read it as a zip: {exc}",
            file=str(path),
            hint='give the zip integrator.io\'s "Download integration" makes, or its folder',
        ) from None


def _root(names: list[str]) -> str:
    """The folder the download's documents are in: the top, or the zip's one top folder."""
    kept = [name for name in names if not _is_clutter(name)]
    at_top = any(
        name == INTEGRATION_FILE or ("/" in name and name.split("/")[0].lower() in FOLDERS)
        for name in kept
    )
    tops = {name.split("/", 1)[0] for name in kept}
    if at_top or len(tops) != 1 or not all("/" in name for name in kept):
        return ""
    return f"{tops.pop()}/"


def _is_clutter(name: str) -> bool:
    """What zipping on a Mac or an editor adds: `__MACOSX/`, `.DS_Store`, dot files."""
    parts = PurePosixPath(name).parts
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _text(data: bytes, source: str, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}:{name}: not UTF-8 text ({exc.reason} at byte {exc.start})",
            file=f"{source}:{name}",
            hint="a download's documents and scripts are UTF-8",
        ) from None


def _keep(download: Download, collection: str, relative: str, document: dict[str, Any]) -> None:
    """Add a document to its collection, unless one with its `_id` is already there."""
    documents = download.world.setdefault(collection, [])
    _id = document.get("_id")
    for index, other in enumerate(documents):
        if _id is not None and other.get("_id") == _id:
            first = download.members[(collection, index)]
            download.warnings.append(
                f"{download.source}:{relative}: {document_noun(collection)} {_id!r} is also in "
                f"{first}; the second is ignored"
            )
            return
    download.members[(collection, len(documents))] = relative
    documents.append(document)


def _attach_code(download: Download, code: dict[str, str]) -> None:
    """Give each script document the code of the `.js` beside its `.json`."""
    used: set[str] = set()
    for index, document in enumerate(download.world.get("scripts", [])):
        stem = download.members[("scripts", index)][: -len(".json")]
        if stem in code:
            document["content"] = code[stem]
            used.add(stem)
        elif not isinstance(document.get("content"), str):
            download.warnings.append(
                f"{download.source}:{stem}.json: script {document.get('name') or stem!r} "
                f"has no code: {stem}.js is not in the download"
            )
    for stem in sorted(set(code) - used):
        download.warnings.append(
            f"{download.source}:{stem}.js: no {stem}.json beside it (the script's document); "
            "ignored"
        )


def _check_references(download: Download) -> None:
    """One warning per document named by another but not in the download."""
    held = {
        collection: {d.get("_id") for d in documents}
        for collection, documents in download.world.items()
    }
    missing: dict[tuple[str, str], list[str]] = {}
    for collection, documents in download.world.items():
        for index, document in enumerate(documents):
            member = download.members[(collection, index)]
            for reference in references(document):
                if reference._id not in held.get(reference.collection, set()):
                    place = f"{member} {format_path(reference.where, root='')}"
                    missing.setdefault((reference.collection, reference._id), []).append(place)
    by_collection = sorted(missing.items(), key=lambda m: COLLECTION_ORDER.index(m[0][0]))
    for (target, value), places in by_collection:
        shown = ", ".join(places[:3]) + (f" and {len(places) - 3} more" if len(places) > 3 else "")
        download.warnings.append(
            f"{download.source}: {document_noun(target)} {value!r} is not in the download "
            f"(named by {shown})"
        )
