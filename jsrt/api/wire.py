"""The wire codec: how an integrator-api call travels over integrator.io's REST API.

Both sides use it, so they cannot drift apart: the REST backend turns a call into a
request (`to_wire`) and a successful answer into the call's value (`decode_answer`);
`jsrt serve` reads a request back into the call (`from_wire`) and answers with the status
integrator.io uses (`success_reply`). What differs from one method to another is read from
its catalog entry (`Method.wire_body`, `served`, `empty_answer`), never from its name.

The mapping: path placeholders (`{_id}`, `{resourceType}`, `{key}`) come from the
argument; a document is the body of create/update; the remaining options are the body of
a run; `state.putForResource` sends its `value` as the body; `patch` sends JSON-Patch
operations (a script's object of fields as one `add` per field), and `jsrt serve`
takes nothing else; `lookupcaches.getData`
sends `{keys}` or `{startsWith}` and takes `pageSize` and a `nextPageURL`'s query as query
parameters.

A successful answer: a 204 or an empty body stands for `[]` for `find` (the client reads
lists itself), `{keys: []}` for `getKeysForResource`, else `undefined`; the plain-text
`OK` / `Created` of a state write stands for `undefined`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlsplit

import orjson

from jsrt.api.catalog import PLACEHOLDER, Method, Route, Served
from jsrt.api.checks import patch_problem
from jsrt.api.errors import BadRequest, InvalidArgument, NotFound, Unsupported
from jsrt.describe import describe

NO_BODY: Any = type("NoBody", (), {"__repr__": lambda self: "NO_BODY"})()
"""A request without a body (distinct from a JSON `null` body)."""

SUCCESS_STATUS: Final[dict[Served, int]] = {
    "json": 200,
    "created": 201,
    "found": 200,
    "no_content": 204,
    "text_ok": 200,
    "text_created": 200,
    "page": 200,
    "page_or_empty": 200,
}
"""The status of a successful answer, by how the method is served (`page_or_empty`: when
the list is not empty). A state put answers 200 whether the key is new or not: the State
API's table says 200 for "Create/update"; only its body differs, `Created` for a new key as
in the table's example, else `OK` (integrator-api-docs state.md, celigo-reference §3.4)."""


@dataclass(frozen=True)
class WireRequest:
    """One HTTP request: verb, path (placeholders filled and quoted), query, JSON body."""

    verb: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = NO_BODY


@dataclass(frozen=True)
class WireReply:
    """A successful HTTP answer: its status and a JSON body, a plain-text one, or none."""

    status: int
    body: Any = NO_BODY
    text: str | None = None


def route_of(method: Method) -> Route:
    """The function's REST route, or `Unsupported` when integrator.io publishes none."""
    if method.route is None:
        raise Unsupported(
            f"{method.qualified} has no public integrator.io REST endpoint, so the REST "
            "backend cannot run it (jsrt does not guess one). Run this hook on the local "
            "backend (--backend local) to exercise it"
        )
    return method.route


def fill_path(route: Route, values: Mapping[str, Any]) -> str:
    """The route's path with each placeholder replaced by its value, URL-quoted."""
    return PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), route.path)


# ---- a call as a request, and back ----------------------------------------------------------


def to_wire(method: Method, arg: Any) -> WireRequest:
    """The request for a call whose argument `check_args` normalised (see the module doc)."""
    route = route_of(method)
    if method.shape == "id":
        values: Mapping[str, Any] = {"_id": arg}
    else:
        values = {} if method.shape == "query" else arg
    path = fill_path(route, values)
    form = method.wire_body
    if form == "document":
        return WireRequest(route.verb, path, body=arg)
    if form == "none":
        return WireRequest(route.verb, path)
    in_path = route.placeholders
    rest = {k: v for k, v in arg.items() if k not in in_path}
    if form == "value":
        return WireRequest(route.verb, path, body=rest.get("value"))
    if form == "patch":
        return WireRequest(route.verb, path, body=as_json_patch(rest["patch"]))
    if form == "cache_page":
        return _cache_page_request(method, route, path, rest)
    return WireRequest(route.verb, path, body=rest if rest else NO_BODY)


def _cache_page_request(
    method: Method, route: Route, path: str, options: dict[str, Any]
) -> WireRequest:
    params: dict[str, str] = {}
    page_url = options.get("nextPageURL")
    if page_url is not None:
        parts = urlsplit(page_url)
        if not parts.path.endswith(path):
            raise InvalidArgument(
                f"{method.qualified}: nextPageURL {page_url!r} is not a page of this cache; "
                f"pass back the nextPageURL of the previous answer ({path}?...)"
            )
        params.update(parse_qsl(parts.query))
    if options.get("pageSize") is not None:
        params["pageSize"] = str(options["pageSize"])
    body: Any = NO_BODY
    if options.get("keys") is not None:
        body = {"keys": options["keys"]}
    elif options.get("startsWith") is not None:
        body = {"startsWith": options["startsWith"]}
    return WireRequest(route.verb, path, params, body)


