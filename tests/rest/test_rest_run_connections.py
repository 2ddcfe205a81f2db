"""Through `jsrt serve` and the REST backend, a run's connection is answered as locally:
an offline connection's 401 reaches the hook as that (not as a refused API token), and a
virtual run on a connection the account lacks is a 422 invalid_ref."""

from __future__ import annotations

from rest_servers import SMALL_WORLD, serving

from jsrt.backends.local import World
from jsrt.runner import Runtime

PROBE = """
import { exports, imports } from 'integrator-api'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) { return { ok: false, message: e.message, code: e.code, statusCode: e.statusCode } }
}

function probe(options) {
  return {
    offlineExport: attempt(() => exports.runVirtual({
      export: { _connectionId: 'shopify', http: { relativeURI: '/orders' } }
    })),
    offlineImport: attempt(() => imports.runVirtual({
      import: { _connectionId: 'shopify' }, data: [{ order: 1 }]
    })),
    missingExport: attempt(() => exports.runVirtual({
      export: { _connectionId: 'gone', http: { relativeURI: '/orders' } }
    })),
  }
}
"""


def test_offline_and_missing_connections_over_rest(api_token: str) -> None:
    shopify = {"_id": "shopify", "name": "Shopify", "type": "http", "offline": True}
    world = World({**SMALL_WORLD, "connections": [shopify]})
    with serving(world) as served:
        runtime = Runtime(backend="rest", base_url=served.url, allow_writes=True, timeout_s=10)
        result = runtime.run_hook("probe.js", "probe", {}, source=PROBE)
    assert result.ok, result.error
    offline = result.value["offlineExport"]
    assert (offline["statusCode"], offline["code"]) == (401, "connection_offline")
    assert "which is offline" in offline["message"]
    assert "API token" not in offline["message"]
    (response,) = result.value["offlineImport"]["value"]
    assert response["statusCode"] == 401 and response["ignored"] is False
    missing = result.value["missingExport"]
    assert (missing["statusCode"], missing["code"]) == (422, "invalid_ref")
    assert "_connectionId 'gone' is not a connection in this account" in missing["message"]
