"""integrator.io's hook rules: each one refusing and allowing, with the message users read."""

from __future__ import annotations

import json

import pytest

from jsrt.api.catalog import CATALOG, find_method
from jsrt.api.checks import check_args
from jsrt.api.errors import PolicyViolation
from jsrt.api.policy import PolicyContext, can_refuse, check, registered_lookup_caches
from jsrt.backends.local import World
from jsrt.errors import UsageError

WORLD = {
    "integrations": [
        {"_id": "shop", "_registeredLookupCacheIds": ["explicit", "byName"]},
        {"_id": "other"},
    ],
    "flows": [
        {
            "_id": "orders",
            "_integrationId": "shop",
            "pageGenerators": [{"_exportId": "getOrders"}],
            "pageProcessors": [{"type": "import", "_importId": "putOrders"}],
        },
        {"_id": "lonely"},
    ],
    "exports": [
        {
            "_id": "getOrders",
            "transform": {
                "expression": {
                    "rulesTwoDotZero": {"lookups": [{"name": "t", "_lookupCacheId": "inTransform"}]}
                }
            },
        },
        {"_id": "ownedExport", "_integrationId": "shop", "_lookupCacheId": "onOwnedExport"},
        {"_id": "elsewhere", "lookups": [{"_lookupCacheId": "unrelated"}]},
    ],
    "imports": [
        {
            "_id": "putOrders",
            "http": {"lookups": [{"name": "sku", "_lookupCacheId": "inMapping"}]},
            "_asyncHelperId": "helper",
        },
    ],
    "asyncHelpers": [{"_id": "helper", "http": {"lookups": [{"_lookupCacheId": "inHelper"}]}}],
    "lookupcaches": [
        {"_id": "explicit"},
        {"_id": "named", "name": "byName"},
        {"_id": "owned", "_integrationId": "shop"},
        {"_id": "inTransform"},
        {"_id": "inMapping"},
        {"_id": "onOwnedExport"},
        {"_id": "inHelper"},
        {"_id": "unrelated"},
    ],
}


@pytest.fixture(scope="module")
def world() -> World:
    return World(WORLD)


def hook(world: World, **options) -> PolicyContext:
    return PolicyContext.resolve(
        script_kind="hook", hook="preSavePage", options=options, world=world
    )


def violation(ctx: PolicyContext, qualified: str, arg=None) -> str:
    obj, name = qualified.split(".")
    method = find_method(obj, name)
    with pytest.raises(PolicyViolation) as caught:
        check(ctx, method, check_args(method, [] if arg is None else [arg]))
    assert caught.value.status_code == 403
    assert caught.value.code == "policy_violation"
    assert caught.value.errors == [{"code": "policy_violation", "message": caught.value.message}]
    return caught.value.message


def allowed(ctx: PolicyContext, qualified: str, arg=None) -> None:
    obj, name = qualified.split(".")
    method = find_method(obj, name)
    check(ctx, method, check_args(method, [] if arg is None else [arg]))


# ---- context ------------------------------------------------------------------------


def test_integration_comes_from_options_first_then_the_flow(world):
    assert hook(world, _flowId="orders").integration_id == "shop"
    assert hook(world, _flowId="orders", _integrationId="other").integration_id == "other"
    assert hook(world, _flowId="lonely").integration_id is None
    assert hook(world, _flowId="unknown").integration_id is None
    assert hook(world).flow_id is None


def test_a_context_crosses_a_process_boundary_as_plain_json(world):
    ctx = hook(world, _flowId="orders")
    assert ctx.registered_caches == tuple(sorted(registered_lookup_caches(world, "shop")))
    wire = json.loads(json.dumps(ctx.__dict__))
    assert PolicyContext(**wire) == ctx
    assert PolicyContext("hook", registered_caches={"b", "a"}).registered_caches == ("a", "b")


def test_registered_caches_as_a_string_is_refused():
    with pytest.raises(UsageError, match="must be a collection of cache _ids, got the string"):
        PolicyContext("hook", registered_caches="abc")


def test_unknown_script_kind_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown script kind 'hooks'; one of hook, api"):
        PolicyContext("hooks")


def test_registration_explicit_by_id_or_name_and_inferred_from_the_integration(world):
    assert registered_lookup_caches(world, "shop") == {
        "explicit",  # _registeredLookupCacheIds, by _id
        "named",  # _registeredLookupCacheIds, by name
        "owned",  # the cache's own _integrationId
        "inTransform",  # an export of one of the integration's flows
        "inMapping",  # an import of one of the integration's flows
        "onOwnedExport",  # an export that names the integration
        "inHelper",  # the async helper of one of those steps
    }
    assert registered_lookup_caches(world, "other") == frozenset()
    assert registered_lookup_caches(world, None) == frozenset()


# ---- rule 1: no CRUD in hooks -------------------------------------------------------


@pytest.mark.parametrize(
    "method", [m for m in CATALOG if m.kind == "crud"], ids=lambda m: m.qualified
)
def test_every_crud_function_is_refused_in_hooks(world, method):
    ctx = hook(world, _flowId="orders")
    with pytest.raises(PolicyViolation, match=r"\(rule: no CRUD in hooks\)"):
        check(ctx, method, ["x"])


