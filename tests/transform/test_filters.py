"""integrator.io's expression filters: every operator, the casts, nested and/or/not, the
settings and context a filter reads, and the errors a bad filter gets, with its path.

Sources cited per test: celigo/ai skills/configuring-filters/SKILL.md ("SKILL") and
references/schemas/filter.yml ("filter.yml"); the UI, singh-gurkawalbir/demo
src/components/AFE/Editor/panels/Filter/util.js ("util.js"), FilterPanel.jsx, and
src/reducers/session/editors/processorLogic/filter/index.js ("processorLogic/filter").
"""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.transform import TransformError, shared_engine
from jsrt.transform.filters import filter_records, script_filter_of


def expression(rules: Any) -> dict[str, Any]:
    return {"type": "expression", "expression": {"version": "1", "rules": rules}}


def passes(rules: Any, record: Any, context: dict[str, Any] | None = None) -> bool:
    [outcome] = filter_records(expression(rules), [record], context=context)
    assert outcome.ok, outcome.errors
    assert isinstance(outcome.data, bool)
    return outcome.data


def refusal(rules: Any) -> TransformError:
    with pytest.raises(TransformError) as caught:
        filter_records(expression(rules), [{}])
    return caught.value


# --- comparisons (filter.yml's list; util.js's operator map)

S = ["string", ["extract", "s"]]
N = ["number", ["extract", "n"]]


@pytest.mark.parametrize(
    ("rules", "record", "expected"),
    [
        (["equals", S, "open"], {"s": "open"}, True),
        (["equals", S, "open"], {"s": "Open"}, False),  # SKILL gotcha 9: case-sensitive
        (["notequals", S, "cancelled"], {"s": "open"}, True),
        (["notequals", S, "cancelled"], {"s": "cancelled"}, False),
        (["greaterthan", N, 100], {"n": 101}, True),
        (["greaterthan", N, 100], {"n": 100}, False),
        (["greaterthanequals", N, 100], {"n": 100}, True),
        (["greaterthanequals", N, 100], {"n": 99.5}, False),
        (["lessthan", N, 100], {"n": 99}, True),
        (["lessthan", N, 100], {"n": 100}, False),
        (["lessthanequals", N, 100], {"n": 100}, True),
        (["lessthanequals", N, 100], {"n": 100.01}, False),
        (["startswith", S, "HC"], {"s": "HC-001.csv"}, True),
        (["startswith", S, "HC"], {"s": "hc-001.csv"}, False),
        (["endswith", S, ".csv"], {"s": "HC-001.csv"}, True),
        (["endswith", S, ".csv"], {"s": "HC-001.txt"}, False),
        (["contains", S, "ur"], {"s": "Urgent"}, False),
        (["contains", S, "rg"], {"s": "Urgent"}, True),
        (["doesnotcontain", S, "test"], {"s": "production"}, True),
        (["doesnotcontain", S, "test"], {"s": "a test"}, False),
        (["matches", S, "^SO-\\d+$"], {"s": "SO-42"}, True),
        (["matches", S, "^SO-\\d+$"], {"s": "so-42"}, False),
        (["matches", S, "net"], {"s": "my netsuite"}, True),  # searched for, not anchored
    ],
)
def test_filter_yml_comparison_operators(rules: Any, record: Any, expected: bool) -> None:
    assert passes(rules, record) is expected


# util.js maps the UI's is_empty/is_not_empty to "empty"/"notempty" (SKILL gotcha 1).
@pytest.mark.parametrize(
    ("value", "is_empty"),
    [(None, True), ("", True), ([], True), ({}, True), ("x", False), (0, False), ([1], False)],
)
def test_util_js_empty_and_notempty_on_raw_fields(value: Any, is_empty: bool) -> None:
    assert passes(["empty", ["extract", "f"]], {"f": value}) is is_empty
    assert passes(["notempty", ["extract", "f"]], {"f": value}) is not is_empty


