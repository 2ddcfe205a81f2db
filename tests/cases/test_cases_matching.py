"""Matching rules of `jsrt.expect`: subset, exact, in-order, closest call, diff text."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jsrt.closest import json_diff
from jsrt.describe import format_path
from jsrt.expect import (
    ABSENT,
    Expectations,
    check,
    check_calls,
    check_calls_count,
    check_logs,
    check_outcome,
    check_world,
    closest_call,
    compare,
    error_mismatches,
    is_subset,
    mismatches,
    project,
)


def call(obj: str, method: str, *args, ok: bool = True, **extra) -> dict:
    return {"object": obj, "method": method, "args": list(args), "ok": ok, **extra}


# --- subset and exact -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ({"a": 1}, {"a": 1, "b": 2}),
        ({"a": {"b": [1, {"c": 3}]}}, {"a": {"b": [1, {"c": 3, "d": 4}], "x": 0}}),
        ([{"id": 1}, {}], [{"id": 1, "n": "x"}, {"id": 2}]),
        ([], []),
        (None, None),
        (1, 1.0),
        ("x", "x"),
    ],
)
def test_subset_accepts_extra_keys_at_any_depth(expected, actual) -> None:
    assert is_subset(expected, actual)


@pytest.mark.parametrize(
    ("expected", "actual", "reason"),
    [
        ({"a": 1}, {"b": 1}, 'at $: missing key "a"'),
        ({"a": {"b": 2}}, {"a": {"b": 3}}, "at $.a.b: expected 2, got 3"),
        ([1, 2], [1, 2, 3], "at $: expected a list of 2 items, got 3"),
        ({"a": [1]}, {"a": {"0": 1}}, "at $.a: expected a list, got an object"),
        ({"a": {}}, {"a": []}, "at $.a: expected an object, got a list"),
        (True, 1, "at $: expected true, got 1"),
        (1, True, "at $: expected 1, got true"),
        ("1", 1, 'at $: expected "1", got 1'),
        (None, {"a": 1}, 'at $: expected null, got {"a": 1}'),
        ({"state/x": 1}, {"state/x": 2}, 'at $["state/x"]: expected 1, got 2'),
    ],
)
def test_subset_mismatch_names_the_path_and_both_values(expected, actual, reason) -> None:
    assert mismatches(expected, actual, subset=True) == [reason]


def test_exact_match_refuses_extra_keys_but_subset_allows_them() -> None:
    assert mismatches({"a": 1}, {"a": 1, "b": 2}, subset=False) == ['at $: unexpected key "b"']
    assert mismatches({"a": 1}, {"a": 1, "b": 2}, subset=True) == []


def test_every_differing_path_is_reported() -> None:
    found = mismatches({"a": 1, "b": [1, 2], "c": "x"}, {"a": 2, "b": [1, 3]}, subset=True)
    assert found == [
        "at $.a: expected 1, got 2",
        "at $.b[1]: expected 2, got 3",
        'at $: missing key "c"',
    ]


def test_format_path_quotes_keys_that_are_not_identifiers() -> None:
    assert format_path(["data", 0, "total"]) == "$.data[0].total"
    assert format_path(["exports/abc", "my key"]) == '$["exports/abc"]["my key"]'


def test_project_keeps_only_what_the_expectation_names() -> None:
    actual = {"data": [{"id": 1, "noise": "x"}], "errors": [], "abort": False}
    assert project(actual, {"data": [{"id": 2}]}) == {"data": [{"id": 1}]}
    # A list of another length is kept whole: its length is the difference.
    assert project({"a": [1, 2, 3]}, {"a": [1]}) == {"a": [1, 2, 3]}


def test_diff_is_a_unified_diff_of_pretty_json_cut_to_the_expected_shape() -> None:
    failure = compare(
        "result_subset",
        {"data": [{"total": 39}]},
        {"data": [{"total": 40, "id": "SO-1"}], "errors": []},
        subset=True,
    )
    assert failure is not None
    assert failure.details == ["at $.data[0].total: expected 39, got 40"]
    diff = failure.diff.splitlines()
    assert diff[:2] == ["--- expected", "+++ actual"]
    assert '-      "total": 39' in diff
    assert '+      "total": 40' in diff
    assert not any("SO-1" in line or "errors" in line for line in diff)
    text = failure.render()
    assert text.startswith("result_subset: does not contain the expected values\n")


def test_exact_compare_shows_the_whole_actual_value() -> None:
    failure = compare("result", {"a": 1}, {"a": 1, "b": 2}, subset=False)
    assert failure is not None
    assert failure.actual == {"a": 1, "b": 2}
    assert '+  "b": 2' in failure.diff
    assert compare("result", {"a": 1}, {"a": 1}, subset=False) is None


def test_json_diff_is_empty_for_equal_values() -> None:
    assert json_diff({"a": [1]}, {"a": [1]}) == ""


# --- logs ---------------------------------------------------------------------------------

LOGS = [
    {"level": "log", "text": "start"},
    {"level": "warn", "text": "order SO-2 has no lines"},
    {"level": "log", "text": "page 0: 2 kept"},
]


def test_logs_match_as_an_ordered_subsequence() -> None:
    assert check_logs([{"text": "start"}, {"contains": "2 kept"}], LOGS) is None
    assert check_logs([{"level": "warn", "contains": "SO-2"}], LOGS) is None
    assert check_logs([], LOGS) is None


def test_logs_out_of_order_fail_and_list_what_was_logged() -> None:
    failure = check_logs([{"contains": "2 kept"}, {"text": "start"}], LOGS)
    assert failure is not None
    assert failure.what == "logs[1]"
    assert "after log #3" in failure.message
    assert "  #1 [log] start" in failure.details


def test_log_level_and_text_must_both_hold() -> None:
    failure = check_logs([{"level": "error", "contains": "SO-2"}], LOGS)
    assert failure is not None
    assert failure.what == "logs[0]"
    assert check_logs([{"text": "start"}], []).details == ["nothing was logged"]


# --- calls --------------------------------------------------------------------------------

CALLS = [
    call("state", "getForResource", {"resourceType": "exports", "_id": "e1", "key": "k"}),
    call("exports", "run", {"_id": "e2"}),
    call(
        "state", "putForResource", {"resourceType": "exports", "_id": "e1", "key": "k", "value": 1}
    ),
    call(
        "state", "putForResource", {"resourceType": "exports", "_id": "e1", "key": "j", "value": 2}
    ),
]


def test_calls_match_in_order_with_args_as_subset() -> None:
    expected = [
        {"object": "state", "method": "getForResource"},
        {"object": "state", "method": "putForResource", "args": [{"key": "j", "value": 2}]},
    ]
    assert check_calls(expected, CALLS) is None


def test_a_call_never_made_lists_the_calls_that_were() -> None:
    failure = check_calls([{"object": "lookupcaches", "method": "getData"}], CALLS)
    assert failure is not None
    assert failure.message == "no call to lookupcaches.getData was made"
    assert failure.details[0] == "calls made:"
    assert failure.details[2].startswith("  #2 exports.run(")
    assert failure.diff == ""


def test_a_near_miss_shows_the_closest_call_and_its_diff() -> None:
    pattern = {"object": "state", "method": "putForResource", "args": [{"key": "j", "value": 3}]}
    failure = check_calls([pattern], CALLS)
    assert failure is not None
    assert "closest is call #4" in failure.message
    assert failure.details == ["at $.args[0].value: expected 3, got 2"]
    assert failure.expected == {"args": [{"key": "j", "value": 3}]}
    assert failure.actual == {"args": [{"key": "j", "value": 2}]}
    assert '-      "value": 3' in failure.diff
    assert '+      "value": 2' in failure.diff


def test_closest_call_prefers_most_matching_args() -> None:
    pattern = {"object": "state", "method": "putForResource", "args": [{"key": "k", "value": 9}]}
    index, found = closest_call(pattern, CALLS)
    assert index == 2
    assert found["args"][0]["key"] == "k"
    assert closest_call({"object": "flows", "method": "run"}, CALLS) is None


def test_a_matching_call_before_the_previous_one_is_an_ordering_failure() -> None:
    expected = [
        {"object": "exports", "method": "run"},
        {"object": "state", "method": "getForResource"},
    ]
    failure = check_calls(expected, CALLS)
    assert failure is not None
    assert failure.what == "calls[1]"
    assert "called as expected (#1), but before the previous expected call" in failure.message


def test_call_outcome_fields_match_too() -> None:
    calls = [call("exports", "get", "x", ok=False, error={"code": "not_found", "statusCode": 404})]
    assert check_calls([{"object": "exports", "method": "get", "ok": False}], calls) is None
    assert (
        check_calls([{"object": "exports", "method": "get", "error": {"code": "not_found"}}], calls)
        is None
    )
    assert check_calls([{"object": "exports", "method": "get", "ok": True}], calls) is not None


def test_calls_count_total_and_per_method() -> None:
    assert check_calls_count(4, CALLS) is None
    assert check_calls_count({"state.putForResource": 2, "flows.run": 0}, CALLS) is None
    failure = check_calls_count({"state.putForResource": 1, "exports.run": 1}, CALLS)
    assert failure is not None
    assert failure.message == "state.putForResource: expected 1, got 2"
    assert check_calls_count(3, CALLS).message == "expected 3 calls, got 4"


# --- outcome and error --------------------------------------------------------------------

SCRIPT_ERROR = {
    "type": "ScriptError",
    "message": "hook.js:3:9: TypeError: x is undefined",
    "name": "TypeError",
    "stack": "TypeError: x is undefined\n    at f (hook.js:3:9)",
}


def test_error_expectation_matches_type_with_subclasses_name_and_message_substring() -> None:
    assert error_mismatches({"type": "ScriptError"}, SCRIPT_ERROR) == []
    assert error_mismatches({"type": "HookError", "name": "TypeError"}, SCRIPT_ERROR) == []
    assert error_mismatches({"message": "is undefined"}, SCRIPT_ERROR) == []
    assert error_mismatches({"type": "HookTimeout"}, SCRIPT_ERROR) == [
        "type: expected HookTimeout, got ScriptError"
    ]
    assert error_mismatches({"name": "RangeError", "message": "nope"}, SCRIPT_ERROR) == [
        "name: expected RangeError, got TypeError",
        'message: expected it to contain "nope"',
    ]


def test_a_run_must_succeed_unless_told_otherwise() -> None:
    failure = check_outcome(None, True, False, SCRIPT_ERROR)
    assert failure is not None
    assert failure.message == "the run failed"
    assert failure.details[0] == "ScriptError: hook.js:3:9: TypeError: x is undefined"
    assert "    at f (hook.js:3:9)" in failure.details
    assert check_outcome(None, False, False, SCRIPT_ERROR) is None
    assert check_outcome(None, False, True, None).message == (
        "expected the run to fail, but it succeeded"
    )


def test_expected_error_but_success_or_another_error() -> None:
    assert "but it succeeded" in check_outcome({"name": "TypeError"}, False, True, None).message
    failure = check_outcome({"type": "ContractViolation"}, False, False, SCRIPT_ERROR)
    assert failure.message == "the run failed, but not as expected"
    assert failure.details[0] == "type: expected ContractViolation, got ScriptError"


def result(**fields) -> SimpleNamespace:
    base = {
        "ok": True,
        "value": None,
        "errors": [],
        "records": None,
        "logs": [],
        "calls": [],
        "error": None,
    }
    return SimpleNamespace(**{**base, **fields})


def test_check_gathers_every_failed_expectation() -> None:
    expect = Expectations(
        result_subset={"data": [{"id": 1}]},
        errors=[{"code": "NO_LINES"}],
        logs=[{"contains": "kept"}],
        calls_count=0,
    )
    run = result(
        value={"data": [{"id": 2}]},
        errors=[{"code": "NO_LINES", "message": "x"}],
        logs=[{"level": "log", "text": "1 kept"}],
        calls=[call("state", "getForResource", {})],
    )
    failures = check(expect, run, world=None)
    assert [f.what for f in failures] == ["result_subset", "calls_count"]


def test_check_passes_a_failed_run_that_was_expected_to_fail() -> None:
    expect = Expectations(error={"name": "TypeError"}, result=ABSENT)
    assert check(expect, result(ok=False, error=SCRIPT_ERROR), world=None) == []


# --- world --------------------------------------------------------------------------------


class FakeWorld:
    """The read-only views `check_world` uses, over plain dicts."""

    def __init__(self) -> None:
        self.state = {("exports", "e1"): {"cursor": "2024-01-01", "count": 3}}
        self.caches = {"c1": {"SO-1": {"status": "done"}}}

    def state_of(self, resource_type: str, _id: str) -> dict:
        return self.state.get((resource_type, _id), {})

    def cache_entries(self, cache_id: str) -> dict:
        if cache_id not in self.caches:
            raise KeyError(cache_id)
        return self.caches[cache_id]

    def imported(self, import_id: str) -> list:
        return [{"id": "SO-1", "total": 3}] if import_id == "i1" else []

    def export_runs(self, export_id: str) -> list:
        return []

    def jobs(self, flow_id: str) -> list:
        return [{"_flowId": flow_id, "status": "queued"}]


def test_world_expectations_are_subset_matched_per_view() -> None:
    world = FakeWorld()
    expected = {
        "state": {"exports/e1": {"count": 3}},
        "lookupcaches": {"c1": {"SO-1": {"status": "done"}}},
        "imported": {"i1": [{"id": "SO-1"}]},
        "export_runs": {"e9": []},
        "jobs": {"f1": [{"status": "queued"}]},
    }
    assert check_world(expected, world) == []


def test_world_mismatch_and_unknown_entry_are_reported() -> None:
    failures = check_world(
        {"state": {"exports/e1": {"count": 4}}, "lookupcaches": {"nope": {}}}, FakeWorld()
    )
    assert [f.what for f in failures] == ['world.state["exports/e1"]', 'world.lookupcaches["nope"]']
    assert failures[0].details == ["at $.count: expected 4, got 3"]
    assert failures[1].message.startswith("the world has no such entry")
    assert check_world({"state": {}}, None)[0].message.startswith("there is no world")
