"""Hooks resolved from a world's flows (issue 11, item 1): `jsrt hooks` lists them,
`jsrt run --flow --step --hook`, `Runtime.run_step`, case files and the pytest plugin
run one from its step, with the script document's code and options built from the
documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from integration_world import (
    ERP,
    FIND_CUSTOMER,
    GET_ORDERS,
    INTEGRATION,
    MISSING_SCRIPT,
    ORDERS_FLOW,
    ROUTED_FLOW,
    SAVE_ORDERS,
    SAVE_RETURNS,
    SHOP,
    THROWS_CODE,
    integration_world,
    write_integration,
)

from jsrt.cli import main
from jsrt.errors import InputError, UsageError
from jsrt.runner import Runtime

# The settings integrator.io passes a hook (celigo-reference §1.3; the UI's
# wrapSampleDataWithContext in singh-gurkawalbir/demo src/utils/flowData/index.js).
IMPORT_SETTINGS = {
    "integration": {"storeUrl": "https://shop.example"},
    "flowGrouping": {"region": "EU"},
    "flow": {"batchLimit": 50},
    "import": {"subsidiary": 3},
    "connection": {"account": "TSTDRV1"},
}


@pytest.fixture
def world_file(tmp_path: Path) -> Path:
    return write_integration(tmp_path)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


# --- jsrt hooks ---------------------------------------------------------------------------


def test_jsrt_hooks_lists_every_hook_of_every_flow_with_router_branches_and_my_apis(
    world_file: Path,
) -> None:
    code, out, _ = invoke("hooks", str(world_file))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["FLOW", "STEP", "HOOK", "SCRIPT", "FUNCTION"]
    rows = [" ".join(line.split()) for line in lines[1:]]
    assert rows == [
        "Orders to ERP 0 Get orders preSavePage Order hooks echoPage",
        "Orders to ERP 0 Get orders filter (filter) Routing keepOpen",
        f"Orders to ERP 1 Find customer filter (inputFilter) {MISSING_SCRIPT} onlyKnown",
        f"! script {MISSING_SCRIPT} not in {world_file}",
        "Orders to ERP 2 Save orders preMap Order hooks preMap",
        "Orders to ERP 2 Save orders postResponseMap Order hooks afterResponse",
        "Returns 0 Get orders preSavePage Order hooks echoPage",
        "Returns 0 Get orders filter (filter) Routing keepOpen",
        "Returns 1 Big or small branching Routing route",
        "Returns 2 Save returns preMap Tag returns tagReturn",
        "Returns 2 Save returns postSubmit Order hooks postSubmitt",
        "! function 'postSubmitt' not in script 'Order hooks' (6650a1b2c3d4e5f606000001) (it "
        "defines echoPage, preMap, afterResponse, seenOf)",
        "(My API) Orders API handleRequest Orders API handleRequest",
        f"11 hooks in 2 flows and 1 My APIs of {world_file}; 2 cannot run (marked !)",
    ]


def test_jsrt_hooks_json_gives_each_hook_its_flow_step_script_function_and_problems(
    world_file: Path,
) -> None:
    code, out, _ = invoke("hooks", str(world_file), "--json")
    assert code == 0
    listing = json.loads(out)
    assert listing["count"] == 11 and listing["cannot_run"] == 2
    by_place = {
        (
            h["flow"]["name"] if h["flow"] else None,
            h["step"]["index"] if h["step"] else None,
            h["slot"],
        ): h
        for h in listing["hooks"]
    }
    routed = by_place[("Returns", 2, "hooks.preMap")]
    assert routed["step"] == {
        "index": 2,
        "place": "routers[0].branches[0].pageProcessors[0]",
        "_id": SAVE_RETURNS,
        "name": "Save returns",
        "type": "import",
        "resourceId": SAVE_RETURNS,
    }
    # A blank function runs the script's only function (celigo-reference §1.1, [C S15]).
    assert routed["function"] == "tagReturn" and routed["ok"] is True
    missing = by_place[("Orders to ERP", 1, "inputFilter")]
    assert missing["ok"] is False
    assert missing["problems"] == [f"script {MISSING_SCRIPT} not in {world_file}"]
    api = by_place[(None, None, "script")]
    assert api["api"] == {"_id": "6650a1b2c3d4e5f607000001", "name": "Orders API"}


def test_jsrt_hooks_marks_a_stack_hook_and_reads_a_state_dir(tmp_path: Path) -> None:
    world = integration_world()
    world["imports"][1]["hooks"] = {
        "postSubmit": {"_stackId": "5d1c0ffee0c0ffee0c0ffee0", "function": "x"}
    }
    world_file = write_integration(tmp_path, world)
    state = tmp_path / "state"
    Runtime(world_file, state_dir=state)  # saves the world in the state dir
    code, out, _ = invoke("hooks", str(state), "--json")
    assert code == 0
    stacked = [h for h in json.loads(out)["hooks"] if h["hook"] == "postSubmit"]
    assert stacked[0]["problems"] == [
        "runs on stack 5d1c0ffee0c0ffee0c0ffee0, a server of the account's, not in "
        "integrator.io's JavaScript runtime"
    ]


def test_jsrt_hooks_refuses_a_folder_without_a_saved_world(tmp_path: Path) -> None:
    code, _, err = invoke("hooks", str(tmp_path))
    assert code == 2
    assert f"{tmp_path} is a folder without a saved world (world.sqlite3)" in err


# --- running a hook from its step -----------------------------------------------------------


def test_a_pre_map_in_a_flow_step_gets_ids_and_settings_from_the_documents(
    world_file: Path,
) -> None:
    result = Runtime(world_file).run_step(
        "Orders to ERP", "Save orders", "preMap", {"data": [{"id": "SO-1"}]}
    )
    assert result.ok, result.error
    seen = result.value[0]["data"]["seen"]
    assert seen["_importId"] == SAVE_ORDERS
    assert seen["_connectionId"] == ERP
    assert seen["_flowId"] == ORDERS_FLOW
    assert seen["_integrationId"] == INTEGRATION
    assert seen["settings"] == IMPORT_SETTINGS
    assert result.function == "preMap" and result.hook == "preMap"


def test_post_response_map_gets_one_to_many_and_path_to_many_as_configured_on_the_import(
    world_file: Path,
) -> None:
    """The UI's postResponseMap stub: "'oneToMany' - as configured on your export/import
    resource. 'pathToMany' - as configured on your export/import resource." (S3)."""
    result = Runtime(world_file).run_step(ORDERS_FLOW, 2, "postResponseMap")
    assert result.ok, result.error
    seen = result.value[0]["seen"]
    assert seen["oneToMany"] is True and seen["pathToMany"] == "lines"
    assert seen["_importId"] == SAVE_ORDERS and seen["settings"] == IMPORT_SETTINGS
    # Without options the data part is the contract's sample.
    assert result.value[0]["id"] == "SO-1001"


