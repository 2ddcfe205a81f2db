"""`jsrt flow run` through click's CliRunner, on the small flow of flow_project.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flow_project import FLOW, IMPORT, ORDERS, world, write_download, write_text, write_world

from jsrt.cli import main, runs_hooks


def flow_run(*args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, ["flow", "run", *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.stdout, done.stderr


@pytest.fixture
def world_file(tmp_path: Path) -> Path:
    return write_world(tmp_path)


def test_the_summary_has_a_row_per_step_and_a_failed_record_exits_1(world_file: Path) -> None:
    code, out, err = flow_run(FLOW, "--world", str(world_file))
    assert code == 1, out + err
    lines = out.splitlines()
    assert lines[0].split() == ["STEP", "IN", "OUT", "IGNORED", "FAILED", "HOOKS,", "BRANCHES"]
    assert lines[1].split()[:7] == ["0", "export", "Get", "orders", "5", "5", "0"]
    assert "preSavePage x3" in lines[1]
    assert lines[2].split()[:7] == ["1", "lookup", "Find", "customer", "5", "5", "0"]
    # the import: 5 in, SO-3 failed by preMap, 4 sent on
    assert lines[3].split()[:8] == ["2", "import", "Save", "orders", "5", "4", "0", "1"]
    assert "preMap x3" in lines[3] and "postMap x3" in lines[3]
    assert any("NO_QTY" in line and "order SO-3 has no quantity" in line for line in lines)
    assert lines[-1] == f"flow '{FLOW}': 3 pages, 3 steps: 1 record failed"
    assert "\r[" not in err  # no progress line when stderr is not a terminal


def test_data_from_a_file_replaces_the_mock_and_a_clean_run_exits_0(
    world_file: Path, tmp_path: Path
) -> None:
    good = [order for order in ORDERS if order["qty"]]
    data = tmp_path / "orders.json"
    data.write_text(json.dumps(good))
    code, out, err = flow_run(FLOW, "--world", str(world_file), "--data", str(data))
    assert code == 0, out + err
    assert out.splitlines()[-1] == f"flow '{FLOW}': 2 pages, 3 steps: ok"


def test_pages_runs_only_the_first_pages(world_file: Path) -> None:
    code, out, _ = flow_run(FLOW, "--world", str(world_file), "--pages", "1", "--json")
    run = json.loads(out)
    assert code == 0 and run["ok"] is True and run["pages"] == 1
    export, _lookup, save = run["steps"]
    assert export["counts"]["received"] == 2
    assert [r["orderId"] for page in save["submitted"] for r in page] == ["SO-1", "SO-2"]


def test_json_speaks_the_cloud_test_runs_stage_vocabulary(world_file: Path) -> None:
    code, out, _ = flow_run(FLOW, "--world", str(world_file), "--json")
    assert code == 1
    run = json.loads(out)
    assert run["ok"] is False and run["flow"] == {"_id": "f-orders", "name": FLOW}
    export, lookup, save = run["steps"]
    first_page = [stage["name"] for stage in export["stages"] if stage["page"] == 0]
    assert "preSavePage" in first_page
    assert {"request", "responseMap"} <= {stage["name"] for stage in lookup["stages"]}
    names = [stage["name"] for stage in save["stages"] if stage["page"] == 1]
    assert names.index("preMap") < names.index("mapping") < names.index("postMap")
    pre_map = next(s for s in save["stages"] if s["name"] == "preMap" and s["page"] == 1)
    assert set(pre_map) >= {"name", "input", "output", "errors"}
    assert [r["id"] for r in pre_map["input"]] == ["SO-3", "SO-4"]
    (error,) = pre_map["errors"]
    assert error["code"] == "NO_QTY" and error["retryData"]["id"] == "SO-3"
    assert run["errors"][0]["code"] == "NO_QTY" and run["errors"][0]["step"] == 2
    # what the import would have sent: mapped, after postMap
    sent = [record for page in save["submitted"] for record in page]
    assert sent[0] == {"orderId": "SO-1", "tier": "gold", "amount": 10, "stamped": True}
    assert [r["orderId"] for r in sent] == ["SO-1", "SO-2", "SO-4", "SO-5"]
    assert save["counts"] == {"received": 5, "passed": 4, "ignored": 0, "failed": 1}
    assert save["hooks"]["preMap"]["runs"] == 3 and "records" not in run


def test_trace_writes_each_records_journey(world_file: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.json"
    code, _, _ = flow_run(FLOW, "--world", str(world_file), "--trace", str(trace))
    assert code == 1
    written = json.loads(trace.read_text())
    assert written["flow"]["_id"] == "f-orders"
    records = written["records"]
    assert len(records) == len(ORDERS)
    failed = next(r for r in records if r["journey"][0]["record"]["id"] == "SO-3")
    assert failed["errorStage"] == "preMap"
    journey = records[0]["journey"]
    assert journey[0] == {
        "step": 0,
        "place": "pageGenerators[0]",
        "stage": "parse",
        "page": 0,
        "record": ORDERS[0],
    }
    after = {(s["step"], s["stage"]): s["record"] for s in journey}
    assert after[0, "preSavePage"]["seen"] is True
    assert after[1, "responseMap"]["tier"] == "gold"
    assert after[2, "postMap"] == {"orderId": "SO-1", "tier": "gold", "amount": 10, "stamped": True}
    assert [s["stage"] for s in journey if s["step"] == 2] == [
        "preMap",
        "mapping",
        "postMap",
        "submit",
    ]


def test_an_unknown_flow_exits_2_with_the_closest_names(world_file: Path) -> None:
    code, out, err = flow_run("Orders to ERB", "--world", str(world_file))
    assert code == 2 and out == ""
    assert "Orders to ERB" in err and FLOW in err and "Traceback" not in err


def test_an_unknown_flow_with_json_is_one_object(world_file: Path) -> None:
    code, out, _ = flow_run("nope", "--world", str(world_file), "--json")
    answer = json.loads(out)
    assert code == 2 and answer["ok"] is False and answer["flow"] == "nope"
    assert answer["error"]["type"] in ("UsageError", "InputError")


def test_the_world_file_here_is_used_when_none_is_given(
    world_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(world_file.parent)
    code, out, _ = flow_run(FLOW, "--pages", "1")
    assert code == 0 and out.splitlines()[-1].endswith("1 page, 3 steps: ok")


def test_a_layout_folder_is_a_world(tmp_path: Path) -> None:
    """The folder `jsrt import` and `jsrt pull` write holds world.json."""
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "world.json").write_text(json.dumps(world()))
    code, out, err = flow_run(FLOW, "--world", str(folder), "--pages", "1")
    assert code == 0, out + err


def test_no_world_here_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = flow_run(FLOW)
    assert code == 2
    assert "no world given" in err and "--world" in err


def test_data_that_is_no_list_of_records_exits_2(world_file: Path, tmp_path: Path) -> None:
    data = write_text(tmp_path / "data.yaml", "just text\n")
    code, _, err = flow_run(FLOW, "--world", str(world_file), "--data", str(data))
    assert code == 2
    assert f"{data}: the flow's data must be a list of records" in err


def test_data_for_a_step_that_is_no_page_generator_exits_2(
    world_file: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps({IMPORT: [{"id": 1}]}))
    code, _, err = flow_run(FLOW, "--world", str(world_file), "--data", str(data))
    assert code == 2 and "no page generator" in err


def test_a_page_count_below_one_is_refused_by_click(world_file: Path) -> None:
    code, _, err = flow_run(FLOW, "--world", str(world_file), "--pages", "0")
    assert code == 2 and "--pages" in err
    code, out, _ = flow_run(FLOW, "--world", str(world_file), "--pages", "0", "--json")
    refused = json.loads(out)["error"]
    assert code == 2 and refused["type"] == "UsageError" and "--pages" in refused["message"]
    assert refused["hint"] == "see jsrt flow run --help"


def test_flow_run_is_a_command_that_runs_hooks() -> None:
    """The console keeps its forked engine worker for it (`jsrt.console`)."""
    assert runs_hooks(["flow", "run", FLOW])
    assert not runs_hooks(["flow"])
    assert not runs_hooks(["flow", "nope"])
    assert runs_hooks(["run", "hook.js"]) and not runs_hooks(["hooks"])


def test_a_hook_that_breaks_its_contract_exits_1_and_says_so(tmp_path: Path) -> None:
    """preMap must return one entry per record (celigo-reference: a length mismatch
    fails the page)."""
    world_file = write_world(tmp_path, pre_map="dropsOne")
    code, out, err = flow_run(FLOW, "--world", str(world_file), "--pages", "1")
    assert code == 1, out + err
    lines = out.splitlines()
    assert lines[3].split()[:8] == ["2", "import", "Save", "orders", "2", "0", "0", "2"]
    assert any(
        line.startswith("failed (step 2, stage preMap, page 0): dropsOne broke the preMap contract")
        for line in lines
    ), out
    assert lines[-1].endswith("1 page, 3 steps: 2 records failed")


def test_a_terminal_sees_a_progress_line_per_page_and_ci_does_not(
    world_file: Path, on_a_terminal: Callable[..., tuple[int, str]]
) -> None:
    """A real process on a pseudo-terminal: the progress line is for people only."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "CI"}
    code, shown = on_a_terminal("flow", "run", FLOW, "--world", str(world_file), env=env)
    assert code == 1
    assert "3/3 pages of step 0" in shown and "\r[" in shown
    code, in_ci = on_a_terminal(
        "flow", "run", FLOW, "--world", str(world_file), env={**env, "CI": "true"}
    )
    assert code == 1
    assert "pages of step" not in in_ci


