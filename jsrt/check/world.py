"""A world's scripts as its flows wire them, for `jsrt check --world`.

The hooks are listed and their references checked by `jsrt.integration.steps`
(`hook_sites`, as `jsrt hooks` lists them): a reference that does not resolve (no such
script, no such function, a type integrator.io does not run) is a `hook-reference`
finding placed at the reference in the world file. A function named after one type
(`preMap`) attached where another runs is a `hook-type-mismatch`. Each script is then
checked with the hooks that run it: their types, flows and integrations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsrt.check.checker import Target, entry_of
from jsrt.check.findings import Finding
from jsrt.check.static import Entry
from jsrt.errors import InputError, JsrtError
from jsrt.hooks import infer_hook
from jsrt.inputs import Where, position_of, text_positions
from jsrt.integration.download import download_at
from jsrt.integration.layout import world_file_in
from jsrt.integration.scripts import WorldPlace, script_code
from jsrt.integration.steps import HookSite, hook_sites


@dataclass(frozen=True)
class LoadedWorld:
    world: Any
    targets: list[Target]
    findings: list[Finding]


def world_targets(path: Path) -> LoadedWorld:
    """The scripts of the world at `path` with the hooks that run them, and the findings
    of its hook references."""
    from jsrt.runner import world_from_path

    if not path.exists():
        raise InputError(
            f"{path} does not exist",
            hint="give a world file, a folder holding world.json, or an integration download",
            file=str(path),
        )
    world, _warnings = world_from_path(path)
    file = world_file_in(path)
    download = download_at(path)
    place = WorldPlace(path.parent, str(path)) if download else WorldPlace.of_file(file)
    where = _ReferencePlaces(None if download else file)
    declared = download.world.get("apis") if download else where.documents.get("apis")
    apis = [api for api in declared or [] if isinstance(api, Mapping)]
    sites = hook_sites(world, place, apis)
    findings: list[Finding] = []
    by_script: dict[str, list[Entry]] = {}

    def found_at(site: HookSite, rule: str, message: str, hint: str) -> None:
        findings.append(Finding(place.label, *where.of(site), rule, message, hint))

    for site in sites:
        if site.problems:
            found_at(
                site,
                "hook-reference",
                f"{_site_label(site)}: {'; '.join(site.problems)}",
                "fix the reference or the script; `jsrt hooks` lists every hook",
            )
            continue
        if site.script_id is None or site.function is None:
            continue
        flow_id = site.step.flow_id if site.step is not None else None
        by_script.setdefault(site.script_id, []).append(
            entry_of(site.function, site.hook, flow_id, world)
        )
        named = infer_hook(site.function)
        if named is not None and named != site.hook:
            found_at(
                site,
                "hook-type-mismatch",
                f"{_site_label(site)} runs {site.function}, named for {named}, as a "
                f"{site.hook} hook",
                f"attach it where a {named} hook runs, or rename it for what it does",
            )
    targets = []
    for document in world.docs("scripts"):
        try:
            code = script_code(dict(document), place)
        except JsrtError as error:
            line, column = where.at(("scripts",))
            findings.append(
                Finding(
                    place.label, line, column, "hook-reference", error.message, error.hint or ""
                )
            )
            continue
        entries = by_script.get(code.script_id)
        targets.append(Target(code.code, code.filename, code.path, _unique(entries)))
    return LoadedWorld(world, targets, findings)


def _unique(entries: list[Entry] | None) -> list[Entry] | None:
    """The entries, each function and type once (one script often serves several steps:
    the first step's context judges it)."""
    if entries is None:
        return None
    seen: dict[tuple[str, str | None], Entry] = {}
    for entry in entries:
        seen.setdefault((entry.function, entry.hook), entry)
    return list(seen.values())


def _site_label(site: HookSite) -> str:
    if site.step is not None:
        flow = site.step.flow_name or site.step.flow_id
        return f"the {site.hook} hook ({site.slot}) of {site.step.label} of flow {flow!r}"
    return f"the {site.hook} hook of My API {(site.api or {}).get('name')!r}"


class _ReferencePlaces:
    """Where a hook reference is written in a world file (line 1 when unknown: a
    download, or a file YAML cannot compose)."""

    def __init__(self, file: Path | None) -> None:
        self.documents: dict[str, Any] = {}
        self.positions: dict[Where, tuple[int, int]] = {}
        if file is None or not file.is_file():
            return
        from jsrt.inputs import parse_by_name

        text = file.read_text(encoding="utf-8-sig")
        parsed = parse_by_name(text, source=str(file), what="world file")
        self.documents = parsed if isinstance(parsed, dict) else {}
        self.positions = text_positions(text, str(file))

    def at(self, where: Where) -> tuple[int, int]:
        return position_of(self.positions, where) or (1, 1)

    def of(self, site: HookSite) -> tuple[int, int]:
        step = site.step
        if step is None:
            api_id = (site.api or {}).get("_id")
            index = self._index("apis", api_id if isinstance(api_id, str) else None)
            return self.at(("apis", index, *site.slot.split("."))) if index is not None else (1, 1)
        slot = tuple(site.slot.split("."))
        if step.resource is not None and site.slot != "hooks.postResponseMap":
            index = self._index(f"{step.kind}s", step.resource_id)
            if index is not None:
                return self.at((f"{step.kind}s", index, *slot))
        index = self._index("flows", step.flow_id)
        if index is None:
            return self.at(())
        return self.at(("flows", index, *_place_path(step.place), *slot))

    def _index(self, collection: str, document_id: str | None) -> int | None:
        documents = self.documents.get(collection)
        if not isinstance(documents, list):
            return None
        return next(
            (
                i
                for i, d in enumerate(documents)
                if isinstance(d, Mapping) and d.get("_id") == document_id
            ),
            None,
        )


def _place_path(place: str) -> tuple[str | int, ...]:
    """`routers[0].branches[1].pageProcessors[0]` as keys and indexes."""
    parts: list[str | int] = []
    for piece in place.split("."):
        name, _, rest = piece.partition("[")
        parts.append(name)
        for index in rest.rstrip("]").split("]["):
            if index.isdigit():
                parts.append(int(index))
    return tuple(parts)
