"""The declared schemas of user documents, and the bottom helpers they share."""

from __future__ import annotations

import ast
from pathlib import Path

import jsrt
from jsrt.api.catalog import CATALOG
from jsrt.backends.local.schema import COLLECTIONS, TOP_LEVEL_KEYS, WorldDocument
from jsrt.cases.backend_keys import BACKEND_KEYS
from jsrt.cases.schema import CaseDocument, CasesDocument, Expect, WorldExpectation
from jsrt.closest import closest, json_diff
from jsrt.expect import WORLD_VIEWS
from jsrt.inputs import position_of, text_positions

PACKAGE = Path(jsrt.__file__).parent


def test_expect_world_declares_exactly_the_world_views() -> None:
    assert tuple(WorldExpectation.model_fields) == WORLD_VIEWS


def test_every_backend_key_is_a_known_case_key() -> None:
    assert set(BACKEND_KEYS) <= set(CaseDocument.model_fields)
    assert set(CaseDocument.model_fields) - {"name", "expect"} == set(
        CasesDocument.model_fields
    ) - {"cases"}
    assert "calls_count" in Expect.model_fields


def test_the_world_collections_are_the_catalogs_resources_plus_scripts() -> None:
    resources = {method.obj for method in CATALOG if method.kind == "crud"}
    assert set(COLLECTIONS) == resources | {"scripts"}
    assert tuple(WorldDocument.model_fields) == ("idSeed", *COLLECTIONS, "state", "apis")
    assert set(TOP_LEVEL_KEYS) == set(WorldDocument.model_fields)


def test_positions_name_keys_and_list_items_and_fall_back_to_the_enclosing_part() -> None:
    positions = text_positions("a:\n  - x: 1\n  - 2\n", "t.yaml")
    assert positions[("a",)] == (1, 1)
    assert positions[("a", 0, "x")] == (2, 5)
    assert positions[("a", 1)] == (3, 5)
    assert position_of(positions, ("a", 1, "deeper")) == (3, 5)
    assert text_positions("a: [", "t.yaml") == {}


def test_closest_is_the_first_of_the_best_scored_and_skips_the_unscored() -> None:
    assert closest([3, 9, 9, 1], lambda n: n) == (1, 9)
    assert closest([3, 9], lambda n: None if n > 5 else n) == (0, 3)
    assert closest([1], lambda n: None) is None
    assert json_diff([1], [2], before_name="recorded", after_name="this run").startswith(
        "--- recorded\n+++ this run"
    )


def _jsrt_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jsrt"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("jsrt"))
    return found


def test_the_bottom_helpers_import_only_the_bottom() -> None:
    bottom = {"jsrt.errors", "jsrt.describe", "jsrt.files", "jsrt.json_values", "jsrt.inputs"}
    for name in ("closest", "document_schema", "inputs", "describe"):
        assert _jsrt_imports(PACKAGE / f"{name}.py") <= bottom, name
