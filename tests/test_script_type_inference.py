"""A script's type read off its function's name: every name the integrator.io UI's stubs
have used is inferred, and a name that says no type runs as a plain function with a
warning naming `--hook` (Runtime, `jsrt run`, `jsrt test`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from jsrt.cli import main
from jsrt.hooks import CONTRACTS, infer_hook
from jsrt.hooks.kinds import SCRIPT_TYPES, STUB_FUNCTION_NAMES
from jsrt.runner import Runtime

# Shaped like public scripts that kept the UI's first stub names.
PRE_SAVE_PAGE_FUNCTION = """
/*
* preSavePageFunction stub:
*
* The name of the function can be changed to anything you like.
*/
function preSavePageFunction (options) {
  var d = options.data;
  for (var i = 0; i < d.length; i++) {
    var a = d[i].Attachments || [];
    for (var j = 0; j < a.length; j++) {
      var types = a[j].Name.split(".");
      a[j].contentType = types[1] == 'PNG' || types[1] == 'png' ? 'image/png' : 'other';
    }
  }
  return { data: d, errors: options.errors }
}
"""

POST_SUBMIT_WITH_HELPERS = """
function toMessage(error) {
  return error.code + ': ' + error.message
}

function postSubmitFunction(options) {
  return options.responseData.map(function (response) {
    if (response.statusCode !== 200) {
      response.errors = response.errors.map(function (e) {
        return { code: e.code, message: toMessage(e), source: 'postSubmit' }
      })
    }
    return response
  })
}
"""

CONVERT_OBJ_TO_ARRAY = """
function convertObjToArray(options) {
  return {
    data: options.data.map(function (record) {
      return Object.keys(record).map(function (key) { return { key: key, value: record[key] } })
    }),
    errors: options.errors
  }
}
"""


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(timeout_s=5)


def _renamed_stub(script_type: str, name: str) -> str:
    """The type's stub with its entry function named `name`."""
    stub = CONTRACTS[script_type].stub
    renamed, count = re.subn(rf"\bfunction {script_type}\b", f"function {name}", stub)
    assert count == 1, f"the {script_type} stub does not define function {script_type}"
    return renamed


def test_the_table_names_every_script_type_and_only_known_types() -> None:
    assert set(STUB_FUNCTION_NAMES.values()) <= set(SCRIPT_TYPES)
    assert all(STUB_FUNCTION_NAMES[name] == name for name in SCRIPT_TYPES)


@pytest.mark.parametrize(("name", "script_type"), sorted(STUB_FUNCTION_NAMES.items()))
def test_every_stub_function_name_runs_as_its_type(
    runtime: Runtime, name: str, script_type: str
) -> None:
    """Each name the UI's stubs used: inferred, completed options, judged, no warning."""
    assert infer_hook(name) == script_type
    contract = CONTRACTS[script_type]
    result = runtime.run_hook(
        f"{name}.js", None, contract.sample, source=_renamed_stub(script_type, name)
    )
    assert result.hook == script_type and result.function == name
    assert result.warnings == []
    assert result.options == contract.build_options(contract.sample)


