"""`RestBackend`: the `Backend` seam over httpx, answering from a real account.

The request and the answer's value come from the wire codec (`jsrt.api.wire`); this
module adds what only a client does: the bearer token, every page of a list, `undefined`
for a 404 `get`, retries after 429 within the run's deadline, refusing redirects and
links that would send the token elsewhere (see the package docstring), and taking the
token out of whatever comes back (a server or proxy that echoes it in an answer or an
error message must not hand it to the hook, its output or a cassette).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from jsrt.api.catalog import find_method
from jsrt.api.errors import ApiError, Unsupported
from jsrt.api.wire import NO_BODY, WireRequest, decode_answer, route_of, to_wire
from jsrt.backends.rest.failures import api_error, network_error, unexpected
from jsrt.backends.rest.guard import check_write, refuse_write
from jsrt.backends.rest.retry import retry_after
from jsrt.backends.rest.settings import RestSettings, read_token
from jsrt.backends.scrubbing import Scrubber, redacted_url


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
        token = read_token(settings.token_env)
        self._without_token = Scrubber(tokens=[token], by_name=False)
        self._client = httpx.Client(
            base_url=settings.base_url,
            headers={
                "Authorization": f"Bearer {token}",
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
        """The account's answer, with the token taken out of it (and out of any error)."""
        return self._answer_without_token(lambda: self._call(obj, method, args))

    def rest(self, verb: str, path: str, body: Any = NO_BODY) -> Any:
        """A REST call that is no integrator-api function (a script document: integrator-api
        has no `scripts` object, celigo-reference §3.5), with the same token, retries,
        errors and token scrubbing; refused unless `allow_writes` when `verb` is not
        GET. The answer's JSON, or None for a 404 GET (like `get`) or an empty answer."""
        if verb != "GET" and not self.settings.allow_writes:
            raise refuse_write(f"{verb} {path}", self.settings.base_url)
        return self._answer_without_token(lambda: self._rest(WireRequest(verb, path, body=body)))

    def _answer_without_token(self, answer: Callable[[], Any]) -> Any:
        """What `answer()` returns, or the `ApiError` it raises, with the token taken out."""
        try:
            return self._without_token(answer())
        except ApiError as err:
            scrubbed = self._without_token(err.to_dict())
            raise type(err)(
                scrubbed["message"],
                code=scrubbed["code"],
                status_code=scrubbed["statusCode"],
                errors=scrubbed["errors"],
            ) from None

    def _rest(self, request: WireRequest) -> Any:
        response = self._send(request)
        if request.verb == "GET" and response.status_code == 404:
            return None
        self._raise_for_status(request, response)
        return self._json(response, request) if response.content else None

    def _call(self, obj: str, method: str, args: list[Any]) -> Any:
        entry = find_method(obj, method)
        if entry is None:
            raise Unsupported(f"{obj}.{method} is not an integrator-api function")
        route_of(entry)  # no public route: Unsupported, before the write guard speaks
        check_write(entry, self.settings)
        request = to_wire(entry, args[0])
        if entry.name == "find":
            return self._find(request, args[0])
        response = self._send(request)
        if entry.name == "get" and response.status_code == 404:
            return None
        self._raise_for_status(request, response)
        return decode_answer(entry, response.status_code, response.content, response.text)

    # ---- requests ---------------------------------------------------------------------------

    def _find(self, request: WireRequest, query: dict[str, Any]) -> list[Any]:
        """Every page of a list (`Link` rel=next), filtered by `externalId`."""
        found: list[Any] = []
        pages = {(request.path, ())}
        while True:
            response = self._send(request)
            self._raise_for_status(request, response)
            if response.status_code != 204 and response.content:
                page = self._json(response, request)
                if not isinstance(page, list):
                    raise unexpected(request, f"expected a JSON array, got {type(page).__name__}")
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
            raise unexpected(
                request,
                f"the next page link {redacted_url(str(url))!r} leaves {expected_path} on "
                f"{self.settings.base_url}; jsrt sends the token nowhere else",
            )
        params = dict(url.params.multi_items())
        page = (request.path, tuple(sorted(params.items())))
        if page in pages:
            raise unexpected(
                request, f"the next page link {redacted_url(str(url))!r} repeats a page"
            )
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
                raise network_error(
                    self.settings, request, f"no answer within {timeout:.3g} s"
                ) from None
            except httpx.TransportError as err:
                raise network_error(
                    self.settings, request, str(err) or type(err).__name__
                ) from None
            if response.status_code != 429 or attempt == self.settings.max_tries:
                return response
            wait = min(retry_after(response), self.settings.max_wait_s)
            if self.deadline is not None and time.monotonic() + wait >= self.deadline:
                raise api_error(
                    self.settings,
                    request,
                    response,
                    self._text(response),
                    retried=attempt,
                    past_deadline=True,
                )
            time.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns")  # pragma: no cover

    def _timeout(self, request: WireRequest) -> float:
        timeout = self.settings.timeout_s
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise network_error(self.settings, request, "the hook's time limit has passed")
            timeout = min(timeout, left)
        return timeout

    def _raise_for_status(self, request: WireRequest, response: httpx.Response) -> None:
        if 300 <= response.status_code < 400:
            where = redacted_url(response.headers.get("Location", "elsewhere"))
            raise unexpected(
                request,
                f"the server redirects ({response.status_code}) to {where}; jsrt does not "
                "follow redirects with the token: give the final address as the base URL",
            )
        if response.status_code >= 400:
            retried = self.settings.max_tries if response.status_code == 429 else 0
            raise api_error(self.settings, request, response, self._text(response), retried=retried)

    def _text(self, response: httpx.Response) -> str:
        """The answer's text without the token, before any message cuts it short (a cut
        could leave part of the token, which no scrubbing would find)."""
        return self._without_token.text(response.text)

    def _json(self, response: httpx.Response, request: WireRequest) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            text = self._text(response)[:200]
            raise unexpected(request, f"the answer is not JSON ({text!r})") from None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default
