"""`jsrt serve`: the local backend behind integrator.io's REST paths, over real HTTP.

The routes come from the catalog (`Method.route`) and each request is read back into a
call with `jsrt.backends.rest.from_wire`, the inverse of what the REST backend sends, so
`--backend rest --base-url http://127.0.0.1:PORT` exercises the REST backend end to end
against the same answers the local backend gives. What integrator.io does on the wire is
kept: the `{errors: [{code, message}]}` envelope with the error's status, 201 for create
and `flows.run`, 204 for delete, patch and purge, 204 for an empty flow or lookup cache
list, plain-text `OK` / `Created` for state writes, `Link: <...>; rel="next"` pages of
`?skip=&limit=` for lists, and a bare `{message}` 401 when the bearer token is missing or
wrong.

My API scripts declared in the world file answer at `/v1/apis/<_id>/request[/...]` and at
their own `path` (a Starlette path such as `/orders/{orderId}`, whose parameters become
`pathParams`), through `Runtime.run_hook(..., hook="handleRequest")`::

    apis:
      - {_id: orders-api, script: handlers.js, function: handleRequest, path: /orders/{orderId}}
      - {_id: ping, type: script, script: {_scriptId: s1, function: ping}}  # as exported;
        # its code is the `content` of the world's script document s1

Tests can make the server misbehave: `POST /_jsrt/faults {"status": 429, "count": 2,
"retryAfter": 1}` makes the next two API requests fail that way (429 with `Retry-After`,
or any 4xx/5xx), and `throttle` (`--throttle N`) answers 429 beyond N requests a second,
integrator.io's leaky bucket in small. `POST /_jsrt/reset` puts the world back to its
seed and `GET /_jsrt/world` shows its snapshot. Every path needs the bearer token.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL, Headers, QueryParams
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from jsrt.api.catalog import CATALOG, Method, check_args
from jsrt.backends.errors import ApiError, BadRequest, NotFound, RateLimited, ServerError
from jsrt.backends.local import LocalBackend, StateDir, World, load_world
from jsrt.backends.rest import NO_BODY, from_wire
from jsrt.errors import InputError, JsrtError
from jsrt.inputs import load_data_file

if TYPE_CHECKING:
    from jsrt.runner import Runtime

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PAGE_SIZE = 100
ADMIN_PREFIX = "/_jsrt"
EMPTY_LISTS_ARE_204 = ("flows", "lookupcaches")
"""integrator.io answers an empty list of these with 204 and no body (celigo-reference §3.1)."""

_API_KEYS = ("_id", "name", "type", "script", "_scriptId", "function", "path")
_ANY_VERB = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
"""A My API answers whatever method it is called with (its script reads options.method)."""


# ---- My API scripts ---------------------------------------------------------------------


@dataclass(frozen=True)
class MyApi:
    """A My API: a handleRequest script answering HTTP requests. `script` names the file
    (and the script in stack traces); `source`, when set, is its code, taken from a
    script document of the world rather than read from the file."""

    api_id: str
    script: Path
    function: str | None = None
    path: str | None = None
    name: str | None = None
    source: str | None = None


def load_served_world(path: str | Path) -> tuple[World, tuple[MyApi, ...]]:
    """The world a world file describes, and the My APIs its `apis` list declares.

    `apis` is read here, not by the local backend: it names script files, which only the
    server runs.
    """
    path = Path(path)
    data = load_data_file(path, what="world")
    if not isinstance(data, dict) or "apis" not in data:
        return load_world(path), ()
    declared = data.pop("apis")
    try:
        world = World(data)
    except InputError as err:
        details = {k: v for k, v in err.details.items() if k != "file"}
        message = f"{path}: {err.message}"
        raise InputError(message, hint=err.hint, file=str(path), **details) from None
    return world, _read_apis(declared, path, world)


def _read_apis(declared: Any, world_file: Path, world: World) -> tuple[MyApi, ...]:
    """The My APIs of the world's `apis` list. An entry is jsrt's short form
    `{_id, script: FILE, function?, path?}`, or an integrator.io API document as exported:
    `{_id, name, type: script, script: {_scriptId, function}}` (or the legacy
    `{_id, _scriptId, function}`), whose code is the `content` of the world's script
    document with that `_id`."""

    def fail(where: str, problem: str, hint: str) -> InputError:
        return InputError(f"{world_file}: {where}: {problem}", file=str(world_file), hint=hint)

    example = "apis: [{_id: orders-api, script: handlers.js, function: handleRequest}]"
    if not isinstance(declared, list):
        raise fail("apis", "expected a list of My APIs", example)
    apis: list[MyApi] = []
    for index, entry in enumerate(declared):
        where = f"apis[{index}]"
        if not isinstance(entry, dict):
            raise fail(where, "expected an object {_id, script, function?, path?}", example)
        unknown = [key for key in entry if key not in _API_KEYS]
        if unknown:
            raise fail(f"{where}.{unknown[0]}", "unknown key", f"allowed: {', '.join(_API_KEYS)}")
        if not isinstance(entry.get("_id"), str) or not entry["_id"]:
            raise fail(f"{where}._id", "required, a non-empty string", example)
        if entry.get("type", "script") != "script":
            raise fail(
                f"{where}.type",
                f"{entry['type']!r} APIs are built in integrator.io's builder, not scripted",
                "jsrt serve runs script-mode APIs (type: script, with a handleRequest "
                "function); leave builder-mode APIs out of the world file",
            )
        for key in ("function", "name", "path"):
            if key in entry and not isinstance(entry[key], str):
                raise fail(f"{where}.{key}", "expected a string", example)
        if isinstance(entry.get("script"), dict) or "_scriptId" in entry:
            script, function, source = _api_document_script(entry, where, world, fail)
        else:
            if not isinstance(entry.get("script"), str) or not entry["script"]:
                raise fail(f"{where}.script", "required, a non-empty string", example)
            script, function, source = world_file.parent / entry["script"], None, None
            if not script.is_file():
                raise fail(
                    f"{where}.script", f"{script} not found", "give it relative to this file"
                )
        route = entry.get("path")
        reserved = ("/v1/", f"{ADMIN_PREFIX}/")
        if route is not None and (not route.startswith("/") or route.startswith(reserved)):
            raise fail(
                f"{where}.path",
                f"{route!r} must start with / and stay out of /v1/ and {ADMIN_PREFIX}/",
                "for example /orders/{orderId}",
            )
        if any(api.api_id == entry["_id"] for api in apis):
            raise fail(f"{where}._id", f"duplicate _id {entry['_id']!r}", "give each its own _id")
        apis.append(
            MyApi(
                entry["_id"],
                script,
                function or entry.get("function"),
                route,
                entry.get("name"),
                source,
            )
        )
    return tuple(apis)


def _api_document_script(
    entry: dict[str, Any],
    where: str,
    world: World,
    fail: Callable[[str, str, str], InputError],
) -> tuple[Path, str | None, str]:
    """The script name, function and code an integrator.io API document points at."""
    reference = entry["script"] if isinstance(entry.get("script"), dict) else entry
    at = f"{where}.script" if reference is not entry else where
    script_id = reference.get("_scriptId")
    function = reference.get("function")
    if function is not None and not isinstance(function, str):
        raise fail(f"{at}.function", "expected a string", "the handler's name: handleRequest")
    document = world.get("scripts", script_id) if isinstance(script_id, str) else None
    if document is None:
        known = ", ".join(doc["_id"] for doc in world.docs("scripts"))
        known = known or "the world has no scripts"
        raise fail(
            f"{at}._scriptId",
            f"no script document with _id {script_id!r} (known: {known})",
            "add it under scripts: [{_id, name, content: <the script's code>}]",
        )
    content = document.get("content")
    if not isinstance(content, str) or not content.strip():
        raise fail(
            f"{at}._scriptId",
            f"the script document {script_id!r} has no `content` (its code)",
            "give the script's code as `content`, as integrator.io keeps it",
        )
    name = document.get("name") if isinstance(document.get("name"), str) else f"{script_id}.js"
    return Path(f"scripts/{name}"), function, content


# ---- the served account -------------------------------------------------------------------


class Account:
    """The account `jsrt serve` answers for: the world, its backend, its My APIs, and the
    faults and throttle tests asked for. Calls are answered one at a time."""

    def __init__(
        self,
        world: World,
        *,
        apis: tuple[MyApi, ...] = (),
        state_dir: StateDir | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        throttle: float | None = None,
    ) -> None:
        self.world = world
        self.apis = {api.api_id: api for api in apis}
        self.page_size = page_size
        self._backend = LocalBackend(world)
        self._state_dir = state_dir
        self._saved_version = world.version
        self._lock = threading.Lock()
        self._faults: deque[tuple[int, float]] = deque()
        self._bucket = _Bucket(throttle) if throttle else None
        self._runtime: Runtime | None = None

    # ---- faults and throttle ------------------------------------------------------------

    def add_faults(self, status: int, count: int, retry_after: float = 1.0) -> None:
        """Make the next `count` API requests fail with `status`."""
        with self._lock:
            self._faults.extend([(status, retry_after)] * count)

    def refusal(self) -> Response | None:
        """A pending fault or the throttle's 429 for this request, or None to answer it."""
        with self._lock:
            if self._faults:
                status, retry_after = self._faults.popleft()
            elif self._bucket is not None and (wait := self._bucket.take()) is not None:
                status, retry_after = 429, wait
            else:
                return None
        if status == 429:
            seconds = math.ceil(retry_after)
            error: ApiError = RateLimited(f"Too many requests. Retry after {seconds} seconds.")
            return _error_response(error, headers={"Retry-After": str(seconds)})
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:  # a status Python does not name, such as 599
            phrase = "Error"
        return _error_response(ApiError(phrase, code=_code(phrase), status_code=status))

    # ---- integrator-api calls -----------------------------------------------------------

    def answer(self, method: Method, arg: Any, url: URL) -> Response:
        """The HTTP answer integrator.io gives for this call."""
        with self._lock:
            try:
                checked = check_args(method, [arg])
                created = method.qualified == "state.putForResource" and not self._has_key(
                    checked[0]
                )
                value = self._backend.call(method.obj, method.name, checked)
            except ApiError as err:
                return _error_response(err)
            self._persist()
        if method.name == "find":
            return self._list_page(method, value, url)
        return _success(method, checked[0], value, created)

    def _has_key(self, options: dict[str, Any]) -> bool:
        keys = self._backend.call("state", "getKeysForResource", [options])["keys"]
        return options["key"] in keys

    def _list_page(self, method: Method, items: list[Any], url: URL) -> Response:
        try:
            query = QueryParams(url.query)
            skip = _count(query, "skip", 0)
            limit = _count(query, "limit", self.page_size)
        except ApiError as err:
            return _error_response(err)
        if not items and method.obj in EMPTY_LISTS_ARE_204:
            return Response(status_code=204)
        headers = {}
        if skip + limit < len(items):
            following = url.include_query_params(skip=skip + limit, limit=limit)
            headers["Link"] = f'<{following}>; rel="next"'
        return _json_response(items[skip : skip + limit], headers=headers)

    def reset(self) -> None:
        """Back to the seed (and saved, with a state dir)."""
        with self._lock:
            self.world.reset()
            self._persist()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return self.world.snapshot()

    def _persist(self) -> None:
        if self._state_dir is not None and self.world.version != self._saved_version:
            self._state_dir.save(self.world)
            self._saved_version = self.world.version

    # ---- My APIs ------------------------------------------------------------------------

    def call_api(self, api: MyApi, options: dict[str, Any]) -> Response:
        """Run the API's handleRequest function and send what it returned."""
        from jsrt.runner import Runtime  # the engine starts only when an API is called

        with self._lock:
            if self._runtime is None:
                self._runtime = Runtime(self.world)
            try:
                result = self._runtime.run_hook(
                    api.script, api.function, options, "handleRequest", source=api.source
                )
            except JsrtError as err:
                return _error_response(ServerError(str(err), code="script_error"))
            self._persist()
        if not result.ok:
            message = JsrtError.from_dict(result.error).message if result.error else "failed"
            return _error_response(ServerError(message, code="script_error"))
        reply = result.value
        headers = {str(k).lower(): str(v) for k, v in (reply.get("headers") or {}).items()}
        body = reply.get("body")
        if isinstance(body, dict | list):
            headers.setdefault("content-type", "application/json")
            content = orjson.dumps(body)
        else:
            headers.setdefault("content-type", "text/plain; charset=utf-8")
            content = str(body).encode()
        return Response(content, status_code=reply["statusCode"], headers=headers)


