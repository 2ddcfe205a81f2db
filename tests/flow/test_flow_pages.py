"""Page generators: pages from `mockOutput` or given data, paged by `pageSize`; delta
exports' dates; preSavePage once per page with its errors, retry data and abort; bad
flows and data refused in words."""

from __future__ import annotations

import pytest
from flow_worlds import hook, page_of, simple_flow

from jsrt.errors import InputError, UsageError
from jsrt.flow import FlowProgress

ORDERS = [{"id": n} for n in range(1, 6)]


def _world(**export: object) -> dict:
    return {
        "exports": [{"_id": "orders", "name": "Orders", "mockOutput": page_of(*ORDERS), **export}],
        "flows": [simple_flow()],
    }


def test_pages_are_cut_by_page_size(flow_runtime) -> None:
    # jsrt.backends.local.export_pages: exports page by pageSize, as exports.run does
    result = flow_runtime(_world(pageSize=2)).run_flow("F")
    parse = [stage for stage in result.step("orders").stages if stage.name == "parse"]
    assert [stage.output for stage in parse] == [ORDERS[0:2], ORDERS[2:4], ORDERS[4:5]]
    assert [stage.page for stage in parse] == [0, 1, 2]
    assert result.pages == 3 and result.ok


def test_the_default_page_size_is_twenty(flow_runtime) -> None:
    many = [{"id": n} for n in range(45)]
    world = {
        "exports": [{"_id": "orders", "mockOutput": page_of(*many)}],
        "flows": [simple_flow()],
    }
    assert flow_runtime(world).run_flow("F").pages == 3


def test_pages_limits_the_pages_each_generator_makes(flow_runtime) -> None:
    result = flow_runtime(_world(pageSize=2)).run_flow("F", pages=2)
    assert result.pages == 2
    assert result.step("orders").received == 4


def test_given_data_replaces_the_mock(flow_runtime) -> None:
    runtime = flow_runtime(_world(pageSize=2))
    given = [{"id": "x"}, {"id": "y"}, {"id": "z"}]
    by_list = runtime.run_flow("F", data=given)
    by_id = runtime.run_flow("F", data={"orders": given})
    by_name = runtime.run_flow("F", data={"Orders": given})
    for result in (by_list, by_id, by_name):
        assert [s.output for s in result.step("orders").stages] == [given[0:2], given[2:3]]


def test_data_for_no_generator_is_refused(flow_runtime) -> None:
    with pytest.raises(UsageError, match="'nope', which is no page generator") as caught:
        flow_runtime(_world()).run_flow("F", data={"nope": []})
    assert "orders" in str(caught.value.hint)
    with pytest.raises(
        UsageError, match=r"data\['orders'\] must be a list of records, got an object"
    ):
        flow_runtime(_world()).run_flow("F", data={"orders": {"id": 1}})


def test_progress_is_said_after_each_page(flow_runtime) -> None:
    heard: list[FlowProgress] = []
    flow_runtime(_world(pageSize=2)).run_flow("F", on_progress=heard.append)
    assert heard == [
        FlowProgress(step=0, page=1, pages=3, records=2),
        FlowProgress(step=0, page=2, pages=3, records=2),
        FlowProgress(step=0, page=3, pages=3, records=1),
    ]


def test_pre_save_page_runs_once_a_page_with_the_page(flow_runtime) -> None:
    js = """
    function preSavePage(options) {
      return { data: options.data.map(r => Object.assign({}, r, { page: options.pageIndex,
        size: options.data.length })), errors: [] };
    }
    """
    world = _world(pageSize=2, hooks={"preSavePage": hook("preSavePage")})
    result = flow_runtime(world, js).run_flow("F")
    step = result.step("orders")
    assert step.hooks["preSavePage"].runs == 3
    assert step.hooks["preSavePage"].records == 5
    out = [stage.output for stage in step.stages if stage.name == "preSavePage"]
    assert out[2] == [{"id": 5, "page": 2, "size": 1}]


