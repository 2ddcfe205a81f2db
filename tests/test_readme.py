"""The README stays true: the catalog table is the catalog's own, the world-file example
loads and behaves as its prose says, and the testing examples pass as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from jsrt.api.docs import catalog_table_markdown
from jsrt.backends.local import load_world
from jsrt.runner import Runtime
from jsrt.server.routes_doc import served_routes_markdown

README = Path(__file__).parent.parent / "README.md"
CATALOG_START, CATALOG_END = "<!-- catalog:start -->", "<!-- catalog:end -->"
SERVED_START, SERVED_END = "<!-- served-routes:start -->", "<!-- served-routes:end -->"
WORLD_EXAMPLE = "<!-- world-example -->"
REGENERATE = (
    f"README.md's integrator-api table is out of date. Regenerate it with "
    f"`python -m jsrt.api.docs` and paste the output between {CATALOG_START} and "
    f"{CATALOG_END} in README.md."
)


def readme_catalog_table() -> str:
    """The text between the catalog markers, without the blank lines around it."""
    return readme_between(CATALOG_START, CATALOG_END)


def readme_between(start: str, end: str) -> str:
    """The text between two markers, without the blank lines around it."""
    text = README.read_text(encoding="utf-8")
    assert text.count(start) == 1 and text.count(end) == 1, (
        f"README.md must hold {start} and {end} once each"
    )
    between = text.split(start, 1)[1].split(end, 1)[0]
    return between.strip("\n") + "\n"


def readme_block(marker: str, language: str) -> str:
    """The fenced block of `language` right after `marker` in the README."""
    after = README.read_text(encoding="utf-8").split(marker, 1)
    assert len(after) == 2, f"README.md has no {marker} marker"
    block = re.match(rf"\s*```{language}\n(.*?)\n```", after[1], re.DOTALL)
    assert block, f"README.md: no ```{language} block right after {marker}"
    return block.group(1) + "\n"


@pytest.fixture
def readme_world_file(tmp_path: Path) -> Path:
    """The README's world-file example (the YAML block after its marker), as a file."""
    path = tmp_path / "world.yaml"
    path.write_text(readme_block(WORLD_EXAMPLE, "yaml"), encoding="utf-8")
    return path


def test_readme_catalog_table_is_the_generated_one() -> None:
    assert readme_catalog_table() == catalog_table_markdown(), REGENERATE


def test_the_regenerate_command_prints_the_table() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "jsrt.api.docs"], capture_output=True, text=True, check=True
    )
    assert printed.stdout == catalog_table_markdown()


def test_readme_served_routes_table_is_the_generated_one() -> None:
    """README lists what jsrt serve answers from the tables the server builds its routes
    from (the catalog and jsrt/server/rest_table.py)."""
    assert readme_between(SERVED_START, SERVED_END) == served_routes_markdown(), (
        "README.md's 'What jsrt serve answers' table is out of date. Regenerate it with "
        f"`python -m jsrt.server.routes_doc` and paste the output between {SERVED_START} "
        f"and {SERVED_END} in README.md."
    )


def test_the_served_routes_command_prints_the_table() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "jsrt.server.routes_doc"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert printed.stdout == served_routes_markdown()
    assert "`GET /v1/tokenInfo`" in printed.stdout  # a REST-only row
    assert "`POST /v1/flows/{_id}/run`" in printed.stdout  # a catalog route


def test_readme_world_example_loads(readme_world_file: Path) -> None:
    world = load_world(readme_world_file)
    assert world.get("flows", "orders")["_integrationId"] == "shop"
    assert world.cache_entries("skus") == {"A-100": {"ns": 1}}
    assert world.state_of("flows", "orders") == {"lastRun": "2025-01-14T12:00:00.000Z"}


def test_readme_world_example_serves_a_hook_as_described(
    readme_world_file: Path, write_script
) -> None:
    script = write_script(
        """
        import { exports, imports, lookupcaches } from 'integrator-api'
        function preSavePage(options) {
          const page = exports.run({ _id: 'getOrders' })
          const sent = imports.run({ _id: 'putOrders', data: page.data })
          const sku = lookupcaches.getData({ _id: 'skus', keys: ['A-100'] })
          return { data: [{ page: page.data, ids: sent.map((r) => r.id), sku: sku.data }] }
        }
        """
    )
    runtime = Runtime(readme_world_file)
    result = runtime.run_hook(script, "preSavePage", {"_flowId": "orders", "data": [{}]})
    assert result.ok, result.error
    assert result.value["data"] == [
        {
            "page": [{"id": 1}, {"id": 2}],
            "ids": ["ns-1", "ns-1"],
            "sku": [{"key": "A-100", "value": {"ns": 1}}],
        }
    ]
    assert runtime.world.imported("putOrders") == [{"id": 1}, {"id": 2}]


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of the preSavePage samples the testing examples use."""
    sample = Path(__file__).parent.parent / "sample_hooks" / "preSavePage"
    for name in ("skipSeenOrders.js", "world.yaml"):
        (tmp_path / name).write_text((sample / name).read_text(encoding="utf-8"))
    return tmp_path


def test_the_case_file_example_passes_under_jsrt_test(sample_copy: Path) -> None:
    from click.testing import CliRunner

    from jsrt.cli import main

    case = sample_copy / "readme.case.yaml"
    case.write_text(readme_block("<!-- readme-case -->", "yaml"), encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(case)])
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed" in result.output


def test_the_pytest_example_passes(sample_copy: Path) -> None:
    test_file = sample_copy / "test_skip_seen_orders.py"
    test_file.write_text(readme_block("<!-- readme-pytest -->", "python"), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        capture_output=True,
        text=True,
        cwd=sample_copy,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
