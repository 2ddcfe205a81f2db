"""Mapper 2.0 conformance: every node field, data types and conversions, arrays, dates and
zones, modes, row output and input contexts, through `map_records`.

The fixtures are our own, in the documented shapes. Sources of each rule are cited in the
test names or comments: [AI] celigo/ai skills/writing-mappings (SKILL.md,
references/schemas/mappings.yml), [UI] singh-gurkawalbir/demo src/utils/mapping/index.js,
[QA] SubarnaCeligo/Backlog-Bugs testData/inputData/Mapper2.0.
"""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.transform import TransformError
from jsrt.transform.mapping import RecordOutcome, map_records


def node(generate: str | None, data_type: str = "string", **fields: Any) -> dict[str, Any]:
    made: dict[str, Any] = {"dataType": data_type, "status": "Active", **fields}
    if generate is not None:
        made["generate"] = generate
    return made


def map_one(
    mappings: list[dict[str, Any]],
    record: Any,
    *,
    lookups: list[dict[str, Any]] | None = None,
    context: dict[str, Any] | None = None,
    mode: str | None = None,
) -> Any:
    definition: dict[str, Any] = {"mappings": mappings, "lookups": lookups or []}
    if mode:
        definition["mode"] = mode
    [outcome] = map_records(definition, [record], context=context)
    assert outcome.ok, outcome.errors
    return outcome.data


def fail_one(mappings: list[dict[str, Any]], record: Any, **kwargs: Any) -> RecordOutcome:
    [outcome] = map_records({"mappings": mappings, **kwargs}, [record])
    assert not outcome.ok
    return outcome


ORDER = {
    "id": "SO-1",
    "total": "12.50",
    "paid": "true",
    "customer": {"name": "Ada", "email": "ada@example.com"},
    "tags": ["vip", "b2b"],
    "dotted.key": "d",
    "items": [{"sku": "A", "qty": "2"}, {"sku": "B", "qty": "1"}],
}


# --- extract: JSONPath from the root, literal; hardCodedValue ---


def test_ai_extract_jsonpath_reads_from_the_root_even_in_a_nested_object() -> None:
    mappings = [
        node("customer", "object", mappings=[node("orderId", extract="$.id")]),
    ]
    assert map_one(mappings, ORDER) == {"customer": {"orderId": "SO-1"}}


def test_ai_extract_without_dollar_or_braces_is_a_literal_string() -> None:
    assert map_one([node("kind", extract="primary")], ORDER) == {"kind": "primary"}


def test_ai_hard_coded_value_wins_and_null_stays_null() -> None:
    mappings = [
        node("currency", hardCodedValue="USD", extract="$.id"),
        node("nothing", hardCodedValue=None),
        node("empty", hardCodedValue=""),
    ]
    assert map_one(mappings, ORDER) == {"currency": "USD", "nothing": None, "empty": ""}


def test_a_missing_source_leaves_the_field_out() -> None:
    assert map_one([node("x", extract="$.nope")], ORDER) == {}


def test_ai_a_dot_in_generate_is_a_literal_key_and_bracket_paths_read_dotted_keys() -> None:
    mappings = [
        node("customer.name", extract="$.customer.name"),
        node("d", extract="$['dotted.key']"),
    ]
    assert map_one(mappings, ORDER) == {"customer.name": "Ada", "d": "d"}


# --- dataType conversions ---


@pytest.mark.parametrize(
    ("data_type", "value", "expected"),
    [
        ("string", 12, "12"),
        ("string", True, "true"),
        ("string", {"a": 1}, '{"a":1}'),
        ("number", "12.50", 12.5),
        ("number", " 3 ", 3),
        ("number", True, 1),
        ("boolean", "true", True),
        ("boolean", "FALSE", False),
        ("boolean", 0, False),
        ("boolean", "yes", True),
    ],
)
def test_ai_data_type_converts_the_extracted_value(
    data_type: str, value: Any, expected: Any
) -> None:
    # celigo/ai mappings.yml dataType: string converts to its representation, number from
    # strings, boolean from truthy/falsy values.
    result = map_one([node("v", data_type, extract="$.v", sourceDataType="string")], {"v": value})
    assert result == {"v": expected}


