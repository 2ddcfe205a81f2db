"""The REST mapping on its own: every catalog function to its request and back, the write
guard's list, base URLs and tokens. No server: these are the rules both sides share."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

from jsrt.api.catalog import CATALOG, Method, find_method
from jsrt.api.checks import check_args, check_request
from jsrt.api.errors import BadRequest, InvalidArgument, Unsupported
from jsrt.api.wire import NO_BODY, from_wire, to_wire
from jsrt.backends.rest.settings import REGIONS, RestSettings, read_token, resolve_base_url
from jsrt.errors import UsageError

_SAMPLES = {
    "string": "a/b c",  # a slash and a space: path values must be quoted
    "number": 7,
    "boolean": True,
    "object": {"nested": {"n": 1}},
    "array": [{"id": 1}, {"id": 2}],
    "any": {"page": 3, "ids": [1, 2]},
    "date": "2024-01-02T03:04:05",
    "count": 5,
    "patch": [{"op": "replace", "path": "/debugUntil", "value": "2030-01-01T00:00:00.000Z"}],
}


def _sample_args(method: Method) -> list[Any]:
    """Arguments a script could pass, using every field the function accepts."""
    if method.shape == "query":
        return [{"externalId": "orders"}]
    if method.shape == "id":
        return ["id with/slash"]
    if method.shape == "document":
        document = {"name": "N", "settings": {"a": [1]}}
        return [{**document, "_id": "doc/1"} if method.name == "update" else document]
    options: dict[str, Any] = {}
    for field in method.fields:
        if field.excludes and any(name in options for name in field.excludes):
            continue
        if field.choices:
            options[field.name] = field.choices[0]
        elif field.items == "string":
            options[field.name] = ["K1", "K/2"]
        else:
            options[field.name] = _SAMPLES[field.types[0]]
    return [options]


def _served(method: Method, request_path: str) -> dict[str, str]:
    """The path parameters a server routing on the catalog's template would read."""
    assert method.route is not None
    pattern = re.sub(r"{(\w+)}", lambda m: f"(?P<{m.group(1)}>[^/]+)", method.route.path)
    pattern = pattern.replace("(?P<key>[^/]+)", "(?P<key>.+)")
    match = re.fullmatch(pattern, request_path)
    assert match, f"{request_path} does not fit {method.route}"
    return {name: unquote(value) for name, value in match.groupdict().items()}


ROUTED = [m for m in CATALOG if m.route is not None]


@pytest.mark.parametrize("method", ROUTED, ids=lambda m: m.qualified)
def test_every_routed_function_maps_to_its_route_and_back(method: Method) -> None:
    (arg,) = check_args(method, _sample_args(method))
    request = to_wire(method, arg)
    assert request.verb == method.route.verb
    back = from_wire(method, _served(method, request.path), request.params, request.body)
    expected = {} if method.shape == "query" else arg  # find filters by externalId itself
    assert check_args(method, [back]) == [expected]
    assert check_request(method, back) == expected  # REST rules take what the client sends


def test_get_data_pages_travel_as_query_parameters() -> None:
    method = find_method("lookupcaches", "getData")
    page = "/v1/lookupcaches/sku%20map/getData?startAfterKey=K%2F2"
    (arg,) = check_args(method, [{"_id": "sku map", "nextPageURL": page, "pageSize": "50"}])
    request = to_wire(method, arg)
    assert (request.verb, request.path, request.body) == (
        "POST",
        "/v1/lookupcaches/sku%20map/getData",
        NO_BODY,
    )
    assert request.params == {"startAfterKey": "K/2", "pageSize": "50"}
    back = from_wire(method, {"_id": "sku map"}, request.params, request.body)
    assert back == {"_id": "sku map", "pageSize": "50", "nextPageURL": page}


def test_a_next_page_url_of_another_endpoint_is_refused_before_any_request() -> None:
    method = find_method("lookupcaches", "getData")
    (arg,) = check_args(method, [{"_id": "skuMap", "nextPageURL": "/v1/flows/f1/run"}])
    with pytest.raises(InvalidArgument, match="is not a page of this cache"):
        to_wire(method, arg)


def test_a_virtual_run_is_read_from_the_flat_body_and_from_its_connection_route() -> None:
    """Real clients send the definition's fields at the top level (celigo-reference §3.2,
    S14); connection.md posts `{export, pagedExportState}` to the connection's route, whose
    connection wins over the body's."""
    method = find_method("exports", "runVirtualWithPaging")
    http = {"relativeURI": "/orders", "method": "GET"}
    flat = {"_connectionId": "c1", "http": http, "pagedExportState": {"jsrtPage": 1}}
    assert from_wire(method, {}, {}, flat) == {
        "export": {"_connectionId": "c1", "http": http},
        "pagedExportState": {"jsrtPage": 1},
    }
    (on_connection,) = method.other_routes
    wrapped = {"export": {"_connectionId": "c1", "http": http}}
    assert from_wire(method, {"_connectionId": "c2"}, {}, wrapped, on_connection) == {
        "export": {"_connectionId": "c2", "http": http}
    }


