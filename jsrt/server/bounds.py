"""What `jsrt serve` will hold for one client: the size of a request body, how long a
half-sent request may stall, how many faults may wait, how long a My API may run, and
the ranges of the numbers a query may carry. Each bound answers a clear 4xx in
integrator.io's `{errors: [{code, message}]}` envelope instead of memory or a hang.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import anyio
from starlette.datastructures import Headers, QueryParams
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jsrt.api.checks import parse_digits
from jsrt.api.errors import ApiError, BadRequest, PayloadTooLarge
from jsrt.describe import describe
from jsrt.errors import UsageError
from jsrt.server.responses import error_response

MIB = 1024 * 1024

MAX_BODY_BYTES = 8 * MIB
"""integrator.io keeps a page, and a lookup cache's data per call, to 5 MB
(celigo-reference.md §2.4, S15, S5/S7); 8 MiB holds that with the JSON around it."""

READ_TIMEOUT_S = 30.0
"""How long a request's line and headers may take to arrive, and how long its body may
pause between two reads (nginx's client_header_timeout and client_body_timeout)."""

MAX_REQUESTS = 100
"""How many requests jsrt serve answers at once (each may hold a body); more get 503."""

MAX_PENDING_FAULTS = 1000
"""How many faults `POST /_jsrt/faults` may leave waiting: more than any test needs."""

MAX_RETRY_AFTER_S = 3600
"""The longest `retryAfter` a fault may ask clients to wait."""

MAX_LIST_LIMIT = 1000
"""The most documents a list answers at once: integrator.io's pagination documents a
default of 1000 (developer.celigo.com pagination, celigo-reference.md §7.8, S8)."""

MAX_SKIP = 1_000_000_000
"""The furthest a list's `skip=` may reach (no world holds a billion documents)."""


@dataclass(frozen=True)
class ServeLimits:
    """The bounds of one `jsrt serve` (each is a `jsrt serve` option)."""

    max_body_bytes: int = MAX_BODY_BYTES
    read_timeout_s: float = READ_TIMEOUT_S
    max_pending_faults: int = MAX_PENDING_FAULTS
    max_requests: int = MAX_REQUESTS
    api_timeout_s: float | None = None
    """A My API run's time limit; None: the runtime's default for a hook."""

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if value is None and name == "api_timeout_s":
                continue
            if not number or not 0 < value < math.inf:
                raise UsageError(
                    f"ServeLimits.{name} must be a positive finite number, got {describe(value)}"
                )


def query_count(query: QueryParams, name: str, *, default: int, low: int, high: int) -> int:
    """The integer query parameter `name` (`default` when absent), or a `BadRequest` that
    names it and the range it accepts."""
    text = query.get(name)
    if text is None:
        return default
    value = parse_digits(text)
    if value is None or not low <= value <= high:
        raise BadRequest(
            f"query parameter {name} must be an integer from {low} to {high}, "
            f"got {describe(text).removeprefix('the string ')}",
            code="invalid_query_params",
        )
    return value


class _BodyTooLarge(Exception):
    """The body grew past the limit while it was read."""


class _ReadTimedOut(Exception):
    """The client stopped sending the body."""


class BoundedRequests:
    """ASGI middleware: beyond `max_requests` in flight a request gets 503; a request
    body over `max_body_bytes` gets 413 (at once when its Content-Length says so, else
    as soon as the bytes read pass it; the rest is dropped as it arrives, never kept);
    a body that pauses longer than `read_timeout_s` between reads gets 408 and the
    connection closed."""

    def __init__(self, app: ASGIApp, limits: ServeLimits) -> None:
        self.app = app
        self.limits = limits
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limits.max_requests:
            await error_response(self._busy(), headers={"Retry-After": "1"})(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self._bounded(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _bounded(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            await error_response(self._too_large())(scope, receive, send)
            return
        started = False
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            try:
                with anyio.fail_after(self.limits.read_timeout_s):
                    message = await receive()
            except TimeoutError:
                raise _ReadTimedOut from None
            received += len(message.get("body", b""))
            if received > self.limits.max_body_bytes:
                raise _BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, watched_send)
        except ClientDisconnect:
            return  # the client left mid-body: there is no one to answer
        except (_BodyTooLarge, _ReadTimedOut) as stopped:
            if started:
                raise
            if isinstance(stopped, _BodyTooLarge):
                await error_response(self._too_large())(scope, receive, send)
            else:
                await error_response(self._stalled(), headers={"Connection": "close"})(
                    scope, receive, send
                )

    def _busy(self) -> ApiError:
        return ApiError(
            f"jsrt serve is answering {self.limits.max_requests} requests already; retry "
            "(jsrt serve --max-requests sets how many it answers at once)",
            code="service_unavailable",
            status_code=503,
        )

    def _too_large(self) -> ApiError:
        limit = self.limits.max_body_bytes
        return PayloadTooLarge(
            f"the request body is over jsrt serve's limit of {limit} bytes "
            "(jsrt serve --max-body sets it)"
        )

    def _stalled(self) -> ApiError:
        seconds = self.limits.read_timeout_s
        return ApiError(
            f"the request body stopped arriving for {seconds:g} s "
            "(jsrt serve --read-timeout sets how long it may pause)",
            code="request_timeout",
            status_code=408,
        )
