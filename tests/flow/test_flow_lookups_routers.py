"""Lookups (an export step with `isLookup`) and routers in a flow; postAggregate after the
last page."""

from __future__ import annotations

import pytest
from flow_worlds import hook, page_of

from jsrt.errors import InputError

ORDERS = [
    {"id": n, "country": c} for n, c in zip(range(1, 5), ["US", "DE", "US", "FR"], strict=True)
]


def _flow(**flow: object) -> dict:
    return {"_id": "F", "name": "F", "pageGenerators": [{"_exportId": "orders"}], **flow}


def _world(flow: dict, *, exports: list | None = None, imports: list | None = None) -> dict:
    return {
        "exports": [
            {"_id": "orders", "pageSize": 2, "mockOutput": page_of(*ORDERS)},
            *(exports or []),
        ],
        "imports": imports or [],
        "flows": [flow],
    }


def _ids(records: list) -> list:
    return [record["id"] for record in records]


# --- lookups ---------------------------------------------------------------------------------


def test_a_lookup_answers_each_record_from_its_mock(flow_runtime) -> None:
    lookup = {
        "_id": "rates",
        "isLookup": True,
        "mockOutput": page_of({"rate": 1.1}, {"rate": 1.2}),
        "inputFilter": {
            "type": "expression",
            "expression": {
                "version": "1",
                "rules": ["equals", ["string", ["extract", "country"]], "US"],
            },
        },
        "filter": {
            "type": "expression",
            "expression": {
                "version": "1",
                "rules": ["lessthan", ["number", ["extract", "rate"]], 1.15],
            },
        },
    }
    flow = _flow(
        pageProcessors=[
            {
                "type": "export",
                "_exportId": "rates",
                "responseMapping": {
                    "fields": [{"extract": "data", "generate": "rates"}],
                    "lists": [],
                },
            },
            {"type": "import", "_importId": "save"},
        ]
    )
    result = flow_runtime(_world(flow, exports=[lookup], imports=[{"_id": "save"}])).run_flow("F")
    step = result.step("rates")
    assert step.kind == "lookup"
    # the input filter: only US orders are looked up; the others skip this step only
    assert step.ignored == 2
    request = step.stage("request", 0)
    assert request is not None and request.input == [ORDERS[0]]
    # the lookup's own output filter runs on what it answered
    assert result.imported("save") == [
        {"id": 1, "country": "US", "rates": [{"rate": 1.1}]},
        {"id": 2, "country": "DE"},
        {"id": 3, "country": "US", "rates": [{"rate": 1.1}]},
        {"id": 4, "country": "FR"},
    ]


def test_post_response_map_runs_per_child_when_its_script_says_so(flow_runtime) -> None:
    # celigo/ai writing-scripts/references/schemas/request.yml:
    # postResponseHookToProcessOnChildRecord runs postResponseMap per child record
    js = """
    function postResponseMap(options) {
      return options.postResponseMapData.map(r => Object.assign({}, r,
        { seen: r._PARENT ? 'child' : 'parent' }));
    }
    """
    orders = [{"id": "A", "lines": [{"sku": "a1"}, {"sku": "a2"}]}]
    lookup = {"_id": "stock", "isLookup": True, "oneToMany": True, "pathToMany": "lines"}
    step = {
        "type": "export",
        "_exportId": "stock",
        "hooks": {"postResponseMap": hook("postResponseMap")},
    }
    flow = _flow(pageProcessors=[step, {"type": "import", "_importId": "save"}])
    world = _world(flow, exports=[lookup], imports=[{"_id": "save"}])
    world["exports"][0]["mockOutput"] = page_of(*orders)
    per_parent = flow_runtime(world, js).run_flow("F")
    assert per_parent.imported("save") == [
        {"id": "A", "lines": [{"sku": "a1"}, {"sku": "a2"}], "seen": "parent"}
    ]
    world["scripts"] = [
        {
            "_id": "hooks",
            "name": "Hooks",
            "contentFile": "hooks.js",
            "postResponseHookToProcessOnChildRecord": True,
        }
    ]
    per_child = flow_runtime(world, js).run_flow("F")
    assert per_child.imported("save") == [
        {"id": "A", "lines": [{"sku": "a1", "seen": "child"}, {"sku": "a2", "seen": "child"}]}
    ]


# --- routers ---------------------------------------------------------------------------------


def _routed(router: dict, branches: int = 2) -> dict:
    router["branches"] = [
        {"name": f"b{n}", "pageProcessors": [{"type": "import", "_importId": f"to-{n}"}]}
        for n in range(branches)
    ]
    return _flow(routers=[router])


def _imports(count: int = 2) -> list[dict]:
    return [{"_id": f"to-{n}"} for n in range(count)]


BRANCH_JS = """
function branching(options) {
  const c = options.record.country;
  return c === 'US' ? [0, 1] : c === 'DE' ? 1 : [];
}
"""