def test_post_response_map_given_both_ids_gets_the_settings_of_both_resources(
    world_file: Path,
) -> None:
    """postResponseMap gets both `_exportId` and `_importId` (celigo-reference §1.3)."""
    result = Runtime(world_file).run_step(
        ORDERS_FLOW,
        SAVE_ORDERS,
        "postResponseMap",
        {"postResponseMapData": [{"id": 1}], "_exportId": GET_ORDERS},
    )
    assert result.ok, result.error
    seen = result.value[0]["seen"]
    assert seen["_exportId"] == GET_ORDERS and seen["_importId"] == SAVE_ORDERS
    assert seen["settings"]["export"] == {"since": "yesterday"}
    assert seen["settings"]["import"] == {"subsidiary": 3}


def test_a_post_response_map_run_by_hand_with_both_ids_gets_both_settings(
    world_file: Path,
) -> None:
    result = Runtime(world_file).run_hook(
        "prm.js",
        "postResponseMap",
        {"postResponseMapData": [{}], "_importId": SAVE_ORDERS, "_exportId": FIND_CUSTOMER},
        source="function postResponseMap(o) { return [o.settings] }",
    )
    assert result.ok, result.error
    assert set(result.value[0]) == {
        "integration",
        "flowGrouping",
        "flow",
        "import",
        "connection",
        "export",
    }
    assert result.value[0]["import"] == {"subsidiary": 3} and result.value[0]["export"] == {}


def test_a_branching_script_of_a_router_runs_from_its_content_file(world_file: Path) -> None:
    result = Runtime(world_file).run_step(
        "Returns", "r8Kd2", "router", {"records": [{"total": 500}, {"total": 5}]}
    )
    assert result.ok, result.error
    assert result.value == [[0], [1]]


