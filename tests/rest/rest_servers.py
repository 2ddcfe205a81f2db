"""`jsrt serve` started for real on loopback, for the REST backend's tests.

Each server runs in a thread of the test process (uvicorn on a socket bound to a free
port of 127.0.0.1) and is stopped, its port freed, when the `serving` block ends.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsrt.backends.local import World
from jsrt.server import Account, create_app, running

TOKEN = "jsrt-test-token-7f3a9c2e51"
"""The bearer token every test server expects (and that must never reach a cassette)."""

SMALL_WORLD: dict[str, Any] = {
    "idSeed": "rest-tests",
    "integrations": [{"_id": "shop", "name": "Shop"}],
    "flows": [{"_id": "orderSync", "name": "Order sync", "_integrationId": "shop"}],
    "exports": [
        {
            "_id": f"e{n}",
            "name": f"Export {n}",
            "externalId": "even" if n % 2 == 0 else "odd",
            "mockOutput": {"page_of_records": [{"record": {"n": n}}]},
        }
        for n in range(1, 6)
    ],
    "imports": [{"_id": "putOrders", "name": "Put orders", "mockResponse": {"id": "ns-1"}}],
    "lookupcaches": [
        {
            "_id": "skuMap",
            "name": "SKU map",
            "data": [{"key": f"K{n}", "value": n} for n in range(1, 4)],
        },
    ],
    "state": {"flows/orderSync": {"lastRun": "2025-01-14"}},
}


@dataclass(frozen=True)
class Served:
    """A running server: its base URL and the account it answers for."""

    url: str
    account: Account


@contextlib.contextmanager
def serving(world: World | None = None, **account_options: Any) -> Iterator[Served]:
    """Serve `world` (default: `SMALL_WORLD`) with `TOKEN` while the block runs."""
    account = Account(world if world is not None else World(SMALL_WORLD), **account_options)
    with running(create_app(account, token=TOKEN), limits=account.limits) as url:
        yield Served(url, account)


def closed_port_url() -> str:
    """The URL of a loopback port nothing listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def dropping_server() -> Iterator[str]:
    """A loopback server that accepts each connection and closes it without answering."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def accept_and_drop() -> None:
        while not stop.is_set():
            try:
                connection, _ = sock.accept()
            except OSError:
                continue
            connection.recv(65536)
            connection.close()

    thread = threading.Thread(target=accept_and_drop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        sock.close()
