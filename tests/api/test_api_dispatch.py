"""The bridge contract: request JSON in, response JSON out, never an exception."""

from __future__ import annotations

import json

import pytest

from jsrt.api.catalog import CATALOG
from jsrt.api.dispatch import Dispatcher
from jsrt.api.policy import PolicyContext
from jsrt.backends.local import LocalBackend, World

WORLD = {
    "integrations": [{"_id": "shop"}],
    "flows": [{"_id": "orders", "_integrationId": "shop"}],
    "exports": [{"_id": "getOrders", "mockOutput": {"page_of_records": [{"record": {"id": 1}}]}}],
    "state": {"exports/getOrders": {"cursor": {"page": 3}}},
}


@pytest.fixture
def world() -> World:
    return World(WORLD)


def dispatcher(world: World, kind: str = "hook") -> Dispatcher:
    ctx = PolicyContext.resolve(
        script_kind=kind,
        hook="preSavePage" if kind == "hook" else None,
        options={"_flowId": "orders"},
        world=world,
    )
    return Dispatcher(LocalBackend(world), ctx)


def send(d: Dispatcher, obj: str, method: str, *args) -> dict:
    return json.loads(d.handle(json.dumps({"object": obj, "method": method, "args": list(args)})))


def test_a_value_comes_back_as_ok_value(world):
    d = dispatcher(world)
    answer = send(
        d,
        "state",
        "getForResource",
        {"resourceType": "exports", "_id": "getOrders", "key": "cursor"},
    )
    assert answer == {"ok": True, "value": {"page": 3}}


def test_undefined_comes_back_without_value(world):
    d = dispatcher(world)
    raw = d.handle(
        json.dumps(
            {
                "object": "state",
                "method": "putForResource",
                "args": [
                    {"resourceType": "exports", "_id": "getOrders", "key": "k", "value": [1, 2]}
                ],
            }
        )
    )
    assert json.loads(raw) == {"ok": True}
    assert world.state_of("exports", "getOrders")["k"] == [1, 2]


def test_an_api_error_comes_back_as_the_error_dict(world):
    answer = send(
        dispatcher(world),
        "state",
        "getForResource",
        {"resourceType": "exports", "_id": "getOrders", "key": "missing"},
    )
    assert answer["ok"] is False
    error = answer["error"]
    assert error["name"] == "IntegratorApiError"
    assert error["statusCode"] == 404 and error["code"] == "not_found"
    assert "state key 'missing' not found for exports/getOrders" in error["message"]
    assert error["errors"] == [{"code": "not_found", "message": error["message"]}]


def test_argument_errors_and_policy_refusals_are_error_dicts(world):
    d = dispatcher(world)
    bad = send(d, "exports", "run", {"id": "x"})["error"]
    assert bad["statusCode"] == 400 and bad["code"] == "invalid_argument"
    assert bad["message"].startswith("exports.run(options): unknown option id")
    refused = send(d, "exports", "get", "getOrders")["error"]
    assert refused["statusCode"] == 403 and refused["code"] == "policy_violation"


def test_unknown_functions_and_objects(world):
    d = dispatcher(world)
    error = send(d, "integrations", "find")["error"]
    assert error["code"] == "not_a_function" and error["statusCode"] == 400
    assert error["message"] == (
        "integrations.find is not a function; integrator-api's integrations has get, update, delete"
    )
    error = send(d, "request", "get")["error"]
    assert error["message"].startswith("integrator-api has no object 'request'; its objects are")


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "[1, 2]",
        '{"object": 1, "method": "get"}',
        '{"object": "exports", "method": "get", "args": "x"}',
    ],
)
def test_malformed_requests_are_answered_not_raised(world, raw):
    answer = json.loads(dispatcher(world).handle(raw))
    assert answer["ok"] is False
    assert answer["error"]["statusCode"] == 400
    assert "malformed bridge request" in answer["error"]["message"]


class BrokenBackend:
    def call(self, obj, method, args):
        raise KeyError("boom")


class UnserialisableBackend:
    def call(self, obj, method, args):
        return {1j}


@pytest.mark.parametrize(
    ("backend", "message"),
    [
        (BrokenBackend(), "KeyError: 'boom'"),
        (UnserialisableBackend(), "TypeError"),
    ],
)
def test_a_backend_bug_becomes_a_500(backend, message):
    d = Dispatcher(backend, PolicyContext("script"))
    answer = json.loads(d.handle('{"object": "flows", "method": "run", "args": [{"_id": "f"}]}'))
    assert answer["error"]["statusCode"] == 500
    assert answer["error"]["code"] == "server_error"
    assert message in answer["error"]["message"]


def test_every_call_is_recorded(world):
    d = dispatcher(world, kind="script")
    send(d, "exports", "get", {"_id": "getOrders"})
    send(d, "exports", "get", "nope")
    send(d, "flows", "delete", "nope")
    assert [c["ok"] for c in d.calls] == [True, True, False]
    first, second, third = d.calls
    assert first["object"] == "exports" and first["method"] == "get"
    assert first["args"] == [{"_id": "getOrders"}]  # as the script passed them
    assert first["result"]["_id"] == "getOrders"
    assert second["result"] is None
    assert third["error"]["statusCode"] == 404
    assert all(c["duration_ms"] >= 0 for c in d.calls)


