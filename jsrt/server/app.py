"""The Starlette app of `jsrt serve`: one route per catalog path, the My APIs, and
jsrt's own paths under `/_jsrt` (faults, reset, world)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeGuard

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from jsrt.api.catalog import CATALOG, Method
from jsrt.api.catalog import Route as ApiRoute
from jsrt.api.errors import ApiError, BadRequest, NotFound
from jsrt.api.wire import NO_BODY, from_wire
from jsrt.describe import short_json
from jsrt.server.account import Account
from jsrt.server.api_schema import ADMIN_PREFIX
from jsrt.server.apis import MyApi
from jsrt.server.bounds import MAX_RETRY_AFTER_S, BoundedRequests
from jsrt.server.gate import Gate
from jsrt.server.responses import error_code, error_response, json_response, read_body
from jsrt.server.rest_handlers import RestCall
from jsrt.server.rest_table import REST_ROUTES, RestRoute

_ANY_VERB = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
"""A My API answers whatever method it is called with (its script reads options.method)."""


def create_app(account: Account, *, token: str) -> Starlette:
    """The Starlette app serving `account`, for requests bearing `token`, within the
    account's `limits`."""
    # The turn to change the world, awaited without holding a thread. A My API holds it
    # for its whole run (its runtime changes a copy of the world, put back at the end),
    # so a write from another request waits for it; reads never take it.
    world_turn = anyio.Lock()
    routes = [
        *_catalog_routes(account, world_turn),
        *_api_routes(account, world_turn),
        *_rest_table_routes(account, world_turn),
        Route(f"{ADMIN_PREFIX}/faults", _admin_faults(account), methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/reset", _admin_reset(account, world_turn), methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/world", _admin_world(account), methods=["GET"]),
    ]
    handlers = {404: _not_found, 405: _not_found}
    middleware = [
        Middleware(BoundedRequests, limits=account.limits),
        Middleware(Gate, account=account, token=token),
        Middleware(OneTrailingSlash),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
    app.router.redirect_slashes = False  # integrator.io answers, it does not redirect
    return app


class OneTrailingSlash:
    """Answers `/v1/exports/` as `/v1/exports`: integrator.io answers a REST path with a
    trailing slash as it answers the path without one, where Starlette would redirect
    (307), which clients that do not follow redirects read as a failure. Only for the
    REST paths (`/v1/...`): a My API declares its own path, slash and all."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        raw = scope.get("raw_path") or path.encode()
        # A key ending in an escaped %2F decodes to a trailing "/" too: not a slash to drop.
        if scope["type"] == "http" and path.startswith("/v1/") and raw.endswith(b"/"):
            scope = {**scope, "path": path[:-1], "raw_path": raw[:-1]}
        await self.app(scope, receive, send)


def _catalog_routes(account: Account, world_turn: anyio.Lock) -> list[Route]:
    """One route per catalog path (a method's own and its `other_routes`), dispatching on
    the verb."""
    by_path: dict[str, dict[str, tuple[Method, ApiRoute]]] = {}
    for method in CATALOG:
        for route in method.served_routes:
            by_path.setdefault(route.path, {})[route.verb] = (method, route)
    return [
        Route(
            _any_key(path),
            _call_endpoint(account, path, verbs, world_turn),
            methods=list(verbs),
        )
        for path, verbs in by_path.items()
    ]


def _any_key(path: str) -> str:
    """A route path whose `{key}` also matches a key holding `/`, so that the endpoint can
    tell an escaped `%2F` (part of the key) from a bare `/` (`_split_key`)."""
    return path.replace("{key}", "{key:path}")


def _split_key(request: Request, template: str) -> Response | None:
    """The 404 for a request whose raw path has more segments than its route's template:
    a state key with a bare `/`, which integrator.io routes as more path, not as a key.
    None when the path is the template's shape (an escaped `%2F` stays in the key)."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    if raw.split(b"?")[0].count(b"/") == template.count("/"):
        return None
    message = (
        f"{request.method} {request.url.path} is not an endpoint jsrt serve answers: a state key"
        " holding '/' must be sent escaped, as %2F"
    )
    return error_response(NotFound(message))


async def _not_json(request: Request) -> Response | None:
    """The 415 for a request whose body is not declared JSON: the lookup cache data API
    answers it when the Content-Type is not application/json (celigo-reference §3.3;
    developer.celigo.com API conventions: "Non-JSON bodies return 415"). A request without
    a body (getData's first page, purge) needs no Content-Type."""
    if not (await request.body()).strip():
        return None
    given = request.headers.get("content-type", "")
    media_type = given.partition(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return None
    message = (
        f"{request.method} {request.url.path}: Content-Type must be application/json, got "
        f"{given or 'none'}; send the body as JSON with Content-Type: application/json"
    )
    return error_response(ApiError(message, code="unsupported_media_type", status_code=415))


def _call_endpoint(
    account: Account,
    template: str,
    verbs: dict[str, tuple[Method, ApiRoute]],
    world_turn: anyio.Lock,
) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        if (split := _split_key(request, template)) is not None:
            return split
        method, route = verbs["GET" if request.method == "HEAD" else request.method]
        if method.kind == "data" and (refused := await _not_json(request)) is not None:
            return refused
        try:
            body = await read_body(request)
            arg = from_wire(method, request.path_params, request.query_params, body, route)
        except ApiError as err:
            return error_response(err)
        if not method.changes_account:
            return await run_in_threadpool(account.answer, method, arg, request.url, route)
        async with world_turn:
            return await run_in_threadpool(account.answer, method, arg, request.url, route)

    return endpoint


def _rest_table_routes(account: Account, world_turn: anyio.Lock) -> list[Route]:
    """One route per path of `jsrt.server.rest_table` (the REST endpoints no catalog entry
    maps to), dispatching on the verb to the row's handler."""
    by_path: dict[str, dict[str, RestRoute]] = {}
    for row in REST_ROUTES:
        by_path.setdefault(row.path, {})[row.verb] = row
    return [
        Route(_any_key(path), _rest_endpoint(account, path, rows, world_turn), methods=list(rows))
        for path, rows in by_path.items()
    ]


def _rest_endpoint(
    account: Account, template: str, rows: dict[str, RestRoute], world_turn: anyio.Lock
) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        if (split := _split_key(request, template)) is not None:
            return split
        row = rows["GET" if request.method == "HEAD" else request.method]
        call = RestCall(
            method=request.method,
            path_params=dict(request.path_params),
            query=request.query_params,
            url=request.url,
            headers=request.headers,
            raw=await request.body(),
        )
        try:
            if not row.changes_account:
                return await run_in_threadpool(row.handler, account, call)
            async with world_turn:
                return await run_in_threadpool(row.handler, account, call)
        except ApiError as err:
            return error_response(err)

    return endpoint


def _api_routes(account: Account, world_turn: anyio.Lock) -> list[Route]:
    async def by_id(request: Request) -> Response:
        api = account.apis.get(request.path_params["_id"])
        if api is None:
            known = ", ".join(account.apis) or "none are declared in the world file"
            message = f"no My API with _id {request.path_params['_id']!r} (known: {known})"
            return error_response(NotFound(message))
        return await _run_api(account, world_turn, api, request, {})

    def at_path(api: MyApi) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            return await _run_api(account, world_turn, api, request, dict(request.path_params))

        return endpoint

    routes = [
        Route("/v1/apis/{_id}/request", by_id, methods=_ANY_VERB),
        Route("/v1/apis/{_id}/request/{rest:path}", by_id, methods=_ANY_VERB),
    ]
    routes.extend(
        Route(api.path, at_path(api), methods=_ANY_VERB)
        for api in account.apis.values()
        if api.path
    )
    return routes


async def _run_api(
    account: Account,
    world_turn: anyio.Lock,
    api: MyApi,
    request: Request,
    path_params: dict[str, str],
) -> Response:
    """Run a My API on a thread (never on the event loop, which keeps answering other
    requests), one at a time: each holds the world's write turn for its run."""
    raw = await request.body()
    options = {
        "method": request.method,
        "headers": {k: v for k, v in request.headers.items() if k != "authorization"},
        "queryString": dict(request.query_params),
        "pathParams": path_params,
        "rawBody": raw.decode("utf-8", errors="replace"),
        "_apiId": api.api_id,
    }
    async with world_turn:
        return await run_in_threadpool(account.call_api, api, options)


def _admin_faults(account: Account) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        try:
            status, count, retry_after = _fault_request(
                await read_body(request), account.limits.max_pending_faults
            )
            account.add_faults(status, count, retry_after)
        except ApiError as err:
            return error_response(err)
        return Response(status_code=204)

    return endpoint


def _fault_request(body: Any, limit: int) -> tuple[int, int, float]:
    """`POST /_jsrt/faults`' status, count and retryAfter, each in its range, or a
    `BadRequest` that states the ranges."""
    fields = body if isinstance(body, dict) else {}
    status, count = fields.get("status"), fields.get("count", 1)
    retry_after = fields.get("retryAfter", 1)
    if (
        _is_int(status)
        and 400 <= status <= 599
        and _is_int(count)
        and 1 <= count <= limit
        and isinstance(retry_after, int | float)
        and not isinstance(retry_after, bool)
        and 0 <= retry_after <= MAX_RETRY_AFTER_S
    ):
        return status, count, retry_after
    expected = (
        f'{{"status": 400..599, "count": 1..{limit}, "retryAfter": 0..{MAX_RETRY_AFTER_S} seconds}}'
    )
    given = "no body" if body is NO_BODY else short_json(body)
    raise BadRequest(f"expected {expected}, got {given}")


def _is_int(value: object) -> TypeGuard[int]:
    """An int that is not a bool (JSON's true is not a count)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _admin_reset(account: Account, world_turn: anyio.Lock) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        async with world_turn:
            await run_in_threadpool(account.reset)
        return Response(status_code=204)

    return endpoint


def _admin_world(account: Account) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        return json_response(await run_in_threadpool(account.snapshot))

    return endpoint


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    message = f"{request.method} {request.url.path} is not an endpoint jsrt serve answers"
    code = error_code(HTTPStatus(status).phrase)
    return error_response(ApiError(message, code=code, status_code=status))