def test_crud_message_names_rule_function_hook_and_fix(world):
    message = violation(hook(world, _flowId="orders"), "exports.get", "x")
    assert message.startswith("exports.get is refused in this preSavePage hook (rule: no CRUD")
    assert "not support the runtime objects' CRUD functions" in message
    assert "Fix:" in message and "My API script or an installer step" in message


@pytest.mark.parametrize("kind", ["api", "installer", "script"])
def test_crud_is_allowed_outside_hooks(world, kind):
    ctx = PolicyContext.resolve(script_kind=kind, hook=None, options={}, world=world)
    allowed(ctx, "exports.create", {"name": "new"})
    allowed(ctx, "connections.find")
    allowed(ctx, "lookupcaches.getData", {"_id": "unrelated"})
    allowed(ctx, "exports.run", {"_id": "getOrders"})


# ---- rule 2: runs need an integration -----------------------------------------------

RUNS = [
    ("exports.run", {"_id": "getOrders"}),
    ("exports.runVirtual", {"export": {}}),
    ("exports.runVirtualWithPaging", {"export": {}}),
    ("imports.run", {"_id": "putOrders", "data": []}),
    ("imports.runVirtual", {"import": {}, "data": []}),
    ("imports.runMapping", {"import": {}, "data": []}),
]


@pytest.mark.parametrize(("qualified", "arg"), RUNS)
def test_runs_from_a_standalone_flow_are_refused(world, qualified, arg):
    message = violation(hook(world, _flowId="lonely"), qualified, arg)
    assert "must be in an integration" in message
    assert "flow 'lonely' is standalone" in message
    assert "Fix: put the flow in an integration" in message


@pytest.mark.parametrize(("qualified", "arg"), RUNS)
def test_runs_from_a_flow_in_an_integration_are_allowed(world, qualified, arg):
    allowed(hook(world, _flowId="orders"), qualified, arg)
    allowed(hook(world, _flowId="lonely", _integrationId="shop"), qualified, arg)


def test_state_and_flow_runs_are_allowed_in_standalone_hooks(world):
    ctx = hook(world, _flowId="lonely")
    allowed(ctx, "state.putForResource", {"resourceType": "flows", "_id": "lonely", "key": "k"})
    allowed(ctx, "flows.run", {"_id": "orders"})


def test_standalone_message_when_no_flow_is_given(world):
    message = violation(hook(world), "exports.run", {"_id": "getOrders"})
    assert "flow (no options._flowId given) is standalone" in message


# ---- rule 3: lookup caches must be registered ---------------------------------------

DATA_CALLS = [
    ("lookupcaches.getData", {}),
    ("lookupcaches.putData", {"data": []}),
    ("lookupcaches.deleteData", {"keys": []}),
    ("lookupcaches.purgeData", {}),
]


@pytest.mark.parametrize(("qualified", "extra"), DATA_CALLS)
def test_registered_caches_are_usable_from_hooks(world, qualified, extra):
    ctx = hook(world, _flowId="orders")
    for cache_id in ("explicit", "named", "inMapping"):
        allowed(ctx, qualified, {"_id": cache_id, **extra})


@pytest.mark.parametrize(("qualified", "extra"), DATA_CALLS)
def test_unregistered_caches_are_refused_in_hooks(world, qualified, extra):
    message = violation(hook(world, _flowId="orders"), qualified, {"_id": "unrelated", **extra})
    assert "(rule: a hook may use only lookup caches registered with its integration)" in message
    assert "Lookup cache 'unrelated' is not registered with integration 'shop'" in message
    assert "_registeredLookupCacheIds" in message and "_lookupCacheId" in message


def test_caches_are_refused_in_a_standalone_flow(world):
    message = violation(hook(world, _flowId="lonely"), "lookupcaches.getData", {"_id": "explicit"})
    assert "flow 'lonely' is standalone" in message
    assert "so no lookup cache is registered for it" in message


def test_without_a_world_registration_is_unknown_and_allowed():
    ctx = PolicyContext.resolve(
        script_kind="hook", hook="postMap", options={"_integrationId": "i"}, world=None
    )
    assert ctx.registered_caches is None
    allowed(ctx, "lookupcaches.putData", {"_id": "anything", "data": []})
    message = violation(ctx, "imports.get", "x")
    assert "this postMap hook" in message


@pytest.mark.parametrize("method", CATALOG, ids=lambda m: m.qualified)
def test_can_refuse_says_whether_any_call_of_a_function_could_be_refused(method):
    # The bridge skips `check` for a function `can_refuse` clears (jsrt.api.dispatch):
    # a cleared one must pass whatever its arguments, and one not cleared must be
    # refused in some hook (standalone, no cache registered).
    standalone = PolicyContext("hook", "preSavePage", "lonely", None, ())
    if not can_refuse(standalone, method):
        check(standalone, method, [None])  # never reads its arguments
        return
    options = {
        "_id": "unregistered",
        **{name: {"_lookupCacheId": "unregistered"} for name in method.cache_reading_fields},
    }
    with pytest.raises(PolicyViolation):
        check(standalone, method, ["unregistered" if method.shape == "id" else options])


@pytest.mark.parametrize("kind", ["api", "installer", "script"])
def test_nothing_can_be_refused_outside_hooks(kind):
    assert not any(can_refuse(PolicyContext(kind), method) for method in CATALOG)
