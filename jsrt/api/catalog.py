"""The integrator-api surface: one table, every object and method of the spec, nothing else.

Everything that needs to know what exists, or how one method differs from another, reads
this table: the JS shim builder (which functions to define), `jsrt.api.checks` (what each
function accepts), the policy (which rule applies to a call), the wire codec (how a call
travels over HTTP, which calls change an account, the status `jsrt serve` answers with),
the local backend (which model operation answers it) and the README's coverage table
(`jsrt.api.docs`). Names and argument shapes follow `runtime-objects-spec.txt`; a
function the spec does not list is not in the table, so `integrations.find` is "not a
function", as in integrator.io. Adding a runtime method is one entry here plus the local
model's operation its `handler` names.

Every function takes one argument. `check_args` returns it normalised, which is the form
every backend receives:

- `find`: `[query]`, a dict with at most `externalId` (`{}` means all);
- `get` / `delete`: `[_id]`, a string (`{_id}` is accepted and unwrapped);
- `create` / `update`: `[document]` (an update's document carries its `_id`);
- everything else: `[options]`, a dict holding only the properties the spec lists, with
  optional properties sent as `null` dropped and `pageSize` turned into an int.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Final, Literal, get_args

Kind = Literal["crud", "run", "data", "state"]
"""What a function does: CRUD on a resource, a run, lookup cache data, resource state."""

Shape = Literal["query", "id", "document", "options"]
"""How a function's one argument is read (see the module docstring)."""

TypeName = Literal[
    "string", "number", "boolean", "object", "array", "any", "date", "count", "patch"
]
"""The types an option may have, named as a JS developer reads them (see `Field`)."""

HookRule = Literal["refused", "integration", "registered_cache", "allowed"]
"""Which integrator.io hook rule (celigo-reference §2.2) governs a call; see `Method.hook_rule`."""

WireBody = Literal["none", "document", "options", "value", "patch", "cache_page"]
"""What of the argument a REST request carries as its body, besides the path's placeholders:
nothing; the whole document; the remaining options; the options' `value` (a state put); the
options' `patch`, as the script gave it; or `{keys}` (or `{startsWith}`) with `pageSize` and
a `nextPageURL`'s query as query parameters (`lookupcaches.getData`). See `jsrt.api.wire`."""

QUERY_OPTIONS: Final[dict[WireBody, tuple[str, ...]]] = {"cache_page": ("pageSize", "nextPageURL")}
"""The options a REST request gives as query parameters rather than in its body."""

Served = Literal[
    "json", "created", "found", "no_content", "text_ok", "text_created", "page", "page_or_empty"
]
"""How integrator.io answers a successful call (what `jsrt serve` sends): JSON with 200;
JSON with 201; JSON with 200, or 404 when there is no such document; 204 without a body;
plain-text `OK`; plain-text `Created` for a new key, else `OK` (200 both: the State API's
table); a page of a list
(`Link` to the next); the same, with 204 for an empty list (flows, lookup caches,
celigo-reference §3.1). See `jsrt.api.wire`."""

EmptyAnswer = Literal["undefined", "no_keys"]
"""What a successful answer without a body stands for: `undefined`, or `{keys: []}`."""

KINDS: Final[tuple[Kind, ...]] = get_args(Kind)
SERVED: Final[tuple[Served, ...]] = get_args(Served)

STATE_RESOURCE_TYPES = ("integrations", "flows", "imports", "exports", "connections")
PATCH_OPS = ("add", "replace", "remove")

HOOKS_REFUSED: Final = "refused"
HOOKS_NEED_INTEGRATION: Final = "integration"
HOOKS_NEED_REGISTERED_CACHE: Final = "registered_cache"
HOOKS_ALLOWED: Final = "allowed"

PLAIN_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "number": (int, float),
    "boolean": (bool,),
}
"""The Python types of the option types that are plain JSON types."""

