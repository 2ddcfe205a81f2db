"""The shared JavaScript suite (tests/js_suite) on the other backends: through the REST
backend against `jsrt serve` running for real on loopback, and replayed offline from the
cassette that run recorded. Each case must observe what it observes on the local backend,
which is how we know the REST mapping, the server and the cassette agree with it.

The one documented difference: `imports.runMapping` has no public REST endpoint, so the
REST backend refuses it (501) where the local backend applies simple mappings.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rest_servers import TOKEN, serving

sys.path.insert(0, str(Path(__file__).parents[1] / "js_suite"))
from js_suite import (  # the suite's folder is not a package
    CASES,
    CURSOR,
    IMPORTED_LINES,
    SUITE_DIR,
    WORLD_FILE,
    Failure,
    JsCase,
    observations,
)

from jsrt.api.catalog import CATALOG
from jsrt.backends.cassette import Cassette
from jsrt.backends.local import World, load_world
from jsrt.runner import HookResult, Runtime

NO_ROUTE = Failure("not_supported", 501, "imports.runMapping has no public integrator.io REST")
POLICY = SUITE_DIR / "policy.js"
IN_INTEGRATION = {"_flowId": "orderSync", "data": [{"id": 1}]}
HOOKS = ("crudInHook", "runsInHook", "cachesInHook")
"""The policy.js hooks, run on both backends (the rules are applied before any call)."""


def on_rest(observed: dict[str, Any]) -> dict[str, Any]:
    """What a local observation becomes through REST: runMapping is refused."""
    return {k: NO_ROUTE if k.startswith("runMapping") else v for k, v in observed.items()}


@dataclass
class Recording:
    rest: dict[str, HookResult]
    replayed: dict[str, HookResult]
    cassette: Path
    served_after_cases: World
    """The server's world after the suite's cases, before the policy hooks' reset."""


def _run_all(runtime: Runtime, reset: Callable[[], None]) -> dict[str, HookResult]:
    """The suite's cases in order on one world, then the policy hooks on a fresh one."""
    results = {
        case.id: runtime.run_hook(case.path, case.function, case.options, case.hook)
        for case in CASES
    }
    reset()
    for hook in HOOKS:
        results[hook] = runtime.run_hook(POLICY, hook, IN_INTEGRATION, "preSavePage")
    return results


@pytest.fixture(scope="module")
def recording(api_token: str, tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """The suite run through REST against a served copy of its world, recording; then
    replayed from that cassette with the server gone."""
    cassette = tmp_path_factory.mktemp("cassettes") / "js-suite.json"
    kept: list[World] = []

    def keep_and_reset() -> None:
        kept.append(World.from_snapshot(server.account.snapshot()))
        server.account.reset()

    with serving(load_world(WORLD_FILE)) as server:
        runtime = Runtime(
            WORLD_FILE,
            base_url=server.url,
            allow_writes=True,
            record=cassette,
            record_mode="all",
            timeout_s=20,
        )
        rest = _run_all(runtime, keep_and_reset)
    replayed = _run_all(Runtime(WORLD_FILE, replay=cassette, timeout_s=20), lambda: None)
    return Recording(rest, replayed, cassette, kept[0])


@pytest.fixture(scope="module")
def local_policy() -> dict[str, HookResult]:
    runtime = Runtime(WORLD_FILE, timeout_s=20)
    return {hook: runtime.run_hook(POLICY, hook, IN_INTEGRATION, "preSavePage") for hook in HOOKS}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rest_against_serve_observes_what_local_observes(
    case: JsCase, recording: Recording
) -> None:
    result = recording.rest[case.id]
    assert result.ok, result.error
    assert observations(result.value, case.hook) == on_rest(case.expected)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_replay_observes_what_the_rest_run_observed(case: JsCase, recording: Recording) -> None:
    replayed = recording.replayed[case.id]
    assert replayed.ok, replayed.error
    assert observations(replayed.value, case.hook) == on_rest(case.expected)
    assert replayed.calls == [
        {**call, "duration_ms": replayed_call["duration_ms"]}
        for call, replayed_call in zip(recording.rest[case.id].calls, replayed.calls, strict=True)
    ]


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_rules_apply_alike_on_rest_and_replay(
    hook: str, recording: Recording, local_policy: dict[str, HookResult]
) -> None:
    local = local_policy[hook].value["data"][0]
    for result in (recording.rest[hook], recording.replayed[hook]):
        assert result.ok, result.error
        assert result.value["data"][0] == on_rest(local)


def test_the_served_world_changed_as_the_local_one_does(recording: Recording) -> None:
    world = recording.served_after_cases
    assert world.state_of("flows", "orderSync") == {"cursor": CURSOR}
    assert world.imported("putLines") == IMPORTED_LINES
    assert world.get("integrations", "retiredShop") is None
    assert world.get("exports", "getOrders")["name"] == "Get orders"


def test_the_cassette_covers_every_routed_function_and_holds_no_token(
    recording: Recording,
) -> None:
    text = recording.cassette.read_text()
    assert TOKEN not in text
    assert "Bearer" not in text
    interactions = Cassette(recording.cassette, "none").interactions
    seen = {(i["object"], i["method"]) for i in interactions}
    routed = {(m.obj, m.name) for m in CATALOG if m.route is not None}
    assert routed <= seen
    assert ("imports", "runMapping") in seen  # recorded as the REST backend's refusal
