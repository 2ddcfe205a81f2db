"""Runs answered from mocks: exports, virtual exports with paging, imports, mapping, flows."""

from __future__ import annotations

import re

import pytest

from jsrt.api.errors import InvalidArgument, NotFound, Unprocessable
from jsrt.backends.local import World

ALL_RECORDS = [{"id": 1}, {"id": 2}, [{"id": 3}, {"id": 4}], {"id": 5}, {"id": 6}]


# ---- exports ----------------------------------------------------------------------------


def test_export_run_returns_the_first_page_of_mock_output(call):
    answer = call("exports.run", {"_id": "getOrders"})
    assert answer == {"data": ALL_RECORDS[:2], "dataURIs": [], "errors": []}


def test_rows_are_one_record_that_is_an_array():
    world = World(
        {
            "exports": [
                {
                    "_id": "e",
                    "mockOutput": {"page_of_records": [{"rows": [{"line": 1}, {"line": 2}]}]},
                }
            ]
        }
    )
    assert world.run_export("e", {})["data"] == [[{"line": 1}, {"line": 2}]]


def test_export_run_records_data_and_settings(call, world):
    call(
        "exports.run",
        {
            "_id": "getOrders",
            "data": [{"q": 1}],
            "settings": {"s": True},
            "startDate": "2024-01-01T00:00:00Z",
        },
    )
    assert world.export_runs("getOrders") == [
        {
            "exportId": "getOrders",
            "virtual": False,
            "options": {
                "data": [{"q": 1}],
                "settings": {"s": True},
                "startDate": "2024-01-01T00:00:00Z",
            },
        }
    ]


def test_export_without_mock_output_returns_no_data(call):
    assert call("exports.run", {"_id": "noMock"}) == {"data": [], "dataURIs": [], "errors": []}


def test_default_page_size_is_20():
    records = [{"record": {"n": n}} for n in range(25)]
    world = World({"exports": [{"_id": "e", "mockOutput": {"page_of_records": records}}]})
    assert len(world.run_export("e", {})["data"]) == 20


def test_export_run_of_an_unknown_id_is_404(call):
    with pytest.raises(NotFound, match="no export with _id 'nope'"):
        call("exports.run", {"_id": "nope"})


def test_run_virtual_uses_the_definitions_own_mock_output(call, world):
    definition = {
        "_connectionId": "conn",
        "http": {"relativeURI": "/x"},
        "mockOutput": {"page_of_records": [{"record": {"v": 1}}]},
    }
    assert call("exports.runVirtual", {"export": definition})["data"] == [{"v": 1}]
    assert world.export_runs(None)[0]["virtual"] is True


def test_run_virtual_of_a_stored_id_uses_its_mock_output(call, world):
    assert call("exports.runVirtual", {"export": {"_id": "getOrders"}})["data"] == ALL_RECORDS[:2]
    assert world.export_runs("getOrders")[0]["options"] == {}


def test_run_virtual_without_mock_returns_empty_data(call):
    answer = call("exports.runVirtual", {"export": {"http": {"relativeURI": "/sleep/100"}}})
    assert answer == {"data": [], "dataURIs": [], "errors": []}


def test_a_bad_mock_output_in_a_definition_is_422_with_its_path(call):
    bad = {"mockOutput": {"page_of_records": [{"record": {"a": 1}}, {"data": 2}]}}
    with pytest.raises(Unprocessable) as caught:
        call("exports.runVirtual", {"export": bad})
    assert "mockOutput.page_of_records[1]: expected {record: {...}} or {rows: [...]}" in str(
        caught.value
    )


def test_run_virtual_with_paging_walks_every_page(call):
    pages, state = [], None
    while True:
        options = {"export": {"_id": "getOrders"}}
        if state is not None:
            options["pagedExportState"] = state
        answer = call("exports.runVirtualWithPaging", options)
        pages.append(answer["data"])
        state = answer.get("pagedExportState")
        if state is None:
            break
    assert pages == [ALL_RECORDS[0:2], ALL_RECORDS[2:4], ALL_RECORDS[4:5]]


def test_the_definitions_page_size_wins(call):
    answer = call("exports.runVirtualWithPaging", {"export": {"_id": "getOrders", "pageSize": 4}})
    assert answer["data"] == ALL_RECORDS[:4] and "pagedExportState" in answer


def test_a_single_page_has_no_paged_state(call):
    definition = {"mockOutput": {"page_of_records": [{"record": {"x": 1}}]}}
    answer = call("exports.runVirtualWithPaging", {"export": definition})
    assert answer == {"data": [{"x": 1}], "dataURIs": [], "errors": []}


