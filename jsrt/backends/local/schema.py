"""The shape of a world: what a world file (and a snapshot's `current` part) may hold.

```yaml
idSeed: my-tests            # optional: seeds the generated _ids (default "jsrt")
integrations: [{_id, name, _registeredLookupCacheIds: [<cache _id or name>]}]
flows:        [{_id, _integrationId, pageGenerators, pageProcessors}]
exports:      [{_id, name, pageSize, mockOutput: {page_of_records: [{record: {}}]}}]
imports:      [{_id, name, mockResponse: {...} | [{...}, ...], mapping: {fields: [...]},
                lookups: [{name, ..., mockResponses: {<value>: <answer>}, mockResponse}]}]
              (a dynamic lookup's answers: jsrt.backends.local.lookups)
connections, accessTokens, asyncHelpers, fileDefinitions, scripts: [{_id, ...}]
lookupcaches: [{_id, name, data: [{key, value}]}]
state:        {"<resourceType>/<_id>": {"<key>": <value>}, "global": {"<key>": <value>}}
```

Every collection is a list of objects; an `_id` is optional (one is generated) but must
be a unique non-empty string. `check_world` reports the first problem with its path.

The shape is declared as pydantic models, built once at import; their validators word
the problems (`jsrt.document_schema.problem`) as this module always has.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic import ValidationInfo as Info

from jsrt.api.catalog import COLLECTIONS, STATE_RESOURCE_TYPES
from jsrt.backends.local.errors import WorldDataError
from jsrt.backends.local.lookups import MOCK_RESPONSES, MOCKS_HINT, lookups_of, mock_problem
from jsrt.backends.local.mocks import (
    CANONICAL_MOCK_OUTPUT,
    MockShapeError,
    check_mock_response,
    export_records,
)
from jsrt.backends.local.stores import GLOBAL_STATE
from jsrt.describe import describe_document_value
from jsrt.document_schema import expect_mapping, first_problem, problem

# `apis` (My API handlers: a script file or an integrator.io API document) is read by
# `jsrt serve`, which runs them; the local backend accepts the key so one world file
# serves both.
TOP_LEVEL_KEYS = (*COLLECTIONS, "state", "idSeed", "apis")

_NON_EMPTY = "expected a non-empty string"


def check_world(doc: Any) -> None:
    """Raise `WorldDataError` at the first thing a world may not hold."""
    try:
        WorldDocument.model_validate(doc)
    except ValidationError as error:
        found = first_problem(error)
        raise WorldDataError.at(found.where, found.message, found.hint) from None


# --- the documents of a collection --------------------------------------------------------


def _id(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        raise problem(f"{_NON_EMPTY}, got {describe_document_value(value)}")
    return value


class _Document(BaseModel):
    """One document of a collection: an object, whose `_id` (if given) is a non-empty
    string; other keys are the resource's own."""

    model_config = ConfigDict(extra="ignore")
    id: Annotated[Any, BeforeValidator(_id)] = Field(default=None, alias="_id")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        return expect_mapping(value, "expected a document (an object)")


def _mock(check: Any) -> BeforeValidator:
    """A mock checked by the local backend's reader of it (`jsrt.backends.local.mocks`)."""

    def run(mock: Any) -> Any:
        try:
            check(mock)
        except MockShapeError as err:
            raise problem(
                err.problem,
                f"integrator.io's canonical mockOutput is {CANONICAL_MOCK_OUTPUT}; "
                "a mockResponse is one response object, or a list with one per record",
                at=err.parts,
            ) from None
        return mock

    return BeforeValidator(run)


def _page_size(size: Any) -> Any:
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise problem(f"expected a positive integer, got {size}")
    return size


class _Export(_Document):
    mockOutput: Annotated[Any, _mock(export_records)] = None
    pageSize: Annotated[Any, BeforeValidator(_page_size)] = None


