"""`WorldView`: what the api layer reads from an account's documents.

The policy needs to look flows, integrations and lookup caches up; it does not need to
know which backend holds them. The local backend's `World` satisfies this Protocol, and
so would any other store of integrator.io documents.
"""

from __future__ import annotations

from typing import Any, Protocol


class WorldView(Protocol):
    """Documents by collection and `_id`, or every document of a collection."""

    def get(self, collection: str, _id: str) -> dict[str, Any] | None:
        """The document with this `_id`, or None when there is none."""
        ...

    def docs(self, collection: str) -> list[dict[str, Any]]:
        """Every document of a collection, in insertion order."""
        ...
