"""build_options and split_records: complete options from minimal input and the world."""

from __future__ import annotations

import pytest

from jsrt.errors import EXIT_BAD_INPUT, InputError, UsageError
from jsrt.hooks import CONTRACTS, contract_for
from jsrt.hooks.context import LAST_RUN_AT, PLACEHOLDER_IDS, RUN_STARTED_AT

HOOK_CONTEXT = {"_flowId", "_integrationId", "settings", "testMode", "sandbox", "job"}
RESOURCE_CONTEXT = {"_connectionId"}
EXPORT_CONTEXT = HOOK_CONTEXT | RESOURCE_CONTEXT | {"_exportId"}
IMPORT_CONTEXT = HOOK_CONTEXT | RESOURCE_CONTEXT | {"_importId"}
DELTA = {"lastExportDateTime", "currentExportDateTime"}
RECORD = {"id": "SO-1", "total": 12.5}

# The least a user gives for each type, and every field the built options must then hold.
MINIMAL = {
    "preSavePage": (
        {"data": [RECORD]},
        {"data", "errors", "retryData", "pageIndex"} | DELTA | EXPORT_CONTEXT,
    ),
    "preMap": ({"data": [RECORD]}, {"data"} | IMPORT_CONTEXT),
    "postMap": ({"postMapData": [RECORD]}, {"preMapData", "postMapData"} | IMPORT_CONTEXT),
    "postSubmit": (
        {"postMapData": [RECORD]},
        {"preMapData", "postMapData", "responseData"} | IMPORT_CONTEXT,
    ),
    "postAggregate": ({}, {"postAggregateData"} | IMPORT_CONTEXT),
    "postResponseMap": (
        {"postResponseMapData": [RECORD]},
        {"postResponseMapData", "responseData", "oneToMany"} | IMPORT_CONTEXT,
    ),
    "filter": ({"record": RECORD}, {"record", "pageIndex"} | DELTA | EXPORT_CONTEXT),
    "transform": ({"record": RECORD}, {"record"} | EXPORT_CONTEXT),
    "branching": ({"record": RECORD}, {"record"} | HOOK_CONTEXT),
    "handleRequest": (
        {},
        {"method", "headers", "queryString", "queryParams", "pathParams", "rawBody", "_apiId"}
        | {"settings", "sandbox"},
    ),
    "contentBasedFlowRouter": (
        {"rawMessageBody": "ISA*00*~"},
        {"httpHeaders", "mimeHeaders", "rawMessageBody"},
    ),
    "formInit": ({}, {"resource", "sandbox"}),
    "preSave": ({"newResource": {"name": "x"}}, {"newResource", "sandbox"}),
    "step": ({}, {"resource", "license"}),
    "update": ({}, {"resource", "license"}),
}

HOOKS = [name for name, c in CONTRACTS.items() if c.script_kind == "hook"]


def test_every_script_type_has_a_minimal_case() -> None:
    assert set(MINIMAL) == set(CONTRACTS)


@pytest.mark.parametrize("name", list(MINIMAL))
def test_minimal_input_gives_every_documented_field(name: str) -> None:
    given, fields = MINIMAL[name]
    options = contract_for(name).build_options(dict(given))
    assert set(options) == fields
    for key, value in given.items():
        assert options[key] == value


@pytest.mark.parametrize("name", list(MINIMAL))
def test_building_does_not_change_the_input_and_is_deterministic(name: str) -> None:
    given, _ = MINIMAL[name]
    before = repr(given)
    first = contract_for(name).build_options(given)
    assert repr(given) == before
    assert contract_for(name).build_options(given) == first