def test_the_call_log_is_capped_and_crosses_as_one_json_array_text(world):
    ctx = PolicyContext("script")
    d = Dispatcher(LocalBackend(world), ctx, max_calls=2)
    where = {"resourceType": "exports", "_id": "getOrders"}
    send(d, "state", "putForResource", {**where, "key": "clé ☃", "value": "zürich 🚀"})
    send(d, "state", "getForResource", {**where, "key": "clé ☃"})
    assert send(d, "state", "getForResource", {**where, "key": "cursor"})["ok"]
    assert (d.calls_kept, d.calls_dropped) == (2, 1)
    text = d.calls_json()
    assert json.loads(text.decode("utf-8")) == d.calls
    assert [c["method"] for c in d.calls] == ["putForResource", "getForResource"]
    assert d.calls[1]["args"] == [{**where, "key": "clé ☃"}]
    assert d.calls[1]["result"] == "zürich 🚀"
    assert Dispatcher(LocalBackend(world), ctx).calls_json() == b"[]"


def test_recorded_results_do_not_change_with_the_world(world):
    d = dispatcher(world, kind="script")
    send(d, "exports", "get", "getOrders")
    later = "2030-01-01T00:00:00.000Z"
    send(d, "exports", "patch", {"_id": "getOrders", "patch": {"debugUntil": later}})
    assert "debugUntil" not in d.calls[0]["result"]
    assert world.get("exports", "getOrders")["debugUntil"] == later


def test_get_with_an_id_object_reaches_the_backend_as_a_string(world):
    answer = send(dispatcher(world, kind="api"), "exports", "get", {"_id": "getOrders"})
    assert answer["value"]["_id"] == "getOrders"


# ---- a repeated read ------------------------------------------------------------------

READ = {"resourceType": "exports", "_id": "getOrders", "key": "cursor"}


def test_a_repeated_read_is_answered_and_logged_as_the_first(world):
    d = dispatcher(world)
    version = world.version
    answers = [send(d, "state", "getForResource", READ) for _ in range(3)]
    assert answers == [{"ok": True, "value": {"page": 3}}] * 3
    assert world.version == version
    first, *repeats = d.calls
    for repeat in repeats:
        assert repeat.pop("duration_ms") >= 0  # each call's own
    assert first.pop("duration_ms") >= 0
    assert repeats == [first, first]
    assert first == {
        "object": "state",
        "method": "getForResource",
        "args": [READ],
        "ok": True,
        "result": {"page": 3},
    }


def test_a_read_repeated_after_a_write_sees_the_write(world):
    d = dispatcher(world)
    assert send(d, "state", "getForResource", READ)["value"] == {"page": 3}
    send(d, "state", "putForResource", {**READ, "value": {"page": 4}})
    assert send(d, "state", "getForResource", READ)["value"] == {"page": 4}
    world.put_state("exports", "getOrders", "cursor", "changed outside the run")
    assert send(d, "state", "getForResource", READ)["value"] == "changed outside the run"


def test_a_failed_read_is_asked_again(world):
    d = dispatcher(world)
    missing = {**READ, "key": "later"}
    assert send(d, "state", "getForResource", missing)["error"]["statusCode"] == 404
    world.put_state("exports", "getOrders", "later", 1)
    assert send(d, "state", "getForResource", missing) == {"ok": True, "value": 1}


def test_only_reads_are_answered_again_without_asking(world):
    # Runs and writes reach the backend every time: each run is recorded, each write
    # changes the world.
    d = dispatcher(world, kind="script")
    for _ in range(2):
        send(d, "exports", "run", {"_id": "getOrders"})
        send(d, "state", "putForResource", {**READ, "key": "n", "value": 1})
    assert len(world.export_runs("getOrders")) == 2
    assert [c["ok"] for c in d.calls] == [True] * 4


class CountingBackend:
    """A backend that cannot say whether its answers changed (no `data_version`)."""

    def __init__(self) -> None:
        self.asked = 0

    def call(self, obj, method, args):
        self.asked += 1
        return self.asked


def test_a_backend_without_a_data_version_is_asked_every_time():
    backend = CountingBackend()
    d = Dispatcher(backend, PolicyContext("script"))
    assert [send(d, "state", "getForResource", READ)["value"] for _ in range(3)] == [1, 2, 3]


def test_the_catalog_says_which_calls_only_read():
    reads = sorted(m.qualified for m in CATALOG if m.reads_only)
    assert "state.getForResource" in reads and "lookupcaches.getData" in reads
    assert "exports.get" in reads and "flows.find" in reads
    assert not any(".run" in name or "put" in name or "delete" in name for name in reads)


def test_repeats_past_the_cap_are_answered_and_counted(world):
    ctx = PolicyContext("hook", "preSavePage", "orders", "shop", ())
    d = Dispatcher(LocalBackend(world), ctx, max_calls=2)
    answers = [send(d, "state", "getForResource", READ) for _ in range(5)]
    assert answers == [{"ok": True, "value": {"page": 3}}] * 5
    assert (d.calls_kept, d.calls_dropped, len(d.calls)) == (2, 3, 2)
