"""The import direction of the lower layers, read from the source (every import, at any
depth, TYPE_CHECKING blocks included): `jsrt.engine` is V8 only and `jsrt.worker` runs a
program it is handed, so neither may reach up into what uses them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

JSRT = Path(__file__).resolve().parents[1] / "jsrt"

FORBIDDEN = {
    "engine": (
        "jsrt.api",
        "jsrt.backends",
        "jsrt.hooks",
        "jsrt.worker",
        "jsrt.run",
        "jsrt.runner",
        "jsrt.cli",
        "jsrt.console",
        "jsrt.pytest_plugin",
        "jsrt.server",
        "jsrt.cases",
        "jsrt.reporting",
        "jsrt.expect",
    ),
    "worker": ("jsrt.api", "jsrt.backends", "jsrt.hooks", "jsrt.run", "jsrt.runner"),
}


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports (absolute names; relative imports resolved)."""
    package = ".".join(path.relative_to(JSRT.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _reaches(module: str, forbidden: str) -> bool:
    return module == forbidden or module.startswith(forbidden + ".")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_lower_layer_imports_nothing_above_it(layer: str) -> None:
    files = sorted((JSRT / layer).rglob("*.py"))
    assert files, f"jsrt/{layer} has no modules"
    wrong = [
        f"{path.relative_to(JSRT.parent)} imports {module}"
        for path in files
        for module in sorted(imported_modules(path))
        if any(_reaches(module, forbidden) for forbidden in FORBIDDEN[layer])
    ]
    assert not wrong, "\n".join(wrong)


def test_no_jsrt_module_is_loaded_by_an_import_string() -> None:
    calls = [
        f"{path.relative_to(JSRT.parent)}:{node.lineno}"
        for path in sorted(JSRT.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "import_module"
    ]
    assert not calls, "importlib.import_module in: " + ", ".join(calls)
