"""`jsrt serve`'s bounds, against real servers on 127.0.0.1: request bodies, stalled
requests (raw sockets), pending faults, query numbers, slow My APIs, and the command's
options and token."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from rest_servers import TOKEN, Served, serving

from jsrt.errors import UsageError
from jsrt.runner import DEFAULT_TIMEOUT_S
from jsrt.server import ServeLimits

AUTH = {"Authorization": f"Bearer {TOKEN}"}
STALL = 0.3
"""The read timeout of the servers whose clients stall (kept short: the tests wait it)."""


@pytest.fixture(scope="module")
def bounded(api_token: str) -> Iterator[Served]:
    """A server with small bounds: 1,000-byte bodies, 0.3 s stalls, 5 pending faults."""
    limits = ServeLimits(max_body_bytes=1000, read_timeout_s=STALL, max_pending_faults=5)
    with serving(limits=limits) as server:
        yield server


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=10)
    return connection


def _read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a `socket.timeout`
    if it never does)."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def _answer(raw: bytes) -> tuple[int, dict[str, str], dict]:
    """The status, headers and JSON body of one raw HTTP/1.1 answer."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, orjson.loads(body)


def _request_head(path: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {TOKEN}"]
    return ("\r\n".join([*lines, *headers]) + "\r\n\r\n").encode()


# ---- request bodies ---------------------------------------------------------------------


def test_a_body_declared_over_the_limit_gets_413_before_any_of_it_is_sent(
    bounded: Served,
) -> None:
    with _connect(bounded.url) as connection:
        connection.sendall(_request_head("/v1/exports", "Content-Length: 100000000"))
        status, _, body = _answer(_read_until_closed(connection))
    assert status == 413
    [error] = body["errors"]
    assert error["code"] == "payload_too_large"
    assert "limit of 1000 bytes" in error["message"] and "--max-body" in error["message"]


def test_a_streamed_body_is_refused_once_it_passes_the_limit_without_reading_the_rest(
    bounded: Served,
) -> None:
    """Chunked, so no length is declared: 2,000 bytes sent, the rest (never sent) unread."""
    with _connect(bounded.url) as connection:
        connection.sendall(_request_head("/v1/exports", "Transfer-Encoding: chunked"))
        chunk = b"x" * 500
        for _ in range(4):
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        status, _, body = _answer(_read_until_closed(connection))
    assert status == 413 and body["errors"][0]["code"] == "payload_too_large"


def test_a_body_within_the_limit_is_answered_as_before(bounded: Served) -> None:
    bounded.account.reset()
    created = httpx.post(f"{bounded.url}/v1/exports", json={"name": "n" * 900}, headers=AUTH)
    assert created.status_code == 201


# ---- stalled requests -------------------------------------------------------------------


def test_a_body_that_stops_half_way_gets_408_and_the_connection_closed(bounded: Served) -> None:
    with _connect(bounded.url) as connection:
        connection.sendall(_request_head("/v1/exports", "Content-Length: 100") + b'{"name": ')
        status, headers, body = _answer(_read_until_closed(connection))
    assert status == 408 and headers["connection"] == "close"
    [error] = body["errors"]
    assert error["code"] == "request_timeout" and "--read-timeout" in error["message"]


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /v1/flo", b"GET /v1/flows HTTP/1.1\r\nHost: 127.0.0.1\r\n"],
    ids=["nothing", "half a request line", "headers never ended"],
)
def test_a_request_that_stalls_before_its_headers_end_is_cut_off(
    bounded: Served, sent: bytes
) -> None:
    with _connect(bounded.url) as connection:
        connection.sendall(sent)
        assert _read_until_closed(connection) == b""


def test_a_keep_alive_connection_stalling_in_its_second_request_is_cut_off(
    bounded: Served,
) -> None:
    get = b"GET /v1/flows/orderSync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
    with _connect(bounded.url) as connection:
        connection.sendall(get % TOKEN.encode())
        first = connection.recv(65536)
        while b"}" not in first:  # the body may come in its own segment
            first += connection.recv(65536)
        assert _answer(first)[2]["name"] == "Order sync"
        connection.sendall(b"GET /v1/flows/order")
        assert _read_until_closed(connection) == b""


# ---- faults -----------------------------------------------------------------------------


