"""The local world: an integrator.io account in memory (the moto way: a model that knows
nothing of transport).

A `World` holds the account's resources (the collections of `schema.COLLECTIONS`),
resource-scoped state, lookup cache entries, and what happened during runs: export runs
(with the data and settings passed), import runs (the records imported), flow jobs. Its
operations carry integrator.io's semantics and fail with the typed errors of
`jsrt.api.errors`; `LocalBackend` only routes calls to them: each catalog entry names the
`on_*` operation (or CRUD's find/get/create/update/delete) that answers it. Data it cannot
hold (a bad seed, a damaged snapshot) is a `WorldDataError` or `SnapshotError`
(`errors.py`): the model names the place in the document, never a file. State and
lookup cache entries are kept by the small stores of `stores.py`, which the `World`
composes (it checks the resources they belong to, copies, and counts changes).

Decisions worth knowing:

- Everything that goes in or out is a deep copy; nothing a caller holds aliases the world.
- Every document has `createdAt` and `lastModified`: a seeded one without them gets
  `SEEDED_AT`; a write stamps the time.
- `_id`s look like integrator.io's (24 lowercase hex) and are deterministic: the SHA-1 of
  `<idSeed>:<counter>`, so the same world file and the same calls give the same ids.
- `version` grows by one on every change (including `reset`), so a copy of the world in
  another process can tell whether it is stale.
- A world a state dir keeps notes the key of each change (`track_changes`, changes.py),
  and `apply_run` notes what a worker's copy changed during a run (the worker's copy
  tracks its changes and sends only those), so that a save writes only those and several
  processes can share the state dir; a world in memory only notes nothing.
- State is stored per resource (`"exports/<_id>"`) without checking that the resource
  exists, so hooks can use the ids of their sample `options`; the account's global keys
  (REST-only) have a namespace of their own. Reading or deleting a key that was never put
  is a 404, as with REST.
- `exports.run` / `runVirtual` return the first page (`pageSize`, default 20) of the
  mock records, as integrator.io returns only the first page; `runVirtualWithPaging`
  returns the following pages. Its `pagedExportState` is `{"jsrtPage": <n>}`, and the last
  page is the one without a `pagedExportState`.
- A virtual run (`exports.runVirtual`, `runVirtualWithPaging`, `imports.runVirtual`)
  whose `_connectionId` the world does not hold is a 422 `invalid_ref`. A connection
  with `offline: true` answers 401: an export run on it fails (`ConnectionOffline`), an
  import run answers each record `{statusCode: 401, ignored: false, errors: [...]}` (the
  runtime objects specification) and imports nothing.
- `flows.run` records a job `{_id, _flowId, type: "flow", status: "queued", ...}` and
  answers `{_jobId, status: "queued"}`; the local world runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from jsrt.api.catalog import COLLECTIONS, collection_noun
from jsrt.api.errors import ConnectionOffline, InvalidArgument, NotFound, Unprocessable
from jsrt.backends.local import export_pages, lookup_data
from jsrt.backends.local.changes import HISTORY_LISTS, Delta, Journal, Key
from jsrt.backends.local.errors import SnapshotError, WorldDataError
from jsrt.backends.local.mocks import (
    import_responses,
    mapping_responses,
    offline_mapping_responses,
    offline_responses,
)
from jsrt.backends.local.patching import PATCHABLE_FIELDS, apply_patch
from jsrt.backends.local.stores import GLOBAL_STATE, CacheStore, StateStore, namespace
from jsrt.backends.scrubbing import masked
from jsrt.describe import format_path
from jsrt.json_values import clone

DEFAULT_ID_SEED = "jsrt"
SEEDED_AT = "2024-01-01T00:00:00.000Z"
"""The `createdAt` and `lastModified` of a seeded document that has none: integrator.io
answers every document with both (developer.celigo.com API conventions), and a fixed
stamp keeps them the same on every load, so a `jsrt pull` from `jsrt serve` still pushes
after the server restarts (`jsrt push` refuses a document whose lastModified moved)."""
SNAPSHOT_FORMAT = "jsrt-world-snapshot/1"


class World:
    """An integrator.io account in memory, seeded from a world document."""

    def __init__(self, seed: Mapping[str, Any] | None = None) -> None:
        seed = {} if seed is None else seed
        _check_world(seed)  # a WorldDataError at the first thing the world may not hold
        self._plant(seed)

    def _plant(self, seed: Mapping[str, Any]) -> None:
        """Start from `seed`, a checked world document."""
        try:
            self._seed: dict[str, Any] = clone(seed)
        except TypeError as err:  # orjson: a key or value JSON cannot hold
            problem = f"holds a value that is not plain JSON ({err})"
            raise WorldDataError(f"world: {problem}", problem=problem) from None
        self.version = 0
        self._journal: Journal | None = None
        self._load(clone(self._seed))

    def _load(self, doc: dict[str, Any]) -> None:
        """Replace everything with a checked world document (owned by the world from now on)."""
        self._id_seed: str = doc.get("idSeed", DEFAULT_ID_SEED)
        self._next_id = 0
        self._docs: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in COLLECTIONS}
        self._caches = CacheStore()
        for collection in COLLECTIONS:
            for document in doc.get(collection, []):
                if "_id" not in document:
                    document = {"_id": self._new_id(), **document}
                document.setdefault("createdAt", SEEDED_AT)
                document.setdefault("lastModified", document["createdAt"])
                self._docs[collection][document["_id"]] = document
                if collection == "lookupcaches":
                    self._caches.add(document["_id"], document.pop("data", []))
        self._state = StateStore(doc.get("state", {}))
        self._export_runs: list[dict[str, Any]] = []
        self._import_runs: list[dict[str, Any]] = []
        self._jobs: list[dict[str, Any]] = []

    # ---- views, for tests and the runner ------------------------------------------------

    def get(self, collection: str, _id: str) -> dict[str, Any] | None:
        """The document, or None (integrator.io's `undefined`) when there is none."""
        document = self._collection(collection).get(_id)
        return None if document is None else clone(document)

    def docs(self, collection: str) -> list[dict[str, Any]]:
        """Every document of a collection, in insertion order."""
        return clone(list(self._collection(collection).values()))

    def state_of(self, resource_type: str, _id: str) -> dict[str, Any]:
        """The state keys and values of one resource (`{}` when it has none)."""
        return clone(self._state.of(resource_type, _id))

    def cache_entries(self, cache_id: str) -> dict[str, Any]:
        """The entries of a lookup cache as `{key: value}`."""
        if cache_id not in self._caches.entries:
            raise KeyError(f"no lookup cache with _id {cache_id!r} in the world")
        return clone(self._caches.entries[cache_id])

    def export_runs(self, export_id: str | None) -> list[dict[str, Any]]:
        """Runs of an export: `[{exportId, virtual, options}]`; None: id-less virtual ones."""
        return clone([run for run in self._export_runs if run["exportId"] == export_id])

    def import_runs(self, import_id: str | None) -> list[dict[str, Any]]:
        """Runs of an import: `[{importId, virtual, data, settings}]`; None: id-less virtual."""
        return clone([run for run in self._import_runs if run["importId"] == import_id])

    def imported(self, import_id: str | None) -> list[Any]:
        """Every record imported by an import, across its runs, in order."""
        return [record for run in self.import_runs(import_id) for record in run["data"]]

    def jobs(self, flow_id: str | None = None) -> list[dict[str, Any]]:
        """The jobs `flows.run` started for a flow (every flow's, without one), oldest first."""
        return clone([job for job in self._jobs if flow_id in (None, job["_flowId"])])

    # ---- lifecycle ----------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seed: documents, state, cache data, history and the id counter."""
        self._load(clone(self._seed))
        if self._journal is not None:
            self._journal.everything = True
        self._changed()

    def snapshot(self) -> dict[str, Any]:
        """Everything, as plain JSON: the seed, the current world and the history."""
        return clone(
            {
                "format": SNAPSHOT_FORMAT,
                "version": self.version,
                "nextId": self._next_id,
                "seed": self._seed,
                "current": self._current(),
                "history": {
                    "exportRuns": self._export_runs,
                    "importRuns": self._import_runs,
                    "jobs": self._jobs,
                },
            }
        )

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any], *, check: bool = True) -> World:
        """Rebuild the world `snapshot()` described (a `SnapshotError` if it is not one, a
        `WorldDataError` if its seed is not a world). `check=False` is for a snapshot a
        `World` of this process tree has just made (the caller's world sent to its
        worker): its documents were checked when that world took them, and checking them
        again would load the schema (pydantic) into every worker's first run."""
        if not isinstance(snapshot, Mapping) or snapshot.get("format") != SNAPSHOT_FORMAT:
            raise SnapshotError(f"not a jsrt world snapshot (expected format {SNAPSHOT_FORMAT!r})")
        seed = snapshot.get("seed", {})
        if check:
            _check_world(seed)
        world = cls.__new__(cls)
        world._plant(seed)
        current = snapshot.get("current", {})
        history = snapshot.get("history", {})
        try:
            if check:
                _check_world(current)
            world._load(clone(current))
            world._export_runs = _history_list(history, "exportRuns")
            world._import_runs = _history_list(history, "importRuns")
            world._jobs = _history_list(history, "jobs")
            world._next_id = int(snapshot.get("nextId", 0))
            world.version = int(snapshot.get("version", 0))
        except WorldDataError as err:
            raise _snapshot_error(err, "snapshot current.") from None
        except (TypeError, ValueError) as err:
            raise SnapshotError(f"snapshot is damaged: {err}") from None
        return world

    def restore(self, snapshot: Mapping[str, Any], *, version: int | None = None) -> None:
        """Become, in place, the world a snapshot describes (all or nothing).

        `jsrt serve` uses it to bring a runtime's world back into its account's (a run's
        changes come back from a worker as a delta instead: `apply_run`); `version`
        overrides the snapshot's own when given.
        """
        restored = World.from_snapshot(snapshot)
        restored._journal = self._journal
        if restored._journal is not None:
            restored._journal.merge(self._differences(restored))
        self.__dict__.update(restored.__dict__)
        if version is not None:
            self.version = version

    def reload(self, snapshot: Mapping[str, Any]) -> None:
        """Become, in place, a world saved by another process (`persistence.py`): unlike
        `restore`, the differences are not changes of this world's to save. The version
        still grows, so a worker's copy of the world is seen to be stale."""
        restored = World.from_snapshot(snapshot)
        restored.version = max(restored.version, self.version + 1)
        restored._journal = None if self._journal is None else Journal()
        self.__dict__.update(restored.__dict__)

    # ---- changes, for persistence (see changes.py) ---------------------------------------

    def track_changes(self) -> None:
        """Note what changes from now on (`take_changes`); a world kept in memory only
        notes nothing, and pays nothing for it."""
        self._journal = Journal()

    def has_changes(self) -> bool:
        """Whether the world changed since `take_changes` was last called (True for a
        world that does not track its changes: what changed is unknown)."""
        return self._journal is None or bool(self._journal)

    def take_changes(self) -> Delta:
        """The values of what changed since the last call (everything, for a world that
        was not tracking its changes), and start noting afresh."""
        journal, self._journal = self._journal, Journal()
        delta = Delta(next_id=self._next_id, everything=journal is None or journal.everything)
        if journal is None or journal.everything:
            return delta
        for collection, _id in journal.documents:
            document = self._docs[collection].get(_id)
            if document is None:
                delta.removed_documents[collection, _id] = None
            else:
                delta.documents[collection, _id] = document
        delta.created = {key: None for key in journal.created if key in delta.documents}
        _split(journal.state, self._state.namespaces, delta.state, delta.removed_state)
        _split(
            journal.cache_entries,
            self._caches.entries,
            delta.cache_entries,
            delta.removed_cache_entries,
        )
        for name, count in journal.appended.items():
            if count:
                delta.history.extend((name, entry) for entry in self._history(name)[-count:])
        return delta

    def apply_changes(self, delta: Delta, *, before: Delta | None = None) -> None:
        """Take in changes another process saved (the delta's values become the world's
        own). Not noted as this world's changes; the version grows. `before`: this
        world's own changes, just saved after those: the history entries it appended
        stay after the other process's."""
        for collection, _id in delta.removed_documents:
            self._collection(collection).pop(_id, None)
            if collection == "lookupcaches":
                self._caches.entries.pop(_id, None)
        for (collection, _id), document in delta.documents.items():
            if collection == "lookupcaches" and _id not in self._caches.entries:
                self._caches.add(_id, [])
            self._collection(collection)[_id] = document
        for name, key in delta.removed_state:
            values = self._state.namespaces.get(name)
            if values is not None:
                values.pop(key, None)
                if not values:
                    del self._state.namespaces[name]
        for (name, key), value in delta.state.items():
            self._state.namespaces.setdefault(name, {})[key] = value
        for cache_id, key in delta.removed_cache_entries:
            self._caches.entries.get(cache_id, {}).pop(key, None)
        for (cache_id, key), value in delta.cache_entries.items():
            if cache_id in self._caches.entries:
                self._caches.entries[cache_id][key] = value
        held_back: dict[str, int] = {}
        for name, _entry in before.history if before else ():
            held_back[name] = held_back.get(name, 0) + 1
        for name, entry in delta.history:
            entries = self._history(name)
            entries.insert(len(entries) - held_back.get(name, 0), entry)
        self._next_id = max(self._next_id, delta.next_id)
        self._changed()

    def apply_run(self, changes: Any, *, version: int) -> None:
        """Take in what a worker's copy of this world changed during one run (its
        reply's `Delta.to_wire`): the changes are this world's own, noted for its state
        dir, and the version becomes the copy's, so the two are at the same version
        again. All or nothing: changes of the wrong shape, or documents the world may not
        hold, are a `SnapshotError` before anything changes, as `restore` refuses such a
        snapshot."""
        delta = Delta.from_wire(changes)
        documents: dict[str, list[dict[str, Any]]] = {}
        for (collection, _id), document in delta.documents.items():
            documents.setdefault(collection, []).append(document)
        try:
            _check_world(documents)
        except WorldDataError as err:
            raise _snapshot_error(err, "world changes: ") from None
        self.apply_changes(delta)
        if self._journal is not None:
            self._journal.merge(delta.journal())
        self.version = version

    def _history(self, name: str) -> list[dict[str, Any]]:
        """A history list by its snapshot name (a `ValueError` for another name)."""
        if name == "exportRuns":
            return self._export_runs
        if name == "importRuns":
            return self._import_runs
        if name == "jobs":
            return self._jobs
        raise ValueError(f"no history list {name!r}; one of {', '.join(HISTORY_LISTS)}")

    def _differences(self, other: World) -> Journal:
        """What changed from this world to `other`, a later copy of it (a worker's)."""
        journal = Journal()
        shrunk = any(len(other._history(n)) < len(self._history(n)) for n in HISTORY_LISTS)
        if shrunk or other._seed != self._seed or other._id_seed != self._id_seed:
            journal.everything = True
            return journal
        for collection in COLLECTIONS:
            before, after = self._docs[collection], other._docs[collection]
            _compare(before, after, journal.documents, collection)
            journal.created.update({(collection, _id): None for _id in after.keys() - before})
        for name in self._state.namespaces.keys() | other._state.namespaces.keys():
            before = self._state.namespaces.get(name, {})
            after = other._state.namespaces.get(name, {})
            _compare(before, after, journal.state, name)
        for cache_id in self._caches.entries.keys() | other._caches.entries.keys():
            before = self._caches.entries.get(cache_id, {})
            after = other._caches.entries.get(cache_id, {})
            _compare(before, after, journal.cache_entries, cache_id)
        for name in HISTORY_LISTS:
            journal.append(name, len(other._history(name)) - len(self._history(name)))
        return journal

    def _current(self) -> dict[str, Any]:
        current: dict[str, Any] = {"idSeed": self._id_seed}
        for collection, documents in self._docs.items():
            current[collection] = list(documents.values())
        current["lookupcaches"] = [
            {**doc, "data": self._caches.data_of(_id)}
            for _id, doc in self._docs["lookupcaches"].items()
        ]
        current["state"] = self._state.namespaces
        return current

    # ---- CRUD ---------------------------------------------------------------------------

    def find(self, collection: str, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        documents = list(self._collection(collection).values())
        if "externalId" in query:
            documents = [d for d in documents if d.get("externalId") == query["externalId"]]
        return clone(documents)

    def create(self, collection: str, document: Mapping[str, Any]) -> dict[str, Any]:
        """Store a new document; integrator.io assigns the `_id`, so a given one is ignored."""
        self._refuse_cache_data(collection, document)
        now = timestamp_now()
        stored = {**clone(document), "_id": self._new_id(), "createdAt": now, "lastModified": now}
        self._collection(collection)[stored["_id"]] = stored
        if collection == "lookupcaches":
            self._caches.add(stored["_id"], [])
        self._note_document(collection, stored["_id"], created=True)
        self._changed()
        return clone(stored)

    def update(self, collection: str, document: Mapping[str, Any]) -> dict[str, Any]:
        """Replace a document (PUT: fields left out are gone); `createdAt` is kept."""
        self._refuse_cache_data(collection, document)
        old = self._require(collection, document["_id"])
        stored = clone(document)
        if "createdAt" in old:
            stored["createdAt"] = old["createdAt"]
        stored["lastModified"] = timestamp_now()
        self._collection(collection)[stored["_id"]] = stored
        self._note_document(collection, stored["_id"])
        self._changed()
        return clone(stored)

    def patch(
        self,
        collection: str,
        _id: str,
        patch: dict[str, Any] | list[Any],
        *,
        patchable: tuple[str, ...] | None = None,
    ) -> None:
        """Change the fields a patch names; with `patchable`, only those (a 422 otherwise,
        nothing changed). An integrator-api or REST patch passes integrator.io's whitelist
        (`on_patch`); tests and jsrt itself may change any field."""
        stored = apply_patch(
            self._require(collection, _id), patch, patchable, collection_noun(collection)
        )
        self._refuse_cache_data(collection, stored)
        stored["lastModified"] = timestamp_now()
        self._collection(collection)[_id] = stored
        self._note_document(collection, _id)
        self._changed()

    def delete(self, collection: str, _id: str) -> None:
        """Remove a document, with its state and (for a lookup cache) its entries."""
        self._require(collection, _id)
        del self._collection(collection)[_id]
        self._note_document(collection, _id)
        self._note_state_keys(f"{collection}/{_id}", self._state.drop(f"{collection}/{_id}"))
        if collection == "lookupcaches":
            self._note_cache_keys(_id, self._caches.entries[_id])
            self._caches.drop(_id)
        self._changed()

    # ---- runs ---------------------------------------------------------------------------

    def run_export(self, export_id: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """`exports.run`: the first page of the export's mock records."""
        export = self._require("exports", export_id)
        self._refuse_offline(self._run_connection(export), f"export {export_id!r}")
        records = export_pages.mock_records(export, f"export {export_id!r}")
        answer = export_pages.export_page(records, 0, export_pages.page_size(export))
        self._record_export_run(export_id, False, options, "_id")
        return answer

    def run_virtual_export(self, options: Mapping[str, Any], *, paged: bool = False) -> dict:
        """`exports.runVirtual` (first page) or `runVirtualWithPaging` (page by page)."""
        definition = options["export"]
        label = f"export definition {definition.get('_id', '(virtual)')!r}"
        method = "exports.runVirtualWithPaging" if paged else "exports.runVirtual"
        self._refuse_offline(self._virtual_connection("exports", definition, method), label)
        source = self._virtual_source(definition)
        records = export_pages.mock_records(source, label)
        size = export_pages.page_size(definition if "pageSize" in definition else source)
        page = export_pages.page_from_state(options.get("pagedExportState")) if paged else 0
        answer = export_pages.export_page(records, page, size)
        if paged and (page + 1) * size < len(records):
            answer["pagedExportState"] = {"jsrtPage": page + 1}
        self._record_export_run(definition.get("_id"), True, options, "export")
        return answer

    def run_import(self, import_id: str, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """`imports.run`: one response per record, from the import's mockResponse."""
        import_ = self._require("imports", import_id)
        connection = self._run_connection(import_)
        return self._import(import_id, False, import_, options, f"import {import_id!r}", connection)

    def run_virtual_import(self, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """`imports.runVirtual`: as `run_import`, from the definition's own mockResponse."""
        definition = options["import"]
        _id = definition.get("_id")
        label = f"import definition {_id or '(virtual)'!r}"
        connection = self._virtual_connection("imports", definition, "imports.runVirtual")
        return self._import(_id, True, definition, options, label, connection)

    def run_mapping(self, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """`imports.runMapping`: the definition's mapping (Mapper 2.0 `mappings` and
        `lookups`, or Mapper 1.0 `mapping`) run by the transformation engine, one answer
        per record (`mocks.mapping_responses`). The world answers the lookups: its lookup
        caches, and the mocks of dynamic lookups (on the definition's lookups, else on
        the stored import of the same `_id`). The world is left as it was.

        A connection the definition names must exist (as for `runVirtual`); an offline one
        answers every record 401. A mapping integrator.io would refuse to run (an unknown
        `dataType`, a lookup that is not defined, a lookup cache the world lacks) fails
        the call: 422 naming the node."""
        from jsrt.backends.local.lookups import WorldLookupSource
        from jsrt.transform import TransformError
        from jsrt.transform.mapping import map_records

        definition, data = options["import"], options["data"]
        _id = definition.get("_id")
        label = f"import definition {_id or '(virtual)'!r}"
        connection = self._virtual_connection("imports", definition, "imports.runMapping")
        if connection is not None and connection.get("offline") is True:
            return offline_mapping_responses(data, self._offline_message(connection, label))
        stored = _id if isinstance(_id, str) and _id in self._docs["imports"] else None
        # What Handlebars fields and an envelope input read besides the record: the import,
        # and its connection as a script reads connections (secrets masked).
        context: dict[str, Any] = {"import": definition}
        if connection is not None:
            context["connection"] = masked(connection)
        try:
            outcomes = map_records(
                definition,
                data,
                context=context,
                source=WorldLookupSource(self, import_id=stored),
            )
        except TransformError as error:
            message = f"imports.runMapping: the mapping of {label} cannot run: {error.message}"
            if error.hint:
                message += f" ({error.hint})"
            code = error.details.get("code") or "invalid_mapping"
            raise Unprocessable(message, code=code) from None
        return mapping_responses(outcomes)

    def run_flow(self, flow_id: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """`flows.run`: record a queued job."""
        self._require("flows", flow_id)
        job = {
            "_id": self._new_id(),
            "_flowId": flow_id,
            "type": "flow",
            "status": "queued",
            "createdAt": timestamp_now(),
        }
        job.update({k: options[k] for k in ("startDate", "endDate", "_exportIds") if k in options})
        self._jobs.append(job)
        self._note_appended("jobs")
        self._changed()
        return {"_jobId": job["_id"], "status": "queued"}

    def _run_connection(self, resource: Mapping[str, Any]) -> dict[str, Any] | None:
        """The connection a stored export or import runs on, when the world holds it (a
        world need not hold every connection its resources name)."""
        _id = resource.get("_connectionId")
        return self._docs["connections"].get(_id) if isinstance(_id, str) else None

    def _virtual_connection(
        self, collection: str, definition: Mapping[str, Any], method: str
    ) -> dict[str, Any] | None:
        """The connection a virtual run uses: its definition's `_connectionId`, else that of
        the stored resource of the same `_id`. A virtual run needs an existing connection
        (runtime objects specification: "using an existing connection"), so an id the
        account does not have is refused as integrator.io refuses a reference to a missing
        document: 422 `invalid_ref` naming the field."""
        stored = self._docs[collection].get(definition.get("_id", ""), {})
        _id = definition.get("_connectionId", stored.get("_connectionId"))
        if _id is None:
            return None
        connection = self._docs["connections"].get(_id) if isinstance(_id, str) else None
        if connection is None:
            noun = collection_noun(collection)
            have = list(self._docs["connections"])
            listed = ", ".join(repr(c) for c in have[:5]) + (", ..." if len(have) > 5 else "")
            message = (
                f"{method}: the {noun} definition's _connectionId {_id!r} is not a connection"
                f" in this account (the local world has {listed or 'no connections'}); add"
                " the connection to the world file's connections, or use the _id of one it has"
            )
            field = {"code": "invalid_ref", "message": message, "field": "_connectionId"}
            raise Unprocessable(message, code="invalid_ref", errors=[field])
        return connection

    @staticmethod
    def _offline_message(connection: Mapping[str, Any], label: str) -> str:
        name = connection.get("name") or connection["_id"]
        return (
            f"{label} runs on connection {name!r} ({connection['_id']}), which is offline;"
            " set offline: false on it in the world file to answer from the mocks"
        )

    def _refuse_offline(self, connection: Mapping[str, Any] | None, label: str) -> None:
        """An export on an offline connection cannot run: the call fails with 401."""
        if connection is not None and connection.get("offline") is True:
            raise ConnectionOffline(self._offline_message(connection, label))

    def _virtual_source(self, definition: Mapping[str, Any]) -> Mapping[str, Any]:
        """Where a virtual export's records come from: its own mockOutput, else the stored
        export with the same `_id`, else nowhere (no records)."""
        if "mockOutput" in definition:
            return definition
        return self._docs["exports"].get(definition.get("_id", ""), definition)

    def _import(
        self,
        import_id: str | None,
        virtual: bool,
        import_: Mapping[str, Any],
        options: Mapping[str, Any],
        label: str,
        connection: Mapping[str, Any] | None,
    ) -> list[dict[str, Any]]:
        data = options["data"]
        if connection is not None and connection.get("offline") is True:
            return offline_responses(data, self._offline_message(connection, label))
        responses = import_responses(import_.get("mockResponse"), data, self._new_id, label)
        self._import_runs.append(
            {
                "importId": import_id,
                "virtual": virtual,
                "data": clone(data),
                "settings": clone(options.get("settings")),
            }
        )
        self._note_appended("importRuns")
        self._changed()
        return responses

    def _record_export_run(
        self, export_id: str | None, virtual: bool, options: Mapping[str, Any], drop: str
    ) -> None:
        passed = {k: v for k, v in options.items() if k != drop}
        self._export_runs.append(
            {"exportId": export_id, "virtual": virtual, "options": clone(passed)}
        )
        self._note_appended("exportRuns")
        self._changed()

    # ---- state (the `StateStore`) --------------------------------------------------------

    def state_keys(self, resource_type: str, _id: str) -> dict[str, list[str]]:
        """`{keys: [...]}`, the REST shape of GET /v1/<resourceType>/<_id>/state."""
        return {"keys": self._state.keys(namespace(resource_type, _id))}

    def get_state(self, resource_type: str, _id: str, key: str) -> Any:
        return clone(self._state.value(namespace(resource_type, _id), key))

    def put_state(self, resource_type: str, _id: str, key: str, value: Any) -> None:
        self._put_state_in(namespace(resource_type, _id), key, value)

    def delete_state(self, resource_type: str, _id: str, key: str) -> None:
        self._delete_state_in(namespace(resource_type, _id), key)

    def clear_state(self, resource_type: str, _id: str) -> None:
        """Every key of a resource gone (REST `DELETE /v1/<resourceType>/<_id>/state`)."""
        self._clear_state_in(namespace(resource_type, _id))

    # Global state: REST `/v1/state`, which no integrator-api function reaches.

    def global_state_keys(self) -> list[str]:
        return self._state.keys(GLOBAL_STATE)

    def get_global_state(self, key: str) -> Any:
        return clone(self._state.value(GLOBAL_STATE, key))

    def put_global_state(self, key: str, value: Any) -> None:
        self._put_state_in(GLOBAL_STATE, key, value)

    def delete_global_state(self, key: str) -> None:
        self._delete_state_in(GLOBAL_STATE, key)

    def clear_global_state(self) -> None:
        self._clear_state_in(GLOBAL_STATE)

    def _put_state_in(self, name: str, key: str, value: Any) -> None:
        self._state.put(name, key, clone(value))
        self._note_state_keys(name, (key,))
        self._changed()

    def _delete_state_in(self, name: str, key: str) -> None:
        self._state.delete(name, key)
        self._note_state_keys(name, (key,))
        self._changed()

    def _clear_state_in(self, name: str) -> None:
        self._note_state_keys(name, self._state.drop(name))
        self._changed()

    # ---- lookup cache data (the `CacheStore`, for caches the world holds) ---------------

    def cache_read(
        self,
        cache_id: str,
        *,
        keys: list[str] | None = None,
        page_size: int | None = None,
        page_url: str | None = None,
        starts_with: str | None = None,
    ) -> dict[str, Any]:
        """`lookupcaches.getData` (see `lookup_data.read`)."""
        self._require("lookupcaches", cache_id)
        return lookup_data.read(
            cache_id,
            self._caches.entries[cache_id],
            keys=keys,
            page_size=page_size,
            page_url=page_url,
            starts_with=starts_with,
        )

    def cache_put(self, cache_id: str, items: list[Any]) -> list[dict[str, Any]]:
        self._require("lookupcaches", cache_id)
        results = self._caches.put(cache_id, items)
        self._note_cache_results(cache_id, results)
        self._changed()
        return results

    def cache_delete(self, cache_id: str, keys: list[str]) -> list[dict[str, Any]]:
        self._require("lookupcaches", cache_id)
        results = self._caches.delete(cache_id, keys)
        self._note_cache_results(cache_id, results)
        self._changed()
        return results

    def cache_purge(self, cache_id: str) -> None:
        self._require("lookupcaches", cache_id)
        self._note_cache_keys(cache_id, self._caches.entries[cache_id])
        self._caches.purge(cache_id)
        self._changed()

    # ---- catalog calls: `handler(obj, arg)`, named by `Method.handler` ------------------
    # The argument is the one `check_args` normalised; CRUD's find/get/create/update/delete
    # take it as they are.

    def on_patch(self, collection: str, options: Mapping[str, Any]) -> None:
        """`<resource>.patch` and REST PATCH: integrator.io's whitelist applies."""
        patchable = PATCHABLE_FIELDS.get(collection)
        self.patch(collection, options["_id"], options["patch"], patchable=patchable)

    def on_export_run(self, _obj: str, options: Mapping[str, Any]) -> dict[str, Any]:
        return self.run_export(options["_id"], options)

    def on_virtual_export_run(self, _obj: str, options: Mapping[str, Any]) -> dict[str, Any]:
        return self.run_virtual_export(options)

    def on_virtual_export_page(self, _obj: str, options: Mapping[str, Any]) -> dict[str, Any]:
        return self.run_virtual_export(options, paged=True)

    def on_import_run(self, _obj: str, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self.run_import(options["_id"], options)

    def on_virtual_import_run(self, _obj: str, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self.run_virtual_import(options)

    def on_mapping_run(self, _obj: str, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self.run_mapping(options)

    def on_flow_run(self, _obj: str, options: Mapping[str, Any]) -> dict[str, Any]:
        return self.run_flow(options["_id"], options)

    def on_state_keys(self, _obj: str, options: Mapping[str, Any]) -> dict[str, list[str]]:
        return self.state_keys(options["resourceType"], options["_id"])

    def on_state_get(self, _obj: str, options: Mapping[str, Any]) -> Any:
        return self.get_state(options["resourceType"], options["_id"], options["key"])

    def on_state_put(self, _obj: str, options: Mapping[str, Any]) -> None:
        key = options["key"]
        self.put_state(options["resourceType"], options["_id"], key, options.get("value"))

    def on_state_delete(self, _obj: str, options: Mapping[str, Any]) -> None:
        self.delete_state(options["resourceType"], options["_id"], options["key"])

    def on_cache_get(self, _obj: str, options: Mapping[str, Any]) -> dict[str, Any]:
        return self.cache_read(
            options["_id"],
            keys=options.get("keys"),
            page_size=options.get("pageSize"),
            page_url=options.get("nextPageURL"),
            starts_with=options.get("startsWith"),
        )

    def on_cache_put(self, _obj: str, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self.cache_put(options["_id"], options["data"])

    def on_cache_delete(self, _obj: str, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self.cache_delete(options["_id"], options["keys"])

    def on_cache_purge(self, _obj: str, options: Mapping[str, Any]) -> None:
        self.cache_purge(options["_id"])

    # ---- internals ----------------------------------------------------------------------

    def _collection(self, collection: str) -> dict[str, dict[str, Any]]:
        try:
            return self._docs[collection]
        except KeyError:
            raise ValueError(
                f"unknown collection {collection!r}; one of {', '.join(COLLECTIONS)}"
            ) from None

    def _require(self, collection: str, _id: str) -> dict[str, Any]:
        document = self._collection(collection).get(_id)
        if document is None:
            raise NotFound(
                f"no {collection_noun(collection)} with _id {_id!r} in the local world; "
                f"check the id, or add it to the world file's {collection}"
            )
        return document

    def _refuse_cache_data(self, collection: str, document: Mapping[str, Any]) -> None:
        if collection == "lookupcaches" and "data" in document:
            raise InvalidArgument(
                "a lookup cache document has no data field; write entries with lookupcaches.putData"
            )

    def _new_id(self) -> str:
        import hashlib  # here: ~3 ms of every cold start, for a run that creates a document

        digest = hashlib.sha1(f"{self._id_seed}:{self._next_id}".encode()).hexdigest()
        self._next_id += 1
        return digest[:24]

    # Noting changes (when the world tracks them: `track_changes`).

    def _note_document(self, collection: str, _id: str, *, created: bool = False) -> None:
        if self._journal is not None:
            self._journal.documents[collection, _id] = None
            if created:
                self._journal.created[collection, _id] = None

    def _note_state_keys(self, name: str, keys: Iterable[str]) -> None:
        if self._journal is not None:
            self._journal.state.update({(name, key): None for key in keys})

    def _note_cache_results(self, cache_id: str, results: list[dict[str, Any]]) -> None:
        """The keys a putData or deleteData changed: those it answered success for."""
        if self._journal is not None:
            self._note_cache_keys(cache_id, [r["key"] for r in results if r["success"]])

    def _note_cache_keys(self, cache_id: str, keys: Iterable[str]) -> None:
        if self._journal is not None:
            self._journal.cache_entries.update({(cache_id, key): None for key in keys})

    def _note_appended(self, history_list: str) -> None:
        if self._journal is not None:
            self._journal.append(history_list)

    def _changed(self) -> None:
        self.version += 1


def _check_world(doc: Any) -> None:
    """`schema.check_world`, loaded (with pydantic, ~45 ms) only for a world that holds
    something: an empty world, what most single runs start from, is valid as it is."""
    if isinstance(doc, Mapping) and not doc:
        return
    from jsrt.backends.local.schema import check_world

    check_world(doc)


def _snapshot_error(err: WorldDataError, where: str) -> SnapshotError:
    """A world's data problem found in a snapshot or a run's changes, its path after
    `where`."""
    return SnapshotError(f"{where}{format_path(err.parts, root='')}: {err.problem}", hint=err.hint)


def _split(
    keys: Iterable[Key],
    values: Mapping[str, Mapping[str, Any]],
    into: dict[Key, Any],
    removed: dict[Key, None],
) -> None:
    """Sort `keys` of `values` (`{first: {second: value}}`) into their current values and
    those no longer there."""
    for first, second in keys:
        inner = values.get(first, {})
        if second in inner:
            into[first, second] = inner[second]
        else:
            removed[first, second] = None


def _compare(
    before: Mapping[str, Any], after: Mapping[str, Any], into: dict[Key, None], first: str
) -> None:
    """Note `(first, key)` for each key whose value differs between the two (or is only in one)."""
    missing = object()
    for key, value in after.items():
        if before.get(key, missing) != value:
            into[first, key] = None
    for key in before.keys() - after.keys():
        into[first, key] = None


def _history_list(history: Any, name: str) -> list[dict[str, Any]]:
    entries = history.get(name, []) if isinstance(history, Mapping) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"history.{name} must be a list of objects")
    return clone(entries)


def timestamp_now() -> str:
    """Now as integrator.io writes a timestamp: UTC, milliseconds, a Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
