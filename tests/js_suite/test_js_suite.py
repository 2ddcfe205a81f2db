"""Every integrator-api function, called from JavaScript through jsrt, as a success and as
a failure, with what the script observed and what the world kept.

The cases are data (`js_suite.CASES`); the runtime comes from the `js_suite_runtime`
fixture (conftest.py), so the same hooks run against every backend it offers.
"""

from __future__ import annotations

from typing import Any

import pytest
from js_suite import (
    CASES,
    CURSOR,
    IMPORTED_LINES,
    SEEDED,
    SKU_MAP_AFTER,
    JsCase,
    observations,
)

from jsrt.api.catalog import CATALOG
from jsrt.runner import HookResult, Runtime


@pytest.fixture(scope="module")
def suite_results(js_suite_runtime: Runtime) -> dict[str, HookResult]:
    """Every case run once, in order, on one world: the results by case id."""
    return {
        case.id: js_suite_runtime.run_hook(case.path, case.function, case.options, case.hook)
        for case in CASES
    }


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_script_observes_what_integrator_io_answers(
    case: JsCase, suite_results: dict[str, HookResult]
) -> None:
    result = suite_results[case.id]
    assert result.ok, result.error
    seen = observations(result.value, case.hook)
    assert seen == case.expected


def _called(results: dict[str, HookResult], succeeded: bool) -> set[tuple[str, str]]:
    return {
        (call["object"], call["method"])
        for result in results.values()
        for call in result.calls
        if call["ok"] is succeeded
    }


def test_suite_calls_every_catalog_function_with_success_and_failure(
    suite_results: dict[str, HookResult],
) -> None:
    catalog = {(method.obj, method.name) for method in CATALOG}
    assert _called(suite_results, succeeded=True) == catalog
    assert _called(suite_results, succeeded=False) == catalog


def test_crud_leaves_only_the_seeded_documents(
    suite_results: dict[str, HookResult], js_suite_runtime: Runtime
) -> None:
    world = js_suite_runtime.world
    for seeded in SEEDED:
        ids = [document["_id"] for document in world.docs(seeded.obj)]
        kept = [i for i in (seeded.seeded_id, *seeded.ids) if i != seeded.disposable_id]
        assert ids == list(dict.fromkeys(kept)), seeded.obj
    assert world.get("integrations", "retiredShop") is None
    assert world.get("exports", "getOrders")["name"] == "Get orders"


def test_state_put_by_the_hook_is_in_the_world(
    suite_results: dict[str, HookResult], js_suite_runtime: Runtime
) -> None:
    assert js_suite_runtime.world.state_of("flows", "orderSync") == {"cursor": CURSOR}
    assert js_suite_runtime.world.state_of("exports", "getOrders") == {}


def test_import_runs_record_what_was_imported(
    suite_results: dict[str, HookResult], js_suite_runtime: Runtime
) -> None:
    world = js_suite_runtime.world
    assert world.import_runs("putOrders") == [
        {
            "importId": "putOrders",
            "virtual": False,
            "data": [{"id": 1}, {"id": 2}],
            "settings": {"batch": "B1"},
        }
    ]
    assert world.imported("putLines") == IMPORTED_LINES  # the refused run imported nothing
    assert world.imported(None) == [{"id": 7}]


def test_export_runs_record_the_data_and_settings_passed(
    suite_results: dict[str, HookResult], js_suite_runtime: Runtime
) -> None:
    runs = js_suite_runtime.world.export_runs("getOrders")
    saved: list[dict[str, Any]] = [run for run in runs if not run["virtual"]]
    assert saved == [
        {
            "exportId": "getOrders",
            "virtual": False,
            "options": {
                "startDate": "2025-01-01T00:00:00.000Z",
                "data": [{"since": "2025-01-01"}],
                "settings": {"region": "EU"},
            },
        }
    ]
    pages_asked = [run["options"].get("pagedExportState") for run in runs if run["virtual"]]
    assert pages_asked == [None, None, {"jsrtPage": 1}, {"jsrtPage": 2}]


def test_flow_run_records_a_queued_job(
    suite_results: dict[str, HookResult], js_suite_runtime: Runtime
) -> None:
    jobs = js_suite_runtime.world.jobs("orderSync")
    assert [(job["status"], job["startDate"]) for job in jobs] == [
        ("queued", "2025-01-01T00:00:00.000Z")
    ]


def test_cache_data_changes_are_in_the_world(
    suite_results: dict[str, HookResult], js_suite_runtime: Runtime
) -> None:
    world = js_suite_runtime.world
    assert world.cache_entries("skuMap") == SKU_MAP_AFTER
    assert world.cache_entries("legacyRates") == {}
    assert world.cache_entries("countryCodes") == {"DE": "Germany"}
