"""The layout in docs/architecture.md holds in the code: imports point down the layers only,
no front end reaches into another's private names, nothing is loaded by an import string,
and every package the document names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "jsrt"

FRONT_ENDS = (
    "jsrt.cli",
    "jsrt.console",
    "jsrt.pytest_plugin",
    "jsrt.server",
    "jsrt.cases",
    "jsrt.check",
    "jsrt.reporting",
    "jsrt.expect",
    "jsrt.config",
    "jsrt.watch",
    "jsrt.terminal",
    "jsrt.__main__",
)
BOTTOM = (
    "jsrt.errors",
    "jsrt.describe",
    "jsrt.files",
    "jsrt.json_values",
    "jsrt.inputs",
    "jsrt.closest",
    "jsrt.document_schema",
)

# What each part may import besides itself and the bottom modules (docs/architecture.md).
_BELOW_FRONT_ENDS = (
    "jsrt.runner",
    "jsrt.flow",
    "jsrt.integration",
    "jsrt.run",
    "jsrt.hooks",
    "jsrt.loader",
    "jsrt.coverage",
    "jsrt.modules",
    "jsrt.backends",
    "jsrt.transform",
    "jsrt.api",
    "jsrt.worker",
    "jsrt.engine",
)
ALLOWED: dict[str, tuple[str, ...]] = {
    **{front: (*FRONT_ENDS, "jsrt.typings", *_BELOW_FRONT_ENDS) for front in FRONT_ENDS},
    "jsrt.typings": ("jsrt.hooks", "jsrt.loader", "jsrt.modules", "jsrt.api"),
    "jsrt.runner": _BELOW_FRONT_ENDS[1:],
    "jsrt.flow": (
        "jsrt.integration",
        "jsrt.run",
        "jsrt.hooks",
        "jsrt.loader",
        "jsrt.modules",
        "jsrt.backends",
        "jsrt.transform",
        "jsrt.api",
    ),
    "jsrt.run": _BELOW_FRONT_ENDS[4:],
    "jsrt.integration": ("jsrt.hooks", "jsrt.backends", "jsrt.api", "jsrt.loader", "jsrt.modules"),
    "jsrt.hooks": ("jsrt.loader", "jsrt.modules", "jsrt.api"),
    "jsrt.loader": ("jsrt.modules",),
    "jsrt.coverage": ("jsrt.loader", "jsrt.modules"),
    "jsrt.modules": (),
    "jsrt.backends": ("jsrt.transform", "jsrt.api", "jsrt.engine", "jsrt.modules"),
    "jsrt.transform": ("jsrt.api", "jsrt.engine", "jsrt.modules"),
    "jsrt.api": (),
    "jsrt.worker": ("jsrt.engine",),
    "jsrt.engine": (),
    "jsrt.js_shims": (),  # the isolate's JavaScript, as package data: no Python to import
    **{bottom: BOTTOM for bottom in BOTTOM},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part_of(module: str) -> str:
    for part in sorted(ALLOWED, key=len, reverse=True):
        if module == part or module.startswith(part + "."):
            return part
    raise AssertionError(f"{module} belongs to no part of docs/architecture.md")


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every jsrt import in a file,
    including those under `if TYPE_CHECKING:` and inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "jsrt":  # from jsrt import x
            found += [(f"jsrt.{alias.name}", [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: jsrt imports by absolute names only")
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return [(module, names, line) for module, names, line in found if module.startswith("jsrt")]


MODULES = sorted(set(PACKAGE.rglob("*.py")) - {PACKAGE / "__init__.py"})  # the root: a docstring


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down_the_layers(path: Path) -> None:
    here = _part_of(_module_name(path))
    for module, _names, line in _imports(path):
        there = _part_of(module)
        if there in (here, *BOTTOM):
            continue
        assert there in ALLOWED[here], f"{path}:{line}: {here} must not import {module}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_front_end_takes_another_front_ends_private_names(path: Path) -> None:
    here = _part_of(_module_name(path))
    for module, names, line in _imports(path):
        there = _part_of(module)
        if there in FRONT_ENDS and there != here:
            private = [name for name in names if name.startswith("_")]
            assert not private, f"{path}:{line}: {private} are private to {module}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_is_loaded_by_an_import_string(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = (
                function.attr
                if isinstance(function, ast.Attribute)
                else getattr(function, "id", None)
            )
            assert name not in ("import_module", "__import__"), (
                f"{path}:{node.lineno}: a module loaded by an import string"
            )


def test_every_package_the_architecture_names_exists() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:jsrt|js_shims|bench|tests)/[\w/.]*)`", text))
    assert named, "docs/architecture.md names no package"
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert not missing, f"docs/architecture.md names what does not exist: {missing}"
