"""Mapper 2.0 validation: what the integrator.io UI refuses to save, each problem with the
offending node's path. Sources: [UI] singh-gurkawalbir/demo src/utils/mapping/index.js
(validateV2Mappings, WRONG_SOURCE_DATA_TYPES_LIST, isMapper2HandlebarExpression); [AI]
celigo/ai skills/writing-mappings/SKILL.md ("Mapping object must have status field
present")."""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.transform import TransformError
from jsrt.transform.mapping import MappingProblem, check_mapping


def node(generate: str | None, data_type: str = "string", **fields: Any) -> dict[str, Any]:
    made: dict[str, Any] = {"dataType": data_type, "status": "Active", **fields}
    if generate is not None:
        made["generate"] = generate
    return made


def codes(problems: list[MappingProblem]) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in problems]


def test_a_valid_mapping_has_no_problems() -> None:
    definition = {
        "mappings": [
            node("id", extract="$.id"),
            node("full", extract="{{record.first}} {{record.last}}"),
            node("c", "object", mappings=[node("name", extract="$.n")]),
            node(
                "lines",
                "objectarray",
                buildArrayHelper=[
                    {
                        "extract": "$.items[*]",
                        "sourceDataType": "objectarray",
                        "mappings": [node("sku", extract="$.items.sku")],
                    }
                ],
            ),
        ],
        "lookups": [],
    }
    assert check_mapping(definition) == []


def test_ui_duplicate_generate_at_one_level_names_the_second_node() -> None:
    definition = {
        "mappings": [
            node(
                "c",
                "object",
                mappings=[node("a", extract="$.x"), node("b"), node("a", extract="$.y")],
            ),
            node("a", extract="$.x"),
        ]
    }
    problems = check_mapping(definition)
    assert codes(problems) == [("mappings[0].mappings[2]", "duplicate_generate")]
    assert '"c.a"' in problems[0].message and "mappings[0].mappings[0]" in problems[0].message


def test_ai_a_node_without_status_is_reported() -> None:
    definition = {"mappings": [{"generate": "a", "dataType": "string", "extract": "$.a"}]}
    [problem] = check_mapping(definition)
    assert (problem.path, problem.code) == ("mappings[0]", "missing_status")
    assert '"status": "Active"' in problem.message


@pytest.mark.parametrize(
    ("mapping", "code"),
    [
        (
            node("t", "stringarray", buildArrayHelper=[{"extract": "{{record.tags}}"}]),
            "expression_not_supported",
        ),
        (
            node("t", "numberarray", buildArrayHelper=[{"extract": "literal"}]),
            "expression_not_supported",
        ),
        (node("o", "object", extract="{{record.o}}"), "only_jsonpath_supported"),
        (
            node("o", "objectarray", buildArrayHelper=[{"extract": "{{record.o}}"}]),
            "only_jsonpath_supported",
        ),
        (node("o", "object", hardCodedValue="x"), "only_jsonpath_supported"),
    ],
)
def test_ui_handlebars_and_literals_are_allowed_only_for_primitives(
    mapping: dict[str, Any], code: str
) -> None:
    assert codes(check_mapping({"mappings": [mapping]})) == [("mappings[0]", code)]


@pytest.mark.parametrize(
    ("data_type", "source", "refused"),
    [
        ("number", "boolean", True),
        ("number", "string", False),
        ("boolean", "object", True),
        ("boolean", "number", False),
        ("object", "string", True),
        ("string", "object", False),
    ],
)
def test_ui_wrong_source_data_types_for_a_primitive_or_object(
    data_type: str, source: str, refused: bool
) -> None:
    problems = check_mapping(
        {"mappings": [node("v", data_type, extract="$.v", sourceDataType=source)]}
    )
    expected = [("mappings[0].sourceDataType", "wrong_source_data_type")] if refused else []
    assert codes(problems) == expected


def test_ui_wrong_source_data_types_are_judged_per_array_helper_entry() -> None:
    mapping = node(
        "n",
        "numberarray",
        buildArrayHelper=[
            {"extract": "$.a", "sourceDataType": "numberarray"},
            {"extract": "$.b", "sourceDataType": "object"},
        ],
    )
    [problem] = check_mapping({"mappings": [mapping]})
    assert problem.code == "wrong_source_data_type" and "object to numberarray" in problem.message


def test_ui_record_handlebars_over_grouped_rows_and_rows_over_a_record() -> None:
    mapping = {"mappings": [node("a", extract="{{record.a}}"), node("b", extract="{{rows.0.b}}")]}
    assert codes(check_mapping(mapping)) == [("mappings[1].extract", "wrong_handlebars_context")]
    assert codes(check_mapping(mapping, grouped=True)) == [
        ("mappings[0].extract", "wrong_handlebars_context")
    ]


def test_ui_a_source_without_generate_is_reported_except_in_arrayarray_and_row_output() -> None:
    assert codes(check_mapping({"mappings": [node("a"), node(None, extract="$.x")]})) == [
        ("mappings[1]", "missing_generate")
    ]
    rows = node(
        None,
        "objectarray",
        buildArrayHelper=[
            {
                "extract": "$.x[*]",
                "sourceDataType": "objectarray",
                "mappings": [node("a", extract="$.x.a")],
            }
        ],
    )
    matrix = node(
        "m",
        "arrayarray",
        buildArrayHelper=[
            {
                "extract": "$.r[*]",
                "mappings": [node(None, "numberarray", buildArrayHelper=[{"extract": "$.r.c[*]"}])],
            }
        ],
    )
    assert check_mapping({"mappings": [rows]}) == []
    assert check_mapping({"mappings": [matrix]}) == []


def test_unknown_lookups_data_types_zones_and_paths_are_reported_where_they_are() -> None:
    definition = {
        "mappings": [
            node("a", extract="$.a", lookupName="nope"),
            node("b", "date"),
            node("c", extract="$.c", generateDateTimezone="Mars/Olympus"),
            node("d", extract="$.d", extractDateTimezone="(GMT+05:30) Chennai, Kolkata"),
            node("e", extract="$.e[?(@.x==]"),
        ],
        "lookups": [{"name": "other", "map": {}}],
    }
    # A filter jsonpath-plus cannot parse is found only when it runs: map_records reports
    # it with the node's path (test_mapper2.py), validation does not.
    assert codes(check_mapping(definition)) == [
        ("mappings[0].lookupName", "unknown_lookup"),
        ("mappings[1].dataType", "invalid_data_type"),
        ("mappings[2].generateDateTimezone", "invalid_timezone"),
    ]


def test_draft_nodes_are_not_judged_beyond_their_status() -> None:
    draft = {**node("a", "object", hardCodedValue="x"), "status": "Draft"}
    assert check_mapping({"mappings": [draft]}) == []


def test_a_mapper_1_mapping_has_nothing_to_report_and_a_non_object_is_refused() -> None:
    assert check_mapping({"mapping": {"fields": []}}) == []
    with pytest.raises(TransformError, match="must be an object"):
        check_mapping([])  # type: ignore[arg-type]
