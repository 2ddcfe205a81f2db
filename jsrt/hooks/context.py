"""The common context every flow hook receives (celigo-reference §1.3), found in the world.

A user gives as little as a resource id, or nothing at all. From an `_exportId` (or
`_importId`) the world yields the export's connection and the flow that uses it; from the
flow, its integration; from each document, its `settings`. Whatever the world does not
know falls back to stable placeholder ids and fixed times, so runs are deterministic.
Given fields always win.
"""

from __future__ import annotations

from typing import Any, Protocol

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

_STEP_KEYS: dict[ReceivedResource, tuple[str, ...]] = {
    "export": ("pageGenerators", "pageProcessors"),
    "import": ("pageProcessors",),
}


def resource_in_play(
    given: dict[str, Any], receives: tuple[ReceivedResource, ...]
) -> ReceivedResource | None:
    """Which resource a hook sits on: the first whose id was given, else the default."""
    for kind in receives:
        if f"_{kind}Id" in given:
            return kind
    return receives[0] if receives else None


def _flow_uses(flow: dict[str, Any], kind: ReceivedResource, resource_id: str) -> bool:
    """Does this flow have the export (or import) as one of its steps?"""
    key = f"_{kind}Id"
    for steps_key in _STEP_KEYS[kind]:
        steps = flow.get(steps_key)
        if isinstance(steps, list) and any(
            isinstance(step, dict) and step.get(key) == resource_id for step in steps
        ):
            return True
    return False


class _Lookup:
    """Reads documents from an optional world; an unknown id reads as an empty document."""

    def __init__(self, world: WorldLike | None) -> None:
        self.world = world

    def get(self, collection: str, _id: str | None) -> dict[str, Any]:
        found = self.world.get(collection, _id) if self.world is not None and _id else None
        return found if isinstance(found, dict) else {}

    def flow_using(self, kind: ReceivedResource | None, resource_id: str | None) -> dict[str, Any]:
        if self.world is None or kind is None or resource_id is None:
            return {}
        flows = self.world.docs("flows")
        return next((flow for flow in flows if _flow_uses(flow, kind, resource_id)), {})


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
    if read.has("_flowId"):
        flow = lookup.get("flows", read.string("_flowId"))
    else:
        flow = lookup.flow_using(kind, resource_id)
        read.string("_flowId", flow.get("_id") or PLACEHOLDER_IDS["flow"])
    # A flow the world knows without an integration is a standalone flow: it gets no
    # `_integrationId`, as in integrator.io (and the hook rules then apply). A flow the
    # world does not know is assumed to sit in an integration, under a placeholder id.
    if flow:
        default_integration = flow.get("_integrationId") or OMIT
    else:
        default_integration = PLACEHOLDER_IDS["integration"]
    integration_id = read.string("_integrationId", default_integration)
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
    given_settings = read.object("settings", {})
    read.fields["settings"] = {**settings, **given_settings}

    read.boolean("testMode", False)
    read.boolean("sandbox", False)
    job = {"_id": PLACEHOLDER_IDS["job"], "type": kind or "flow", "startedAt": RUN_STARTED_AT}
    read.fields["job"] = {**job, **read.object("job", {})}
