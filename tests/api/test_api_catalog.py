"""The catalog against the spec's list of objects and functions, and its argument checks."""

from __future__ import annotations

import pytest

from jsrt.api.catalog import CATALOG, find_method, js_surface
from jsrt.api.checks import check_args, script_checker
from jsrt.api.docs import catalog_table_markdown
from jsrt.api.errors import InvalidArgument

# Written out from runtime-objects-spec.txt, independently of the catalog's own tables.
SPEC = {
    "exports": [
        "find",
        "get",
        "create",
        "update",
        "patch",
        "delete",
        "run",
        "runVirtual",
        "runVirtualWithPaging",
    ],
    "imports": [
        "find",
        "get",
        "create",
        "update",
        "patch",
        "delete",
        "run",
        "runVirtual",
        "runMapping",
    ],
    "flows": ["find", "get", "create", "update", "patch", "delete", "run"],
    "connections": ["find", "get", "create", "update", "patch", "delete"],
    "integrations": ["get", "update", "delete"],
    "accessTokens": ["find", "get", "create", "update", "delete"],
    "asyncHelpers": ["find", "get", "create", "update", "delete"],
    "fileDefinitions": ["find", "get", "create", "update", "delete"],
    "state": ["getKeysForResource", "getForResource", "putForResource", "deleteForResource"],
    "lookupcaches": [
        "find",
        "get",
        "create",
        "update",
        "patch",
        "delete",
        "getData",
        "putData",
        "deleteData",
        "purgeData",
    ],
}


def test_the_surface_is_exactly_the_spec():
    surface = js_surface()
    assert {obj: sorted(names) for obj, names in surface.items()} == {
        obj: sorted(names) for obj, names in SPEC.items()
    }
    assert len(CATALOG) == sum(len(names) for names in SPEC.values())


@pytest.mark.parametrize(
    ("obj", "name"),
    [
        ("integrations", "find"),
        ("integrations", "create"),
        ("accessTokens", "patch"),
        ("state", "get"),
        ("request", "get"),
        ("exports", "invoke"),
    ],
)
def test_functions_the_spec_does_not_list_do_not_exist(obj, name):
    assert find_method(obj, name) is None


def test_every_entry_has_a_known_kind_description_and_local_behaviour():
    for method in CATALOG:
        assert method.kind in {"crud", "run", "data", "state"}, method.qualified
        assert method.description and method.local, method.qualified
        crud = method.name in {"find", "get", "create", "update", "patch", "delete"}
        assert (method.kind == "crud") == crud, method.qualified


@pytest.mark.parametrize(
    ("qualified", "route"),
    [
        ("exports.run", "POST /v1/exports/{_id}/invoke"),
        ("exports.runVirtualWithPaging", "POST /v1/exports/virtual/paged"),
        ("imports.run", "POST /v1/imports/{_id}/invoke"),
        ("flows.run", "POST /v1/flows/{_id}/run"),
        ("connections.patch", "PATCH /v1/connections/{_id}"),
        ("asyncHelpers.find", "GET /v1/asynchelpers"),
        ("state.getKeysForResource", "GET /v1/{resourceType}/{_id}/state"),
        ("state.putForResource", "PUT /v1/{resourceType}/{_id}/state/{key}"),
        ("lookupcaches.getData", "POST /v1/lookupcaches/{_id}/getData"),
        ("lookupcaches.putData", "POST /v1/lookupcaches/{_id}/data"),
        ("lookupcaches.deleteData", "DELETE /v1/lookupcaches/{_id}/data"),
        ("lookupcaches.purgeData", "DELETE /v1/lookupcaches/{_id}/data/purge"),
    ],
)
def test_rest_routes(qualified, route):
    obj, name = qualified.split(".")
    method = find_method(obj, name)
    assert str(method.route) == route


def test_run_mapping_has_no_public_route():
    assert find_method("imports", "runMapping").route is None


