"""The answers of the REST endpoints no integrator-api function maps to (integrations'
lists, scripts, jobs, tokenInfo, ping, mirror, ...): one function per row of
`jsrt.server.rest_table`, which says what each answers and where that comes from.

A handler takes the account and the request (`RestCall`) and returns the response, or
raises an `ApiError`, which the app answers in integrator.io's `{errors: [...]}`
envelope. It runs on a thread; a handler whose row changes the account runs holding the
world's write turn. It reads and writes the world inside `Account.turn()`, which takes
in what other processes saved in the state dir first and saves what it changed after.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.datastructures import URL, Headers, QueryParams
from starlette.responses import PlainTextResponse, Response

from jsrt.api.catalog import collection_noun
from jsrt.api.errors import BadRequest, ConnectionOffline, NotFound, Unprocessable, Unsupported
from jsrt.api.wire import NO_BODY, json_patch_body
from jsrt.backends.local import World
from jsrt.backends.local.patching import PATCHABLE_FIELDS
from jsrt.describe import describe
from jsrt.integration.steps import flow_steps
from jsrt.server.account import Account
from jsrt.server.responses import json_response, parse_body


@dataclass(frozen=True)
class RestCall:
    """One request, as a handler reads it."""

    method: str
    path_params: Mapping[str, str]
    query: QueryParams
    url: URL
    headers: Headers
    raw: bytes

    def body(self) -> Any:
        """The JSON body, `NO_BODY` when there is none, or `BadRequest`."""
        return parse_body(self.raw)

    def document(self, what: str) -> dict[str, Any]:
        """The JSON object a create or replace sends, or a `BadRequest` saying so."""
        body = self.body()
        if not isinstance(body, dict):
            given = "no body" if body is NO_BODY else describe(body)
            raise BadRequest(
                f"the body of {self.method} {self.url.path} is {what} (a JSON object), got {given}"
            )
        return body


MAX_SCRIPT_DEBUG = timedelta(hours=1)
"""How far ahead a script's `debugUntil` may be (celigo-reference §2.4, §3.5 [C S4])."""

RestHandler = Callable[[Account, RestCall], Response]
"""What answers a row of the table."""


# ---- integrations ----------------------------------------------------------------------


def list_integrations(account: Account, call: RestCall) -> Response:
    return _list(account, call, "integrations")


def create_integration(account: Account, call: RestCall) -> Response:
    return _create(account, call, "integrations")


def patch_integration(account: Account, call: RestCall) -> Response:
    """JSON-Patch operations, as integrator.io's PATCH takes them (celigo-reference
    §3.1); answered 204 with no body."""
    _id = call.path_params["_id"]
    ops = json_patch_body(call.body(), f"PATCH {call.url.path}")
    with account.turn() as world:
        world.patch("integrations", _id, ops)
    return Response(status_code=204)


def integration_flows(account: Account, call: RestCall) -> Response:
    return _integration_members(account, call, "flows")


def integration_exports(account: Account, call: RestCall) -> Response:
    return _integration_members(account, call, "exports")


def integration_imports(account: Account, call: RestCall) -> Response:
    return _integration_members(account, call, "imports")


def integration_connections(account: Account, call: RestCall) -> Response:
    return _integration_members(account, call, "connections")


def _integration_members(account: Account, call: RestCall, collection: str) -> Response:
    """The documents of `collection` an integration holds: its flows (their
    `_integrationId`), the exports and imports its flows' steps use, and the connections
    those run on; a document that names the integration in its own `_integrationId`
    belongs to it too. 404 for an integration the world lacks."""
    _id = call.path_params["_id"]
    with account.turn() as world:
        _require(world, "integrations", _id)
        members = _members_of(world, _id)[collection]
        found = [doc for doc in world.docs(collection) if doc["_id"] in members]
    return account.list_page(found, call.url)


def _members_of(world: World, integration_id: str) -> dict[str, set[str]]:
    owned = {
        collection: {
            doc["_id"]
            for doc in world.docs(collection)
            if doc.get("_integrationId") == integration_id
        }
        for collection in ("flows", "exports", "imports", "connections")
    }
    for flow_id in list(owned["flows"]):
        for step in flow_steps(world.get("flows", flow_id) or {}, world):
            if step.kind in ("export", "import") and step.resource_id:
                owned[f"{step.kind}s"].add(step.resource_id)
    for collection in ("exports", "imports"):
        for doc_id in owned[collection]:
            connection = (world.get(collection, doc_id) or {}).get("_connectionId")
            if isinstance(connection, str):
                owned["connections"].add(connection)
    return owned