def test_a_branching_script_sends_each_record_to_its_first_branch(flow_runtime) -> None:
    router = {"id": "r", "routeRecordsUsing": "script", "script": hook("branching")}
    result = flow_runtime(_world(_routed(router), imports=_imports()), BRANCH_JS).run_flow("F")
    assert _ids(result.imported("to-0")) == [1, 3]
    assert _ids(result.imported("to-1")) == [2]
    step = result.step("r")
    assert step.branches == [2, 1]
    assert step.ignored == 1  # FR matched no branch: discarded
    assert step.hooks["branching"].runs == 2  # once per page


def test_all_matching_branches_copies_the_record_to_each(flow_runtime) -> None:
    router = {
        "id": "r",
        "routeRecordsUsing": "script",
        "routeRecordsTo": "all_matching_branches",
        "script": hook("branching"),
    }
    result = flow_runtime(_world(_routed(router), imports=_imports()), BRANCH_JS).run_flow(
        "F", trace=True
    )
    assert _ids(result.imported("to-0")) == [1, 3]
    assert _ids(result.imported("to-1")) == [1, 2, 3]
    assert result.trace is not None
    copies = [j for j in result.trace if "copy" in j.origin]
    assert len(copies) == 2
    assert copies[0].steps[-1].place == "routers[0].branches[1].pageProcessors[0]"


def test_a_bad_branch_index_fails_the_record(flow_runtime) -> None:
    js = "function branching(options) { return 5; }"
    router = {"id": "r", "routeRecordsUsing": "script", "script": hook("branching")}
    result = flow_runtime(_world(_routed(router), imports=_imports()), js).run_flow("F")
    step = result.step("r")
    assert step.failed == 4
    assert step.errors[0]["code"] == "invalid_branch"
    assert "returned 5" in step.errors[0]["message"]


def test_input_filters_route_records_to_the_first_matching_branch(flow_runtime) -> None:
    us = {"version": "1", "rules": ["equals", ["string", ["extract", "country"]], "US"]}
    router = {"id": "r", "routeRecordsUsing": "input_filters"}
    flow = _routed(router, branches=3)
    flow["routers"][0]["branches"][0]["inputFilter"] = us
    flow["routers"][0]["branches"][1]["inputFilter"] = {
        "version": "1",
        "rules": ["notequals", ["string", ["extract", "country"]], "FR"],
    }
    # the third branch has no rules: every record matches it
    result = flow_runtime(_world(flow, imports=_imports(3))).run_flow("F")
    assert _ids(result.imported("to-0")) == [1, 3]
    assert _ids(result.imported("to-1")) == [2]
    assert _ids(result.imported("to-2")) == [4]
    flow["routers"][0]["routeRecordsTo"] = "all_matching_branches"
    every = flow_runtime(_world(flow, imports=_imports(3))).run_flow("F")
    assert _ids(every.imported("to-1")) == [1, 2, 3]
    assert _ids(every.imported("to-2")) == [1, 2, 3, 4]


def test_branches_chain_to_the_next_router_and_an_empty_branch_discards(flow_runtime) -> None:
    us = {"version": "1", "rules": ["equals", ["string", ["extract", "country"]], "US"]}
    flow = _flow(
        routers=[
            {
                "id": "first",
                "branches": [
                    {
                        "name": "US",
                        "inputFilter": us,
                        "pageProcessors": [],
                        "nextRouterId": "second",
                    },
                    {"name": "rest", "pageProcessors": []},  # empty: discards
                ],
            },
            {
                "id": "second",
                "branches": [
                    {"name": "all", "pageProcessors": [{"type": "import", "_importId": "to-0"}]}
                ],
            },
        ]
    )
    result = flow_runtime(_world(flow, imports=_imports(1))).run_flow("F")
    assert _ids(result.imported("to-0")) == [1, 3]
    assert result.step("first").branches == [2, 2]
    assert result.step("second").received == 2


def test_a_router_cycle_is_refused(flow_runtime) -> None:
    flow = _flow(routers=[{"id": "loop", "branches": [{"name": "b", "nextRouterId": "loop"}]}])
    with pytest.raises(InputError, match="comes back to itself"):
        flow_runtime(_world(flow)).run_flow("F")


def test_an_unknown_next_router_is_refused(flow_runtime) -> None:
    flow = _flow(routers=[{"id": "r", "branches": [{"name": "b", "nextRouterId": "nope"}]}])
    with pytest.raises(InputError, match="nextRouterId 'nope' names no router"):
        flow_runtime(_world(flow)).run_flow("F")


# --- postAggregate ---------------------------------------------------------------------------

AGGREGATE_JS = """
function postAggregate(options) {
  if (options.postAggregateData.success !== true) throw new Error('no file');
}
"""