RESOURCES: Final[dict[str, tuple[str, str, str]]] = {
    "exports": ("export", "export", "exports"),
    "imports": ("import", "import", "imports"),
    "flows": ("flow", "flow", "flows"),
    "connections": ("connection", "connection", "connections"),
    "integrations": ("integration", "integration", "integrations"),
    "accessTokens": ("accessToken", "access token", "accesstokens"),
    "asyncHelpers": ("asyncHelper", "async helper", "asynchelpers"),
    "fileDefinitions": ("fileDefinition", "file definition", "filedefinitions"),
    "lookupcaches": ("cache", "lookup cache", "lookupcaches"),
}
"""Resource object -> (its argument name in create/update, a noun for prose, its REST
collection)."""


COLLECTIONS: Final[tuple[str, ...]] = (
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
"""The document collections of an account: every resource object, and `scripts` (which
the runtime API does not expose, but My APIs and flows refer to)."""


def collection_noun(collection: str) -> str:
    """A collection's document in prose: `lookupcaches` -> 'lookup cache'."""
    return "script" if collection == "scripts" else RESOURCES[collection][1]


Verb = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]

PLACEHOLDER = re.compile(r"{(\w+)}")
"""A placeholder of a route's path: `{_id}`."""


@dataclass(frozen=True)
class Route:
    """The integrator.io REST call behind a function: a verb and a path template, and
    where it is documented when celigo-reference §3 does not list it."""

    verb: Verb
    path: str
    source: str | None = dataclasses.field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.verb} {self.path}"

    @functools.cached_property
    def placeholders(self) -> tuple[str, ...]:
        """The placeholders of its path (`{_id}`, `{key}`, ...), in order (read on every
        REST call, so kept)."""
        return tuple(PLACEHOLDER.findall(self.path))


@dataclass(frozen=True)
class Field:
    """One property of an options object, typed with the names a JS developer reads.

    Types: `string`, `number`, `boolean`, `object`, `array`, `any`; `date` (a JS Date,
    which arrives as an ISO string); `count` (a positive integer, also as a digit string,
    because the spec types `pageSize` as a String); `patch` (an object of fields or a
    JSON-Patch array).

    `spread`: a REST body may give this object's properties at its top level instead of
    under the field's name, and what a request's path names that is no option of the
    function (`{_connectionId}`) goes in it too. Real clients send a virtual export as
    `{_connectionId, adaptorType, http, ...}` (celigo-reference §3.2, S14), and
    integrator-api-docs' connection.md runs one at `POST /v1/connections/{_id}/export`.

    `bare`: a REST body that is a JSON array is this option. integrator.io's imports
    invoke takes "data and settings ... as an array in the request body" (celigo-reference
    §3.2, S7); jsrt reads such an array as the records.

    `reads_caches`: the option is a definition whose lookups read lookup caches
    (`_lookupCacheId`), which a hook may use only when registered with its integration
    (hook rule 3, `jsrt.api.policy`).
    """

    name: str
    types: tuple[TypeName, ...]
    required: bool = False
    items: TypeName | None = None
    choices: tuple[str, ...] | None = None
    excludes: tuple[str, ...] = ()
    spread: bool = False
    bare: bool = False
    reads_caches: bool = False

    @functools.cached_property
    def plain_types(self) -> frozenset[type]:
        """The Python types a value may have to pass as it is, when the field takes only
        plain JSON types (`bool` is not among a number's: JS would not call it one);
        empty when it needs the full check (`any`, count, date, patch, items, choices).
        Checked on every call, so kept."""
        if self.items or self.choices or not set(self.types) <= set(PLAIN_TYPES):
            return frozenset()
        return frozenset(t for name in self.types for t in PLAIN_TYPES[name])