def test_a_value_that_cannot_become_a_number_fails_only_its_record() -> None:
    outcomes = map_records(
        {"mappings": [node("n", "number", extract="$.n")]}, [{"n": "abc"}, {"n": "4"}]
    )
    assert outcomes[0].errors[0]["code"] == "invalid_data_type"
    assert '"abc"' in outcomes[0].errors[0]["message"]
    assert outcomes[1] == RecordOutcome(data={"n": 4})


# --- default, conditional, status ---


def test_ai_default_is_used_when_extract_gives_nothing() -> None:
    mappings = [
        node("a", extract="$.missing", default="N/A"),
        node("b", "number", extract="$.x", default="0"),
    ]
    assert map_one(mappings, {"x": ""}) == {"a": "N/A", "b": 0}


def test_ai_extract_not_empty_skips_the_field_when_the_source_is_empty() -> None:
    mappings = [
        node("a", extract="$.a", conditional={"when": "extract_not_empty"}, default="x"),
        node("b", extract="$.b", conditional={"when": "extract_not_empty"}),
    ]
    assert map_one(mappings, {"a": "", "b": "kept"}) == {"b": "kept"}


@pytest.mark.parametrize(("operation", "expected"), [("create", "c"), ("update", "u"), (None, "c")])
def test_ai_record_created_and_record_updated_follow_the_context_operation(
    operation: str | None, expected: str
) -> None:
    mappings = [
        node("when", hardCodedValue="c", conditional={"when": "record_created"}),
        node("when", hardCodedValue="u", conditional={"when": "record_updated"}),
    ]
    context = {} if operation is None else {"operation": operation}
    assert map_one(mappings, {}, context=context) == {"when": expected}


def test_ui_draft_nodes_are_ignored() -> None:
    mappings = [node("a", extract="$.id"), {**node("b", extract="$.id"), "status": "Draft"}]
    assert map_one(mappings, ORDER) == {"a": "SO-1"}


# --- objects ---


def test_ui_an_object_with_extract_only_copies_the_source_object() -> None:
    assert map_one([node("c", "object", extract="$.customer")], ORDER) == {
        "c": {"name": "Ada", "email": "ada@example.com"}
    }


def test_ai_an_object_with_extract_and_children_starts_from_the_extracted_object() -> None:
    mappings = [node("c", "object", extract="$.customer", mappings=[node("name", extract="$.id")])]
    assert map_one(mappings, ORDER) == {"c": {"name": "SO-1", "email": "ada@example.com"}}


def test_an_object_extract_that_is_not_an_object_fails_the_record() -> None:
    outcome = fail_one([node("c", "object", extract="$.id")], ORDER)
    assert outcome.errors[0]["code"] == "invalid_data_type"


# --- arrays ---


def test_ai_primitive_arrays_concatenate_each_helper_entry_and_convert_elements() -> None:
    mappings = [
        node(
            "codes",
            "stringarray",
            buildArrayHelper=[{"extract": "$.tags"}, {"extract": "$.items[*].sku"}],
        ),
        node("qty", "numberarray", buildArrayHelper=[{"extract": "$.items[*].qty"}]),
    ]
    assert map_one(mappings, ORDER) == {"codes": ["vip", "b2b", "A", "B"], "qty": [2, 1]}


def test_ai_array_extract_alone_passes_the_source_array_through() -> None:
    assert map_one([node("t", "stringarray", extract="$.tags")], ORDER) == {"t": ["vip", "b2b"]}


def test_ai_helper_default_and_extract_not_empty_per_element() -> None:
    mappings = [
        node("a", "stringarray", buildArrayHelper=[{"extract": "$.v[*]", "default": "?"}]),
        node(
            "b",
            "stringarray",
            buildArrayHelper=[{"extract": "$.v[*]", "conditional": {"when": "extract_not_empty"}}],
        ),
        node("c", "stringarray", buildArrayHelper=[{"extract": "$.none", "default": "d"}]),
    ]
    assert map_one(mappings, {"v": ["x", "", None]}) == {
        "a": ["x", "?", "?"],
        "b": ["x"],
        "c": ["d"],
    }