def test_skill_empty_on_a_missing_field_and_its_string_cast() -> None:
    assert passes(["empty", ["extract", "missing"]], {}) is True
    assert passes(["empty", ["string", ["extract", "missing"]]], {}) is True
    assert passes(["notempty", ["string", ["extract", "email"]]], {"email": "a@b.c"}) is True


# --- logic


def test_filter_yml_and_or_not_nest() -> None:
    rules = [
        "and",
        ["or", ["equals", S, "open"], ["equals", S, "pending"]],
        ["not", ["lessthan", N, 10]],
    ]
    assert passes(rules, {"s": "pending", "n": 10}) is True
    assert passes(rules, {"s": "closed", "n": 10}) is False
    assert passes(rules, {"s": "open", "n": 9}) is False


def test_util_js_a_single_condition_group_and_upper_case_operator_names() -> None:
    # util.js reads operator names case-insensitively ('AND', 'NOT') and writes a group of
    # one rule as that rule alone.
    assert passes(["NOT", ["AND", ["Equals", S, "x"]]], {"s": "y"}) is True
    assert passes(["or", ["equals", S, "x"]], {"s": "x"}) is True


# --- casts and value operators


def test_filter_yml_number_cast_compares_numbers_not_text() -> None:
    assert passes(["greaterthan", ["number", ["extract", "q"]], 9], {"q": "10"}) is True
    # untyped: two strings compare as text, "10" < "9"
    assert passes(["greaterthan", ["extract", "q"], "9"], {"q": "10"}) is False


def test_the_literal_takes_the_cast_of_the_other_operand() -> None:
    # util.js validateFilterRule: both operands of a rule share one data type.
    assert passes(["equals", ["number", ["extract", "q"]], "7"], {"q": 7}) is True
    assert passes(["equals", ["string", ["extract", "q"]], "7"], {"q": 7}) is True
    assert passes(["equals", ["extract", "q"], "7"], {"q": 7}) is True  # the literal's type
    # a cast on the right decides over a literal on the left: 5 < 10, not "5" < "10"
    assert passes(["lessthan", "5", ["number", ["extract", "q"]]], {"q": "10"}) is True


def test_a_missing_field_equals_a_literal_null() -> None:
    # Documentation is silent; a filter document is JSON, where a missing value is null.
    assert passes(["equals", ["extract", "x"], None], {}) is True
    assert passes(["equals", ["extract", "x"], None], {"x": None}) is True
    assert passes(["notequals", ["extract", "x"], None], {"x": 0}) is True


def test_a_missing_number_matches_no_comparison_but_notequals() -> None:
    # Documentation is silent: a missing field is not a number, so it is neither above nor
    # below anything and equals nothing.
    for op in ("equals", "greaterthan", "lessthan", "greaterthanequals", "lessthanequals"):
        assert passes([op, ["number", ["extract", "q"]], 0], {}) is False
    assert passes(["notequals", ["number", ["extract", "q"]], 0], {}) is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("true", True),
        (" TRUE ", True),
        ("t", True),
        ("1", True),
        (1, True),
        (False, False),
        ("false", False),
        ("f", False),
        ("0", False),
        (0, False),
        (None, False),
    ],
)
def test_util_js_boolean_spellings(value: Any, expected: bool) -> None:
    assert passes(["equals", ["boolean", ["extract", "b"]], True], {"b": value}) is expected


def test_a_value_no_boolean_spelling_names_equals_neither_true_nor_false() -> None:
    assert passes(["equals", ["boolean", ["extract", "b"]], True], {"b": "yes"}) is False
    assert passes(["equals", ["boolean", ["extract", "b"]], False], {"b": "yes"}) is False