@dataclass(frozen=True)
class Method:
    """One function of one runtime object."""

    obj: str
    name: str
    kind: Kind
    shape: Shape
    arg: str  # the argument's name in the spec's signature
    fields: tuple[Field, ...]
    description: str
    route: Route | None  # None: integrator.io has no public REST endpoint (explicitly)
    local: str  # what the local backend does, in one line
    handler: str  # the local model's operation that answers it: `World.<handler>(obj, arg)`
    changes_account: bool  # refused on a real account without --allow-writes
    served: Served  # how a successful call is answered on the wire
    wire_body: WireBody = "none"  # what the REST request's body carries
    empty_answer: EmptyAnswer = "undefined"  # what an answer without a body stands for
    rest_fields: tuple[Field, ...] = ()  # body fields REST clients send that JS does not
    other_routes: tuple[Route, ...] = ()  # further documented REST routes of the same call

    @property
    def qualified(self) -> str:
        return f"{self.obj}.{self.name}"

    @functools.cached_property
    def reads_only(self) -> bool:
        """Whether a call only reads the account (a find, a get, a state or lookup cache
        read), so that the same call answers alike while the account is unchanged: not
        a run (its answer may carry times and new ids), nothing that changes the account.
        Kept: the bridge asks per call."""
        return not self.changes_account and self.kind != "run"

    @functools.cached_property
    def cache_reading_fields(self) -> tuple[str, ...]:
        """The options whose lookups read lookup caches (`Field.reads_caches`); kept, as
        the hook policy asks on every call."""
        return tuple(field.name for field in self.fields if field.reads_caches)

    @functools.cached_property
    def field_names(self) -> frozenset[str]:
        """The option names it accepts (checked on every call, so kept)."""
        return frozenset(field.name for field in self.fields)

    @functools.cached_property
    def body_fields(self) -> tuple[Field, ...]:
        """What a REST request may carry: the function's options and `rest_fields`."""
        return (*self.fields, *self.rest_fields)

    @functools.cached_property
    def body_field_names(self) -> frozenset[str]:
        """The names of `body_fields`."""
        return frozenset(field.name for field in self.body_fields)

    @property
    def served_routes(self) -> tuple[Route, ...]:
        """Every REST route that answers it: its own, then `other_routes`."""
        own = (self.route,) if self.route is not None else ()
        return (*own, *self.other_routes)

    @functools.cached_property
    def bare_field(self) -> Field | None:
        """The option a REST body that is an array stands for (see `Field.bare`), if any."""
        return next((field for field in self.fields if field.bare), None)

    @functools.cached_property
    def spread_field(self) -> Field | None:
        """The option a flat REST body folds into (see `Field.spread`), if any."""
        return next((field for field in self.fields if field.spread), None)

    @property
    def signature(self) -> str:
        return f"{self.obj}.{self.name}({self.arg})"

    @property
    def hook_rule(self) -> HookRule:
        """The integrator.io rule that decides whether a hook may make this call."""
        if self.kind == "crud":
            return HOOKS_REFUSED
        if self.kind == "run" and self.obj in ("exports", "imports"):
            return HOOKS_NEED_INTEGRATION
        if self.obj == "lookupcaches":
            return HOOKS_NEED_REGISTERED_CACHE
        return HOOKS_ALLOWED


_ALL_CRUD = ("find", "get", "create", "update", "patch", "delete")
_NO_PATCH = ("find", "get", "create", "update", "delete")
_CRUD_BY_OBJECT = {
    "exports": _ALL_CRUD,
    "imports": _ALL_CRUD,
    "flows": _ALL_CRUD,
    "connections": _ALL_CRUD,
    "integrations": ("get", "update", "delete"),
    "accessTokens": _NO_PATCH,
    "asyncHelpers": _NO_PATCH,
    "fileDefinitions": _NO_PATCH,
    "lookupcaches": _ALL_CRUD,
}

_ID = Field("_id", ("string",), required=True)
_DATES = (Field("startDate", ("date",)), Field("endDate", ("date",)))


