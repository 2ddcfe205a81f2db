"""The common context every flow hook receives (celigo-reference §1.3), found in the world.

A user gives as little as a resource id, or nothing at all. From an `_exportId` (or
`_importId`) the world yields the export's connection and the flow that uses it; from the
flow, its integration; from each document, its `settings`. A world that holds flows or
integrations decides the flow and integration (never a sample, since the hook rules
depend on them): ids it does not hold are refused, and so is a run where it cannot tell
which flow. Otherwise what the world does not know falls back to stable placeholder ids,
and times are fixed, so runs are deterministic. Given fields win, within the world.
"""

from __future__ import annotations

from typing import Any, NoReturn, Protocol

from jsrt.api.world import flow_step_entries
from jsrt.closest import most_alike
from jsrt.errors import UsageError
from jsrt.hooks.inputs import OMIT, Inputs
from jsrt.hooks.kinds import ReceivedResource


class WorldLike(Protocol):
    """What the contracts read from a world: documents by collection and `_id`, or all.

    The local backend's `World` satisfies it.

    Collections used: `exports`, `imports`, `flows`, `integrations`, `connections`.
    Documents are integrator.io resources as dicts (`_id`, `settings`, `_connectionId`,
    flows' `pageGenerators`/`pageProcessors`/`_integrationId`/`_flowGroupingId`,
    integrations' `flowGroupings: [{_id, settings}]`).
    """

    def get(self, collection: str, _id: str) -> dict[str, Any] | None:
        """The document with this `_id`, or None."""
        ...

    def docs(self, collection: str) -> list[dict[str, Any]]:
        """Every document of the collection, in a stable order."""
        ...


PLACEHOLDER_IDS = {
    "integration": "5e1a00000000000000000001",
    "flow": "5e1a00000000000000000002",
    "export": "5e1a00000000000000000003",
    "import": "5e1a00000000000000000004",
    "connection": "5e1a00000000000000000005",
    "job": "5e1a00000000000000000006",
    "api": "5e1a00000000000000000007",
    "license": "5e1a00000000000000000008",
}
"""Stable 24-hex-digit ids used where neither the user nor the world gives one."""

RUN_STARTED_AT = "2025-01-15T12:00:00.000Z"
"""The fixed "now" of a run: `job.startedAt` and `currentExportDateTime`."""

LAST_RUN_AT = "2025-01-14T12:00:00.000Z"
"""The fixed previous run: `lastExportDateTime`."""


def resource_in_play(
    given: dict[str, Any], receives: tuple[ReceivedResource, ...]
) -> ReceivedResource | None:
    """Which resource a hook sits on: the first whose id was given, else the default."""
    for kind in receives:
        if f"_{kind}Id" in given:
            return kind
    return receives[0] if receives else None


def _flow_uses(flow: dict[str, Any], kind: ReceivedResource, resource_id: str) -> bool:
    """Does this flow have the export (or import) as one of its steps, its routers'
    branches included?"""
    key = f"_{kind}Id"
    return any(
        entry_kind == kind and entry.get(key) == resource_id
        for _, entry_kind, entry in flow_step_entries(flow)
    )


class _Lookup:
    """Reads documents from an optional world; an unknown id reads as an empty document."""

    def __init__(self, world: WorldLike | None) -> None:
        self.world = world

    def get(self, collection: str, _id: str | None) -> dict[str, Any]:
        found = self.world.get(collection, _id) if self.world is not None and _id else None
        return found if isinstance(found, dict) else {}

    def all(self, collection: str) -> list[dict[str, Any]]:
        return self.world.docs(collection) if self.world is not None else []


def _settings_of(document: dict[str, Any]) -> dict[str, Any]:
    settings = document.get("settings")
    return settings if isinstance(settings, dict) else {}


def _grouping_settings(integration: dict[str, Any], flow: dict[str, Any]) -> dict[str, Any]:
    """The settings of the flow grouping (integration section) the flow belongs to."""
    grouping_id = flow.get("_flowGroupingId")
    groupings = integration.get("flowGroupings")
    if not grouping_id or not isinstance(groupings, list):
        return {}
    for grouping in groupings:
        if isinstance(grouping, dict) and grouping.get("_id") == grouping_id:
            return _settings_of(grouping)
    return {}


