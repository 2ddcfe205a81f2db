"""The Starlette app of `jsrt serve`: one route per catalog path, the My APIs, and
jsrt's own paths under `/_jsrt` (faults, reset, world)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jsrt.api.catalog import CATALOG, Method
from jsrt.api.errors import ApiError, BadRequest, NotFound
from jsrt.api.wire import from_wire
from jsrt.server.account import Account
from jsrt.server.api_schema import ADMIN_PREFIX
from jsrt.server.apis import MyApi
from jsrt.server.gate import Gate
from jsrt.server.responses import error_code, error_response, json_response, read_body

_ANY_VERB = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
"""A My API answers whatever method it is called with (its script reads options.method)."""


def create_app(account: Account, *, token: str) -> Starlette:
    """The Starlette app serving `account`, for requests bearing `token`."""
    routes = [
        *_catalog_routes(account),
        *_api_routes(account),
        Route(f"{ADMIN_PREFIX}/faults", _admin_faults(account), methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/reset", _admin_reset(account), methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/world", _admin_world(account), methods=["GET"]),
    ]
    handlers = {404: _not_found, 405: _not_found}
    middleware = [Middleware(Gate, account=account, token=token)]
    return Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)


def _catalog_routes(account: Account) -> list[Route]:
    """One route per catalog path, dispatching on the verb."""
    by_path: dict[str, dict[str, Method]] = {}
    for method in CATALOG:
        if method.route is not None:
            by_path.setdefault(method.route.path, {})[method.route.verb] = method
    return [
        Route(
            path.replace("{key}", "{key:path}"), _call_endpoint(account, verbs), methods=list(verbs)
        )
        for path, verbs in by_path.items()
    ]


def _call_endpoint(account: Account, verbs: dict[str, Method]) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        method = verbs["GET" if request.method == "HEAD" else request.method]
        try:
            arg = from_wire(
                method, request.path_params, request.query_params, await read_body(request)
            )
        except ApiError as err:
            return error_response(err)
        return await run_in_threadpool(account.answer, method, arg, request.url)

    return endpoint


def _api_routes(account: Account) -> list[Route]:
    async def by_id(request: Request) -> Response:
        api = account.apis.get(request.path_params["_id"])
        if api is None:
            known = ", ".join(account.apis) or "none are declared in the world file"
            message = f"no My API with _id {request.path_params['_id']!r} (known: {known})"
            return error_response(NotFound(message))
        return await _run_api(account, api, request, {})

    def at_path(api: MyApi) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            return await _run_api(account, api, request, dict(request.path_params))

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
    account: Account, api: MyApi, request: Request, path_params: dict[str, str]
) -> Response:
    raw = await request.body()
    options = {
        "method": request.method,
        "headers": {k: v for k, v in request.headers.items() if k != "authorization"},
        "queryString": dict(request.query_params),
        "pathParams": path_params,
        "rawBody": raw.decode("utf-8", errors="replace"),
        "_apiId": api.api_id,
    }
    return await run_in_threadpool(account.call_api, api, options)


def _admin_faults(account: Account) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        try:
            body = await read_body(request)
            status, count = body.get("status"), body.get("count", 1)
            retry_after = body.get("retryAfter", 1)
            valid = (
                isinstance(status, int)
                and 400 <= status <= 599
                and isinstance(count, int)
                and count >= 1
                and isinstance(retry_after, int | float)
                and retry_after >= 0
            )
            if not valid:
                raise BadRequest(
                    'expected {"status": 400..599, "count": N >= 1, "retryAfter": seconds}'
                )
        except (ApiError, AttributeError) as err:
            problem = err if isinstance(err, ApiError) else BadRequest("expected a JSON object")
            return error_response(problem)
        account.add_faults(status, count, retry_after)
        return Response(status_code=204)

    return endpoint


def _admin_reset(account: Account) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
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