def test_delta_exports_give_hooks_their_export_dates(flow_runtime) -> None:
    # flows-and-mappings.md "Contexts": a delta export has lastExportDateTime and
    # currentExportDateTime; the export's own lastExportDateTime is the last run's
    js = """
    function preSavePage(options) {
      return { data: options.data.map(r => Object.assign({}, r, {
        last: options.lastExportDateTime, current: options.currentExportDateTime })) };
    }
    """
    world = _world(
        type="delta",
        lastExportDateTime="2026-01-01T00:00:00.000Z",
        hooks={"preSavePage": hook("preSavePage")},
    )
    result = flow_runtime(world, js).run_flow("F")
    record = result.step("orders").stages[-1].output[0]
    assert record["last"] == "2026-01-01T00:00:00.000Z"
    assert record["current"] > record["last"]
    assert record["current"].endswith("Z")


def test_pre_save_page_errors_and_retry_data_are_the_steps(flow_runtime) -> None:
    # jsrt.hooks.page: preSavePage returns {data, errors, abort, newErrorsAndRetryData}
    js = """
    function preSavePage(options) {
      const bad = options.data.filter(r => r.id === 2);
      return {
        data: options.data.filter(r => r.id !== 2),
        errors: [{ code: 'PAGE_NOTE', message: 'checked' }],
        newErrorsAndRetryData: bad.map(r => ({ retryData: r,
          errors: [{ code: 'BAD_ORDER', message: 'order 2 is bad' }] })),
      };
    }
    """
    world = _world(pageSize=5, hooks={"preSavePage": hook("preSavePage")})
    result = flow_runtime(world, js).run_flow("F")
    errors = result.step("orders").errors
    assert [(e["code"], e.get("retryData")) for e in errors] == [
        ("PAGE_NOTE", None),
        ("BAD_ORDER", {"id": 2}),
    ]
    assert result.step("orders").passed == 4


def test_abort_ends_the_exports_pages(flow_runtime) -> None:
    js = "function preSavePage(options) { return { data: options.data, abort: true }; }"
    world = _world(pageSize=2, hooks={"preSavePage": hook("preSavePage")})
    result = flow_runtime(world, js).run_flow("F")
    assert result.pages == 1
    assert "abort: true" in result.notes[0]


def test_a_pre_save_page_throw_fails_its_page(flow_runtime) -> None:
    # celigo-reference §2.3 (jsrt.hooks.page): a page hook's throw fails the whole page
    js = """
    function preSavePage(options) {
      if (options.pageIndex === 1) throw new Error('page two is broken');
      return { data: options.data };
    }
    """
    world = _world(pageSize=2, hooks={"preSavePage": hook("preSavePage")})
    result = flow_runtime(world, js).run_flow("F")
    step = result.step("orders")
    assert not result.ok
    assert step.failed == 2 and step.passed == 3
    assert {e["retryData"]["id"] for e in step.errors} == {3, 4}
    assert all("page two is broken" in e["message"] for e in step.errors)
    assert result.failures[0]["stage"] == "preSavePage"
    assert result.failures[0]["page"] == 1


def test_an_unknown_flow_names_the_closest(flow_runtime) -> None:
    with pytest.raises(UsageError, match="no flow 'G'"):
        flow_runtime(_world()).run_flow("G")


def test_a_hook_that_cannot_run_stops_the_run_before_it_starts(flow_runtime) -> None:
    world = _world(hooks={"preSavePage": {"_scriptId": "missing", "function": "x"}})
    with pytest.raises(InputError, match="script missing not in"):
        flow_runtime(world).run_flow("F")


def test_a_step_whose_resource_is_missing_is_refused(flow_runtime) -> None:
    world = _world()
    world["flows"] = [simple_flow({"type": "import", "_importId": "gone"})]
    with pytest.raises(InputError, match="names import 'gone', which the world lacks"):
        flow_runtime(world).run_flow("F")


def test_pages_must_be_positive(flow_runtime) -> None:
    with pytest.raises(UsageError, match="pages must be a positive integer"):
        flow_runtime(_world()).run_flow("F", pages=0)