def _flow_and_integration(
    read: Inputs, lookup: _Lookup, kind: ReceivedResource | None, resource_id: str | None
) -> tuple[dict[str, Any], str | None]:
    """Read `_flowId` and `_integrationId`: the hook's flow document (empty when the world
    does not hold it) and its integration's id (None for a standalone flow).

    A world that holds flows or integrations says where hooks run, and integrator.io's
    rules depend on it (runs need an integration, caches must be registered with it:
    `jsrt.api.policy`), so the ids come from it and never from the samples: the one flow
    that uses the hook's resource, else the world's only flow, with that flow's
    `_integrationId` (none for a standalone flow). Where the world cannot say which, or
    the options name a flow or integration it does not hold (or contradict the flow's),
    the run is refused with the ids to choose from. A world silent on flows and
    integrations (or none) leaves the placeholders: a flow in an integration.
    """
    flows, integrations = lookup.all("flows"), lookup.all("integrations")
    if read.has("_flowId"):
        flow = lookup.get("flows", read.string("_flowId"))
        if not flow and (flows or integrations):
            _refuse_unknown(read, "_flowId", "flow", flows)
    elif flows:
        flow = _the_flow(read, flows, kind, resource_id)
        read.string("_flowId", flow["_id"])
    else:
        flow = {}
        read.string("_flowId", PLACEHOLDER_IDS["flow"])
    if read.has("_integrationId"):
        integration_id = read.string("_integrationId")
        if flow:
            _check_flow_integration(read, flow, integration_id)
        elif integrations and not lookup.get("integrations", integration_id):
            _refuse_unknown(read, "_integrationId", "integration", integrations)
        return flow, integration_id
    if flow:
        # A standalone flow has no `_integrationId`, as in integrator.io.
        return flow, read.string("_integrationId", flow.get("_integrationId") or OMIT)
    if not integrations:
        return flow, read.string("_integrationId", PLACEHOLDER_IDS["integration"])
    if len(integrations) > 1:
        _refuse_unsaid(read, "_integrationId", f"{len(integrations)} integrations", integrations)
    return flow, read.string("_integrationId", integrations[0]["_id"])


def _the_flow(
    read: Inputs,
    flows: list[dict[str, Any]],
    kind: ReceivedResource | None,
    resource_id: str | None,
) -> dict[str, Any]:
    """The world's flow for a hook given no `_flowId`: the one flow that uses the hook's
    resource, else the world's only flow."""
    users = []
    if kind is not None and resource_id is not None:
        users = [flow for flow in flows if _flow_uses(flow, kind, resource_id)]
    if len(users) == 1:
        return users[0]
    if users:
        _refuse_unsaid(
            read, "_flowId", f"{len(users)} flows that use {kind} {resource_id!r}", users
        )
    if len(flows) == 1:
        return flows[0]
    held = f"{len(flows)} flows"
    if kind is not None and read.has(f"_{kind}Id"):
        held += f", none of which uses {kind} {resource_id!r}"
    _refuse_unsaid(read, "_flowId", held, flows)


def _check_flow_integration(read: Inputs, flow: dict[str, Any], integration_id: str) -> None:
    """A given `_integrationId` must be the integration the world's flow is in."""
    own = flow.get("_integrationId")
    if own == integration_id:
        return
    where = f"is in integration {own!r}" if own else "is standalone (it has no _integrationId)"
    raise UsageError(
        f"{read.script} options: `_integrationId` is {integration_id!r}, but flow "
        f"{flow['_id']!r} {where} in the world",
        hint="leave _integrationId out: it comes from the flow; to run the hook in another "
        "integration, give a flow of that integration, or change the flow in the world file",
        script_type=read.script,
        path="_integrationId",
    )


def _refuse_unknown(
    read: Inputs, key: str, noun: str, candidates: list[dict[str, Any]]
) -> NoReturn:
    """A given id the world does not hold: refused with the closest ids it does hold."""
    given = read.given[key]
    ids = [document["_id"] for document in candidates]
    if ids:
        hint = f"the closest {noun}s in the world: {_labels(candidates, most_alike(given, ids))}"
    else:
        hint = f"the world holds no {noun}s: add the {noun} to the world file"
    raise UsageError(
        f"{read.script} options: `{key}` is {given!r}, which is not {_ARTICLES[noun]} {noun} "
        "in the world",
        hint=f"{hint}; or leave {key} out",
        script_type=read.script,
        path=key,
        candidates=ids,
    )