def test_a_throw_names_the_content_file_or_the_world_file_and_script(tmp_path: Path) -> None:
    world = integration_world()
    world["scripts"][1].pop("contentFile")
    world["scripts"][1]["content"] = THROWS_CODE.replace("preMap", "route")
    world_file = write_integration(tmp_path, world)
    inline = Runtime(world_file).run_step("Returns", 1, options={"record": {"total": 1}})
    assert inline.records and inline.records[0]["error"]["file"] == f"{world_file}#scripts/Routing"
    assert inline.records[0]["error"]["line"] == 2

    (tmp_path / "scripts" / "Routing.js").write_text(THROWS_CODE.replace("preMap", "route"))
    world["scripts"][1] = {"_id": world["scripts"][1]["_id"], "contentFile": "scripts/Routing.js"}
    write_integration(tmp_path, world)
    (tmp_path / "scripts" / "Routing.js").write_text(THROWS_CODE.replace("preMap", "route"))
    from_file = Runtime(world_file).run_step("Returns", 1, options={"record": {"total": 1}})
    assert from_file.records and from_file.records[0]["error"]["file"] == str(
        tmp_path / "scripts" / "Routing.js"
    )


def test_unknown_flow_step_and_hook_are_usage_errors_with_the_closest_candidates(
    world_file: Path,
) -> None:
    runtime = Runtime(world_file)
    with pytest.raises(UsageError) as flow:
        runtime.run_step("Orders to ERPP", 0, "preMap")
    assert flow.value.message == "no flow 'Orders to ERPP' in the world"
    assert flow.value.hint.startswith(f"the closest flows: {ORDERS_FLOW} (Orders to ERP)")
    with pytest.raises(UsageError) as step:
        runtime.run_step("Orders to ERP", "Save order", "preMap")
    assert step.value.hint.startswith("the closest steps: 2: Save orders (import)")
    with pytest.raises(UsageError) as hook:
        runtime.run_step("Orders to ERP", 0, "preMap")
    assert hook.value.message == (
        f"step 0 (export 'Get orders') of flow {ORDERS_FLOW} (Orders to ERP) has no preMap "
        "hook; it has preSavePage (hooks.preSavePage), filter (filter)"
    )
    with pytest.raises(UsageError, match=r"has preMap .*, postResponseMap .*: say which"):
        runtime.run_step("Orders to ERP", 2)


def test_a_hook_whose_script_or_function_is_missing_cannot_run(world_file: Path) -> None:
    runtime = Runtime(world_file)
    with pytest.raises(InputError, match=f"cannot run: script {MISSING_SCRIPT} not in"):
        runtime.run_step("Orders to ERP", FIND_CUSTOMER, "inputFilter")
    with pytest.raises(InputError, match="function 'postSubmitt' not in script 'Order hooks'"):
        runtime.run_step(ROUTED_FLOW, "Save returns", "postSubmit")


def test_an_id_in_the_options_against_the_steps_is_refused(world_file: Path) -> None:
    with pytest.raises(UsageError) as refused:
        Runtime(world_file).run_step(
            "Orders to ERP", 0, "preSavePage", {"data": [], "_exportId": FIND_CUSTOMER}
        )
    assert refused.value.message == (
        f"the options give _exportId {FIND_CUSTOMER!r}, but step 0 (export 'Get orders') "
        f"runs with {GET_ORDERS!r}"
    )


def test_jsrt_run_runs_a_hook_from_its_flow_step(world_file: Path, tmp_path: Path) -> None:
    data = tmp_path / "page.json"
    data.write_text(json.dumps({"data": [{"id": "SO-9"}]}))
    code, out, _ = invoke(
        "run",
        "--world",
        str(world_file),
        "--flow",
        "Orders to ERP",
        "--step",
        "2",
        "--hook",
        "preMap",
        "--options",
        str(data),
        "--json",
    )
    assert code == 0, out
    run = json.loads(out)
    assert run["hook"] == "preMap" and run["function"] == "preMap"
    seen = run["result"][0]["data"]["seen"]
    assert run["result"][0]["data"]["id"] == "SO-9"
    assert (seen["_flowId"], seen["_importId"], seen["_connectionId"]) == (
        ORDERS_FLOW,
        SAVE_ORDERS,
        ERP,
    )


