"""Response mapping (`jsrt.transform.response_mapping.apply_response_mapping`).

Sources: celigo/ai `skills/writing-mappings/SKILL.md` "Response Mapping Reference" (a
lookup's `data[0].x` for one result and `data[*].x` for many, an import's `_json.x` and
`_json.output.1.content.0.text`), `references/schemas/response-mapping.yml` (fields and
lists: generate + fields per array item), /work/shared/docs/flows-and-mappings.md
"Response mapping" (lookup `{data[], errors[], ignored, statusCode}`, import `{id, errors,
ignored, statusCode, _json}`, merged like lodash's `merge`).
"""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.transform import TransformError, shared_engine
from jsrt.transform.response_mapping import apply_response_mapping, apply_response_mappings

LOOKUP_RESPONSE = {
    "data": [
        {"id": "C-1", "name": "Ann", "addresses": [{"city": "Oslo"}]},
        {"id": "C-2", "name": "Bob", "addresses": [{"city": "Rome"}]},
    ],
    "errors": [],
    "ignored": False,
    "statusCode": 200,
}

IMPORT_RESPONSE = {
    "id": "501",
    "errors": [],
    "ignored": False,
    "statusCode": 200,
    "_json": {"id": 501, "output": [{"x": 0}, {"content": [{"text": "hello"}]}]},
}


def test_lookup_fields_read_the_first_result_and_merge_into_the_record() -> None:
    mapping = {
        "fields": [
            {"extract": "data[0].id", "generate": "customer.id"},
            {"extract": "data.0.addresses.0.city", "generate": "customer.city"},
            {"extract": "statusCode", "generate": "lookupStatus"},
        ]
    }
    record = {"orderId": "SO-1", "customer": {"email": "a@x.com"}}
    assert apply_response_mapping(mapping, record, LOOKUP_RESPONSE, kind="lookup") == {
        "orderId": "SO-1",
        "customer": {"email": "a@x.com", "id": "C-1", "city": "Oslo"},
        "lookupStatus": 200,
    }


def test_a_multi_value_extract_maps_every_result() -> None:
    mapping = {"fields": [{"extract": "data[*].id", "generate": "customerIds"}]}
    result = apply_response_mapping(mapping, {}, LOOKUP_RESPONSE, kind="lookup")
    assert result == {"customerIds": ["C-1", "C-2"]}


def test_a_whole_response_part_can_be_mapped() -> None:
    mapping = {"fields": [{"extract": "data", "generate": "lookupResults"}]}
    result = apply_response_mapping(mapping, {"a": 1}, LOOKUP_RESPONSE, kind="lookup")
    assert result == {"a": 1, "lookupResults": LOOKUP_RESPONSE["data"]}


def test_import_fields_read_id_and_the_json_body() -> None:
    mapping = {
        "fields": [
            {"extract": "id", "generate": "netsuiteId"},
            {"extract": "_json.output.1.content.0.text", "generate": "summary"},
        ]
    }
    result = apply_response_mapping(mapping, {"n": 1}, IMPORT_RESPONSE, kind="import")
    assert result == {"n": 1, "netsuiteId": "501", "summary": "hello"}


def test_lists_map_each_lookup_result_into_an_array_merged_by_index() -> None:
    # response-mapping.yml lists: generate is the target array, fields map each item.
    mapping = {
        "lists": [
            {
                "generate": "contacts",
                "fields": [
                    {"extract": "name", "generate": "fullName"},
                    {"extract": "addresses[0].city", "generate": "city"},
                ],
            }
        ]
    }
    record = {"contacts": [{"role": "owner"}]}
    assert apply_response_mapping(mapping, record, LOOKUP_RESPONSE, kind="lookup") == {
        "contacts": [
            {"role": "owner", "fullName": "Ann", "city": "Oslo"},
            {"fullName": "Bob", "city": "Rome"},
        ]
    }


def test_a_list_field_naming_its_array_iterates_that_array() -> None:
    mapping = {
        "lists": [
            {
                "generate": "lines",
                "fields": [{"extract": "_json.output[*].x", "generate": "x"}],
            }
        ]
    }
    result = apply_response_mapping(mapping, {}, IMPORT_RESPONSE, kind="import")
    assert result == {"lines": [{"x": 0}, {}]}