def test_defaults_without_a_world_are_placeholders_and_fixed_times() -> None:
    options = contract_for("preSavePage").build_options({"data": []})
    assert options["_exportId"] == PLACEHOLDER_IDS["export"]
    assert options["_connectionId"] == PLACEHOLDER_IDS["connection"]
    assert options["_flowId"] == PLACEHOLDER_IDS["flow"]
    assert options["_integrationId"] == PLACEHOLDER_IDS["integration"]
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in PLACEHOLDER_IDS.values())
    assert options["settings"] == {
        "integration": {},
        "flowGrouping": {},
        "flow": {},
        "export": {},
        "connection": {},
    }
    assert options["job"] == {
        "_id": PLACEHOLDER_IDS["job"],
        "type": "export",
        "startedAt": RUN_STARTED_AT,
    }
    assert (options["lastExportDateTime"], options["currentExportDateTime"]) == (
        LAST_RUN_AT,
        RUN_STARTED_AT,
    )
    assert (options["errors"], options["retryData"], options["pageIndex"]) == ([], {}, 0)
    assert options["testMode"] is False and options["sandbox"] is False


@pytest.mark.parametrize("name", HOOKS)
def test_given_context_fields_win_and_partial_settings_and_job_merge(name: str) -> None:
    given = dict(MINIMAL[name][0])
    given.update(
        _flowId="f" * 24,
        _integrationId="a" * 24,
        testMode=True,
        sandbox=True,
        settings={"flow": {"batch": 10}},
        job={"_id": "J1", "parentJob": "J0"},
        configuration={"custom": 1},
    )
    options = contract_for(name).build_options(given)
    assert options["_flowId"] == "f" * 24 and options["_integrationId"] == "a" * 24
    assert options["testMode"] is True and options["sandbox"] is True
    assert options["settings"]["flow"] == {"batch": 10}
    assert options["settings"]["integration"] == {}
    assert options["job"]["_id"] == "J1" and options["job"]["parentJob"] == "J0"
    assert "startedAt" in options["job"]
    assert options["configuration"] == {"custom": 1}


def test_export_id_finds_connection_flow_integration_and_every_settings(world) -> None:
    options = contract_for("preSavePage").build_options({"data": [], "_exportId": "E1"}, world)
    assert options["_connectionId"] == "C1"
    assert options["_flowId"] == "F1"
    assert options["_integrationId"] == "I1"
    assert "_parentIntegrationId" not in options
    assert options["settings"] == {
        "integration": {"storeName": "acme"},
        "flowGrouping": {"region": "EU"},
        "flow": {"batch": 50},
        "export": {"exportType": "delta"},
        "connection": {"apiVersion": "2024-01"},
    }


def test_import_id_finds_the_flow_through_its_page_processors(world) -> None:
    options = contract_for("preMap").build_options({"data": [], "_importId": "M1"}, world)
    assert (options["_connectionId"], options["_flowId"], options["_integrationId"]) == (
        "C2",
        "F1",
        "I1",
    )
    assert options["settings"]["import"] == {"mode": "upsert"}
    assert options["settings"]["connection"] == {"account": "TSTDRV1"}
    assert options["job"]["type"] == "import"


def test_given_ids_win_over_the_world(world) -> None:
    options = contract_for("preSavePage").build_options(
        {"data": [], "_exportId": "E1", "_connectionId": "C2", "_flowId": "F0"}, world
    )
    assert options["_connectionId"] == "C2"
    assert options["settings"]["connection"] == {"account": "TSTDRV1"}
    assert options["_flowId"] == "F0" and options["_integrationId"] == "I2"
    assert options["settings"]["flow"] == {}


def test_a_flow_the_world_does_not_hold_is_refused_with_the_closest(world) -> None:
    with pytest.raises(UsageError) as refused:
        contract_for("preSavePage").build_options({"data": [], "_flowId": "F2"}, world)
    assert refused.value.message == (
        "preSavePage options: `_flowId` is 'F2', which is not a flow in the world"
    )
    assert refused.value.hint == "the closest flows in the world: 'F0', 'F1'; or leave _flowId out"
    assert refused.value.exit_code == EXIT_BAD_INPUT


def test_a_child_integration_gives_the_parent_id(world) -> None:
    options = contract_for("preSavePage").build_options({"data": [], "_exportId": "E9"}, world)
    assert options["_flowId"] == "F0"
    assert options["_integrationId"] == "I2"
    assert options["_parentIntegrationId"] == "I1"


