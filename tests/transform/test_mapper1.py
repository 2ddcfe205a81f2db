"""Mapper 1.0 (`js/mapper1.js`): `import.mapping = {fields[], lists[]}` with lookups.

Sources: celigo/ai `skills/writing-mappings/SKILL.md` "Mapper 1.0 Reference" and
`skills/configuring-imports/references/schemas/netsuitedistributed.yml` (every field and
list property, the `conditional.when` values and their meaning); the UI
(singh-gurkawalbir/demo `src/utils/mapping/index.js`: flat list fields
`<list>[*].<field>`, `[Name]` wrapping with `\\]`, `*.` for grouped rows, `useFirstRow`);
the QA fixture SubarnaCeligo/Backlog-Bugs `Flows/.../DLtoShopify` (`*.id` -> `id`,
`*.[Item Name]` -> `item[*].Name`); /work/shared/docs/flows-and-mappings.md "Mapper 1.0".
"""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.backends.local.lookups import WorldLookupSource
from jsrt.backends.local.models import World
from jsrt.transform import TransformEngine, TransformError, map_records, shared_engine


@pytest.fixture(scope="module")
def engine() -> TransformEngine:
    return shared_engine()


def run(
    engine: TransformEngine,
    mapping: dict[str, Any],
    records: list[Any],
    *,
    lookups: list[dict[str, Any]] | None = None,
    context: dict[str, Any] | None = None,
    source: Any = None,
) -> list[dict[str, Any]]:
    definition = {"mapping": mapping, "lookups": lookups or []}
    outcomes = map_records(definition, records, context=context, source=source, engine=engine)
    return [
        {"data": outcome.data} if outcome.ok else {"errors": list(outcome.errors)}
        for outcome in outcomes
    ]


def mapped(engine: TransformEngine, mapping: dict[str, Any], record: Any, **kw: Any) -> Any:
    [outcome] = run(engine, mapping, [record], **kw)
    assert "errors" not in outcome, outcome
    return outcome.get("data")


ORDER = {
    "id": "SO-1",
    "customer": {"name": "Ann", "address": {"city": "Oslo"}},
    "First Name": "Ann",
    "a.b": "dotted",
    "odd]name": "bracket",
    "lines": [{"sku": "A", "qty": "2"}, {"sku": "B", "qty": "3"}],
    "empty": "",
}


def test_generate_is_a_dot_path_that_nests(engine: TransformEngine) -> None:
    # netsuitedistributed.yml extract: dots reach nested fields; SKILL.md generate.
    mapping = {
        "fields": [
            {"extract": "customer.address.city", "generate": "shipping.address.city"},
            {"extract": "id", "generate": "shipping.ref"},
        ]
    }
    assert mapped(engine, mapping, ORDER) == {
        "shipping": {"address": {"city": "Oslo"}, "ref": "SO-1"}
    }


@pytest.mark.parametrize(
    ("extract", "expected"),
    [
        ("customer.name", "Ann"),
        ("[First Name]", "Ann"),
        ("[a.b]", "dotted"),
        ("[odd\\]name]", "bracket"),
        ("lines[*].sku", ["A", "B"]),
        ("lines[1].sku", "B"),
        ("customer.missing", None),
    ],
)
def test_extract_paths(engine: TransformEngine, extract: str, expected: Any) -> None:
    # UI wrapTextForSpecialChars: names with special characters are wrapped in [], "]" as "\\]".
    output = mapped(engine, {"fields": [{"extract": extract, "generate": "out"}]}, ORDER)
    assert output.get("out") == expected


