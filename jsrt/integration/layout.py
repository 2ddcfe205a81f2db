"""The editable layout of an integration: the folder a user keeps in git.

`jsrt import` writes it from an integration download, `jsrt pull` from an account, and
`jsrt push` reads it back. It is a world file every jsrt command accepts, plus the code
of every script as a `.js` file the user edits:

```
DIR/
  world.json                 the world: every document as integrator.io wrote it
  scripts/<name>-<_id>.js    one file per script document: its code, edited here
  cases/                     case files (`jsrt import` scaffolds one per hook)
```

`world.json` is a world document (`jsrt/backends/local/schema.py`): an object whose keys
are the collections (`integrations`, `flows`, `exports`, `imports`, `connections`,
`asyncHelpers`, `fileDefinitions`, `lookupcaches`, `scripts`, and `apis` for My APIs),
each a list of documents, in that order, written as JSON with two-space indents. Every
document is kept as integrator.io wrote it (its keys in their order, masked secrets
masked) but for one change: a script document's code, integrator.io's `content`, is
moved to its file, and the document names that file instead, in the same place:
`"contentFile": "scripts/<name>-<_id>.js"`, relative to the folder of the world file.
A script document without `content` (a download whose `.js` was missing) is kept as it
is, without `contentFile`.

A script's file is named as integrator.io names it in a download: its `name` with every
run of characters other than ASCII letters, digits and `_` replaced by one `-`, then
`-` and its `_id` (`Transform Orders` / `5f…` → `scripts/Transform-Orders-5f….js`).

`write_layout` and `read_layout` are inverses: reading a written layout gives back the
documents written, each script's `content` read from its file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from jsrt.errors import InputError, UsageError
from jsrt.files import write_atomically
from jsrt.inputs import parse_json, read_text
from jsrt.integration.scripts import CONTENT_FILE
from jsrt.json_values import indented

WORLD_FILE = "world.json"
"""The world file's name in a layout's folder."""

SCRIPTS_FOLDER = "scripts"
"""Where the scripts' code is kept, relative to the layout's folder."""


COLLECTION_ORDER = (
    "integrations",
    "flows",
    "exports",
    "imports",
    "connections",
    "asyncHelpers",
    "fileDefinitions",
    "lookupcaches",
    "scripts",
    "apis",
)
"""The order of the collections in a written world file; others follow, by name."""

_NOT_A_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9_]+")


def file_stem(document: Mapping[str, Any]) -> str:
    """`<name>-<_id>`, as integrator.io names a document's files in a download."""
    name = document.get("name")
    parts = [name if isinstance(name, str) else "", str(document.get("_id") or "")]
    stem = "-".join(_NOT_A_NAME_CHARACTER.sub("-", part) for part in parts if part)
    return stem or "script"


def script_file(document: Mapping[str, Any]) -> str:
    """The file, relative to the layout's folder, that keeps a script document's code."""
    return f"{SCRIPTS_FOLDER}/{file_stem(document)}.js"


def world_file_in(path: Path) -> Path:
    """The world file `path` names: a layout's `world.json` for the layout's folder, else
    `path` itself (what `contentFile` paths are relative to is the folder of this file)."""
    return path / WORLD_FILE if path.is_dir() and (path / WORLD_FILE).is_file() else path


