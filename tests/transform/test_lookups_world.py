"""Lookups answered by a local world (`jsrt.backends.local.lookups.WorldLookupSource`):
lookup caches' entries with the registration rule hooks obey, dynamic lookups' mocks.

Sources: celigo/ai lookups.yml (`_lookupCacheId`, `extract`); celigo-reference.md §2.2
and policy.py rule 3 (a cache is usable when registered with the integration, explicitly
by `_registeredLookupCacheIds` or by a `_lookupCacheId` reference in its flows' steps).
"""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.backends.local.lookups import WorldLookupSource
from jsrt.backends.local.models import World
from jsrt.transform import TransformEngine, TransformError, shared_engine


@pytest.fixture(scope="module")
def engine() -> TransformEngine:
    return shared_engine()


CUSTOMER = {
    "name": "customerId",
    "method": "GET",
    "relativeURI": "/customers?email={{email}}",
    "extract": "$.customers[0].id",
}


def world() -> World:
    return World(
        {
            "integrations": [{"_id": "int1", "name": "Shop"}, {"_id": "int2", "name": "Other"}],
            "flows": [
                {"_id": "f1", "_integrationId": "int1", "pageProcessors": [{"_importId": "imp1"}]}
            ],
            "imports": [
                {
                    "_id": "imp1",
                    "lookups": [
                        {"name": "price", "_lookupCacheId": "prices", "extract": "$.amount"},
                        {
                            **CUSTOMER,
                            "mockResponses": {"a@x.com": {"customers": [{"id": 7}]}},
                            "mockResponse": {"customers": []},
                        },
                    ],
                }
            ],
            "lookupcaches": [
                {
                    "_id": "prices",
                    "name": "Prices",
                    "data": [{"key": "P-1", "value": {"amount": 12.5}}],
                }
            ],
        }
    )


def look_up(
    engine: TransformEngine,
    lookup: dict[str, Any],
    values: list[Any],
    source: WorldLookupSource,
) -> list[dict[str, Any]]:
    items = [{"value": v, "record": {}} for v in values]
    request = {"lookups": [lookup], "name": lookup["name"], "values": items}
    return engine.call("lookup", request, source=source)


def test_a_lookup_cache_reads_the_worlds_entries(engine: TransformEngine) -> None:
    lookup = {"name": "price", "_lookupCacheId": "prices", "extract": "$.amount"}
    outcomes = look_up(engine, lookup, ["P-1", "P-2"], WorldLookupSource(world()))
    assert outcomes[0] == {"data": 12.5}
    assert outcomes[1]["errors"][0]["code"] == "lookup_not_found"


def test_a_lookup_cache_may_be_named_by_its_name_in_the_local_world(
    engine: TransformEngine,
) -> None:
    lookup = {"name": "price", "_lookupCacheId": "Prices"}
    assert look_up(engine, lookup, ["P-1"], WorldLookupSource(world())) == [
        {"data": {"amount": 12.5}}
    ]


def test_a_cache_the_world_lacks_is_a_transform_error_naming_it(engine: TransformEngine) -> None:
    lookup = {"name": "price", "_lookupCacheId": "prices2"}
    with pytest.raises(
        TransformError, match=r"lookup cache 'prices2'.* not in the local world"
    ) as e:
        look_up(engine, lookup, ["P-1"], WorldLookupSource(world()))
    assert "prices" in str(e.value)


def test_a_cache_registered_by_a_flow_steps_reference_is_usable_in_its_integration(
    engine: TransformEngine,
) -> None:
    # policy.py rule 3: a _lookupCacheId in an import of the integration's flows registers it.
    lookup = {"name": "price", "_lookupCacheId": "prices", "extract": "$.amount"}
    source = WorldLookupSource(world(), integration_id="int1")
    assert look_up(engine, lookup, ["P-1"], source) == [{"data": 12.5}]


def test_a_cache_not_registered_with_the_integration_is_refused(engine: TransformEngine) -> None:
    lookup = {"name": "price", "_lookupCacheId": "prices"}
    source = WorldLookupSource(world(), integration_id="int2")
    with pytest.raises(TransformError, match="not registered with integration 'int2'") as e:
        look_up(engine, lookup, ["P-1"], source)
    assert "_registeredLookupCacheIds" in str(e.value)


def test_a_dynamic_lookup_is_answered_by_its_mock_per_value_then_its_fallback(
    engine: TransformEngine,
) -> None:
    the_world = world()
    [imported] = the_world.docs("imports")
    lookup = imported["lookups"][1]
    outcomes = look_up(engine, lookup, ["a@x.com", "b@x.com"], WorldLookupSource(the_world))
    assert outcomes[0] == {"data": 7}
    assert outcomes[1]["errors"][0]["code"] == "lookup_not_found"


def test_an_inline_lookup_is_answered_by_the_worlds_import_of_the_same_name(
    engine: TransformEngine,
) -> None:
    source = WorldLookupSource(world(), import_id="imp1")
    assert look_up(engine, CUSTOMER, ["a@x.com"], source) == [{"data": 7}]


def test_a_dynamic_lookup_without_a_mock_says_how_to_add_one(engine: TransformEngine) -> None:
    with pytest.raises(TransformError, match="dynamic lookup 'customerId' has no mock") as e:
        look_up(engine, CUSTOMER, ["a@x.com"], WorldLookupSource(world()))
    assert 'mockResponses: {"a@x.com"' in (e.value.hint or "")
    assert "hint" not in e.value.message


def test_mock_responses_must_be_an_object(engine: TransformEngine) -> None:
    lookup = {**CUSTOMER, "mockResponses": [1]}
    with pytest.raises(TransformError, match="mockResponses must be an object"):
        look_up(engine, lookup, ["a@x.com"], WorldLookupSource(world()))


def test_a_netsuite_lookup_answer_is_the_list_of_matching_records(engine: TransformEngine) -> None:
    lookup = {
        "name": "item",
        "recordType": "inventoryitem",
        "searchField": "itemid",
        "resultField": "internalid",
        "mockResponses": {"SKU-1": [{"internalid": "501"}], "SKU-2": []},
    }
    outcomes = look_up(engine, lookup, ["SKU-1", "SKU-2"], WorldLookupSource(world()))
    assert outcomes[0] == {"data": "501"}
    assert outcomes[1]["errors"][0]["code"] == "lookup_not_found"


def test_a_world_file_with_malformed_mock_responses_is_refused_at_its_place() -> None:
    from jsrt.backends.local.errors import WorldDataError

    bad = {"imports": [{"_id": "i", "http": {"lookups": [{**CUSTOMER, "mockResponses": "x"}]}}]}
    with pytest.raises(WorldDataError, match="mockResponses must be an object") as caught:
        World(bad)
    assert "imports[0].http.lookups[0].mockResponses" in str(caught.value)