def test_a_fault_count_beyond_the_limit_is_refused_with_the_range(bounded: Served) -> None:
    bounded.account.reset()
    for count in (6, 10**12):
        refused = httpx.post(
            f"{bounded.url}/_jsrt/faults", json={"status": 503, "count": count}, headers=AUTH
        )
        assert refused.status_code == 400
        assert '"count": 1..5' in refused.json()["errors"][0]["message"]
    assert httpx.get(f"{bounded.url}/v1/flows/orderSync", headers=AUTH).status_code == 200


def test_pending_faults_are_bounded_across_requests(bounded: Served) -> None:
    bounded.account.reset()
    faults = f"{bounded.url}/_jsrt/faults"
    assert httpx.post(faults, json={"status": 503, "count": 4}, headers=AUTH).status_code == 204
    refused = httpx.post(faults, json={"status": 500, "count": 2}, headers=AUTH)
    [error] = refused.json()["errors"]
    assert (refused.status_code, error["code"]) == (400, "too_many_faults")
    assert "at most 5 faults may be pending and 4 are" in error["message"]
    answers = [httpx.get(f"{bounded.url}/v1/flows/orderSync", headers=AUTH) for _ in range(5)]
    assert [a.status_code for a in answers] == [503, 503, 503, 503, 200]


@pytest.mark.parametrize(
    "body",
    [
        {"status": 503, "count": True},
        {"status": 503, "retryAfter": 10**9},
        {"status": True},
        [1, 2],
    ],
)
def test_a_malformed_fault_is_refused(bounded: Served, body: object) -> None:
    refused = httpx.post(f"{bounded.url}/_jsrt/faults", json=body, headers=AUTH)
    assert refused.status_code == 400
    assert "expected {" in refused.json()["errors"][0]["message"]


def test_reset_clears_pending_faults(bounded: Served) -> None:
    faults = f"{bounded.url}/_jsrt/faults"
    assert httpx.post(faults, json={"status": 500, "count": 3}, headers=AUTH).status_code == 204
    assert httpx.post(f"{bounded.url}/_jsrt/reset", headers=AUTH).status_code == 204
    assert httpx.get(f"{bounded.url}/v1/flows/orderSync", headers=AUTH).status_code == 200
    again = httpx.post(faults, json={"status": 500, "count": 5}, headers=AUTH)
    assert again.status_code == 204  # nothing left pending to count against the limit
    bounded.account.reset()


# ---- query numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("skip=" + "9" * 5000, "skip must be an integer from 0 to 1000000000"),
        ("skip=-1", "skip must be an integer from 0 to 1000000000"),
        ("skip=1e3", "skip must be an integer from 0 to 1000000000"),
        ("limit=0", "limit must be an integer from 1 to 1000"),
        ("limit=1001", "limit must be an integer from 1 to 1000"),
        ("limit=" + "1" * 5000, "limit must be an integer from 1 to 1000"),
    ],
)
def test_list_numbers_out_of_range_get_400_naming_the_parameter_and_range(
    bounded: Served, query: str, named: str
) -> None:
    answer = httpx.get(f"{bounded.url}/v1/exports?{query}", headers=AUTH)
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["code"] == "invalid_query_params"
    assert error["message"].startswith(f"query parameter {named}, got ")
    assert len(error["message"]) < 200  # the value is quoted cut short


def test_a_huge_lookup_cache_page_size_gets_400_not_a_server_error(bounded: Served) -> None:
    url = f"{bounded.url}/v1/lookupcaches/skuMap/getData?pageSize={'9' * 5000}"
    answer = httpx.post(url, headers=AUTH)
    assert answer.status_code == 400
    assert "pageSize must be a positive integer" in answer.json()["errors"][0]["message"]


# ---- slow My APIs -----------------------------------------------------------------------

SLOW_JS = """
function spin(options) {
  while (true) {}
}

function ping(options) {
  return { statusCode: 200, body: 'pong' }
}
"""