def test_ai_objectarray_extract_only_pushes_the_matched_objects() -> None:
    mappings = [node("lines", "objectarray", buildArrayHelper=[{"extract": "$.items[*]"}])]
    assert map_one(mappings, ORDER) == {"lines": ORDER["items"]}


def test_ai_objectarray_mappings_only_builds_one_object_per_entry() -> None:
    mappings = [
        node(
            "contacts",
            "objectarray",
            buildArrayHelper=[
                {
                    "mappings": [
                        node("type", extract="primary"),
                        node("email", extract="$.customer.email"),
                    ]
                },
                {"mappings": [node("type", extract="secondary")]},
            ],
        )
    ]
    assert map_one(mappings, ORDER) == {
        "contacts": [{"type": "primary", "email": "ada@example.com"}, {"type": "secondary"}]
    }


def test_ai_objectarray_extract_and_mappings_iterate_through_composite_objects() -> None:
    # celigo/ai mappings.yml: `$.customer.orders[*].items[*]` -> children read
    # `$.customer.orders.items.sku`, `$.customer.orders.id`, `$.customer.name`.
    record = {
        "customer": {
            "name": "John",
            "orders": [
                {"id": "O-1", "items": [{"sku": "ABC", "qty": 2}, {"sku": "XYZ", "qty": 1}]},
                {"id": "O-2", "items": [{"sku": "DEF", "qty": 3}]},
            ],
        }
    }
    mappings = [
        node(
            "lines",
            "objectarray",
            buildArrayHelper=[
                {
                    "extract": "$.customer.orders[*].items[*]",
                    "mappings": [
                        node("sku", extract="$.customer.orders.items.sku"),
                        node("qty", "number", extract="$.customer.orders.items.qty"),
                        node("order", extract="$.customer.orders.id"),
                        node("who", extract="$.customer.name"),
                    ],
                }
            ],
        )
    ]
    assert map_one(mappings, record) == {
        "lines": [
            {"sku": "ABC", "qty": 2, "order": "O-1", "who": "John"},
            {"sku": "XYZ", "qty": 1, "order": "O-1", "who": "John"},
            {"sku": "DEF", "qty": 3, "order": "O-2", "who": "John"},
        ]
    }


def test_qa_tc_c47439_grouped_source_and_nested_composite_iteration() -> None:
    # QA TC_C47439: rows grouped (`$[*]`), styles[*] -> assortments[*] -> items[*], the
    # children paths drop each [*] of their parents.
    rows = [
        {
            "clientId": "c1",
            "styles": [
                {
                    "styleId": "s1",
                    "assortments": [
                        {"assortmentId": "a1", "items": [{"itemId": "i1"}, {"itemId": "i2"}]}
                    ],
                }
            ],
        }
    ]
    mappings = [
        node("clientId", extract="$[*].clientId"),
        node(
            "styles",
            "objectarray",
            buildArrayHelper=[
                {
                    "extract": "$[*].styles[*]",
                    "mappings": [
                        node("styleId", extract="$.styles.styleId"),
                        node(
                            "assortments",
                            "objectarray",
                            buildArrayHelper=[
                                {
                                    "extract": "$.styles.assortments[*]",
                                    "mappings": [
                                        node(
                                            "assortmentId",
                                            extract="$.styles.assortments.assortmentId",
                                        ),
                                        node("cartonQuantity", "number", hardCodedValue="0"),
                                        node(
                                            "items",
                                            "objectarray",
                                            buildArrayHelper=[
                                                {
                                                    "extract": "$.styles.assortments.items[*]",
                                                    "mappings": [
                                                        node("color", hardCodedValue="black"),
                                                        node(
                                                            "itemId",
                                                            extract="$.styles.assortments.items.itemId",
                                                        ),
                                                    ],
                                                }
                                            ],
                                        ),
                                    ],
                                }
                            ],
                        ),
                    ],
                }
            ],
        ),
    ]
    assert map_one(mappings, rows) == {
        "clientId": "c1",
        "styles": [
            {
                "styleId": "s1",
                "assortments": [
                    {
                        "assortmentId": "a1",
                        "cartonQuantity": 0,
                        "items": [
                            {"color": "black", "itemId": "i1"},
                            {"color": "black", "itemId": "i2"},
                        ],
                    }
                ],
            }
        ],
    }