def test_the_json_names_steps_counts_and_stages(flow_runtime) -> None:
    result = flow_runtime(_world(pageSize=5)).run_flow("F")
    out = result.to_json()
    assert out["ok"] is True
    assert out["flow"] == {"_id": "F", "name": "F"}
    step = out["steps"][0]
    assert step["counts"] == {"received": 5, "passed": 5, "ignored": 0, "failed": 0}
    assert step["stages"][0] == {
        "name": "parse",
        "page": 0,
        "input": [],
        "output": ORDERS,
        "errors": [],
    }
    assert "records" not in out  # no trace asked for


def test_a_script_transform_and_a_script_output_filter_run_once_a_page(flow_runtime) -> None:
    # celigo/ai configuring-exports/SKILL.md: transform, then the output filter
    js = """
    function transform(options) {
      return Object.assign({}, options.record, { big: options.record.id > 2 });
    }
    function filter(options) { return options.record.big; }
    """
    world = _world(
        pageSize=2,
        transform={"type": "script", "script": hook("transform")},
        filter={"type": "script", "script": hook("filter")},
    )
    result = flow_runtime(world, js).run_flow("F")
    step = result.step("orders")
    assert step.hooks["transform"].runs == 3 and step.hooks["filter"].runs == 3
    assert step.ignored == 2 and step.passed == 3
    assert [s.name for s in step.stages if s.page == 0] == ["parse", "transform", "outputFilter"]
    kept = step.stage("outputFilter", 1)
    assert kept is not None and kept.output == [{"id": 3, "big": True}, {"id": 4, "big": True}]


def test_a_transform_that_fails_a_record_fails_it_at_the_export(flow_runtime) -> None:
    js = """
    function transform(options) {
      if (options.record.id === 3) throw new Error('cannot transform 3');
      return options.record;
    }
    """
    world = _world(transform={"type": "script", "script": hook("transform")})
    result = flow_runtime(world, js).run_flow("F")
    (error,) = result.step("orders").errors
    assert error["stage"] == "transform" and error["retryData"] == {"id": 3}
    assert "cannot transform 3" in error["message"]
    assert result.step("orders").passed == 4


def test_a_transformation_one_rule_set_is_the_transform_stage(flow_runtime) -> None:
    rules = [[{"extract": "id", "generate": "orderId"}]]
    world = _world(transform={"type": "expression", "expression": {"version": "1", "rules": rules}})
    result = flow_runtime(world).run_flow("F")
    stage = result.step("orders").stage("transform", 0)
    assert stage is not None and stage.output[0] == {"orderId": 1}


def test_an_engine_refused_definition_names_the_step(flow_runtime) -> None:
    bad = {"type": "expression", "expression": {"version": "1", "rules": ["nosuchop", 1]}}
    with pytest.raises(
        InputError, match=r"step 0 \(export 'Orders'\) of flow F: filter: unknown filter operator"
    ) as caught:
        flow_runtime(_world(filter=bad)).run_flow("F")
    assert str(caught.value.details["path"]).startswith("filter")


@pytest.mark.parametrize(
    ("arguments", "refused"),
    [
        ({"pages": "2"}, "pages must be a positive number of pages"),
        ({"trace": "yes"}, "trace must be True or False"),
        ({"on_progress": 3}, "on_progress must be a function of one FlowProgress"),
        ({"data": "orders.json"}, "data must be a list of records, got the string"),
    ],
)
def test_run_flow_refuses_arguments_of_the_wrong_type(flow_runtime, arguments, refused) -> None:
    with pytest.raises(UsageError, match=refused):
        flow_runtime(_world()).run_flow("F", **arguments)


def test_a_generator_without_records_says_so(flow_runtime) -> None:
    world = {"exports": [{"_id": "orders", "name": "Orders"}], "flows": [simple_flow()]}
    result = flow_runtime(world).run_flow("F")
    assert result.pages == 0 and result.ok
    assert result.notes == [
        "step 0 (export 'Orders') has no mockOutput and no data was given for it: it made "
        "no pages (give its records as data, or a mockOutput in the world)"
    ]
