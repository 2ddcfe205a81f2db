"""judge: each way a return can be right or wrong, with the message a user sees."""

from __future__ import annotations

from collections import OrderedDict

import pytest

from jsrt.hooks import contract_for
from jsrt.hooks.returns import MAX_RETURN_BYTES, Verdict
from jsrt.json_values import json_size

A, B = {"id": "SO-1"}, {"id": "SO-2"}
LENGTH_TEXT = (
    "invalid_extension_response: Extension result doesn't contain the same number of "
    "elements as the request object. Expected {expected}, got {got}."
)


def judge(name: str, returned, **given) -> Verdict:
    contract = contract_for(name)
    options = contract.build_options(given)
    if contract.per_record:
        options = contract.split_records(options)[0]
    return contract.judge(options, returned)


def only_problem(verdict: Verdict) -> str:
    assert not verdict.ok
    assert len(verdict.problems) == 1, verdict.problems
    return verdict.problems[0]


# preSavePage ----------------------------------------------------------------------------


def test_pre_save_page_full_return_is_kept_with_its_errors() -> None:
    returned = {
        "data": [A, [B, B]],
        "errors": [{"code": "E1", "message": "bad", "source": "hook"}],
        "abort": False,
        "newErrorsAndRetryData": [{"retryData": B, "errors": [{"code": "E2", "message": "m"}]}],
    }
    verdict = judge("preSavePage", returned, data=[A, B])
    assert verdict.ok and verdict.problems == [] and verdict.value == returned
    assert verdict.errors == [
        {"code": "E1", "message": "bad", "source": "hook"},
        {"code": "E2", "message": "m", "retryData": B},
    ]


def test_pre_save_page_older_data_and_errors_form_is_accepted() -> None:
    verdict = judge("preSavePage", {"data": [A], "errors": []}, data=[A])
    assert verdict.ok and verdict.notes == []


def test_pre_save_page_abort_true_is_noted() -> None:
    verdict = judge("preSavePage", {"data": [], "abort": True}, data=[A])
    assert verdict.ok
    assert verdict.notes == ["abort: true: the export produces no further pages after this one"]


def test_pre_save_page_returning_the_array_says_to_wrap_it() -> None:
    problem = only_problem(judge("preSavePage", [A], data=[A]))
    assert problem.startswith(
        "preSavePage must return an object {data, errors, abort, newErrorsAndRetryData}"
    )
    assert "return {data: records, errors: options.errors}" in problem
    assert problem.endswith("it returned an array of 1 element")


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        (None, "preSavePage must return an object"),
        ({"errors": []}, "`data` must be an array of records; got undefined"),
        ({"data": {"id": 1}}, "`data` must be an array of records; got an object {id}"),
        ({"data": [A, 5]}, "data[1] must be a record"),
        ({"data": [], "abort": "yes"}, '`abort` must be true or false; got the string "yes"'),
        ({"data": [], "errors": {"code": "x"}}, "errors must be an array of error objects"),
        ({"data": [], "errors": ["oops"]}, "errors[0] must be an error object"),
        ({"data": [], "newErrorsAndRetryData": {}}, "`newErrorsAndRetryData` must be an array"),
        (
            {"data": [], "newErrorsAndRetryData": [{"retryData": A}]},
            "newErrorsAndRetryData[0] must be {retryData: record, errors: [error]}",
        ),
    ],
)
def test_pre_save_page_wrong_shapes(returned, words: str) -> None:
    assert words in only_problem(judge("preSavePage", returned, data=[A]))


# preMap and postMap ---------------------------------------------------------------------


def test_pre_map_elements_in_every_documented_form() -> None:
    returned = [
        {"data": A},
        {"errors": [{"code": "X", "message": "no", "source": "hook"}]},
        {"data": [B], "errors": [{"code": "W", "message": "warn"}]},
        {},
    ]
    verdict = judge("preMap", returned, data=[A, B, A, B])
    assert verdict.ok and verdict.value == returned
    assert verdict.errors == [
        {"code": "X", "message": "no", "source": "hook", "index": 1},
        {"code": "W", "message": "warn", "index": 2},
    ]
    assert verdict.notes == [
        "1 record(s) skipped ({} returned): [3]",
        "1 record(s) failed with errors only: [1]",
    ]


@pytest.mark.parametrize(("name", "field"), [("preMap", "data"), ("postMap", "postMapData")])
def test_wrong_length_quotes_integrator_io(name: str, field: str) -> None:
    problem = only_problem(judge(name, [{"data": A}], **{field: [A, B]}))
    assert LENGTH_TEXT.format(expected=2, got=1) in problem
    assert "The number of elements in the return value must match the input" in problem
    assert f"options.{field} has 2" in problem


@pytest.mark.parametrize("name", ["preMap", "postResponseMap"])
def test_returning_an_object_wrapping_the_array_is_named(name: str) -> None:
    field = "data" if name == "preMap" else "postResponseMapData"
    problem = only_problem(judge(name, {"data": [{"data": A}]}, **{field: [A]}))
    assert LENGTH_TEXT.format(expected=1, got="") in problem
    assert f"{name} returned an object {{data: [...]}}" in problem
    assert "return the array" in problem


