"""The local world: an integrator.io account in memory (the moto way: a model that knows
nothing of transport).

A `World` holds the account's resources (the collections of `schema.COLLECTIONS`),
resource-scoped state, lookup cache entries, and what happened during runs: export runs
(with the data and settings passed), import runs (the records imported), flow jobs. Its
operations carry integrator.io's semantics and fail with the typed errors of
`jsrt.backends.errors`; `LocalBackend` only routes calls to them.

Decisions worth knowing:

- Everything that goes in or out is a deep copy; nothing a caller holds aliases the world.
- `_id`s look like integrator.io's (24 lowercase hex) and are deterministic: the SHA-1 of
  `<idSeed>:<counter>`, so the same world file and the same calls give the same ids.
- `version` grows by one on every change (including `reset`), so a copy of the world in
  another process can tell whether it is stale.
- State is stored per resource (`"exports/<_id>"`) without checking that the resource
  exists, so hooks can use the ids of their sample `options`. Reading or deleting a key
  that was never put is a 404, as with REST.
- `exports.run` / `runVirtual` return the first page (`pageSize`, default 20) of the
  mock records, as integrator.io returns only the first page; `runVirtualWithPaging`
  returns the following pages. Its `pagedExportState` is `{"jsrtPage": <n>}`, and the last
  page is the one without a `pagedExportState`.
- `flows.run` records a job `{_id, _flowId, type: "flow", status: "queued", ...}` and
  answers `{_jobId, status: "queued"}`; the local world runs nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from jsrt.api.catalog import STATE_RESOURCE_TYPES
from jsrt.backends.errors import InvalidArgument, NotFound, Unprocessable
from jsrt.backends.local import lookup_data
from jsrt.backends.local.mocks import MockShapeError, export_records, import_responses
from jsrt.backends.local.patching import apply_patch
from jsrt.backends.local.schema import COLLECTIONS, WorldShapeError, check_world
from jsrt.describe import format_path
from jsrt.errors import InputError
from jsrt.json_values import clone

DEFAULT_ID_SEED = "jsrt"
DEFAULT_EXPORT_PAGE_SIZE = 20
SNAPSHOT_FORMAT = "jsrt-world-snapshot/1"

_NOUNS = {
    "integrations": "integration",
    "flows": "flow",
    "exports": "export",
    "imports": "import",
    "connections": "connection",
    "accessTokens": "access token",
    "asyncHelpers": "async helper",
    "fileDefinitions": "file definition",
    "lookupcaches": "lookup cache",
    "scripts": "script",
}


class World:
    """An integrator.io account in memory, seeded from a world document."""

    def __init__(self, seed: Mapping[str, Any] | None = None) -> None:
        seed = {} if seed is None else seed
        try:
            check_world(seed)
            self._seed: dict[str, Any] = clone(seed)
        except WorldShapeError as err:
            raise err.as_input_error() from None
        except TypeError as err:  # orjson: a key or value JSON cannot hold
            raise InputError(f"world: holds a value that is not plain JSON ({err})") from None
        self.version = 0
        self._load(clone(self._seed))

    def _load(self, doc: dict[str, Any]) -> None:
        """Replace everything with a checked world document (owned by the world from now on)."""
        self._id_seed: str = doc.get("idSeed", DEFAULT_ID_SEED)
        self._next_id = 0
        self._docs: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in COLLECTIONS}
        self._cache_data: dict[str, dict[str, Any]] = {}
        for collection in COLLECTIONS:
            for document in doc.get(collection, []):
                if "_id" not in document:
                    document = {"_id": self._new_id(), **document}
                self._docs[collection][document["_id"]] = document
                if collection == "lookupcaches":
                    entries = document.pop("data", [])
                    self._cache_data[document["_id"]] = {e["key"]: e["value"] for e in entries}
        self._state: dict[str, dict[str, Any]] = doc.get("state", {})
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
        return clone(self._state.get(f"{resource_type}/{_id}", {}))

    def cache_entries(self, cache_id: str) -> dict[str, Any]:
        """The entries of a lookup cache as `{key: value}`."""
        if cache_id not in self._cache_data:
            raise KeyError(f"no lookup cache with _id {cache_id!r} in the world")
        return clone(self._cache_data[cache_id])

    def export_runs(self, export_id: str | None) -> list[dict[str, Any]]:
        """Runs of an export: `[{exportId, virtual, options}]`; None: id-less virtual ones."""
        return clone([run for run in self._export_runs if run["exportId"] == export_id])

    def import_runs(self, import_id: str | None) -> list[dict[str, Any]]:
        """Runs of an import: `[{importId, virtual, data, settings}]`; None: id-less virtual."""
        return clone([run for run in self._import_runs if run["importId"] == import_id])

    def imported(self, import_id: str | None) -> list[Any]:
        """Every record imported by an import, across its runs, in order."""
        return [record for run in self.import_runs(import_id) for record in run["data"]]

    def jobs(self, flow_id: str) -> list[dict[str, Any]]:
        """The jobs `flows.run` started for a flow."""
        return clone([job for job in self._jobs if job["_flowId"] == flow_id])

    # ---- lifecycle ----------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seed: documents, state, cache data, history and the id counter."""
        self._load(clone(self._seed))
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
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> World:
        """Rebuild the world `snapshot()` described (an `InputError` if it is not one)."""
        if not isinstance(snapshot, Mapping) or snapshot.get("format") != SNAPSHOT_FORMAT:
            raise InputError(f"not a jsrt world snapshot (expected format {SNAPSHOT_FORMAT!r})")
        world = cls(snapshot.get("seed", {}))
        current = snapshot.get("current", {})
        history = snapshot.get("history", {})
        try:
            check_world(current)
            world._load(clone(current))
            world._export_runs = _history_list(history, "exportRuns")
            world._import_runs = _history_list(history, "importRuns")
            world._jobs = _history_list(history, "jobs")
            world._next_id = int(snapshot.get("nextId", 0))
            world.version = int(snapshot.get("version", 0))
        except WorldShapeError as err:
            raise InputError(f"snapshot current.{err.path}: {err.problem}", hint=err.hint) from None
        except (TypeError, ValueError) as err:
            raise InputError(f"snapshot is damaged: {err}") from None
        return world

    def restore(self, snapshot: Mapping[str, Any], *, version: int | None = None) -> None:
        """Become, in place, the world a snapshot describes (all or nothing).

        The runner uses it to bring a worker's changes back into the `World` its caller
        holds; `version` overrides the snapshot's own when given.
        """
        restored = World.from_snapshot(snapshot)
        self.__dict__.update(restored.__dict__)
        if version is not None:
            self.version = version

    def _current(self) -> dict[str, Any]:
        current: dict[str, Any] = {"idSeed": self._id_seed}
        for collection, documents in self._docs.items():
            current[collection] = list(documents.values())
        current["lookupcaches"] = [
            {**doc, "data": [{"key": k, "value": v} for k, v in self._cache_data[_id].items()]}
            for _id, doc in self._docs["lookupcaches"].items()
        ]
        current["state"] = self._state
        return current

    # ---- CRUD ---------------------------------------------------------------------------

    def find(self, collection: str, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        documents = self._collection(collection).values()
        if "externalId" in query:
            documents = [d for d in documents if d.get("externalId") == query["externalId"]]
        return clone(list(documents))

    def create(self, collection: str, document: Mapping[str, Any]) -> dict[str, Any]:
        """Store a new document; integrator.io assigns the `_id`, so a given one is ignored."""
        self._refuse_cache_data(collection, document)
        now = _now()
        stored = {**clone(document), "_id": self._new_id(), "createdAt": now, "lastModified": now}
        self._collection(collection)[stored["_id"]] = stored
        if collection == "lookupcaches":
            self._cache_data[stored["_id"]] = {}
        self._changed()
        return clone(stored)

    def update(self, collection: str, document: Mapping[str, Any]) -> dict[str, Any]:
        """Replace a document (PUT: fields left out are gone); `createdAt` is kept."""
        self._refuse_cache_data(collection, document)
        old = self._require(collection, document["_id"])
        stored = clone(document)
        if "createdAt" in old:
            stored["createdAt"] = old["createdAt"]
        stored["lastModified"] = _now()
        self._collection(collection)[stored["_id"]] = stored
        self._changed()
        return clone(stored)

    def patch(self, collection: str, _id: str, patch: Mapping[str, Any] | list[Any]) -> None:
        stored = apply_patch(self._require(collection, _id), patch)
        self._refuse_cache_data(collection, stored)
        stored["lastModified"] = _now()
        self._collection(collection)[_id] = stored
        self._changed()

    def delete(self, collection: str, _id: str) -> None:
        """Remove a document, with its state and (for a lookup cache) its entries."""
        self._require(collection, _id)
        del self._collection(collection)[_id]
        self._state.pop(f"{collection}/{_id}", None)
        if collection == "lookupcaches":
            del self._cache_data[_id]
        self._changed()

    # ---- runs ---------------------------------------------------------------------------

    def run_export(self, export_id: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """`exports.run`: the first page of the export's mock records."""
        export = self._require("exports", export_id)
        answer = _export_page(_mock_records(export, f"export {export_id!r}"), 0, _page_size(export))
        self._record_export_run(export_id, False, options, "_id")
        return answer

    def run_virtual_export(self, options: Mapping[str, Any], *, paged: bool = False) -> dict:
        """`exports.runVirtual` (first page) or `runVirtualWithPaging` (page by page)."""
        definition = options["export"]
        source = self._virtual_source(definition)
        label = f"export definition {definition.get('_id', '(virtual)')!r}"
        records = _mock_records(source, label)
        size = _page_size(definition) if "pageSize" in definition else _page_size(source)
        page = _page_from_state(options.get("pagedExportState")) if paged else 0
        answer = _export_page(records, page, size)
        if paged and (page + 1) * size < len(records):
            answer["pagedExportState"] = {"jsrtPage": page + 1}
        self._record_export_run(definition.get("_id"), True, options, "export")
        return answer

    def run_import(self, import_id: str, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """`imports.run`: one response per record, from the import's mockResponse."""
        import_ = self._require("imports", import_id)
        return self._import(import_id, False, import_, options, f"import {import_id!r}")

    def run_virtual_import(self, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """`imports.runVirtual`: as `run_import`, from the definition's own mockResponse."""
        definition = options["import"]
        _id = definition.get("_id")
        label = f"import definition {_id or '(virtual)'!r}"
        return self._import(_id, True, definition, options, label)

    def run_flow(self, flow_id: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """`flows.run`: record a queued job."""
        self._require("flows", flow_id)
        job = {
            "_id": self._new_id(),
            "_flowId": flow_id,
            "type": "flow",
            "status": "queued",
            "createdAt": _now(),
        }
        job.update({k: options[k] for k in ("startDate", "endDate") if k in options})
        self._jobs.append(job)
        self._changed()
        return {"_jobId": job["_id"], "status": "queued"}

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
    ) -> list[dict[str, Any]]:
        data = options["data"]
        responses = import_responses(import_.get("mockResponse"), data, self._new_id, label)
        self._import_runs.append(
            {
                "importId": import_id,
                "virtual": virtual,
                "data": clone(data),
                "settings": clone(options.get("settings")),
            }
        )
        self._changed()
        return responses

    def _record_export_run(
        self, export_id: str | None, virtual: bool, options: Mapping[str, Any], drop: str
    ) -> None:
        passed = {k: v for k, v in options.items() if k != drop}
        self._export_runs.append(
            {"exportId": export_id, "virtual": virtual, "options": clone(passed)}
        )
        self._changed()

    # ---- state --------------------------------------------------------------------------

    def state_keys(self, resource_type: str, _id: str) -> dict[str, list[str]]:
        """`{keys: [...]}`, the REST shape of GET /v1/<resourceType>/<_id>/state."""
        return {"keys": list(self._state.get(_namespace(resource_type, _id), {}))}

    def get_state(self, resource_type: str, _id: str, key: str) -> Any:
        return clone(self._state_value(resource_type, _id, key))

    def put_state(self, resource_type: str, _id: str, key: str, value: Any) -> None:
        self._state.setdefault(_namespace(resource_type, _id), {})[key] = clone(value)
        self._changed()

    def delete_state(self, resource_type: str, _id: str, key: str) -> None:
        self._state_value(resource_type, _id, key)
        namespace = _namespace(resource_type, _id)
        del self._state[namespace][key]
        if not self._state[namespace]:
            del self._state[namespace]
        self._changed()

    def _state_value(self, resource_type: str, _id: str, key: str) -> Any:
        values = self._state.get(_namespace(resource_type, _id), {})
        if key not in values:
            raise NotFound(
                f"state key {key!r} not found for {resource_type}/{_id}; "
                "put it first with state.putForResource, or seed it in the world file's state"
            )
        return values[key]

    # ---- lookup cache data --------------------------------------------------------------

    def cache_read(
        self,
        cache_id: str,
        *,
        keys: list[str] | None = None,
        page_size: int | None = None,
        page_url: str | None = None,
    ) -> dict[str, Any]:
        """`lookupcaches.getData` (see `lookup_data.read`)."""
        entries = self._entries(cache_id)
        return lookup_data.read(
            cache_id, entries, keys=keys, page_size=page_size, page_url=page_url
        )

    def cache_put(self, cache_id: str, items: list[Any]) -> list[dict[str, Any]]:
        results = lookup_data.upsert(self._entries(cache_id), items)
        self._changed()
        return results

    def cache_delete(self, cache_id: str, keys: list[str]) -> list[dict[str, Any]]:
        results = lookup_data.remove(self._entries(cache_id), keys)
        self._changed()
        return results

    def cache_purge(self, cache_id: str) -> None:
        self._entries(cache_id).clear()
        self._changed()

    def _entries(self, cache_id: str) -> dict[str, Any]:
        self._require("lookupcaches", cache_id)
        return self._cache_data[cache_id]

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
                f"no {_NOUNS[collection]} with _id {_id!r} in the local world; "
                f"check the id, or add it to the world file's {collection}"
            )
        return document

    def _refuse_cache_data(self, collection: str, document: Mapping[str, Any]) -> None:
        if collection == "lookupcaches" and "data" in document:
            raise InvalidArgument(
                "a lookup cache document has no data field; write entries with lookupcaches.putData"
            )

    def _new_id(self) -> str:
        digest = hashlib.sha1(f"{self._id_seed}:{self._next_id}".encode()).hexdigest()
        self._next_id += 1
        return digest[:24]

    def _changed(self) -> None:
        self.version += 1


def _namespace(resource_type: str, _id: str) -> str:
    if resource_type not in STATE_RESOURCE_TYPES:
        raise InvalidArgument(
            f"resourceType must be one of {', '.join(STATE_RESOURCE_TYPES)}, got {resource_type!r}"
        )
    return f"{resource_type}/{_id}"


def _mock_records(export: Mapping[str, Any], label: str) -> list[Any]:
    if "mockOutput" not in export:
        return []
    try:
        return export_records(export["mockOutput"])
    except MockShapeError as err:
        where = format_path(("mockOutput", *err.parts), root="")
        raise Unprocessable(f"{label}: {where}: {err.problem}") from None


def _page_size(export: Mapping[str, Any]) -> int:
    size = export.get("pageSize", DEFAULT_EXPORT_PAGE_SIZE)
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise Unprocessable(f"export pageSize must be a positive integer, got {size!r}")
    return size


def _page_from_state(state: Any) -> int:
    if state is None:
        return 0
    page = state.get("jsrtPage") if isinstance(state, dict) else None
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise InvalidArgument(
            "exports.runVirtualWithPaging: pagedExportState is not one this function returned; "
            "pass back the previous answer's pagedExportState as-is, or omit it for page one"
        )
    return page


def _export_page(records: list[Any], page: int, size: int) -> dict[str, Any]:
    return {"data": records[page * size : (page + 1) * size], "dataURIs": [], "errors": []}


def _history_list(history: Any, name: str) -> list[dict[str, Any]]:
    entries = history.get(name, []) if isinstance(history, Mapping) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"history.{name} must be a list of objects")
    return clone(entries)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
