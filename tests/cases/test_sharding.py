"""`jsrt test --shard I/N` and the pytest plugin's `--jsrt-shard I/N`: N shards together run
every case exactly once, whichever machine, folder or process runs them, and their JUnit
reports merge."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

# Loaded here so pytester's in-process runs find them loaded (see test_cases_plugin.py).
import jsrt.cases
import jsrt.reporting
import jsrt.runner  # noqa: F401
from jsrt.cases.sharding import Shard, case_key, shard_of
from jsrt.cli import main

pytest_plugins = ["pytester"]

HOOK_JS = "function preSavePage(options) { return { data: options.data, errors: [] } }\n"


def write_suite(root: Path, files: int = 40) -> set[str]:
    """A project of `files` case files in nested folders (every third with two cases);
    returns every case's key, `path/relative/to/root.case.yaml::name`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'hooks'\n", encoding="utf-8")
    (root / "pages.js").write_text(HOOK_JS, encoding="utf-8")
    keys = set()
    for number in range(files):
        folder = root / "suite" / f"group{number % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        names = [f"case {number}"] + ([f"case {number} again"] if number % 3 == 0 else [])
        cases = "".join(
            f"  - name: {name}\n    data: [{{n: {number}}}]\n"
            f"    expect: {{result_subset: {{data: [{{n: {number}}}]}}}}\n"
            for name in names
        )
        text = f"script: ../../pages.js\ncases:\n{cases}"
        path = folder / f"c{number:02}.case.yaml"
        path.write_text(text, encoding="utf-8")
        keys.update(f"suite/group{number % 4}/c{number:02}.case.yaml::{name}" for name in names)
    return keys


def cli_shard(root: Path, shard: str, *args: str) -> tuple[list[str], dict]:
    """The keys of the cases `jsrt test --shard` ran (relative to `root`), and its JSON."""
    run = CliRunner().invoke(
        main, ["test", "--shard", shard, "--json", *args], catch_exceptions=False
    )
    assert run.exit_code == 0, run.output
    report = json.loads(run.output)
    ran = [case["id"] for case in report["cases"]]
    return [
        case_key(Path(case_id.split("::")[0]), case_id.split("::", 1)[1], root) for case_id in ran
    ], report


def test_the_shard_of_a_key_never_changes() -> None:
    # Pinned: machines of a matrix (any Python, any process) must agree on these forever;
    # changing the hash would move cases between shards in the middle of a CI upgrade.
    # The number is the first 8 bytes of SHA-256 (a.case.yaml::x: 791567db452e0e17...).
    assert [shard_of("suite/c00.case.yaml::case 0", n) for n in (1, 2, 3, 4, 7)] == [1, 2, 3, 4, 3]
    assert [shard_of(f"a.case.yaml::{name}", 3) for name in ("x", "y", "z", "w")] == [2, 1, 3, 3]
    assert shard_of("a.case.yaml::x", 1000) == 0x791567DB452E0E17 % 1000 + 1
    assert shard_of("orders/orders.case.yaml::totals each record", 4) == 3