def test_a_download_and_the_folder_jsrt_import_makes_of_it_run_the_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README "Running a flow": from a download to a flow case in CI."""
    download = write_download(tmp_path / "shop.zip")
    code, out, err = flow_run(FLOW, "--world", str(download), "--pages", "1")
    assert (code, out.splitlines()[-1]) == (0, f"flow '{FLOW}': 1 page, 3 steps: ok"), err
    monkeypatch.chdir(tmp_path)
    imported = CliRunner().invoke(main, ["import", "shop.zip", "--out", "shop"])
    assert imported.exit_code == 0, imported.output
    code, out, _ = flow_run(FLOW, "--world", "shop", "--json")
    assert code == 1 and json.loads(out)["errors"][0]["code"] == "NO_QTY"
    write_text(
        tmp_path / "shop" / "cases" / "orders-flow.case.yaml",
        f"""
        world: ..
        flow: {FLOW}
        expect:
          ok: false
          counts: {{{IMPORT}: {{received: 5, passed: 4, failed: 1}}}}
        """,
    )
    tested = CliRunner().invoke(main, ["test", "shop/cases", "--junit", "report.xml"])
    assert tested.exit_code == 0, tested.output
    assert "orders-flow.case.yaml::orders-flow" in tested.output
    assert 'name="orders-flow"' in (tmp_path / "report.xml").read_text()


def test_a_routers_row_says_what_each_branch_took(tmp_path: Path) -> None:
    """Input filters route each record to the first branch that matches (celigo/ai
    building-flows references/schemas/router.yml: routeRecordsTo first_matching_branch)."""
    routed = world()
    flow = routed["flows"][0]
    flow.pop("pageProcessors")
    big = {"version": "1", "rules": ["greaterthan", ["number", ["extract", "qty"]], 2]}
    flow["routers"] = [
        {
            "id": "by-size",
            "name": "By size",
            "routeRecordsTo": "first_matching_branch",
            "routeRecordsUsing": "input_filters",
            "branches": [
                {"name": "Big", "inputFilter": big, "pageProcessors": []},
                {"name": "Others", "pageProcessors": [{"type": "import", "_importId": "i-erp"}]},
            ],
        }
    ]
    (tmp_path / "world.json").write_text(json.dumps(routed))
    code, out, err = flow_run(FLOW, "--world", str(tmp_path / "world.json"), "--json")
    run = json.loads(out)
    router = next(step for step in run["steps"] if step["type"] == "router")
    assert router["branches"] == [2, 3]  # SO-4 and SO-5 have qty > 2
    assert code == 1  # SO-3, routed to Others, fails the import's preMap
    code, out, err = flow_run(FLOW, "--world", str(tmp_path / "world.json"))
    assert code == 1
    row = next(line for line in out.splitlines() if " router " in line)
    assert row.split()[:4] == ["1", "router", "By", "size"]
    assert row.endswith("branches 2 + 3"), out + err


def test_coverage_counts_the_flows_hooks_and_writes_lcov(world_file: Path, tmp_path: Path) -> None:
    lcov = tmp_path / "flow.lcov"
    good = tmp_path / "orders.json"
    good.write_text(json.dumps([order for order in ORDERS if order["qty"]]))
    code, out, err = flow_run(
        FLOW, "--world", str(world_file), "--data", str(good), "--coverage-report", f"lcov:{lcov}"
    )
    assert code == 0, out + err
    assert "coverage report:" in out
    records = lcov.read_text()
    # the hooks of the flow ran: some line of their script has a count above zero
    assert "SF:" in records
    assert any(
        line.startswith("DA:") and int(line.split(",")[1]) > 0 for line in records.splitlines()
    )


def test_coverage_fail_under_fails_a_clean_flow_run(world_file: Path, tmp_path: Path) -> None:
    good = tmp_path / "orders.json"
    good.write_text(json.dumps([order for order in ORDERS if order["qty"]]))
    code, out, _ = flow_run(
        FLOW, "--world", str(world_file), "--data", str(good), "--coverage-fail-under", "100"
    )
    assert code == 1
    assert "is below --coverage-fail-under 100" in out