def test_composite_iteration_through_a_filter_path_goes_through_jsonpath_plus() -> None:
    mappings = [
        node(
            "big",
            "objectarray",
            buildArrayHelper=[
                {
                    "extract": "$.items[?(@.qty=='2')]",
                    "mappings": [node("sku", extract="$.items.sku")],
                }
            ],
        )
    ]
    assert map_one(mappings, ORDER) == {"big": [{"sku": "A"}]}


def test_ai_arrayarray_inner_mappings_have_no_generate() -> None:
    # celigo/ai mappings.yml arrayarray: per row, an inner numberarray from `$.rows.columns[*]`.
    record = {"rows": [{"columns": [1, 2]}, {"columns": [3]}]}
    mappings = [
        node(
            "matrix",
            "arrayarray",
            buildArrayHelper=[
                {
                    "extract": "$.rows[*]",
                    "mappings": [
                        node(
                            None, "numberarray", buildArrayHelper=[{"extract": "$.rows.columns[*]"}]
                        )
                    ],
                }
            ],
        ),
        node("copy", "arrayarray", buildArrayHelper=[{"extract": "$.grid"}]),
    ]
    assert map_one(mappings, {**record, "grid": [[1], [2, 3]]}) == {
        "matrix": [[1, 2], [3]],
        "copy": [[1], [2, 3]],
    }


def test_qa_tc_c47443_row_output_is_an_array_of_rows() -> None:
    # One top node with no generate and dataType objectarray: the output is rows (file imports).
    mappings = [
        node(
            None,
            "objectarray",
            buildArrayHelper=[
                {
                    "extract": "$.items[*]",
                    "mappings": [node("SKU", extract="$.items.sku"), node("Order", extract="$.id")],
                }
            ],
        )
    ]
    assert map_one(mappings, ORDER) == [
        {"SKU": "A", "Order": "SO-1"},
        {"SKU": "B", "Order": "SO-1"},
    ]


# --- dates and zones ---


@pytest.mark.parametrize(
    ("fields", "value", "expected"),
    [
        (
            {"extractDateFormat": "MM/DD/YYYY", "generateDateFormat": "YYYY-MM-DD"},
            "02/03/2024",
            "2024-02-03",
        ),
        (
            {
                "extractDateFormat": "YYYY-MM-DD HH:mm",
                "extractDateTimezone": "America/New_York",
                "generateDateFormat": "YYYY-MM-DDTHH:mm:ssZ",
                "generateDateTimezone": "Asia/Tokyo",
            },
            "2024-07-01 09:00",
            "2024-07-01T22:00:00+09:00",
        ),
        ({"generateDateFormat": "DD-MMM-YYYY"}, "2024-12-25T10:00:00Z", "25-Dec-2024"),
        (
            {"extractDateFormat": "X", "generateDateFormat": "YYYY-MM-DD HH:mm"},
            "0",
            "1970-01-01 00:00",
        ),
        (
            {"generateDateTimezone": "Europe/Lisbon", "generateDateFormat": "HH:mm z"},
            "2024-01-15T12:00:00Z",
            "12:00 WET",
        ),
    ],
)
def test_ai_dates_convert_with_moment_tokens_and_iana_zones(
    fields: dict[str, str], value: str, expected: str
) -> None:
    assert map_one([node("d", extract="$.d", **fields)], {"d": value}) == {"d": expected}


def test_qa_tc_c47439_ui_zone_labels_keep_the_dates_own_offset() -> None:
    label = "(GMT+05:30) Chennai, Kolkata, Mumbai, New Delhi"
    fields = {
        "extractDateFormat": "YYYY-MM-DDTHH:mm:ssZ",
        "extractDateTimezone": label,
        "generateDateFormat": "YYYY-MM-DDTHH:mm:ssZ",
        "generateDateTimezone": label,
    }
    result = map_one([node("d", extract="$.d", **fields)], {"d": "2021-05-23T00:00:00+00:00"})
    assert result == {"d": "2021-05-23T00:00:00+00:00"}