# ---- scripts ---------------------------------------------------------------------------


def list_scripts(account: Account, call: RestCall) -> Response:
    return _list(account, call, "scripts")


def create_script(account: Account, call: RestCall) -> Response:
    return _create(account, call, "scripts")


def get_script(account: Account, call: RestCall) -> Response:
    """The script document, its code as `content` (`jsrt pull` reads it)."""
    with account.turn() as world:
        return json_response(_require(world, "scripts", call.path_params["_id"]))


def replace_script(account: Account, call: RestCall) -> Response:
    """Replace the script document (fields left out are erased, as with every PUT;
    `jsrt push` sends code back this way)."""
    _id = call.path_params["_id"]
    body = call.document("the script document")
    if body.get("_id", _id) != _id:
        raise BadRequest(f"the body's _id {body['_id']!r} is not the path's {_id!r}")
    with account.turn() as world:
        stored = world.update("scripts", {**body, "_id": _id})
    return json_response(stored)


def patch_script(account: Account, call: RestCall) -> Response:
    """Switch a script's debug logs on or off: JSON-Patch of `debugUntil`, the only field
    integrator.io lets a PATCH change on a script, at most an hour ahead (celigo-reference
    §3.5); answered 204 with no body."""
    ops = json_patch_body(call.body(), f"PATCH {call.url.path}")
    for index, op in enumerate(ops):
        if op["path"] == "/debugUntil" and op["op"] != "remove":
            _check_debug_until(op["value"], f"patch[{index}] ({op['op']} {op['path']})")
    with account.turn() as world:
        world.patch("scripts", call.path_params["_id"], ops, patchable=PATCHABLE_FIELDS["scripts"])
    return Response(status_code=204)


def _check_debug_until(value: Any, where: str) -> None:
    """A script's `debugUntil`: an ISO date at most `MAX_SCRIPT_DEBUG` from now."""
    try:
        until = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        until = None
    if until is None:
        raise Unprocessable(
            f"{where}: debugUntil must be an ISO date such as 2030-01-01T00:00:00.000Z,"
            f" got {describe(value)}"
        )
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    latest = datetime.now(UTC) + MAX_SCRIPT_DEBUG
    if until > latest:
        raise Unprocessable(
            f"{where}: a script's debug logs stay on at most 1 hour; debugUntil may be at most"
            f" {latest.isoformat(timespec='seconds')}, got {value}"
        )


def delete_script(account: Account, call: RestCall) -> Response:
    with account.turn() as world:
        world.delete("scripts", call.path_params["_id"])
    return Response(status_code=204)


# ---- jobs ------------------------------------------------------------------------------

_JOB_FILTERS = ("_flowId", "_integrationId", "status", "type")


def list_jobs(account: Account, call: RestCall) -> Response:
    """Every job, newest first, narrowed by the Job API's equality filters
    `_flowId`, `_integrationId`, `status` and `type` (celigo/integrator-api-docs job.md)."""
    wanted = {name: call.query[name] for name in _JOB_FILTERS if name in call.query}
    with account.turn() as world:
        jobs = [account.jobs.peek(job, world.get("flows", job["_flowId"])) for job in world.jobs()]
    found = [job for job in reversed(jobs) if all(job.get(k) == v for k, v in wanted.items())]
    return account.list_page(found, call.url)


def get_job(account: Account, call: RestCall) -> Response:
    _id = call.path_params["_id"]
    with account.turn() as world:
        job = next((job for job in world.jobs() if job["_id"] == _id), None)
        if job is None:
            raise NotFound(f"no job with _id {_id!r}; POST /v1/flows/{{_id}}/run starts one")
        return json_response(account.jobs.look(job, world.get("flows", job["_flowId"])))


def latest_flow_jobs(account: Account, call: RestCall) -> Response:
    """The flow's newest job, in a list (`[]` when it never ran); 404 for a flow the
    world lacks."""
    _id = call.path_params["_id"]
    with account.turn() as world:
        flow = _require(world, "flows", _id)
        jobs = world.jobs(_id)
        return json_response([account.jobs.look(jobs[-1], flow)] if jobs else [])


# ---- state no integrator-api function reaches (celigo-reference §3.4) ------------------


def global_state_keys(account: Account, call: RestCall) -> Response:
    """`{keys}` of the account's global keys; 204 without a body when there are none."""
    with account.turn() as world:
        keys = world.global_state_keys()
    return json_response({"keys": keys}) if keys else Response(status_code=204)


def clear_global_state(account: Account, call: RestCall) -> Response:
    with account.turn() as world:
        world.clear_global_state()
    return Response(status_code=204)


