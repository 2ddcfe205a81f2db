"""A small world and a way to call the local backend the way the dispatcher does."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from jsrt.api.catalog import find_method
from jsrt.api.checks import check_args
from jsrt.backends.local import LocalBackend, World

SAMPLE_WORLD: dict[str, Any] = {
    "idSeed": "tests",
    "integrations": [{"_id": "shop", "name": "Shop"}],
    "flows": [{"_id": "orders", "_integrationId": "shop"}],
    "exports": [
        {
            "_id": "getOrders",
            "externalId": "orders-export",
            "pageSize": 2,
            "mockOutput": {
                "page_of_records": [
                    {"record": {"id": 1}},
                    {"record": {"id": 2}},
                    {"rows": [{"id": 3}, {"id": 4}]},
                    {"record": {"id": 5}},
                    {"record": {"id": 6}},
                ]
            },
        },
        {"_id": "noMock", "name": "empty"},
    ],
    "imports": [
        {"_id": "putOrders", "mockResponse": {"statusCode": 200, "id": "ns-1"}},
        {
            "_id": "perRecord",
            "mockResponse": [
                {"statusCode": 200, "id": "a"},
                {"statusCode": 422, "errors": [{"code": "invalid", "message": "bad sku"}]},
            ],
        },
        {"_id": "plain"},
    ],
    "connections": [{"_id": "conn", "name": "Shopify", "externalId": "shopify"}],
    "lookupcaches": [
        {
            "_id": "skus",
            "name": "SKU map",
            "data": [
                {"key": "A", "value": {"ns": 1}},
                {"key": "B", "value": "two"},
            ],
        },
    ],
    "state": {"exports/getOrders": {"cursor": "2024-01-01"}},
}


@pytest.fixture
def sample_world() -> dict[str, Any]:
    """The sample world document, as a world file would hold it."""
    return copy.deepcopy(SAMPLE_WORLD)


@pytest.fixture
def world(sample_world: dict[str, Any]) -> World:
    return World(sample_world)


@pytest.fixture
def call(world: World):
    """Call a function as a hook script would: arguments checked, then the backend."""
    backend = LocalBackend(world)

    def call(qualified: str, *args: Any) -> Any:
        obj, name = qualified.split(".")
        return backend.call(obj, name, check_args(find_method(obj, name), list(args)))

    return call
