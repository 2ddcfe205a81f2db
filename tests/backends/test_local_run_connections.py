"""The connection a run uses, through a hook in a Runtime: a virtual export or import on a
connection the account does not have is refused (422 invalid_ref), and a connection that
is offline answers 401 (runtime objects specification: imports.run and runVirtual
responses carry "401 (connection is offline)")."""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.backends.local import World
from jsrt.runner import Runtime

NETSUITE = "65a4c2e19b1d0a0012f3e041"
SHOPIFY_OFFLINE = "65a4c2e19b1d0a0012f3e042"
MISSING = "65a4c2e19b1d0a0012f3e0ff"

WORLD: dict[str, Any] = {
    "integrations": [{"_id": "65a4c2e19b1d0a0012f3e001", "name": "Shopify - NetSuite"}],
    "flows": [
        {
            "_id": "65a4c2e19b1d0a0012f3e002",
            "_integrationId": "65a4c2e19b1d0a0012f3e001",
            "pageProcessors": [{"type": "import", "_importId": "65a4c2e19b1d0a0012f3e020"}],
        }
    ],
    "connections": [
        {"_id": NETSUITE, "name": "NetSuite", "type": "netsuite", "offline": False},
        {"_id": SHOPIFY_OFFLINE, "name": "Shopify", "type": "http", "offline": True},
    ],
    "exports": [
        {
            "_id": "65a4c2e19b1d0a0012f3e011",
            "name": "Shopify orders",
            "_connectionId": SHOPIFY_OFFLINE,
            "mockOutput": {"page_of_records": [{"record": {"id": 1}}]},
        }
    ],
    "imports": [
        {
            "_id": "65a4c2e19b1d0a0012f3e020",
            "name": "Shopify fulfillments",
            "_connectionId": SHOPIFY_OFFLINE,
            "mockResponse": {"statusCode": 200, "id": "f-1"},
        }
    ],
}

# Shaped like Celigo Services' IODelay postSubmit: a virtual export against a /sleep URI
# on an existing connection, then the responses passed on as they came.
IO_DELAY = """
import { exports } from 'integrator-api'

function postSubmit(options) {
  exports.runVirtual({
    export: {
      _connectionId: options.settings.integration.delayConnectionId,
      http: { relativeURI: '/sleep/100', method: 'GET' }
    }
  })
  return options.responseData
}
"""

# A generic script that reports what each call answered or threw.
PROBE = """
import { exports, imports } from 'integrator-api'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) {
    const { message, code, statusCode, errors } = e
    return { ok: false, message, code, statusCode, errors }
  }
}

function probe(options) {
  return {
    virtualExport: attempt(() => exports.runVirtual({
      export: { _connectionId: options.connectionId, http: { relativeURI: '/orders' } }
    })),
    virtualImport: attempt(() => imports.runVirtual({
      import: { _connectionId: options.connectionId, http: { relativeURI: '/fulfillments' } },
      data: [{ order: 1 }, { order: 2 }]
    })),
    storedExport: attempt(() => exports.run({ _id: '65a4c2e19b1d0a0012f3e011' })),
    storedImport: attempt(() => imports.run({
      _id: '65a4c2e19b1d0a0012f3e020', data: [{ order: 3 }]
    })),
  }
}
"""


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(World(WORLD), timeout_s=5)


def _probe(runtime: Runtime, connection_id: str) -> dict[str, Any]:
    result = runtime.run_hook(
        "probe.js", "probe", {"connectionId": connection_id}, hook=None, source=PROBE
    )
    assert result.ok, result.error
    return result.value


def test_a_virtual_run_on_a_connection_the_world_has_answers_from_the_mocks(
    runtime: Runtime,
) -> None:
    answers = _probe(runtime, NETSUITE)
    assert answers["virtualExport"] == {
        "ok": True,
        "value": {"data": [], "dataURIs": [], "errors": []},
    }
    responses = answers["virtualImport"]["value"]
    assert [(r["statusCode"], r["ignored"]) for r in responses] == [(200, False), (200, False)]
    assert runtime.world.imported(None) == [{"order": 1}, {"order": 2}]


def test_a_virtual_run_on_a_connection_the_world_lacks_is_422_invalid_ref(
    runtime: Runtime,
) -> None:
    answers = _probe(runtime, MISSING)
    for key, method, noun in (
        ("virtualExport", "exports.runVirtual", "export"),
        ("virtualImport", "imports.runVirtual", "import"),
    ):
        refused = answers[key]
        assert refused["ok"] is False and refused["statusCode"] == 422
        assert refused["code"] == "invalid_ref"
        assert refused["message"].startswith(
            f"{method}: the {noun} definition's _connectionId '{MISSING}' is not a"
            " connection in this account (the local world has"
            f" '{NETSUITE}', '{SHOPIFY_OFFLINE}')"
        )
        assert refused["errors"][0]["field"] == "_connectionId"
    assert runtime.world.imported(None) == []


def test_an_offline_connection_answers_401(runtime: Runtime) -> None:
    answers = _probe(runtime, SHOPIFY_OFFLINE)
    for key in ("virtualExport", "storedExport"):
        failed = answers[key]
        assert failed["ok"] is False and failed["statusCode"] == 401, key
        assert failed["code"] == "connection_offline"
        assert "runs on connection 'Shopify' (" in failed["message"]
        assert "which is offline" in failed["message"]
    for key, count in (("virtualImport", 2), ("storedImport", 1)):
        responses = answers[key]["value"]
        assert len(responses) == count
        for response in responses:
            assert response["statusCode"] == 401 and response["ignored"] is False
            assert "id" not in response
            (error,) = response["errors"]
            assert error["code"] == "connection_offline" and error["source"] == "connection"
    assert runtime.world.imported(None) == []  # nothing reached the application
    assert runtime.world.imported("65a4c2e19b1d0a0012f3e020") == []


def test_a_hook_that_runs_a_virtual_export_on_a_missing_connection_fails_its_page() -> None:
    integration = {**WORLD["integrations"][0], "settings": {"delayConnectionId": MISSING}}
    world = {**WORLD, "integrations": [integration]}
    runtime = Runtime(World(world), timeout_s=5)
    options = {
        "_importId": "65a4c2e19b1d0a0012f3e020",
        "responseData": [{"statusCode": 200, "id": "f-9"}],
    }
    result = runtime.run_hook("ioDelay.js", None, options, source=IO_DELAY)
    assert result.hook == "postSubmit" and not result.ok
    assert result.error is not None
    assert (
        f"_connectionId '{MISSING}' is not a connection in this account"
        in (result.error["message"])
    )

    integration["settings"] = {"delayConnectionId": NETSUITE}
    passing = Runtime(World(world), timeout_s=5).run_hook(
        "ioDelay.js", None, options, source=IO_DELAY
    )
    assert passing.ok, passing.error
    assert passing.value == [{"statusCode": 200, "ignored": False, "errors": [], "id": "f-9"}]