def test_state_put_sends_the_bare_value_and_patch_sends_json_patch_operations() -> None:
    put = find_method("state", "putForResource")
    request = to_wire(put, {"resourceType": "flows", "_id": "f1", "key": "k", "value": None})
    assert (request.verb, request.path, request.body) == ("PUT", "/v1/flows/f1/state/k", None)
    patch = find_method("connections", "patch")
    ops = [{"op": "replace", "path": "/name", "value": "n"}]
    assert to_wire(patch, {"_id": "c1", "patch": ops}).body == ops
    fields = {"debugDate": "2030-01-01T00:00:00.000Z", "a/b~c": 1}
    assert to_wire(patch, {"_id": "c1", "patch": fields}).body == [
        {"op": "add", "path": "/debugDate", "value": "2030-01-01T00:00:00.000Z"},
        {"op": "add", "path": "/a~1b~0c", "value": 1},
    ]


def test_serve_reads_only_json_patch_operations_as_a_patch_body() -> None:
    patch = find_method("exports", "patch")
    with pytest.raises(BadRequest, match=r"PATCH /v1/exports/e1 is a JSON-Patch array such as"):
        from_wire(patch, {"_id": "e1"}, {}, {"debugUntil": "2030-01-01T00:00:00.000Z"})
    with pytest.raises(BadRequest, match=r"body\[0\]\.op must be one of add, replace, remove"):
        from_wire(patch, {"_id": "e1"}, {}, [{"op": "copy", "path": "/a"}])


def test_a_function_without_a_public_route_is_unsupported_not_guessed() -> None:
    with pytest.raises(Unsupported) as raised:
        to_wire(find_method("imports", "runMapping"), {"import": {}, "data": []})
    assert raised.value.status_code == 501
    assert "imports.runMapping has no public integrator.io REST endpoint" in raised.value.message


def test_the_write_guard_covers_exactly_the_calls_that_change_an_account() -> None:
    writes = {m.qualified for m in CATALOG if m.changes_account}
    crud_writes = {
        f"{m.obj}.{m.name}"
        for m in CATALOG
        if m.kind == "crud" and m.name in ("create", "update", "patch", "delete")
    }
    assert writes == crud_writes | {
        "state.putForResource",
        "state.deleteForResource",
        "lookupcaches.putData",
        "lookupcaches.deleteData",
        "lookupcaches.purgeData",
        "imports.run",
        "imports.runVirtual",
        "imports.runMapping",
        "flows.run",
    }
    reads = {m.qualified for m in CATALOG} - writes
    assert {
        "exports.run",
        "exports.runVirtual",
        "exports.runVirtualWithPaging",
        "lookupcaches.getData",
        "state.getForResource",
        "exports.find",
    } <= reads


def test_base_url_comes_from_the_argument_then_the_environment_then_the_region() -> None:
    env = {"INTEGRATOR_IO_BASE_URL": "http://127.0.0.1:9/"}
    assert resolve_base_url(environ={}) == "https://api.integrator.io"
    assert resolve_base_url(region="eu", environ=env) == "https://api.eu.integrator.io"
    assert resolve_base_url(environ=env) == "http://127.0.0.1:9"
    assert resolve_base_url("https://proxy.test/integrator/", environ=env) == (
        "https://proxy.test/integrator"
    )
    assert set(REGIONS) == {"us", "eu"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"region": "ap"}, "unknown region 'ap'; integrator.io has us, eu"),
        ({"base_url": "api.integrator.io"}, "is not an http(s) URL"),
        ({"base_url": "http://x.test", "region": "us"}, "either a base URL or a region"),
    ],
)
def test_a_bad_base_url_or_region_is_a_usage_error(kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        resolve_base_url(environ={}, **kwargs)


def test_the_token_variable_can_be_renamed_and_its_absence_is_explained() -> None:
    assert read_token("SANDBOX_TOKEN", {"SANDBOX_TOKEN": " t0k3n \n"}) == "t0k3n"
    with pytest.raises(UsageError) as raised:
        read_token("SANDBOX_TOKEN", {"INTEGRATOR_IO_TOKEN": "other"})
    assert "needs an integrator.io API token in $SANDBOX_TOKEN" in raised.value.message
    assert "export SANDBOX_TOKEN=<token>" in raised.value.hint
    with pytest.raises(UsageError, match="not an environment variable name"):
        RestSettings.resolve(base_url="http://127.0.0.1:9", token_env="eyJhbGciOi.secret")
