"""The sample hooks in `sample_hooks/`: every script type has one, and all of them pass.

They are the README's tutorial and the first thing a new user runs, so a sample that
stopped passing (or a script type left without one) is a bug users see at once.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jsrt.cases import CaseFile, discover, load_case_file
from jsrt.cli import main
from jsrt.expect import ABSENT
from jsrt.hooks import CONTRACTS, infer_hook

SAMPLES = Path(__file__).resolve().parents[1] / "sample_hooks"


def jsrt_test(*paths: Path):
    return CliRunner().invoke(main, ["test", *map(str, paths)], catch_exceptions=False)


@pytest.fixture(scope="module")
def case_files() -> list[CaseFile]:
    return [load_case_file(path) for path in discover([SAMPLES])]


def test_every_sample_case_passes_under_jsrt_test(case_files: list[CaseFile]) -> None:
    count = sum(len(case_file.cases) for case_file in case_files)
    run = jsrt_test(SAMPLES)
    assert run.exit_code == 0, run.output
    assert run.output.count("PASS  ") == count
    assert run.output.splitlines()[-1] == f"{count} passed, 0 failed"
    assert count >= 3 * len(CONTRACTS)


@pytest.mark.parametrize("script_type", sorted(CONTRACTS))
def test_every_script_type_has_a_sample_with_several_cases(
    script_type: str, case_files: list[CaseFile]
) -> None:
    folder = SAMPLES / script_type
    mine = [f for f in case_files if f.path.parent == folder]
    assert mine, f"sample_hooks/{script_type}/ has no *.case.yaml"
    for case_file in mine:
        hooks = {case.hook or infer_hook(case.function or "") for case in case_file.cases}
        assert hooks == {script_type}, case_file.path
        assert len(case_file.cases) >= 3, case_file.path
    failing = [
        case
        for case_file in mine
        for case in case_file.cases
        if case.expect.error or case.expect.ok is False or case.expect.errors is not ABSENT
    ]
    assert failing, f"no sample case of {script_type} expects an error or per-record errors"


def test_the_samples_show_runs_state_and_lookup_caches(case_files: list[CaseFile]) -> None:
    """The calls a case expects are calls a passing sample makes."""
    expected_calls = {
        f"{call['object']}.{call['method']}"
        for case_file in case_files
        for case in case_file.cases
        for call in case.expect.calls or ()
    }
    shown = {
        "exports.run",
        "imports.run",
        "state.getForResource",
        "state.putForResource",
        "lookupcaches.getData",
        "lookupcaches.putData",
        "integrations.get",
        "integrations.update",
    }
    assert shown <= expected_calls
    world_views = {
        view
        for case_file in case_files
        for case in case_file.cases
        for view in case.expect.world or {}
    }
    assert {"state", "lookupcaches", "imported", "export_runs"} <= world_views


def test_a_broken_copy_of_a_sample_fails_with_a_readable_diff(tmp_path: Path) -> None:
    copy = tmp_path / "preMap"
    shutil.copytree(SAMPLES / "preMap", copy)
    script = copy / "enrichCustomers.js"
    source = script.read_text(encoding="utf-8")
    assert source.count("internalId: customer.internalId") == 1
    script.write_text(
        source.replace("internalId: customer.internalId", "internalId: customer.email"),
        encoding="utf-8",
    )
    run = jsrt_test(copy)
    assert run.exit_code == 1
    out = run.output
    assert f"FAIL  {copy / 'enrichCustomers.case.yaml'}::adds the NetSuite customer" in out
    assert "result: differs from the expected value" in out
    assert 'at $[0].data.customer.internalId: expected "1842", got "AP@acme.example"' in out
    assert "--- expected\n  +++ actual" in out
    assert '-        "internalId": "1842",' in out
    assert '+        "internalId": "AP@acme.example",' in out
    assert out.splitlines()[-1] == "2 passed, 2 failed"
    assert "Traceback" not in out


def test_pytest_collects_and_passes_the_samples_across_two_workers(
    case_files: list[CaseFile],
) -> None:
    """What a user runs in their own repository: the plugin collects the case files."""
    count = sum(len(case_file.cases) for case_file in case_files)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(SAMPLES), "-q", "-n", "2", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{count} passed" in run.stdout
