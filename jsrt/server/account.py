"""The account `jsrt serve` answers for: a world behind the local backend, its My APIs,
and the faults and throttle tests ask for."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import orjson
from starlette.datastructures import URL, QueryParams
from starlette.responses import Response

from jsrt.api.catalog import Method
from jsrt.api.checks import check_args
from jsrt.api.errors import ApiError, BadRequest, RateLimited, ServerError
from jsrt.api.wire import empty_list_status, success_reply
from jsrt.backends.local import LocalBackend, StateDir, World
from jsrt.backends.local.persistence import StateNotSaved
from jsrt.errors import JsrtError
from jsrt.server.apis import MyApi
from jsrt.server.responses import error_code, error_response, json_response, reply_response

if TYPE_CHECKING:
    from jsrt.runner import Runtime

DEFAULT_PAGE_SIZE = 100


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
            return error_response(error, headers={"Retry-After": str(seconds)})
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:  # a status Python does not name, such as 599
            phrase = "Error"
        return error_response(ApiError(phrase, code=error_code(phrase), status_code=status))

    # ---- integrator-api calls -----------------------------------------------------------

    def answer(self, method: Method, arg: Any, url: URL) -> Response:
        """The HTTP answer integrator.io gives for this call."""
        with self._lock:
            try:
                self._persist()  # what other processes saved in the state dir meanwhile
                checked = check_args(method, [arg])
                key_was_new = method.served == "text_created" and not self._has_key(checked[0])
                value = self._backend.call(method.obj, method.name, checked)
                self._persist()
            except ApiError as err:
                return error_response(err)
        if method.served in ("page", "page_or_empty"):
            return self._list_page(method, value, url)
        try:
            return reply_response(success_reply(method, checked[0], value, key_was_new=key_was_new))
        except ApiError as err:
            return error_response(err)

    def _has_key(self, options: dict[str, Any]) -> bool:
        """Whether a state put's key is already there (integrator.io answers 201 if not)."""
        keys = self._backend.call("state", "getKeysForResource", [options])["keys"]
        return options["key"] in keys

    def _list_page(self, method: Method, items: list[Any], url: URL) -> Response:
        try:
            query = QueryParams(url.query)
            skip = _count(query, "skip", 0)
            limit = _count(query, "limit", self.page_size)
        except ApiError as err:
            return error_response(err)
        empty_status = empty_list_status(method)
        if not items and empty_status is not None:
            return Response(status_code=empty_status)
        headers = {}
        if skip + limit < len(items):
            following = url.include_query_params(skip=skip + limit, limit=limit)
            headers["Link"] = f'<{following}>; rel="next"'
        return json_response(items[skip : skip + limit], headers=headers)

    def reset(self) -> None:
        """Back to the seed (and saved, with a state dir)."""
        with self._lock:
            self.world.reset()
            self._persist()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            self._persist()
            return self.world.snapshot()

    def _persist(self) -> None:
        """Save what the world changed to the state dir and take in what other processes
        saved there; a `ServerError` when the changes could not be saved."""
        if self._state_dir is None:
            return
        try:
            self._state_dir.sync(self.world)
        except StateNotSaved as err:
            raise ServerError(err.message, code="state_not_saved") from None

    # ---- My APIs ------------------------------------------------------------------------

    def call_api(self, api: MyApi, options: dict[str, Any]) -> Response:
        """Run the API's handleRequest function and send what it returned."""
        from jsrt.runner import Runtime  # the engine starts only when an API is called

        with self._lock:
            if self._runtime is None:
                self._runtime = Runtime(self.world)
            try:
                self._persist()
                result = self._runtime.run_hook(
                    api.script, api.function, options, "handleRequest", source=api.source
                )
                self._persist()
            except ApiError as err:
                return error_response(err)
            except JsrtError as err:
                return error_response(ServerError(str(err), code="script_error"))
        if not result.ok:
            message = JsrtError.from_dict(result.error).message if result.error else "failed"
            return error_response(ServerError(message, code="script_error"))
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
