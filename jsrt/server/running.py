"""Running `jsrt serve`'s app with uvicorn: a socket bound first (so its URL is known),
then served from a thread (tests, embedding) or until Ctrl-C (the CLI)."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator

import uvicorn
from starlette.types import ASGIApp

from jsrt.errors import InputError, JsrtError

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