class _Bucket:
    """A leaky bucket of `rate` requests a second, holding `rate` (at least one)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self.level = self.capacity
        self.stamp = time.monotonic()

    def take(self) -> float | None:
        """None when the request may go; else the seconds until it may."""
        now = time.monotonic()
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.level >= 1:
            self.level -= 1
            return None
        return (1 - self.level) / self.rate


# ---- wire helpers -------------------------------------------------------------------------


def _success(method: Method, options: Any, value: Any, created: bool) -> Response:
    verb = method.route.verb if method.route else "GET"
    if method.kind == "state" and verb == "PUT":
        return PlainTextResponse("Created", 201) if created else PlainTextResponse("OK")
    if method.kind == "state" and verb == "DELETE":
        return PlainTextResponse("OK")
    if method.name == "get" and value is None:
        return _error_response(NotFound(f"no {method.obj} document with _id {options!r}"))
    if method.name in ("delete", "patch") or method.qualified == "lookupcaches.purgeData":
        return Response(status_code=204)
    created_status = method.name == "create" or method.qualified == "flows.run"
    return _json_response(value, status=201 if created_status else 200)


def _json_response(
    value: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(value), status, headers, media_type="application/json")


def _error_response(err: ApiError, headers: dict[str, str] | None = None) -> Response:
    return _json_response(err.to_wire(), status=err.status_code, headers=headers)


def _code(phrase: str) -> str:
    return phrase.lower().replace(" ", "_")


def _count(query: QueryParams, name: str, default: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not text.isdigit() or (name == "limit" and int(text) == 0):
        raise BadRequest(
            f"{name} must be a {'positive' if name == 'limit' else 'non-negative'} integer, "
            f"got {text!r}",
            code="invalid_query_params",
        )
    return int(text)


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return NO_BODY
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise BadRequest(f"the request body is not JSON: {err}", code="invalid_json") from None


# ---- the app ------------------------------------------------------------------------------


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
    middleware = [Middleware(_Gate, account=account, token=token)]
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
            arg = from_wire(method, request.path_params, request.query_params, await _body(request))
        except ApiError as err:
            return _error_response(err)
        return await run_in_threadpool(account.answer, method, arg, request.url)

    return endpoint


def _api_routes(account: Account) -> list[Route]:
    async def by_id(request: Request) -> Response:
        api = account.apis.get(request.path_params["_id"])
        if api is None:
            known = ", ".join(account.apis) or "none are declared in the world file"
            message = f"no My API with _id {request.path_params['_id']!r} (known: {known})"
            return _error_response(NotFound(message))
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
            body = await _body(request)
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
            return _error_response(problem)
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
        return _json_response(await run_in_threadpool(account.snapshot))

    return endpoint


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    message = f"{request.method} {request.url.path} is not an endpoint jsrt serve answers"
    code = _code(HTTPStatus(status).phrase)
    return _error_response(ApiError(message, code=code, status_code=status))


class _Gate:
    """Bearer auth on every path (a bare `{message}` 401, as integrator.io's middleware),
    then the faults and throttle on API paths."""

    def __init__(self, app: ASGIApp, account: Account, token: str) -> None:
        self.app = app
        self.account = account
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("authorization")
        refusal: Response | None = None
        if not given:
            refusal = _json_response({"message": "Unauthorized"}, status=401)
        elif not hmac.compare_digest(given.encode(), self.expected):
            refusal = _json_response({"message": "Bearer Authentication Failed"}, status=401)
        elif not scope["path"].startswith(f"{ADMIN_PREFIX}/"):
            refusal = self.account.refusal()
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


# ---- running it ---------------------------------------------------------------------------


def bind(host: str = DEFAULT_HOST, port: int = 0) -> socket.socket:
    """A listening socket (port 0: a free one), bound before the server starts so its URL
    is known and the port cannot be taken in between."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family)
    except OSError as err:
        raise InputError(
            f"cannot listen on {host}:{port}: {err.strerror or err}",
            hint="pick another --port (0 takes a free one), or stop what holds this one",
        ) from None
    # Connections inherit it: without it each answer (headers, then body) waits on the
    # client's delayed ACK, about 40 ms (asyncio sets it only on sockets it creates).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextlib.contextmanager
def running(app: ASGIApp, *, host: str = DEFAULT_HOST, port: int = 0) -> Iterator[str]:
    """Serve `app` from a thread while the block runs; yields the base URL. For tests and
    embedding: the server is stopped, and its port freed, when the block ends."""
    sock = bind(host, port)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise JsrtError("jsrt serve did not start within 10 s")
            time.sleep(0.01)
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


def serve_forever(app: ASGIApp, *, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Serve until interrupted (Ctrl-C); `announce` gets the base URL once listening."""
    sock = bind(host, port)
    announce(url_of(sock))
    with sock:
        uvicorn.Server(uvicorn.Config(app, log_level="info", lifespan="off")).run(sockets=[sock])
