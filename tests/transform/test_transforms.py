"""integrator.io's export transforms: Transformation 1.0 rules and Transformation 2.0
(Mapper 2.0 mappings in create or modify mode), script transforms named for the caller,
and the errors a bad transform gets, with its path.

Sources: celigo/ai skills/writing-mappings/references/schemas/transform.yml
("transform.yml": versions, 1.0 rule groups and extract syntaxes, 2.0 modes); the UI,
singh-gurkawalbir/demo src/reducers/session/editors/processorLogic/transform/index.js
("processorLogic/transform": one rule group per editor, duplicate generates refused).
"""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.transform import TransformError, shared_engine
from jsrt.transform.transforms import apply_transform, script_transform_of


def version_one(*groups: list[dict[str, str]]) -> dict[str, Any]:
    return {"type": "expression", "expression": {"version": "1", "rules": list(groups)}}


def version_two(mode: str, mappings: list[dict[str, Any]], lookups: Any = ()) -> dict[str, Any]:
    rules = {"mode": mode, "mappings": mappings, "lookups": list(lookups)}
    return {"type": "expression", "expression": {"version": "2", "rulesTwoDotZero": rules}}


def transformed(transform: Any, record: Any) -> Any:
    [outcome] = apply_transform(transform, [record])
    assert outcome.ok, outcome.errors
    return outcome.data


def refusal(transform: Any) -> TransformError:
    with pytest.raises(TransformError) as caught:
        apply_transform(transform, [{}])
    return caught.value


# --- Transformation 1.0


def test_transform_yml_one_rules_build_a_new_record_of_what_they_generate() -> None:
    rules = version_one(
        [
            {"extract": "id", "generate": "id"},
            {"extract": "fulfillment.shipment_id", "generate": "shipment"},
            {"extract": "name", "generate": "SDF.Filter.Name"},
        ]
    )
    record = {"id": 7, "fulfillment": {"shipment_id": "S1"}, "name": "n", "unmapped": True}
    assert transformed(rules, record) == {
        "id": 7,
        "shipment": "S1",
        "SDF": {"Filter": {"Name": "n"}},
    }


def test_transform_yml_one_extract_syntaxes() -> None:
    # bare names, dot notation, array indexing (`SDF[0]`), slash paths for XML, bracketed names
    rules = version_one(
        [
            {"extract": "SDF[0]", "generate": "first"},
            {"extract": "/FeedProcessingStatus/Code", "generate": "status"},
            {"extract": "item.[Internal ID]", "generate": "internalId"},
        ]
    )
    record = {
        "SDF": ["a", "b"],
        "FeedProcessingStatus": {"Code": "_DONE_"},
        "item": {"Internal ID": "9"},
    }
    assert transformed(rules, record) == {"first": "a", "status": "_DONE_", "internalId": "9"}


def test_transform_yml_one_wildcards_read_every_grouped_row() -> None:
    rows = [{"id": "1", "Internal ID": "a"}, {"id": "2", "Internal ID": "b"}]
    rules = version_one(
        [
            {"extract": "*.id", "generate": "ids"},
            {"extract": "*.[Internal ID]", "generate": "internal"},
        ]
    )
    assert transformed(rules, rows) == {"ids": ["1", "2"], "internal": ["a", "b"]}


