"""The REST backend against a real `jsrt serve` on loopback: answers, the write guard,
429 retries, 401, 404, 5xx, network failures and `Link` pages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from rest_servers import TOKEN, Served, closed_port_url, dropping_server
from starlette.applications import Starlette
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from jsrt.api.errors import (
    ApiError,
    Forbidden,
    InvalidArgument,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    Unsupported,
)
from jsrt.backends.rest.client import RestBackend
from jsrt.backends.rest.settings import RestSettings
from jsrt.errors import UsageError
from jsrt.server import running

FLOW = {"resourceType": "flows", "_id": "orderSync"}


@pytest.fixture
def server(served: Served) -> Served:
    served.account.reset()
    return served


def backend(url: str, **settings: Any) -> RestBackend:
    return RestBackend(RestSettings(base_url=url, **settings))


@pytest.fixture
def reader(server: Served) -> Iterator[RestBackend]:
    with backend(server.url) as rest:
        yield rest


@pytest.fixture
def writer(server: Served) -> Iterator[RestBackend]:
    with backend(server.url, allow_writes=True) as rest:
        yield rest


def test_reads_and_export_runs_answer_like_the_local_backend(reader: RestBackend) -> None:
    assert [e["_id"] for e in reader.call("exports", "find", [{}])] == [
        "e1",
        "e2",
        "e3",
        "e4",
        "e5",
    ]  # five documents in pages of two: the Link header was followed
    assert [e["_id"] for e in reader.call("exports", "find", [{"externalId": "even"}])] == [
        "e2",
        "e4",
    ]
    assert reader.call("flows", "find", [{"externalId": "none"}]) == []
    assert reader.call("exports", "get", ["e3"])["name"] == "Export 3"
    assert reader.call("exports", "get", ["nope"]) is None
    assert reader.call("exports", "run", [{"_id": "e2"}]) == {
        "data": [{"n": 2}],
        "dataURIs": [],
        "errors": [],
    }
    assert reader.call("state", "getForResource", [{**FLOW, "key": "lastRun"}]) == "2025-01-14"
    assert reader.call("state", "getKeysForResource", [{**FLOW, "_id": "none"}]) == {"keys": []}
    page = reader.call("lookupcaches", "getData", [{"_id": "skuMap", "pageSize": 2}])
    assert page["nextPageURL"] == "/v1/lookupcaches/skuMap/getData?startAfterKey=K2"
    following = {"_id": "skuMap", "nextPageURL": page["nextPageURL"]}
    assert reader.call("lookupcaches", "getData", [following]) == {
        "data": [{"key": "K3", "value": 3}]
    }


@pytest.mark.parametrize(
    ("obj", "method", "arg"),
    [
        ("exports", "create", {"name": "New"}),
        ("flows", "patch", {"_id": "orderSync", "patch": {"name": "x"}}),
        ("exports", "delete", "e1"),
        ("state", "putForResource", {**FLOW, "key": "k", "value": 1}),
        ("state", "deleteForResource", {**FLOW, "key": "lastRun"}),
        ("lookupcaches", "putData", {"_id": "skuMap", "data": [{"key": "K9", "value": 9}]}),
        ("lookupcaches", "purgeData", {"_id": "skuMap"}),
        ("imports", "run", {"_id": "putOrders", "data": [{"id": 1}]}),
        ("flows", "run", {"_id": "orderSync"}),
    ],
)
def test_the_write_guard_refuses_changes_without_allow_writes(
    reader: RestBackend, server: Served, obj: str, method: str, arg: Any
) -> None:
    before = server.account.snapshot()["current"]
    with pytest.raises(Forbidden) as raised:
        reader.call(obj, method, [arg])
    assert raised.value.code == "writes_not_allowed"
    assert f"{obj}.{method} would change the integrator.io account at {server.url}" in str(
        raised.value
    )
    assert "--allow-writes" in raised.value.message
    assert server.account.snapshot()["current"] == before


def test_allow_writes_lets_every_change_through(writer: RestBackend, server: Served) -> None:
    created = writer.call("exports", "create", [{"name": "New"}])
    assert server.account.world.get("exports", created["_id"])["name"] == "New"
    assert writer.call("exports", "patch", [{"_id": "e1", "patch": {"name": "Renamed"}}]) is None
    assert writer.call("exports", "delete", ["e2"]) is None
    assert writer.call("state", "putForResource", [{**FLOW, "key": "k", "value": {"a": 1}}]) is None
    assert writer.call("state", "putForResource", [{**FLOW, "key": "k", "value": None}]) is None
    assert writer.call("state", "deleteForResource", [{**FLOW, "key": "lastRun"}]) is None
    assert writer.call("lookupcaches", "purgeData", [{"_id": "skuMap"}]) is None
    assert writer.call("flows", "run", [{"_id": "orderSync"}])["status"] == "queued"
    world = server.account.world
    assert world.get("exports", "e1")["name"] == "Renamed"
    assert world.get("exports", "e2") is None
    assert world.state_of("flows", "orderSync") == {"k": None}
    assert world.cache_entries("skuMap") == {}
    assert len(world.jobs("orderSync")) == 1


def test_a_404_keeps_the_servers_error(writer: RestBackend) -> None:
    with pytest.raises(NotFound) as raised:
        writer.call("exports", "update", [{"_id": "nope", "name": "x"}])
    assert raised.value.to_dict() == {
        "message": raised.value.message,
        "code": "not_found",
        "statusCode": 404,
        "errors": [{"code": "not_found", "message": raised.value.message}],
    }
    assert "no export with _id 'nope'" in raised.value.message


def test_429_is_retried_after_retry_after_and_then_succeeds(
    reader: RestBackend, server: Served
) -> None:
    server.account.add_faults(429, 3, retry_after=0)
    assert reader.call("exports", "get", ["e1"])["_id"] == "e1"  # the fourth try
    assert server.account.refusal() is None  # all three faults were used up


def test_429_past_the_last_try_is_reported_with_the_count(
    reader: RestBackend, server: Served
) -> None:
    server.account.add_faults(429, 4, retry_after=0)
    with pytest.raises(RateLimited) as raised:
        reader.call("exports", "get", ["e1"])
    assert raised.value.status_code == 429
    assert "integrator.io rate limited GET /v1/exports/e1 (still rate limited after 4 tries)" in (
        raised.value.message
    )
    assert raised.value.errors == [
        {"code": "rate_limited", "message": "Too many requests. Retry after 0 seconds."}
    ]


def test_a_retry_after_past_the_hooks_deadline_fails_at_once(server: Served) -> None:
    server.account.add_faults(429, 1, retry_after=600)
    settings = RestSettings(base_url=server.url)
    with (
        RestBackend(settings, deadline=time.monotonic() + 5) as rest,
        pytest.raises(RateLimited, match="waiting longer would pass the hook's time limit"),
    ):
        rest.call("exports", "get", ["e1"])


def test_a_wrong_token_is_a_401_that_names_the_variable_not_the_token(
    server: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANDBOX_TOKEN", "not-the-right-one")
    with (
        backend(server.url, token_env="SANDBOX_TOKEN") as rest,
        pytest.raises(Unauthorized) as raised,
    ):
        rest.call("exports", "get", ["e1"])
    message = raised.value.message
    assert message.startswith(
        "integrator.io refused the API token (Bearer Authentication Failed) on GET /v1/exports/e1"
    )
    assert "set SANDBOX_TOKEN to a valid API token" in message
    assert "not-the-right-one" not in str(raised.value.to_dict())
    assert raised.value.code == "unauthorized"


def test_no_token_at_all_is_a_usage_error_before_any_request(
    server: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTEGRATOR_IO_TOKEN")
    with pytest.raises(UsageError) as raised:
        backend(server.url)
    assert "needs an integrator.io API token in $INTEGRATOR_IO_TOKEN" in raised.value.message


def test_a_5xx_is_a_server_error_saying_what_failed(reader: RestBackend, server: Served) -> None:
    server.account.add_faults(503, 1)
    with pytest.raises(ServerError) as raised:
        reader.call("state", "getForResource", [{**FLOW, "key": "lastRun"}])
    assert raised.value.status_code == 503
    assert raised.value.message == (
        "integrator.io failed with 503 Service Unavailable on GET "
        "/v1/flows/orderSync/state/lastRun: Service Unavailable"
    )
    assert reader.call("state", "getForResource", [{**FLOW, "key": "lastRun"}]) == "2025-01-14"


def test_a_closed_port_is_a_network_error_naming_the_url(api_token: str) -> None:
    url = closed_port_url()
    with backend(url) as rest, pytest.raises(ServerError) as raised:
        rest.call("exports", "get", ["e1"])
    assert raised.value.code == "network_error"
    assert raised.value.message.startswith(
        f"could not reach integrator.io at {url} for GET /v1/exports/e1: "
    )
    assert "Check the base URL or region, and the network" in raised.value.message


def test_a_dropped_connection_is_a_network_error(api_token: str) -> None:
    with dropping_server() as url, backend(url) as rest, pytest.raises(ServerError) as raised:
        rest.call("flows", "get", ["orderSync"])
    assert raised.value.code == "network_error"
    assert "Server disconnected without sending a response" in raised.value.message


def test_unsupported_and_unknown_functions_never_reach_the_server(reader: RestBackend) -> None:
    with pytest.raises(Unsupported, match=r"no public integrator\.io REST endpoint"):
        reader.call("imports", "runMapping", [{"import": {}, "data": []}])
    with pytest.raises(Unsupported, match=r"integrations\.find is not an integrator-api function"):
        reader.call("integrations", "find", [{}])


def test_a_foreign_next_page_url_is_refused(api_token: str) -> None:
    def page(request: Any) -> JSONResponse:
        link = '<http://elsewhere.test/v1/flows?skip=1>; rel="next"'
        return JSONResponse([{"_id": "a"}], headers={"Link": link})

    app = Starlette(routes=[Route("/v1/flows", page)])
    with running(app) as url, backend(url) as rest, pytest.raises(ServerError) as raised:
        rest.call("flows", "find", [{}])
    assert raised.value.code == "unexpected_response"
    assert "leaves /v1/flows" in raised.value.message
    assert "jsrt sends the token nowhere else" in raised.value.message


def test_a_redirect_is_not_followed_with_the_token(api_token: str) -> None:
    def moved(request: Any) -> RedirectResponse:
        return RedirectResponse("https://elsewhere.test/v1/flows/f1", status_code=301)

    app = Starlette(routes=[Route("/v1/flows/f1", moved)])
    with running(app) as url, backend(url) as rest, pytest.raises(ServerError) as raised:
        rest.call("flows", "get", ["f1"])
    assert raised.value.code == "unexpected_response"
    assert "redirects (301) to https://elsewhere.test/v1/flows/f1" in raised.value.message


def test_a_next_page_url_cannot_reach_another_endpoint(reader: RestBackend) -> None:
    with pytest.raises(InvalidArgument, match="is not a page of this cache"):
        forged = {"_id": "skuMap", "nextPageURL": "/v1/flows/orderSync/run"}
        reader.call("lookupcaches", "getData", [forged])


def test_errors_are_api_errors_with_integrator_io_shape(reader: RestBackend) -> None:
    with pytest.raises(ApiError) as raised:
        reader.call("state", "getForResource", [{**FLOW, "key": "never"}])
    assert raised.value.to_dict()["statusCode"] == 404
    assert TOKEN not in str(raised.value.to_dict())
