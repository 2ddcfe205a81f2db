"""The account `jsrt serve` answers for: a world behind the local backend, its My APIs,
and the faults and throttle tests ask for."""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import orjson
from starlette.datastructures import URL, QueryParams
from starlette.responses import Response

from jsrt.api.catalog import Method, Route
from jsrt.api.checks import check_request
from jsrt.api.errors import ApiError, BadRequest, RateLimited, ServerError
from jsrt.api.wire import empty_list_status, success_reply
from jsrt.backends.local import LocalBackend, StateDir, World
from jsrt.backends.local.persistence import StateNotSaved
from jsrt.errors import HookTimeout, JsrtError
from jsrt.server.apis import MyApi
from jsrt.server.bounds import MAX_LIST_LIMIT, MAX_SKIP, ServeLimits, query_count
from jsrt.server.jobs import JobBoard
from jsrt.server.projection import list_projection
from jsrt.server.responses import error_code, error_response, json_response, reply_response

if TYPE_CHECKING:
    from jsrt.runner import Runtime

DEFAULT_PAGE_SIZE = 100


class Account:
    """The account `jsrt serve` answers for: the world, its backend, its My APIs, and the
    faults and throttle tests asked for. Calls are answered one at a time; a My API runs
    outside that turn, against its runtime's copy of the world (`call_api`)."""

    def __init__(
        self,
        world: World,
        *,
        apis: tuple[MyApi, ...] = (),
        state_dir: StateDir | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        throttle: float | None = None,
        limits: ServeLimits | None = None,
    ) -> None:
        self.world = world
        self.apis = {api.api_id: api for api in apis}
        self.page_size = page_size
        self.limits = limits or ServeLimits()
        self._backend = LocalBackend(world)
        self._state_dir = state_dir
        self._lock = threading.Lock()
        self._faults: deque[_Fault] = deque()
        self._pending_faults = 0
        self._bucket = _Bucket(throttle) if throttle else None
        self._runtime: Runtime | None = None
        self.jobs = JobBoard()

    # ---- faults and throttle ------------------------------------------------------------

    def add_faults(self, status: int, count: int, retry_after: float = 1.0) -> None:
        """Make the next `count` API requests fail with `status`; a `BadRequest` when more
        than `limits.max_pending_faults` would be waiting. Kept as one entry per call, so
        memory grows with the calls, never with `count`."""
        with self._lock:
            limit = self.limits.max_pending_faults
            if count > limit - self._pending_faults:
                raise BadRequest(
                    f"at most {limit} faults may be pending and {self._pending_faults} are: "
                    f"count may be at most {limit - self._pending_faults} "
                    "(POST /_jsrt/reset clears them; jsrt serve --max-faults sets the limit)",
                    code="too_many_faults",
                )
            self._faults.append(_Fault(status, retry_after, count))
            self._pending_faults += count

    def refusal(self) -> Response | None:
        """A pending fault or the throttle's 429 for this request, or None to answer it."""
        with self._lock:
            if self._faults:
                fault = self._faults[0]
                status, retry_after = fault.status, fault.retry_after
                fault.left -= 1
                self._pending_faults -= 1
                if not fault.left:
                    self._faults.popleft()
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

    def answer(self, method: Method, arg: Any, url: URL, route: Route | None = None) -> Response:
        """The HTTP answer integrator.io gives for this call, requested at `route` (default:
        the method's own), its body checked by REST rules."""
        with self._lock:
            try:
                self._persist()  # what other processes saved in the state dir meanwhile
                checked = [check_request(method, arg, route)]
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
        """Whether a state put's key is already there (integrator.io answers `Created` if not)."""
        keys = self._backend.call("state", "getKeysForResource", [options])["keys"]
        return options["key"] in keys

    def _list_page(self, method: Method, items: list[Any], url: URL) -> Response:
        return self.list_page(items, url, empty_status=empty_list_status(method))

    def list_page(self, items: list[Any], url: URL, *, empty_status: int | None = None) -> Response:
        """A page of a list as integrator.io sends it: `?skip=&limit=` with a `Link` to the
        next page, or `empty_status` with no body for an empty list when it has one; each
        record projected as `include=` or `exclude=` asks (`jsrt.server.projection`)."""
        try:
            query = QueryParams(url.query)
            skip = query_count(query, "skip", default=0, low=0, high=MAX_SKIP)
            limit = query_count(query, "limit", default=self.page_size, low=1, high=MAX_LIST_LIMIT)
            project = list_projection(query)
        except ApiError as err:
            return error_response(err)
        if not items and empty_status is not None:
            return Response(status_code=empty_status)
        headers = {}
        if skip + limit < len(items):
            following = url.include_query_params(skip=skip + limit, limit=limit)
            headers["Link"] = f'<{following}>; rel="next"'
        page = items[skip : skip + limit]
        return json_response([project(item) for item in page] if project else page, headers=headers)

    @contextlib.contextmanager
    def turn(self) -> Iterator[World]:
        """The world for one request that no catalog entry answers: held under the
        account's lock, with what other processes saved in the state dir taken in first
        and what the request changed saved after."""
        with self._lock:
            self._persist()
            yield self.world
            self._persist()

    def reset(self) -> None:
        """Back to the seed (and saved, with a state dir), with no fault pending and every
        job's life cycle back at its start."""
        with self._lock:
            self.jobs.clear()
            self._faults.clear()
            self._pending_faults = 0
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
        """Run the API's handleRequest function and send what it returned.

        The run takes minutes at worst (`limits.api_timeout_s`), so it holds no lock: it
        runs in the API runtime (`_api_runtime`: the state dir's world, or a copy of the
        account's), and its changes are taken in afterwards. The caller gives it the world's write
        turn (`jsrt.server.app`), so no other write lands in between; reads go on.
        """
        runtime = self._api_runtime()
        try:
            result = runtime.run_hook(
                api.script,
                api.function,
                options,
                "handleRequest",
                source=api.source,
                timeout_s=self.limits.api_timeout_s,
            )
        except JsrtError as err:
            return error_response(ServerError(str(err), code="script_error"))
        with self._lock:
            if self._state_dir is not None:
                self._persist()  # what the My API saved in the state dir
            elif runtime.world.version != self.world.version:
                self.world.restore(runtime.world.snapshot(), version=runtime.world.version)
        if not result.ok:
            error = JsrtError.from_dict(result.error) if result.error else None
            if isinstance(error, HookTimeout):
                return error_response(
                    ApiError(error.message, code="script_timeout", status_code=504)
                )
            message = error.message if error else "failed"
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

    def _api_runtime(self) -> Runtime:
        """The runtime My APIs run in. With a state dir it keeps the world there too, so a
        run saves only what it changed, in its own transaction, and the account takes that
        in afterwards (other processes' writes made during the run are kept); without
        one, its world is a copy of the account's as it is now, put back after the run."""
        from jsrt.runner import Runtime  # the engine starts only when an API is called

        with self._lock:
            self._persist()  # what other processes saved meanwhile
            if self._runtime is None:
                if self._state_dir is not None:
                    self._runtime = Runtime(state_dir=self._state_dir.path)
                else:
                    copy = World.from_snapshot(self.world.snapshot(), check=False)
                    self._runtime = Runtime(copy)
            elif self._state_dir is None and self._runtime.world.version != self.world.version:
                self._runtime.world.restore(self.world.snapshot(), version=self.world.version)
            return self._runtime


@dataclass
class _Fault:
    """`left` more API requests fail with `status` (429s ask to wait `retry_after` s)."""

    status: int
    retry_after: float
    left: int


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
