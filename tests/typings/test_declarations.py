"""The declarations `jsrt types` writes cover the catalog and the contracts, derived from
them: every runtime function with its options, every script type with what it receives."""

from __future__ import annotations

import re

import pytest

from jsrt.api.catalog import CATALOG, Method
from jsrt.hooks import CONTRACTS
from jsrt.hooks.kinds import SCRIPT_TYPES
from jsrt.typings import globals_declarations, integrator_api_declarations
from jsrt.typings.api import api_type_name, field_type, method_return, options_type_name
from jsrt.typings.hooks import option_fields
from jsrt.typings.ts import type_name

DECLARED = integrator_api_declarations()


def _block(kind: str, name: str) -> str:
    """The body of `export interface NAME { ... }` in the integrator-api module."""
    found = re.search(rf"export {kind} {re.escape(name)} \{{\n(.*?)\n  \}}\n", DECLARED, re.S)
    assert found, f"no {kind} {name} in the declarations"
    return found.group(1)


@pytest.mark.parametrize("method", CATALOG, ids=lambda m: m.qualified)
def test_every_catalog_function_is_declared_on_its_object(method: Method) -> None:
    assert f"export const {method.obj}: {api_type_name(method.obj)};" in DECLARED
    functions = _block("interface", api_type_name(method.obj))
    declared = re.search(rf"^    {method.name}\((.*)\): (.*);$", functions, re.M)
    assert declared, f"{method.qualified} is not declared"
    assert declared.group(2) == method_return(method)
    if method.shape == "options":
        assert options_type_name(method) in declared.group(1)
        options = _block("interface", options_type_name(method))
        for field in method.fields:
            mark = "" if field.required else "?"
            assert f"    {field.name}{mark}: {field_type(field)};" in options


def test_an_object_declares_no_function_the_catalog_lacks() -> None:
    # integrator.io has no integrations.find: the runtime objects specification
    declared = re.findall(r"^    (\w+)\(", _block("interface", "IntegrationsApi"), re.M)
    assert declared == ["get", "update", "delete"]


def test_identifiers_and_documents_are_typed_as_the_spec_says() -> None:
    exports = _block("interface", "ExportsApi")
    # exports.get(_id): _id <String, required>; the reserved word becomes a parameter name
    assert "    get(_id: string): IntegratorDocument | undefined;" in exports
    assert "    create(exportDocument: JsonObject): IntegratorDocument;" in exports
    assert "    find(query?: { externalId?: string }): IntegratorDocument[];" in exports
    state = _block("interface", "StateGetForResourceOptions")
    assert '"integrations" | "flows" | "imports" | "exports" | "connections"' in state


@pytest.mark.parametrize("script_type", SCRIPT_TYPES)
def test_every_script_type_has_options_result_and_function_types(script_type: str) -> None:
    stem = type_name(script_type)
    options = _block("interface", f"{stem}Options")
    assert f"export type {stem}Result = " in DECLARED
    assert f"export type {stem}Hook = (options: {stem}Options) => {stem}Result;" in DECLARED
    # every field of what `jsrt sample TYPE` builds is declared
    built = CONTRACTS[script_type].sample_options()
    declared = set(re.findall(r"^    (\w+)\??:", options, re.M))
    assert set(built) <= declared


def _fields(script_type: str) -> dict[str, tuple[str, bool]]:
    return {f.name: (f.type, f.optional) for f in option_fields(CONTRACTS[script_type])}


def test_option_types_follow_how_the_contract_reads_them() -> None:
    pre_save_page = _fields("preSavePage")
    assert pre_save_page["data"] == ("JsonRecord[]", False)
    assert pre_save_page["errors"] == ("IntegratorError[]", False)
    assert pre_save_page["pageIndex"] == ("number", False)
    assert pre_save_page["files"] == ("any[]", True)  # file exports only
    post_response_map = _fields("postResponseMap")
    assert post_response_map["postResponseMapData"] == ("JsonRecord[]", False)
    assert post_response_map["responseData"] == ("ImportResponse[]", False)
    assert post_response_map["pathToMany"] == ("string", True)
    assert _fields("filter")["record"] == ("JsonRecord", False)
    assert _fields("preSave")["oldResource"] == ("JsonObject", True)  # absent on a create


def test_a_hook_on_either_resource_has_either_id_and_its_settings_optional() -> None:
    # filter and postResponseMap sit on an export or an import (their contracts' receives)
    fields = _fields("postResponseMap")
    assert fields["_exportId"] == ("string", True)
    assert fields["_importId"] == ("string", True)
    settings = fields["settings"][0]
    assert "export?: JsonObject;" in settings and "import?: JsonObject;" in settings
    assert "integration: JsonObject;" in settings
    assert _fields("preMap")["_importId"] == ("string", False)
    assert "_exportId" not in _fields("preMap")


def test_the_context_the_runtime_builds_is_typed_by_its_properties() -> None:
    job = _fields("postSubmit")["job"][0]
    assert job == "{ _id: string; type: string; startedAt: string; [key: string]: any; }"
    # what a user gives as data stays open: no properties read off a sample
    assert _fields("handleRequest")["queryParams"] == ("JsonObject", False)
    assert _fields("handleRequest")["body"] == ("any", False)


def test_results_follow_the_contracts_checks() -> None:
    assert "export type FilterResult = boolean;" in DECLARED
    assert "export type BranchingResult = number | number[];" in DECLARED
    assert "export type PreMapResult = MappedRecord[];" in DECLARED
    assert "export type StepResult = void;" in DECLARED


def test_globals_have_console_and_say_why_process_is_absent() -> None:
    text = globals_declarations()
    assert "declare var console: Console;" in text
    for name in ("log", "info", "warn", "error", "debug", "trace"):
        assert f"  {name}(...data: any[]): void;" in text
    assert 'declare const process: "integrator.io scripts have no process object' in text
    # timers, fetch, require and the DOM stay undeclared: unknown names to the editor
    assert re.findall(r"declare (?:var|const|let|function) (\w+)", text) == [
        "console",
        "process",
        "Buffer",
    ]
