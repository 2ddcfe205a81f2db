"""Lookups (`js/lookups.js`): static maps, lookup caches and dynamic lookups, with
`allowFailures` and `default` as integrator.io documents them.

Sources: celigo/ai `skills/writing-mappings/references/schemas/lookups.yml` (static `map`,
`_lookupCacheId` + `extract`, `default`, `allowFailures`), the UI's lookup actions
(singh-gurkawalbir/demo `src/utils/mapping/index.js` `getDefaultLookupActionValue`: Fail
record / empty string / null / custom default / default on multiple matches) and
/work/shared/docs/flows-and-mappings.md "Lookups" (the dynamic HTTP and NetSuite shapes).
"""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.transform import TransformEngine, TransformError, shared_engine


@pytest.fixture(scope="module")
def engine() -> TransformEngine:
    return shared_engine()


class Answers:
    """A LookupSource answering from fixed tables, recording what it was asked."""

    def __init__(
        self, caches: dict[str, dict[str, Any]] | None = None, responses: Any = None
    ) -> None:
        self.caches = caches or {}
        self.responses = responses or {}
        self.asked: list[tuple[str, Any]] = []

    def ask(self, kind: str, payload: Any) -> Any:
        self.asked.append((kind, payload))
        if kind == "lookupCache":
            entries = self.caches[payload["cacheId"]]
            return {
                "data": [{"key": k, "value": entries[k]} for k in payload["keys"] if k in entries]
            }
        if kind == "dynamicLookup":
            key = str(payload["value"])
            if key not in self.responses:
                raise TransformError(f"no mock for {payload['lookup']['name']!r} and {key!r}")
            return self.responses[key]
        raise AssertionError(kind)


def run(
    engine: TransformEngine,
    lookups: list[dict[str, Any]],
    name: str,
    values: list[Any],
    source: Any = None,
) -> list[dict[str, Any]]:
    items = [{"value": value, "record": {"v": value}} for value in values]
    return engine.call("lookup", {"lookups": lookups, "name": name, "values": items}, source=source)


COUNTRIES = {
    "name": "country",
    "map": {"US": "United States", "CA": "Canada", "100": "hundred", "true": "Yes"},
}


def test_static_lookup_translates_by_the_map_keyed_by_strings(engine: TransformEngine) -> None:
    # lookups.yml `map`: its keys are strings, so 100 and true find "100" and "true".
    outcomes = run(engine, [COUNTRIES], "country", ["US", "CA", 100, True])
    assert outcomes == [
        {"data": "United States"},
        {"data": "Canada"},
        {"data": "hundred"},
        {"data": "Yes"},
    ]


def test_static_lookup_without_allow_failures_fails_the_record_only(
    engine: TransformEngine,
) -> None:
    # UI getDefaultLookupActionValue: allowFailures false fails the record, even with a default.
    lookup = {**COUNTRIES, "allowFailures": False, "default": "ignored"}
    outcomes = run(engine, [lookup], "country", ["MX", "US"])
    assert outcomes[1] == {"data": "United States"}
    [error] = outcomes[0]["errors"]
    assert error["code"] == "lookup_not_found"
    assert '"country"' in error["message"] and '"MX"' in error["message"]


@pytest.mark.parametrize(
    ("default", "expected"),
    [("Unknown Country", "Unknown Country"), ("", ""), (None, None)],
    ids=["custom default", "use empty string", "use null"],
)
def test_static_lookup_allowing_failures_gives_its_default(
    engine: TransformEngine, default: Any, expected: Any
) -> None:
    # lookups.yml `default` + `allowFailures: true`; the UI's useEmptyString / useNull actions.
    lookup = {**COUNTRIES, "allowFailures": True, "default": default}
    assert run(engine, [lookup], "country", ["MX"]) == [{"data": expected}]


def test_static_lookup_translates_each_value_of_a_list(engine: TransformEngine) -> None:
    assert run(engine, [COUNTRIES], "country", [["US", "CA"]]) == [
        {"data": ["United States", "Canada"]}
    ]


def test_lookup_cache_returns_the_entry_or_its_extract(engine: TransformEngine) -> None:
    # lookups.yml `extract`: without one the lookup yields the whole cached value.
    source = Answers(caches={"c1": {"P-1": {"details": {"price": 99.99}}}})
    whole = {"name": "whole", "_lookupCacheId": "c1"}
    price = {"name": "price", "_lookupCacheId": "c1", "extract": "$.details.price"}
    assert run(engine, [whole, price], "whole", ["P-1"], source) == [
        {"data": {"details": {"price": 99.99}}}
    ]
    assert run(engine, [whole, price], "price", ["P-1"], source) == [{"data": 99.99}]
    assert source.asked[0] == ("lookupCache", {"cacheId": "c1", "keys": ["P-1"]})


