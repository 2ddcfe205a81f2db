"""`WorldView`: what the api layer reads from an account's documents.

The policy needs to look flows, integrations and lookup caches up; it does not need to
know which backend holds them. The local backend's `World` satisfies this Protocol, and
so would any other store of integrator.io documents.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal, Protocol

StepEntryKind = Literal["export", "import", "router"]


class WorldView(Protocol):
    """Documents by collection and `_id`, or every document of a collection."""

    def get(self, collection: str, _id: str) -> dict[str, Any] | None:
        """The document with this `_id`, or None when there is none."""
        ...

    def docs(self, collection: str) -> list[dict[str, Any]]:
        """Every document of a collection, in insertion order."""
        ...


def flow_step_entries(flow: Mapping[str, Any]) -> Iterator[tuple[str, StepEntryKind, Mapping]]:
    """Each step of a flow document, in its order, as (where it is written, its kind, its
    entry): the page generators (exports), the page processors (exports as lookups, or
    imports), then each router and the page processors of its branches
    (`routers[r].branches[b].pageProcessors[p]`, as flows with branching hold them:
    celigo/ai skills/building-flows/references/schemas/{router,branch}.yml). The one
    walk of a flow's steps: options, policy and the hook listing all read flows by it."""
    for key in ("pageGenerators", "pageProcessors"):
        for position, entry in enumerate(_list(flow.get(key))):
            if isinstance(entry, Mapping):
                kind = "export" if key == "pageGenerators" else _processor_kind(entry)
                yield f"{key}[{position}]", kind, entry
    for r, router in enumerate(_list(flow.get("routers"))):
        if not isinstance(router, Mapping):
            continue
        yield f"routers[{r}]", "router", router
        for b, branch in enumerate(_list(router.get("branches"))):
            processors = _list(branch.get("pageProcessors")) if isinstance(branch, Mapping) else []
            for p, entry in enumerate(processors):
                if isinstance(entry, Mapping):
                    place = f"routers[{r}].branches[{b}].pageProcessors[{p}]"
                    yield place, _processor_kind(entry), entry


def _processor_kind(entry: Mapping[str, Any]) -> Literal["export", "import"]:
    """A page processor's kind: its `type`, else the id it carries."""
    kind = entry.get("type")
    if kind in ("export", "import"):
        return "export" if kind == "export" else "import"
    return "import" if "_importId" in entry else "export"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
