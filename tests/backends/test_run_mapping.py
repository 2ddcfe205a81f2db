"""`imports.runMapping` on the local backend: the transformation engine maps each record,
the world answers the lookups, and each record is answered as the runtime objects
specification says (`[{statusCode, data, errors}]`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from jsrt.api.errors import Unprocessable
from jsrt.runner import Runtime

ORDER_MAPPING: dict[str, Any] = {
    "mappings": [
        {"generate": "ref", "dataType": "string", "extract": "$.id", "status": "Active"},
        {
            "generate": "customer",
            "dataType": "object",
            "status": "Active",
            "mappings": [
                {
                    "generate": "email",
                    "dataType": "string",
                    "extract": "$.customer.email",
                    "status": "Active",
                }
            ],
        },
        {
            "generate": "warehouse",
            "dataType": "string",
            "extract": "$.sku",
            "lookupName": "warehouseBySku",
            "status": "Active",
        },
    ],
    "lookups": [{"name": "warehouseBySku", "map": {"A-1": "WH-EAST"}, "allowFailures": False}],
}


def test_a_mapper_2_mapping_maps_each_record(call):
    record = {"id": 7, "customer": {"email": "a@b.c"}, "sku": "A-1"}
    assert call("imports.runMapping", {"import": ORDER_MAPPING, "data": [record]}) == [
        {
            "statusCode": 200,
            "data": {"ref": "7", "customer": {"email": "a@b.c"}, "warehouse": "WH-EAST"},
            "errors": [],
        }
    ]


# runtime objects specification, imports.runMapping: "statusCode: 200 (success), 422
# (error)"; one record failing leaves the others mapped.
def test_a_record_whose_lookup_fails_is_answered_422_and_the_others_map(call):
    records = [{"id": 1, "sku": "A-1"}, {"id": 2, "sku": "Z-9"}]
    first, second = call("imports.runMapping", {"import": ORDER_MAPPING, "data": records})
    assert first["statusCode"] == 200
    assert first["data"]["warehouse"] == "WH-EAST"
    assert second["statusCode"] == 422
    assert "data" not in second
    assert second["errors"][0]["code"] == "lookup_not_found"
    assert "Z-9" in second["errors"][0]["message"]


def test_a_lookup_cache_of_the_world_answers_the_lookup(call):
    definition = {
        "mappings": [
            {
                "generate": "label",
                "dataType": "string",
                "extract": "$.sku",
                "lookupName": "skuLabel",
                "status": "Active",
            }
        ],
        "lookups": [{"name": "skuLabel", "_lookupCacheId": "skus", "allowFailures": False}],
    }
    answer = call("imports.runMapping", {"import": definition, "data": [{"sku": "B"}]})
    assert answer == [{"statusCode": 200, "data": {"label": "two"}, "errors": []}]


def test_without_a_mapping_the_records_come_back_unchanged(call):
    answer = call("imports.runMapping", {"import": {}, "data": [{"a": 1}, [1, 2]]})
    assert [r["data"] for r in answer] == [{"a": 1}, [1, 2]]
    assert {r["statusCode"] for r in answer} == {200}


def test_a_mapping_the_engine_refuses_fails_the_call_with_its_node(call):
    definition = {"mappings": [{"generate": "x", "dataType": "bogus", "extract": "$.a"}]}
    with pytest.raises(Unprocessable) as caught:
        call("imports.runMapping", {"import": definition, "data": [{"a": 1}]})
    assert caught.value.status_code == 422
    assert "mappings[0]" in caught.value.message
    assert "bogus" in caught.value.message


# runtime objects specification, imports.runMapping: "401 (connection is offline)".
def test_an_offline_connection_answers_every_record_401(sample_world):
    from jsrt.api.catalog import find_method
    from jsrt.api.checks import check_args
    from jsrt.backends.local import LocalBackend, World

    sample_world["connections"].append({"_id": "down", "offline": True})
    backend = LocalBackend(World(sample_world))
    options = {"import": {**ORDER_MAPPING, "_connectionId": "down"}, "data": [{"id": 1}] * 2}
    answer = backend.call(
        "imports", "runMapping", check_args(find_method("imports", "runMapping"), [options])
    )
    assert [r["statusCode"] for r in answer] == [401, 401]
    assert answer[0]["errors"][0]["code"] == "connection_offline"


def test_a_connection_the_world_lacks_is_refused_as_for_run_virtual(call):
    options = {"import": {**ORDER_MAPPING, "_connectionId": "nowhere"}, "data": [{"id": 1}]}
    with pytest.raises(Unprocessable) as caught:
        call("imports.runMapping", options)
    assert caught.value.code == "invalid_ref"


def test_the_world_is_left_as_it_was(call, world):
    before = world.version
    call("imports.runMapping", {"import": ORDER_MAPPING, "data": [{"id": 1, "sku": "A-1"}]})
    assert world.version == before
    assert world.import_runs(None) == []


# --- through a hook run: the hook's isolate waits in a bridge call while the engine's
# own isolate maps (jsrt/transform/__init__.py), in the worker process.

HOOK_WORLD: dict[str, Any] = {
    "integrations": [{"_id": "shop", "name": "Shop", "_registeredLookupCacheIds": ["regions"]}],
    "flows": [{"_id": "orders", "_integrationId": "shop"}],
    "lookupcaches": [
        {
            "_id": "regions",
            "name": "Regions",
            "data": [{"key": "DE", "value": "EMEA"}, {"key": "US", "value": "AMER"}],
        }
    ],
    "imports": [
        {
            "_id": "putOrders",
            "_integrationId": "shop",
            "mappings": [
                {"generate": "id", "dataType": "string", "extract": "$.id", "status": "Active"},
                {
                    "generate": "region",
                    "dataType": "string",
                    "extract": "$.country",
                    "lookupName": "region",
                    "status": "Active",
                },
            ],
            "lookups": [{"name": "region", "_lookupCacheId": "regions", "allowFailures": False}],
        }
    ],
}

HOOK = """
import { imports } from 'integrator-api'
function preSavePage(options) {
  const { mappings, lookups } = options.settings.mapping
  const mapped = imports.runMapping({ import: { mappings, lookups }, data: options.data })
  return {
    data: mapped.filter(r => r.statusCode === 200).map(r => r.data),
    errors: mapped.filter(r => r.statusCode !== 200).flatMap(r => r.errors),
  }
}
"""


def test_a_hook_maps_its_page_with_a_lookup_through_run_mapping(tmp_path: Path) -> None:
    world_file = tmp_path / "world.yaml"
    world_file.write_text(yaml.safe_dump(HOOK_WORLD), encoding="utf-8")
    script = tmp_path / "mapPage.js"
    script.write_text(HOOK, encoding="utf-8")
    mapping = {key: HOOK_WORLD["imports"][0][key] for key in ("mappings", "lookups")}
    options = {
        "data": [
            {"id": 1, "country": "DE"},
            {"id": 2, "country": "FR"},
            {"id": 3, "country": "US"},
        ],
        "settings": {"mapping": mapping},
        "_integrationId": "shop",
        "_flowId": "orders",
    }
    result = Runtime(world_file, timeout_s=30).run_hook(script, "preSavePage", options)
    assert result.ok, result.error
    assert result.value["data"] == [{"id": "1", "region": "EMEA"}, {"id": "3", "region": "AMER"}]
    assert [e["code"] for e in result.value["errors"]] == ["lookup_not_found"]
    assert [c["method"] for c in result.calls] == ["runMapping"]


def test_a_hooks_mapping_may_read_only_caches_registered_with_its_integration(
    tmp_path: Path,
) -> None:
    # celigo-reference §2.2 rule 3 (jsrt.api.policy): a hook uses a lookup cache's data only
    # when the cache is registered with its integration, through runMapping's lookups too.
    world = {
        **HOOK_WORLD,
        "lookupcaches": [
            *HOOK_WORLD["lookupcaches"],
            {"_id": "elsewhere", "name": "Elsewhere", "data": [{"key": "DE", "value": "x"}]},
        ],
    }
    world_file = tmp_path / "world.yaml"
    world_file.write_text(yaml.safe_dump(world), encoding="utf-8")
    script = tmp_path / "mapPage.js"
    script.write_text(HOOK, encoding="utf-8")
    runtime = Runtime(world_file, timeout_s=30)

    def run(cache_id: str) -> Any:
        mapping = {
            "mappings": HOOK_WORLD["imports"][0]["mappings"],
            "lookups": [{"name": "region", "_lookupCacheId": cache_id, "allowFailures": True}],
        }
        options = {
            "data": [{"id": 1, "country": "DE"}],
            "settings": {"mapping": mapping},
            "_integrationId": "shop",
            "_flowId": "orders",
        }
        return runtime.run_hook(script, "preSavePage", options)

    assert run("regions").ok
    refused = run("elsewhere")
    assert not refused.ok
    assert "Lookup cache 'elsewhere' is not registered with integration 'shop'" in str(
        refused.error
    )


# --- through `jsrt serve`: a My API script's runMapping is answered by the served world.

API_JS = """
import { imports } from 'integrator-api'
function handleRequest(options) {
  const [mapped] = imports.runMapping({ import: options.body.import, data: [options.body.order] })
  return { statusCode: mapped.statusCode, body: mapped }
}
"""


def test_a_my_api_script_maps_through_run_mapping_on_jsrt_serve(tmp_path: Path) -> None:
    import httpx

    from jsrt.server import Account, create_app, running
    from jsrt.server.apis import load_served_world

    (tmp_path / "handlers.js").write_text(API_JS, encoding="utf-8")
    served = {**HOOK_WORLD, "apis": [{"_id": "map", "script": "handlers.js"}]}
    (tmp_path / "world.yaml").write_text(yaml.safe_dump(served), encoding="utf-8")
    world, apis, _ = load_served_world(tmp_path / "world.yaml")
    account = Account(world, apis=apis)
    token = "run-mapping-test-token"
    mapping = {key: HOOK_WORLD["imports"][0][key] for key in ("mappings", "lookups")}
    with (
        running(create_app(account, token=token), limits=account.limits) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http,
    ):
        found = http.post(
            "/v1/apis/map/request", json={"import": mapping, "order": {"id": 5, "country": "US"}}
        )
        missing = http.post(
            "/v1/apis/map/request", json={"import": mapping, "order": {"id": 6, "country": "FR"}}
        )
    assert found.status_code == 200, found.text
    assert found.json() == {"statusCode": 200, "data": {"id": "5", "region": "AMER"}, "errors": []}
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["code"] == "lookup_not_found"


# celigo/ai writing-handlebars/SKILL.md, "Import bubble": an import's templates see the
# import and its connection (a script sees a connection's secrets masked).
def test_handlebars_fields_see_the_import_and_its_masked_connection(sample_world):
    from jsrt.api.catalog import find_method
    from jsrt.api.checks import check_args
    from jsrt.backends.local import LocalBackend, World

    sample_world["connections"][0]["http"] = {"auth": {"basic": {"password": "s3cret"}}}
    backend = LocalBackend(World(sample_world))
    definition = {
        "name": "Put orders",
        "_connectionId": "conn",
        "mappings": [
            {
                "generate": "note",
                "dataType": "string",
                "extract": "{{import.name}} via {{connection.name}} "
                "{{connection.http.auth.basic.password}}",
                "status": "Active",
            }
        ],
    }
    options = {"import": definition, "data": [{}]}
    [answer] = backend.call(
        "imports", "runMapping", check_args(find_method("imports", "runMapping"), [options])
    )
    assert answer["statusCode"] == 200, answer
    assert answer["data"]["note"].startswith("Put orders via Shopify ")
    assert "s3cret" not in answer["data"]["note"]


DYNAMIC_HOOK = """
import { imports } from 'integrator-api'
function preSavePage(options) {
  const definition = {
    _id: 'lookupCustomers',
    mappings: [{ generate: 'customerId', dataType: 'string', extract: '$.email',
                 lookupName: 'customerByEmail', status: 'Active' }],
    lookups: [{ name: 'customerByEmail', relativeURI: '/customers?email={{email}}',
                extract: '$.customers[0].id', allowFailures: true, default: 'none' }],
  }
  return { data: imports.runMapping({ import: definition, data: options.data }).map(r => r.data) }
}
"""


# The dynamic lookup's answers come from the world's import of the same _id
# (jsrt/backends/local/lookups.py): the hook's definition carries no mocks.
def test_a_hook_s_dynamic_lookup_is_answered_by_the_world_s_import(tmp_path: Path) -> None:
    world = {
        **HOOK_WORLD,
        "imports": [
            {
                "_id": "lookupCustomers",
                "lookups": [
                    {
                        "name": "customerByEmail",
                        "relativeURI": "/customers?email={{email}}",
                        "extract": "$.customers[0].id",
                        "mockResponses": {"a@b.c": {"customers": [{"id": "C-7"}]}},
                        "mockResponse": {"customers": []},
                    }
                ],
            }
        ],
    }
    world_file = tmp_path / "world.yaml"
    world_file.write_text(yaml.safe_dump(world), encoding="utf-8")
    script = tmp_path / "customers.js"
    script.write_text(DYNAMIC_HOOK, encoding="utf-8")
    options = {
        "data": [{"email": "a@b.c"}, {"email": "x@y.z"}],
        "_integrationId": "shop",
        "_flowId": "orders",
    }
    result = Runtime(world_file, timeout_s=30).run_hook(script, "preSavePage", options)
    assert result.ok, result.error
    assert result.value["data"] == [{"customerId": "C-7"}, {"customerId": "none"}]
