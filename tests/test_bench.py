"""The benchmark runner (`python -m bench`): a tiny plan of every workload runs end to end
and prints its table or JSON, with and without node; the guard fails only on a gross
regression. No timing is asserted: speed is what the benchmarks report, not what tests
check."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jsrt.errors import UsageError
from jsrt.runner import Runtime
from jsrt.worker.supervisor import Supervisor

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a top-level tool folder, not an installed package
    sys.path.insert(0, str(ROOT))

from bench import __main__ as bench_main  # noqa: E402
from bench.context import PLANS, Plan  # noqa: E402
from bench.harness import Row, Target, alternate  # noqa: E402
from bench.worker_targets import BENCH_JOBS  # noqa: E402

TINY = Plan(
    name="quick",
    cold_repeats=1,
    page_sizes=(100,),
    page_repeats={100: 1},
    bridge_calls=2000,  # enough for the run with calls to outlast the noise of one without
    bridge_repeats=1,
    suite_cases=3,
    suite_repeats=1,
    suite_front_ends=("jsrt test",),
    memory_runs=100,
    persist_writes=5,
    persist_repeats=1,
    mapping_records=100,
    mapping_repeats=1,
    flow_records=100,
    flow_repeats=1,
    check_files=20,
    check_repeats=1,
)

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@pytest.fixture
def tiny_plan(monkeypatch: pytest.MonkeyPatch) -> Plan:
    monkeypatch.setitem(PLANS, "quick", TINY)
    return TINY


def _table_rows(output: str) -> dict[str, dict[str, str]]:
    """The table's cells by workload and column, cut where the dashed rule's columns are."""
    lines = output.split("\n\nnotes:")[0].splitlines()
    header, rule, *body = lines
    spans, start = [], 0
    for dashes in rule.split("  "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 2
    names = [header[a:b].strip() or "verdict" for a, b in spans]
    assert names == ["workload", "jsrt", "reference", "ratio", "target", "verdict"]
    rows = [
        {name: line[a:b].strip() for name, (a, b) in zip(names, spans, strict=True)}
        for line in body
    ]
    return {row["workload"]: row for row in rows}


@needs_node
def test_every_workload_prints_a_row_with_a_ratio(tiny_plan, capsys):
    assert bench_main.main(["--quick"]) == 0
    rows = _table_rows(capsys.readouterr().out)
    assert set(rows) == {
        "cold `jsrt run`, 100 records",
        "cold floor: Python + mini-racer + eval('1')",
        "page throughput, 100 records",
        "bridge: state.getForResource, small value",
        "bridge: state.getForResource, 1 KB value",
        "bridge: state.getForResource, small value, two keys in turn",
        "bridge: least Python dispatch, small value, two keys in turn",
        "per-case overhead, jsrt test (3 cases)",
        "RSS of the worker after 100 runs",
        "RSS of the caller after 100 runs",
        "persisted writes, small world",
        "persisted writes, 10 MB world",
        "persisted runs, 10 MB world",
        "mapping, 100 records x 20 fields (JSON text in and out)",
        "mapping, 100 records x 20 fields (Python API)",
        "flow: 100 records, 5 pages, 3 steps",
        "check: `jsrt check` per file, 20 hook files",
        "coverage, per small case (30 cases)",
        "coverage, page of 1,000 records",
    }
    assert rows["cold `jsrt run`, 100 records"]["jsrt"].endswith(" ms")
    assert rows["bridge: state.getForResource, small value"]["jsrt"].endswith(" calls/s")
    for row in rows.values():  # numbers (a tiny plan's marginal cost may even be negative)
        figure, unit = row["jsrt"].rsplit(" ", 1)
        assert float(figure.replace(",", "")) and unit in (
            "ms",
            "calls/s",
            "MiB",
            "writes/s",
            "runs/s",
            "records/s",
        ), row
        assert row["ratio"].endswith("x") and float(row["ratio"][:-1]), row
    judged = [row for row in rows.values() if row["target"]]
    assert judged and all(row["verdict"] in ("ok", "MISSED") for row in judged)


def test_without_node_the_node_rows_say_so_and_jsrt_figures_still_print(
    tiny_plan, capsys, tmp_path
):
    missing = tmp_path / "no-node-here"
    assert bench_main.main(["--quick", "--only", "cold,pages", "--node", str(missing)]) == 0
    captured = capsys.readouterr()
    assert "node rows are left empty" in captured.err
    rows = _table_rows(captured.out)
    cold = rows["cold `jsrt run`, 100 records"]
    assert cold["jsrt"].endswith(" ms") and cold["jsrt"][0].isdigit()
    assert cold["reference"] == "— (node, whole process)"
    assert (cold["ratio"], cold["verdict"]) == ("—", "n/a")
    page = rows["page throughput, 100 records"]
    assert page["jsrt"][0].isdigit() and page["reference"].startswith("—")
    assert f"node not usable at {missing}" in captured.out


def test_json_holds_every_row_with_figures_samples_and_the_machine(tiny_plan, capsys):
    assert bench_main.main(["--quick", "--only", "bridge", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["plan"] == "quick"
    assert document["machine"]["cpus"] >= 1
    small, one_kb, two_keys, least = document["rows"]
    assert small["workload"] == "bridge: state.getForResource, small value"
    assert small["target"] == {
        "kind": "min",
        "limit": 40000,
        "relative": {"kind": "ratio_max", "limit": 1.33, "relative": None},
        "text": "≥ 40,000 calls/s",
    }
    assert small["jsrt"] > 0 and small["reference"] > 0
    # the document rounds a ratio to 3 decimals
    assert small["ratio"] == pytest.approx(small["reference"] / small["jsrt"], abs=6e-4)
    assert small["met"] in (True, False)
    assert len(small["samples"]["jsrt"]) == TINY.bridge_repeats
    assert one_kb["target"] is None and one_kb["met"] is None
    assert two_keys["workload"] == "bridge: state.getForResource, small value, two keys in turn"
    assert two_keys["target"]["kind"] == "ratio_max" and two_keys["met"] in (True, False)
    # the floor of dispatch in Python, against the same reference, judged by no target
    assert least["workload"] == "bridge: least Python dispatch, small value, two keys in turn"
    assert least["jsrt"] > 0 and least["reference"] > 0 and least["target"] is None


def test_unknown_workload_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        bench_main.main(["--only", "cold,warp"])
    assert stopped.value.code == 2
    assert "unknown workload warp" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("target", "jsrt", "reference", "met", "within_guard"),
    [
        (Target("ratio_max", 2.0), 300.0, 100.0, False, True),  # 3x: missed, not gross
        (Target("ratio_max", 2.0), 410.0, 100.0, False, False),  # 4.1x: over twice the target
        (Target("ratio_max", 1.2), 110.0, 100.0, True, True),
        (Target("max", 10.0), 19.0, None, False, True),
        (Target("max", 10.0), 21.0, None, False, False),
        (Target("min", 40_000), 41_000.0, None, True, True),
        (Target("min", 40_000), 21_000.0, None, False, True),
        (Target("min", 40_000), 19_000.0, None, False, False),
        (Target("ratio_max", 2.0), 300.0, None, None, None),  # no reference: not judged
    ],
)
def test_targets_and_the_guards_twice_as_loose_limit(target, jsrt, reference, met, within_guard):
    row = Row("w", "ms", jsrt, reference, "ref", target=target)
    assert row.verdict() is met
    assert row.guard_verdict() is within_guard


@pytest.mark.parametrize(
    ("jsrt", "reference", "within_guard"),
    [
        (17_000.0, 35_000.0, True),  # a slow machine: under 20,000, but 2.06x the reference
        (30_000.0, 90_000.0, False),  # a fast machine: over 20,000, but 3x the reference
        (19_000.0, None, False),  # no reference: the absolute figure is judged
    ],
)
def test_the_guard_judges_a_rate_against_its_reference_when_it_can(jsrt, reference, within_guard):
    target = Target("min", 40_000, relative=Target("ratio_max", 1.3))
    row = Row("bridge", "calls/s", jsrt, reference, "raw", target=target, higher_is_better=True)
    assert row.guard_verdict() is within_guard
    assert row.verdict() is False  # the full run still reports the absolute target


def test_a_rate_ratio_is_cost_over_cost():
    row = Row("bridge", "calls/s", 25_000.0, 50_000.0, "raw", higher_is_better=True)
    assert row.ratio == pytest.approx(2.0)


def test_guard_exits_1_on_a_gross_regression_and_0_otherwise(monkeypatch, capsys):
    def workload(ratio: float):
        return lambda ctx: [Row("w", "ms", 100.0 * ratio, 100.0, "ref", Target("ratio_max", 1.0))]

    monkeypatch.setattr(bench_main, "WORKLOADS", {"fine": workload(1.9), "gross": workload(2.1)})
    assert bench_main.main(["--guard", "--only", "fine"]) == 0
    assert "ok" in capsys.readouterr().out
    assert bench_main.main(["--guard", "--only", "fine,gross"]) == 1
    captured = capsys.readouterr()
    assert "REGRESSED" in captured.out
    assert "gross regression" in captured.err
    assert bench_main.main(["--only", "gross"]) == 0  # outside the guard a miss is reported only


def test_alternate_interleaves_the_sides_after_their_warm_up():
    order: list[str] = []

    def side(name: str):
        return lambda: order.append(name) or float(len(order))

    samples = alternate([side("a"), side("b")], repeats=3, warmup=1)
    assert order == ["a", "b", "a", "b", "a", "b", "a", "b"]
    assert samples == [[3.0, 5.0, 7.0], [4.0, 6.0, 8.0]]


# --- the faster paths the benchmarks measure, and what they must keep ----------------------


def test_importing_the_runner_loads_neither_v8_nor_what_a_worker_can_start_beside():
    probe = (
        "import sys, jsrt.cli, jsrt.runner\n"
        "heavy = ('py_mini_racer', 'jsrt.hooks', 'jsrt.loader', 'jsrt.backends.local', 'httpx')\n"
        "print([name for name in heavy if name in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_a_started_worker_serves_the_first_run():
    supervisor = Supervisor(BENCH_JOBS)
    try:
        supervisor.start()
        first = supervisor.run({"do": "rss"}, timeout_s=60)["pid"]
        supervisor.start()  # a worker runs: nothing new starts
        assert supervisor.run({"do": "rss"}, timeout_s=60)["pid"] == first
    finally:
        supervisor.close()


def test_a_program_exits_without_waiting_for_its_worker_and_the_worker_still_ends():
    program = (
        "from bench.worker_targets import BENCH_JOBS\n"
        "from jsrt.worker.supervisor import Supervisor\n"
        "print(Supervisor.shared(BENCH_JOBS).run({'do': 'rss'}, timeout_s=60)['pid'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT
    )
    worker = Path(f"/proc/{int(done.stdout)}")
    for _ in range(200):  # the worker sees its request pipe close and exits by itself
        if not worker.exists() or "State:\tZ" in (worker / "status").read_text():
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"worker {done.stdout.strip()} still running after its caller exited")


def test_a_page_reaches_the_hook_as_json_keys_and_all():
    source = "function listKeys(options) { return options.data.map((r) => Object.keys(r)) }"
    records = [{"__proto__": {"admin": True}, "id": 1}, {"constructor": "x"}]
    result = Runtime().run_hook("keys.js", "listKeys", {"data": records}, source=source)
    assert result.ok, result.error
    assert result.value == [["__proto__", "id"], ["constructor"]]


def test_options_that_are_not_json_data_are_refused_with_what_to_give():
    source = "function echo(options) { return options }"
    with pytest.raises(UsageError, match="options cannot be given to the hook") as refused:
        Runtime().run_hook("echo.js", "echo", {"when": {1, 2}}, source=source)
    assert "JSON data" in refused.value.hint
