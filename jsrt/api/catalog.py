"""The integrator-api surface: one table, every object and method of the spec, nothing else.

Everything that needs to know what exists reads this table: the JS shim builder (which
functions to define), `check_args` (what each function accepts), the policy (which rule
applies to a call), the backends (what to answer) and the README's coverage table. Names
and argument shapes follow `runtime-objects-spec.txt`; a function the spec does not list
is not in the table, so `integrations.find` is "not a function", as in integrator.io.

Every function takes one argument. `check_args` returns it normalised, which is the form
every backend receives:

- `find`: `[query]`, a dict with at most `externalId` (`{}` means all);
- `get` / `delete`: `[_id]`, a string (`{_id}` is accepted and unwrapped);
- `create` / `update`: `[document]` (an update's document carries its `_id`);
- everything else: `[options]`, a dict holding only the properties the spec lists, with
  optional properties sent as `null` dropped and `pageSize` turned into an int.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from jsrt.backends.errors import InvalidArgument

STATE_RESOURCE_TYPES = ("integrations", "flows", "imports", "exports", "connections")
PATCH_OPS = ("add", "replace", "remove")

# Which integrator.io hook rule (celigo-reference §2.2) governs a call; see `Method.hook_rule`.
HOOKS_REFUSED = "refused"
HOOKS_NEED_INTEGRATION = "integration"
HOOKS_NEED_REGISTERED_CACHE = "registered_cache"
HOOKS_ALLOWED = "allowed"


@dataclass(frozen=True)
class Route:
    """The integrator.io REST call behind a function: a verb and a path template."""

    verb: str
    path: str

    def __str__(self) -> str:
        return f"{self.verb} {self.path}"


@dataclass(frozen=True)
class Field:
    """One property of an options object, typed with the names a JS developer reads.

    Types: `string`, `number`, `boolean`, `object`, `array`, `any`; `date` (a JS Date,
    which arrives as an ISO string); `count` (a positive integer, also as a digit string,
    because the spec types `pageSize` as a String); `patch` (an object of fields or a
    JSON-Patch array).
    """

    name: str
    types: tuple[str, ...]
    required: bool = False
    items: str | None = None
    choices: tuple[str, ...] | None = None
    excludes: tuple[str, ...] = ()

    @functools.cached_property
    def plain_types(self) -> frozenset[type]:
        """The Python types a value may have to pass as it is, when the field takes only
        plain JSON types (`bool` is not among a number's: JS would not call it one);
        empty when it needs the full check (`any`, count, date, patch, items, choices).
        Checked on every call, so kept."""
        if self.items or self.choices or not set(self.types) <= set(_PLAIN_TYPES):
            return frozenset()
        return frozenset(t for name in self.types for t in _PLAIN_TYPES[name])


@dataclass(frozen=True)
class Method:
    """One function of one runtime object."""

    obj: str
    name: str
    kind: str  # "crud" | "run" | "data" | "state"
    shape: str  # how the argument is read: "query" | "id" | "document" | "options"
    arg: str  # the argument's name in the spec's signature
    fields: tuple[Field, ...]
    description: str
    route: Route | None  # None: integrator.io has no public REST twin
    local: str  # what the local backend does, in one line

    @property
    def qualified(self) -> str:
        return f"{self.obj}.{self.name}"

    @functools.cached_property
    def field_names(self) -> frozenset[str]:
        """The option names it accepts (checked on every call, so kept)."""
        return frozenset(field.name for field in self.fields)

    @property
    def signature(self) -> str:
        return f"{self.obj}.{self.name}({self.arg})"

    @property
    def hook_rule(self) -> str:
        """The integrator.io rule that decides whether a hook may make this call."""
        if self.kind == "crud":
            return HOOKS_REFUSED
        if self.kind == "run" and self.obj in ("exports", "imports"):
            return HOOKS_NEED_INTEGRATION
        if self.obj == "lookupcaches":
            return HOOKS_NEED_REGISTERED_CACHE
        return HOOKS_ALLOWED


# object -> (its argument name in create/update, a noun for prose, its REST collection)
_RESOURCES = {
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
    doc_arg, noun, rest = _RESOURCES[obj]
    item = f"/v1/{rest}/{{_id}}"
    table = {
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
            "sets the fields, or applies add/replace/remove ops; 404 for an unknown _id",
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
    return Method(obj, name, "crud", shape, arg, fields, description, route, local)


def _options(
    obj: str,
    name: str,
    kind: str,
    fields: tuple[Field, ...],
    description: str,
    route: Route | None,
    local: str,
) -> Method:
    return Method(obj, name, kind, "options", "options", fields, description, route, local)


def _state(name: str, extra: tuple[Field, ...], description: str, verb: str, local: str) -> Method:
    fields = (
        Field("resourceType", ("string",), required=True, choices=STATE_RESOURCE_TYPES),
        _ID,
        *extra,
    )
    key_path = "" if name == "getKeysForResource" else "/{key}"
    route = Route(verb, f"/v1/{{resourceType}}/{{_id}}/state{key_path}")
    return _options("state", name, "state", fields, description, route, local)


_KEY = Field("key", ("string",), required=True)
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
        "first page of the export's mockOutput; records data and settings; 404 for an unknown _id",
    ),
    _options(
        "exports",
        "runVirtual",
        "run",
        (Field("export", ("object",), required=True), *_DATES, Field("data", ("object", "array"))),
        "Runs an export definition that is not saved in the account.",
        Route("POST", "/v1/exports/virtual"),
        "first page of the definition's mockOutput (or the stored export's of the same _id)",
    ),
    _options(
        "exports",
        "runVirtualWithPaging",
        "run",
        (
            Field("export", ("object",), required=True),
            Field("pagedExportState", ("object", "array")),
            *_DATES,
        ),
        "Runs an export definition one page at a time, continuing from pagedExportState.",
        Route("POST", "/v1/exports/virtual/paged"),
        "pages of mockOutput (pageSize, default 20); the last page has no pagedExportState",
    ),
    _options(
        "imports",
        "run",
        "run",
        (_ID, Field("data", ("array",), required=True), Field("settings", ("object",))),
        "Runs the import on the records and returns one response per record.",
        Route("POST", "/v1/imports/{_id}/invoke"),
        "answers from mockResponse, else 200 with a new id; records what was imported",
    ),
    _options(
        "imports",
        "runVirtual",
        "run",
        (Field("import", ("object",), required=True), Field("data", ("array",), required=True)),
        "Runs an import definition that is not saved in the account.",
        Route("POST", "/v1/imports/virtual"),
        "as imports.run, from the definition's own mockResponse",
    ),
    _options(
        "imports",
        "runMapping",
        "run",
        (Field("import", ("object",), required=True), Field("data", ("array",), required=True)),
        "Runs only the mapping of an import definition: [{statusCode, data, errors}].",
        None,
        "applies mapping.fields (extract or hardCodedValue to generate); 501 beyond that",
    ),
    _options(
        "flows",
        "run",
        "run",
        (_ID, *_DATES),
        "Starts the flow and returns its run status.",
        Route("POST", "/v1/flows/{_id}/run"),
        "records a queued job and returns {_jobId, status: 'queued'}",
    ),
)
_STATE = (
    _state(
        "getKeysForResource",
        (),
        "Lists the state keys of a resource: {keys: [...]}.",
        "GET",
        "{keys} of the resource's namespace, [] when empty",
    ),
    _state(
        "getForResource",
        (_KEY,),
        "Returns the value stored under a key of a resource.",
        "GET",
        "the stored value; 404 for a key never put",
    ),
    _state(
        "putForResource",
        (_KEY, Field("value", ("any",))),
        "Stores a value under a key of a resource.",
        "PUT",
        "stores the value (null if none)",
    ),
    _state(
        "deleteForResource",
        (_KEY,),
        "Deletes a key of a resource.",
        "DELETE",
        "removes the key; 404 for a key never put",
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
        ),
        "Gets entries of a lookup cache by keys, or a page at a time with nextPageURL.",
        Route("POST", "/v1/lookupcaches/{_id}/getData"),
        "entries in key order, pages of pageSize (default 1000) with nextPageURL",
    ),
    _options(
        "lookupcaches",
        "putData",
        "data",
        (_ID, Field("data", ("array",), required=True)),
        "Upserts entries {key, value}; returns one result per entry.",
        Route("POST", "/v1/lookupcaches/{_id}/data"),
        "upserts; [{key, success}] per entry; over 1,000 entries 422, over 5 MB 413",
    ),
    _options(
        "lookupcaches",
        "deleteData",
        "data",
        (_ID, Field("keys", ("array",), required=True, items="string")),
        "Deletes entries by key; returns one result per key.",
        Route("DELETE", "/v1/lookupcaches/{_id}/data"),
        "removes the keys; [{key, success}] per key; over 1,000 keys 422",
    ),
    _options(
        "lookupcaches",
        "purgeData",
        "data",
        (_ID,),
        "Deletes every entry of a lookup cache.",
        Route("DELETE", "/v1/lookupcaches/{_id}/data/purge"),
        "empties the cache",
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


# ---- argument checks ------------------------------------------------------------------


def check_args(method: Method, args: list[Any]) -> list[Any]:
    """The call's arguments in the normalised form (module docstring), or `InvalidArgument`.

    JavaScript turns an `undefined` argument into `null` inside an argument list, so
    trailing nulls are ignored; any other extra argument is refused.
    """
    if not isinstance(args, list):
        _fail(method, f"the arguments must arrive as a list, got {_type_name(args)}")
    if len(args) > 1 and any(extra is not None for extra in args[1:]):
        _fail(method, f"takes one argument ({method.arg}), got {len(args)}")
    value = args[0] if args else None
    return [_READERS[method.shape](method, value)]


def _read_query(method: Method, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _fail(method, f"query must be an object like {{externalId: 'x'}}, got {_type_name(value)}")
    unknown = [key for key in value if key != "externalId"]
    if unknown:
        _fail(method, f"only externalId is supported in the query, got {_names(unknown)}")
    if "externalId" in value and not isinstance(value["externalId"], str):
        _fail(method, f"query.externalId must be a string, got {_type_name(value['externalId'])}")
    return value


def _read_id(method: Method, value: Any) -> str:
    candidate = value.get("_id") if isinstance(value, dict) and list(value) == ["_id"] else value
    if isinstance(candidate, str) and candidate:
        return candidate
    _fail(method, f"_id must be a string (or {{_id: string}}), got {_describe(value)}")


def _read_document(method: Method, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(method, f"{method.arg} must be an object, got {_type_name(value)}")
    _check_fields(method, value)
    return value


def _read_options(method: Method, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(method, f"options must be an object, got {_type_name(value)}")
    allowed = method.field_names
    unknown = [key for key in value if key not in allowed]
    if unknown:
        accepted = _names([field.name for field in method.fields])
        _fail(method, f"unknown option {_names(unknown)}; {method.qualified} accepts {accepted}")
    return _check_fields(method, value)


_READERS = {
    "query": _read_query,
    "id": _read_id,
    "document": _read_document,
    "options": _read_options,
}


def _check_fields(method: Method, value: dict[str, Any]) -> dict[str, Any]:
    """Check each declared field; return `value`, or a copy when something was normalised."""
    out = value
    for field in method.fields:
        present = value.get(field.name)
        if present is None:
            if field.required:
                _fail(method, f"{method.arg}.{field.name} is required ({_or(field.types)})")
            if field.name in value:
                out = {k: v for k, v in out.items() if k != field.name}
            continue
        if type(present) not in field.plain_types:  # the usual case skips this
            normalised = _check_type(method, f"{method.arg}.{field.name}", field, present)
            if normalised is not present:
                out = {**out, field.name: normalised}
        clash = field.excludes and [name for name in field.excludes if value.get(name) is not None]
        if clash:
            _fail(
                method,
                f"{method.arg}.{field.name} can be provided only if {_names(clash)} "
                "is not provided",
            )
    return out


def _check_type(method: Method, where: str, field: Field, value: Any) -> Any:
    if field.types == ("patch",) and isinstance(value, list):
        problem = _patch_problem(value)
        if problem:
            _fail(method, f"{where}{problem}")
        return value
    for type_name in field.types:
        if type_name == "count":
            count = _as_count(value)
            if count is not None:
                return count
        elif _is_type(value, type_name):
            break
    else:
        wrong_number = "count" in field.types and _type_name(value) == "number"
        got = repr(value) if wrong_number else _describe(value)
        _fail(method, f"{where} must be {_or(field.types)}, got {got}")
    if field.items:
        for index, item in enumerate(value):
            if not _is_type(item, field.items):
                _fail(method, f"{where}[{index}] must be a {field.items}, got {_describe(item)}")
    if field.choices and value not in field.choices:
        _fail(method, f"{where} must be one of {_names(field.choices)}, got {value!r}")
    return value


_PLAIN_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "number": (int, float),
    "boolean": (bool,),
}


def _is_type(value: Any, type_name: str) -> bool:
    if type_name == "any":
        return True
    python_type = _PLAIN_TYPES.get(type_name)
    if python_type is not None:  # bool is an int in Python, not a number in JS
        is_bool = isinstance(value, bool)
        return isinstance(value, python_type) and (type_name == "boolean" or not is_bool)
    if type_name == "date":
        return isinstance(value, str) and _parses_as_date(value)
    if type_name == "patch":
        return isinstance(value, dict)
    return _type_name(value) == type_name


def _parses_as_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _patch_problem(ops: list[Any]) -> str | None:
    """What is wrong with the first bad JSON-Patch operation (a suffix for its path)."""
    for index, op in enumerate(ops):
        at = f"[{index}]"
        if not isinstance(op, dict):
            return f"{at} must be an operation {{op, path, value}}, got {_describe(op)}"
        if op.get("op") not in PATCH_OPS:
            return f"{at}.op must be one of {_names(PATCH_OPS)}, got {_describe(op.get('op'))}"
        path = op.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            return f"{at}.path must be a JSON pointer such as '/name', got {_describe(path)}"
        if op["op"] != "remove" and "value" not in op:
            return f"{at}.value is required for op '{op['op']}'"
    return None


def _as_count(value: Any) -> int | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


_TYPE_PROSE = {
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "any": "any value",
    "date": "a Date (or an ISO date string)",
    "count": "a positive integer",
    "patch": "an object of fields or a JSON-Patch array [{op, path, value}]",
}


def _or(types: tuple[str, ...]) -> str:
    return " or ".join(_TYPE_PROSE[t] for t in types)


def _type_name(value: Any) -> str:
    """The name a JS developer would use for a JSON value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _describe(value: Any) -> str:
    if value is None:
        return "undefined"
    if value == "":
        return "an empty string"
    if isinstance(value, dict):
        return f"an object with keys {_names(list(value))}" if value else "an empty object"
    if isinstance(value, str) and len(value) <= 40:
        return repr(value)
    return _type_name(value)


def _names(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(names)


def _fail(method: Method, problem: str) -> NoReturn:
    raise InvalidArgument(f"{method.signature}: {problem}")


# ---- README table ---------------------------------------------------------------------

_HOOK_RULE_PROSE = {
    HOOKS_REFUSED: "no (CRUD is not supported in hooks)",
    HOOKS_NEED_INTEGRATION: "only in a flow inside an integration",
    HOOKS_NEED_REGISTERED_CACHE: "only for caches registered with the hook's integration",
    HOOKS_ALLOWED: "yes",
}


def catalog_table_markdown() -> str:
    """The README's coverage table: one row per function, generated from the catalog."""
    rows = [
        "| object | method | kind | allowed in hooks | REST route | local behaviour |",
        "|---|---|---|---|---|---|",
    ]
    for m in CATALOG:
        route = f"`{m.route}`" if m.route else "none (no public REST route)"
        rows.append(
            f"| `{m.obj}` | `{m.name}({m.arg})` | {m.kind} | {_HOOK_RULE_PROSE[m.hook_rule]} "
            f"| {route} | {m.local} |"
        )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # `python -m jsrt.api.catalog`: the README's table, regenerated
    print(catalog_table_markdown(), end="")