def from_wire(
    method: Method,
    path_params: Mapping[str, str],
    query: Mapping[str, str],
    body: Any,
    route: Route | None = None,
) -> Any:
    """The call argument a request to `route` (default: the method's own) stands for:
    a request made by `to_wire`, or one of the other forms integrator.io's clients send
    (`NO_BODY` when there is no body).

    A body that is an array is the method's `bare` option (`Field.bare`), if it has one.
    A method with a `spread` option (`Field.spread`) also takes that option's properties
    at the body's top level, and the path's placeholders that are none of its options
    (`/v1/connections/{_connectionId}/export`) go in it. The result still goes through
    `check_request`, the REST rules.
    """
    route = route or route_of(method)
    given = {name: path_params[name] for name in route.placeholders}
    form = method.wire_body
    if form == "none":
        if method.shape == "query":
            return {}
        return given["_id"] if method.shape == "id" else given
    body = None if body is NO_BODY else body
    if form == "value":
        return {**given, "value": body}
    if form == "patch":
        request_line = f"{route.verb} {fill_path(route, given)}"
        return {**given, "patch": json_patch_body(NO_BODY if body is None else body, request_line)}
    if form == "cache_page":
        return _cache_page_options(route, given, query, body)
    if method.bare_field is not None and isinstance(body, list):
        return {**given, method.bare_field.name: body}
    if method.spread_field is not None and isinstance(body, dict | None):
        return _spread_options(method, method.spread_field.name, given, body or {})
    if form == "options" and body is None:
        return given
    return {**body, **given} if isinstance(body, dict) else body


def as_json_patch(patch: dict[str, Any] | list[Any]) -> list[Any]:
    """A script's patch as integrator.io's REST PATCH takes it: JSON-Patch operations as
    given, an object of fields as one `add` per field (RFC 6902: `add` sets a member
    whether or not it is there, exactly what merging the fields does)."""
    if isinstance(patch, list):
        return patch
    return [
        {"op": "add", "path": f"/{_pointer_token(name)}", "value": value}
        for name, value in patch.items()
    ]


def _pointer_token(name: str) -> str:
    """RFC 6901: a field name as one token of a JSON pointer."""
    return name.replace("~", "~0").replace("/", "~1")


def json_patch_body(body: Any, request_line: str) -> list[Any]:
    """The JSON-Patch operations a REST PATCH sends as its body, or a `BadRequest`
    showing the form: integrator.io's PATCH takes only `[{op, path, value}]`
    (celigo-reference §3.1), never a plain object of fields."""
    if isinstance(body, list):
        problem = patch_problem(body)
        if problem is None:
            return body
        raise BadRequest(f"the body of {request_line} is JSON-Patch operations: body{problem}")
    given = "no body" if body is NO_BODY else describe(body)
    raise BadRequest(
        f"the body of {request_line} is a JSON-Patch array such as "
        '[{"op": "replace", "path": "/debugUntil", "value": "2030-01-01T00:00:00.000Z"}], '
        f"not an object of fields; got {given}"
    )


def _spread_options(
    method: Method, spread: str, given: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    """The options of a body that may give the `spread` option's properties at its top
    level: the body's keys that are no other option go in it, unless it is there by
    name; so do the path's values that are no option (they win over the body's)."""
    options = {field.name for field in method.body_fields if field.name != spread}
    to_spread = {k: v for k, v in given.items() if k not in options}
    if spread not in body:
        flat = {k: v for k, v in body.items() if k not in options}
        body = {k: v for k, v in body.items() if k in options}
        if flat:
            body[spread] = flat
    inner = body.get(spread)
    if to_spread and isinstance(inner, dict):  # else check_request says what is missing
        body = {**body, spread: {**inner, **to_spread}}
    return {**body, **{k: v for k, v in given.items() if k in options}}


def _cache_page_options(
    route: Route, given: dict[str, str], query: Mapping[str, str], body: Any
) -> dict[str, Any]:
    options: dict[str, Any] = dict(given)
    if isinstance(body, dict):
        options.update({name: body[name] for name in ("keys", "startsWith") if name in body})
    if "pageSize" in query:
        options["pageSize"] = query["pageSize"]
    if "startAfterKey" in query:
        after = quote(query["startAfterKey"], safe="")
        options["nextPageURL"] = f"{fill_path(route, given)}?startAfterKey={after}"
    return options


# ---- a successful answer, both ways ---------------------------------------------------------


def success_reply(method: Method, arg: Any, value: Any, *, key_was_new: bool = False) -> WireReply:
    """What integrator.io sends when the call succeeded with `value` (not for lists: a
    `page` method's answer is paged by the server). `key_was_new`: a state put created the
    key. A `found` method with no document answers 404 (`NotFound`)."""
    served = method.served
    if served == "text_created":
        return WireReply(200, text="Created" if key_was_new else "OK")
    if served == "text_ok":
        return WireReply(200, text="OK")
    if served == "found" and value is None:
        raise NotFound(f"no {method.obj} document with _id {arg!r}")
    if served == "no_content":
        return WireReply(204)
    return WireReply(SUCCESS_STATUS[served], body=value)


def empty_list_status(method: Method) -> int | None:
    """204 when integrator.io answers an empty list of this object without a body."""
    return 204 if method.served == "page_or_empty" else None


def decode_answer(method: Method, status: int, content: bytes, text: str) -> Any:
    """The call's value from a successful answer's status, body and body as text."""
    if status == 204 or not content:
        return {"keys": []} if method.empty_answer == "no_keys" else None
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        if route_of(method).verb == "GET":
            return text
        return None  # a write's plain-text acknowledgement: OK, Created