def test_lookup_cache_miss_fails_or_defaults(engine: TransformEngine) -> None:
    source = Answers(caches={"c1": {}})
    strict = {"name": "strict", "_lookupCacheId": "c1"}
    lenient = {"name": "lenient", "_lookupCacheId": "c1", "allowFailures": True, "default": "n/a"}
    [failed] = run(engine, [strict], "strict", ["nope"], source)
    assert failed["errors"][0]["code"] == "lookup_not_found"
    assert run(engine, [lenient], "lenient", ["nope"], source) == [{"data": "n/a"}]


def test_dynamic_http_lookup_reads_extract_from_the_answered_body(engine: TransformEngine) -> None:
    # flows-and-mappings.md "Lookups": dynamic HTTP {name, method, relativeURI, extract, ...}.
    lookup = {
        "name": "customerId",
        "method": "GET",
        "relativeURI": "/customers?email={{email}}",
        "extract": "customers[0].id",
    }
    source = Answers(
        responses={"a@x.com": {"customers": [{"id": 7}]}, "b@x.com": {"customers": []}}
    )
    outcomes = run(engine, [lookup], "customerId", ["a@x.com", "b@x.com"], source)
    assert outcomes[0] == {"data": 7}
    assert outcomes[1]["errors"][0]["code"] == "lookup_not_found"
    kind, payload = source.asked[0]
    assert kind == "dynamicLookup"
    assert payload == {"lookup": lookup, "record": {"v": "a@x.com"}, "value": "a@x.com"}


def test_dynamic_netsuite_lookup_multiple_matches_fail_unless_default_on_multiple(
    engine: TransformEngine,
) -> None:
    # UI lookup actions for dynamic lookups: the default on more than one match.
    search = {
        "name": "item",
        "recordType": "item",
        "searchField": "itemid",
        "resultField": "internalid",
    }
    source = Answers(
        responses={"one": [{"internalid": "11"}], "two": [{"internalid": "1"}, {"internalid": "2"}]}
    )
    outcomes = run(engine, [search], "item", ["one", "two"], source)
    assert outcomes[0] == {"data": "11"}
    assert outcomes[1]["errors"][0]["code"] == "lookup_multiple_matches"
    lenient = {**search, "allowFailures": True, "useDefaultOnMultipleMatches": True, "default": "0"}
    assert run(engine, [lenient], "item", ["two"], source) == [{"data": "0"}]


def test_a_question_the_source_cannot_answer_is_a_transform_error(engine: TransformEngine) -> None:
    lookup = {"name": "customerId", "relativeURI": "/c", "extract": "id"}
    with pytest.raises(TransformError, match="no mock for 'customerId'") as caught:
        run(engine, [lookup], "customerId", ["zz"], Answers())
    assert caught.value.details["code"] == "lookup_unanswered"


@pytest.mark.parametrize(
    ("lookups", "path", "message"),
    [
        ([{"map": {}}], "lookups[0].name", "needs a name"),
        ([{"name": "x"}], "lookups[0]", "has no map, _lookupCacheId or request"),
        ([{"name": "x", "map": []}], "lookups[0].map", "map must be an object"),
        ([{"name": "x", "map": {}}, {"name": "x", "map": {}}], "lookups[1].name", "duplicate"),
    ],
)
def test_a_bad_lookup_definition_names_its_path(
    engine: TransformEngine, lookups: list[Any], path: str, message: str
) -> None:
    with pytest.raises(TransformError, match=message) as caught:
        run(engine, lookups, "x", ["a"])
    assert caught.value.details["path"] == path


def test_an_unknown_lookup_name_is_a_transform_error(engine: TransformEngine) -> None:
    with pytest.raises(TransformError, match='unknown lookup "nope"'):
        run(engine, [COUNTRIES], "nope", ["US"])


def test_dynamic_salesforce_lookup_reads_result_field_of_the_one_match(
    engine: TransformEngine,
) -> None:
    # writing-mappings SKILL.md: Salesforce Mapper 1.0 lookups are shaped like NetSuite's.
    query = {
        "name": "account",
        "sObjectType": "Account",
        "whereClause": "Name = '{{name}}'",
        "resultField": "Id",
    }
    source = Answers(responses={"Acme": [{"Id": "001A"}]})
    assert run(engine, [query], "account", ["Acme"], source) == [{"data": "001A"}]
