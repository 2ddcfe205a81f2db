"""The registry, samples and stubs: every type is there, samples and stubs keep their contract."""

from __future__ import annotations

import json
from typing import Any

import pytest
import tree_sitter_javascript
from py_mini_racer import MiniRacer
from tree_sitter import Language, Node, Parser

from jsrt.errors import EXIT_BAD_INPUT, InputError, UsageError
from jsrt.hooks import CONTRACTS, contract_for, infer_hook
from jsrt.hooks.kinds import ON_THROW

# name: (script_kind, per_record, resource, on_throw), from the brief and celigo-reference §1.2
TABLE = {
    "preSavePage": ("hook", False, "export", "page"),
    "preMap": ("hook", False, "import", "page"),
    "postMap": ("hook", False, "import", "page"),
    "postSubmit": ("hook", False, "import", "page"),
    "postAggregate": ("hook", False, "import", "fatal"),
    "postResponseMap": ("hook", False, "flow", "page"),
    "filter": ("hook", True, "export", "record"),
    "transform": ("hook", True, "export", "record"),
    "branching": ("hook", True, "flow", "record"),
    "handleRequest": ("api", False, None, "request"),
    "contentBasedFlowRouter": ("script", False, None, "request"),
    "formInit": ("script", False, None, "fatal"),
    "preSave": ("script", False, None, "fatal"),
    "step": ("installer", False, None, "fatal"),
    "update": ("installer", False, None, "fatal"),
}

# What a hook that changes nothing returns, for each type.
PASS_THROUGH = {
    "preSavePage": lambda o: {
        "data": o["data"],
        "errors": o["errors"],
        "abort": False,
        "newErrorsAndRetryData": [],
    },
    "preMap": lambda o: [{"data": r} for r in o["data"]],
    "postMap": lambda o: [{"data": r} for r in o["postMapData"]],
    "postSubmit": lambda o: o["responseData"],
    "postAggregate": lambda o: None,
    "postResponseMap": lambda o: o["postResponseMapData"],
    "filter": lambda o: True,
    "transform": lambda o: o["record"],
    "branching": lambda o: [0],
    "handleRequest": lambda o: {"statusCode": 200, "body": o.get("body", "")},
    "contentBasedFlowRouter": lambda o: {"_flowId": "5e1a00000000000000000002"},
    "formInit": lambda o: o["resource"]["settingsForm"]["form"],
    "preSave": lambda o: o["newResource"],
    "step": lambda o: None,
    "update": lambda o: None,
}

# The fields a user must give; every other field has a default.
REQUIRED = {
    "preSavePage": ("data",),
    "preMap": ("data",),
    "postMap": ("postMapData",),
    "postSubmit": ("postMapData",),
    "postResponseMap": ("postResponseMapData",),
    "filter": ("record",),
    "transform": ("record",),
    "branching": ("record",),
    "contentBasedFlowRouter": ("rawMessageBody",),
    "preSave": ("newResource",),
}

JS = Parser(Language(tree_sitter_javascript.language()))


def test_the_registry_holds_every_script_type_with_its_traits() -> None:
    assert set(CONTRACTS) == set(TABLE) == set(PASS_THROUGH)
    for name, contract in CONTRACTS.items():
        assert contract.name == name
        traits = (contract.script_kind, contract.per_record, contract.resource, contract.on_throw)
        assert traits == TABLE[name], name
        assert contract.on_throw in ON_THROW


def test_contract_for_accepts_router_and_any_case() -> None:
    assert contract_for("router") is CONTRACTS["branching"]
    assert contract_for("PreSavePage") is CONTRACTS["preSavePage"]
    assert contract_for("ROUTER") is CONTRACTS["branching"]


def test_an_unknown_type_lists_the_valid_ones_and_suggests_the_closest() -> None:
    with pytest.raises(UsageError) as caught:
        contract_for("preSavePag")
    error = caught.value
    assert error.exit_code == EXIT_BAD_INPUT
    assert "unknown script type 'preSavePag'" in error.message
    assert all(name in error.message for name in CONTRACTS)
    assert error.hint == "did you mean preSavePage?"


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("preMap", "preMap"),
        ("router", "branching"),
        ("handleRequest", "handleRequest"),
        ("preSavePage232", None),
        ("main", None),
        ("premap", None),
    ],
)
def test_infer_hook_reads_the_type_off_a_function_name(function: str, expected) -> None:
    assert infer_hook(function) == expected


@pytest.mark.parametrize("name", list(CONTRACTS))
def test_sample_options_are_complete_and_accepted_by_build_options(name: str) -> None:
    contract = CONTRACTS[name]
    sample = contract.sample_options()
    assert contract.build_options(sample) == sample
    assert contract.sample_options() == sample
    assert json.loads(json.dumps(sample)) == sample


@pytest.mark.parametrize("name", list(CONTRACTS))
def test_a_pass_through_return_on_the_sample_keeps_the_contract(name: str) -> None:
    contract = CONTRACTS[name]
    options = contract.sample_options()
    if contract.per_record:
        options = contract.split_records(options)[0]
    verdict = contract.judge(options, PASS_THROUGH[name](options))
    assert verdict.ok, verdict.problems
    assert verdict.problems == []


def _least_input(name: str) -> dict[str, Any]:
    """The sample's required fields only."""
    return {key: CONTRACTS[name].sample[key] for key in REQUIRED.get(name, ())}


@pytest.mark.parametrize("name", list(CONTRACTS))
def test_only_the_required_fields_are_needed(name: str) -> None:
    contract = CONTRACTS[name]
    least = _least_input(name)
    assert set(contract.build_options(least)) >= set(least)
    for key in least:
        with pytest.raises(InputError) as caught:
            contract.build_options({k: v for k, v in least.items() if k != key})
        assert "is missing" in caught.value.message and key in str(caught.value)


def _nodes(node: Node):
    yield node
    for child in node.children:
        yield from _nodes(child)


@pytest.mark.parametrize("name", list(CONTRACTS))
def test_stub_is_valid_javascript_declaring_the_type_function(name: str) -> None:
    stub = CONTRACTS[name].stub
    tree = JS.parse(stub.encode())
    broken = [n for n in _nodes(tree.root_node) if n.type == "ERROR" or n.is_missing]
    assert broken == []
    functions = [
        n.child_by_field_name("name").text.decode()
        for n in tree.root_node.children
        if n.type == "function_declaration"
    ]
    assert functions == [name]
    assert "options" in stub and "return" in stub.lower()


def _run_stub(name: str, options: dict[str, Any]) -> Any:
    with MiniRacer() as ctx:
        ctx.eval(CONTRACTS[name].stub)
        text = ctx.eval(f"JSON.stringify({name}({json.dumps(options)})) ?? 'null'")
    return json.loads(text)


@pytest.mark.parametrize("name", list(CONTRACTS))
def test_a_fresh_stub_keeps_its_own_contract(name: str) -> None:
    contract = CONTRACTS[name]
    for options in (contract.sample_options(), contract.build_options(_least_input(name))):
        if contract.per_record:
            options = contract.split_records(options)[0]
        verdict = contract.judge(options, _run_stub(name, options))
        assert verdict.ok, (name, verdict.problems)
