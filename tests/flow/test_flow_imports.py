"""Imports in a flow: fan-out, input filter, preMap, mapping, postMap, submit answered by
the world, postSubmit, response mapping, postResponseMap; what goes on to the next step
(celigo/ai configuring-imports/SKILL.md "Import Execution Pipeline")."""

from __future__ import annotations

import pytest
from flow_worlds import hook, page_of, simple_flow

from jsrt.errors import UsageError

ORDERS = [{"id": n, "qty": n} for n in range(1, 5)]


def _world(*imports: dict, processors: list[dict] | None = None, page_size: int = 20) -> dict:
    steps = processors or [{"type": "import", "_importId": i["_id"]} for i in imports]
    return {
        "exports": [{"_id": "orders", "pageSize": page_size, "mockOutput": page_of(*ORDERS)}],
        "imports": list(imports),
        "flows": [simple_flow(*steps)],
    }


def _ids(records: list) -> list:
    return [record["id"] for record in records]


PRE_MAP = """
function preMap(options) {
  return options.data.map(r => {
    if (r.id === 1) return {};                                   // skipped
    if (r.id === 2) return { errors: [{ code: 'NO', message: 'not this one' }] };
    if (r.id === 3) return { data: r, errors: [{ code: 'WARN', message: 'odd' }] };
    return { data: Object.assign({}, r, { premapped: true }) };
  });
}
"""


def test_pre_map_skips_fails_and_passes_records(flow_runtime) -> None:
    first = {"_id": "first", "hooks": {"preMap": hook("preMap")}}
    second = {"_id": "second"}
    result = flow_runtime(_world(first, second), PRE_MAP).run_flow("F")
    step = result.step("first")
    assert _ids(result.imported("first")) == [3, 4]
    assert result.imported("first")[1] == {"id": 4, "qty": 4, "premapped": True}
    assert (step.received, step.ignored, step.failed) == (4, 1, 2)
    assert [(e["code"], e["stage"], e["retryData"]) for e in step.errors] == [
        ("NO", "preMap", {"id": 2, "qty": 2}),
        ("WARN", "preMap", {"id": 3, "qty": 3}),
    ]
    # the skipped record goes on; the failed ones stop here (no proceedOnFailure)
    assert _ids(result.imported("second")) == [1, 4]
    assert not result.ok


def test_proceed_on_failure_lets_failed_records_go_on(flow_runtime) -> None:
    # celigo/ai building-flows/references/schemas/page-processor.yml: proceedOnFailure
    first = {"_id": "first", "hooks": {"preMap": hook("preMap")}}
    second = {"_id": "second"}
    processors = [
        {"type": "import", "_importId": "first", "proceedOnFailure": True},
        {"type": "import", "_importId": "second"},
    ]
    result = flow_runtime(_world(first, second, processors=processors), PRE_MAP).run_flow("F")
    assert _ids(result.imported("second")) == [1, 2, 3, 4]


def test_a_pre_map_throw_fails_every_record_of_the_page(flow_runtime) -> None:
    js = "function preMap(options) { throw new Error('down'); }"
    first = {"_id": "first", "hooks": {"preMap": hook("preMap")}}
    result = flow_runtime(_world(first, {"_id": "second"}, page_size=2), js).run_flow("F")
    assert result.step("first").failed == 4
    assert result.imported("first") == []
    assert result.imported("second") == []
    assert len(result.failures) == 2  # one per page
    assert result.step("first").hooks["preMap"].runs == 2


def test_mapping_and_post_map_shape_what_is_submitted(flow_runtime) -> None:
    js = """
    function postMap(options) {
      return options.postMapData.map((m, i) => ({ data: Object.assign({}, m,
        { was: options.preMapData[i].id }) }));
    }
    """
    mappings = [
        {"generate": "ref", "dataType": "string", "extract": "$.id", "status": "Active"},
        {"generate": "amount", "dataType": "number", "extract": "$.qty", "status": "Active"},
    ]
    imp = {"_id": "erp", "mappings": mappings, "hooks": {"postMap": hook("postMap")}}
    result = flow_runtime(_world(imp), js).run_flow("F")
    assert result.imported("erp")[0] == {"ref": "1", "amount": 1, "was": 1}
    names = [stage.name for stage in result.step("erp").stages]
    assert names == ["mapping", "postMap", "submit"]