def test_an_unused_resource_in_a_world_of_several_flows_asks_for_the_flow(world) -> None:
    with pytest.raises(UsageError) as refused:
        contract_for("preMap").build_options({"data": [], "_importId": "nope"}, world)
    assert refused.value.message == (
        "preMap options: `_flowId` is not given and the world holds 2 flows, none of which "
        "uses import 'nope', so which one the hook runs in is unknown"
    )
    assert refused.value.hint == "give _flowId, one of: 'F0', 'F1'"
    assert refused.value.details["candidates"] == ["F0", "F1"]


def test_ids_the_world_does_not_know_keep_placeholders_and_empty_settings(world) -> None:
    options = contract_for("preMap").build_options(
        {"data": [], "_importId": "nope", "_flowId": "F1"}, world
    )
    assert options["_importId"] == "nope"
    assert options["_connectionId"] == PLACEHOLDER_IDS["connection"]
    assert options["settings"]["import"] == options["settings"]["connection"] == {}


def test_record_hooks_sit_on_an_import_when_given_an_import_id(world) -> None:
    options = contract_for("filter").build_options({"record": RECORD, "_importId": "M1"}, world)
    assert "_exportId" not in options
    assert options["_importId"] == "M1" and options["_flowId"] == "F1"
    assert options["settings"]["import"] == {"mode": "upsert"}
    assert "export" not in options["settings"]


def test_a_router_gets_flow_context_without_a_resource(world) -> None:
    options = contract_for("router").build_options({"record": RECORD, "_flowId": "F1"}, world)
    assert options["_integrationId"] == "I1"
    assert set(options["settings"]) == {"integration", "flowGrouping", "flow"}
    assert "_connectionId" not in options and options["job"]["type"] == "flow"


def test_post_response_map_on_a_lookup_gets_lookup_responses(world) -> None:
    contract = contract_for("postResponseMap")
    lookup = contract.build_options({"postResponseMapData": [RECORD], "_exportId": "E2"}, world)
    assert lookup["_flowId"] == "F1" and lookup["_connectionId"] == "C2"
    # Each response carries statusCode and ignored, a lookup's also data (the UI's
    # postResponseMap stub; the runtime objects specification's response fields).
    assert lookup["responseData"] == [
        {"statusCode": 200, "data": [], "errors": [], "ignored": False}
    ]
    assert "_importId" not in lookup
    imported = contract.build_options({"postResponseMapData": [RECORD, RECORD]})
    assert [r["statusCode"] for r in imported["responseData"]] == [200, 200]
    assert imported["_importId"] == PLACEHOLDER_IDS["import"]
    assert imported["oneToMany"] is False and "pathToMany" not in imported


def test_given_lookup_responses_are_completed_as_integrator_io_passes_them(world) -> None:
    contract = contract_for("postResponseMap")
    given = {
        "postResponseMapData": [RECORD, RECORD, RECORD],
        "responseData": [
            {"data": [{"sku": "A-100", "onHand": 4}]},
            {"errors": [{"code": "404", "message": "not found"}]},
            {"statusCode": 200, "data": [], "ignored": True},
        ],
        "_exportId": "E2",
    }
    options = contract.build_options(given, world)
    assert options["responseData"] == [
        {
            "statusCode": 200,
            "ignored": False,
            "errors": [],
            "data": [{"sku": "A-100", "onHand": 4}],
        },
        {"statusCode": 422, "ignored": False, "errors": [{"code": "404", "message": "not found"}]},
        {"statusCode": 200, "ignored": True, "errors": [], "data": []},
    ]
    assert given["responseData"][0] == {"data": [{"sku": "A-100", "onHand": 4}]}  # not changed


def test_given_import_responses_of_post_submit_carry_status_and_ignored() -> None:
    options = contract_for("postSubmit").build_options(
        {"postMapData": [RECORD], "responseData": [{"id": "48213"}]}
    )
    assert options["responseData"] == [
        {"statusCode": 200, "ignored": False, "errors": [], "id": "48213"}
    ]