def test_grouped_rows_body_fields_read_the_first_row_and_list_fields_each_row(
    engine: TransformEngine,
) -> None:
    # QA fixture DLtoShopify: `*.id` -> `id`, `*.[Item Name]` -> `item[*].Name`;
    # flows-and-mappings.md: a plain "Quantity" takes the first row.
    rows = [
        {"id": "7", "Item Name": "Hat", "Amount": "5", "Quantity": "1"},
        {"id": "7", "Item Name": "Cap", "Amount": "6", "Quantity": "9"},
    ]
    mapping = {
        "fields": [
            {"extract": "*.id", "generate": "id"},
            {"extract": "*.[Item Name]", "generate": "item[*].Name"},
            {"extract": "*.Amount", "generate": "item[*].Amount", "dataType": "number"},
            {"extract": "Quantity", "generate": "item[*].Quantity"},
        ]
    }
    assert mapped(engine, mapping, rows) == {
        "id": "7",
        "item": [
            {"Name": "Hat", "Amount": 5, "Quantity": "1"},
            {"Name": "Cap", "Amount": 6, "Quantity": "1"},
        ],
    }


def test_hard_coded_values_including_empty_string_and_null(engine: TransformEngine) -> None:
    # UI getHardCodedActionValue: "" and null are the empty-string and null actions.
    mapping = {
        "fields": [
            {"hardCodedValue": "Web", "generate": "source"},
            {"hardCodedValue": "", "generate": "memo"},
            {"hardCodedValue": None, "generate": "terms"},
        ]
    }
    assert mapped(engine, mapping, ORDER) == {"source": "Web", "memo": "", "terms": None}


@pytest.mark.parametrize(
    ("data_type", "value", "expected"),
    [
        ("number", "2.5", 2.5),
        ("string", 12, "12"),
        ("boolean", "true", True),
        ("boolean", "0", False),
        ("numberarray", ["1", "2"], [1, 2]),
        ("date", "2024-01-02", "2024-01-02"),
    ],
)
def test_data_type_converts_the_value(
    engine: TransformEngine, data_type: str, value: Any, expected: Any
) -> None:
    mapping = {"fields": [{"extract": "v", "generate": "out", "dataType": data_type}]}
    assert mapped(engine, mapping, {"v": value}) == {"out": expected}


def test_a_value_that_cannot_take_its_data_type_fails_that_record_only(
    engine: TransformEngine,
) -> None:
    mapping = {"fields": [{"extract": "v", "generate": "qty", "dataType": "number"}]}
    bad, good = run(engine, mapping, [{"v": "lots"}, {"v": "3"}])
    assert good == {"data": {"qty": 3}}
    assert bad["errors"][0]["code"] == "invalid_data_type"
    assert '"lots"' in bad["errors"][0]["message"] and '"qty"' in bad["errors"][0]["message"]


def test_discard_if_empty_leaves_the_field_out(engine: TransformEngine) -> None:
    # netsuitedistributed.yml discardIfEmpty: an empty value writes no field.
    mapping = {
        "fields": [
            {"extract": "empty", "generate": "kept"},
            {"extract": "empty", "generate": "dropped", "discardIfEmpty": True},
            {"extract": "id", "generate": "id", "discardIfEmpty": True},
        ]
    }
    assert mapped(engine, mapping, ORDER) == {"kept": "", "id": "SO-1"}


def test_immutable_fields_are_set_on_create_only(engine: TransformEngine) -> None:
    # netsuitedistributed.yml immutable: written when the record is created, never on update.
    mapping = {"fields": [{"extract": "id", "generate": "externalId", "immutable": True}]}
    assert mapped(engine, mapping, ORDER) == {"externalId": "SO-1"}
    assert mapped(engine, mapping, ORDER, context={"operation": "update"}) == {}


@pytest.mark.parametrize(
    ("operation", "expected"),
    [("create", {"created": "SO-1"}), ("update", {"updated": "SO-1"})],
)
def test_record_created_and_record_updated_conditions(
    engine: TransformEngine, operation: str, expected: dict[str, Any]
) -> None:
    mapping = {
        "fields": [
            {"extract": "id", "generate": "created", "conditional": {"when": "record_created"}},
            {"extract": "id", "generate": "updated", "conditional": {"when": "record_updated"}},
        ]
    }
    assert mapped(engine, mapping, ORDER, context={"operation": operation}) == expected