def _refuse_unsaid(read: Inputs, key: str, held: str, candidates: list[dict[str, Any]]) -> NoReturn:
    """No id given, and the world holds several: the user must say which."""
    ids = [document["_id"] for document in candidates]
    raise UsageError(
        f"{read.script} options: `{key}` is not given and the world holds {held}, so "
        "which one the hook runs in is unknown",
        hint=f"give {key}, one of: {_labels(candidates, ids)}",
        script_type=read.script,
        path=key,
        candidates=ids,
    )


_ARTICLES = {"flow": "a", "integration": "an"}

_LISTED = 10
"""How many candidate ids a message lists."""


def _labels(documents: list[dict[str, Any]], ids: list[str]) -> str:
    """Ids as a message lists them, each with its document's name: `"F1" (Orders)`."""
    names = {d["_id"]: d.get("name") for d in documents}
    labels = [f"{i!r} ({names[i]})" if isinstance(names[i], str) else repr(i) for i in ids]
    more = len(labels) - _LISTED
    return ", ".join(labels[:_LISTED]) + (f" and {more} more" if more > 0 else "")


def hook_context(
    read: Inputs, world: WorldLike | None, receives: tuple[ReceivedResource, ...]
) -> None:
    """Read the common hook context into `read.fields`, filling gaps from the world.

    `receives` lists the resources whose id the hook may carry (`("export",)` for
    preSavePage, `("export", "import")` for filter, `()` for a router).
    """
    lookup = _Lookup(world)
    kind = resource_in_play(read.given, receives)
    resource: dict[str, Any] = {}
    resource_id = connection_id = None
    if kind is not None:
        resource_id = read.string(f"_{kind}Id", PLACEHOLDER_IDS[kind])
        resource = lookup.get(f"{kind}s", resource_id)
        connection_id = read.string(
            "_connectionId", resource.get("_connectionId") or PLACEHOLDER_IDS["connection"]
        )
    flow, integration_id = _flow_and_integration(read, lookup, kind, resource_id)
    integration = lookup.get("integrations", integration_id)
    read.string("_parentIntegrationId", integration.get("_parentId") or OMIT)

    settings = {
        "integration": _settings_of(integration),
        "flowGrouping": _grouping_settings(integration, flow),
        "flow": _settings_of(flow),
    }
    if kind is not None:
        settings[kind] = _settings_of(resource)
        settings["connection"] = _settings_of(lookup.get("connections", connection_id))
    for other in receives:
        # postResponseMap gets both `_exportId` and `_importId` (celigo-reference §1.3),
        # and the settings of each resource it is given.
        if other != kind and read.has(f"_{other}Id"):
            settings[other] = _settings_of(lookup.get(f"{other}s", read.string(f"_{other}Id")))
    given_settings = read.object("settings", {})
    read.fields["settings"] = {**settings, **given_settings}

    read.boolean("testMode", False)
    read.boolean("sandbox", False)
    job = {"_id": PLACEHOLDER_IDS["job"], "type": kind or "flow", "startedAt": RUN_STARTED_AT}
    read.fields["job"] = {**job, **read.object("job", {})}


def api_context(read: Inputs, world: WorldLike | None) -> None:
    """What a My API's handleRequest receives besides the request, like other hooks:
    `settings` with its integration's (the given `_integrationId`'s, else the world's
    only integration's) and `sandbox` (issue 11 item 5; celigo-reference §1.3)."""
    lookup = _Lookup(world)
    if read.has("_integrationId"):
        integration = lookup.get("integrations", read.string("_integrationId"))
    else:
        integrations = lookup.all("integrations")
        integration = integrations[0] if len(integrations) == 1 else {}
    given_settings = read.object("settings", {})
    read.fields["settings"] = {"integration": _settings_of(integration), **given_settings}
    read.boolean("sandbox", False)