def get_global_state(account: Account, call: RestCall) -> Response:
    """The value as it was put (any JSON), or 404."""
    with account.turn() as world:
        return json_response(world.get_global_state(call.path_params["key"]))


def put_global_state(account: Account, call: RestCall) -> Response:
    """The body (any JSON; none stores null) under the key: 200 `Created` for a new key,
    else `OK`, as for a resource's key."""
    key, body = call.path_params["key"], call.body()
    with account.turn() as world:
        new = key not in world.global_state_keys()
        world.put_global_state(key, None if body is NO_BODY else body)
    return PlainTextResponse("Created" if new else "OK")


def delete_global_state(account: Account, call: RestCall) -> Response:
    with account.turn() as world:
        world.delete_global_state(call.path_params["key"])
    return Response(status_code=204)


def clear_resource_state(account: Account, call: RestCall) -> Response:
    """Every key of one resource gone; `OK` as a key's delete answers."""
    with account.turn() as world:
        world.clear_state(call.path_params["resourceType"], call.path_params["_id"])
    return PlainTextResponse("OK")


# ---- the rest --------------------------------------------------------------------------


LOCAL_USER_ID = hashlib.sha1(b"jsrt serve:user").hexdigest()[:24]
"""The one user of a served account: an id shaped like integrator.io's (24 hex digits)."""


def token_info(account: Account, call: RestCall) -> Response:
    """`{_userId, scope}` (celigo-reference §3.1): the served account's one user, and a
    token that may do everything."""
    return json_response({"_userId": LOCAL_USER_ID, "scope": "*"})


def ping_connection(account: Account, call: RestCall) -> Response:
    """200 `{"code": 200, "message": ...}` for a connection that answers; 401 in the
    error envelope for one marked `offline: true`; 404 for one the world lacks."""
    _id = call.path_params["_id"]
    with account.turn() as world:
        connection = _require(world, "connections", _id)
    name = connection.get("name") or _id
    if connection.get("offline") is True:
        raise ConnectionOffline(
            f"connection {name!r} ({_id}) is offline; set offline: false on it in the world "
            "file to make it answer"
        )
    return json_response({"code": 200, "message": f"connection {name!r} is online"})


def list_apis(account: Account, call: RestCall) -> Response:
    """The My APIs the world file declares; 204 with no body when there are none
    (celigo-reference §3.1)."""
    apis = [
        {
            "_id": api.api_id,
            **({"name": api.name} if api.name else {}),
            "type": "script",
            "function": api.function,
            **({"path": api.path} if api.path else {}),
        }
        for api in account.apis.values()
    ]
    return account.list_page(apis, call.url, empty_status=204)


def list_iclients(account: Account, call: RestCall) -> Response:
    """A world holds no iClients: the list is empty."""
    return account.list_page([], call.url)


def list_tools(account: Account, call: RestCall) -> Response:
    """A world holds no tools: the list is empty."""
    return account.list_page([], call.url)


def mirror(account: Account, call: RestCall) -> Response:
    """The request echoed back: its method, path, query, headers (but the bearer token)
    and body (JSON when it is JSON, else its text)."""
    try:
        body: Any = call.body()
    except BadRequest:
        body = call.raw.decode("utf-8", errors="replace")
    echoed = {
        "method": call.method,
        "path": call.url.path,
        "query": dict(call.query),
        "headers": {k: v for k, v in call.headers.items() if k != "authorization"},
        "body": None if body is NO_BODY else body,
    }
    return json_response(echoed)


def not_served(account: Account, call: RestCall) -> Response:
    """What the local world cannot answer: 501, naming the request."""
    raise Unsupported(
        f"{call.method} {call.url.path} is an integrator.io endpoint jsrt serve does not "
        "emulate (the local world keeps no audit log, dependency graph or copies); "
        "call it on a real account"
    )


def _list(account: Account, call: RestCall, collection: str) -> Response:
    """Every document of `collection`, a page at a time."""
    with account.turn() as world:
        found = world.find(collection, {})
    return account.list_page(found, call.url)


def _create(account: Account, call: RestCall, collection: str) -> Response:
    """Store the body under a new _id (integrator.io assigns it) and answer it with 201."""
    document = call.document(f"the {collection_noun(collection)} document")
    with account.turn() as world:
        created = world.create(collection, document)
    return json_response(created, status=201)


def _require(world: World, collection: str, _id: str) -> dict[str, Any]:
    document = world.get(collection, _id)
    if document is None:
        noun = collection_noun(collection)
        raise NotFound(f"no {noun} with _id {_id!r} in the served world; check the id")
    return document