def test_jsrt_run_from_a_step_refuses_unknown_names_and_mixed_arguments(world_file: Path) -> None:
    code, out, _ = invoke(
        "run", "--world", str(world_file), "--flow", "Orders", "--step", "0", "--json"
    )
    assert code == 2
    error = json.loads(out)["error"]
    assert error["type"] == "UsageError" and error["message"] == "no flow 'Orders' in the world"
    assert error["candidates"] == [f"{ORDERS_FLOW} (Orders to ERP)", f"{ROUTED_FLOW} (Returns)"]
    code, _, err = invoke("run", "hook.js", "--flow", "Returns", "--step", "0")
    assert code == 2 and "SCRIPT and --flow/--step both say what to run" in err
    code, _, err = invoke("run", "--flow", "Returns")
    assert code == 2 and "--step missing" in err
    code, _, err = invoke("run")
    assert code == 2 and "give the SCRIPT to run, or a hook of the world" in err


# --- handleRequest (issue 11, item 5) ---------------------------------------------------------


def test_handle_request_gets_sandbox_and_its_integrations_settings(world_file: Path) -> None:
    """Like other hooks (celigo-reference §1.3: `settings`, `sandbox`)."""
    result = Runtime(world_file).run_hook(
        "api.js",
        "handleRequest",
        {"method": "GET"},
        source="function handleRequest(o) { return {statusCode: 200, body: o} }",
    )
    assert result.ok, result.error
    body = result.value["body"]
    assert body["sandbox"] is False
    assert body["settings"] == {"integration": {"storeUrl": "https://shop.example"}}


# --- case files and the pytest plugin ---------------------------------------------------------


def _case_file(folder: Path, document: dict[str, Any]) -> Path:
    path = folder / "orders.case.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_a_case_file_runs_hooks_from_flow_steps(world_file: Path, tmp_path: Path) -> None:
    case = _case_file(
        tmp_path,
        {
            "world": "world.yaml",
            "flow": "Orders to ERP",
            "cases": [
                {
                    "name": "pre map sees its import",
                    "step": "Save orders",
                    "hook": "preMap",
                    "data": [{"id": "SO-1"}],
                    "expect": {
                        "result_subset": [
                            {"data": {"id": "SO-1", "seen": {"_importId": SAVE_ORDERS}}}
                        ]
                    },
                },
                {
                    "name": "the export's only filter",
                    "flow": "Returns",
                    "step": 0,
                    "hook": "filter",
                    "record": {"status": "open"},
                    "expect": {"result": True},
                },
            ],
        },
    )
    code, out, _ = invoke("test", str(case))
    assert code == 0, out
    assert "2 passed, 0 failed" in out


def test_a_case_naming_a_script_and_a_step_is_refused_at_its_line(tmp_path: Path) -> None:
    case = _case_file(
        tmp_path,
        {"world": "world.yaml", "flow": "Returns", "step": 0, "script": "x.js", "expect": {}},
    )
    code, out, _ = invoke("test", str(case))
    assert code == 2
    assert f"{case}:4:1: `script` and `flow`/`step` both say what to run" in out


pytest_plugins = ["pytester"]


def test_the_pytest_plugin_runs_a_hook_from_its_step(pytester: pytest.Pytester) -> None:
    (pytester.path / "worlds").mkdir()
    write_integration(pytester.path / "worlds")  # its contentFile is relative to worlds/
    pytester.makepyfile(
        test_orders=f"""
        import pytest

        @pytest.mark.jsrt_world("worlds/world.yaml")
        def test_route(jsrt_run):
            result = jsrt_run.step("Returns", "Big or small", "branching",
                                   {{"record": {{"total": 500}}}})
            assert result.ok and result.value == [0]
            assert jsrt_run.last is result
            assert result.options["_flowId"] == "{ROUTED_FLOW}"
        """
    )
    result = pytester.runpytest("-p", "no:benchmark")
    result.assert_outcomes(passed=1)


def test_a_step_s_export_connection_reaches_its_hook(world_file: Path) -> None:
    result = Runtime(world_file).run_step("Orders to ERP", GET_ORDERS, "preSavePage")
    assert result.ok, result.error
    assert result.options is not None
    assert result.options["_connectionId"] == SHOP
    assert result.options["settings"]["connection"] == {"apiVersion": "2024-01"}
    assert result.options["settings"]["export"] == {"since": "yesterday"}
