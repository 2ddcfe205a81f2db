"""The Python mapping API (`jsrt.transform.mapping`): outcomes per record, the definition's
shape choosing the mapper, the caller's lookup source, its own engine, and errors."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from jsrt.transform import TransformEngine, TransformError
from jsrt.transform.mapping import (
    MappingProblem,
    RecordOutcome,
    check_mapping,
    map_page_text,
    map_records,
)


def node(generate: str, data_type: str = "string", **fields: Any) -> dict[str, Any]:
    return {"generate": generate, "dataType": data_type, "status": "Active", **fields}


class CacheSource:
    """A LookupSource holding one lookup cache, noting what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def ask(self, kind: str, payload: Any) -> Any:
        self.asked.append(kind)
        entries = {"pt": "Portugal"}
        return {"data": [{"key": k, "value": entries[k]} for k in payload["keys"] if k in entries]}


def test_record_outcomes_are_ok_or_carry_errors() -> None:
    assert RecordOutcome(data={"a": 1}).ok
    failed = RecordOutcome(errors=({"code": "x", "message": "m"},))
    assert not failed.ok and failed.data is None


def test_outcomes_come_in_record_order_one_per_record() -> None:
    definition = {"mappings": [node("n", "number", extract="$.n")]}
    outcomes = map_records(definition, [{"n": "1"}, {"n": "x"}, {"n": 3}])
    assert [o.data for o in outcomes] == [{"n": 1}, None, {"n": 3}]
    assert [o.ok for o in outcomes] == [True, False, True]


def test_an_import_document_maps_with_its_mappings_which_win_over_mapping() -> None:
    # The brief's dispatch rule: `mappings` (2.0) wins when both are present.
    import_doc = {
        "name": "an import",
        "mapping": {"fields": [{"extract": "a", "generate": "fromOne"}]},
        "mappings": [node("fromTwo", extract="$.a")],
        "lookups": [],
    }
    assert [o.data for o in map_records(import_doc, [{"a": "v"}])] == [{"fromTwo": "v"}]


def test_a_mapper_1_definition_maps_with_mapper_1() -> None:
    import_doc = {
        "mapping": {"fields": [{"extract": "customer.name", "generate": "contact.name"}]},
        "lookups": [],
    }
    [outcome] = map_records(import_doc, [{"customer": {"name": "Ada"}}])
    assert outcome.data == {"contact": {"name": "Ada"}}


def test_transformation_2_rules_map_in_their_mode() -> None:
    rules = {"mode": "modify", "mappings": [node("b", extract="$.a")], "lookups": []}
    assert map_records(rules, [{"a": 1, "c": 2}])[0].data == {"a": 1, "b": "1", "c": 2}


def test_a_lookup_cache_is_asked_through_the_callers_source() -> None:
    definition = {
        "mappings": [node("country", extract="$.c", lookupName="countries")],
        "lookups": [{"name": "countries", "_lookupCacheId": "cache1"}],
    }
    source = CacheSource()
    [outcome] = map_records(definition, [{"c": "pt"}], source=source)
    assert outcome.data == {"country": "Portugal"} and source.asked == ["lookupCache"]


def test_a_given_engine_is_used() -> None:
    with TransformEngine() as engine:
        [outcome] = map_records({"mappings": [node("a", extract="$.a")]}, [{"a": 1}], engine=engine)
        assert outcome.data == {"a": "1"}
        assert check_mapping({"mappings": [node("a"), node("a")]}, engine=engine) == [
            MappingProblem(
                "mappings[1]",
                "duplicate_generate",
                'the destination field "a" is mapped twice at one level (first at mappings[0])',
            )
        ]


def test_the_compiled_definition_is_reused_and_results_do_not_alias() -> None:
    definition = {"mappings": [node("o", "object", extract="$.o")]}
    first = map_records(definition, [{"o": {"x": 1}}])[0].data
    first["o"]["x"] = 2
    assert map_records(definition, [{"o": {"x": 1}}])[0].data == {"o": {"x": 1}}


@pytest.mark.parametrize("definition", [[], "mappings", 3])
def test_a_definition_that_is_not_an_object_is_refused(definition: Any) -> None:
    with pytest.raises(TransformError, match="must be an object"):
        map_records(definition, [{}])


def test_a_definition_error_is_an_input_error_with_the_path() -> None:
    from jsrt.errors import InputError

    with pytest.raises(InputError) as raised:
        map_records({"mappings": [node("a", "when")]}, [{}])
    assert raised.value.exit_code == 2
    assert raised.value.details["path"] == "mappings[0].dataType"
    assert "unknown dataType" in str(raised.value)


PAGE_DEFINITION = {"mappings": [node("n", "number", extract="$.n"), node("s", extract="$.s")]}


def test_a_page_mapped_as_text_is_what_map_records_makes_with_failures_by_index() -> None:
    records = [{"n": "1", "s": "é"}, {"n": "x"}, {"n": 3, "s": "b"}]
    page = map_page_text(PAGE_DEFINITION, orjson.dumps(records))
    outcomes = map_records(PAGE_DEFINITION, records)
    assert orjson.loads(page.text) == [outcome.data for outcome in outcomes]
    assert page.record_count == 3 and not page.ok
    assert page.failures == {1: outcomes[1].errors}


def test_a_page_as_text_is_indented_as_json_stringify_indents() -> None:
    page = map_page_text(PAGE_DEFINITION, '[{"n": 1, "s": "a"}]', indent=2)
    assert page.text == json.dumps([{"n": 1, "s": "a"}], indent=2)
    assert page.ok and page.failures == {}


def test_a_lone_surrogate_in_a_text_page_comes_out_as_the_replacement_character() -> None:
    # as map_records gives it (jsrt.json_values.parse_from_v8): Node writes U+FFFD
    page = map_page_text({"mappings": [node("s", extract="$.s")]}, '[{"s": "\\ud83d"}]')
    assert orjson.loads(page.text) == [{"s": "\ufffd"}]


@pytest.mark.parametrize(
    ("text", "code"),
    [("[{", "invalid_json"), ('{"n": 1}', "invalid_request"), ("", "invalid_json")],
)
def test_text_that_is_not_a_json_list_of_records_is_refused_at_records(
    text: str, code: str
) -> None:
    with pytest.raises(TransformError) as raised:
        map_page_text(PAGE_DEFINITION, text)
    assert raised.value.details["path"] == "records"
    assert raised.value.details["code"] == code