def test_a_slow_my_api_blocks_no_other_request_and_is_cut_off_at_its_timeout(
    api_token: str, tmp_path: Path
) -> None:
    (tmp_path / "slow.js").write_text(SLOW_JS)
    (tmp_path / "world.yaml").write_text(
        "flows: [{_id: orderSync, name: Order sync}]\n"
        "apis:\n"
        "  - {_id: spin, script: slow.js, function: spin}\n"
        "  - {_id: ping, script: slow.js, function: ping}\n"
    )
    from jsrt.server import load_served_world

    world, apis, _ = load_served_world(tmp_path / "world.yaml")
    with serving(world, apis=apis, limits=ServeLimits(api_timeout_s=3)) as served:
        warm = httpx.post(f"{served.url}/v1/apis/ping/request", headers=AUTH, timeout=30)
        assert warm.text == "pong"  # the My API runtime and its worker are up
        slow: list[httpx.Response] = []
        spinning = threading.Thread(
            target=lambda: slow.append(
                httpx.post(f"{served.url}/v1/apis/spin/request", headers=AUTH, timeout=30)
            )
        )
        spinning.start()
        try:
            with httpx.Client(base_url=served.url, headers=AUTH, timeout=20) as http:
                for _ in range(10):  # over a second: the My API is running for most of them
                    time.sleep(0.1)
                    assert http.get("/v1/flows/orderSync").json()["name"] == "Order sync"
                    assert http.get("/_jsrt/world").status_code == 200
                assert not slow, "the other requests were answered while the My API ran"
        finally:
            spinning.join(timeout=30)
        [answer] = slow
        assert answer.status_code == 504
        assert answer.json()["errors"][0]["code"] == "script_timeout"


# ---- the command ------------------------------------------------------------------------


def _jsrt(*args: str) -> list[str]:
    return [sys.executable, "-c", "from jsrt.cli import main; main()", *args]


@pytest.mark.parametrize("token", ["", "  ", "two words"])
def test_serve_refuses_an_empty_or_blank_token_as_a_usage_error(token: str) -> None:
    """An empty token (`--token "$UNSET"`) is a mistake: refused, never replaced by a
    token the user does not know, and no server starts (the run stops by itself)."""
    done = subprocess.run(
        _jsrt("serve", "--port", "0", "--token", token),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "--token is" in done.stderr and "visible ASCII without spaces" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_serve_states_its_bounds_and_their_defaults_in_help() -> None:
    from click.testing import CliRunner

    from jsrt.cli import main, serve

    defaults = {param.name: param.default for param in serve.params}
    limits = ServeLimits()
    assert defaults["max_body"] * 1024 * 1024 == limits.max_body_bytes
    assert defaults["read_timeout"] == limits.read_timeout_s
    assert defaults["max_faults"] == limits.max_pending_faults
    assert defaults["max_requests"] == limits.max_requests
    assert defaults["api_timeout"] == DEFAULT_TIMEOUT_S
    shown = CliRunner().invoke(main, ["serve", "--help"]).output
    for option in ("--max-body", "--read-timeout", "--max-faults", "--max-requests"):
        assert option in shown
    assert "--api-timeout" in shown and "default: 8.0" in shown


def test_serve_applies_the_bounds_given_on_its_command_line() -> None:
    command = _jsrt(
        "serve", "--port", "0", "--token", TOKEN, "--max-body", "0.001", "--max-faults", "2"
    )
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" on ")[1].split()[0]
        big = httpx.post(f"{url}/v1/exports", json={"name": "n" * 2000}, headers=AUTH)
        assert big.status_code == 413 and "1049 bytes" in big.text
        faults = httpx.post(f"{url}/_jsrt/faults", json={"status": 500, "count": 3}, headers=AUTH)
        assert faults.status_code == 400
        assert '"count": 1..2' in faults.json()["errors"][0]["message"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()


KEEPER_JS = """
import { state } from 'integrator-api'

function keep(options) {
  const flow = { resourceType: 'flows', _id: 'orderSync' }
  state.putForResource({ ...flow, key: options.queryString.key, value: 'from my api' })
  return { statusCode: 200, body: state.getKeysForResource(flow).keys.sort() }
}
"""


def test_my_apis_and_rest_writes_see_and_keep_each_others_changes(
    api_token: str, tmp_path: Path
) -> None:
    """A My API runs on its own copy of the world: it starts from every write before it,
    and what it changes is put back for the requests after it."""
    (tmp_path / "keeper.js").write_text(KEEPER_JS)
    (tmp_path / "world.yaml").write_text(
        "flows: [{_id: orderSync, name: Order sync}]\n"
        "apis: [{_id: keeper, script: keeper.js, function: keep}]\n"
    )
    from jsrt.server import load_served_world

    world, apis, _ = load_served_world(tmp_path / "world.yaml")
    with (
        serving(world, apis=apis) as served,
        httpx.Client(base_url=served.url, headers=AUTH, timeout=30) as http,
    ):
        state = "/v1/flows/orderSync/state"
        assert http.put(f"{state}/rest1", json=1).status_code == 200
        assert http.post("/v1/apis/keeper/request?key=api1").json() == ["api1", "rest1"]
        assert http.put(f"{state}/rest2", json=2).status_code == 200
        assert http.post("/v1/apis/keeper/request?key=api2").json() == [
            "api1",
            "api2",
            "rest1",
            "rest2",
        ]
        assert http.get(f"{state}/api2").json() == "from my api"
        assert http.post("/_jsrt/reset").status_code == 204
        assert http.post("/v1/apis/keeper/request?key=api3").json() == ["api3"]


def test_requests_beyond_the_in_flight_limit_get_503_until_one_ends(api_token: str) -> None:
    with serving(limits=ServeLimits(max_requests=1, read_timeout_s=20)) as served:
        stalled = _connect(served.url)
        stalled.sendall(_request_head("/v1/exports", "Content-Length: 10"))  # the body: never
        answers = _poll_until(served.url, 503)
        [error] = answers.json()["errors"]
        assert error["code"] == "service_unavailable" and "--max-requests" in error["message"]
        assert answers.headers["retry-after"] == "1"
        stalled.close()
        assert _poll_until(served.url, 200).json()["name"] == "Order sync"


def _poll_until(url: str, status: int) -> httpx.Response:
    """GET a flow until the answer has `status` (the stalled request is in flight, or
    gone), at most 100 times."""
    for _ in range(100):
        answer = httpx.get(f"{url}/v1/flows/orderSync", headers=AUTH, timeout=10)
        if answer.status_code == status:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"never answered {status}: {answer.status_code} {answer.text}")