def check_layout_folder(folder: Path, *, force: bool, refused: str, force_does: str) -> None:
    """Refuse (a `UsageError`) to write a layout over a file, or into a folder that holds
    files unless `force`: `refused` says what was not done, `force_does` what --force would
    do instead (`jsrt import` and `jsrt pull` write a layout to `--out`)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder", hint="give another --out")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UsageError(
            f"{folder} already exists and is not empty; {refused}",
            hint=f"give another --out, or add --force to {force_does}",
        )


def write_layout(world: Mapping[str, Any], folder: str | Path) -> list[Path]:
    """Write `world` (a world document, script code inline as `content`) as a layout in
    `folder`; the paths written, the world file first. Files already there are
    replaced; nothing else in the folder is touched."""
    folder = Path(folder)
    documents: dict[str, Any] = {}
    code_files: list[tuple[Path, str]] = []
    taken: set[str] = set()
    for collection in ordered_collections(world):
        documents[collection] = world[collection]
        if collection != "scripts" or not isinstance(world[collection], list):
            continue
        kept = []
        for document in world[collection]:
            if isinstance(document, Mapping) and isinstance(document.get("content"), str):
                relative = _free_name(script_file(document), taken)
                code_files.append((folder / relative, document["content"]))
                document = _replace_key(document, "content", CONTENT_FILE, relative)
            kept.append(document)
        documents[collection] = kept
    written = [folder / WORLD_FILE]
    try:
        write_atomically(written[0], json_text(documents).encode("utf-8"))
        for path, code in code_files:
            write_atomically(path, code.encode("utf-8"))
            written.append(path)
    except OSError as exc:
        raise InputError(
            f"{folder}: cannot write the layout: {exc}",
            file=str(folder),
            hint="check that the folder is writable",
        ) from None
    return written


def read_layout(folder: str | Path) -> dict[str, Any]:
    """The world document a layout in `folder` holds, each script's `content` read back
    from its `contentFile` (which must stay inside the folder). Problems are
    `InputError`s naming the file (and the line and column for bad JSON)."""
    folder = Path(folder)
    world_file = folder / WORLD_FILE
    source = str(world_file)
    world = parse_json(read_text(world_file, what="world"), source=source, what="world file")
    if not isinstance(world, dict):
        raise InputError(
            f"{source}: a world file must be an object of collections",
            file=source,
            hint=f"write it as {{{', '.join(f'{c!r}: [...]' for c in COLLECTION_ORDER[:3])}, ...}}",
        )
    scripts = world.get("scripts")
    if isinstance(scripts, list):
        world["scripts"] = [_with_content(document, folder, source) for document in scripts]
    return world


def _with_content(document: Any, folder: Path, source: str) -> Any:
    """A script document with its `contentFile` read back into `content`."""
    if not isinstance(document, dict) or CONTENT_FILE not in document:
        return document
    relative = document[CONTENT_FILE]
    where = f"{source}: script {document.get('name') or document.get('_id')!r}"
    if not isinstance(relative, str) or not relative:
        raise InputError(
            f"{where}: {CONTENT_FILE} must be a file name, got {relative!r}",
            file=source,
            hint=f'name the script\'s file relative to the world file: "{script_file(document)}"',
        )
    posix = PurePosixPath(relative)
    if posix.is_absolute() or ".." in posix.parts:
        raise InputError(
            f"{where}: {CONTENT_FILE} {relative!r} is outside the folder of the world file",
            file=source,
            hint=f"keep scripts inside {folder}, e.g. {script_file(document)}",
        )
    code = read_text(folder / posix, what="script")
    return _replace_key(document, CONTENT_FILE, "content", code)


def json_text(value: Any) -> str:
    """`value` as the layout writes JSON (two-space indents, non-ASCII kept, a final
    newline): the world file, the pull record, and the documents `jsrt push` diffs, so a
    diff shows the lines of the files the user edits."""
    return indented(value) + "\n"


def ordered_collections(world: Mapping[str, Any]) -> list[str]:
    """The collections of `world` in `COLLECTION_ORDER`, others after them by name."""
    known = [name for name in COLLECTION_ORDER if name in world]
    return known + sorted(name for name in world if name not in COLLECTION_ORDER)


def _replace_key(document: Mapping[str, Any], old: str, new: str, value: Any) -> dict[str, Any]:
    """`document` with `old` replaced by `new: value` in the same place among its keys."""
    return {
        (new if key == old else key): (value if key == old else v) for key, v in document.items()
    }


def _free_name(relative: str, taken: set[str]) -> str:
    """`relative`, or `<stem>-2.js`, … when another script already has that file."""
    candidate, number = relative, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{relative.removesuffix('.js')}-{number}.js"
    taken.add(candidate.lower())
    return candidate
