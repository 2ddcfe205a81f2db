"""`jsrt serve`'s PATCH over real HTTP: the documented JSON-Patch body, integrator.io's
whitelist of patchable fields, and a plain object refused (celigo-reference §3.1, §3.5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

LATER = "2030-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/exports/e1", "debugUntil"),
        ("/v1/imports/putOrders", "debugUntil"),
        ("/v1/flows/orderSync", "debugUntil"),
    ],
)
def test_the_documented_debug_until_replace_answers_204_on_a_resource_without_it(
    client: httpx.Client, path: str, field: str
) -> None:
    assert field not in client.get(path).json()
    done = client.patch(path, json=[{"op": "replace", "path": f"/{field}", "value": LATER}])
    assert (done.status_code, done.content) == (204, b"")
    assert client.get(path).json()[field] == LATER
    off = client.patch(path, json=[{"op": "remove", "path": f"/{field}"}])
    assert off.status_code == 204
    assert field not in client.get(path).json()


def test_a_connections_debug_date_is_patchable(client: httpx.Client) -> None:
    created = client.post("/v1/connections", json={"name": "Shop API", "type": "http"}).json()
    path = f"/v1/connections/{created['_id']}"
    done = client.patch(path, json=[{"op": "replace", "path": "/debugDate", "value": LATER}])
    assert done.status_code == 204
    assert client.get(path).json()["debugDate"] == LATER


def test_a_field_off_the_whitelist_is_refused_and_nothing_changes(client: httpx.Client) -> None:
    before = client.get("/v1/exports/e1").json()
    ops = [
        {"op": "replace", "path": "/debugUntil", "value": LATER},
        {"op": "replace", "path": "/name", "value": "Renamed"},
    ]
    refused = client.patch("/v1/exports/e1", json=ops)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/json"
    assert refused.json() == {
        "errors": [
            {
                "code": "invalid_patch",
                "message": "patch[1] (replace /name): integrator.io's PATCH may change only"
                " debugUntil of an export, not name; change other fields with update (PUT),"
                " which replaces the document",
            }
        ]
    }
    assert client.get("/v1/exports/e1").json() == before


def test_a_plain_object_body_is_refused_with_the_form_to_send(client: httpx.Client) -> None:
    refused = client.patch("/v1/exports/e1", json={"debugUntil": LATER})
    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert error["code"] == "bad_request"
    assert error["message"].startswith(
        'the body of PATCH /v1/exports/e1 is a JSON-Patch array such as [{"op": "replace", '
        '"path": "/debugUntil", "value": "2030-01-01T00:00:00.000Z"}], not an object of fields;'
    )
    assert "debugUntil" not in client.get("/v1/exports/e1").json()
    empty = client.patch("/v1/exports/e1")
    assert empty.status_code == 400 and "got no body" in empty.json()["errors"][0]["message"]


def test_a_scripts_debug_until_is_patchable_at_most_an_hour_ahead(client: httpx.Client) -> None:
    """celigo-reference §3.5: a script's PATCH changes only debugUntil, at most 1 hour ahead."""
    script = client.post("/v1/scripts", json={"name": "Filter", "content": "//"}).json()
    path = f"/v1/scripts/{script['_id']}"
    soon = (datetime.now(UTC) + timedelta(minutes=30)).isoformat(timespec="milliseconds")
    done = client.patch(path, json=[{"op": "replace", "path": "/debugUntil", "value": soon}])
    assert (done.status_code, done.content) == (204, b"")
    assert client.get(path).json()["debugUntil"] == soon
    too_late = client.patch(path, json=[{"op": "replace", "path": "/debugUntil", "value": LATER}])
    assert too_late.status_code == 422
    message = too_late.json()["errors"][0]["message"]
    assert "a script's debug logs stay on at most 1 hour; debugUntil may be at most" in message
    not_a_date = client.patch(path, json=[{"op": "add", "path": "/debugUntil", "value": "soon"}])
    assert not_a_date.status_code == 422
    assert "debugUntil must be an ISO date" in not_a_date.json()["errors"][0]["message"]
    content = client.patch(path, json=[{"op": "replace", "path": "/content", "value": "x"}])
    assert (content.status_code, content.json()["errors"][0]["code"]) == (422, "invalid_patch")
    assert client.get(path).json()["content"] == "//"
    off = client.patch(path, json=[{"op": "remove", "path": "/debugUntil"}])
    assert off.status_code == 204 and "debugUntil" not in client.get(path).json()