def test_a_python_process_with_another_hash_seed_agrees() -> None:
    keys = [f"suite/c{n:02}.case.yaml::case {n}" for n in range(20)]
    here = [shard_of(key, 3) for key in keys]
    code = (
        "import json, sys; from jsrt.cases.sharding import shard_of; "
        "print(json.dumps([shard_of(k, 3) for k in json.loads(sys.argv[1])]))"
    )
    for seed in ("0", "12345"):
        other = subprocess.run(
            [sys.executable, "-c", code, json.dumps(keys)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        )
        assert json.loads(other.stdout) == here


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_n_shards_of_jsrt_test_run_every_case_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    every = write_suite(tmp_path)
    monkeypatch.chdir(tmp_path)
    ran: Counter[str] = Counter()
    for index in range(1, count + 1):
        keys, report = cli_shard(tmp_path, f"{index}/{count}", "suite")
        ran.update(keys)
        assert report["summary"]["shard"] == f"shard {index} of {count}"
        assert report["summary"]["other_shards"] == len(every) - len(keys)
    assert set(ran) == every
    assert set(ran.values()) == {1}


def test_the_split_does_not_depend_on_the_folder_or_how_paths_are_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(tmp_path / "here")
    shutil.copytree(tmp_path / "here", tmp_path / "elsewhere" / "checkout")
    monkeypatch.chdir(tmp_path / "here")
    relative, _ = cli_shard(tmp_path / "here", "2/3", "suite")
    # Another machine: the project checked out in another folder, run from a subfolder
    # (the project root is found by its pyproject.toml) with an absolute path.
    monkeypatch.chdir(tmp_path / "elsewhere" / "checkout" / "suite")
    other, _ = cli_shard(tmp_path / "elsewhere" / "checkout", "2/3", str(Path.cwd()))
    assert relative and sorted(relative) == sorted(other)


def test_a_shard_names_itself_in_the_text_and_junit_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = write_suite(tmp_path, files=12)
    monkeypatch.chdir(tmp_path)
    suites: Counter[str] = Counter()
    cases: Counter[str] = Counter()
    for index in (1, 2):
        junit = tmp_path / f"junit-{index}.xml"
        run = CliRunner().invoke(main, ["test", "--shard", f"{index}/2", "--junit", str(junit)])
        assert run.exit_code == 0, run.output
        kept = run.output.count("PASS  ")
        assert run.output.splitlines()[-1] == (
            f"{kept} passed, 0 failed (shard {index} of 2; {len(every) - kept} cases in other "
            "shards)"
        )
        root = ET.parse(junit).getroot()
        assert root.get("name") == f"jsrt (shard {index} of 2)"
        for suite in root.iter("testsuite"):
            assert suite.get("name", "").endswith(f".case.yaml (shard {index} of 2)")
            suites[suite.get("name", "")] += 1
        cases.update(f"{c.get('classname')}::{c.get('name')}" for c in root.iter("testcase"))
    assert set(suites.values()) == {1}  # merged, no two suites share a name
    assert len(cases) == len(every) and set(cases.values()) == {1}


def test_a_bad_case_file_is_reported_by_one_shard_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(tmp_path, files=4)
    (tmp_path / "suite" / "typo.case.yaml").write_text("script: ../pages.js\nexpect: {nope: 1}\n")
    monkeypatch.chdir(tmp_path)
    codes = [
        CliRunner().invoke(main, ["test", "--shard", f"{index}/3", "suite"]).exit_code
        for index in (1, 2, 3)
    ]
    assert sorted(codes) == [0, 0, 2]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("0/3", "shard '0/3': the shard's number must be between 1 and 3"),
        ("4/3", "shard '4/3': the shard's number must be between 1 and 3"),
        ("1/0", "shard '1/0': the number of shards must be at least 1"),
        ("2", "shard '2' is not I/N"),
        ("a/b", "shard 'a/b' is not I/N"),
    ],
)
def test_a_bad_shard_is_exit_2_with_what_is_expected(
    tmp_path: Path, given: str, message: str
) -> None:
    write_suite(tmp_path, files=1)
    run = CliRunner().invoke(main, ["test", "--shard", given, str(tmp_path)])
    assert run.exit_code == 2
    assert f"Invalid value for '--shard': {message}" in run.output
    assert "Traceback" not in run.output


def test_shard_parse_reads_spaces_and_keeps_the_numbers() -> None:
    assert Shard.parse(" 2 / 3 ") == Shard(2, 3)
    assert Shard(2, 3).label == "shard 2 of 3"


# --- the pytest plugin --------------------------------------------------------------------


def junit_cases(path: Path) -> tuple[list[str], list[str]]:
    """The testcases (`classname::name`) and the suite names of a pytest JUnit file."""
    root = ET.parse(path).getroot()
    cases = [f"{c.get('classname')}::{c.get('name')}" for c in root.iter("testcase")]
    return cases, [suite.get("name", "") for suite in root.iter("testsuite")]


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_n_shards_of_pytest_run_every_case_exactly_once(
    pytester: pytest.Pytester, count: int
) -> None:
    every = write_suite(pytester.path)
    ran: Counter[str] = Counter()
    for index in range(1, count + 1):
        junit = pytester.path / f"junit-{index}.xml"
        result = pytester.runpytest(
            "-p", "no:benchmark", f"--jsrt-shard={index}/{count}", f"--junitxml={junit}"
        )
        cases, suites = junit_cases(junit)
        result.assert_outcomes(passed=len(cases))
        assert suites == [f"pytest (shard {index} of {count})"]
        deselected = len(every) - len(cases)
        if deselected:
            result.stdout.fnmatch_lines([f"*{deselected} deselected*"])
        result.stdout.fnmatch_lines(
            [f"jsrt shard {index} of {count}: * in this shard, {deselected} deselected*"]
        )
        ran.update(cases)
    assert len(ran) == len(every) and set(ran.values()) == {1}