def test_pre_map_bare_records_are_flagged_as_unwrapped() -> None:
    problem = only_problem(judge("preMap", [A], data=[A]))
    assert "element 0 has id beside data/errors" in problem
    assert "wrap it as {data: record}" in problem


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        (None, "preMap must return an array with one element per element of options.data (1)"),
        ("x", 'it returned the string "x"'),
        ([None], "element 0 must be {data}, {errors}, {data, errors} or {} (skip)"),
        ([{"data": "x"}], "element 0: `data` must be a record"),
        ([{"errors": "bad"}], "element 0: errors must be an array of error objects"),
    ],
)
def test_pre_map_wrong_shapes(returned, words: str) -> None:
    assert words in only_problem(judge("preMap", returned, data=[A]))


def test_many_bad_elements_are_summarised() -> None:
    verdict = judge("preMap", [1] * 20, data=[A] * 20)
    assert not verdict.ok
    assert len(verdict.problems) == 6
    assert verdict.problems[-1] == "... and 15 more problems like these"


# postSubmit -----------------------------------------------------------------------------


def test_post_submit_keeps_responses_and_collects_only_added_errors() -> None:
    contract = contract_for("postSubmit")
    old = {"code": "OLD", "message": "from the import"}
    options = contract.build_options(
        {"responseData": [{"statusCode": 200, "errors": []}, {"statusCode": 422, "errors": [old]}]}
    )
    new = {"code": "NEW", "message": "added by the hook"}
    returned = [{"statusCode": 422, "errors": [new]}, {"statusCode": 422, "errors": [old]}]
    verdict = contract.judge(options, returned)
    assert verdict.ok and verdict.value == returned
    assert verdict.errors == [{**new, "index": 0}]


def test_post_submit_wrong_length_and_wrong_elements() -> None:
    problem = only_problem(judge("postSubmit", [{}], postMapData=[A, B]))
    assert LENGTH_TEXT.format(expected=2, got=1) in problem
    problem = only_problem(judge("postSubmit", [{}, "x"], postMapData=[A, B]))
    assert "element 1 must be a response object like options.responseData[1]" in problem


# postAggregate, step, update ------------------------------------------------------------


@pytest.mark.parametrize("name", ["postAggregate", "step", "update"])
def test_ignored_returns_keep_nothing_and_note_a_stray_value(name: str) -> None:
    assert judge(name, None) == Verdict(ok=True, value=None)
    verdict = judge(name, {"done": True})
    assert verdict.ok and verdict.value is None
    assert verdict.notes == [f"{name}'s return value is ignored (it returned an object {{done}})"]


# postResponseMap ------------------------------------------------------------------------


def test_post_response_map_flat_array_of_records() -> None:
    returned = [{**A, "nsId": "1"}, [B]]
    verdict = judge("postResponseMap", returned, postResponseMapData=[A, B])
    assert verdict.ok and verdict.value == returned


def test_post_response_map_wrong_length_and_non_records() -> None:
    problem = only_problem(judge("postResponseMap", [A], postResponseMapData=[A, B]))
    assert LENGTH_TEXT.format(expected=2, got=1) in problem
    problem = only_problem(judge("postResponseMap", [A, True], postResponseMapData=[A, B]))
    assert "element 1 must be a record" in problem and "the boolean true" in problem


# filter, transform, branching -----------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_filter_booleans(value: bool) -> None:
    verdict = judge("filter", value, record=A)
    assert verdict.ok and verdict.value is value


@pytest.mark.parametrize(
    ("returned", "kept", "shown"),
    [
        ("yes", True, 'the string "yes"'),
        (0, False, "the number 0"),
        ({}, True, "an empty object"),
        (None, False, "undefined (or null)"),
        ("", False, 'the string ""'),
    ],
)
def test_filter_non_boolean_is_a_problem_but_truthiness_is_recorded(returned, kept, shown) -> None:
    verdict = judge("filter", returned, record=A)
    problem = only_problem(verdict)
    assert problem.startswith(f"filter must return true or false; it returned {shown}")
    assert f"would {'keep' if kept else 'drop'} this record" in problem
    assert "strict boolean" in problem
    assert verdict.value is kept


@pytest.mark.parametrize("returned", [{**A, "x": 1}, [A, B]])
def test_transform_returns_a_record_or_grouped_records(returned) -> None:
    verdict = judge("transform", returned, record=A)
    assert verdict.ok and verdict.value == returned


def test_transform_without_a_record_is_a_problem() -> None:
    problem = only_problem(judge("transform", None, record=A))
    assert "transform must return the transformed record" in problem
    assert "forget to return options.record" in problem
    assert "the number 3" in only_problem(judge("transform", 3, record=A))


@pytest.mark.parametrize("returned", [0, 3, [0], [0, 2]])
def test_branching_indexes(returned) -> None:
    verdict = judge("branching", returned, record=A)
    assert verdict.ok and verdict.value == returned