def test_post_submit_fills_records_or_responses_from_whichever_is_given() -> None:
    contract = contract_for("postSubmit")
    from_records = contract.build_options({"postMapData": [RECORD, RECORD]})
    assert from_records["preMapData"] == [RECORD, RECORD]
    assert [r["statusCode"] for r in from_records["responseData"]] == [200, 200]
    assert from_records["responseData"][0]["errors"] == []
    from_responses = contract.build_options({"responseData": [{"statusCode": 422}]})
    assert from_responses["preMapData"] == [{}] and from_responses["postMapData"] == [{}]
    with pytest.raises(InputError, match="`responseData` is missing"):
        contract.build_options({})


def test_post_map_copies_records_into_pre_map_data_when_missing() -> None:
    options = contract_for("postMap").build_options({"postMapData": [RECORD]})
    assert options["preMapData"] == [RECORD]
    assert options["preMapData"] is not options["postMapData"]


def test_handle_request_fills_both_query_forms_and_both_body_forms() -> None:
    contract = contract_for("handleRequest")
    posted = contract.build_options(
        {"method": "post", "body": {"a": [1, "é"]}, "queryParams": {"q": "1"}}
    )
    assert posted["method"] == "POST"
    assert posted["rawBody"] == '{"a":[1,"é"]}'
    assert posted["queryString"] == {"q": "1"} and posted["queryParams"] == {"q": "1"}
    assert posted["pathParams"] == {} and posted["headers"] == {}
    raw = contract.build_options({"rawBody": '{"n": 2}'})
    assert raw["method"] == "POST" and raw["body"] == {"n": 2}
    form = contract.build_options({"rawBody": "a=1&b=2"})
    assert "body" not in form and form["rawBody"] == "a=1&b=2"
    bare = contract.build_options({})
    assert bare["method"] == "GET" and "body" not in bare and bare["rawBody"] == ""
    text = contract.build_options({"body": "hello"})
    assert text["rawBody"] == "hello"


def test_form_init_default_resource_has_a_settings_form() -> None:
    options = contract_for("formInit").build_options({})
    assert options["resource"]["settingsForm"]["form"] == {"fieldMap": {}, "layout": {"fields": []}}
    assert options["sandbox"] is False
    assert "license" not in options


@pytest.mark.parametrize(
    ("name", "given", "field", "words"),
    [
        ("preSavePage", {"data": {"id": 1}}, "data", ["`data` must be an array", "an object {id}"]),
        ("preSavePage", {}, "data", ["`data` is missing", "an array"]),
        ("preSavePage", {"data": [{}, "x"]}, "data[1]", ["must be a record", 'the string "x"']),
        ("preSavePage", {"data": [], "errors": ["oops"]}, "errors[0]", ["error object"]),
        ("preSavePage", {"data": [], "pageIndex": -1}, "pageIndex", ["0 or more"]),
        ("preSavePage", {"data": [{}], "files": []}, "data", ["`files` has 0", "`data` has 1"]),
        ("preMap", {"data": None}, "data", ["`data` must be an array", "undefined"]),
        (
            "postMap",
            {"postMapData": [{}], "preMapData": [{}, {}]},
            "postMapData",
            ["`postMapData` has 1", "`preMapData` has 2"],
        ),
        (
            "postSubmit",
            {"postMapData": [{}], "responseData": [1]},
            "responseData[0]",
            ["response object"],
        ),
        (
            "postResponseMap",
            {"postResponseMapData": [{}], "responseData": []},
            "postResponseMapData",
            ["differ in length"],
        ),
        ("filter", {}, "record", ["`record` is missing", "a record"]),
        ("filter", {"record": "x"}, "record", ["`record` must be a record"]),
        ("filter", {"record": {}, "records": [{}]}, "records", ["not several"]),
        ("transform", {"records": [{}, 3]}, "records[1]", ["must be a record"]),
        ("filter", {"record": {}, "testMode": "yes"}, "testMode", ["true or false"]),
        ("preMap", {"data": [], "_importId": 7}, "_importId", ["a string"]),
        ("preMap", {"data": [], "settings": []}, "settings", ["an object"]),
        ("handleRequest", {"method": "GET /x"}, "method", ["HTTP method"]),
        ("handleRequest", {"headers": "a: b"}, "headers", ["an object"]),
        ("contentBasedFlowRouter", {}, "rawMessageBody", ["`rawMessageBody` is missing"]),
        ("preSave", {"newResource": []}, "newResource", ["an object"]),
        ("step", {"_connectionId": 5}, "_connectionId", ["a string"]),
    ],
)
def test_wrong_input_is_an_input_error_naming_the_field(
    name: str, given: dict, field: str, words: list[str]
) -> None:
    with pytest.raises(InputError) as caught:
        contract_for(name).build_options(given)
    error = caught.value
    assert error.exit_code == EXIT_BAD_INPUT
    assert error.details["path"] == field
    assert error.details["script_type"] == name
    assert str(error).startswith(f"{name} options")
    assert error.hint
    for word in words:
        assert word in error.message


