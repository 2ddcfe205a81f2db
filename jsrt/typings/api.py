"""The runtime objects of `integrator-api` as TypeScript, from `jsrt.api.catalog`.

Every object and function comes from the catalog, with its arguments: the options'
fields (their types, which are required, their choices) and how the one argument is read
(a query, an `_id`, a document, options). The catalog does not record what a function
returns, so `RETURNS` says it per function, from the runtime objects specification and
what the local backend answers; `method_return` refuses a function it does not know, so a
new catalog entry cannot be left out.
"""

from __future__ import annotations

from typing import Final

from jsrt.api.catalog import CATALOG, Field, Method, TypeName
from jsrt.typings.ts import doc, property_name, type_name

OPTION_TYPES: Final[dict[TypeName, str]] = {
    "string": "string",
    "number": "number",
    "boolean": "boolean",
    "object": "JsonObject",
    "array": "any[]",
    "any": "any",
    # A JS Date; it travels as an ISO string, which is accepted too.
    "date": "Date | string",
    # The spec types pageSize as a String; a number is read the same way.
    "count": "number | string",
    "patch": "JsonObject | JsonPatchOperation[]",
}
"""An option's catalog type as TypeScript."""

CRUD_RETURNS: Final[dict[str, str]] = {
    "find": "IntegratorDocument[]",
    "get": "IntegratorDocument | undefined",
    "create": "IntegratorDocument",
    "update": "IntegratorDocument",
    "patch": "void",
    "delete": "void",
}
"""What each CRUD function returns (runtime objects specification: `<Array>`,
`<Object|Undefined>`, `<Object>`, `<Undefined>`)."""

RETURNS: Final[dict[str, str]] = {
    # runtime objects specification, "Returns" of each function
    "exports.run": "ExportRunResult",
    "exports.runVirtual": "ExportRunResult",
    "exports.runVirtualWithPaging": "ExportPageResult",
    "imports.run": "ImportResponse[]",
    "imports.runVirtual": "ImportResponse[]",
    "imports.runMapping": "MappingResult[]",
    # the spec says "an object representing the flow run status"; the local backend's
    # answer names the job: {_jobId, status}
    "flows.run": "FlowRunStatus",
    "state.getKeysForResource": "{ keys: string[] }",
    "state.getForResource": "any",
    "state.putForResource": "void",
    "state.deleteForResource": "void",
    "lookupcaches.getData": "LookupCachePage",
    "lookupcaches.putData": "LookupCacheResult[]",
    "lookupcaches.deleteData": "LookupCacheResult[]",
    "lookupcaches.purgeData": "void",
}
"""What each function other than CRUD returns, by its qualified name."""

RESULT_TYPES = """\
  /** What an export run answers: its first page (runtime objects specification). */
  export interface ExportRunResult extends JsonObject {
    data: JsonRecord[];
    dataURIs?: string[];
    errors?: IntegratorError[];
  }

  /** One page of a paged virtual export; pass `pagedExportState` to the next call. */
  export interface ExportPageResult extends ExportRunResult {
    pagedExportState?: any;
  }

  /** The mapping of one record (imports.runMapping). */
  export interface MappingResult extends JsonObject {
    statusCode: number;
    data?: JsonRecord;
    errors?: IntegratorError[];
  }

  /** A started flow run. */
  export interface FlowRunStatus extends JsonObject {
    _jobId: string;
    status?: string;
  }

  /** Entries of a lookup cache, and the URL of the next page when there is one. */
  export interface LookupCachePage extends JsonObject {
    data: { key: string; value: any }[];
    nextPageURL?: string;
  }

  /** The outcome of writing or deleting one key of a lookup cache. */
  export interface LookupCacheResult extends JsonObject {
    key: string;
    success: boolean;
    errors?: IntegratorError[];
  }
"""

_RESERVED_WORDS = frozenset({"export", "import", "default", "delete", "function", "new"})
"""Argument names the spec uses that are JavaScript reserved words (`exports.create(export)`)."""


def method_return(method: Method) -> str:
    """What the function returns, as TypeScript."""
    if method.kind == "crud":
        return CRUD_RETURNS[method.name]
    return RETURNS[method.qualified]


def options_type_name(method: Method) -> str:
    """The name of a function's options type: `exports.run` -> `ExportsRunOptions`."""
    return f"{type_name(method.obj)}{type_name(method.name)}Options"


def api_type_name(obj: str) -> str:
    """The name of a runtime object's type: `exports` -> `ExportsApi`."""
    return f"{type_name(obj)}Api"


def field_type(field: Field) -> str:
    """One option's type as TypeScript."""
    if field.choices:
        return " | ".join(f'"{choice}"' for choice in field.choices)
    if field.items:
        return f"{OPTION_TYPES[field.items]}[]"
    return " | ".join(OPTION_TYPES[name] for name in field.types)


def _field_line(field: Field) -> str:
    optional = "" if field.required else "?"
    line = f"    {property_name(field.name)}{optional}: {field_type(field)};\n"
    if field.excludes:
        line = doc(f"Not together with {', '.join(field.excludes)}.", "    ") + line
    return line


def _argument(method: Method) -> tuple[str, str]:
    """The parameter of a function: its name and type."""
    name = method.arg if method.arg not in _RESERVED_WORDS else f"{method.arg}Document"
    if method.shape == "query":
        return f"{name}?", "{ externalId?: string }"
    if method.shape == "id":
        return name, "string"
    if method.shape == "document" and method.fields:
        fields = " ".join(f"{property_name(f.name)}: {field_type(f)};" for f in method.fields)
        return name, f"JsonObject & {{ {fields} }}"
    if method.shape == "document":
        return name, "JsonObject"
    return name, options_type_name(method)


def _options_interface(method: Method) -> str:
    fields = "".join(_field_line(field) for field in method.fields)
    title = doc(f"The options of `{method.qualified}`.", "  ")
    return f"{title}  export interface {options_type_name(method)} {{\n{fields}  }}\n"


def _hook_rule(method: Method) -> str:
    """What a hook may do with the function (celigo-reference §2.2, `Method.hook_rule`)."""
    return {
        "refused": "Not in flow hooks: integrator.io refuses CRUD calls there.",
        "integration": "In flow hooks only when the flow is in an integration (not standalone).",
        "registered_cache": "In flow hooks only for a cache the integration registers.",
        "allowed": "",
    }[method.hook_rule]


def _method_line(method: Method) -> str:
    name, argument = _argument(method)
    text = "\n".join(filter(None, (method.description, _hook_rule(method))))
    return doc(text, "    ") + f"    {method.name}({name}: {argument}): {method_return(method)};\n"


def runtime_objects() -> str:
    """The runtime objects, their functions and their options types, for the module body."""
    by_object: dict[str, list[Method]] = {}
    for method in CATALOG:
        by_object.setdefault(method.obj, []).append(method)
    parts = [RESULT_TYPES]
    for method in CATALOG:
        if method.shape == "options":
            parts.append(_options_interface(method))
    for obj, methods_of in by_object.items():
        methods = "".join(_method_line(method) for method in methods_of)
        names = ", ".join(method.name for method in methods_of)
        title = doc(f"The `{obj}` runtime object: {names}.", "  ")
        parts.append(f"{title}  export interface {api_type_name(obj)} {{\n{methods}  }}\n")
        parts.append(f"  export const {obj}: {api_type_name(obj)};\n")
    return "\n".join(parts)
