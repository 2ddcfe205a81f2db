"""The REST backend: integrator-api calls answered by a real integrator.io account (httpx).

Every catalog function with a `route` becomes one HTTP request. `to_wire` says how a
call's (checked) argument becomes that request and `from_wire` how a server reads it
back; `jsrt serve` uses `from_wire`, so the client and the local server cannot drift
apart. The mapping: path placeholders (`{_id}`, `{resourceType}`, `{key}`) come from
the argument; a document is the body of create/update; the remaining options are the
body of a run; `state.putForResource` sends its `value` as the body; `patch` sends the
script's patch as given (an object of fields or JSON-Patch operations);
`lookupcaches.getData` sends `{keys}` and takes `pageSize` and a `nextPageURL`'s query
as query parameters.

Decisions worth knowing:

- The base URL is explicit, else `$INTEGRATOR_IO_BASE_URL`, else the region's (`us`,
  `eu`). The bearer token is read from `$INTEGRATOR_IO_TOKEN` (or the variable
  `token_env` names) by the process that makes the calls, the engine's worker; it never
  travels in a run request and is never put in a message, a log or a cassette.
- The token goes only to the base URL: a `nextPageURL` is reduced to its query, and a
  `Link` to another origin or another path is refused.
- Calls that change the account are refused unless `allow_writes` (`--allow-writes`);
  reads and export runs are allowed (`changes_account`).
- 429 is retried after `Retry-After` (capped, and never past the run's deadline), at
  most `max_tries` attempts in all. 5xx and network failures are not retried: they come
  back as errors that say what failed and where.
- Errors keep integrator.io's shape: the `{errors: [{code, message}]}` envelope, the
  bare `{message}` of a 401 and plain text all become the same `ApiError` the local
  backend raises (`code`, `statusCode`, `errors`), so the thrown JS `Error` agrees.
- `get` of an unknown `_id` answers `undefined` (404), like the local backend; a 204 or
  empty body answers `[]` for `find`, `{keys: []}` for `getKeysForResource`, else
  `undefined`; the plain-text `OK` / `Created` of a state write answers `undefined`.
- `find` follows `Link: <...>; rel="next"` pages and filters by `externalId` itself
  (integrator.io documents no query filter for it).
- A function with no public route (`imports.runMapping`) fails as `Unsupported`: jsrt
  does not guess an endpoint.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import orjson

from jsrt.api.catalog import Method, Route, find_method
from jsrt.backends.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    InvalidArgument,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    Unauthorized,
    Unprocessable,
    Unsupported,
)
from jsrt.errors import UsageError

REGIONS = {"us": "https://api.integrator.io", "eu": "https://api.eu.integrator.io"}
DEFAULT_REGION = "us"
TOKEN_ENV = "INTEGRATOR_IO_TOKEN"
BASE_URL_ENV = "INTEGRATOR_IO_BASE_URL"
WRITES_FLAG = "--allow-writes"

NO_BODY: Any = type("NoBody", (), {"__repr__": lambda self: "NO_BODY"})()
"""A request without a body (distinct from a JSON `null` body)."""

_PLACEHOLDER = re.compile(r"{(\w+)}")
_ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    413: PayloadTooLarge,
    422: Unprocessable,
    429: RateLimited,
}


# ---- which base URL, which token ---------------------------------------------------------


def resolve_base_url(
    base_url: str | None = None,
    region: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The account's API root: `base_url`, else `$INTEGRATOR_IO_BASE_URL`, else the region's."""
    environ = os.environ if environ is None else environ
    if base_url is not None and region is not None:
        raise UsageError(
            "give either a base URL or a region, not both",
            hint="--base-url points at any server (jsrt serve, a proxy); --region picks "
            "integrator.io's own (us or eu)",
        )
    if region is not None:
        if region not in REGIONS:
            raise UsageError(
                f"unknown region {region!r}; integrator.io has {', '.join(REGIONS)}",
                hint="use --region us (api.integrator.io) or --region eu (api.eu.integrator.io)",
            )
        return REGIONS[region]
    chosen = base_url or environ.get(BASE_URL_ENV) or REGIONS[DEFAULT_REGION]
    source = "--base-url" if base_url else BASE_URL_ENV if environ.get(BASE_URL_ENV) else "region"
    parts = urlsplit(chosen)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise UsageError(
            f"{source}: {chosen!r} is not an http(s) URL of an API root",
            hint="give it like https://api.integrator.io or http://127.0.0.1:7420",
        )
    return chosen.rstrip("/")


def read_token(token_env: str, environ: Mapping[str, str] | None = None) -> str:
    """The bearer token held by the environment variable `token_env` (never shown)."""
    token = _token_in(token_env, environ)
    if not token:
        raise UsageError(
            f"the REST backend needs an integrator.io API token in ${token_env}, which is "
            "not set in the process that runs the hooks",
            hint=f"create an API token in a sandbox account and export {token_env}=<token> "
            "before starting jsrt",
            token_env=token_env,
        )
    return token


