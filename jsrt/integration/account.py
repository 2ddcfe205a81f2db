"""Pull an integration from an integrator.io account into the editable layout, and push
what was edited back (`jsrt pull`, `jsrt push`).

`pull` only reads: the integration (`GET /v1/integrations/{_id}`), its flows (`GET
/v1/flows`, those whose `_integrationId` is the integration's), then every document they
name, and every document those name in turn: exports and imports (`_exportId`,
`_importId`), connections (`_connectionId`, the integration's
`_registeredConnectionIds`), async helpers, file definitions, lookup caches and scripts
(`_scriptId`), each with `GET /v1/<collection>/{_id}` (celigo-reference §3.2). A
script's document holds its code as `content`; integrator.io has no integrator-api
`scripts` object, so scripts are read with the REST backend's plain `rest` call. A
connection is kept as integrator.io answers it: its secrets masked (`"******"`); jsrt
never sees them, so it never writes them. Lookup cache entries are read only when asked
(`with_data`), a page at a time (`POST /v1/lookupcaches/{_id}/getData`, §3.3). A
document named but not in the account is a warning, not a failure.

The layout is `jsrt.integration.layout`'s, plus `.jsrt-pull.json` (`PULL_FILE`), which
keeps what the pull saw: the base URL, the integration, and per document its
`lastModified` and a digest of it (a script's code digested apart from the rest of its
document, a lookup cache's entries left out). Digests use canonical JSON, and code with
its line ends made `\\n`, so the file read back compares equal to what was pulled.

`push` compares the layout with those digests: a script whose code changed is sent
(`PUT /v1/scripts/{_id}`: the account's copy of the document with the new `content`);
an edited document of another kind (or a script's document beyond its code) is sent
only with `resources` (`PUT /v1/<collection>/{_id}`, the document as the layout holds
it). Before anything is sent, the account's copy of each document to send is read: if
its `lastModified` is not the one the pull saw, someone changed it since, and the push
refuses, naming every such document, before sending anything. Connections are never
sent (their secrets are masked in the layout; a PUT would replace them with the mask),
nor documents the pull did not see (create those in integrator.io). After each
document is sent, the pull record takes its new `lastModified` and digest, so the next
push sends only what changed after it.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jsrt.api.errors import ApiError
from jsrt.backends.rest.client import RestBackend
from jsrt.backends.rest.guard import WRITES_FLAG
from jsrt.backends.rest.settings import RestSettings
from jsrt.errors import AccountError, InputError, UsageError
from jsrt.files import write_atomically
from jsrt.inputs import parse_json, read_text
from jsrt.integration.download import document_noun
from jsrt.integration.layout import (
    COLLECTION_ORDER,
    WORLD_FILE,
    check_layout_folder,
    file_stem,
    json_text,
    ordered_collections,
    read_layout,
    script_file,
    write_layout,
)
from jsrt.integration.references import references
from jsrt.integration.scripts import CONTENT_FILE, document_label

PULL_FILE = ".jsrt-pull.json"
"""What `jsrt pull` saw, kept in the layout's folder for `jsrt push`."""

PULL_FORMAT = "jsrt-pull/1"

NOT_FOLLOWED = ("_integrationId", "_flowId")
"""References `pull` does not follow: a flow's or an integration's own `_flowId` /
`_integrationId` name other flows and integrations, which are not part of this one."""

NEVER_PUSHED = ("connections",)
"""Collections `push` never sends: a pulled connection's secrets are masked."""

Progress = Callable[[str, int, int], None]
"""Told of each document read: `(what was read, documents read, documents known so far)`."""


@dataclass
class Pulled:
    """What `pull` wrote: the folder, its files (the world file first), the number of
    documents per collection, and a warning per document named but not in the account."""

    folder: Path
    world: dict[str, list[dict[str, Any]]]
    written: list[Path]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """One document `push` sends: what it is, the unified diff from the account's copy,
    and the document the PUT carries."""

    collection: str
    _id: str
    label: str
    diff: str
    document: dict[str, Any]


@dataclass
class PushPlan:
    """What `push` would send, and what it leaves out (each with the reason)."""

    folder: Path
    base_url: str
    changes: list[Change] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def diff(self) -> str:
        return "".join(change.diff for change in self.changes)


# ---- pull ------------------------------------------------------------------------------------