@pytest.mark.parametrize(
    "given",
    [{"max_body_bytes": 0}, {"read_timeout_s": float("inf")}, {"max_requests": "10"}],
)
def test_serve_limits_refuse_what_bounds_nothing(given: dict) -> None:
    with pytest.raises(UsageError, match=r"ServeLimits\.\w+ must be a positive finite number"):
        ServeLimits(**given)


def test_a_my_api_served_with_a_state_dir_saves_there_and_sees_other_processes_writes(
    api_token: str, tmp_path: Path
) -> None:
    """With a state dir, a My API saves what it changed there in its own transaction: a
    runtime on the same folder (another process's view) sees it, and what that runtime
    saved meanwhile is in the My API's next answer."""
    (tmp_path / "keeper.js").write_text(KEEPER_JS)
    (tmp_path / "world.yaml").write_text(
        "flows: [{_id: orderSync, name: Order sync}]\n"
        "apis: [{_id: keeper, script: keeper.js, function: keep}]\n"
    )
    from jsrt.backends.local import StateDir
    from jsrt.runner import Runtime
    from jsrt.server import load_served_world

    world, apis, _ = load_served_world(tmp_path / "world.yaml")
    state_dir = StateDir(tmp_path / "state")
    with (
        serving(state_dir.open(world), apis=apis, state_dir=state_dir) as served,
        httpx.Client(base_url=served.url, headers=AUTH, timeout=30) as http,
    ):
        assert http.post("/v1/apis/keeper/request?key=api1").json() == ["api1"]
        other = Runtime(state_dir=tmp_path / "state")
        assert other.world.get_state("flows", "orderSync", "api1") == "from my api"
        (tmp_path / "put.js").write_text(
            "import { state } from 'integrator-api'\n"
            "function put(options) {\n"
            "  state.putForResource({ resourceType: 'flows', _id: 'orderSync',"
            " key: 'other', value: 1 })\n"
            "}\n"
        )
        assert other.run_hook(tmp_path / "put.js", "put", {}).ok
        assert http.post("/v1/apis/keeper/request?key=api2").json() == ["api1", "api2", "other"]
        assert http.get("/v1/flows/orderSync/state/other").json() == 1