def test_a_value_that_is_not_a_date_fails_its_record() -> None:
    outcome = fail_one([node("d", extract="$.d", extractDateFormat="YYYY-MM-DD")], {"d": "soon"})
    assert outcome.errors[0]["code"] == "invalid_date"


# --- lookups ---


def test_ai_lookup_name_translates_through_a_static_lookup() -> None:
    lookups = [
        {"name": "status", "map": {"open": "O", "paid": "P"}, "allowFailures": True, "default": "?"}
    ]
    mappings = [node("s", extract="$.s", lookupName="status")]
    outcomes = map_records({"mappings": mappings, "lookups": lookups}, [{"s": "paid"}, {"s": "x"}])
    assert [o.data for o in outcomes] == [{"s": "P"}, {"s": "?"}]


def test_a_lookup_that_fails_fails_only_its_record() -> None:
    lookups = [{"name": "status", "map": {"open": "O"}}]
    mappings = [node("s", extract="$.s", lookupName="status")]
    outcomes = map_records({"mappings": mappings, "lookups": lookups}, [{"s": "x"}, {"s": "open"}])
    assert not outcomes[0].ok and outcomes[1].data == {"s": "O"}


def test_a_lookup_name_not_in_lookups_is_a_definition_error_with_the_node_path() -> None:
    with pytest.raises(TransformError) as raised:
        map_records({"mappings": [node("a"), node("s", extract="$.s", lookupName="nope")]}, [{}])
    assert raised.value.details["path"] == "mappings[1].lookupName"


# --- modes, input contexts, dispatch ---


def test_ai_modify_mode_keeps_unmapped_fields_and_create_mode_does_not() -> None:
    mappings = [
        node("id", extract="$.customer.name"),
        node("customer", "object", mappings=[node("vip", "boolean", hardCodedValue="true")]),
    ]
    record = {"id": "SO-1", "keep": 1, "customer": {"name": "Ada"}}
    assert map_one(mappings, record, mode="modify") == {
        "id": "Ada",
        "keep": 1,
        "customer": {"name": "Ada", "vip": True},
    }
    assert map_one(mappings, record, mode="create") == {"id": "Ada", "customer": {"vip": True}}
    assert record == {"id": "SO-1", "keep": 1, "customer": {"name": "Ada"}}


def test_ai_envelope_input_context_moves_the_record_under_record() -> None:
    mappings = [
        node("id", extract="$.record.id"),
        node("user", extract="$.settings.connection.user"),
    ]
    context = {"inputContext": "envelope", "settings": {"connection": {"user": "u1"}}}
    assert map_one(mappings, ORDER, context=context) == {"id": "SO-1", "user": "u1"}


def test_map_without_a_mapping_returns_the_records_unchanged() -> None:
    assert [o.data for o in map_records({}, [{"a": 1}])] == [{"a": 1}]
    assert [o.data for o in map_records(None, [{"a": 1}])] == [{"a": 1}]


@pytest.mark.parametrize(
    ("mappings", "path"),
    [
        ([node("a", "text")], "mappings[0].dataType"),
        ([node("a", extract="$.a[?(@.b==]")], "mappings[0].extract"),
        (
            [node("o", "object", mappings=[node("a", conditional={"when": "sometimes"})])],
            "mappings[0].mappings[0].conditional.when",
        ),
    ],
)
def test_definitions_integrator_io_refuses_name_the_node(
    mappings: list[dict[str, Any]], path: str
) -> None:
    with pytest.raises(TransformError) as raised:
        map_records({"mappings": mappings}, [{"a": [{"b": 1}]}])
    assert raised.value.details["path"] == path


def test_records_that_are_not_a_list_are_refused() -> None:
    with pytest.raises(TransformError, match="records must be a list"):
        map_records({"mappings": []}, "nope")  # type: ignore[arg-type]


