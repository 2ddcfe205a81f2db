"""Fixtures for the loader and the JavaScript libraries: V8 contexts, caches, a local mirror."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from py_mini_racer import MiniRacer

from jsrt import modules
from jsrt.engine._minirace import Primitive
from jsrt.engine.isolate import Isolate
from jsrt.loader import PreparedScript


@pytest.fixture
def isolate() -> Iterator[MiniRacer]:
    """A fresh V8 context, closed after the test (an open one can hang interpreter exit)."""
    context = MiniRacer()
    try:
        yield context
    finally:
        context.close()


class ScriptContext:
    """A jsrt isolate that evaluates prepared scripts as the runtime does (a strict scope
    of their own, `Isolate.eval_scoped`), and expressions as jsrt's own code."""

    def __init__(self, isolate: Isolate) -> None:
        self.isolate = isolate

    def run(self, prepared: PreparedScript) -> None:
        self.isolate.eval_scoped(
            prepared.code,
            filename=prepared.filename,
            prologue=prepared.prologue,
            epilogue=prepared.epilogue,
        )

    def eval(self, expression: str) -> Primitive:
        return self.isolate.eval(expression, filename="jsrt:test.js")


@pytest.fixture
def scripts() -> Iterator[ScriptContext]:
    """A fresh jsrt isolate for prepared scripts, closed after the test."""
    with Isolate(memory_mb=64) as isolate:
        yield ScriptContext(isolate)


@pytest.fixture
def module_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty per-test cache and no overrides; returns the cache folder."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(modules.CACHE_DIR_ENV, str(cache))
    monkeypatch.delenv(modules.MODULES_DIR_ENV, raising=False)
    monkeypatch.delenv(modules.REGISTRY_ENV, raising=False)
    return cache


@pytest.fixture(scope="session")
def registry_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache filled once per session by `ensure_all()` from the real npm registry."""
    cache = tmp_path_factory.mktemp("registry-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(modules.CACHE_DIR_ENV, str(cache))
        patch.delenv(modules.MODULES_DIR_ENV, raising=False)
        patch.delenv(modules.REGISTRY_ENV, raising=False)
        modules.ensure_all()
    return cache


@pytest.fixture
def cached_copy(registry_cache: Path, module_env: Path) -> Path:
    """This test's cache, holding a copy of the session's fetched libraries."""
    shutil.copytree(registry_cache, module_env)
    return module_env


class _Mirror(ThreadingHTTPServer):
    files: dict[str, bytes]
    requests: list[str]


class _MirrorHandler(BaseHTTPRequestHandler):
    server: _Mirror

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture(scope="session")
def registry_tarballs() -> dict[str, bytes]:
    """The locked tarballs, downloaded once per session, by URL path."""
    lock = json.loads(resources.files("jsrt").joinpath("modules.lock.json").read_text())
    tarballs = {}
    for entry in lock["libraries"]:
        response = httpx.get(entry["tarball"], timeout=30, follow_redirects=True)
        response.raise_for_status()
        tarballs[urlsplit(entry["tarball"]).path] = response.content
    return tarballs


@pytest.fixture(scope="session")
def _mirror_server(registry_tarballs: dict[str, bytes]) -> Iterator[_Mirror]:
    server = _Mirror(("127.0.0.1", 0), _MirrorHandler)
    server.files, server.requests = {}, []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def mirror(
    _mirror_server: _Mirror,
    registry_tarballs: dict[str, bytes],
    module_env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> _Mirror:
    """A registry mirror on loopback serving the real tarballs; tests may alter its files."""
    _mirror_server.files = dict(registry_tarballs)
    _mirror_server.requests = []
    monkeypatch.setenv(modules.REGISTRY_ENV, f"http://127.0.0.1:{_mirror_server.server_port}")
    return _mirror_server