def test_branching_empty_array_is_noted() -> None:
    verdict = judge("branching", [], record=A)
    assert verdict.ok and verdict.notes == ["branching returned []: the record takes no branch"]


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        ("EU", 'branching returned the string "EU", a branch name'),
        (["EU", 1], "a branch name"),
        (-1, "it returned the number -1"),
        (True, "it returned the boolean true"),
        (1.5, "it returned the number 1.5"),
        ({"branch": 0}, "it returned an object {branch}"),
        (None, "it returned undefined"),
    ],
)
def test_branching_other_returns_name_both_documented_forms(returned, words: str) -> None:
    problem = only_problem(judge("branching", returned, record=A))
    assert words in problem
    assert "a branch index (an integer, 0 for the first branch)" in problem
    assert "an array of branch indexes such as [0, 2]" in problem


# handleRequest, contentBasedFlowRouter --------------------------------------------------


@pytest.mark.parametrize(
    "returned",
    [
        {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": {"ok": 1}},
        {"statusCode": 404, "body": "not found"},
        {"statusCode": 204, "body": ""},
        {"statusCode": 200, "body": [1, 2]},
    ],
)
def test_handle_request_responses(returned) -> None:
    verdict = judge("handleRequest", returned)
    assert verdict.ok and verdict.value == returned


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        ("ok", "handleRequest must return {statusCode, headers, body}"),
        ({"statusCode": "200", "body": ""}, 'integer from 100 to 599; got the string "200"'),
        ({"statusCode": 600, "body": ""}, "got the number 600"),
        ({"statusCode": 99, "body": ""}, "got the number 99"),
        ({"body": ""}, "`statusCode` must be an HTTP status"),
        ({"statusCode": 200}, "the response has no `body`"),
        ({"statusCode": 200, "body": 5}, "`body` must be a string or an object; got the number 5"),
        ({"statusCode": 200, "body": "", "headers": ["a"]}, "`headers` must be an object"),
    ],
)
def test_handle_request_wrong_responses(returned, words: str) -> None:
    assert words in only_problem(judge("handleRequest", returned))


def test_content_based_flow_router_returns() -> None:
    given = {"rawMessageBody": "ISA~"}
    assert judge("contentBasedFlowRouter", {"_flowId": "F1"}, **given).ok
    assert judge("contentBasedFlowRouter", {"_flowId": "F1", "_exportId": "E1"}, **given).ok
    problem = only_problem(judge("contentBasedFlowRouter", {"_exportId": "E1"}, **given))
    assert problem.startswith("`_flowId` is required")
    returned = {"_flowId": "F", "_exportId": 1}
    problem = only_problem(judge("contentBasedFlowRouter", returned, **given))
    assert "`_exportId` must be an export id (a string); got the number 1" in problem
    problem = only_problem(judge("contentBasedFlowRouter", "F1", **given))
    assert "contentBasedFlowRouter must return {_flowId, _exportId}" in problem


# formInit, preSave ----------------------------------------------------------------------


def test_form_init_and_pre_save_return_objects() -> None:
    form = {"fieldMap": {}, "layout": {"fields": []}}
    assert judge("formInit", form).value == form
    assert "formInit must return the form to render" in only_problem(judge("formInit", [form]))
    saved = {"name": "x"}
    assert judge("preSave", saved, newResource=saved).ok
    problem = only_problem(judge("preSave", None, newResource=saved))
    assert "preSave must return the resource to save" in problem
    assert "it returned undefined" in problem


# size -----------------------------------------------------------------------------------


def test_json_size_counts_utf8_bytes_of_compact_json() -> None:
    assert json_size({"a": [1, "é"]}) == len('{"a":[1,"é"]}'.encode())


@pytest.mark.parametrize(
    ("name", "wrap", "given"),
    [
        ("preMap", lambda blob: [{"data": {"blob": blob}}], {"data": [A]}),
        ("transform", lambda blob: {"blob": blob}, {"record": A}),
        ("handleRequest", lambda blob: {"statusCode": 200, "body": blob}, {}),
        ("postAggregate", lambda blob: blob, {}),
    ],
)
def test_a_return_over_5_mb_is_refused_with_its_size(name, wrap, given) -> None:
    overhead = json_size(wrap(""))
    at_limit = wrap("x" * (MAX_RETURN_BYTES - overhead))
    assert json_size(at_limit) == MAX_RETURN_BYTES
    assert judge(name, at_limit, **given).ok
    verdict = judge(name, wrap("x" * (MAX_RETURN_BYTES - overhead + 1)), **given)
    problem = only_problem(verdict)
    assert problem.startswith("response_size_exceeded: the returned value is 5,242,881 bytes")
    assert "5242880 bytes" in problem
    assert verdict.value is None


def test_records_of_dict_and_list_subclasses_pass_and_every_non_record_is_named() -> None:
    verdict = judge("preSavePage", {"data": [OrderedDict(id=1), A, [A, B]]}, data=[A])
    assert verdict.ok, verdict.problems
    verdict = judge("preSavePage", {"data": [A, 1, B, "x"]}, data=[A])
    assert [p.split(" must")[0] for p in verdict.problems] == ["data[1]", "data[3]"]