def test_hook_rules_follow_the_kind():
    assert find_method("exports", "get").hook_rule == "refused"
    assert find_method("imports", "runMapping").hook_rule == "integration"
    assert find_method("flows", "run").hook_rule == "allowed"
    assert find_method("lookupcaches", "putData").hook_rule == "registered_cache"
    assert find_method("lookupcaches", "find").hook_rule == "refused"
    assert find_method("state", "putForResource").hook_rule == "allowed"


def test_markdown_table_has_one_row_per_function():
    table = catalog_table_markdown()
    lines = table.strip().splitlines()
    assert lines[0].startswith("| object | method | kind | allowed in hooks | REST route |")
    assert len(lines) == 2 + len(CATALOG)
    run_mapping = next(line for line in lines if "runMapping" in line)
    assert "none (no public REST route)" in run_mapping
    get = next(line for line in lines if "`exports` | `get(_id)`" in line)
    assert "no (CRUD is not supported in hooks)" in get


# ---- argument checks ------------------------------------------------------------------


def checked(qualified: str, *args):
    """`check_args`' answer, which the bridge's checker of the method
    (`script_checker`) must give too: the same arguments, or the same message."""
    obj, name = qualified.split(".")
    method = find_method(obj, name)
    try:
        answer = check_args(method, list(args))
    except InvalidArgument as error:
        with pytest.raises(InvalidArgument) as bound:
            script_checker(method)(list(args))
        assert bound.value.message == error.message
        raise
    assert script_checker(method)(list(args)) == answer
    return answer


def refused(qualified: str, *args) -> str:
    with pytest.raises(InvalidArgument) as caught:
        checked(qualified, *args)
    assert caught.value.status_code == 400
    assert caught.value.code == "invalid_argument"
    return caught.value.message


def test_get_takes_an_id_string_or_an_id_object():
    assert checked("exports.get", "abc") == ["abc"]
    assert checked("connections.get", {"_id": "abc"}) == ["abc"]
    assert checked("flows.delete", {"_id": "f"}) == ["f"]


def test_get_refuses_other_shapes_with_the_spec_message():
    assert refused("exports.get", 5) == (
        "exports.get(_id): _id must be a string (or {_id: string}), got the number 5"
    )
    assert "got undefined" in refused("exports.get")
    assert "got an object {_id, name}" in refused("exports.get", {"_id": "a", "name": 1})
    assert 'got the string ""' in refused("imports.delete", "")


def test_trailing_undefined_arguments_are_ignored_but_extra_ones_refused():
    assert checked("exports.get", "abc", None) == ["abc"]
    message = refused("exports.get", "abc", "def")
    assert message == "exports.get(_id): takes one argument (_id), got 2"


def test_find_accepts_only_external_id():
    assert checked("exports.find") == [{}]
    assert checked("exports.find", None) == [{}]
    assert checked("exports.find", {"externalId": "x"}) == [{"externalId": "x"}]
    assert "only externalId is supported in the query, got name" in refused(
        "exports.find", {"name": "x"}
    )
    assert "query.externalId must be a string, got number" in refused(
        "exports.find", {"externalId": 1}
    )
    assert "query must be an object" in refused("flows.find", "x")


def test_create_takes_an_object_and_update_needs_its_id():
    assert checked("exports.create", {"name": "e"}) == [{"name": "e"}]
    assert "export must be an object, got array" in refused("exports.create", [])
    assert checked("imports.update", {"_id": "i", "x": 1}) == [{"_id": "i", "x": 1}]
    assert refused("imports.update", {"x": 1}) == (
        "imports.update(import): import._id is required (a string)"
    )
    assert "cache must be an object" in refused("lookupcaches.create", "x")


def test_patch_accepts_fields_or_json_patch():
    fields = {"_id": "e", "patch": {"name": "n"}}
    ops = {
        "_id": "e",
        "patch": [{"op": "replace", "path": "/name", "value": "n"}, {"op": "remove", "path": "/x"}],
    }
    assert checked("exports.patch", fields) == [fields]
    assert checked("lookupcaches.patch", ops) == [ops]