def test_a_record_the_mapping_fails_stops_at_the_mapping(flow_runtime) -> None:
    # a static lookup without a match and without allowFailures fails that record only
    mappings = [
        {
            "generate": "size",
            "dataType": "string",
            "extract": "$.qty",
            "lookupName": "sizes",
            "status": "Active",
        }
    ]
    lookups = [{"name": "sizes", "map": {"1": "S", "2": "M", "3": "L"}}]
    imp = {"_id": "erp", "mappings": mappings, "lookups": lookups}
    result = flow_runtime(_world(imp)).run_flow("F")
    assert result.imported("erp") == [{"size": "S"}, {"size": "M"}, {"size": "L"}]
    (error,) = result.step("erp").errors
    assert error["stage"] == "mapping"
    assert error["retryData"] == {"id": 4, "qty": 4}


def test_a_list_mock_response_answers_records_in_order_over_pages(flow_runtime) -> None:
    responses = [{"id": f"erp-{n}"} for n in range(1, 5)]
    imp = {"_id": "erp", "mockResponse": responses}
    result = flow_runtime(_world(imp, page_size=3)).run_flow("F")
    submits = [stage.output for stage in result.step("erp").stages if stage.name == "submit"]
    assert [[r["id"] for r in page] for page in submits] == [["erp-1", "erp-2", "erp-3"], ["erp-4"]]


def test_a_list_mock_response_too_short_is_refused(flow_runtime) -> None:
    imp = {"_id": "erp", "mockResponse": [{"id": "1"}]}
    with pytest.raises(UsageError, match="mockResponse of 1 responses but it received at least"):
        flow_runtime(_world(imp)).run_flow("F")


def test_a_failed_response_fails_its_record_with_its_errors(flow_runtime) -> None:
    error = {"code": "INVALID_KEY", "message": "no such item", "source": "netsuite"}
    responses = [{"id": "1"}, {"statusCode": 422, "errors": [error]}, {"id": "3"}, {"id": "4"}]
    imp = {"_id": "erp", "mockResponse": responses}
    result = flow_runtime(_world(imp, {"_id": "next"})).run_flow("F")
    (reported,) = result.step("erp").errors
    assert reported["code"] == "INVALID_KEY" and reported["source"] == "netsuite"
    assert reported["stage"] == "submit" and reported["retryData"] == {"id": 2, "qty": 2}
    assert _ids(result.imported("next")) == [1, 3, 4]


def test_post_submit_sees_the_responses_and_can_fail_records(flow_runtime) -> None:
    js = """
    function postSubmit(options) {
      return options.responseData.map((r, i) => options.preMapData[i].id === 4
        ? Object.assign({}, r, { errors: [{ code: 'LATE', message: 'too late' }] }) : r);
    }
    """
    imp = {"_id": "erp", "hooks": {"postSubmit": hook("postSubmit")}}
    result = flow_runtime(_world(imp), js).run_flow("F")
    (error,) = result.step("erp").errors
    assert (error["code"], error["retryData"]["id"]) == ("LATE", 4)
    assert [s.name for s in result.step("erp").stages] == ["submit", "postSubmit"]


def test_an_offline_connection_answers_401(flow_runtime) -> None:
    world = _world({"_id": "erp", "_connectionId": "c1"})
    world["connections"] = [{"_id": "c1", "name": "ERP", "offline": True}]
    result = flow_runtime(world).run_flow("F")
    assert result.step("erp").failed == 4
    assert {e["code"] for e in result.step("erp").errors} == {"connection_offline"}


def test_an_input_filter_skips_this_import_only(flow_runtime) -> None:
    # flows-and-mappings.md: records dropped by the input filter skip this import but go on
    rules = ["greaterthan", ["number", ["extract", "qty"]], 2]
    imp = {
        "_id": "big",
        "filter": {"type": "expression", "expression": {"version": "1", "rules": rules}},
    }
    result = flow_runtime(_world(imp, {"_id": "all"})).run_flow("F")
    assert _ids(result.imported("big")) == [3, 4]
    assert result.step("big").ignored == 2
    assert _ids(result.imported("all")) == [1, 2, 3, 4]
    assert result.step("big").stages[0].name == "inputFilter"


def test_a_script_input_filter_runs_once_a_page(flow_runtime) -> None:
    js = "function filter(options) { return options.record.id % 2 === 0; }"
    imp = {"_id": "even", "filter": {"type": "script", "script": hook("filter")}}
    result = flow_runtime(_world(imp, page_size=2), js).run_flow("F")
    assert _ids(result.imported("even")) == [2, 4]
    assert result.step("even").hooks["filter"].runs == 2


