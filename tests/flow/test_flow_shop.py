"""A flow of the shape of a real integration download, run over three pages, every stage
checked (issue 14's "Done when"): a page generator with a Transformation 2.0, an output
filter and preSavePage; a dozen lookups with response mapping, one with a postResponseMap
hook; a router with a branching script; two imports with mappings (Mapper 2.0 with
preMap and postMap, Mapper 1.0) and a file import with postAggregate.

The world is tests/flow/worlds/shop/world.yaml (its hooks in hooks.js beside it): twelve
orders, four a page, two of them cancelled; US orders go to one import, the others to
the international import and then the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jsrt.flow import FlowResult
from jsrt.runner import Runtime

SHOP = Path(__file__).parent / "worlds" / "shop" / "world.yaml"
ORDERS = [f"SO-{1001 + i}" for i in range(12)]
CANCELLED = {"SO-1006", "SO-1011"}
COUNTRIES = ["US", "DE", "US", "FR"] * 3
PAGES = [ORDERS[0:4], ORDERS[4:8], ORDERS[8:12]]


@pytest.fixture(scope="module")
def run() -> FlowResult:
    return Runtime(SHOP).run_flow("Orders to ERP", trace=True)


def _ids(records: list[dict]) -> list[str]:
    return [record["id"] for record in records]


def test_the_run_goes_through_without_errors(run: FlowResult) -> None:
    assert run.ok, run.errors
    assert run.pages == 3
    assert [step.kind for step in run.steps] == (
        ["export", "router"] + ["lookup"] * 12 + ["router", "import", "import", "import"]
    )


def test_page_generator_stages_in_export_pipeline_order(run: FlowResult) -> None:
    # celigo/ai configuring-exports/SKILL.md "Export Execution Pipeline": parse, transform,
    # output filter, preSavePage; the cloud test run's stage names.
    generator = run.step("get-orders")
    for page, ids in enumerate(PAGES):
        names = [stage.name for stage in generator.stages if stage.page == page]
        assert names == ["parse", "transformTwoDotZero", "outputFilter", "preSavePage"]
        parse = generator.stage("parse", page)
        assert parse is not None and _ids(parse.output) == ids
        transform = generator.stage("transformTwoDotZero", page)
        assert transform is not None
        assert all(record["channel"] == "web" for record in transform.output)  # mode modify
        assert all(record["qty"] for record in transform.output)  # the rest kept
        kept = [i for i in ids if i not in CANCELLED]
        output_filter = generator.stage("outputFilter", page)
        assert output_filter is not None and _ids(output_filter.output) == kept
        pre_save = generator.stage("preSavePage", page)
        assert pre_save is not None
        assert [r["page"] for r in pre_save.output] == [page] * len(kept)
    assert (generator.received, generator.passed, generator.ignored) == (12, 10, 2)
    assert generator.hooks["preSavePage"].runs == 3  # once per page, never per record


def test_every_lookup_answers_each_record_and_maps_its_response(run: FlowResult) -> None:
    for n in range(1, 13):
        lookup = run.step(f"lookup-{n:02d}")
        assert (lookup.received, lookup.passed, lookup.failed) == (10, 10, 0)
        for page in range(3):
            request = lookup.stage("request", page)
            assert request is not None
            assert request.output == [[{"value": f"L{n}", "rank": n}]] * len(request.input)
            mapped = lookup.stage("responseMap", page)
            assert mapped is not None
            assert [r[f"lookup{n}"] for r in mapped.output] == [f"L{n}"] * len(mapped.input)
    # each record leaves the lookups with every lookup's field
    last = run.step("lookup-12").stage("responseMap", 2)
    assert last is not None
    assert {f"lookup{n}" for n in range(1, 13)} <= set(last.output[0])


def test_post_response_map_runs_once_a_page_on_its_lookup_only(run: FlowResult) -> None:
    third = run.step("lookup-03")
    assert third.hooks["postResponseMap"].runs == 3
    assert third.hooks["postResponseMap"].records == 10
    stage = third.stage("postResponseMap", 0)
    assert stage is not None
    assert [r["customerFound"] for r in stage.output] == [True] * len(stage.input)
    assert stage.input[0]["lookup3"] == "L3"  # it sees the record after response mapping
    assert all("postResponseMap" not in run.step(f"lookup-{n:02d}").hooks for n in (1, 2, 4, 12))


def test_the_branching_script_splits_the_orders_by_country(run: FlowResult) -> None:
    router = run.step("by-country")
    assert router.branches == [5, 5]
    assert router.hooks["branching"].runs == 3
    enrich = run.step("enrich")
    assert enrich.branches == [10]  # a branch without rules takes every record


def test_each_import_receives_its_branch_mapped(run: FlowResult) -> None:
    open_orders = [(i, c) for i, c in zip(ORDERS, COUNTRIES, strict=True) if i not in CANCELLED]
    us = [i for i, c in open_orders if c == "US"]
    others = [(i, c) for i, c in open_orders if c != "US"]
    assert run.imported("us-orders") == [
        {
            "externalId": order,
            "amount": 10 * (ORDERS.index(order) + 1),  # preMap's total
            "customer": "L1",
            "channel": "web",
            "source": order,  # postMap's
        }
        for order in us
    ]
    assert run.imported("intl-orders") == [
        {"order": {"ref": order, "country": country, "tag": "L12"}} for order, country in others
    ]
    assert run.imported("orders-file") == [{"id": order, "country": c} for order, c in others]


def test_import_stages_in_import_pipeline_order(run: FlowResult) -> None:
    # celigo/ai configuring-imports/SKILL.md "Import Execution Pipeline"
    us = run.step("us-orders")
    assert [stage.name for stage in us.stages if stage.page == 0] == [
        "preMap",
        "mapping",
        "postMap",
        "submit",
    ]
    assert us.hooks["preMap"].runs == us.hooks["postMap"].runs == 3
    submit = us.stage("submit", 0)
    assert submit is not None
    assert [response["statusCode"] for response in submit.output] == [200] * len(submit.input)


def test_post_aggregate_runs_once_after_the_last_page(run: FlowResult) -> None:
    file_import = run.step("orders-file")
    assert file_import.hooks["postAggregate"].runs == 1
    assert [stage.page for stage in file_import.stages if stage.name == "postAggregate"] == [2]
    assert "postAggregate" not in run.step("intl-orders").hooks


def test_the_trace_follows_a_record_through_every_step(run: FlowResult) -> None:
    assert run.trace is not None
    journey = next(j for j in run.trace if j.steps and j.steps[0].record.get("id") == "SO-1002")
    places = [(step.place, step.stage) for step in journey.steps]
    assert places[:4] == [
        ("pageGenerators[0]", "parse"),
        ("pageGenerators[0]", "transformTwoDotZero"),
        ("pageGenerators[0]", "outputFilter"),
        ("pageGenerators[0]", "preSavePage"),
    ]
    assert ("routers[1]", "router") in places
    file_import = "routers[1].branches[1].pageProcessors[1]"
    assert places[-2:] == [(file_import, "mapping"), (file_import, "submit")]
    assert journey.steps[-2].record == {"id": "SO-1002", "country": "DE"}  # what it sent
    cancelled = next(j for j in run.trace if j.steps[0].record.get("id") == "SO-1006")
    assert [step.stage for step in cancelled.steps] == ["parse", "transformTwoDotZero"]
    assert run.to_json()["records"][0]["journey"][0]["stage"] == "parse"