def test_filter_yml_epochtime_compares_dates_as_milliseconds() -> None:
    after_2021 = ["greaterthan", ["epochtime", ["extract", "d"]], 1609459200000]
    assert passes(after_2021, {"d": "2021-03-01T10:00:00Z"}) is True
    assert passes(after_2021, {"d": "2020-12-31T23:59:59.000Z"}) is False
    assert passes(after_2021, {"d": 1609459200001}) is True
    assert passes(after_2021, {"d": "not a date"}) is False
    # util.js writes a date typed as epochtime on the right as ["epochtime", value]
    assert passes(
        ["lessthan", ["epochtime", ["extract", "d"]], ["epochtime", "2021-01-01T00:00:00Z"]],
        {"d": "2020-06-01"},
    )


@pytest.mark.parametrize(
    "date",
    [
        "2021-01-01",
        "2021-01-01T00:00:00Z",
        "2021-01-01T01:00:00+01:00",
        "Fri, 01 Jan 2021 00:00:00 GMT",
        "2020-W53-5",
        "2021-001",
        "1609459200000",
    ],
)
def test_epochtime_reads_iso_8601_rfc_2822_and_milliseconds(date: str) -> None:
    # Documentation is silent on the date formats; ISO 8601 (all its forms) and RFC 2822 are
    # the plausible ones, a date without an offset being UTC (the engine runs in UTC).
    assert passes(["equals", ["epochtime", ["extract", "d"]], 1609459200000], {"d": date})


def test_filter_yml_lowercase_and_uppercase_make_comparisons_case_insensitive() -> None:
    assert passes(["equals", ["lowercase", S], "open"], {"s": "OPEN"}) is True
    assert passes(["equals", ["uppercase", S], "OPEN"], {"s": "open"}) is True


@pytest.mark.parametrize(
    ("rules", "record"),
    [
        (["equals", ["ceiling", ["number", ["extract", "x"]]], 3], {"x": 2.1}),
        (["equals", ["floor", ["number", ["extract", "x"]]], 2], {"x": 2.9}),
        (["equals", ["abs", ["number", ["extract", "x"]]], 4], {"x": -4}),
        (["equals", ["add", ["extract", "a"], ["extract", "b"], 1], 6], {"a": 2, "b": "3"}),
        (["equals", ["subtract", ["extract", "a"], ["extract", "b"]], -1], {"a": 2, "b": 3}),
        (["equals", ["multiply", ["extract", "a"], 4], 10], {"a": 2.5}),
        (["equals", ["divide", ["extract", "a"], 4], 0.5], {"a": 2}),
        (["equals", ["modulo", ["extract", "a"], 3], 1], {"a": 10}),
    ],
)
def test_util_js_arithmetic_value_operators(rules: Any, record: Any) -> None:
    # util.js validateFilterRule lists add, subtract, divide, multiply, modulo, ceiling,
    # floor, number and abs as the operators that give numbers.
    assert passes(rules, record) is True


# --- fields, settings, context


def test_skill_extract_reads_nested_fields_and_a_list_length() -> None:
    # FilterPanel.jsx offers `x.length` of arrays (includeArrayLength) and wraps names with
    # special characters in brackets (wrapSpecialChars).
    record = {"customer": {"email": "a@b.c", "Internal ID": "12"}, "lines": [1, 2, 3]}
    assert passes(["equals", ["extract", "customer.email"], "a@b.c"], record)
    assert passes(["equals", ["extract", "customer.[Internal ID]"], "12"], record)
    assert passes(["greaterthan", ["number", ["extract", "lines.length"]], 2], record)
    assert passes(["equals", ["extract", "lines[1]"], 2], record)
    assert passes(["equals", ["extract", "$.customer.email"], "a@b.c"], record)


def test_skill_settings_read_the_scoped_settings_of_the_context() -> None:
    rules = [
        "equals",
        ["string", ["extract", "trantype"]],
        ["string", ["settings", "flow.trantype"]],
    ]
    context = {"settings": {"flow": {"trantype": "invoice"}, "integration": {"min": 5}}}
    assert passes(rules, {"trantype": "invoice"}, context) is True
    assert passes(rules, {"trantype": "order"}, context) is False
    assert passes(
        ["greaterthan", N, ["number", ["settings", "integration.min"]]], {"n": 6}, context
    )