def pull(
    settings: RestSettings,
    integration_id: str,
    folder: Path | None = None,
    *,
    force: bool = False,
    with_data: bool = False,
    progress: Progress | None = None,
) -> Pulled:
    """Read the integration `integration_id` and what it uses from the account (reads
    only), and write it as a layout in `folder` (default `./<name>-<_id>`), which must be
    empty unless `force`."""
    if folder is not None:
        _check_folder(folder, force)
    tell = progress or (lambda what, done, total: None)
    with _account(settings) as backend:
        world, warnings = _read_integration(backend, integration_id, with_data, tell)
    integration = world["integrations"][0]
    if folder is None:
        folder = Path(file_stem(integration))
        _check_folder(folder, force)
    record = {
        "format": PULL_FORMAT,
        "baseUrl": settings.base_url,
        "integrationId": integration_id,
        "pulledAt": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "documents": {
            collection: {d["_id"]: _seen(collection, d) for d in documents}
            for collection, documents in world.items()
        },
    }
    written = write_layout(world, folder)
    _write_record(folder, record)
    return Pulled(folder, world, written, warnings)


def _read_integration(
    backend: RestBackend, integration_id: str, with_data: bool, tell: Progress
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The world document of the integration: its documents by collection, in the order
    they were first named, and a warning per document named but not in the account."""
    integration = backend.call("integrations", "get", [integration_id])
    if not isinstance(integration, dict):
        raise AccountError(
            f"no integration with _id {integration_id!r} in the account at "
            f"{backend.settings.base_url}",
            hint="copy the _id from the integration's URL in integrator.io "
            "(…/integrations/<_id>/flows)",
        )
    tell(f"integration {document_label(integration)}", 1, 1)
    flows = [
        flow
        for flow in backend.call("flows", "find", [{}])
        if isinstance(flow, dict) and flow.get("_integrationId") == integration_id
    ]
    world: dict[str, list[dict[str, Any]]] = {"integrations": [integration], "flows": flows}
    pending: list[tuple[str, str, str]] = []  # (collection, _id, named by)
    seen: set[tuple[str, str]] = set()

    def name_references(collection: str, document: dict[str, Any]) -> None:
        where = f"{document_noun(collection)} {document_label(document)}"
        for target, _id in _references(document):
            if (target, _id) not in seen:
                seen.add((target, _id))
                pending.append((target, _id, where))

    for collection in ("integrations", "flows"):
        for document in world[collection]:
            name_references(collection, document)
    warnings: list[str] = []
    done = 1
    while pending:
        collection, _id, named_by = pending.pop(0)
        found = _read_document(backend, collection, _id)
        done += 1
        if found is None:
            warnings.append(
                f"{document_noun(collection)} {_id!r} (named by {named_by}) is not in the "
                "account; the layout is written without it"
            )
            continue
        document = found
        if collection == "lookupcaches" and with_data:
            document = {**found, "data": _cache_entries(backend, _id)}
        tell(f"{document_noun(collection)} {document_label(document)}", done, done + len(pending))
        world.setdefault(collection, []).append(document)
        name_references(collection, document)
    return {c: world[c] for c in ordered_collections(world)}, warnings


def _read_document(backend: RestBackend, collection: str, _id: str) -> dict[str, Any] | None:
    """`GET /v1/<collection>/{_id}`; None when the account has no such document."""
    if collection == "scripts":
        document = backend.rest("GET", f"/v1/scripts/{quote(_id, safe='')}")
    else:
        document = backend.call(collection, "get", [_id])
    return document if isinstance(document, dict) else None


def _cache_entries(backend: RestBackend, cache_id: str) -> list[Any]:
    """Every entry of a lookup cache, a page at a time (`nextPageURL`, §3.3)."""
    entries: list[Any] = []
    options: dict[str, Any] = {"_id": cache_id}
    while True:
        page = backend.call("lookupcaches", "getData", [options])
        entries.extend(page.get("data") or [])
        following = page.get("nextPageURL")
        if not following:
            return entries
        options = {"_id": cache_id, "nextPageURL": following}


def _references(document: Any) -> Iterator[tuple[str, str]]:
    """`(collection, _id)` of every document `document` names that `pull` reads with it."""
    for reference in references(document):
        if reference.key not in NOT_FOLLOWED:
            yield reference.collection, reference._id


def _check_folder(folder: Path, force: bool) -> None:
    check_layout_folder(
        folder,
        force=force,
        refused="nothing was pulled",
        force_does="write the account's copy over the files there (edits not pushed are lost)",
    )


# ---- push ------------------------------------------------------------------------------------


def plan_push(settings: RestSettings, folder: Path, *, resources: bool = False) -> PushPlan:
    """What `push` would send from the layout in `folder` (reads only). Refuses with an
    `AccountError` naming every document to send whose copy in the account changed since
    the pull."""
    record = read_record(folder)
    local = read_layout(folder)
    code_files = _code_files(folder)
    plan = PushPlan(folder, settings.base_url)
    wanted: list[tuple[str, dict[str, Any], bool, bool]] = []
    for collection in _collections(local):
        seen_documents = record["documents"].get(collection, {})
        for document in local[collection]:
            if not isinstance(document, dict):
                continue
            label = _label(collection, document, code_files)
            seen = seen_documents.get(document.get("_id"))
            if seen is None:
                plan.left_out.append(
                    f"{label}: not in the account when it was pulled; create it in "
                    "integrator.io (jsrt push only changes documents it pulled)"
                )
                continue
            code_changed = collection == "scripts" and _code_digest(document) != seen.get("content")
            document_changed = _document_digest(collection, document) != seen["document"]
            if document_changed and collection in NEVER_PUSHED:
                plan.left_out.append(
                    f"{label}: connections are never pushed (their secrets are masked in the "
                    "pull); edit the connection in integrator.io"
                )
                document_changed = False
            elif document_changed and not resources:
                plan.left_out.append(f"{label}: edited; sent only with --resources")
                document_changed = False
            if code_changed or document_changed:
                wanted.append((collection, document, code_changed, document_changed))
    if not wanted:
        return plan
    with _account(settings) as backend:
        changed_since: list[str] = []
        for collection, document, code_changed, document_changed in wanted:
            label = _label(collection, document, code_files)
            current = _read_document(backend, collection, document["_id"])
            seen = record["documents"][collection][document["_id"]]
            if current is None:
                changed_since.append(f"{label}: deleted from the account since the pull")
                continue
            if current.get("lastModified") != seen.get("lastModified"):
                changed_since.append(
                    f"{label}: lastModified {current.get('lastModified')} in the account, "
                    f"{seen.get('lastModified')} when pulled"
                )
                continue
            plan.changes.append(
                _change(
                    collection,
                    document,
                    current,
                    label,
                    code_files.get(document["_id"], script_file(document)),
                    (code_changed, document_changed),
                )
            )
    if changed_since:
        raise AccountError(
            f"the account at {settings.base_url} changed since {folder} was pulled "
            f"({record.get('pulledAt')}); nothing was sent:\n  " + "\n  ".join(changed_since),
            hint=f"pull again into another folder (jsrt pull {record['integrationId']} --out "
            "NEW) and carry your edits over, then push from there",
        )
    return plan


def push(settings: RestSettings, plan: PushPlan) -> list[Change]:
    """Send the plan's changes (`settings.allow_writes` must be set), recording each in
    the pull record as it is accepted; the changes sent."""
    if not settings.allow_writes:
        raise UsageError(
            f"jsrt push changes the integrator.io account at {settings.base_url} only with "
            f"{WRITES_FLAG}; nothing was sent",
            hint=f"read the diff above, then run: jsrt push {plan.folder} {WRITES_FLAG}",
        )
    record = read_record(plan.folder)
    with _account(settings) as backend:
        for change in plan.changes:
            if change.collection == "scripts":
                path = f"/v1/scripts/{quote(change._id, safe='')}"
                stored = backend.rest("PUT", path, change.document)
            else:
                stored = backend.call(change.collection, "update", [change.document])
            seen = record["documents"][change.collection][change._id]
            seen["lastModified"] = (stored or {}).get("lastModified")
            if change.collection == "scripts":
                seen["content"] = _code_digest(change.document)
            seen["document"] = _document_digest(change.collection, change.document)
            _write_record(plan.folder, record)
    return plan.changes


def _change(
    collection: str,
    local: dict[str, Any],
    current: dict[str, Any],
    label: str,
    code_file: str,
    changed: tuple[bool, bool],
) -> Change:
    """The PUT for one edited document and its diff from the account's copy; `changed`
    says whether its code, and whether the rest of the document, changed."""
    code_changed, document_changed = changed
    if document_changed:
        sent = {
            k: v for k, v in local.items() if not (collection == "lookupcaches" and k == "data")
        }
    else:  # only the code: the account's document, with the new code
        sent = {**current, "content": local.get("content", "")}
    where = f"{collection}/{local['_id']}"
    diff = ""
    if code_changed:
        diff += _unified(
            _normal_code(current.get("content")),
            _normal_code(local.get("content")),
            f"account/{code_file}",
            f"local/{code_file}",
        )
    if document_changed:
        diff += _unified(
            json_text(_without_code(collection, current)),
            json_text(_without_code(collection, sent)),
            f"account/{where}",
            f"local/{WORLD_FILE}: {where}",
        )
    return Change(collection, local["_id"], label, diff, sent)


def _unified(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), old_name, new_name
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _collections(world: Mapping[str, Any]) -> list[str]:
    return [c for c in world if isinstance(world[c], list) and c in COLLECTION_ORDER]


# ---- the pull record -----------------------------------------------------------------------


def read_record(folder: Path) -> dict[str, Any]:
    """The pull record of the layout in `folder`, or an `InputError` saying to pull."""
    path = folder / PULL_FILE
    if not path.is_file():
        raise InputError(
            f"{folder}: no {PULL_FILE}, so it was not written by jsrt pull and jsrt push "
            "cannot tell what changed",
            file=str(path),
            hint="pull the integration first: jsrt pull INTEGRATION_ID --out FOLDER",
        )
    record = parse_json(read_text(path, what="pull record"), source=str(path), what="pull record")
    if (
        not isinstance(record, dict)
        or record.get("format") != PULL_FORMAT
        or not isinstance(record.get("documents"), dict)
    ):
        raise InputError(
            f"{path}: not a pull record (expected format {PULL_FORMAT!r})",
            file=str(path),
            hint="pull the integration again into a new folder",
        )
    return record


def _write_record(folder: Path, record: dict[str, Any]) -> None:
    write_atomically(folder / PULL_FILE, json_text(record).encode("utf-8"))


def _seen(collection: str, document: dict[str, Any]) -> dict[str, Any]:
    """What the pull record keeps of a document."""
    seen: dict[str, Any] = {
        "lastModified": document.get("lastModified"),
        "document": _document_digest(collection, document),
    }
    if collection == "scripts":
        seen["content"] = _code_digest(document)
    return seen


def _document_digest(collection: str, document: Mapping[str, Any]) -> str:
    """A digest of the document without its code or lookup cache entries."""
    return _digest(json.dumps(_without_code(collection, document), sort_keys=True))


def _code_digest(document: Mapping[str, Any]) -> str:
    """A digest of a script's code, as `_normal_code`."""
    return _digest(_normal_code(document.get("content")))


def _normal_code(code: Any) -> str:
    """A script's code as it reads back from its file: line ends made `\\n`, without a
    byte order mark ('' when there is none)."""
    text = code if isinstance(code, str) else ""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _without_code(collection: str, document: Mapping[str, Any]) -> dict[str, Any]:
    left_out = {"scripts": "content", "lookupcaches": "data"}.get(collection)
    return {k: v for k, v in document.items() if k != left_out}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- small helpers ---------------------------------------------------------------------------


@contextmanager
def _account(settings: RestSettings) -> Iterator[RestBackend]:
    """The REST backend for `settings`; an `ApiError` from the account becomes an
    `AccountError` (the token is already out of its message)."""
    try:
        with RestBackend(settings) as backend:
            yield backend
    except ApiError as err:
        unreached = err.code == "network_error"  # its message says what to check
        message = (
            err.message
            if unreached
            else (f"the account at {settings.base_url} answered {err.status_code}: {err.message}")
        )
        hint = None
        if err.status_code in (401, 403):
            hint = (
                f"export {settings.token_env} with an API token of this account that may "
                "read (and, for jsrt push, change) its integrations"
            )
        raise AccountError(message, hint=hint, status_code=err.status_code, code=err.code) from None


def _label(collection: str, document: Mapping[str, Any], code_files: Mapping[str, str]) -> str:
    label = f"{document_noun(collection)} {document_label(document)}"
    if collection != "scripts":
        return label
    return f"{label}, {code_files.get(str(document.get('_id')), script_file(document))}"


def _code_files(folder: Path) -> dict[str, str]:
    """Script `_id` -> the file the layout keeps its code in (its `contentFile`)."""
    world = parse_json(
        read_text(folder / WORLD_FILE, what="world"),
        source=str(folder / WORLD_FILE),
        what="world file",
    )
    scripts = world.get("scripts") if isinstance(world, dict) else None
    return {
        d["_id"]: d[CONTENT_FILE]
        for d in scripts or []
        if isinstance(d, dict)
        and isinstance(d.get(CONTENT_FILE), str)
        and isinstance(d.get("_id"), str)
    }
