"""The contracts, the loader and the modules sit above the engine, the backends and the
worker, and below the run layer and the front ends: they import none of those."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jsrt

JSRT = Path(jsrt.__file__).parent
LAYER = sorted([*(JSRT / "hooks").rglob("*.py"), JSRT / "loader.py", JSRT / "modules.py"])

FORBIDDEN = (
    "jsrt.engine",
    "jsrt.backends",
    "jsrt.worker",
    "jsrt.run",
    "jsrt.runner",
    "jsrt.execute",
    "jsrt.cli",
    "jsrt.console",
    "jsrt.pytest_plugin",
    "jsrt.server",
    "jsrt.cases",
    "jsrt.reporting",
    "jsrt.expect",
)


def _imported(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (relative imports resolved)."""
    package = ".".join(path.relative_to(JSRT.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _is_under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("path", LAYER, ids=lambda p: str(p.relative_to(JSRT.parent)))
def test_the_layer_imports_nothing_above_or_beside_it(path: Path) -> None:
    wrong = sorted(
        name for name in _imported(path) if any(_is_under(name, bad) for bad in FORBIDDEN)
    )
    assert wrong == []


def test_the_walk_sees_the_imports_it_checks() -> None:
    assert "jsrt.hooks.base.Contract" in _imported(JSRT / "hooks" / "__init__.py")
    assert "jsrt.errors" in _imported(JSRT / "loader.py")