def test_nothing_found_leaves_the_record_as_it_was() -> None:
    mapping = {"fields": [{"extract": "data[0].id", "generate": "customerId"}]}
    empty = {"data": [], "errors": [], "ignored": False, "statusCode": 200}
    assert apply_response_mapping(mapping, {"a": 1}, empty, kind="lookup") == {"a": 1}
    assert apply_response_mapping(None, {"a": 1}, LOOKUP_RESPONSE, kind="lookup") == {"a": 1}


def test_grouped_rows_each_get_the_mapped_values() -> None:
    mapping = {"fields": [{"extract": "data[0].id", "generate": "customerId"}]}
    rows = [{"line": 1}, {"line": 2}]
    assert apply_response_mapping(mapping, rows, LOOKUP_RESPONSE, kind="lookup") == [
        {"line": 1, "customerId": "C-1"},
        {"line": 2, "customerId": "C-1"},
    ]


@pytest.mark.parametrize(
    ("mapping", "kind", "path", "message"),
    [
        ({"fields": [{"generate": "x"}]}, "lookup", "responseMapping.fields[0]", "extract"),
        ({"fields": {}}, "lookup", "responseMapping.fields", "must be a list"),
        ([], "lookup", "responseMapping", "must be an object"),
    ],
)
def test_a_bad_response_mapping_is_a_transform_error_with_its_path(
    mapping: Any, kind: Any, path: str, message: str
) -> None:
    with pytest.raises(TransformError, match=message) as caught:
        apply_response_mapping(mapping, {}, LOOKUP_RESPONSE, kind=kind)
    assert caught.value.details["path"] == path


def test_an_unknown_kind_is_a_transform_error() -> None:
    with pytest.raises(TransformError, match='kind must be "lookup" or "import"'):
        apply_response_mapping({}, {}, {}, kind="export")  # type: ignore[arg-type]


def test_a_page_maps_each_record_with_its_own_response_and_fails_only_bad_ones() -> None:
    # A number field the response cannot give (Mapper 1.0 dataType, which response
    # mapping's fields use) fails that record; the others merge their own response.
    mapping = {"fields": [{"extract": "_json.total", "generate": "total", "dataType": "number"}]}
    responses = [
        {**IMPORT_RESPONSE, "_json": {"total": "12.5"}},
        {**IMPORT_RESPONSE, "_json": {"total": "twelve"}},
        {**IMPORT_RESPONSE, "_json": {"total": 3}},
    ]
    outcomes = apply_response_mappings(
        mapping, [{"n": 1}, {"n": 2}, [{"n": 3}, {"n": 4}]], responses, kind="import"
    )
    assert outcomes[0].data == {"n": 1, "total": 12.5}
    assert not outcomes[1].ok
    assert outcomes[1].errors[0]["code"] == "invalid_data_type"
    assert outcomes[2].data == [{"n": 3, "total": 3}, {"n": 4, "total": 3}]


def test_records_answered_alike_each_fail_with_their_own_errors() -> None:
    mapping = {"fields": [{"extract": "_json.total", "generate": "total", "dataType": "number"}]}
    response = {**IMPORT_RESPONSE, "_json": {"total": "twelve"}}
    first, second = apply_response_mappings(mapping, [{}, {}], [response, response], kind="import")
    assert first.errors == second.errors and first.errors[0]["code"] == "invalid_data_type"
    first.errors[0]["message"] = "changed"
    assert second.errors[0]["message"] != "changed"


def test_a_page_needs_one_response_per_record() -> None:
    with pytest.raises(TransformError, match="2 records, 1 responses"):
        apply_response_mappings({"fields": []}, [{}, {}], [{}], kind="lookup")


MERGE_CASES = [
    # (record, response): each merged by the page (in Python) and one by one (in the engine)
    ({"customer": {"email": "a@x.com", "tags": ["old", "kept"]}}, LOOKUP_RESPONSE),
    ({"customer": "replaced by an object", "customerIds": ["X", "Y", "Z"]}, LOOKUP_RESPONSE),
    ([{"line": 1}, "not a row", {"line": 2, "customer": {"id": "old"}}], LOOKUP_RESPONSE),
    ("not a record", LOOKUP_RESPONSE),
    ({"customerIds": {"an": "object"}}, {**LOOKUP_RESPONSE, "data": []}),
]
MERGE_MAPPING = {
    "fields": [
        {"extract": "data[0].id", "generate": "customer.id"},
        {"extract": "data[*].id", "generate": "customerIds"},
        {"extract": "data[0].addresses", "generate": "customer.addresses"},
    ],
    "lists": [{"generate": "customer.tags", "fields": [{"extract": "name", "generate": "who"}]}],
}


