"""integrator.io's rules for what a script may call, by where it runs (celigo-reference §2.2).

The rules apply to hooks (`script_kind == "hook"`: preSavePage, preMap, postMap,
postSubmit, postAggregate, postResponseMap, filter, transform, branching). My API scripts
(`"api"`), installer steps (`"installer"`) and generic scripts (`"script"`) may call
everything. Which rule governs a function is the catalog's `Method.hook_rule`.

1. No CRUD in hooks: find/get/create/update/patch/delete of any object are refused
   ("JavaScript runtime object CRUD functions are not supported in hooks").
2. Runs need an integration: a hook that runs an export, lookup or import (`exports.run`,
   `runVirtual`, `runVirtualWithPaging`, `imports.run`, `runVirtual`, `runMapping`) is
   refused when its flow is standalone: no `options._integrationId` and no
   `_integrationId` on the flow in the world.
3. Lookup caches must be registered: a hook may use a cache's data only if the cache is
   registered with the hook's integration (`lookupcaches.getData`, and the lookups of a
   mapping it runs with `imports.runMapping`). Read from the world:
   - explicitly, the integration document's `_registeredLookupCacheIds` (integrator.io's
     own field), a list of cache `_id`s (the local world also accepts cache names);
   - implicitly, a cache whose `_integrationId` is the integration, and every
     `_lookupCacheId` found anywhere in the integration document, in its flows (flows
     whose `_integrationId` is the integration), and in the exports, imports and async
     helpers those flows reference or that carry the integration's `_integrationId`:
     mapping `lookups[]`, `http.lookups[]`, Transformation 2.0 `rulesTwoDotZero.lookups[]`
     and the rest of the places integrator.io keeps a cache reference.
   Without a world (the REST backend on its own) registration is unknown: allowed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard, get_args

from jsrt.api.catalog import (
    HOOKS_ALLOWED,
    HOOKS_NEED_INTEGRATION,
    HOOKS_NEED_REGISTERED_CACHE,
    HOOKS_REFUSED,
    Method,
)
from jsrt.api.errors import PolicyViolation
from jsrt.api.world import WorldView
from jsrt.errors import UsageError

ScriptKind = Literal["hook", "api", "installer", "script"]
"""What the call policy keys on: flow hooks, My API scripts (handleRequest), the
integration-app installer (step, update), or any other script."""
SCRIPT_KINDS: tuple[ScriptKind, ...] = get_args(ScriptKind)


def is_script_kind(value: str) -> TypeGuard[ScriptKind]:
    """Whether `value` names a kind of script the rules know."""
    return value in SCRIPT_KINDS


def _unknown_kind(value: object) -> UsageError:
    return UsageError(f"unknown script kind {value!r}; one of {', '.join(SCRIPT_KINDS)}")


@dataclass(frozen=True)
class PolicyContext:
    """Where a script runs: what the rules need to know about it.

    `registered_caches` holds the cache `_id`s a hook of this integration may use, sorted,
    or None when unknown. It is a tuple, not a set, so the context is plain JSON as it
    is (the runner sends `__dict__` to the worker process); a list, set or frozenset
    given to the constructor is normalised to that tuple.
    """

    script_kind: ScriptKind
    hook: str | None = None
    flow_id: str | None = None
    integration_id: str | None = None
    registered_caches: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not is_script_kind(self.script_kind):
            raise _unknown_kind(self.script_kind)
        caches = self.registered_caches
        if isinstance(caches, str):
            raise UsageError(
                f"registered_caches must be a collection of cache _ids, got the string {caches!r}"
            )
        if caches is not None:
            object.__setattr__(self, "registered_caches", tuple(sorted(set(caches))))

    @classmethod
    def resolve(
        cls,
        *,
        script_kind: str,
        hook: str | None,
        options: Mapping[str, Any],
        world: WorldView | None,
    ) -> PolicyContext:
        """The context of a script run with these `options`, looking the flow up in `world`."""
        if not is_script_kind(script_kind):
            raise _unknown_kind(script_kind)
        flow_id = options.get("_flowId") or None
        integration_id = options.get("_integrationId") or None
        if integration_id is None and world is not None and flow_id is not None:
            flow = world.get("flows", flow_id) or {}
            integration_id = flow.get("_integrationId") or None
        caches = None if world is None else tuple(registered_lookup_caches(world, integration_id))
        return cls(script_kind, hook, flow_id, integration_id, caches)

    @property
    def where(self) -> str:
        return f"this {self.hook} hook" if self.hook else "this hook"


def can_refuse(ctx: PolicyContext, method: Method) -> bool:
    """Whether `check` could refuse any call of `method` in `ctx`: the bridge asks once
    per method and run, and skips `check` for a call no rule governs (what a hook calls
    most: the state API)."""
    if ctx.script_kind != "hook":
        return False
    return method.hook_rule != HOOKS_ALLOWED or bool(method.cache_reading_fields)


def check(ctx: PolicyContext, method: Method, args: list[Any]) -> None:
    """Raise `PolicyViolation` when integrator.io would refuse this call in this context."""
    if ctx.script_kind != "hook":
        return
    rule = method.hook_rule
    if rule == HOOKS_REFUSED:
        raise PolicyViolation(
            f"{method.qualified} is refused in {ctx.where} (rule: no CRUD in hooks). "
            "integrator.io does not support the runtime objects' CRUD functions (find, get, "
            "create, update, patch, delete) in hooks. Fix: give the hook what it needs "
            "through settings or the state API, or make this call from a My API script or "
            "an installer step"
        )
    if rule == HOOKS_NEED_INTEGRATION and ctx.integration_id is None:
        raise PolicyViolation(
            f"{method.qualified} is refused in {ctx.where} (rule: a hook that runs an export, "
            f"lookup or import must be in an integration). {_standalone(ctx)}. Fix: put the "
            "flow in an integration (give it an _integrationId in the world file), or run the "
            "hook in a flow that is in one (options._flowId)"
        )
    if rule == HOOKS_NEED_REGISTERED_CACHE:
        _check_registered(ctx, method, args[0]["_id"])
    for name in method.cache_reading_fields:
        for cache_id in _values_of(args[0].get(name), "_lookupCacheId"):
            _check_registered(ctx, method, cache_id)


def _check_registered(ctx: PolicyContext, method: Method, cache_id: str) -> None:
    """Rule 3 for one cache a call uses (unknown registration, no world: allowed)."""
    if ctx.registered_caches is None or cache_id in ctx.registered_caches:
        return
    head = (
        f"{method.qualified} is refused in {ctx.where} (rule: a hook may use only lookup "
        "caches registered with its integration)."
    )
    if ctx.integration_id is None:
        raise PolicyViolation(
            f"{head} {_standalone(ctx)}, so no lookup cache is registered for it. Fix: put "
            "the flow in an integration and register the cache there"
        )
    raise PolicyViolation(
        f"{head} Lookup cache {cache_id!r} is not registered with integration "
        f"{ctx.integration_id!r}. Fix: add it to that integration's "
        "_registeredLookupCacheIds in the world file, or reference it from a mapping "
        "lookup (_lookupCacheId) of a flow step in that integration"
    )


def _standalone(ctx: PolicyContext) -> str:
    flow = f"flow {ctx.flow_id!r}" if ctx.flow_id else "flow (no options._flowId given)"
    return (
        f"The hook's {flow} is standalone: options._integrationId is not set and the flow "
        "has no _integrationId in the world"
    )


def registered_lookup_caches(world: WorldView, integration_id: str | None) -> frozenset[str]:
    """The `_id`s of the lookup caches a hook of this integration may use (rule 3)."""
    if integration_id is None:
        return frozenset()
    caches = world.docs("lookupcaches")
    ids = {cache["_id"] for cache in caches}
    by_name = {c["name"]: c["_id"] for c in caches if isinstance(c.get("name"), str)}
    integration = world.get("integrations", integration_id) or {}
    found = set()
    for ref in integration.get("_registeredLookupCacheIds") or []:
        if isinstance(ref, str):
            found.add(ref if ref in ids else by_name.get(ref, ref))
    found.update(c["_id"] for c in caches if c.get("_integrationId") == integration_id)
    for document in _integration_documents(world, integration_id, integration):
        found.update(_values_of(document, "_lookupCacheId"))
    return frozenset(found)


def _integration_documents(
    world: WorldView, integration_id: str, integration: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """The integration, its flows, the steps those flows use or that name the integration,
    and the async helpers of those steps."""
    yield integration
    flows = [f for f in world.docs("flows") if f.get("_integrationId") == integration_id]
    yield from flows
    steps = [
        *_used_or_owned(world, "exports", flows, "_exportId", integration_id),
        *_used_or_owned(world, "imports", flows, "_importId", integration_id),
    ]
    yield from steps
    yield from _used_or_owned(world, "asyncHelpers", steps, "_asyncHelperId", integration_id)


def _used_or_owned(
    world: WorldView, collection: str, users: list[dict[str, Any]], ref: str, integration_id: str
) -> list[dict[str, Any]]:
    ids = {i for user in users for i in _values_of(user, ref)}
    return [
        d
        for d in world.docs(collection)
        if d["_id"] in ids or d.get("_integrationId") == integration_id
    ]


def _values_of(value: Any, field: str) -> Iterator[str]:
    """Every string stored under `field`, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == field and isinstance(item, str):
                yield item
            else:
                yield from _values_of(item, field)
    elif isinstance(value, list):
        for item in value:
            yield from _values_of(item, field)
