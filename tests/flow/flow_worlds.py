"""Building blocks of the flow runner's focused worlds: hook references, mock pages, a
one-generator flow."""

from __future__ import annotations

from typing import Any

SCRIPT = "hooks"
"""The `_id` of the script document every focused world holds."""


def hook(function: str) -> dict[str, str]:
    """A reference to a function of the world's script."""
    return {"_scriptId": SCRIPT, "function": function}


def page_of(*records: dict[str, Any]) -> dict[str, Any]:
    """A `mockOutput` holding these records (integrator.io's canonical form)."""
    return {"page_of_records": [{"record": record} for record in records]}


def simple_flow(*processors: dict[str, Any], **flow: Any) -> dict[str, Any]:
    """A flow `F` of the export `orders` and these page processors."""
    return {
        "_id": "F",
        "name": "F",
        "pageGenerators": [{"_exportId": "orders"}],
        "pageProcessors": list(processors),
        **flow,
    }