# --- Handlebars ---


def test_ai_extract_with_braces_is_handlebars_over_record() -> None:
    mappings = [
        node("full", extract="{{record.customer.name}} <{{record.customer.email}}>"),
        node("qty", "number", extract="{{record.items.1.qty}}"),
    ]
    assert map_one(mappings, ORDER) == {"full": "Ada <ada@example.com>", "qty": 1}


def test_ui_handlebars_over_grouped_rows_read_rows() -> None:
    rows = [{"id": "r1"}, {"id": "r2"}]
    assert map_one([node("first", extract="{{rows.0.id}}-{{rows.length}}")], rows) == {
        "first": "r1-2"
    }


def test_handlebars_fields_see_the_contexts_settings_and_are_not_html_escaped() -> None:
    context = {"settings": {"flow": {"prefix": "A&B"}}}
    mappings = [node("p", extract="{{settings.flow.prefix}}/{{record.id}}")]
    assert map_one(mappings, ORDER, context=context) == {"p": "A&B/SO-1"}


def test_an_empty_handlebars_result_takes_the_default() -> None:
    assert map_one([node("a", extract="{{record.none}}", default="dflt")], {}) == {"a": "dflt"}


def test_handlebars_lookup_helper_uses_the_definitions_lookups() -> None:
    lookups = [{"name": "codes", "map": {"vip": "V"}}]
    result = map_one(
        [node("t", extract='{{lookup "codes" record.tags.[0]}}')], ORDER, lookups=lookups
    )
    assert result == {"t": "V"}


def test_a_template_that_does_not_compile_names_the_node() -> None:
    with pytest.raises(TransformError) as raised:
        map_records({"mappings": [node("a", extract="{{#if record.x}}open")]}, [{}])
    assert raised.value.details["path"] == "mappings[0].extract"
    assert raised.value.details["code"] == "invalid_template"


def test_qa_tc_c47443_rows_from_the_whole_record_with_extract_dollar() -> None:
    # QA TC_C47443: the one top node (no generate, objectarray) iterates `$`: a record
    # gives one row, grouped rows one row each; a null hardCodedValue stays null.
    mappings = [
        node(
            None,
            "objectarray",
            buildArrayHelper=[
                {
                    "extract": "$",
                    "mappings": [
                        node("first_name", extract="$.first"),
                        node("channel_ids", "numberarray", hardCodedValue=None),
                    ],
                }
            ],
        )
    ]
    assert map_one(mappings, {"first": "Ada"}) == [{"first_name": "Ada", "channel_ids": None}]
    assert map_one(mappings, [{"first": "a"}, {"first": "b"}]) == [
        {"first_name": "a", "channel_ids": None},
        {"first_name": "b", "channel_ids": None},
    ]


def test_a_proto_generate_is_an_ordinary_key() -> None:
    mappings = [node("__proto__", "object", mappings=[node("polluted", hardCodedValue="yes")])]
    assert map_one(mappings, {}) == {"__proto__": {"polluted": "yes"}}


def test_ui_a_node_without_generate_in_an_object_is_left_out() -> None:
    assert map_one([node("a", extract="$.id"), node(None, extract="$.id")], ORDER) == {"a": "SO-1"}


def test_ai_boolean_arrays_and_hard_coded_arrays_convert_each_element() -> None:
    mappings = [
        node("flags", "booleanarray", buildArrayHelper=[{"extract": "$.flags[*]"}]),
        node("fixed", "numberarray", hardCodedValue=["1", 2]),
        node("one", "stringarray", hardCodedValue="x"),
    ]
    assert map_one(mappings, {"flags": ["true", 0, "no"]}) == {
        "flags": [True, False, False],
        "fixed": [1, 2],
        "one": ["x"],
    }


def test_an_epoch_in_milliseconds_is_a_date_without_an_extract_format() -> None:
    mappings = [
        node("d", extract="$.t", generateDateFormat="YYYY-MM-DD", generateDateTimezone="UTC")
    ]
    assert map_one(mappings, {"t": 86_400_000}) == {"d": "1970-01-02"}


