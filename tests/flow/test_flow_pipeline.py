"""Pages in flight: a linear flow's next page is made while the steps after it work on the
pages before (flows-and-mappings.md "How a flow runs a page": a generator "streams pages
on"), and the result is the one a run page after page gives, whatever the timing."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from flow_worlds import hook, page_of, simple_flow

from jsrt.errors import UsageError
from jsrt.flow.pipeline import PagePipeline

ORDERS = [{"id": n} for n in range(1, 11)]

HOOKS = """
function preSavePage(options) {
  if (options.pageIndex === 3) throw new Error('page three is down');
  return { data: options.data.map(r => Object.assign({}, r, { page: options.pageIndex })),
           errors: options.pageIndex === 1 ? [{ code: 'SLOW', message: 'page one' }] : [] };
}
function lookupPage(options) {
  return { data: options.data.concat(options.data), errors: [] };
}
function preMap(options) {
  return options.data.map(r => r.id % 3 === 0
    ? { errors: [{ code: 'THREE', message: 'no multiples of three' }] }
    : { data: Object.assign({}, r, { premapped: true }) });
}
function postMap(options) {
  if (options.postMapData.some(r => r.externalId === '1')) throw new Error('one');
  return options.postMapData.map(r => ({ data: r }));
}
"""


def _world(*, mock_responses: int = 10) -> dict[str, Any]:
    return {
        "exports": [
            {
                "_id": "orders",
                "pageSize": 2,
                "mockOutput": page_of(*ORDERS),
                "hooks": {"preSavePage": hook("preSavePage")},
            },
            {
                "_id": "customers",
                "isLookup": True,
                "mockOutput": page_of({"tier": "gold"}),
                "hooks": {"preSavePage": hook("lookupPage")},
            },
        ],
        "imports": [
            {
                "_id": "save",
                "mappings": [
                    {"generate": "externalId", "extract": "$.id", "dataType": "string"},
                    {"generate": "tier", "extract": "$.tier", "dataType": "string"},
                ],
                "hooks": {"preMap": hook("preMap"), "postMap": hook("postMap")},
                "mockResponse": [{"statusCode": 200, "id": f"r{n}"} for n in range(mock_responses)],
            }
        ],
        "flows": [
            simple_flow(
                {
                    "type": "export",
                    "_exportId": "customers",
                    "responseMapping": {
                        "fields": [{"extract": "data[0].tier", "generate": "tier"}],
                        "lists": [],
                    },
                },
                {"type": "import", "_importId": "save"},
            )
        ],
    }


def _without_times(value: Any) -> Any:
    """A result's JSON without its durations (and the traced run's journeys)."""
    if isinstance(value, dict):
        return {
            k: _without_times(v) for k, v in value.items() if k not in ("duration_ms", "records")
        }
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_pages_in_flight_give_the_result_of_pages_one_after_another(flow_runtime) -> None:
    # A traced run goes page after page (its journeys are numbered as records are made);
    # an untraced one has pages in flight: stages, errors, failures, notes and what was
    # imported come out the same, in page order.
    runtime = flow_runtime(_world(), HOOKS)
    one_by_one = runtime.run_flow("F", trace=True)
    in_flight = [runtime.run_flow("F") for _ in range(3)]
    assert one_by_one.pages == 5
    # the first page's postMap fails after the generator has made later pages: the
    # failures still come in page order
    assert [(f["page"], f["stage"]) for f in one_by_one.failures] == [
        (0, "postMap"),
        (3, "preSavePage"),
    ]
    assert one_by_one.notes and one_by_one.errors
    for result in in_flight:
        assert _without_times(result.to_json()) == _without_times(one_by_one.to_json())
    save = in_flight[0].step("save")
    assert [stage.page for stage in save.stages] == sorted(stage.page for stage in save.stages)
    # what the import received, page after page
    submitted = [r for page in save.submitted for r in page]
    assert [r["externalId"] for r in submitted] == ["4", "5", "10"]


def test_progress_is_told_page_by_page_in_order(flow_runtime) -> None:
    heard: list[tuple[int, int]] = []
    flow_runtime(_world(), HOOKS).run_flow(
        "F", on_progress=lambda p: heard.append((p.page, p.pages))
    )
    assert heard == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_a_failure_on_a_later_page_is_raised_after_the_pages_before_it(flow_runtime) -> None:
    # The list mockResponse runs out on the last page: the same error a run page after page
    # raises (jsrt.flow.sources.ImportAnswers), not another page's.
    runtime = flow_runtime(_world(mock_responses=2), HOOKS)
    with pytest.raises(UsageError) as one_by_one:
        runtime.run_flow("F", trace=True)
    with pytest.raises(UsageError) as in_flight:
        runtime.run_flow("F")
    assert "at least 3 records" in str(one_by_one.value)
    assert str(in_flight.value) == str(one_by_one.value)


# --- the pipeline itself -----------------------------------------------------------------------


def test_each_stage_takes_the_pages_in_the_order_they_were_fed() -> None:
    seen: dict[str, list[int]] = {"slow": [], "fast": []}

    def slow(page: int) -> None:
        time.sleep(0.002 * (page % 3))  # pages finish a stage at uneven paces
        seen["slow"].append(page)

    pipeline: PagePipeline[int] = PagePipeline(
        [slow, lambda page: seen["fast"].append(page)], name="test"
    )
    for page in range(12):
        pipeline.feed(page)
    pipeline.finish()
    assert seen == {"slow": list(range(12)), "fast": list(range(12))}


def test_the_earliest_pages_failure_is_raised_and_later_pages_stop() -> None:
    done: list[int] = []
    gate = threading.Event()

    def first(page: int) -> None:
        if page == 3:
            gate.wait(5)  # page 3 fails here only after page 1 failed at the next stage
            raise ValueError("page 3")

    def second(page: int) -> None:
        if page == 1:
            gate.set()
            raise ValueError("page 1")
        done.append(page)

    pipeline: PagePipeline[int] = PagePipeline([first, second], name="test")
    for page in range(6):
        pipeline.feed(page)
    with pytest.raises(ValueError, match="page 1"):
        pipeline.finish()
    assert done == [0]  # page 2 is after the failed page 1; 4 and 5 after both


def test_a_feeders_failure_lets_the_pages_before_it_through() -> None:
    done: list[int] = []
    pipeline: PagePipeline[int] = PagePipeline([done.append], name="test")
    pipeline.feed(0)
    pipeline.feed(1)
    pipeline.fail(KeyError("making page 2"))
    with pytest.raises(KeyError, match="making page 2"):
        pipeline.finish()
    assert done == [0, 1]


def test_stopped_pages_go_no_further() -> None:
    done: list[int] = []
    gate = threading.Event()

    def first(page: int) -> None:
        gate.wait(5)

    pipeline: PagePipeline[int] = PagePipeline([first, done.append], name="test")
    pipeline.feed(0)
    pipeline.feed(1)
    pipeline.stop()  # what an interrupted caller does
    gate.set()
    with pytest.raises(RuntimeError, match="stopped"):
        pipeline.finish()
    assert done == []


STATEFUL = """
import { state } from 'integrator-api';