def test_response_mapping_and_post_response_map_feed_the_next_step(flow_runtime) -> None:
    # celigo/ai configuring-imports/SKILL.md: response mapping lives on the flow's step
    js = """
    function postResponseMap(options) {
      return options.postResponseMapData.map((r, i) => Object.assign({}, r,
        { status: options.responseData[i].statusCode }));
    }
    """
    processors = [
        {
            "type": "import",
            "_importId": "erp",
            "responseMapping": {"fields": [{"extract": "id", "generate": "erpId"}], "lists": []},
            "hooks": {"postResponseMap": hook("postResponseMap")},
        },
        {"type": "import", "_importId": "next"},
    ]
    erp = {"_id": "erp", "mockResponse": [{"id": f"E{n}"} for n in range(1, 5)]}
    world = _world(erp, {"_id": "next"}, processors=processors)
    result = flow_runtime(world, js).run_flow("F")
    assert result.imported("next")[0] == {"id": 1, "qty": 1, "erpId": "E1", "status": 200}
    names = [stage.name for stage in result.step("erp").stages]
    assert names == ["submit", "responseMap", "postResponseMap"]


def test_one_to_many_imports_each_child_with_its_parent(flow_runtime) -> None:
    # flows-and-mappings.md: pathToMany children become records with the parent under _PARENT
    orders = [
        {"id": "A", "lines": [{"sku": "a1"}, {"sku": "a2"}]},
        {"id": "B", "lines": [{"sku": "b1"}]},
    ]
    mappings = [
        {"generate": "sku", "dataType": "string", "extract": "$.sku", "status": "Active"},
        {"generate": "order", "dataType": "string", "extract": "$._PARENT.id", "status": "Active"},
    ]
    lines = {"_id": "lines", "oneToMany": True, "pathToMany": "lines", "mappings": mappings}
    processors = [
        {
            "type": "import",
            "_importId": "lines",
            "responseMapping": {"fields": [{"extract": "id", "generate": "lineId"}], "lists": []},
        },
        {"type": "import", "_importId": "next"},
    ]
    world = _world(lines, {"_id": "next"}, processors=processors)
    world["exports"][0]["mockOutput"] = page_of(*orders)
    world["imports"][0]["mockResponse"] = [{"id": n} for n in ("L1", "L2", "L3")]
    result = flow_runtime(world).run_flow("F")
    assert result.imported("lines") == [
        {"sku": "a1", "order": "A"},
        {"sku": "a2", "order": "A"},
        {"sku": "b1", "order": "B"},
    ]
    assert result.step("lines").received == 3
    # the parents go on, their children back in place with what the response mapped
    assert result.imported("next") == [
        {"id": "A", "lines": [{"sku": "a1", "lineId": "L1"}, {"sku": "a2", "lineId": "L2"}]},
        {"id": "B", "lines": [{"sku": "b1", "lineId": "L3"}]},
    ]


def test_a_mappings_handlebars_read_the_imports_settings(flow_runtime) -> None:
    # flows-and-mappings.md "Contexts": an import's Handlebars see settings beside the record
    mappings = [
        {
            "generate": "ref",
            "dataType": "string",
            "extract": "{{settings.import.prefix}}-{{record.id}}",
            "status": "Active",
        }
    ]
    imp = {"_id": "erp", "settings": {"prefix": "EU"}, "mappings": mappings}
    result = flow_runtime(_world(imp)).run_flow("F")
    assert result.imported("erp")[0] == {"ref": "EU-1"}


def test_a_response_transform_reshapes_responses_before_post_submit(flow_runtime) -> None:
    # overrides.yml: responseTransform "reshapes the destination system's response after
    # records are imported"; the UI's stage map puts it before postSubmit
    js = """
    function transform(options) {
      if (options.record.id === 'E3') throw new Error('unreadable answer');
      return Object.assign({}, options.record, { code: options.record._json.code });
    }
    function postSubmit(options) { return options.responseData; }
    """
    erp = {
        "_id": "erp",
        "mockResponse": [{"id": f"E{n}", "_json": {"code": n * 10}} for n in range(1, 5)],
        "responseTransform": {"type": "script", "script": hook("transform")},
        "hooks": {"postSubmit": hook("postSubmit")},
    }
    processors = [
        {
            "type": "import",
            "_importId": "erp",
            "responseMapping": {"fields": [{"extract": "code", "generate": "code"}], "lists": []},
        },
        {"type": "import", "_importId": "next"},
    ]
    result = flow_runtime(_world(erp, {"_id": "next"}, processors=processors), js).run_flow("F")
    step = result.step("erp")
    assert [s.name for s in step.stages] == [
        "submit",
        "responseTransform",
        "postSubmit",
        "responseMap",
    ]
    post_submit = step.stage("postSubmit", 0)
    assert post_submit is not None and [r["code"] for r in post_submit.input] == [10, 20, 40]
    (error,) = step.errors
    assert error["stage"] == "responseTransform" and error["retryData"] == {"id": 3, "qty": 3}
    assert [(r["id"], r["code"]) for r in result.imported("next")] == [(1, 10), (2, 20), (4, 40)]
