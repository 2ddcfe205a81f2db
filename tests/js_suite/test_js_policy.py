"""integrator.io's hook rules, enforced on hooks written in JavaScript (policy.js): each
rule refusing, each allowed path working, and the message a hook author reads.
"""

from __future__ import annotations

import pytest
from js_suite import SUITE_DIR, Failure, ok

from jsrt.runner import Runtime

POLICY = SUITE_DIR / "policy.js"
IN_INTEGRATION = {"_flowId": "orderSync", "data": [{"id": 1}]}
STANDALONE = {"_flowId": "adHocPull", "data": [{"id": 1}]}

NO_CRUD = "(rule: no CRUD in hooks)"
NEEDS_INTEGRATION = "(rule: a hook that runs an export, lookup or import must be in an integration)"
REGISTERED_ONLY = "(rule: a hook may use only lookup caches registered with its integration)"


def refused(function: str, *phrases: str) -> Failure:
    """A call the policy refused in a preSavePage hook, naming the function and the fix."""
    return Failure(
        "policy_violation",
        403,
        f"{function} is refused in this preSavePage hook",
        *phrases,
        "Fix: ",
    )


@pytest.fixture
def runtime(js_suite_runtime: Runtime) -> Runtime:
    """The suite's runtime, its world back at world.yaml's seed."""
    js_suite_runtime.world.reset()
    return js_suite_runtime


def run_hook(runtime: Runtime, function: str, options: dict) -> dict:
    """Run a preSavePage hook of policy.js; its observations (the first record it returns)."""
    result = runtime.run_hook(POLICY, function, options, "preSavePage")
    assert result.ok, result.error
    return result.value["data"][0]


def test_crud_in_a_hook_is_refused_on_every_object(runtime: Runtime) -> None:
    seen = run_hook(runtime, "crudInHook", IN_INTEGRATION)
    fix = "make this call from a My API script or an installer step"
    assert seen == {
        "exportsGet": refused("exports.get", NO_CRUD, fix),
        "connectionsFind": refused("connections.find", NO_CRUD, fix),
        "integrationsUpdate": refused("integrations.update", NO_CRUD, fix),
        "lookupcachesCreate": refused("lookupcaches.create", NO_CRUD, fix),
    }
    assert runtime.world.get("integrations", "shop")["name"] == "Shop"
    assert len(runtime.world.docs("lookupcaches")) == 3


def test_an_uncaught_refusal_fails_the_hook_at_the_line_that_called(runtime: Runtime) -> None:
    line = POLICY.read_text().splitlines().index("  const flow = exports.get('getOrders')") + 1
    result = runtime.run_hook(POLICY, "crudUncaught", IN_INTEGRATION, "preSavePage")
    assert not result.ok
    assert result.error["type"] == "ScriptError"
    message = result.error["message"]
    assert message.startswith(f"{POLICY}:{line}:")
    assert "IntegratorApiError: exports.get is refused in this preSavePage hook" in message
    assert NO_CRUD in message
    assert "Fix: " in message


def test_a_hook_in_an_integration_may_run_exports_and_imports(runtime: Runtime) -> None:
    seen = run_hook(runtime, "runsInHook", IN_INTEGRATION)
    assert seen == {
        "exportRun": ok([{"id": 1}, {"id": 2}]),
        "exportRunVirtual": ok([{"id": 99}]),
        "importRun": ok(["ns-1"]),
        "runMapping": ok([{"statusCode": 200, "data": {"ref": 1}, "errors": []}]),
    }
    assert runtime.world.imported("putOrders") == [{"id": 1}]


def test_a_hook_in_a_standalone_flow_may_not_run_exports_or_imports(runtime: Runtime) -> None:
    seen = run_hook(runtime, "runsInHook", STANDALONE)
    standalone = "The hook's flow 'adHocPull' is standalone"
    fix = "put the flow in an integration"
    assert seen == {
        "exportRun": refused("exports.run", NEEDS_INTEGRATION, standalone, fix),
        "exportRunVirtual": refused("exports.runVirtual", NEEDS_INTEGRATION, standalone, fix),
        "importRun": refused("imports.run", NEEDS_INTEGRATION, standalone, fix),
        "runMapping": refused("imports.runMapping", NEEDS_INTEGRATION, standalone, fix),
    }
    assert runtime.world.imported("putOrders") == []


def test_a_hook_may_use_only_the_caches_registered_with_its_integration(
    runtime: Runtime,
) -> None:
    seen = run_hook(runtime, "cachesInHook", IN_INTEGRATION)
    not_registered = "Lookup cache 'legacyRates' is not registered with integration 'shop'"
    fix = "add it to that integration's _registeredLookupCacheIds"
    assert seen == {
        "registered": ok([{"key": "A-100", "value": {"ns": 1}}]),
        "referencedByMapping": ok([{"key": "DE", "value": "Germany"}]),
        "unregisteredRead": refused("lookupcaches.getData", REGISTERED_ONLY, not_registered, fix),
        "unregisteredWrite": refused("lookupcaches.putData", REGISTERED_ONLY, not_registered, fix),
    }
    assert runtime.world.cache_entries("legacyRates") == {"EUR": 1.1}


def test_a_my_api_handler_may_use_crud(runtime: Runtime) -> None:
    result = runtime.run_hook(POLICY, "handleRequest", {"body": {}})
    assert result.ok, result.error
    assert result.value["statusCode"] == 201
    assert result.value["body"] == {
        "exportIds": ["getOrders"],
        "integration": "Shop",
        "created": "From My API",
    }
    names = [c["name"] for c in runtime.world.docs("connections")]
    assert names == ["Shopify", "From My API"]


def test_an_installer_step_may_use_crud(runtime: Runtime) -> None:
    result = runtime.run_hook(POLICY, "step", {})
    assert result.ok, result.error
    assert runtime.world.get("integrations", "shop")["name"] == "Shop (installed)"
    names = [c["name"] for c in runtime.world.docs("connections")]
    assert names == ["Shopify", "From the installer"]