def test_a_setting_the_context_lacks_is_missing_not_an_error() -> None:
    assert passes(["empty", ["settings", "export.x"]], {}, {}) is True


def test_ui_context_operand_reads_the_filter_data_beside_the_record() -> None:
    # util.js writes ["context", field] for pageIndex, lastExportDateTime, currentExportDateTime
    rules = ["equals", ["number", ["context", "pageIndex"]], 0]
    assert passes(rules, {}, {"pageIndex": 0}) is True
    assert passes(rules, {}, {"pageIndex": 1}) is False


def test_processor_logic_filter_tests_grouped_rows_on_their_first_row() -> None:
    rows = [{"id": "116", "type": "salesorder"}, {"id": "117", "type": "invoice"}]
    assert passes(["equals", ["extract", "type"], "salesorder"], rows) is True
    assert passes(["equals", ["extract", "type"], "invoice"], rows) is False


def test_contains_on_a_list_field_looks_for_an_element() -> None:
    # Documentation is silent on lists: an element equal to the operand (as text) is found.
    assert passes(["contains", ["extract", "tags"], "vip"], {"tags": ["new", "vip"]}) is True
    assert passes(["contains", ["extract", "tags"], "vi"], {"tags": ["new", "vip"]}) is False
    assert passes(["doesnotcontain", ["extract", "tags"], "x"], {"tags": ["new"]}) is True


# --- the filter document


def test_many_records_each_get_an_outcome_in_order() -> None:
    outcomes = filter_records(
        expression(["notempty", ["extract", "email"]]),
        [{"email": "a@b.c"}, {}, {"email": ""}, {"email": "d@e.f"}],
    )
    assert [outcome.data for outcome in outcomes] == [True, False, False, True]
    assert all(outcome.ok for outcome in outcomes)


@pytest.mark.parametrize(
    "filter",
    [None, {"type": "expression"}, expression([]), {"type": "expression", "expression": {}}],
)
def test_no_rules_pass_every_record(filter: Any) -> None:
    assert [o.data for o in filter_records(filter, [{"a": 1}, {}])] == [True, True]


def test_the_filter_op_answers_through_the_engine_directly() -> None:
    answer = shared_engine().call(
        "filter",
        {"filter": expression(["equals", ["extract", "a"], 1]), "records": [{"a": 1}, {"a": 2}]},
    )
    assert answer == [{"data": True}, {"data": False}]


def test_a_pattern_read_from_settings_that_is_no_regex_fails_that_record_only() -> None:
    rules = ["matches", S, ["settings", "flow.pattern"]]
    outcomes = filter_records(
        expression(rules), [{"s": "a"}], context={"settings": {"flow": {"pattern": "("}}}
    )
    assert outcomes[0].errors[0]["code"] == "filter_error"
    assert "regular expression" in outcomes[0].errors[0]["message"]


# --- refusals, with the offending operand's path


