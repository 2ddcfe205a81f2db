"""A tiny world for the contract tests: dict-backed, holding one integration's resources.

It is the input the contracts read ids and settings from, not the thing under test.
"""

from __future__ import annotations

from typing import Any

import pytest


class DictWorld:
    """Documents by collection and `_id`, with the two reads `WorldLike` asks for."""

    def __init__(self, **collections: list[dict[str, Any]]) -> None:
        self.collections = {
            name: {doc["_id"]: doc for doc in docs} for name, docs in collections.items()
        }

    def get(self, collection: str, _id: str) -> dict[str, Any] | None:
        return self.collections.get(collection, {}).get(_id)

    def docs(self, collection: str) -> list[dict[str, Any]]:
        return list(self.collections.get(collection, {}).values())


@pytest.fixture
def world() -> DictWorld:
    """Integration I1 (section G1) with flow F1: export E1 → lookup E2 → import M1."""
    return DictWorld(
        integrations=[
            {
                "_id": "I1",
                "settings": {"storeName": "acme"},
                "flowGroupings": [
                    {"_id": "G0", "settings": {"region": "US"}},
                    {"_id": "G1", "settings": {"region": "EU"}},
                ],
            },
            {"_id": "I2", "_parentId": "I1", "settings": {"child": True}},
        ],
        flows=[
            {"_id": "F0", "_integrationId": "I2", "pageGenerators": [{"_exportId": "E9"}]},
            {
                "_id": "F1",
                "_integrationId": "I1",
                "_flowGroupingId": "G1",
                "settings": {"batch": 50},
                "pageGenerators": [{"_exportId": "E1"}],
                "pageProcessors": [
                    {"type": "export", "_exportId": "E2"},
                    {"type": "import", "_importId": "M1"},
                ],
            },
        ],
        exports=[
            {"_id": "E1", "_connectionId": "C1", "settings": {"exportType": "delta"}},
            {"_id": "E2", "_connectionId": "C2", "settings": {"lookup": True}},
            {"_id": "E9", "_connectionId": "C1"},
        ],
        imports=[{"_id": "M1", "_connectionId": "C2", "settings": {"mode": "upsert"}}],
        connections=[
            {"_id": "C1", "settings": {"apiVersion": "2024-01"}},
            {"_id": "C2", "settings": {"account": "TSTDRV1"}},
        ],
    )
