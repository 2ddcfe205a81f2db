"""Running `jsrt serve`'s app with uvicorn: a socket bound first (so its URL is known),
then served from a thread (tests, embedding) or until Ctrl-C (the CLI)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from jsrt.errors import InputError, JsrtError
from jsrt.server.bounds import READ_TIMEOUT_S, ServeLimits

DEFAULT_HOST = "127.0.0.1"


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


class _HeaderDeadline(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline on what the client still owes: a
    request's line and headers (uvicorn times out only idle keep-alive connections), and
    the rest of a body the app answered without reading (a 413): it is read and dropped,
    so the client gets the answer rather than a reset, until the deadline closes the
    connection. Before a request has arrived no answer can be sent: the connection is
    closed."""

    header_timeout_s: float = READ_TIMEOUT_S
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch_reads()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_reads()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch_reads()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def _watch_reads(self) -> None:
        """Arm the deadline while headers, or an answered request's body, are awaited;
        stop it otherwise (a body the app reads has `BoundedRequests`' read timeout)."""
        owed = self.conn.their_state is h11.IDLE or (
            self.conn.our_state is h11.DONE and self.conn.their_state is h11.SEND_BODY
        )
        if owed and self._deadline is None and not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.header_timeout_s, self._cut_off)
        elif not owed:
            self._stop_deadline()

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _cut_off(self) -> None:
        self._deadline = None
        self.transport.close()


def _config(app: ASGIApp, limits: ServeLimits, **options: Any) -> uvicorn.Config:
    """uvicorn's settings for `app` within `limits` (a deadline on request headers)."""
    protocol = type(
        "HeaderDeadline", (_HeaderDeadline,), {"header_timeout_s": limits.read_timeout_s}
    )
    return uvicorn.Config(app, http=protocol, lifespan="off", **options)


@contextlib.contextmanager
def running(
    app: ASGIApp, *, host: str = DEFAULT_HOST, port: int = 0, limits: ServeLimits | None = None
) -> Iterator[str]:
    """Serve `app` from a thread while the block runs; yields the base URL. For tests and
    embedding: the server is stopped, and its port freed, when the block ends."""
    sock = bind(host, port)
    config = _config(app, limits or ServeLimits(), log_level="warning", timeout_graceful_shutdown=1)
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


def serve_forever(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    announce: Callable[[str], None],
    limits: ServeLimits | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C); `announce` gets the base URL once listening."""
    sock = bind(host, port)
    announce(url_of(sock))
    with sock:
        uvicorn.Server(_config(app, limits or ServeLimits(), log_level="info")).run(sockets=[sock])