def test_extract_not_empty_condition(engine: TransformEngine) -> None:
    mapping = {
        "fields": [
            {"extract": "empty", "generate": "a", "conditional": {"when": "extract_not_empty"}},
            {"extract": "id", "generate": "b", "conditional": {"when": "extract_not_empty"}},
        ]
    }
    assert mapped(engine, mapping, ORDER) == {"b": "SO-1"}


STATUS = {"name": "status", "map": {"open": "A", "closed": "C"}}


def test_lookup_name_translates_the_value_and_a_miss_fails_the_record(
    engine: TransformEngine,
) -> None:
    mapping = {"fields": [{"extract": "s", "generate": "status", "lookupName": "status"}]}
    ok, missed = run(engine, mapping, [{"s": "open"}, {"s": "odd"}], lookups=[STATUS])
    assert ok == {"data": {"status": "A"}}
    assert missed["errors"][0]["code"] == "lookup_not_found"


def test_lookup_not_empty_and_lookup_empty_conditions(engine: TransformEngine) -> None:
    # netsuitedistributed.yml: lookup_not_empty applies the field when its lookup finds a
    # value, lookup_empty when it finds none; a miss there is "none", not a failed record.
    mapping = {
        "fields": [
            {
                "extract": "s",
                "generate": "known",
                "conditional": {"when": "lookup_not_empty", "lookupName": "status"},
            },
            {
                "extract": "s",
                "generate": "unknown",
                "conditional": {"when": "lookup_empty", "lookupName": "status"},
            },
        ]
    }
    records = [{"s": "open"}, {"s": "odd"}]
    assert run(engine, mapping, records, lookups=[STATUS]) == [
        {"data": {"known": "open"}},
        {"data": {"unknown": "odd"}},
    ]


def test_ignore_if_set_skips_a_target_already_holding_a_value(engine: TransformEngine) -> None:
    # netsuitedistributed.yml ignore_if_set: a target that already holds a value is kept.
    mapping = {
        "fields": [
            {"extract": "id", "generate": "ref"},
            {"hardCodedValue": "X", "generate": "ref", "conditional": {"when": "ignore_if_set"}},
            {"hardCodedValue": "Y", "generate": "memo", "conditional": {"when": "ignore_if_set"}},
            {"hardCodedValue": "Z", "generate": "terms", "conditional": {"when": "ignore_if_set"}},
        ]
    }
    context = {"existingRecord": {"memo": "kept by the destination"}}
    assert mapped(engine, mapping, ORDER, context=context) == {"ref": "SO-1", "terms": "Z"}


def test_lists_with_json_path_map_each_element_and_is_key_changes_no_value(
    engine: TransformEngine,
) -> None:
    # netsuitedistributed.yml lists[]: generate (sublist), jsonPath (source array), fields
    # (read from each sublist element), isKey (which existing lines match).
    mapping = {
        "lists": [
            {
                "generate": "order.item",
                "jsonPath": "$.lines",
                "fields": [
                    {"extract": "sku", "generate": "item", "isKey": True},
                    {"extract": "lines[*].qty", "generate": "quantity", "dataType": "number"},
                    {"extract": "missing", "generate": "rate", "discardIfEmpty": True},
                ],
            }
        ]
    }
    assert mapped(engine, mapping, ORDER) == {
        "order": {"item": [{"item": "A", "quantity": 2}, {"item": "B", "quantity": 3}]}
    }


def test_lists_without_json_path_iterate_their_multi_value_extracts(
    engine: TransformEngine,
) -> None:
    mapping = {
        "lists": [
            {
                "generate": "items",
                "fields": [
                    {"extract": "lines[*].sku", "generate": "sku"},
                    {"extract": "id", "generate": "order"},
                ],
            }
        ]
    }
    assert mapped(engine, mapping, ORDER) == {
        "items": [{"sku": "A", "order": "SO-1"}, {"sku": "B", "order": "SO-1"}]
    }


