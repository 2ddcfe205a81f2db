"""Entry functions, the scope a script runs in, real-script habits, and reading script files."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsrt.errors import InputError, LoadError, ScriptError
from jsrt.loader import load_script, prepare
from tests.loader.conftest import ScriptContext

KINDS = """\
function plain(options) { function nested() {} return nested; }
async function asyncOne() {}
function* generator() {}
const arrow = (x) => x, notAFunction = 5;
let asyncArrow = async (x) => x;
var expression = function () {};
var named = function inner() {};
const klass = class {};
if (true) { function inBlock() {} }
const object = { method() {} };
"""


def test_top_level_functions_are_found_in_source_order_and_nested_ones_are_not() -> None:
    assert prepare(KINDS, "hook.js").functions == (
        "plain",
        "asyncOne",
        "generator",
        "arrow",
        "asyncArrow",
        "expression",
        "named",
    )


def test_the_last_line_publishes_the_functions_and_none_leaks_to_globals(
    scripts: ScriptContext,
) -> None:
    scripts.run(prepare(KINDS, "hook.js"))

    assert scripts.eval("Object.keys(__jsrt_script).join()") == (
        "plain,asyncOne,generator,arrow,asyncArrow,expression,named"
    )
    assert scripts.eval("typeof plain + typeof arrow + typeof notAFunction") == (
        "undefinedundefinedundefined"
    )


def test_real_script_habits_run_top_level_fixtures_under_use_strict(
    scripts: ScriptContext,
) -> None:
    source = """\
'use strict';
import { exports } from 'integrator-api';

function preSavePage(options) {
  return { data: options.data.map((r) => ({ ...r, seen: true })), errors: options.errors };
}

const options = { data: [{ id: 1 }], errors: [] };
globalThis.fixtureResult = preSavePage(options).data[0].seen;
"""
    scripts.eval("globalThis.__jsrt_import = () => ({ exports: {} });")
    prepared = prepare(source, "hook.js")

    scripts.run(prepared)
    scripts.run(prepared)  # top-level const twice in one context: each run has its scope

    assert scripts.eval("fixtureResult") is True
    assert scripts.eval("__jsrt_script.preSavePage({ data: [{}], errors: [] }).data[0].seen")
    assert prepared.require_function(None) == "preSavePage"


def test_scripts_run_strict_as_integrator_io_modules_do(scripts: ScriptContext) -> None:
    scripts.run(prepare("function f() { undeclared = 1; }\n", "hook.js"))

    with pytest.raises(ScriptError, match="undeclared is not defined"):
        scripts.eval("__jsrt_script.f()")


def test_the_code_is_the_script_itself_and_the_epilogue_publishes_its_functions() -> None:
    source = "function f() {}\nconst g = () => 1\n"

    prepared = prepare(source, "hook.js")

    assert prepared.code == source
    assert "\n" not in prepared.epilogue and "__jsrt_script" in prepared.epilogue


def test_a_missing_function_lists_the_ones_that_exist() -> None:
    prepared = prepare("function preSavePage(o) {}\nfunction helper() {}\n", "hook.js")

    with pytest.raises(LoadError) as caught:
        prepared.require_function("preSavPage")

    assert caught.value.message == (
        "function 'preSavPage' not found in hook.js; functions defined: preSavePage, helper"
    )
    assert caught.value.hint == "did you mean 'preSavePage'?"
    assert prepared.require_function("helper") == "helper"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("function a() {}\nfunction b() {}\n", "hook.js defines several functions: a, b"),
        ("const x = 1;\n", "hook.js defines no function"),
    ],
)
def test_no_name_needs_exactly_one_function(source: str, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        prepare(source, "hook.js").require_function(None)

    assert caught.value.message == message


def test_load_script_reads_utf8_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "hook.js"
    path.write_bytes(b"\xef\xbb\xbffunction transform(options) { return '\xc3\xa9'; }\n")

    prepared = load_script(path)

    assert prepared.filename == str(path)
    assert prepared.functions == ("transform",)
    assert prepared.code.startswith("function transform")


def test_load_script_names_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.js"

    with pytest.raises(InputError) as caught:
        load_script(missing)

    assert caught.value.message == f"script not found: {missing}"
    assert caught.value.file == str(missing)


def test_load_script_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=f"cannot read script {tmp_path}"):
        load_script(tmp_path)


def test_load_script_points_at_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.js"
    path.write_bytes(b"// ok\nconst s = 'caf\xe9';\n")

    with pytest.raises(LoadError) as caught:
        load_script(path)

    assert (caught.value.line, caught.value.column) == (2, 15)
    assert caught.value.hint == "save the script as UTF-8"


def test_a_500_line_script_is_prepared_whole() -> None:
    body = "".join(
        f"function hook{i}(options) {{\n  return options.data.map((r) => r.v{i});\n}}\n\n"
        for i in range(125)
    )
    source = "import { exports, state } from 'integrator-api'\n" + body

    prepared = prepare(source, "big.js")

    assert len(prepared.functions) == 125
    assert prepared.code.count("\n") == source.count("\n")


def test_load_script_sees_a_script_edited_between_loads(tmp_path: Path) -> None:
    """A suite loads one script per case and reuses what it prepared; an edit, even
    one keeping the file's size, is read and prepared again."""
    path = tmp_path / "hook.js"
    path.write_text("function aaa(options) { return 1 }\n")
    first = load_script(path)
    assert load_script(path) is first  # unchanged text: prepared once
    path.write_text("function bbb(options) { return 1 }\n")
    assert load_script(path).functions == ("bbb",)
    path.write_text("function bbb(options) { return 1 \n")
    broken = load_script(path)
    assert broken.syntax_error is not None
    assert load_script(path).syntax_error is not broken.syntax_error  # raised once each