def token_fingerprint(token_env: str, environ: Mapping[str, str] | None = None) -> str:
    """A short digest of the token `token_env` holds ('' when none): how the caller tells
    whether the engine's worker, which copied the environment when it started, still
    holds the caller's token, without the token crossing to it."""
    token = _token_in(token_env, environ)
    return hashlib.sha256(token.encode()).hexdigest()[:16] if token else ""


def _token_in(token_env: str, environ: Mapping[str, str] | None) -> str:
    return (os.environ if environ is None else environ).get(token_env, "").strip()


@dataclass(frozen=True)
class RestSettings:
    """How the REST backend reaches the account. Plain data: it crosses to the worker."""

    base_url: str
    token_env: str = TOKEN_ENV
    allow_writes: bool = False
    timeout_s: float = 30.0
    max_tries: int = 4
    max_wait_s: float = 10.0

    @classmethod
    def resolve(
        cls,
        *,
        base_url: str | None = None,
        region: str | None = None,
        token_env: str | None = None,
        allow_writes: bool = False,
    ) -> RestSettings:
        """Settings from what the user gave, the environment filling the rest."""
        if token_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token_env):
            raise UsageError(
                f"{token_env!r} is not an environment variable name",
                hint="give the name of the variable that holds the token, not the token",
            )
        return cls(
            base_url=resolve_base_url(base_url, region),
            token_env=token_env or TOKEN_ENV,
            allow_writes=allow_writes,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---- what changes an account ----------------------------------------------------------------


def changes_account(method: Method) -> bool:
    """Whether the call would change the account: create, update, patch, delete, state
    put/delete, lookup cache put/delete/purge, and import and flow runs. Reads and export
    runs do not."""
    if method.kind == "crud":
        return method.name not in ("find", "get")
    if method.kind == "run":
        return method.obj != "exports"
    if method.kind == "state":
        return method.route is None or method.route.verb != "GET"
    return method.name != "getData"


def refuse_write(method: Method, base_url: str) -> Forbidden:
    """The error for a write the user did not allow."""
    return Forbidden(
        f"{method.qualified} would change the integrator.io account at {base_url}; jsrt "
        f"refuses writes to a real account unless you opt in with {WRITES_FLAG} "
        "(allow_writes=True in Python, allow_writes: true in a case file)",
        code="writes_not_allowed",
    )


# ---- the wire mapping (shared with jsrt serve) ---------------------------------------------


@dataclass(frozen=True)
class WireRequest:
    """One HTTP request: verb, path (placeholders filled and quoted), query, JSON body."""

    verb: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = NO_BODY


def route_of(method: Method) -> Route:
    """The function's REST route, or `Unsupported` when integrator.io publishes none."""
    if method.route is None:
        raise Unsupported(
            f"{method.qualified} has no public integrator.io REST endpoint, so the REST "
            "backend cannot run it (jsrt does not guess one). Run this hook on the local "
            "backend (--backend local) to exercise it"
        )
    return method.route


def path_names(route: Route) -> list[str]:
    """The placeholders of a route's path, in order."""
    return _PLACEHOLDER.findall(route.path)


def fill_path(route: Route, values: Mapping[str, Any]) -> str:
    """The route's path with each placeholder replaced by its value, URL-quoted."""
    return _PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), route.path)


def to_wire(method: Method, arg: Any) -> WireRequest:
    """The request for a call whose argument `check_args` normalised (see the module doc)."""
    route = route_of(method)
    if method.shape in ("id", "query"):
        values = {"_id": arg} if method.shape == "id" else {}
    else:
        values = arg
    path = fill_path(route, values)
    if method.shape == "document":
        return WireRequest(route.verb, path, body=arg)
    if method.shape != "options":
        return WireRequest(route.verb, path)
    rest = {k: v for k, v in arg.items() if k not in path_names(route)}
    if method.kind == "state":
        body = rest.get("value") if route.verb == "PUT" else NO_BODY
        return WireRequest(route.verb, path, body=body)
    if method.name == "patch":
        return WireRequest(route.verb, path, body=rest["patch"])
    if method.qualified == "lookupcaches.getData":
        return _get_data_request(route, path, rest)
    return WireRequest(route.verb, path, body=rest if rest else NO_BODY)


