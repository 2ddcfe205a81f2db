"""Defaults never grant what the world denies: with a world that holds flows or
integrations, a hook's `_flowId` and `_integrationId` come from it (never from the
samples), and ids the world does not hold are refused with the ones it does.

The rule that makes it matter: a hook may run an export, lookup or import only when its
flow is in an integration (celigo-reference §2.2, `jsrt.api.policy` rule 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from jsrt.cli import main
from jsrt.errors import UsageError
from jsrt.hooks.context import PLACEHOLDER_IDS
from jsrt.runner import HookResult, Runtime

RUNS_AN_EXPORT = """\
import { exports } from 'integrator-api'
function preSavePage(options) {
  exports.run({ _id: 'pull' })
  return { data: options.data, errors: [], abort: false }
}
"""
STANDALONE_ONLY = {
    "flows": [{"_id": "lonely", "name": "Ad hoc pull", "pageGenerators": [{"_exportId": "e1"}]}],
    "exports": [{"_id": "e1"}, {"_id": "pull"}],
}
REFUSED_RUN = (
    "exports.run is refused in this preSavePage hook (rule: a hook that runs an export, lookup "
    "or import must be in an integration)"
)
TWO_INTEGRATIONS = {
    "integrations": [{"_id": "shop", "name": "Shop"}, {"_id": "warehouse", "name": "Stock"}],
    "flows": [
        {"_id": "orders", "name": "Orders", "_integrationId": "shop"},
        {"_id": "stock", "name": "Stock levels", "_integrationId": "warehouse"},
    ],
    "exports": [{"_id": "pull"}],
}


@pytest.fixture
def project(tmp_path: Path):
    """Writes the hook and a world file; returns a function running `jsrt run --json`."""
    (tmp_path / "hook.js").write_text(RUNS_AN_EXPORT)

    def run(world: dict, options: dict):
        (tmp_path / "world.yaml").write_text(yaml.safe_dump(world))
        (tmp_path / "options.json").write_text(json.dumps(options))
        result = CliRunner().invoke(
            main,
            [
                "run",
                str(tmp_path / "hook.js"),
                "--world",
                str(tmp_path / "world.yaml"),
                "--options",
                str(tmp_path / "options.json"),
                "--json",
            ],
        )
        return result.exit_code, json.loads(result.stdout)

    return run


def test_a_hook_in_a_world_whose_only_flow_is_standalone_may_not_run_an_export(project) -> None:
    code, out = project(STANDALONE_ONLY, {"data": [{"id": 1}]})
    assert code == 1
    assert REFUSED_RUN in out["error"]["message"]
    assert "flow 'lonely' is standalone" in out["error"]["message"]


def test_an_integration_the_world_does_not_hold_cannot_put_its_flow_in_one(project) -> None:
    code, out = project(
        STANDALONE_ONLY, {"data": [{"id": 1}], "_flowId": "lonely", "_integrationId": "made-up"}
    )
    assert code == 2
    assert out["error"]["type"] == "UsageError"
    assert out["error"]["message"] == (
        "preSavePage options: `_integrationId` is 'made-up', but flow 'lonely' is standalone "
        "(it has no _integrationId) in the world"
    )


def test_an_integration_id_against_the_flows_own_is_refused(project) -> None:
    code, out = project(
        TWO_INTEGRATIONS, {"data": [], "_flowId": "orders", "_integrationId": "warehouse"}
    )
    assert code == 2
    assert "but flow 'orders' is in integration 'shop' in the world" in out["error"]["message"]


def test_several_flows_and_no_flow_id_is_refused_with_the_candidates(project) -> None:
    code, out = project(TWO_INTEGRATIONS, {"data": []})
    assert code == 2
    assert out["error"]["message"] == (
        "preSavePage options: `_flowId` is not given and the world holds 2 flows, so which "
        "one the hook runs in is unknown"
    )
    assert out["error"]["hint"] == "give _flowId, one of: 'orders' (Orders), 'stock' (Stock levels)"
    assert out["error"]["candidates"] == ["orders", "stock"]


def test_a_flow_id_the_world_does_not_hold_is_refused_with_the_closest(project) -> None:
    code, out = project(TWO_INTEGRATIONS, {"data": [], "_flowId": "stocks"})
    assert code == 2
    assert out["error"]["message"] == (
        "preSavePage options: `_flowId` is 'stocks', which is not a flow in the world"
    )
    assert out["error"]["hint"].startswith("the closest flows in the world: 'stock' (Stock levels)")


def test_the_worlds_flow_and_its_integration_are_the_defaults(tmp_path: Path) -> None:
    world = {**TWO_INTEGRATIONS, "flows": TWO_INTEGRATIONS["flows"][1:]}
    result = run_hook(Runtime(world_file(tmp_path, world)), {"data": []})
    assert result.ok, result.error
    assert result.options is not None
    assert (result.options["_flowId"], result.options["_integrationId"]) == ("stock", "warehouse")


def test_a_world_of_integrations_only_gives_its_only_integration(tmp_path: Path) -> None:
    runtime = Runtime(
        world_file(
            tmp_path,
            {"integrations": [{"_id": "shop", "name": "Shop"}], "exports": [{"_id": "pull"}]},
        )
    )
    result = run_hook(runtime, {"data": []})
    assert result.ok, result.error
    assert result.options is not None
    assert result.options["_flowId"] == PLACEHOLDER_IDS["flow"]
    assert result.options["_integrationId"] == "shop"
    with pytest.raises(UsageError) as refused:
        run_hook(runtime, {"data": [], "_integrationId": "shops"})
    assert refused.value.message == (
        "preSavePage options: `_integrationId` is 'shops', which is not an integration in the world"
    )
    assert refused.value.hint == (
        "the closest integrations in the world: 'shop' (Shop); or leave _integrationId out"
    )


def test_a_state_dirs_world_gives_the_defaults_too(tmp_path: Path) -> None:
    state = tmp_path / "state"
    Runtime(world_file(tmp_path, STANDALONE_ONLY), state_dir=state)  # seeds the state dir
    result = run_hook(Runtime(state_dir=state), {"data": []})
    assert result.error is not None and REFUSED_RUN in result.error["message"]
    assert result.options is not None and result.options["_flowId"] == "lonely"


def world_file(folder: Path, world: dict) -> Path:
    path = folder / "world.yaml"
    path.write_text(yaml.safe_dump(world))
    return path


def run_hook(runtime: Runtime, options: dict) -> HookResult:
    return runtime.run_hook("hook.js", options=options, source=RUNS_AN_EXPORT)


PRE_MAP = "function preMap(options) { return options.data.map((d) => ({ data: d })) }\n"


def test_an_import_in_a_routers_branch_finds_its_flow(tmp_path: Path) -> None:
    """Flows with branching hold page processors under routers[].branches[]
    (celigo/ai skills/building-flows/references/schemas/router.yml): the flow that uses
    the import there is the hook's flow, not a refusal naming every flow."""
    world = {
        **TWO_INTEGRATIONS,
        "flows": [
            TWO_INTEGRATIONS["flows"][0],
            {
                **TWO_INTEGRATIONS["flows"][1],
                "pageGenerators": [{"_exportId": "pull"}],
                "routers": [
                    {"branches": [{"name": "EU", "pageProcessors": [{"_importId": "euStock"}]}]}
                ],
            },
        ],
        "imports": [{"_id": "euStock", "name": "EU stock"}],
    }
    runtime = Runtime(world_file(tmp_path, world))
    result = runtime.run_hook(
        "hook.js", options={"data": [{"sku": 1}], "_importId": "euStock"}, source=PRE_MAP
    )
    assert result.ok, result.error
    assert result.options is not None
    assert (result.options["_flowId"], result.options["_integrationId"]) == ("stock", "warehouse")
