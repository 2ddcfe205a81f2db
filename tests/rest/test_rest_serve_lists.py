"""`jsrt serve`'s lists over real HTTP: `include=` / `exclude=` projections (developer.
celigo.com's list reference, celigo-reference §3.1) and a trailing slash answered, not
redirected."""

from __future__ import annotations

import httpx
import pytest


def test_include_answers_the_identity_and_the_listed_fields(client: httpx.Client) -> None:
    client.put("/v1/exports/e2", json={"name": "Export 2", "adaptorType": "HTTPExport"})
    page = client.get("/v1/exports", params={"include": "externalId", "limit": 2})
    assert page.status_code == 200
    assert page.headers["content-type"] == "application/json"
    assert page.json() == [
        {"_id": "e1", "name": "Export 1", "externalId": "odd"},
        {"_id": "e2", "name": "Export 2", "adaptorType": "HTTPExport"},
    ]
    assert "limit=2" in page.headers["link"] and "include=externalId" in page.headers["link"]
    whole = client.get("/v1/exports", params={"include": "", "limit": 1}).json()
    assert whole[0]["mockOutput"] == {"page_of_records": [{"record": {"n": 1}}]}
    one = client.get("/v1/exports/e1", params={"include": "externalId"}).json()
    assert "mockOutput" in one  # projections are for lists only


def test_include_projects_a_nested_field_with_dots(client: httpx.Client) -> None:
    client.post(
        "/v1/exports", json={"name": "FTP", "ftp": {"directoryPath": "/in", "password": "x"}}
    )
    found = client.get("/v1/exports", params={"include": "ftp.directoryPath,nothing", "skip": 5})
    assert found.json() == [
        {"_id": found.json()[0]["_id"], "name": "FTP", "ftp": {"directoryPath": "/in"}}
    ]


def test_exclude_answers_the_records_without_the_listed_fields(client: httpx.Client) -> None:
    dropped = "mockOutput,externalId,createdAt,lastModified"
    page = client.get("/v1/exports", params={"exclude": dropped, "limit": 2})
    assert page.json() == [{"_id": "e1", "name": "Export 1"}, {"_id": "e2", "name": "Export 2"}]
    rest_only = client.get("/v1/integrations", params={"include": "nothing"})
    assert rest_only.json() == [{"_id": "shop", "name": "Shop"}]


def test_projection_mistakes_are_400_invalid_query_params(client: httpx.Client) -> None:
    both = client.get("/v1/exports", params={"include": "name", "exclude": "externalId"})
    assert both.status_code == 400
    assert both.json() == {
        "errors": [
            {
                "code": "invalid_query_params",
                "message": "Please provide either include or exclude param in the request query"
                " and not both.",
            }
        ]
    }
    bad = client.get("/v1/exports", params={"include": "name;drop"})
    assert (bad.status_code, bad.json()["errors"][0]["code"]) == (400, "invalid_query_params")
    assert "got 'name;drop'" in bad.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/v1/exports/", 200), ("/v1/exports/e1/", 200), ("/v1/state/", 204), ("/v1/flows/", 200)],
)
def test_a_trailing_slash_is_answered_not_redirected(
    client: httpx.Client, path: str, status: int
) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    assert "location" not in answer.headers
    assert answer.content == client.get(path[:-1]).content


def test_a_key_ending_in_an_escaped_slash_keeps_it(client: httpx.Client) -> None:
    assert client.put("/v1/state/dir%2F", json=1).text == "Created"
    assert client.get("/v1/state").json() == {"keys": ["dir/"]}
    assert client.get("/v1/state/dir%2F").json() == 1