def test_a_paged_state_from_elsewhere_is_refused(call):
    with pytest.raises(InvalidArgument, match="pagedExportState is not one this function returned"):
        call(
            "exports.runVirtualWithPaging",
            {"export": {"_id": "getOrders"}, "pagedExportState": {"page": 2}},
        )


# ---- imports ----------------------------------------------------------------------------


def test_one_mock_response_answers_every_record(call, world):
    answer = call("imports.run", {"_id": "putOrders", "data": [{"a": 1}, {"a": 2}]})
    assert (
        answer
        == [
            {
                "statusCode": 200,
                "ignored": False,
                "errors": [],
                "id": "ns-1",
                "_json": {"id": "ns-1"},
            },
        ]
        * 2
    )
    assert world.imported("putOrders") == [{"a": 1}, {"a": 2}]


def test_a_list_of_mock_responses_answers_record_by_record(call):
    first, second = call("imports.run", {"_id": "perRecord", "data": [{"a": 1}, {"a": 2}]})
    assert first["statusCode"] == 200 and first["id"] == "a"
    assert second == {
        "statusCode": 422,
        "ignored": False,
        "errors": [{"code": "invalid", "message": "bad sku"}],
        "_json": {},
    }


def test_one_mock_response_answers_each_record_with_its_own_copy(call, world):
    # One mockResponse object answers every record; each answer is a copy of its own, so
    # a change to one (a hook's, a test's) reaches neither the others nor the world.
    first, second = call("imports.run", {"_id": "putOrders", "data": [{"a": 1}, {"a": 2}]})
    assert (
        first
        == second
        == {
            "statusCode": 200,
            "ignored": False,
            "errors": [],
            "id": "ns-1",
            "_json": {"id": "ns-1"},
        }
    )
    first["errors"].append({"code": "x"})
    first["_json"]["id"] = "changed"
    assert second["errors"] == [] and second["_json"] == {"id": "ns-1"}
    assert world.get("imports", "putOrders")["mockResponse"] == {"statusCode": 200, "id": "ns-1"}


def test_a_mock_response_list_of_the_wrong_length_is_422(call, world):
    with pytest.raises(Unprocessable, match="mockResponse of 2 responses but 3 records"):
        call("imports.run", {"_id": "perRecord", "data": [1, 2, 3]})
    assert world.imported("perRecord") == []


def test_without_mock_response_every_record_succeeds_with_a_new_id(call):
    answer = call("imports.run", {"_id": "plain", "data": [{"a": 1}, {"a": 2}]})
    assert [r["statusCode"] for r in answer] == [200, 200]
    ids = [r["id"] for r in answer]
    assert all(re.fullmatch(r"[0-9a-f]{24}", i) for i in ids) and ids[0] != ids[1]
    assert answer[0]["_json"] == {"id": ids[0]}


def test_import_runs_record_data_and_settings(call, world):
    call("imports.run", {"_id": "plain", "data": [{"a": 1}], "settings": {"mode": "x"}})
    call("imports.run", {"_id": "plain", "data": [{"a": 2}]})
    runs = world.import_runs("plain")
    assert [r["settings"] for r in runs] == [{"mode": "x"}, None]
    assert world.imported("plain") == [{"a": 1}, {"a": 2}]


def test_import_run_of_an_unknown_id_is_404(call):
    with pytest.raises(NotFound, match="no import with _id 'nope'"):
        call("imports.run", {"_id": "nope", "data": []})


def test_virtual_import_answers_from_its_own_mock_and_is_recorded(call, world):
    definition = {"_connectionId": "conn", "mockResponse": {"statusCode": 200, "id": "v"}}
    answer = call("imports.runVirtual", {"import": definition, "data": [{"x": 1}]})
    assert answer[0]["id"] == "v"
    assert world.imported(None) == [{"x": 1}]
    assert world.import_runs(None)[0]["virtual"] is True


# ---- flows ------------------------------------------------------------------------------


def test_flow_run_records_a_queued_job(call, world):
    answer = call("flows.run", {"_id": "orders", "startDate": "2024-02-01T00:00:00Z"})
    assert answer["status"] == "queued"
    (job,) = world.jobs("orders")
    assert job["_id"] == answer["_jobId"] and job["status"] == "queued"
    assert job["startDate"] == "2024-02-01T00:00:00Z"


def test_flow_run_of_an_unknown_id_is_404(call):
    with pytest.raises(NotFound, match="no flow with _id 'nope'"):
        call("flows.run", {"_id": "nope"})
