"""Fixtures for `jsrt types`: the libraries' declarations fetched once per session from
the npm registry, and the TypeScript compiler from it when node and npm are installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jsrt import modules
from jsrt.typings import declaration_files

TYPESCRIPT = "typescript@5.9.3"
"""The TypeScript compiler the tests check the declarations with (pinned: a new
compiler may word its errors differently)."""


@pytest.fixture(scope="session")
def _declarations_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("declarations-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(modules.CACHE_DIR_ENV, str(cache))
        patch.delenv(modules.MODULES_DIR_ENV, raising=False)
        patch.delenv(modules.REGISTRY_ENV, raising=False)
        declaration_files()
    return cache


@pytest.fixture
def declarations_cache(
    _declarations_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """This test's module cache, holding the session's fetched declarations."""
    cache = tmp_path / "module-cache"
    shutil.copytree(_declarations_cache, cache)
    monkeypatch.setenv(modules.CACHE_DIR_ENV, str(cache))
    monkeypatch.delenv(modules.MODULES_DIR_ENV, raising=False)
    monkeypatch.delenv(modules.REGISTRY_ENV, raising=False)
    return cache


@pytest.fixture(scope="session")
def tsc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TypeScript compiler, installed from the npm registry into a session folder."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(
            "node and npm are not on PATH: the TypeScript compiler that checks the"
            f" declarations ({TYPESCRIPT} from the npm registry) cannot run"
        )
    folder = tmp_path_factory.mktemp("typescript")
    installed = subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            "--prefix",
            str(folder),
            TYPESCRIPT,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if installed.returncode != 0:
        pytest.skip(f"npm could not install {TYPESCRIPT}: {installed.stderr.strip()[-500:]}")
    return folder / "node_modules" / "typescript" / "bin" / "tsc"
