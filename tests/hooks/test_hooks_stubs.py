"""The stubs ship as .js package data, one per script type, and each is a script jsrt runs."""

from __future__ import annotations

from importlib import resources
from typing import get_args

import pytest

from jsrt.engine import Isolate
from jsrt.hooks import CONTRACTS
from jsrt.hooks.kinds import SCRIPT_TYPES, ScriptType
from jsrt.hooks.stub import HOOK_CONTEXT_MARK, stub_text
from jsrt.loader import PUBLISHED_FUNCTIONS, prepare

STUBS = resources.files("jsrt.hooks.stubs")


def test_every_script_type_has_a_contract_and_a_stub_file_and_nothing_else_does() -> None:
    assert tuple(CONTRACTS) == SCRIPT_TYPES == get_args(ScriptType)
    shipped = {entry.name for entry in STUBS.iterdir() if entry.name.endswith(".js")}
    assert shipped == {f"{name}.js" for name in SCRIPT_TYPES}


@pytest.mark.parametrize("name", SCRIPT_TYPES)
def test_a_shipped_stub_loads_and_exposes_the_type_function(name: ScriptType) -> None:
    prepared = prepare(stub_text(name), f"{name}.js")
    assert prepared.functions == (name,)
    assert prepared.require_function(None) == name
    assert prepared.modules == ()
    assert prepared.syntax_error is None
    with Isolate() as isolate:  # V8 compiles and runs it as the runtime does
        isolate.eval_scoped(prepared.code, filename=prepared.filename, epilogue=prepared.epilogue)
        expression = f"typeof globalThis.{PUBLISHED_FUNCTIONS}.{name}"
        assert isolate.eval(expression, filename="jsrt:test.js") == "function"


@pytest.mark.parametrize("name", SCRIPT_TYPES)
def test_the_hook_context_is_filled_into_flow_hook_stubs_only(name: ScriptType) -> None:
    text = stub_text(name)
    assert HOOK_CONTEXT_MARK not in text and "<hook context>" not in text
    mentions_context = "_flowId, _integrationId, _connectionId" in text
    assert mentions_context == (CONTRACTS[name].script_kind == "hook")