def test_an_old_stub_name_is_judged_by_its_contract(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        function preMapFunction(options) {
          return options.data.slice(1).map(function (d) { return { data: d } })
        }
        """
    )
    result = runtime.run_hook(script, options={"data": [{"id": 1}, {"id": 2}]})
    assert result.hook == "preMap" and not result.ok
    assert "Expected 2, got 1" in result.problems[0]


def test_a_real_shaped_pre_save_page_function_gets_complete_options(
    runtime: Runtime, write_script
) -> None:
    script = write_script(PRE_SAVE_PAGE_FUNCTION)
    data = [{"Id": "a1", "Attachments": [{"Name": "scan.PNG"}, {"Name": "memo.pdf"}]}]
    result = runtime.run_hook(script, options={"data": data})
    assert result.ok, result.error
    assert result.hook == "preSavePage" and result.warnings == []
    # `errors` was completed from the contract; the script returned it as it came.
    assert result.value["errors"] == []
    kinds = [a["contentType"] for a in result.value["data"][0]["Attachments"]]
    assert kinds == ["image/png", "other"]


def test_the_stub_named_function_is_chosen_among_helpers(runtime: Runtime, write_script) -> None:
    script = write_script(POST_SUBMIT_WITH_HELPERS)
    responses = [
        {"statusCode": 200, "id": "7", "ignored": False, "errors": []},
        {
            "statusCode": 422,
            "ignored": False,
            "errors": [{"code": "INVALID", "message": "bad item", "source": "netsuite"}],
        },
    ]
    result = runtime.run_hook(script, options={"responseData": responses})
    assert result.function == "postSubmitFunction" and result.hook == "postSubmit"
    assert result.value[1]["errors"][0]["message"] == "INVALID: bad item"


def test_an_arbitrary_name_runs_as_a_plain_function_and_warns(
    runtime: Runtime, write_script
) -> None:
    script = write_script(CONVERT_OBJ_TO_ARRAY)
    result = runtime.run_hook(script, options={"data": [{"a": 1}], "errors": []})
    assert result.ok and result.hook is None
    assert result.value["data"] == [[{"key": "a", "value": 1}]]
    assert result.options == {"data": [{"a": 1}], "errors": []}  # nothing completed
    (warning,) = result.warnings
    assert warning.startswith(
        "convertObjToArray's script type is not known from its name; it ran as a plain"
        " function with no contract"
    )
    assert "--hook preSavePage (or another type)" in warning
    assert result.to_json()["warnings"] == [warning]


def test_a_name_that_contains_a_type_suggests_that_type(runtime: Runtime) -> None:
    source = "function preSavePage232(options) { return options }"
    result = runtime.run_hook("p.js", None, {"data": []}, source=source)
    assert result.hook is None
    assert "give --hook preSavePage to judge it" in result.warnings[0]


def test_naming_the_hook_silences_the_warning(runtime: Runtime, write_script) -> None:
    script = write_script(CONVERT_OBJ_TO_ARRAY)
    result = runtime.run_hook(script, options={"data": [{"a": 1}]}, hook="preSavePage")
    assert result.ok and result.hook == "preSavePage" and result.warnings == []


def test_jsrt_run_warns_on_stderr_and_in_json(write_script) -> None:
    script = write_script(CONVERT_OBJ_TO_ARRAY)
    options = '{"data": [{"a": 1}], "errors": []}'
    plain = CliRunner().invoke(main, ["run", str(script), "--options", "-"], input=options)
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout) == {"data": [[{"key": "a", "value": 1}]], "errors": []}
    assert "warning: convertObjToArray's script type is not known" in plain.stderr
    assert "--hook preSavePage" in plain.stderr

    as_json = CliRunner().invoke(
        main, ["run", str(script), "--options", "-", "--json"], input=options
    )
    assert as_json.exit_code == 0
    out = json.loads(as_json.stdout)
    assert out["hook"] is None and len(out["warnings"]) == 1
    assert out["warnings"][0].startswith("convertObjToArray's script type is not known")

    typed = CliRunner().invoke(
        main,
        ["run", str(script), "--options", "-", "--json", "--hook", "preSavePage"],
        input=options,
    )
    assert json.loads(typed.stdout)["warnings"] == []
    assert "warning:" not in typed.stderr


def test_jsrt_run_infers_an_old_stub_name(write_script) -> None:
    script = write_script(PRE_SAVE_PAGE_FUNCTION)
    run = CliRunner().invoke(
        main, ["run", str(script), "--json", "--options", "-"], input='{"data": []}'
    )
    out = json.loads(run.stdout)
    assert run.exit_code == 0 and out["hook"] == "preSavePage" and out["warnings"] == []


def test_jsrt_test_shows_the_warning_of_a_passing_case(tmp_path: Path) -> None:
    (tmp_path / "convert.js").write_text(CONVERT_OBJ_TO_ARRAY)
    (tmp_path / "convert.case.yaml").write_text(
        "script: convert.js\n"
        "function: convertObjToArray\n"
        "cases:\n"
        "  - name: pairs\n"
        "    options: {errors: []}\n"
        "    data: [{a: 1}]\n"
        "    expect:\n"
        "      result: {data: [[{key: a, value: 1}]], errors: []}\n"
        "  - name: judged as a preSavePage\n"
        "    hook: preSavePage\n"
        "    data: [{a: 1}]\n"
        "    expect:\n"
        "      result_subset: {data: [[{key: a, value: 1}]]}\n"
    )
    run = CliRunner().invoke(main, ["test", str(tmp_path)], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert lines[0].startswith("PASS ") and lines[0].endswith(")") and "::pairs" in lines[0]
    assert lines[1].startswith("      warning: convertObjToArray's script type is not known")
    assert "::judged as a preSavePage" in lines[2] and "warning" not in lines[3]
    assert run.output.count("warning:") == 1

    junit = tmp_path / "junit.xml"
    as_json = CliRunner().invoke(main, ["test", str(tmp_path), "--json", "--junit", str(junit)])
    first, second = json.loads(as_json.stdout)["cases"]
    assert first["status"] == "passed" and "--hook" in first["warnings"][0]
    assert "warnings" not in second
    cases = ElementTree.parse(junit).getroot().iter("testcase")
    stderr = {case.get("name"): case.findtext("system-err") for case in cases}
    assert stderr["pairs"].startswith("warning: convertObjToArray's script type is not known")
    assert stderr["judged as a preSavePage"] is None