def test_use_first_row_gives_every_list_item_the_first_rows_value(
    engine: TransformEngine,
) -> None:
    rows = [{"n": "a", "batch": "B1"}, {"n": "b", "batch": "B2"}]
    mapping = {
        "lists": [
            {
                "generate": "lines",
                "fields": [
                    {"extract": "*.n", "generate": "n"},
                    {"extract": "*.batch", "generate": "batch", "useFirstRow": True},
                ],
            }
        ]
    }
    assert mapped(engine, mapping, rows) == {
        "lines": [{"n": "a", "batch": "B1"}, {"n": "b", "batch": "B1"}]
    }


@pytest.mark.parametrize(
    ("mapping", "path", "message"),
    [
        ({"fields": [{"generate": "x"}]}, "mapping.fields[0]", "needs extract or hardCodedValue"),
        ({"fields": [{"extract": "a"}]}, "mapping.fields[0].generate", "non-empty string"),
        ({"fields": [{"extract": "a[", "generate": "x"}]}, "mapping.fields[0].extract", "path"),
        (
            {"fields": [{"extract": "a", "generate": "x", "lookupName": "nope"}]},
            "mapping.fields[0].lookupName",
            'no lookup named "nope"',
        ),
        (
            {"fields": [{"extract": "a", "generate": "x", "conditional": {"when": "sometimes"}}]},
            "mapping.fields[0].conditional.when",
            "unknown conditional.when",
        ),
        (
            {
                "lists": [
                    {"generate": "l", "fields": [{"extract": "a", "generate": "b", "isKey": "y"}]}
                ]
            },
            "mapping.lists[0].fields[0].isKey",
            "isKey must be true or false",
        ),
        ({"fields": {}}, "mapping.fields", "must be a list"),
    ],
)
def test_a_bad_mapping_is_a_transform_error_with_its_path(
    engine: TransformEngine, mapping: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(TransformError, match=message) as caught:
        run(engine, mapping, [ORDER])
    assert caught.value.details["path"] == path


def test_a_lookup_cache_lookup_reads_a_real_world(engine: TransformEngine) -> None:
    world = World(
        {"lookupcaches": [{"_id": "skus", "data": [{"key": "A", "value": {"internalId": "501"}}]}]}
    )
    lookups = [
        {
            "name": "sku",
            "_lookupCacheId": "skus",
            "extract": "$.internalId",
            "allowFailures": True,
            "default": "0",
        }
    ]
    mapping = {
        "lists": [
            {
                "generate": "item",
                "jsonPath": "lines",
                "fields": [{"extract": "sku", "generate": "item", "lookupName": "sku"}],
            }
        ]
    }
    output = mapped(engine, mapping, ORDER, lookups=lookups, source=WorldLookupSource(world))
    assert output == {"item": [{"item": "501"}, {"item": "0"}]}


def _has_templates(engine: TransformEngine) -> bool:
    """Whether this engine has Handlebars (its `render` op)."""
    try:
        engine.call("render", {"template": "x", "context": {}, "escape": "none"})
    except TransformError:
        return False
    return True


def test_a_handlebars_extract_sees_the_record_and_the_mappings_lookups(
    engine: TransformEngine,
) -> None:
    # flows-and-mappings.md Mapper 1.0: `{{…}}` extracts with the record's fields at the top.
    if not _has_templates(engine):
        pytest.skip("Handlebars is not in this engine")
    mapping = {
        "fields": [
            {"extract": "{{customer.name}} ({{id}})", "generate": "label"},
            {"extract": '{{lookup "status" s}}', "generate": "status"},
        ]
    }
    record = {**ORDER, "s": "closed"}
    assert mapped(engine, mapping, record, lookups=[STATUS]) == {
        "label": "Ann (SO-1)",
        "status": "C",
    }


def test_a_handlebars_extract_that_does_not_compile_names_its_field(
    engine: TransformEngine,
) -> None:
    if not _has_templates(engine):
        pytest.skip("Handlebars is not in this engine")
    with pytest.raises(TransformError) as caught:
        run(engine, {"fields": [{"extract": "{{#if}}", "generate": "x"}]}, [ORDER])
    assert caught.value.details["path"] == "mapping.fields[0].extract"