def _get_data_request(route: Route, path: str, options: dict[str, Any]) -> WireRequest:
    params: dict[str, str] = {}
    page_url = options.get("nextPageURL")
    if page_url is not None:
        parts = urlsplit(page_url)
        if not parts.path.endswith(path):
            raise InvalidArgument(
                f"lookupcaches.getData: nextPageURL {page_url!r} is not a page of this cache; "
                f"pass back the nextPageURL of the previous answer ({path}?...)"
            )
        params.update(parse_qsl(parts.query))
    if options.get("pageSize") is not None:
        params["pageSize"] = str(options["pageSize"])
    body = {"keys": options["keys"]} if options.get("keys") is not None else NO_BODY
    return WireRequest(route.verb, path, params, body)


def from_wire(
    method: Method,
    path_params: Mapping[str, str],
    query: Mapping[str, str],
    body: Any,
) -> Any:
    """The call argument a request made by `to_wire` stands for (`NO_BODY` when none).

    The result still goes through `check_args`, as a script's argument does.
    """
    route = route_of(method)
    given = {name: path_params[name] for name in path_names(route)}
    if method.shape == "query":
        return {}
    if method.shape == "id":
        return given["_id"]
    body = None if body is NO_BODY else body
    if method.shape == "document":
        return {**body, **given} if isinstance(body, dict) else body
    if method.kind == "state":
        return {**given, "value": body} if route.verb == "PUT" else given
    if method.name == "patch":
        return {**given, "patch": body}
    if method.qualified == "lookupcaches.getData":
        options: dict[str, Any] = dict(given)
        if isinstance(body, dict) and "keys" in body:
            options["keys"] = body["keys"]
        if "pageSize" in query:
            options["pageSize"] = query["pageSize"]
        if "startAfterKey" in query:
            after = quote(query["startAfterKey"], safe="")
            options["nextPageURL"] = f"{fill_path(route, given)}?startAfterKey={after}"
        return options
    if body is None:
        return given
    return {**body, **given} if isinstance(body, dict) else body


# ---- the client -----------------------------------------------------------------------------


