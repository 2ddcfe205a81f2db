"""integrator.io's Handlebars: render a template as a given stage would, build the context
each stage gives its templates, and render an export's or import's HTTP request.

Templates run in the transformation engine (`js/handlebars.js`): the npm `handlebars`
4.7.8 in an isolated environment with integrator.io's helpers, compiled once per template
and escape mode. What is emulated:

- Escaping by where the template is (`escape`): `"body"` HTML-escapes `{{x}}` (Handlebars'
  own escaping: bodies, headers, mapping extracts, where users see `&amp;`), `"uri"`
  URL-encodes `{{x}}` with `encodeURIComponent` (`http.relativeURI`), `"none"` escapes
  nothing. `{{{x}}}` is raw everywhere.
- integrator.io's compile error for a space right after `{{` (`{{ name}}`), and every
  Handlebars compile error, as `TransformError` (code `invalid_template`) with its line and
  column; comments, `\\{{`, raw blocks, `@root`, `../`, `@index/@key/@first/@last`, `else`
  chains and sub-expressions are real Handlebars.
- The helpers of celigo/ai `skills/writing-handlebars/references/helpers/*.md` (dates with
  moment and moment-timezone, UTC by default; hashes and HMACs with crypto-js), with
  `{{lookup "name" value}}` applying the lookups handed to `render`.
- The contexts of an import, a lookup, a source export and the data `exports.run` /
  `imports.run` pass (`import_context`, `lookup_context`, `export_context`,
  `run_data_context`), shaped as celigo/ai writing-handlebars/SKILL.md "Runtime Context at
  Each Stage" captured them, plus `record` for AFE 2.0 templates.

What is not: `aws4` (it signs the live request; it fails the record); `random` draws from
`Math.random` (random, of the documented shape); `timestamp` is UTC unless given a zone
(integrator.io uses the account owner's zone in imports); RDBMS's single-quoting of `{{x}}`;
`hashOptions`/`hmacOptions` (the request being signed); partials.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from jsrt.errors import JsrtError
from jsrt.transform.engine import LookupSource, TransformEngine, TransformError, shared_engine

Escape = Literal["body", "uri", "none"]
"""How `{{x}}` is escaped: HTML (bodies), URL-encoded (URIs) or not at all."""


class TemplateRenderError(JsrtError):
    """A template that compiles failed on the data it was given (a helper refused the
    value, a lookup had no match): exit 1, the data's failure, not the definition's."""

    code = "template_error"


def render(
    template: str,
    context: Any,
    *,
    escape: Escape = "body",
    lookups: Sequence[Mapping[str, Any]] | None = None,
    record: Any = None,
    source: LookupSource | None = None,
    engine: TransformEngine | None = None,
    path: str | None = None,
) -> str:
    """Render `template` against `context` as integrator.io does where `escape` says.

    `lookups` are the import's (or export's) lookup definitions that `{{lookup "name" x}}`
    uses, applied for `record` (the context when None); `source` answers lookup caches and
    dynamic lookups. `path` names the template in its document in errors.

    Raises `TransformError` (code `invalid_template`, with `line` and `column`) when the
    template does not compile, `TemplateRenderError` when it fails on this data.
    """
    request: dict[str, Any] = {"template": template, "context": context, "escape": escape}
    if lookups is not None:
        request["lookups"] = list(lookups)
    if record is not None:
        request["record"] = record
    outcome = (engine or shared_engine()).call("render", request, source=source)
    where = {"path": path} if path else {}
    if "invalid" in outcome:
        problem = dict(outcome["invalid"])
        message = problem.pop("message")
        hint = problem.pop("hint", None)
        at = f"{path}: " if path else ""
        raise TransformError(f"{at}{message}", hint=hint, **problem, **where)
    if outcome.get("errors"):
        first = outcome["errors"][0]
        at = f"{path}: " if path else ""
        raise TemplateRenderError(
            f"{at}the template failed on this data: {first['message']}",
            hint="check the values the template reads, or guard them with {{#if}}",
            errors=outcome["errors"],
            **where,
        )
    data = outcome.get("data")
    return "" if data is None else str(data)


def import_context(
    record: Any,
    *,
    page: Sequence[Any] | None = None,
    import_: Mapping[str, Any] | None = None,
    connection: Mapping[str, Any] | None = None,
    lookup: Mapping[str, Any] | None = None,
    lookup_error: Any = None,
    job: Mapping[str, Any] | None = None,
    test_mode: bool = False,
) -> dict[str, Any]:
    """What an import's templates (body, URI, headers, mapping extracts) see for `record`:
    `{"0": record, data: page, lookup, recordLookupError, settings: {import, connection},
    connection, import, job, testMode}` (celigo/ai writing-handlebars/SKILL.md, "Import
    bubble"), plus `record` for AFE 2.0's `{{record.x}}`. `page` defaults to `[record]`."""
    import_doc = dict(import_ or {})
    connection_doc = dict(connection or {})
    return {
        "record": record,
        "0": record,
        "data": list(page) if page is not None else [record],
        "lookup": dict(lookup or {}),
        "recordLookupError": lookup_error,
        "settings": {
            "import": import_doc.get("settings") or {},
            "connection": connection_doc.get("settings") or {},
        },
        "connection": connection_doc,
        "import": import_doc,
        "job": dict(job or {}),
        "testMode": test_mode,
    }


def lookup_context(
    record: Mapping[str, Any],
    *,
    initial_record: Mapping[str, Any] | None = None,
    export: Mapping[str, Any] | None = None,
    connection: Mapping[str, Any] | None = None,
    export_start_time: str | None = None,
) -> dict[str, Any]:
    """What a lookup's (an export with `isLookup`) request templates see for `record`: the
    record's fields at the top, `data` = the record plus `_INITDATA` (the record before
    transforms, `initial_record`, default the record), `exportStartTime`, `settings:
    {export, connection}`, `connection` (celigo/ai writing-handlebars/SKILL.md, "Lookup
    bubble"), plus `record` for AFE 2.0."""
    export_doc = dict(export or {})
    connection_doc = dict(connection or {})
    context: dict[str, Any] = dict(record)
    context.update(
        {
            "record": dict(record),
            "data": {
                **record,
                "_INITDATA": dict(initial_record if initial_record is not None else record),
            },
            "settings": {
                "export": export_doc.get("settings") or {},
                "connection": connection_doc.get("settings") or {},
            },
            "connection": connection_doc,
        }
    )
    if export_start_time is not None:
        context["exportStartTime"] = export_start_time
    return context


def export_context(
    *,
    export: Mapping[str, Any] | None = None,
    connection: Mapping[str, Any] | None = None,
    last_export_date_time: str | None = None,
    current_export_date_time: str | None = None,
) -> dict[str, Any]:
    """What a source export's templates see: no record yet, `lastExportDateTime` and
    `currentExportDateTime` (delta exports), `settings: {export, connection}` and
    `connection` (celigo/ai writing-handlebars/SKILL.md, "Export bubble")."""
    export_doc = dict(export or {})
    connection_doc = dict(connection or {})
    context: dict[str, Any] = {
        "settings": {
            "export": export_doc.get("settings") or {},
            "connection": connection_doc.get("settings") or {},
        },
        "connection": connection_doc,
    }
    if last_export_date_time is not None:
        context["lastExportDateTime"] = last_export_date_time
    if current_export_date_time is not None:
        context["currentExportDateTime"] = current_export_date_time
    return context


def run_data_context(
    data: Any, *, netsuite: bool = False, base: Mapping[str, Any] | None = None
) -> Any:
    """The context of the `data` a script passes to `exports.run` / `imports.run`: under
    `data` (`{{data.[0].id}}` for an array, `{{data.id}}` for an object), or, for NetSuite,
    the data itself (`{{[0].id}}`, `{{id}}`) — the runtime objects' specification. `base`
    is the stage's own context the data joins (not for NetSuite, where the data is all)."""
    if netsuite:
        return data
    return {**(base or {}), "data": data}


@dataclass(frozen=True)
class RenderedRequest:
    """The HTTP request an export or import would send, its templates rendered: what a
    backend records instead of sending. `body` is None when the resource has no body
    template (an import then sends its mapped record)."""

    method: str | None
    relative_uri: str | None
    body: str | None
    headers: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    """The connection's `http.baseURI` joined with `relative_uri`, when a connection is given."""


def render_request(
    resource: Mapping[str, Any],
    context: Any,
    *,
    request_type: str | None = None,
    connection: Mapping[str, Any] | None = None,
    lookups: Sequence[Mapping[str, Any]] | None = None,
    record: Any = None,
    source: LookupSource | None = None,
    engine: TransformEngine | None = None,
) -> RenderedRequest:
    """Render an export's or import's `http.relativeURI` (URL-encoding `{{x}}`), `http.body`
    and header values (HTML-escaping `{{x}}`, Handlebars' default) against `context`.

    An import's `relativeURI`, `method` and `body` are arrays aligned with `requestType`
    (celigo/ai configuring-imports schemas/http.yml): `request_type` (`"CREATE"`,
    `"UPDATE"`) picks the entry, the first one otherwise. With `connection`, its
    `http.headers` come first and the resource's override them by name (celigo/ai
    configuring-exports schemas/http.yml), and `url` joins its `http.baseURI`. `lookups`
    default to the resource's own. Errors name the template's path (`http.body`, …).
    """
    http = resource.get("http")
    if not isinstance(http, Mapping):
        raise TransformError("the resource has no http settings to render", path="http")
    index = _operation_index(http, request_type)
    own_lookups = resource.get("lookups")
    if lookups is None and isinstance(own_lookups, list):
        lookups = own_lookups

    def one(key: str, escape: Escape) -> str | None:
        value = http.get(key)
        where = f"http.{key}"
        if isinstance(value, list):
            if not value:
                return None
            where = f"http.{key}[{min(index, len(value) - 1)}]"
            value = value[min(index, len(value) - 1)]
        if value is None:
            return None
        if not isinstance(value, str):
            raise TransformError(f"{where} must be a template (a string)", path=where)
        return render(
            value,
            context,
            escape=escape,
            lookups=lookups,
            record=record,
            source=source,
            engine=engine,
            path=where,
        )

    connection_http = (connection or {}).get("http")
    if not isinstance(connection_http, Mapping):
        connection_http = {}
    headers: dict[str, str] = {}
    for owner, owner_http in (("connection.", connection_http), ("", http)):
        for position, header in enumerate(owner_http.get("headers") or []):
            where = f"{owner}http.headers[{position}]"
            if not isinstance(header, Mapping) or not isinstance(header.get("name"), str):
                raise TransformError("a header must be {name, value}", path=where)
            for name in [n for n in headers if n.lower() == header["name"].lower()]:
                del headers[name]
            headers[header["name"]] = render(
                str(header.get("value") or ""),
                context,
                escape="body",
                lookups=lookups,
                record=record,
                source=source,
                engine=engine,
                path=f"{where}.value",
            )
    method = http.get("method")
    if isinstance(method, list):
        method = method[min(index, len(method) - 1)] if method else None
    relative_uri = one("relativeURI", "uri")
    base = connection_http.get("baseURI")
    url = None
    if isinstance(base, str) and base:
        url = base.rstrip("/") + "/" + relative_uri.lstrip("/") if relative_uri else base
    return RenderedRequest(
        method=method if isinstance(method, str) else None,
        relative_uri=relative_uri,
        body=one("body", "body"),
        headers=headers,
        url=url,
    )


def _operation_index(http: Mapping[str, Any], request_type: str | None) -> int:
    """Which entry of an import's per-operation arrays `request_type` names (0 if none)."""
    if request_type is None:
        return 0
    types = http.get("requestType")
    wanted = request_type.upper()
    if isinstance(types, list) and wanted in [str(t).upper() for t in types]:
        return [str(t).upper() for t in types].index(wanted)
    raise TransformError(
        f"the import has no {wanted} request (requestType is {types!r})",
        path="http.requestType",
    )