class _Import(_Document):
    mockResponse: Annotated[Any, _mock(check_mock_response)] = None

    @model_validator(mode="before")
    @classmethod
    def _lookup_mocks(cls, value: Any) -> Any:
        """A dynamic lookup's `mockResponses` (jsrt.backends.local.lookups)."""
        if isinstance(value, dict):
            for parts, lookup in lookups_of(value):
                wrong = mock_problem(lookup)
                if wrong is not None:
                    raise problem(wrong, MOCKS_HINT, at=(*parts, MOCK_RESPONSES))
        return value


def _cache_data(data: Any) -> Any:
    if not isinstance(data, list):
        got = describe_document_value(data)
        raise problem(f"expected a list of {{key, value}}, got {got}")
    keys: set[str] = set()
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or set(entry) != {"key", "value"}:
            got = describe_document_value(entry)
            raise problem(f"expected {{key, value}}, got {got}", at=(index,))
        key = entry["key"]
        if not isinstance(key, str) or not key:
            got = describe_document_value(key)
            raise problem(f"{_NON_EMPTY}, got {got}", at=(index, "key"))
        if key in keys:
            raise problem(f"duplicate key {key!r}", at=(index, "key"))
        keys.add(key)
    return data


class _LookupCache(_Document):
    data: Annotated[Any, BeforeValidator(_cache_data)] = None


_DOCUMENTS: dict[str, type[_Document]] = {
    "exports": _Export,
    "imports": _Import,
    "lookupcaches": _LookupCache,
}


def _a_list(docs: Any) -> Any:
    if not isinstance(docs, list):
        raise problem(f"expected a list of documents, got {describe_document_value(docs)}")
    return docs


def _unique_ids(docs: list[_Document], info: Info) -> list[_Document]:
    seen: set[str] = set()
    for index, doc in enumerate(docs):
        if doc.id is not None:
            if doc.id in seen:
                raise problem(f"duplicate _id {doc.id!r} in {info.field_name}", at=(index, "_id"))
            seen.add(doc.id)
    return docs


def _collection(name: str) -> Any:
    """The field of one collection: a list of its documents, their `_id`s unique."""
    document = _DOCUMENTS.get(name, _Document)
    field = Annotated[
        list[document], AfterValidator(_unique_ids), BeforeValidator(_a_list)  # type: ignore[valid-type]
    ]
    return (field, None)


# --- the world ------------------------------------------------------------------------------


def _state(state: Any) -> Any:
    expect_mapping(state, "expected an object of namespaces")
    for name, values in state.items():
        resource_type, _, _id = name.partition("/")
        resource = resource_type in STATE_RESOURCE_TYPES and _id and "/" not in _id
        if name != GLOBAL_STATE and not resource:
            raise problem(
                f"a state namespace must be shaped <resourceType>/<_id> or be {GLOBAL_STATE!r},"
                f" got {name!r}",
                f"resourceType is one of {', '.join(STATE_RESOURCE_TYPES)}; "
                'for example "exports/5f4e3d2c1b0a998877665544"; '
                f"{GLOBAL_STATE!r} holds the account's global keys (GET /v1/state)",
                at=(name,),
            )
        expect_mapping(values, "expected an object", at=(name,))
    return state


def _id_seed(seed: Any) -> Any:
    if not isinstance(seed, str):
        raise problem(f"expected a string, got {describe_document_value(seed)}")
    return seed


class _World(BaseModel):
    """The top level: known keys only (the keys of `WorldDocument`)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, doc: Any) -> Any:
        expect_mapping(doc, "a world must be an object (a mapping)")
        for key in doc:
            if key not in TOP_LEVEL_KEYS:
                raise problem(
                    f"unknown top-level key {key!r}",
                    f"valid top-level keys: {', '.join(TOP_LEVEL_KEYS)}",
                    at=(key,),
                )
        return doc


WorldDocument = create_model(
    "WorldDocument",
    __base__=_World,
    idSeed=(Annotated[Any, BeforeValidator(_id_seed)], None),
    **{name: _collection(name) for name in COLLECTIONS},
    state=(Annotated[Any, BeforeValidator(_state)], None),
    apis=(Any, None),
)
"""What a world document may hold (see the module docstring)."""