def test_an_object_extract_not_empty_skips_a_missing_object() -> None:
    mappings = [
        node("c", "object", extract="$.nope", conditional={"when": "extract_not_empty"}),
        node("d", "object", extract="$.customer", conditional={"when": "extract_not_empty"}),
    ]
    assert map_one(mappings, ORDER) == {"d": ORDER["customer"]}


# --- fields written out in a level's function: the same rules as their closures ---


def test_ai_plain_paths_read_own_properties_and_objects_only() -> None:
    # mappings.yml: extract is a JSONPath into the record; a name the record does not
    # hold (an inherited one included) gives nothing, so the key is left out.
    record = {"a": {"b": 1}, "n": None, "s": "text", "list": [7], "__proto__": {"x": "own"}}
    mappings = [
        node("ab", extract="$.a.b"),
        node("nb", extract="$.n.b"),
        node("length", "number", extract="$.s.length"),
        node("inherited", extract="$.a.constructor"),
        node("root inherited", extract="$.toString"),
        node("missing", extract="$.missing"),
        node("protoKey", extract="$.__proto__.x"),
        node("first", "number", extract="$.list.0"),
        node("whole", "object", extract="$.a"),
    ]
    assert map_one(mappings, record) == {
        "ab": "1",
        "protoKey": "own",
        "first": 7,
        "whole": {"b": 1},
    }


def test_ai_objects_of_plain_fields_nest_and_stay_when_empty() -> None:
    mappings = [
        node(
            "customer",
            "object",
            mappings=[
                node("name", extract="$.customer.name"),
                node("inner", "object", mappings=[node("mail", extract="$.customer.email")]),
                node("none", extract="$.customer.phone"),
            ],
        ),
        node("empty", "object", mappings=[node("none", extract="$.nothing")]),
        node("__proto__", extract="$.id"),
    ]
    assert map_one(mappings, ORDER) == {
        "customer": {"name": "Ada", "inner": {"mail": "ada@example.com"}},
        "empty": {},
        "__proto__": "SO-1",
    }


def test_ai_iteration_children_see_the_element_and_the_record_whatever_they_read() -> None:
    # mappings.yml buildArrayHelper.mappings: each child reads a composite of the record
    # in which `$.items` is the element; children reading only plain paths and children
    # reading more (a wildcard, a template) see the same composite.
    plain = [
        node("sku", extract="$.items.sku"),
        node("order", extract="$.id"),
        node("who", extract="$.customer.name"),
        node("absent", extract="$.nothing"),
    ]
    wider = [
        *plain,
        node("tags", "stringarray", buildArrayHelper=[{"extract": "$.tags[*]"}]),
    ]
    mappings = [
        node(name, "objectarray", buildArrayHelper=[{"extract": "$.items[*]", "mappings": kids}])
        for name, kids in (("plain", plain), ("wider", wider))
    ]
    expected = [
        {"sku": "A", "order": "SO-1", "who": "Ada"},
        {"sku": "B", "order": "SO-1", "who": "Ada"},
    ]
    assert map_one(mappings, ORDER) == {
        "plain": expected,
        "wider": [{**row, "tags": ["vip", "b2b"]} for row in expected],
    }


def test_keys_and_names_of_any_text_stay_data() -> None:
    # A level's function holds its keys and path names as JSON string literals: quotes,
    # backslashes, line breaks and code-like text are keys, never code.
    keys = ['q"uote', "back\\slash", "line\nbreak", "sep\u2028arator", "'); throw 1; ('", "}};"]
    mappings = [node(key, extract=f"$.v{index}") for index, key in enumerate(keys)]
    record = {f"v{index}": index for index in range(len(keys))}
    assert map_one(mappings, record) == {key: str(index) for index, key in enumerate(keys)}
    # names JSONPath reads in brackets (jsonpath-plus takes no escapes there)
    names = ['q"uote', "line\nbreak", "sep\u2028arator"]
    mappings = [node(name, extract=f"$['{name}']") for name in names]
    record = {name: f"value {index}" for index, name in enumerate(names)}
    assert map_one(mappings, record) == record