def _crud(obj: str, name: str) -> Method:
    doc_arg, noun, rest = RESOURCES[obj]
    item = f"/v1/{rest}/{{_id}}"
    table: dict[str, tuple[Shape, str, tuple[Field, ...], str, Route, str]] = {
        "find": (
            "query",
            "query",
            (),
            f"Finds the {noun}s whose externalId matches, or all of them without a query.",
            Route("GET", f"/v1/{rest}"),
            "filters the world by externalId; all documents without a query",
        ),
        "get": (
            "id",
            "_id",
            (),
            f"Returns the {noun} with this _id, or undefined.",
            Route("GET", item),
            "a copy of the stored document; undefined for an unknown _id",
        ),
        "create": (
            "document",
            doc_arg,
            (),
            f"Creates a {noun} and returns it.",
            Route("POST", f"/v1/{rest}"),
            "stores it under a new _id with createdAt and lastModified",
        ),
        "update": (
            "document",
            doc_arg,
            (_ID,),
            f"Replaces the {noun} (fields left out are erased) and returns it.",
            Route("PUT", item),
            "replaces the stored document; 404 for an unknown _id",
        ),
        "patch": (
            "options",
            "options",
            (_ID, Field("patch", ("patch",), required=True)),
            f"Changes only the given fields of the {noun}.",
            Route("PATCH", item),
            "sets the fields, or applies add/replace/remove ops, only to the fields"
            " integrator.io's PATCH may change (e.g. debugUntil; else 422); 404 for an unknown _id",
        ),
        "delete": (
            "id",
            "_id",
            (),
            f"Deletes the {noun}.",
            Route("DELETE", item),
            "removes it with its state and data; 404 for an unknown _id",
        ),
    }
    shape, arg, fields, description, route, local = table[name]
    handler, changes, served, body = _CRUD_WIRE[name]
    if name == "find" and obj in _EMPTY_LISTS_ANSWER_204:
        served = "page_or_empty"
    return Method(
        obj,
        name,
        "crud",
        shape,
        arg,
        fields,
        description,
        route,
        local,
        handler=handler,
        changes_account=changes,
        served=served,
        wire_body=body,
    )


# CRUD name -> (the local model's operation, whether it changes the account, how it is
# served, what its request body carries)
_CRUD_WIRE: dict[str, tuple[str, bool, Served, WireBody]] = {
    "find": ("find", False, "page", "none"),
    "get": ("get", False, "found", "none"),
    "create": ("create", True, "created", "document"),
    "update": ("update", True, "json", "document"),
    "patch": ("on_patch", True, "no_content", "patch"),
    "delete": ("delete", True, "no_content", "none"),
}
_EMPTY_LISTS_ANSWER_204 = ("flows", "lookupcaches")
"""integrator.io answers an empty list of these with 204 and no body (celigo-reference §3.1)."""


def _options(
    obj: str,
    name: str,
    kind: Kind,
    fields: tuple[Field, ...],
    description: str,
    route: Route | None,
    local: str,
    *,
    handler: str,
    changes_account: bool,
    served: Served = "json",
    wire_body: WireBody = "options",
    empty_answer: EmptyAnswer = "undefined",
    rest_fields: tuple[Field, ...] = (),
    other_routes: tuple[Route, ...] = (),
) -> Method:
    return Method(
        obj,
        name,
        kind,
        "options",
        "options",
        fields,
        description,
        route,
        local,
        handler=handler,
        changes_account=changes_account,
        served=served,
        wire_body=wire_body,
        empty_answer=empty_answer,
        rest_fields=rest_fields,
        other_routes=other_routes,
    )


def _state(
    name: str,
    extra: tuple[Field, ...],
    description: str,
    verb: Verb,
    local: str,
    *,
    handler: str,
    served: Served,
    wire_body: WireBody = "none",
    empty_answer: EmptyAnswer = "undefined",
) -> Method:
    fields = (
        Field("resourceType", ("string",), required=True, choices=STATE_RESOURCE_TYPES),
        _ID,
        *extra,
    )
    key_path = "" if name == "getKeysForResource" else "/{key}"
    route = Route(verb, f"/v1/{{resourceType}}/{{_id}}/state{key_path}")
    return _options(
        "state",
        name,
        "state",
        fields,
        description,
        route,
        local,
        handler=handler,
        changes_account=verb != "GET",
        served=served,
        wire_body=wire_body,
        empty_answer=empty_answer,
    )