def test_pytest_and_jsrt_test_put_a_case_in_the_same_shard(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, files=16)
    result = pytester.runpytest("-p", "no:benchmark", "--jsrt-shard=2/3", "-v")
    by_pytest = sorted(
        line.split(" PASSED")[0] for line in result.stdout.lines if " PASSED" in line
    )
    monkeypatch.chdir(pytester.path)
    by_cli, _ = cli_shard(pytester.path, "2/3", "suite")
    assert by_pytest and by_pytest == sorted(by_cli)


def test_pytest_shards_under_xdist_run_every_test_once(tmp_path: Path) -> None:
    every = write_suite(tmp_path, files=20)
    (tmp_path / "test_plain.py").write_text(
        "import pytest\n\n@pytest.mark.parametrize('n', range(6))\ndef test_n(n):\n    pass\n"
    )
    ran: Counter[str] = Counter()
    for index in (1, 2):
        junit = tmp_path / f"junit-{index}.xml"
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2"),
                *(f"--jsrt-shard={index}/2", f"--junitxml={junit}"),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "created: 2/2 workers" in done.stdout
        cases, suites = junit_cases(junit)
        assert suites == [f"pytest (shard {index} of 2)"]
        deselected = len(every) + 6 - len(cases)
        assert f"jsrt shard {index} of 2: {len(cases)} tests in this shard, " in done.stdout
        assert f", {deselected} deselected for the other shards" in done.stdout
        ran.update(cases)
    assert len(ran) == len(every) + 6 and set(ran.values()) == {1}


def test_a_bad_pytest_shard_stops_the_session(pytester: pytest.Pytester) -> None:
    write_suite(pytester.path, files=1)
    result = pytester.runpytest("-p", "no:benchmark", "--jsrt-shard=3/2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--jsrt-shard: shard '3/2': the shard's number must be between 1 and 2*"]
    )


def test_the_readme_workflow_runs_one_shard_per_matrix_entry() -> None:
    import re

    import yaml

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- readme-shard-workflow -->\s*```yaml\n(.*?)\n```", readme, re.DOTALL)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    job = workflow["jobs"]["test"]
    shards = job["strategy"]["matrix"]["shard"]
    assert shards == [1, 2, 3]
    command = next(step["run"] for step in job["steps"] if "jsrt test" in step.get("run", ""))
    assert "--shard ${{ matrix.shard }}/3" in command
    # What each matrix entry runs is a valid shard, and together they cover every shard.
    given = [
        command.replace("${{ matrix.shard }}", str(n)).split("--shard ")[1].split()[0]
        for n in shards
    ]
    assert {Shard.parse(text) for text in given} == {Shard(n, 3) for n in (1, 2, 3)}
    assert "junitparser merge" in workflow["jobs"]["report"]["steps"][1]["run"]


BRANCHY_JS = """function preSavePage(options) {
  const data = options.data.map((record) => {
    if (record.n % 3 === 0) {
      return { ...record, kind: 'fizz' }
    }
    if (record.n % 5 === 0) {
      return { ...record, kind: 'buzz' }
    }
    return record
  })
  return { data, errors: [] }
}
"""


def test_the_coverage_of_the_shards_adds_up_to_the_whole_suites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jsrt.coverage import CoverageCollector
    from jsrt.coverage.report import terminal_table

    write_suite(tmp_path, files=12)
    (tmp_path / "pages.js").write_text(BRANCHY_JS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    whole = CliRunner().invoke(main, ["test", "--coverage-data", "whole.json", "suite"])
    assert whole.exit_code == 0, whole.output
    suite = CoverageCollector.load(tmp_path / "whole.json")
    expected = terminal_table(suite)

    def counts(collector: CoverageCollector) -> dict[str, list[int]]:
        return {name: entry.counters for name, entry in collector.files.items()}

    merged = CoverageCollector()
    for index in (1, 2, 3):
        data = f"shard-{index}.json"
        run = CliRunner().invoke(main, ["test", "--shard", f"{index}/3", "--coverage-data", data])
        assert run.exit_code == 0, run.output
        shard = CoverageCollector.load(tmp_path / data)
        assert counts(shard) != counts(suite)  # each shard runs only its part of the cases
        merged.merge(shard)
    assert counts(merged) == counts(suite)
    assert terminal_table(merged) == expected