class RestBackend:
    """Answers integrator-api calls from the account at `settings.base_url`.

    `deadline` (a `time.monotonic()` value) is the end of the hook run: no request and no
    429 wait goes past it, because V8 cannot interrupt a bridge call.
    """

    def __init__(
        self,
        settings: RestSettings,
        *,
        deadline: float | None = None,
    ) -> None:
        self.settings = settings
        self.deadline = deadline
        self._origin = _origin(settings.base_url)
        self._client = httpx.Client(
            base_url=settings.base_url,
            headers={
                "Authorization": f"Bearer {read_token(settings.token_env)}",
                "Accept": "application/json",
                "User-Agent": "jsrt",
            },
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RestBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def call(self, obj: str, method: str, args: list[Any]) -> Any:
        entry = find_method(obj, method)
        if entry is None:
            raise Unsupported(f"{obj}.{method} is not an integrator-api function")
        route_of(entry)  # no public route: Unsupported, before the write guard speaks
        if changes_account(entry) and not self.settings.allow_writes:
            raise refuse_write(entry, self.settings.base_url)
        request = to_wire(entry, args[0])
        if entry.name == "find":
            return self._find(request, args[0])
        response = self._send(request)
        if entry.name == "get" and response.status_code == 404:
            return None
        self._raise_for_status(request, response)
        return _decode(entry, response)

    # ---- requests ---------------------------------------------------------------------------

    def _find(self, request: WireRequest, query: dict[str, Any]) -> list[Any]:
        """Every page of a list (`Link` rel=next), filtered by `externalId`."""
        found: list[Any] = []
        pages = {(request.path, ())}
        while True:
            response = self._send(request)
            self._raise_for_status(request, response)
            if response.status_code != 204 and response.content:
                page = _json(response, request)
                if not isinstance(page, list):
                    raise _unexpected(request, f"expected a JSON array, got {type(page).__name__}")
                found.extend(page)
            link = response.links.get("next", {}).get("url")
            if not link:
                break
            request = self._next_page(request, response.request.url.join(link), pages)
        if "externalId" in query:
            return [
                d
                for d in found
                if isinstance(d, dict) and d.get("externalId") == query["externalId"]
            ]
        return found

    def _next_page(
        self, request: WireRequest, url: httpx.URL, pages: set[tuple[str, tuple]]
    ) -> WireRequest:
        """The request for a `Link` page: the same list on the same server, a new query."""
        expected_path = urlsplit(self.settings.base_url).path.rstrip("/") + request.path
        if _origin(str(url)) != self._origin or url.path != expected_path:
            raise _unexpected(
                request,
                f"the next page link {str(url)!r} leaves {expected_path} on "
                f"{self.settings.base_url}; jsrt sends the token nowhere else",
            )
        params = dict(url.params.multi_items())
        page = (request.path, tuple(sorted(params.items())))
        if page in pages:
            raise _unexpected(request, f"the next page link {str(url)!r} repeats a page")
        pages.add(page)
        return WireRequest("GET", request.path, params)

    def _send(self, request: WireRequest) -> httpx.Response:
        """One request, retried after `Retry-After` while integrator.io answers 429."""
        headers = {}
        content = None
        if request.body is not NO_BODY:
            content = orjson.dumps(request.body)
            headers["Content-Type"] = "application/json"
        for attempt in range(1, self.settings.max_tries + 1):
            timeout = self._timeout(request)
            try:
                response = self._client.request(
                    request.verb,
                    request.path,
                    params=request.params or None,
                    content=content,
                    headers=headers,
                    timeout=timeout,
                )
            except httpx.TimeoutException:
                raise self._network_error(request, f"no answer within {timeout:.3g} s") from None
            except httpx.TransportError as err:
                raise self._network_error(request, str(err) or type(err).__name__) from None
            if response.status_code != 429 or attempt == self.settings.max_tries:
                return response
            wait = min(_retry_after(response), self.settings.max_wait_s)
            if self.deadline is not None and time.monotonic() + wait >= self.deadline:
                raise self._api_error(request, response, retried=attempt, past_deadline=True)
            time.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns")  # pragma: no cover

    def _timeout(self, request: WireRequest) -> float:
        timeout = self.settings.timeout_s
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise self._network_error(request, "the hook's time limit has passed")
            timeout = min(timeout, left)
        return timeout

    # ---- errors -----------------------------------------------------------------------------

    def _raise_for_status(self, request: WireRequest, response: httpx.Response) -> None:
        if 300 <= response.status_code < 400:
            where = response.headers.get("Location", "elsewhere")
            raise _unexpected(
                request,
                f"the server redirects ({response.status_code}) to {where}; jsrt does not "
                "follow redirects with the token: give the final address as the base URL",
            )
        if response.status_code >= 400:
            retried = self.settings.max_tries if response.status_code == 429 else 0
            raise self._api_error(request, response, retried=retried)

    def _api_error(
        self,
        request: WireRequest,
        response: httpx.Response,
        *,
        retried: int = 0,
        past_deadline: bool = False,
    ) -> ApiError:
        """integrator.io's answer as the `ApiError` the local backend would raise."""
        status = response.status_code
        message, code, errors = _error_parts(response)
        where = f"{request.verb} {request.path}"
        if status == 401:
            message = (
                f"integrator.io refused the API token ({message}) on {where}: set "
                f"{self.settings.token_env} to a valid API token of the account at "
                f"{self.settings.base_url}"
            )
        elif status == 429:
            why = (
                "waiting longer would pass the hook's time limit"
                if past_deadline
                else f"still rate limited after {retried} tries"
            )
            message = f"integrator.io rate limited {where} ({why}): {message}"
        elif status >= 500:
            reason = response.reason_phrase or "server error"
            message = f"integrator.io failed with {status} {reason} on {where}: {message}"
        klass = _ERRORS_BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
        return klass(message, code=code, status_code=status, errors=errors)

    def _network_error(self, request: WireRequest, reason: str) -> ServerError:
        return ServerError(
            f"could not reach integrator.io at {self.settings.base_url} for {request.verb} "
            f"{request.path}: {reason}. Check the base URL or region, and the network",
            code="network_error",
            status_code=503,
        )


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def _error_parts(response: httpx.Response) -> tuple[str, str | None, list[dict[str, Any]] | None]:
    """(message, code, errors) from an envelope, a bare `{message}`, or plain text."""
    try:
        body = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        errors = [e if isinstance(e, dict) else {"message": str(e)} for e in body["errors"]]
        message = "; ".join(str(e.get("message", "")) for e in errors)
        code = errors[0].get("code")
        return message, code if isinstance(code, str) else None, errors
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"], None, None
    text = response.text.strip()
    return (text[:500] if text else response.reason_phrase or str(response.status_code)), None, None


def _retry_after(response: httpx.Response) -> float:
    """Seconds to wait: `Retry-After` as seconds or an HTTP date; 1 when absent."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _json(response: httpx.Response, request: WireRequest) -> Any:
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise _unexpected(request, f"the answer is not JSON ({response.text[:200]!r})") from None


def _unexpected(request: WireRequest, problem: str) -> ServerError:
    """An answer the REST backend cannot use (502: the server, not the hook, is wrong)."""
    return ServerError(
        f"{request.verb} {request.path}: {problem}", code="unexpected_response", status_code=502
    )


def _decode(method: Method, response: httpx.Response) -> Any:
    """The call's value from a successful answer (see the module doc for empty ones)."""
    if response.status_code == 204 or not response.content:
        return {"keys": []} if method.name == "getKeysForResource" else None
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        if route_of(method).verb == "GET":
            return response.text
        return None  # a write's plain-text acknowledgement: OK, Created
