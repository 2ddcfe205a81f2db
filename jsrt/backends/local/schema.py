"""The shape of a world: what a world file (and a snapshot's `current` part) may hold.

```yaml
idSeed: my-tests            # optional: seeds the generated _ids (default "jsrt")
integrations: [{_id, name, _registeredLookupCacheIds: [<cache _id or name>]}]
flows:        [{_id, _integrationId, pageGenerators, pageProcessors}]
exports:      [{_id, name, pageSize, mockOutput: {page_of_records: [{record: {}}]}}]
imports:      [{_id, name, mockResponse: {...} | [{...}, ...], mapping: {fields: [...]}}]
connections, accessTokens, asyncHelpers, fileDefinitions, scripts: [{_id, ...}]
lookupcaches: [{_id, name, data: [{key, value}]}]
state:        {"<resourceType>/<_id>": {"<key>": <value>}}
```

Every collection is a list of objects; an `_id` is optional (one is generated) but must
be a unique non-empty string. `check_world` reports the first problem with its path.
"""

from __future__ import annotations

from typing import Any

from jsrt.api.catalog import STATE_RESOURCE_TYPES
from jsrt.backends.local.mocks import (
    CANONICAL_MOCK_OUTPUT,
    MockShapeError,
    check_mock_response,
    export_records,
)
from jsrt.errors import InputError

COLLECTIONS = (
    "integrations",
    "flows",
    "exports",
    "imports",
    "connections",
    "accessTokens",
    "asyncHelpers",
    "fileDefinitions",
    "lookupcaches",
    "scripts",
)
# `apis` (My API handlers: a script file or an integrator.io API document) is read by
# `jsrt serve`, which runs them; the local backend accepts the key so one world file
# serves both.
TOP_LEVEL_KEYS = (*COLLECTIONS, "state", "idSeed", "apis")

Parts = tuple[str | int, ...]
_NON_EMPTY = "expected a non-empty string"


class WorldShapeError(ValueError):
    """A world document that cannot be loaded; `parts` locate the bad value."""

    def __init__(self, parts: Parts, problem: str, hint: str | None = None) -> None:
        super().__init__(problem)
        self.parts = parts
        self.problem = problem
        self.hint = hint

    @property
    def path(self) -> str:
        return format_path(self.parts)

    def as_input_error(
        self, file: str | None = None, line: int | None = None, column: int | None = None
    ) -> InputError:
        where = file or "world"
        if file and line is not None:
            where = f"{file}:{line}:{column}"
        path = f" {self.path}:" if self.parts else ""
        details = {"file": file, "line": line, "column": column, "path": self.path}
        kept = {key: value for key, value in details.items() if value is not None}
        return InputError(f"{where}:{path} {self.problem}", hint=self.hint, **kept)


def format_path(parts: Parts) -> str:
    """('exports', 2, 'mockOutput') -> 'exports[2].mockOutput'; odd keys get ["..."]."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}" if out else part
        else:
            out += f'["{part}"]'
    return out


def check_world(doc: Any) -> None:
    """Raise `WorldShapeError` at the first thing a world may not hold."""
    if not isinstance(doc, dict):
        raise WorldShapeError((), f"a world must be an object (a mapping), got {_kind(doc)}")
    for key in doc:
        if key not in TOP_LEVEL_KEYS:
            raise WorldShapeError(
                (key,),
                f"unknown top-level key {key!r}",
                hint=f"valid top-level keys: {', '.join(TOP_LEVEL_KEYS)}",
            )
    if "idSeed" in doc and not isinstance(doc["idSeed"], str):
        raise WorldShapeError(("idSeed",), f"expected a string, got {_kind(doc['idSeed'])}")
    for collection in COLLECTIONS:
        _check_collection(collection, doc.get(collection, []))
    _check_state(doc.get("state", {}))


def _check_collection(collection: str, docs: Any) -> None:
    if not isinstance(docs, list):
        raise WorldShapeError((collection,), f"expected a list of documents, got {_kind(docs)}")
    seen: set[str] = set()
    for index, doc in enumerate(docs):
        where: Parts = (collection, index)
        if not isinstance(doc, dict):
            raise WorldShapeError(where, f"expected a document (an object), got {_kind(doc)}")
        if "_id" in doc:
            _id = doc["_id"]
            if not isinstance(_id, str) or not _id:
                raise WorldShapeError((*where, "_id"), _NON_EMPTY + f", got {_kind(_id)}")
            if _id in seen:
                raise WorldShapeError((*where, "_id"), f"duplicate _id {_id!r} in {collection}")
            seen.add(_id)
        _check_document(collection, where, doc)


def _check_document(collection: str, where: Parts, doc: dict[str, Any]) -> None:
    if collection == "exports":
        if "mockOutput" in doc:
            _check_mock((*where, "mockOutput"), export_records, doc["mockOutput"])
        size = doc.get("pageSize")
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
            raise WorldShapeError((*where, "pageSize"), f"expected a positive integer, got {size}")
    elif collection == "imports" and "mockResponse" in doc:
        _check_mock((*where, "mockResponse"), check_mock_response, doc["mockResponse"])
    elif collection == "lookupcaches" and "data" in doc:
        _check_cache_data((*where, "data"), doc["data"])


def _check_mock(where: Parts, check: Any, mock: Any) -> None:
    try:
        check(mock)
    except MockShapeError as err:
        raise WorldShapeError(
            where + err.parts,
            err.problem,
            hint=f"integrator.io's canonical mockOutput is {CANONICAL_MOCK_OUTPUT}; "
            "a mockResponse is one response object, or a list with one per record",
        ) from None


def _check_cache_data(where: Parts, data: Any) -> None:
    if not isinstance(data, list):
        raise WorldShapeError(where, f"expected a list of {{key, value}}, got {_kind(data)}")
    keys: set[str] = set()
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or set(entry) != {"key", "value"}:
            raise WorldShapeError((*where, index), f"expected {{key, value}}, got {_kind(entry)}")
        key = entry["key"]
        if not isinstance(key, str) or not key:
            raise WorldShapeError((*where, index, "key"), _NON_EMPTY + f", got {_kind(key)}")
        if key in keys:
            raise WorldShapeError((*where, index, "key"), f"duplicate key {key!r}")
        keys.add(key)


def _check_state(state: Any) -> None:
    if not isinstance(state, dict):
        raise WorldShapeError(("state",), f"expected an object of namespaces, got {_kind(state)}")
    for name, values in state.items():
        resource_type, _, _id = name.partition("/")
        if resource_type not in STATE_RESOURCE_TYPES or not _id or "/" in _id:
            raise WorldShapeError(
                ("state", name),
                f"a state namespace must be shaped <resourceType>/<_id>, got {name!r}",
                hint=f"resourceType is one of {', '.join(STATE_RESOURCE_TYPES)}; "
                'for example "exports/5f4e3d2c1b0a998877665544"',
            )
        if not isinstance(values, dict):
            raise WorldShapeError(("state", name), f"expected an object, got {_kind(values)}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(list(map(str, value))[:5])
        return f"an object with keys {keys}" if value else "an empty object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) <= 40 else "a string"
    if value is None:
        return "null"
    return f"{type(value).__name__} {value!r}"
