"""My APIs: the `apis` list of a world file, read into the scripts `jsrt serve` runs.

An entry is jsrt's short form `{_id, script: FILE, function?, path?}`, or an
integrator.io API document as exported (`{_id, name, type: script, script: {_scriptId,
function}}`), whose code is the `content` of the world's script document with that `_id`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsrt.backends.local import World, WorldDataError, load_world
from jsrt.errors import InputError
from jsrt.inputs import load_data_file

ADMIN_PREFIX = "/_jsrt"
"""jsrt's own paths (faults, reset, world); no My API may take them."""

_API_KEYS = ("_id", "name", "type", "script", "_scriptId", "function", "path")


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
    data = load_data_file(path, what="world")
    if not isinstance(data, dict) or "apis" not in data:
        return load_world(path), ()
    declared = data.pop("apis")
    try:
        world = World(data)
    except WorldDataError as err:  # the model names no file: add it
        details = {k: v for k, v in err.details.items() if k != "file"}
        message = f"{path}: {err.message}"
        raise InputError(message, hint=err.hint, file=str(path), **details) from None
    return world, _read_apis(declared, path, world)


def _read_apis(declared: Any, world_file: Path, world: World) -> tuple[MyApi, ...]:
    """The My APIs of the world's `apis` list. An entry is jsrt's short form
    `{_id, script: FILE, function?, path?}`, or an integrator.io API document as exported:
    `{_id, name, type: script, script: {_scriptId, function}}` (or the legacy
    `{_id, _scriptId, function}`), whose code is the `content` of the world's script
    document with that `_id`."""

    def fail(where: str, problem: str, hint: str) -> InputError:
        return InputError(f"{world_file}: {where}: {problem}", file=str(world_file), hint=hint)

    example = "apis: [{_id: orders-api, script: handlers.js, function: handleRequest}]"
    if not isinstance(declared, list):
        raise fail("apis", "expected a list of My APIs", example)
    apis: list[MyApi] = []
    for index, entry in enumerate(declared):
        where = f"apis[{index}]"
        if not isinstance(entry, dict):
            raise fail(where, "expected an object {_id, script, function?, path?}", example)
        unknown = [key for key in entry if key not in _API_KEYS]
        if unknown:
            raise fail(f"{where}.{unknown[0]}", "unknown key", f"allowed: {', '.join(_API_KEYS)}")
        if not isinstance(entry.get("_id"), str) or not entry["_id"]:
            raise fail(f"{where}._id", "required, a non-empty string", example)
        if entry.get("type", "script") != "script":
            raise fail(
                f"{where}.type",
                f"{entry['type']!r} APIs are built in integrator.io's builder, not scripted",
                "jsrt serve runs script-mode APIs (type: script, with a handleRequest "
                "function); leave builder-mode APIs out of the world file",
            )
        for key in ("function", "name", "path"):
            if key in entry and not isinstance(entry[key], str):
                raise fail(f"{where}.{key}", "expected a string", example)
        if isinstance(entry.get("script"), dict) or "_scriptId" in entry:
            script, function, source = _api_document_script(entry, where, world, fail)
        else:
            if not isinstance(entry.get("script"), str) or not entry["script"]:
                raise fail(f"{where}.script", "required, a non-empty string", example)
            script, function, source = world_file.parent / entry["script"], None, None
            if not script.is_file():
                raise fail(
                    f"{where}.script", f"{script} not found", "give it relative to this file"
                )
        route = entry.get("path")
        reserved = ("/v1/", f"{ADMIN_PREFIX}/")
        if route is not None and (not route.startswith("/") or route.startswith(reserved)):
            raise fail(
                f"{where}.path",
                f"{route!r} must start with / and stay out of /v1/ and {ADMIN_PREFIX}/",
                "for example /orders/{orderId}",
            )
        if any(api.api_id == entry["_id"] for api in apis):
            raise fail(f"{where}._id", f"duplicate _id {entry['_id']!r}", "give each its own _id")
        apis.append(
            MyApi(
                entry["_id"],
                script,
                function or entry.get("function"),
                route,
                entry.get("name"),
                source,
            )
        )
    return tuple(apis)


def _api_document_script(
    entry: dict[str, Any],
    where: str,
    world: World,
    fail: Callable[[str, str, str], InputError],
) -> tuple[Path, str | None, str]:
    """The script name, function and code an integrator.io API document points at."""
    reference = entry["script"] if isinstance(entry.get("script"), dict) else entry
    at = f"{where}.script" if reference is not entry else where
    script_id = reference.get("_scriptId")
    function = reference.get("function")
    if function is not None and not isinstance(function, str):
        raise fail(f"{at}.function", "expected a string", "the handler's name: handleRequest")
    document = world.get("scripts", script_id) if isinstance(script_id, str) else None
    if document is None:
        known = ", ".join(doc["_id"] for doc in world.docs("scripts"))
        known = known or "the world has no scripts"
        raise fail(
            f"{at}._scriptId",
            f"no script document with _id {script_id!r} (known: {known})",
            "add it under scripts: [{_id, name, content: <the script's code>}]",
        )
    content = document.get("content")
    if not isinstance(content, str) or not content.strip():
        raise fail(
            f"{at}._scriptId",
            f"the script document {script_id!r} has no `content` (its code)",
            "give the script's code as `content`, as integrator.io keeps it",
        )
    name = document.get("name") if isinstance(document.get("name"), str) else f"{script_id}.js"
    return Path(f"scripts/{name}"), function, content
