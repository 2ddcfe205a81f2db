"""A script document's code, and the file name its errors and stack traces name.

integrator.io keeps a script's code in the document's `content` (celigo-reference §1.1:
"`content` (JS source)"). The editable layout keeps it in a file beside the world file
instead: `contentFile`, a path relative to the folder of the world file that holds the
document (a jsrt extension). Code from `contentFile` is named by that file's path, so a
stack trace points at the file the user edits; inline `content` is named
`<world file>#scripts/<name>`, which says where the code is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsrt.errors import InputError

CONTENT_FILE = "contentFile"
"""The key of a script document that names its code's file (relative to the world file)."""


@dataclass(frozen=True)
class ScriptCode:
    """The code of one script document and the name it runs under.

    `path` is the code's own file when the document names one (`contentFile`), else None
    (the code is inline `content`)."""

    script_id: str
    code: str
    filename: str
    path: Path | None


@dataclass(frozen=True)
class WorldPlace:
    """Where a world's documents were read from: `folder` is what `contentFile` paths are
    relative to, `label` names the world in messages (its file, or "the world")."""

    folder: Path
    label: str

    @classmethod
    def of_file(cls, world_file: Path) -> WorldPlace:
        return cls(world_file.parent, str(world_file))


def document_label(document: Mapping[str, Any]) -> str:
    """How messages name a document (a script, a flow, …): `'Orders preMap' (5f…)`, or
    its `_id` when it has no name."""
    name = document.get("name")
    script_id = document.get("_id")
    return f"{name!r} ({script_id})" if isinstance(name, str) and name else repr(script_id)


def script_code(document: dict[str, Any], place: WorldPlace) -> ScriptCode:
    """The code of a script document: its `contentFile` (read as UTF-8) or its `content`.

    A document with neither, an empty one, or a `contentFile` that cannot be read is an
    `InputError` naming the script and the world."""
    script_id = str(document.get("_id"))
    content_file = document.get(CONTENT_FILE)
    where = f"{place.label}: script {document_label(document)}"
    if content_file is not None:
        if not isinstance(content_file, str) or not content_file:
            raise InputError(
                f"{where}: `{CONTENT_FILE}` must be a path (a string), relative to the folder "
                "of the world file",
                hint=f'write it as {CONTENT_FILE}: "scripts/<name>.js"',
                file=place.label,
            )
        path = place.folder / content_file
        try:
            code = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise InputError(
                f"{where}: its {CONTENT_FILE} {path} does not exist",
                hint=f"give {CONTENT_FILE} relative to {place.folder}, or the code as `content`",
                file=str(path),
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{where}: cannot read its {CONTENT_FILE} {path}: {exc}",
                hint="save the script as a readable UTF-8 file",
                file=str(path),
            ) from None
        return ScriptCode(script_id, code, str(path), path)
    content = document.get("content")
    if not isinstance(content, str) or not content.strip():
        raise InputError(
            f"{where} has no code: neither `content` nor `{CONTENT_FILE}`",
            hint="give the script's code as `content` (as integrator.io keeps it) or "
            f"`{CONTENT_FILE}: <path of the .js file>`",
            file=place.label,
        )
    name = document.get("name") if isinstance(document.get("name"), str) else script_id
    return ScriptCode(script_id, content, f"{place.label}#scripts/{name}", None)