@pytest.mark.parametrize(
    ("patch", "problem"),
    [
        ("name", "options.patch must be an object of fields or a JSON-Patch array"),
        ([{"op": "move", "path": "/a"}], "options.patch[0].op must be one of add, replace, remove"),
        ([{"op": "add", "path": "a", "value": 1}], "options.patch[0].path must be a JSON pointer"),
        ([{"op": "add", "path": "/a"}], "options.patch[0].value is required for op 'add'"),
        (["x"], "options.patch[0] must be an operation {op, path, value}"),
    ],
)
def test_patch_refuses_bad_patches(patch, problem):
    assert problem in refused("flows.patch", {"_id": "f", "patch": patch})


def test_options_refuse_unknown_properties_and_name_the_accepted_ones():
    message = refused("exports.run", {"_id": "e", "listnerData": []})
    assert message == (
        "exports.run(options): unknown option listnerData; exports.run accepts "
        "_id, startDate, endDate, data, settings, listenerData"
    )


def test_options_check_types_and_required_fields():
    assert "options._id is required (a string)" in refused("exports.run", {"data": []})
    assert "options.data is required (an array)" in refused("imports.run", {"_id": "i"})
    assert 'options.data must be an array, got the string "x"' in refused(
        "imports.run", {"_id": "i", "data": "x"}
    )
    assert "options.settings must be an object" in refused(
        "imports.run", {"_id": "i", "data": [], "settings": [1]}
    )
    assert "options must be an object, got string" in refused("flows.run", "f")


def test_dates_arrive_as_iso_strings():
    good = {"_id": "e", "startDate": "2024-05-01T10:00:00.000Z"}
    assert checked("exports.run", good) == [good]
    assert (
        'options.endDate must be a Date (or an ISO date string), got the string "yesterday"'
        in refused("flows.run", {"_id": "f", "endDate": "yesterday"})
    )


def test_optional_nulls_are_dropped():
    assert checked("exports.run", {"_id": "e", "settings": None}) == [{"_id": "e"}]


def test_state_resource_type_must_be_one_of_the_five():
    ok = {"resourceType": "imports", "_id": "i", "key": "k", "value": {"a": 1}}
    assert checked("state.putForResource", ok) == [ok]
    message = refused("state.getForResource", {"resourceType": "import", "_id": "i", "key": "k"})
    assert "options.resourceType must be one of integrations, flows, imports, exports, " in message
    assert "options.key is required (a string)" in refused(
        "state.getForResource", {"resourceType": "imports", "_id": "i"}
    )
    assert checked("state.getKeysForResource", {"resourceType": "flows", "_id": "f"})


def test_get_data_page_size_is_a_count_and_excludes_keys():
    assert checked("lookupcaches.getData", {"_id": "c", "pageSize": "50"}) == [
        {"_id": "c", "pageSize": 50}
    ]
    assert checked("lookupcaches.getData", {"_id": "c", "pageSize": 7}) == [
        {"_id": "c", "pageSize": 7}
    ]
    assert "options.pageSize must be a positive integer, got 0" in refused(
        "lookupcaches.getData", {"_id": "c", "pageSize": 0}
    )
    assert "options.pageSize can be provided only if keys is not provided" in refused(
        "lookupcaches.getData", {"_id": "c", "pageSize": 5, "keys": ["a"]}
    )
    assert "options.keys[1] must be a string, got the number 2" in refused(
        "lookupcaches.getData", {"_id": "c", "keys": ["a", 2]}
    )


def test_cache_data_functions_need_their_arrays():
    assert "options.keys is required (an array)" in refused("lookupcaches.deleteData", {"_id": "c"})
    assert "options.data is required (an array)" in refused("lookupcaches.putData", {"_id": "c"})
    assert checked("lookupcaches.purgeData", {"_id": "c"}) == [{"_id": "c"}]


def test_virtual_runs_need_their_definition():
    assert "options.export is required (an object)" in refused("exports.runVirtual", {})
    assert "options.import is required (an object)" in refused("imports.runMapping", {"data": []})
    paged = {"export": {}, "pagedExportState": {"jsrtPage": 1}}
    assert checked("exports.runVirtualWithPaging", paged) == [paged]
