"""Counts add up across runs, processes (data files, `jsrt test --coverage-data`) and
pytest-xdist workers (`pytest -n 2 --jsrt-cov`, run as a real pytest process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from jsrt.cli import main
from jsrt.coverage import CoverageCollector
from jsrt.errors import InputError
from jsrt.runner import Runtime

HOOK = """\
function preSavePage(options) {
  const out = []
  for (const record of options.data) {
    if (record.kind === 'a') {
      out.push({ ...record, a: true })
    } else {
      out.push(record)
    }
  }
  return { data: out, errors: options.errors, abort: false }
}
"""


def _counts(collector: CoverageCollector, name: str = "hook.js") -> list[int]:
    entry = next(e for key, e in collector.files.items() if key.endswith(name))
    return entry.counters


def test_collectors_of_separate_processes_merge_through_their_data_files(tmp_path: Path) -> None:
    script = tmp_path / "hook.js"
    script.write_text(HOOK, encoding="utf-8")
    first, second = CoverageCollector(), CoverageCollector()
    Runtime(coverage=first).run_hook(script, options={"data": [{"kind": "a"}]})
    Runtime(coverage=second).run_hook(script, options={"data": [{"kind": "b"}, {"kind": "b"}]})
    first.save(tmp_path / "one.json")
    second.save(tmp_path / "two.json")
    merged = CoverageCollector.load(tmp_path / "one.json")
    merged.merge(CoverageCollector.load(tmp_path / "two.json"))
    both = CoverageCollector()
    runtime = Runtime(coverage=both)
    runtime.run_hook(script, options={"data": [{"kind": "a"}]})
    runtime.run_hook(script, options={"data": [{"kind": "b"}, {"kind": "b"}]})
    assert _counts(merged) == _counts(both)
    assert sum(_counts(merged)) > sum(_counts(first))


def test_an_edited_script_starts_its_counts_again(tmp_path: Path) -> None:
    collector = CoverageCollector()
    runtime = Runtime(coverage=collector)
    runtime.run_hook("edited.js", "main", {}, source="function main() {\n  return 1\n}\n")
    runtime.run_hook("edited.js", "main", {}, source="function main() {\n  return 2\n}\n")
    entry = collector.files["edited.js"]
    assert "return 2" in entry.map.source and entry.counters == [1]


def test_data_that_is_not_coverage_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(orjson.dumps({"version": 1, "files": [{"map": {}}]}))
    with pytest.raises(InputError, match=r"data\.json: not jsrt coverage data"):
        CoverageCollector.load(path)


def _case_folder(tmp_path: Path) -> Path:
    (tmp_path / "hook.js").write_text(HOOK, encoding="utf-8")
    (tmp_path / "hook.case.yaml").write_text(
        textwrap.dedent(
            """\
            script: hook.js
            cases:
              - name: kind a
                options: {data: [{kind: a}]}
                expect: {ok: true}
            """
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_jsrt_test_coverage_prints_the_table_and_keeps_counts_across_invocations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _case_folder(tmp_path)
    monkeypatch.chdir(folder)
    runner = CliRunner()
    arguments = ["test", ".", "--coverage", "--coverage-data", "counts.json"]
    first = runner.invoke(main, [*arguments, "--coverage-report", "lcov:out/lcov.info"])
    assert first.exit_code == 0, first.output
    row = next(line for line in first.output.splitlines() if line.startswith("hook.js"))
    assert row.split() == ["hook.js", "83.3%", "50.0%", "100.0%", "83.3%", "7"]
    assert "coverage report: out/lcov.info" in first.output
    assert "DA:5,1" in (folder / "out" / "lcov.info").read_text(encoding="utf-8")
    second = runner.invoke(main, [*arguments, "--coverage-report", "lcov:out/lcov.info"])
    assert second.exit_code == 0, second.output
    assert "DA:5,2" in (folder / "out" / "lcov.info").read_text(encoding="utf-8")


def test_jsrt_test_refuses_an_unknown_report_kind_before_running(tmp_path: Path) -> None:
    folder = _case_folder(tmp_path)
    result = CliRunner().invoke(main, ["test", str(folder), "--coverage-report", "xml"])
    assert result.exit_code == 2
    assert "unknown coverage report 'xml'" in result.output
    assert "PASS" not in result.output


def _pytest(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("PYTEST_ADDOPTS", None)
    environment.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def pytest_project(tmp_path: Path) -> Path:
    (tmp_path / "hook.js").write_text(HOOK, encoding="utf-8")
    (tmp_path / "test_hook.py").write_text(
        textwrap.dedent(
            """\
            import os

            def test_kind_a(jsrt_run):
                assert jsrt_run("hook.js", options={"data": [{"kind": "a"}]}).ok
                with open("workers.txt", "a") as out:
                    out.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")

            def test_kind_b(jsrt_run):
                assert jsrt_run("hook.js", options={"data": [{"kind": "b"}, {"kind": "b"}]}).ok
            """
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_counts_merge_across_pytest_xdist_workers(pytest_project: Path) -> None:
    alone = _pytest(pytest_project, "-p", "no:xdist", "--jsrt-cov-report", "json:one.json")
    assert alone.returncode == 0, alone.stdout + alone.stderr
    # --dist each: both workers run both tests, so the merged counts are twice one run's
    run = _pytest(
        pytest_project,
        "-n",
        "2",
        "--dist",
        "each",
        "--jsrt-cov",
        "--jsrt-cov-report",
        "json:two.json",
        "--jsrt-cov-report",
        "term",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    workers = (pytest_project / "workers.txt").read_text().split()
    assert sorted(workers) == ["gw0", "gw1", "none"]
    one = orjson.loads((pytest_project / "one.json").read_bytes())
    two = orjson.loads((pytest_project / "two.json").read_bytes())
    (single,), (merged,) = one.values(), two.values()
    assert single["s"] == {"0": 2, "1": 2, "2": 3, "3": 1, "4": 2, "5": 2}
    assert merged["s"] == {key: 2 * count for key, count in single["s"].items()}
    assert merged["b"] == {"0": [2, 4]}
    row = next(line for line in run.stdout.splitlines() if line.startswith("hook.js"))
    assert row.split() == ["hook.js", "100.0%", "100.0%", "100.0%", "100.0%"]


def test_fail_under_fails_the_session_below_the_threshold(pytest_project: Path) -> None:
    (pytest_project / "pytest.ini").write_text(
        "[pytest]\njsrt_cov = true\njsrt_cov_fail_under = 90\n", encoding="utf-8"
    )
    run = _pytest(pytest_project, "-p", "no:xdist", "-k", "kind_a")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "FAIL: hook coverage 75.0% is below --jsrt-cov-fail-under 90" in run.stdout
    assert "1 passed" in run.stdout
    enough = _pytest(pytest_project, "-p", "no:xdist")
    assert enough.returncode == 0, enough.stdout + enough.stderr
    assert "hook coverage 100.0% reaches --jsrt-cov-fail-under 90" in enough.stdout


def test_a_world_script_that_cannot_load_is_not_listed_and_breaks_nothing() -> None:
    collector = CoverageCollector()
    collector.include("refused.js", "import _ from 'lodash'\nfunction main() {}\n")
    collector.include("broken.js", "function main( {\n")
    collector.include("fine.js", "function main() {\n  return 1\n}\n")
    assert sorted(collector.files) == ["fine.js"]
    assert collector.files["fine.js"].counters == [0]


def test_jsrt_test_lists_a_script_no_selected_case_ran_at_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _case_folder(tmp_path)
    (folder / "other.js").write_text("function preMap(options) {\n  return []\n}\n")
    (folder / "other.case.yaml").write_text(
        "script: other.js\ncases:\n  - name: other\n    options: {data: []}\n"
    )
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["test", ".", "-k", "kind a", "--coverage"])
    assert result.exit_code == 0, result.output
    rows = {
        line.split()[0]: line.split()[1:] for line in result.output.splitlines() if ".js" in line
    }
    assert rows["other.js"] == ["0.0%", "100.0%", "0.0%", "0.0%", "2"]
    assert rows["hook.js"][0] == "83.3%"


def test_jsrt_test_fails_under_the_coverage_threshold(tmp_path: Path) -> None:
    folder = _case_folder(tmp_path)
    below = CliRunner().invoke(main, ["test", str(folder), "--coverage-fail-under", "90"])
    assert below.exit_code == 1, below.output
    assert below.output.rstrip().endswith("FAIL: coverage 75.0% is below --coverage-fail-under 90")
    assert "1 passed, 0 failed" in below.output
    enough = CliRunner().invoke(main, ["test", str(folder), "--coverage-fail-under", "75"])
    assert enough.exit_code == 0, enough.output
    refused = CliRunner().invoke(main, ["test", str(folder), "--coverage-fail-under", "101"])
    assert refused.exit_code == 2 and "101" in refused.output


def test_the_project_configs_threshold_applies_to_jsrt_test_and_a_flag_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _case_folder(tmp_path)
    (folder / "jsrt.toml").write_text("[coverage]\nfail_under = 90\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    below = CliRunner().invoke(main, ["test", "."])
    assert below.exit_code == 1, below.output
    assert "FAIL: coverage 75.0% is below --coverage-fail-under 90" in below.output
    overridden = CliRunner().invoke(main, ["test", ".", "--coverage-fail-under", "70"])
    assert overridden.exit_code == 0, overridden.output


def test_the_project_configs_threshold_applies_to_pytest(pytest_project: Path) -> None:
    (pytest_project / "jsrt.toml").write_text("[coverage]\nfail_under = 90\n", encoding="utf-8")
    run = _pytest(pytest_project, "-p", "no:xdist", "-k", "kind_a", "--jsrt-cov")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "FAIL: hook coverage 75.0% is below --jsrt-cov-fail-under 90" in run.stdout


def test_one_script_reached_by_two_paths_is_one_file_of_the_report(tmp_path: Path) -> None:
    (tmp_path / "pages.js").write_text(HOOK, encoding="utf-8")
    (tmp_path / "group").mkdir()
    collector = CoverageCollector()
    runtime = Runtime(coverage=collector)
    for script in (tmp_path / "pages.js", tmp_path / "group" / ".." / "pages.js"):
        result = runtime.run_hook(str(script), "preSavePage", {"data": [{"kind": "a"}]})
        assert result.ok, result.error
    assert list(collector.files) == [str(tmp_path / "pages.js")]
    (entry,) = collector.files.values()
    assert entry.map.filename == str(tmp_path / "pages.js")
    assert max(entry.counters) == 2  # both runs counted on the one file


def test_coverage_data_from_another_checkout_merges_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A CI matrix: each machine checks the project out into its own folder; the data one
    # writes names the project's scripts relative to the project's root.
    first, second = tmp_path / "runner-1" / "repo", tmp_path / "runner-2" / "checkout"
    for project in (first, second):
        (project / "hooks").mkdir(parents=True)
        (project / "jsrt.toml").write_text("", encoding="utf-8")
        (project / "hooks" / "pages.js").write_text(HOOK, encoding="utf-8")

    def run_in(project: Path) -> CoverageCollector:
        monkeypatch.chdir(project)
        collector = CoverageCollector()
        script = project / "hooks" / "pages.js"
        result = Runtime(coverage=collector).run_hook(
            str(script), "preSavePage", {"data": [{"kind": "a"}]}
        )
        assert result.ok, result.error
        return collector

    run_in(first).save(first / "coverage.json")
    saved = orjson.loads((first / "coverage.json").read_bytes())
    assert [item["map"]["filename"] for item in saved["files"]] == ["hooks/pages.js"]
    here = run_in(second)
    here.merge(CoverageCollector.load(first / "coverage.json"))
    assert list(here.files) == [str(second / "hooks" / "pages.js")]
    (entry,) = here.files.values()
    assert max(entry.counters) == 2