def test_options_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(InputError, match=r"preMap options must be an object \{...\}; got an array"):
        contract_for("preMap").build_options([{"id": 1}])  # type: ignore[arg-type]


def test_split_records_gives_one_options_per_record_with_shared_context() -> None:
    contract = contract_for("filter")
    built = contract.build_options({"records": [{"n": 1}, [{"n": 2}, {"n": 3}]], "testMode": True})
    split = contract.split_records(built)
    assert [o["record"] for o in split] == [{"n": 1}, [{"n": 2}, {"n": 3}]]
    assert all("records" not in o and o["testMode"] is True for o in split)
    assert split[0]["_flowId"] == split[1]["_flowId"] == PLACEHOLDER_IDS["flow"]
    by_data = contract_for("transform").split_records(
        contract_for("transform").build_options({"data": [{"n": 1}]})
    )
    assert [o["record"] for o in by_data] == [{"n": 1}] and "data" not in by_data[0]
    single = contract.build_options({"record": {"n": 9}})
    assert contract.split_records(single) == [single]


def test_split_records_refuses_page_types_and_options_without_records() -> None:
    with pytest.raises(UsageError, match="once per page"):
        contract_for("preMap").split_records({"data": []})
    with pytest.raises(InputError, match="record"):
        contract_for("branching").split_records({"testMode": False})


def test_the_local_backend_world_serves_as_the_world() -> None:
    from jsrt.backends.local.models import World

    world = World(
        {
            "integrations": [{"_id": "I1", "settings": {"storeName": "acme"}}],
            "flows": [
                {
                    "_id": "F1",
                    "_integrationId": "I1",
                    "pageProcessors": [{"type": "import", "_importId": "M1"}],
                }
            ],
            "imports": [{"_id": "M1", "_connectionId": "C1", "settings": {"mode": "upsert"}}],
            "connections": [{"_id": "C1", "settings": {"account": "TSTDRV1"}}],
        }
    )
    options = contract_for("preMap").build_options({"data": [], "_importId": "M1"}, world)
    assert (options["_flowId"], options["_integrationId"], options["_connectionId"]) == (
        "F1",
        "I1",
        "C1",
    )
    assert options["settings"]["import"] == {"mode": "upsert"}
    assert options["settings"]["connection"] == {"account": "TSTDRV1"}


def test_a_standalone_flow_gives_no_integration_id(world) -> None:
    world.collections["flows"]["F9"] = {"_id": "F9", "pageGenerators": [{"_exportId": "E7"}]}
    world.collections["exports"]["E7"] = {"_id": "E7", "_connectionId": "C1"}
    options = contract_for("preSavePage").build_options({"data": [], "_exportId": "E7"}, world)
    assert options["_flowId"] == "F9"
    assert "_integrationId" not in options
    assert options["settings"]["integration"] == {}