def test_a_wildcard_generate_spreads_a_list_over_objects() -> None:
    rules = version_one(
        [
            {"extract": "lines[*].sku", "generate": "items[*].item"},
            {"extract": "lines[*].qty", "generate": "items[*].quantity"},
        ]
    )
    record = {"lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}
    assert transformed(rules, record) == {
        "items": [{"item": "A", "quantity": 1}, {"item": "B", "quantity": 2}]
    }


def test_a_field_the_extract_does_not_find_is_left_out() -> None:
    rules = version_one(
        [{"extract": "a", "generate": "x"}, {"extract": "missing.b", "generate": "y"}]
    )
    assert transformed(rules, {"a": None}) == {"x": None}


def test_transform_yml_one_groups_all_apply_in_order() -> None:
    rules = version_one(
        [{"extract": "a", "generate": "x.a"}], [{"extract": "b", "generate": "x.b"}]
    )
    assert transformed(rules, {"a": 1, "b": 2}) == {"x": {"a": 1, "b": 2}}


@pytest.mark.parametrize(
    "transform",
    [None, {"type": "expression"}, version_one(), version_one([]), version_two("create", [])],
)
def test_no_rules_leave_records_as_they_are(transform: Any) -> None:
    assert transformed(transform, {"a": 1}) == {"a": 1}


def test_processor_logic_transform_duplicate_generates_are_refused_at_the_second() -> None:
    error = refusal(
        version_one([{"extract": "a", "generate": "x"}, {"extract": "b", "generate": "x"}])
    )
    assert error.details == {"path": "expression.rules[0][1].generate", "code": "invalid_transform"}
    assert "expression.rules[0][0]" in error.message


@pytest.mark.parametrize(
    ("rules", "path", "message"),
    [
        ({"extract": "a", "generate": "b"}, "expression.rules", "an array of rule groups"),
        ([{"extract": "a", "generate": "b"}], "expression.rules[0]", "a rule group is an array"),
        ([["a"]], "expression.rules[0][0]", "a rule is an object"),
        ([[{"generate": "b"}]], "expression.rules[0][0].extract", 'needs "extract"'),
        (
            [[{"extract": "a", "generate": ""}]],
            "expression.rules[0][0].generate",
            'needs "generate"',
        ),
        ([[{"extract": "a", "generate": "*.b"}]], "expression.rules[0][0].generate", "field name"),
    ],
)
def test_a_malformed_one_rule_is_refused_at_its_path(rules: Any, path: str, message: str) -> None:
    error = refusal({"type": "expression", "expression": {"version": "1", "rules": rules}})
    assert error.details["path"] == path
    assert message in error.message


# --- Transformation 2.0

MAPPINGS = [
    {"generate": "name", "dataType": "string", "extract": "$.first", "status": "Active"},
    {
        "generate": "state",
        "dataType": "string",
        "extract": "$.s",
        "lookupName": "states",
        "status": "Active",
    },
]
LOOKUPS = [{"name": "states", "map": {"A": "Active", "I": "Inactive"}}]


def test_transform_yml_two_create_builds_a_new_record() -> None:
    transform = version_two("create", MAPPINGS, LOOKUPS)
    assert transformed(transform, {"first": "Ann", "s": "A", "kept": 1}) == {
        "name": "Ann",
        "state": "Active",
    }


def test_transform_yml_two_modify_keeps_unmapped_fields() -> None:
    transform = version_two("modify", MAPPINGS, LOOKUPS)
    assert transformed(transform, {"first": "Ann", "s": "I", "kept": 1}) == {
        "first": "Ann",
        "s": "I",
        "kept": 1,
        "name": "Ann",
        "state": "Inactive",
    }


def test_transform_yml_two_mode_defaults_to_create() -> None:
    transform = {
        "type": "expression",
        "expression": {"version": "2", "rulesTwoDotZero": {"mappings": MAPPINGS[:1]}},
    }
    assert transformed(transform, {"first": "Ann", "kept": 1}) == {"name": "Ann"}


def test_a_two_handlebars_field_reads_the_settings_of_the_context() -> None:
    # writing-mappings: an extract with {{ is a Handlebars template over the record and the
    # settings integrator.io gives the step.
    label = {
        "generate": "label",
        "dataType": "string",
        "extract": "{{settings.flow.prefix}}-{{record.id}}",
        "status": "Active",
    }
    [outcome] = apply_transform(
        version_two("modify", [label]),
        [{"id": 7}],
        context={"settings": {"flow": {"prefix": "SO"}}},
    )
    assert outcome.data == {"id": 7, "label": "SO-7"}


def test_a_failed_lookup_fails_its_record_and_the_others_go_on() -> None:
    outcomes = apply_transform(
        version_two("create", MAPPINGS, LOOKUPS),
        [{"first": "a", "s": "Z"}, {"first": "b", "s": "A"}],
    )
    assert not outcomes[0].ok
    assert outcomes[0].errors[0]["code"] == "lookup_not_found"
    assert outcomes[1].data == {"name": "b", "state": "Active"}


def test_a_two_mapping_error_is_named_inside_the_transform() -> None:
    error = refusal(
        version_two(
            "create", [{"generate": "a", "dataType": "nope", "extract": "$.a", "status": "Active"}]
        )
    )
    assert error.details["path"] == "expression.rulesTwoDotZero.mappings[0].dataType"


def test_an_unknown_two_mode_is_refused() -> None:
    error = refusal(version_two("merge", MAPPINGS))
    assert error.details == {"path": "expression.rulesTwoDotZero.mode", "code": "invalid_transform"}


@pytest.mark.parametrize(
    ("transform", "path", "message"),
    [
        ({"type": "xslt"}, "type", '"expression" or "script"'),
        (
            {"type": "expression", "expression": {"version": "3", "rules": []}},
            "expression.version",
            'version "1" or "2"',
        ),
        (
            {"type": "expression", "expression": {"version": "2"}},
            "expression.rulesTwoDotZero",
            "needs rulesTwoDotZero",
        ),
        ([], "", "a transform is an object"),
    ],
)
def test_a_malformed_transform_document_is_refused(transform: Any, path: str, message: str) -> None:
    error = refusal(transform)
    assert error.details["path"] == path
    assert message in error.message


def test_the_transform_op_answers_through_the_engine_directly() -> None:
    answer = shared_engine().call(
        "transform",
        {"transform": version_one([{"extract": "a", "generate": "b"}]), "records": [{"a": 1}]},
    )
    assert answer == [{"data": {"b": 1}}]


# --- script transforms are hooks

SCRIPT_TRANSFORM = {
    "type": "script",
    "script": {"_scriptId": "60a2c4e6f321d800129a1a3c", "function": "reshape"},
}


def test_transform_yml_a_script_transform_names_its_script_and_function() -> None:
    assert script_transform_of(SCRIPT_TRANSFORM) == ("60a2c4e6f321d800129a1a3c", "reshape")
    assert script_transform_of(version_one([{"extract": "a", "generate": "b"}])) is None
    assert script_transform_of(None) is None


def test_apply_transform_refuses_a_script_transform_the_caller_runs_as_a_hook() -> None:
    with pytest.raises(TransformError, match="runs as a transform hook") as caught:
        apply_transform(SCRIPT_TRANSFORM, [{}])
    assert caught.value.details["code"] == "script_transform"
    with pytest.raises(TransformError, match="runs as a transform hook"):
        shared_engine().call("transform", {"transform": SCRIPT_TRANSFORM, "records": [{}]})
    with pytest.raises(TransformError) as missing:
        script_transform_of({"type": "script", "script": {"_scriptId": "x"}})
    assert missing.value.details == {"path": "script.function", "code": "invalid_transform"}