function note(at, key, value) {
  let seen = [];
  try { seen = state.getForResource({ ...at, key }); } catch (error) { seen = []; }
  state.putForResource({ ...at, key, value: seen.concat([value]) });
}
function preSavePage(options) {
  note({ resourceType: 'exports', _id: 'orders' }, 'pages', options.pageIndex);
  note({ resourceType: 'flows', _id: 'F' }, 'runs', 'preSavePage');
  return { data: options.data, errors: [] };
}
function preMap(options) {
  note({ resourceType: 'imports', _id: 'save' }, 'first', options.data[0].id);
  note({ resourceType: 'flows', _id: 'F' }, 'runs', 'preMap');
  return options.data.map(r => ({ data: r }));
}
"""


def test_hooks_writing_the_world_with_pages_in_flight_lose_no_write(flow_runtime) -> None:
    # Hooks of one step run page after page; hooks of different steps may interleave,
    # and every run's change to the world is kept (the runner applies them in the order
    # the worker ran them).
    world = {
        "exports": [
            {
                "_id": "orders",
                "pageSize": 2,
                "mockOutput": page_of(*ORDERS),
                "hooks": {"preSavePage": hook("preSavePage")},
            }
        ],
        "imports": [{"_id": "save", "hooks": {"preMap": hook("preMap")}}],
        "flows": [simple_flow({"type": "import", "_importId": "save"})],
    }
    runtime = flow_runtime(world, STATEFUL)
    result = runtime.run_flow("F")
    assert result.ok and result.pages == 5
    assert runtime.world.state_of("exports", "orders")["pages"] == [0, 1, 2, 3, 4]
    assert runtime.world.state_of("imports", "save")["first"] == [1, 3, 5, 7, 9]
    runs = runtime.world.state_of("flows", "F")["runs"]
    assert sorted(runs) == ["preMap"] * 5 + ["preSavePage"] * 5
