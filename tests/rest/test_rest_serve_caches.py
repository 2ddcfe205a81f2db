"""`jsrt serve`'s lookup cache data API over real HTTP: getData's `startsWith` and the
415 for a body that is not declared JSON (celigo-reference §3.3, from docs.celigo.com's
"Lookup caches API endpoints" and developer.celigo.com's lookup cache reference)."""

from __future__ import annotations

import httpx
import pytest
from rest_servers import Served

from jsrt.backends.rest.client import RestBackend
from jsrt.backends.rest.settings import RestSettings

GET_DATA = "/v1/lookupcaches/skuMap/getData"
ENTRIES = [{"key": k, "value": n} for n, k in enumerate(("A1", "A2", "AB", "B1"))]


@pytest.fixture
def client(client: httpx.Client) -> httpx.Client:
    """The served account's client, with the cache's entries put first."""
    assert client.post("/v1/lookupcaches/skuMap/data", json={"data": ENTRIES}).status_code == 200
    return client


def test_get_data_starts_with_answers_the_keys_with_that_prefix(client: httpx.Client) -> None:
    answer = client.post(GET_DATA, json={"startsWith": "A"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "data": [{"key": "A1", "value": 0}, {"key": "A2", "value": 1}, {"key": "AB", "value": 2}]
    }
    assert client.post(GET_DATA, json={"startsWith": "Z"}).json() == {"data": []}
    typed = {"Content-Type": "application/json; charset=utf-8"}
    charset = client.post(GET_DATA, content=b'{"startsWith": "B"}', headers=typed)
    assert (charset.status_code, charset.json()) == (200, {"data": [{"key": "B1", "value": 3}]})
    bodiless = {"Content-Type": "text/plain"}  # no body: no Content-Type to check
    assert client.delete("/v1/lookupcaches/skuMap/data/purge", headers=bodiless).status_code == 204


def test_get_data_starts_with_pages_with_start_after_key(client: httpx.Client) -> None:
    first = client.post(GET_DATA, params={"pageSize": 2}, json={"startsWith": "A"}).json()
    assert first == {
        "data": [{"key": "A1", "value": 0}, {"key": "A2", "value": 1}],
        "nextPageURL": f"{GET_DATA}?startAfterKey=A2",
    }
    rest = client.post(GET_DATA, params={"startAfterKey": "A2"}, json={"startsWith": "A"})
    assert rest.json() == {"data": [{"key": "AB", "value": 2}]}


def test_the_rest_backend_sends_starts_with_to_get_data(
    served: Served, client: httpx.Client
) -> None:
    with RestBackend(RestSettings(base_url=served.url)) as rest:
        answer = rest.call("lookupcaches", "getData", [{"_id": "skuMap", "startsWith": "AB"}])
    assert answer == {"data": [{"key": "AB", "value": 2}]}


@pytest.mark.parametrize(
    ("verb", "path", "content_type"),
    [
        ("POST", GET_DATA, "text/plain"),
        ("POST", "/v1/lookupcaches/skuMap/data", "application/x-www-form-urlencoded"),
        ("DELETE", "/v1/lookupcaches/skuMap/data", None),
    ],
)
def test_a_cache_body_that_is_not_declared_json_is_refused_with_415(
    client: httpx.Client, verb: str, path: str, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = b'{"keys": ["A1"], "data": [{"key": "Z", "value": 1}]}'
    refused = client.request(verb, path, content=body, headers=headers)
    assert refused.status_code == 415
    assert refused.headers["content-type"] == "application/json"
    [error] = refused.json()["errors"]
    assert error["code"] == "unsupported_media_type"
    assert (
        "Content-Type must be application/json, got " + (content_type or "none")
        in (error["message"])
    )
    assert client.post(GET_DATA, json={"keys": ["A1", "Z"]}).json()["data"] == [
        {"key": "A1", "value": 0}
    ]