@pytest.mark.parametrize(("record", "response"), MERGE_CASES)
def test_a_page_merges_as_one_record_at_a_time_merges(record: Any, response: Any) -> None:
    # lodash's merge (flows-and-mappings.md "Response mapping"): a page's records are merged
    # in Python from what each distinct response maps to, one record in the engine; both
    # must give the same record.
    (outcome,) = apply_response_mappings(MERGE_MAPPING, [record], [response], kind="lookup")
    assert outcome.data == apply_response_mapping(MERGE_MAPPING, record, response, kind="lookup")


def test_records_answered_alike_each_get_their_own_merged_record() -> None:
    records = [{"n": 1, "customer": {"email": "a@x.com"}}, {"n": 2}]
    given = [dict(record) for record in records]
    outcomes = apply_response_mappings(
        MERGE_MAPPING, records, [LOOKUP_RESPONSE, dict(LOOKUP_RESPONSE)], kind="lookup"
    )
    assert [o.data["customer"]["id"] for o in outcomes] == ["C-1", "C-1"]
    assert outcomes[0].data["customer"]["email"] == "a@x.com"
    outcomes[0].data["customer"]["addresses"].append({"city": "Bern"})
    assert outcomes[1].data["customer"]["addresses"] == [{"city": "Oslo"}]
    assert records == given  # the records given are not changed


def test_an_answer_lacking_a_value_leaves_the_records_own_entry_in_a_page() -> None:
    # `data[*].city` over answers where one lacks `city` maps an undefined entry, which
    # lodash's merge skips: the record's own entry at that index stays (JSON would carry
    # null there, so these records are merged by the engine).
    mapping = {"fields": [{"extract": "data[*].city", "generate": "cities"}]}
    response = {**LOOKUP_RESPONSE, "data": [{"city": "Oslo"}, {"name": "Bob"}, {"city": "Rome"}]}
    records = [{"cities": ["a", "b", "c", "d"]}, {"n": 2}]
    outcomes = apply_response_mappings(mapping, records, [response, response], kind="lookup")
    assert outcomes[0].data == {"cities": ["Oslo", "b", "Rome", "d"]}
    assert outcomes[0].data == apply_response_mapping(mapping, records[0], response, kind="lookup")
    assert outcomes[1].data == apply_response_mapping(mapping, records[1], response, kind="lookup")


def test_answers_that_name_no_response_are_refused_by_the_engine() -> None:
    request = {
        "responseMapping": MERGE_MAPPING,
        "records": [{}, {}],
        "responses": [LOOKUP_RESPONSE],
        "answers": [0, 1],
        "kind": "lookup",
    }
    with pytest.raises(TransformError, match="position of its response"):
        shared_engine().call("responseMapPage", request)
    (outcome,) = shared_engine().call(
        "responseMapPage", {**request, "records": [{}], "answers": [0]}
    )
    assert outcome["data"]["customer"]["id"] == "C-1"


FLAT_MAPPING = {
    "fields": [
        {"extract": "data[0].id", "generate": "customerId"},
        {"extract": "data[0].name", "generate": "name"},
    ]
}


@pytest.mark.parametrize(
    "record",
    [
        {"customerId": {"was": "an object"}, "name": ["a", "list"], "kept": 1},
        {},
        [{"row": 1}, "not a row"],
        "not a record",
    ],
)
def test_plain_mapped_values_merge_over_a_page_as_the_engine_merges(record: Any) -> None:
    # lodash's merge writes a plain value over whatever the record held at its key: a
    # page whose response maps to plain values is merged as a dict union per object
    # record (a list of grouped rows or a non-object goes the general way), the same
    # record the engine's merge gives.
    records = [record, record]
    outcomes = apply_response_mappings(
        FLAT_MAPPING, records, [LOOKUP_RESPONSE, LOOKUP_RESPONSE], kind="lookup"
    )
    expected = apply_response_mapping(FLAT_MAPPING, record, LOOKUP_RESPONSE, kind="lookup")
    assert [o.data for o in outcomes] == [expected, expected]
    assert outcomes[0].data is not outcomes[1].data
    assert records == [record, record]
