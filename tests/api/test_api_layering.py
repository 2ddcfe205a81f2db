"""The api layer is the bottom of the integrator-api stack: nothing under jsrt/api imports
a backend, and no backend imports a front end. Read from the source with `ast`, so an
import hidden in a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jsrt

JSRT = Path(jsrt.__file__).parent
FRONT_ENDS = (
    "jsrt.cli",
    "jsrt.console",
    "jsrt.pytest_plugin",
    "jsrt.server",
    "jsrt.cases",
    "jsrt.reporting",
    "jsrt.expect",
)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, absolute names (jsrt uses no relative imports)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def _offenders(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad: dict[str, list[str]] = {}
    for path in sorted((JSRT / folder).rglob("*.py")):
        hits = sorted(name for name in _imports(path) if any(_within(name, f) for f in forbidden))
        if hits:
            bad[str(path.relative_to(JSRT))] = hits
    return bad


def test_the_api_layer_imports_no_backend_and_no_front_end() -> None:
    assert _offenders("api", ("jsrt.backends", *FRONT_ENDS, "jsrt.runner")) == {}


def test_backends_import_no_front_end() -> None:
    assert _offenders("backends", (*FRONT_ENDS, "jsrt.runner")) == {}


@pytest.mark.parametrize("folder", ["api", "backends"])
def test_the_walk_sees_the_files(folder: str) -> None:
    assert list((JSRT / folder).rglob("*.py")), folder