_KEY = Field("key", ("string",), required=True)
_EXPORT_DEFINITION = Field("export", ("object",), required=True, spread=True)
_ON_CONNECTION = "celigo/integrator-api-docs connection.md [C S6]"
"""Where the virtual runs on a connection (`/v1/connections/{_id}/export`, ...) are
documented, with their bodies `{export, pagedExportState}` and `{import, data}`."""
_RUNS = (
    _options(
        "exports",
        "run",
        "run",
        (
            _ID,
            *_DATES,
            Field("data", ("array", "object")),
            Field("settings", ("object",)),
            Field("listenerData", ("array",)),
        ),
        "Runs the export and returns its first page: {data, dataURIs, errors}.",
        Route("POST", "/v1/exports/{_id}/invoke"),
        "first page of the export's mockOutput; records data and settings; 404 for an unknown _id;"
        " 401 when its connection is offline",
        handler="on_export_run",
        changes_account=False,
    ),
    _options(
        "exports",
        "runVirtual",
        "run",
        (_EXPORT_DEFINITION, *_DATES, Field("data", ("object", "array"))),
        "Runs an export definition that is not saved in the account.",
        Route("POST", "/v1/exports/virtual"),
        "first page of the definition's mockOutput (or the stored export's of the same _id); 422"
        " invalid_ref for a _connectionId the world lacks, 401 for an offline connection",
        handler="on_virtual_export_run",
        changes_account=False,
        other_routes=(Route("POST", "/v1/connections/{_connectionId}/export", _ON_CONNECTION),),
    ),
    _options(
        "exports",
        "runVirtualWithPaging",
        "run",
        (
            _EXPORT_DEFINITION,
            Field("pagedExportState", ("object", "array")),
            *_DATES,
        ),
        "Runs an export definition one page at a time, continuing from pagedExportState.",
        Route("POST", "/v1/exports/virtual/paged"),
        "pages of mockOutput (pageSize, default 20); the last page has no pagedExportState;"
        " connections as runVirtual",
        handler="on_virtual_export_page",
        changes_account=False,
        other_routes=(
            Route("POST", "/v1/connections/{_connectionId}/export/pages", _ON_CONNECTION),
        ),
    ),
    _options(
        "imports",
        "run",
        "run",
        (
            _ID,
            Field("data", ("array",), required=True, bare=True),
            Field("settings", ("object",)),
        ),
        "Runs the import on the records and returns one response per record.",
        Route("POST", "/v1/imports/{_id}/invoke"),
        "answers from mockResponse, else 200 with a new id; records what was imported; on an"
        " offline connection each record is answered 401 and nothing is imported",
        handler="on_import_run",
        changes_account=True,
    ),
    _options(
        "imports",
        "runVirtual",
        "run",
        (
            Field("import", ("object",), required=True, spread=True),
            Field("data", ("array",), required=True),
        ),
        "Runs an import definition that is not saved in the account.",
        Route("POST", "/v1/imports/virtual"),
        "as imports.run, from the definition's own mockResponse; 422 invalid_ref for a"
        " _connectionId the world lacks",
        handler="on_virtual_import_run",
        changes_account=True,
        other_routes=(Route("POST", "/v1/connections/{_connectionId}/import", _ON_CONNECTION),),
    ),
    _options(
        "imports",
        "runMapping",
        "run",
        (
            Field("import", ("object",), required=True, reads_caches=True),
            Field("data", ("array",), required=True),
        ),
        "Runs only the mapping of an import definition: [{statusCode, data, errors}].",
        None,
        "runs the mapping (Mapper 2.0 or 1.0) with the world's lookups: per record {statusCode:"
        " 200, data, errors: []}, or 422 with its errors",
        handler="on_mapping_run",
        changes_account=True,
    ),
    _options(
        "flows",
        "run",
        "run",
        (_ID, *_DATES),
        "Starts the flow and returns its run status.",
        Route("POST", "/v1/flows/{_id}/run"),
        "records a queued job (with the _exportIds a REST body names) and returns {_jobId,"
        " status: 'queued'}",
        handler="on_flow_run",
        changes_account=True,
        served="created",
        # The run of only some of its exports: a real CLI client sends their ids so
        # (celigo-reference §3.2: "The CLI supports start date, end date and export IDs").
        rest_fields=(Field("_exportIds", ("array",), items="string"),),
    ),
)
_STATE = (
    _state(
        "getKeysForResource",
        (),
        "Lists the state keys of a resource: {keys: [...]}.",
        "GET",
        "{keys} of the resource's namespace, [] when empty",
        handler="on_state_keys",
        served="json",
        empty_answer="no_keys",
    ),
    _state(
        "getForResource",
        (_KEY,),
        "Returns the value stored under a key of a resource.",
        "GET",
        "the stored value; 404 for a key never put",
        handler="on_state_get",
        served="json",
    ),
    _state(
        "putForResource",
        (_KEY, Field("value", ("any",))),
        "Stores a value under a key of a resource.",
        "PUT",
        "stores the value (null if none)",
        handler="on_state_put",
        served="text_created",
        wire_body="value",
    ),
    _state(
        "deleteForResource",
        (_KEY,),
        "Deletes a key of a resource.",
        "DELETE",
        "removes the key; 404 for a key never put",
        handler="on_state_delete",
        served="text_ok",
    ),
)
_CACHE_DATA = (
    _options(
        "lookupcaches",
        "getData",
        "data",
        (
            _ID,
            Field("keys", ("array",), items="string"),
            Field("nextPageURL", ("string",), excludes=("keys",)),
            Field("pageSize", ("count",), excludes=("keys",)),
            # Not in the runtime objects specification, but the REST call it maps to takes
            # it (celigo-reference §3.3: getData `{"startsWith": "abc"}`, a prefix match).
            Field("startsWith", ("string",), excludes=("keys",)),
        ),
        "Gets entries of a lookup cache by keys, or a page at a time with nextPageURL.",
        Route("POST", "/v1/lookupcaches/{_id}/getData"),
        "entries in key order (those starting with startsWith), pages of pageSize (default"
        " 1000) with nextPageURL",
        handler="on_cache_get",
        changes_account=False,
        wire_body="cache_page",
    ),
    _options(
        "lookupcaches",
        "putData",
        "data",
        (_ID, Field("data", ("array",), required=True)),
        "Upserts entries {key, value}; returns one result per entry.",
        Route("POST", "/v1/lookupcaches/{_id}/data"),
        "upserts; [{key, success}] per entry; over 1,000 entries 422, over 5 MB 413",
        handler="on_cache_put",
        changes_account=True,
    ),
    _options(
        "lookupcaches",
        "deleteData",
        "data",
        (_ID, Field("keys", ("array",), required=True, items="string")),
        "Deletes entries by key; returns one result per key.",
        Route("DELETE", "/v1/lookupcaches/{_id}/data"),
        "removes the keys; [{key, success}] per key; over 1,000 keys 422",
        handler="on_cache_delete",
        changes_account=True,
    ),
    _options(
        "lookupcaches",
        "purgeData",
        "data",
        (_ID,),
        "Deletes every entry of a lookup cache.",
        Route("DELETE", "/v1/lookupcaches/{_id}/data/purge"),
        "empties the cache",
        handler="on_cache_purge",
        changes_account=True,
        served="no_content",
    ),
)

CATALOG: tuple[Method, ...] = (
    *(_crud(obj, name) for obj, names in _CRUD_BY_OBJECT.items() for name in names),
    *_RUNS,
    *_STATE,
    *_CACHE_DATA,
)

_BY_NAME = {(m.obj, m.name): m for m in CATALOG}


def find_method(obj: str, name: str) -> Method | None:
    """The catalog entry for `obj.name`, or None when integrator-api has no such function."""
    return _BY_NAME.get((obj, name))


def js_surface() -> dict[str, list[str]]:
    """Object name -> its function names, in catalog order: what the JS shim defines."""
    surface: dict[str, list[str]] = {}
    for method in CATALOG:
        surface.setdefault(method.obj, []).append(method.name)
    return surface