@pytest.mark.parametrize(
    ("rules", "path", "message"),
    [
        (["equals", S], "expression.rules", '"equals" takes 2 operands, got 1'),
        (["and", ["equals", S, 1], ["bogus", 1]], "expression.rules[2][0]", "unknown filter"),
        (
            ["and", ["equals", S, 1], ["not", ["equals", ["strin", 1], 1]]],
            "expression.rules[2][1][1][0]",
            'unknown filter operator "strin"',
        ),
        (["or", ["notempty", ["extract", ""]]], "expression.rules[1][1][1]", "field name"),
        (["matches", S, "("], "expression.rules[2]", "valid regular expression"),
        (["equals", ["equals", S, 1], True], "expression.rules[1][0]", "is a condition"),
        (["string", ["extract", "x"]], "expression.rules[0]", "gives a value"),
        (["equals", {"a": 1}, 1], "expression.rules[1]", "not an object"),
        (["equals", ["Urgent", "High"], 1], "expression.rules[1][0]", "unknown filter"),
        (["equals", [1, 2], 1], "expression.rules[1][0]", "starts with its operator"),
        ([], None, None),
        (["not"], "expression.rules", "takes one operand"),
        (["and"], "expression.rules", "one or more conditions"),
        (["add", 1], "expression.rules[0]", "gives a value"),
        (["equals", ["add", 1], 1], "expression.rules[1]", "two or more operands"),
        (["equals", ["settings", "trantype"], 1], "expression.rules[1][1]", 'e.g. "flow.trantype"'),
        ("equals", "expression.rules", "condition is an [operator"),
        (["equals", ["number", ["extract", "q"]], "ten"], "expression.rules[2]", "as number"),
        (["equals", ["boolean", ["extract", "b"]], "yes"], "expression.rules[2]", "as boolean"),
        (
            ["lessthan", "someday", ["epochtime", ["extract", "d"]]],
            "expression.rules[1]",
            "epochtime",
        ),
    ],
)
def test_a_malformed_expression_is_refused_at_its_operand(
    rules: Any, path: str | None, message: str | None
) -> None:
    if path is None:  # an empty rule list is no filter (the UI's allow_empty)
        assert passes(rules, {}) is True
        return
    error = refusal(rules)
    assert error.details["code"] == "invalid_filter"
    assert error.details["path"] == path
    assert message is not None and message in error.message


def test_skill_isempty_is_refused_with_the_platforms_spelling() -> None:
    # SKILL gotcha 1: the platform knows empty/notempty; isempty/isnotempty match nothing.
    error = refusal(["isnotempty", ["extract", "email"]])
    assert error.details["path"] == "expression.rules[0]"
    assert error.hint is not None and '"notempty"' in error.hint


def test_an_unknown_operator_hint_lists_the_operators() -> None:
    error = refusal(["eq", S, 1])
    assert error.hint is not None
    assert "equals" in error.hint and "epochtime" in error.hint


@pytest.mark.parametrize(
    ("filter", "path", "message"),
    [
        ({"type": "javascript"}, "type", '"expression" or "script"'),
        (
            {"type": "expression", "expression": {"version": "2", "rules": ["empty", 1]}},
            "expression.version",
            'version "1" only',
        ),
        ({"type": "expression", "expression": []}, "expression", "is an object"),
        (["equals", 1, 1], "", "a filter is an object"),
    ],
)
def test_a_malformed_filter_document_is_refused(filter: Any, path: str, message: str) -> None:
    with pytest.raises(TransformError) as caught:
        filter_records(filter, [{}])
    assert caught.value.details["path"] == path
    assert message in caught.value.message


# --- script filters are hooks


SCRIPT_FILTER = {
    "type": "script",
    "script": {"_scriptId": "5f8d43a1b9e5a80011a35f2c", "function": "keep"},
}


def test_skill_a_script_filter_names_its_script_and_function() -> None:
    assert script_filter_of(SCRIPT_FILTER) == ("5f8d43a1b9e5a80011a35f2c", "keep")
    assert script_filter_of(expression(["empty", ["extract", "x"]])) is None
    assert script_filter_of(None) is None


def test_filter_records_refuses_a_script_filter_the_caller_runs_as_a_hook() -> None:
    with pytest.raises(TransformError, match="runs as a filter hook") as caught:
        filter_records(SCRIPT_FILTER, [{}])
    assert caught.value.details["code"] == "script_filter"
    with pytest.raises(TransformError, match="runs as a filter hook"):
        shared_engine().call("filter", {"filter": SCRIPT_FILTER, "records": [{}]})


@pytest.mark.parametrize(
    ("script", "path"),
    [
        (None, "script"),
        ({"function": "keep"}, "script._scriptId"),
        ({"_scriptId": "1"}, "script.function"),
    ],
)
def test_a_script_filter_without_its_script_or_function_is_refused(script: Any, path: str) -> None:
    with pytest.raises(TransformError) as caught:
        script_filter_of({"type": "script", "script": script})
    assert caught.value.details == {"path": path, "code": "invalid_filter"}