def test_post_aggregate_runs_once_per_file_import_after_the_last_page(flow_runtime) -> None:
    file_import = {
        "_id": "to-0",
        "adaptorType": "S3Import",
        "hooks": {"postAggregate": hook("postAggregate")},
    }
    record_import = {"_id": "to-1", "hooks": {"postAggregate": hook("postAggregate")}}
    flow = _flow(
        pageProcessors=[
            {"type": "import", "_importId": "to-0"},
            {"type": "import", "_importId": "to-1"},
        ]
    )
    runtime = flow_runtime(_world(flow, imports=[file_import, record_import]), AGGREGATE_JS)
    result = runtime.run_flow("F")
    assert result.ok, result.failures
    assert result.step("to-0").hooks["postAggregate"].runs == 1
    assert "postAggregate" not in result.step("to-1").hooks  # not a file import
    assert result.step("to-0").stages[-1].name == "postAggregate"
    assert result.step("to-0").stages[-1].page == 1  # after the second, last page


def test_a_post_aggregate_throw_fails_the_run(flow_runtime) -> None:
    js = "function postAggregate(options) { throw new Error('upload failed'); }"
    file_import = {
        "_id": "to-0",
        "file": {"type": "csv"},
        "hooks": {"postAggregate": hook("postAggregate")},
    }
    flow = _flow(pageProcessors=[{"type": "import", "_importId": "to-0"}])
    result = flow_runtime(_world(flow, imports=[file_import]), js).run_flow("F")
    assert not result.ok
    assert result.failures[0]["stage"] == "postAggregate"
    assert "upload failed" in result.failures[0]["message"]


def test_response_mapping_merges_into_records_and_grouped_rows_alike(flow_runtime) -> None:
    # jsrt.transform.response_mapping: a grouped record's rows each get what is mapped
    lookup = {"_id": "tax", "isLookup": True, "mockOutput": page_of({"rate": 7})}
    mapping = {"fields": [{"extract": "data[0].rate", "generate": "tax.rate"}], "lists": []}
    flow = _flow(
        pageProcessors=[
            {"type": "export", "_exportId": "tax", "responseMapping": mapping},
            {"type": "import", "_importId": "save"},
        ]
    )
    world = _world(flow, exports=[lookup], imports=[{"_id": "save"}])
    world["exports"][0]["mockOutput"] = {
        "page_of_records": [
            {"record": {"id": 1, "tax": {"code": "A"}}},
            {"rows": [{"id": 2}, {"id": 3}]},
            {"record": {"id": 4}},
        ]
    }
    result = flow_runtime(world).run_flow("F")
    assert result.imported("save") == [
        {"id": 1, "tax": {"code": "A", "rate": 7}},
        [{"id": 2, "tax": {"rate": 7}}, {"id": 3, "tax": {"rate": 7}}],
        {"id": 4, "tax": {"rate": 7}},
    ]


def test_a_record_that_failed_and_proceeds_is_routed_like_the_others(flow_runtime) -> None:
    # page-processor.yml proceedOnFailure: failed records continue to subsequent steps
    failing = {"_id": "check", "mockResponse": {"statusCode": 422, "errors": [{"code": "X"}]}}
    flow = _flow(
        routers=[
            {
                "id": "first",
                "branches": [
                    {
                        "name": "all",
                        "pageProcessors": [
                            {"type": "import", "_importId": "check", "proceedOnFailure": True}
                        ],
                        "nextRouterId": "second",
                    }
                ],
            },
            {
                "id": "second",
                "branches": [
                    {
                        "name": "with an id",
                        "inputFilter": {"version": "1", "rules": ["notempty", ["extract", "id"]]},
                        "pageProcessors": [{"type": "import", "_importId": "to-0"}],
                    }
                ],
            },
        ]
    )
    result = flow_runtime(_world(flow, imports=[failing, *_imports(1)])).run_flow("F")
    assert result.step("check").failed == 4
    assert _ids(result.imported("to-0")) == [1, 2, 3, 4]
    assert result.step("second").failed == 0


def test_a_lookups_pre_save_page_sees_its_answers_and_a_throw_fails_the_records(
    flow_runtime,
) -> None:
    js = """
    function preSavePage(options) {
      if (options.data.some(r => r.boom)) throw new Error('lookup page broke');
      return { data: options.data.map(r => Object.assign({}, r, { checked: true })) };
    }
    """
    lookup = {
        "_id": "stock",
        "isLookup": True,
        "mockOutput": page_of({"sku": "a"}),
        "hooks": {"preSavePage": hook("preSavePage")},
    }
    mapping = {"fields": [{"extract": "data[0]", "generate": "stock"}], "lists": []}
    flow = _flow(
        pageProcessors=[
            {"type": "export", "_exportId": "stock", "responseMapping": mapping},
            {"type": "import", "_importId": "save"},
        ]
    )
    world = _world(flow, exports=[lookup], imports=[{"_id": "save"}])
    result = flow_runtime(world, js).run_flow("F")
    assert result.imported("save")[0] == {
        "id": 1,
        "country": "US",
        "stock": {"sku": "a", "checked": True},
    }
    assert result.step("stock").hooks["preSavePage"].runs == 2  # once a page, every answer
    world["exports"][1]["mockOutput"] = page_of({"sku": "a", "boom": True})
    broken = flow_runtime(world, js).run_flow("F")
    assert broken.imported("save") == []
    assert broken.step("stock").failed == 4
    assert {e["stage"] for e in broken.step("stock").errors} == {"preSavePage"}
