"""Import and export rewriting: every form, lines and columns kept, bad imports refused."""

from __future__ import annotations

import pytest

from jsrt.errors import LoadError, ScriptError
from jsrt.loader import prepare
from tests.loader.conftest import ScriptContext

MARKER = "    const marker = 'still here';"


def user_lines(code: str) -> list[str]:
    """The rewritten script's lines."""
    return code.split("\n")


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "import { exports, state as st } from 'integrator-api'",
            'const { exports, state: st } = __jsrt_import("integrator-api");',
        ),
        ("import * as api from 'integrator-api';", 'const api = __jsrt_import("integrator-api");'),
        ('import dayjs from "dayjs"', 'const dayjs = __jsrt_import("dayjs");'),
        ("import sjcl from 'sjcl';", 'const sjcl = __jsrt_import("sjcl");'),
        (
            "import d, { a, b as c } from 'integrator-api'",
            'const d = __jsrt_import("integrator-api"), { a, b: c } = d;',
        ),
        ("import d, * as ns from 'sjcl'", 'const d = __jsrt_import("sjcl"), ns = d;'),
        ("import 'dayjs'", '__jsrt_import("dayjs");'),
        (
            "import { default as q, 'odd name' as o } from 'integrator-api'",
            "const { default: q, 'odd name': o } = __jsrt_import(\"integrator-api\");",
        ),
    ],
)
def test_each_import_form_becomes_a_binding_of_the_prologue_and_blank_where_it_was(
    statement: str, expected: str
) -> None:
    source = f"// line 1\n{statement}\n{MARKER}\n"

    prepared = prepare(source, "hook.js")
    lines = user_lines(prepared.code)

    assert prepared.prologue == expected
    assert len(lines) == source.count("\n") + 1
    assert lines[1] == " " * len(statement)
    assert lines[2] == MARKER


def test_multi_line_import_keeps_every_later_line_and_column() -> None:
    source = (
        "import {\n"
        "  exports,\n"
        "  state as st,\n"
        "} from 'integrator-api'; const sameLine = 1;\n"
        f"{MARKER}\n"
    )

    prepared = prepare(source, "hook.js")
    lines = user_lines(prepared.code)

    assert prepared.prologue == 'const { exports, state: st } = __jsrt_import("integrator-api");'
    assert len(lines) == 6
    assert lines[3].index("const sameLine") == source.split("\n")[3].index("const sameLine")
    assert lines[3].strip() == "const sameLine = 1;"
    assert lines[4] == MARKER


def test_windows_line_endings_are_kept_inside_a_rewritten_import() -> None:
    source = "import {\r\n  exports\r\n} from 'integrator-api'\r\nfunction f() {}\r\n"

    code = prepare(source, "hook.js").code

    assert code.count("\r\n") == source.count("\r\n")
    assert code.split("\r\n")[3] == "function f() {}"


def test_rewritten_bindings_get_the_values_the_runtime_hands_out(scripts: ScriptContext) -> None:
    scripts.eval(
        "globalThis.asked = [];"
        "globalThis.__jsrt_import = (name) => { asked.push(name);"
        " return { name, b: 'b of ' + name, default: 'default of ' + name }; };"
    )
    source = (
        "import d, { b as c, default as q } from 'integrator-api'\n"
        "import * as ns from 'sjcl'\n"
        "import 'dayjs'\n"
        "function f() { return [d.name, c, q, ns.name].join('|'); }\n"
    )
    scripts.run(prepare(source, "hook.js"))

    assert scripts.eval("__jsrt_script.f()") == (
        "integrator-api|b of integrator-api|default of integrator-api|sjcl"
    )
    assert scripts.eval("asked.join()") == "integrator-api,sjcl,dayjs"


def test_v8_reports_errors_after_imports_at_the_source_line_and_column(
    scripts: ScriptContext,
) -> None:
    scripts.eval("globalThis.__jsrt_import = () => ({});")
    source = (
        "import {\n  exports,\n} from 'integrator-api'\n"
        "import dayjs from 'dayjs'\n"
        "function preSavePage(options) {\n"
        "    return options.data.missing.value;\n"
        "}\n"
    )
    scripts.run(prepare(source, "hook.js"))

    with pytest.raises(ScriptError) as caught:
        scripts.eval("__jsrt_script.preSavePage({ data: {} })")

    assert "hook.js:6:33" in str(caught.value)


def test_modules_lists_the_allowed_modules_the_script_imports() -> None:
    source = "import sjcl from 'sjcl'\nimport { state } from 'integrator-api'\n"

    assert prepare(source, "hook.js").modules == ("integrator-api", "sjcl")


@pytest.mark.parametrize(
    ("source", "line", "column", "module"),
    [
        ("// helpers\n\nimport _ from 'lodash';\n", 3, 15, "lodash"),
        ("import { helper } from './util.js'\n", 1, 24, "./util.js"),
        ("const x = 1;\nexport { x } from 'moment'\n", 2, 19, "moment"),
    ],
)
def test_a_disallowed_import_names_file_line_column_and_the_allowed_modules(
    source: str, line: int, column: int, module: str
) -> None:
    with pytest.raises(LoadError) as caught:
        prepare(source, "hook.js")

    error = caught.value
    assert error.message == f"hook.js:{line}:{column}: cannot import {module!r}"
    assert (error.line, error.column, error.module) == (line, column, module)
    assert "can import only integrator-api, dayjs and sjcl" in error.hint
    assert error.allowed == ["integrator-api", "dayjs", "sjcl"]


def test_dynamic_import_is_refused_with_its_position() -> None:
    source = "function f() {\n  return import('dayjs');\n}\n"

    with pytest.raises(LoadError) as caught:
        prepare(source, "hook.js")

    assert caught.value.message == "hook.js:2:10: dynamic import() is not supported"
    assert "integrator-api, dayjs and sjcl" in caught.value.hint


@pytest.mark.parametrize(
    ("source", "expected_line"),
    [
        ("export function f() { return 1; }", "       function f() { return 1; }"),
        ("export default function f() { return 1; }", "               function f() { return 1; }"),
        ("export const f = () => 1;", "       const f = () => 1;"),
        ("export async function f() { return 1; }", "       async function f() { return 1; }"),
    ],
)
def test_exported_declarations_lose_only_the_export_keywords(
    source: str, expected_line: str, scripts: ScriptContext
) -> None:
    prepared = prepare(source + "\n", "hook.js")

    assert user_lines(prepared.code)[0] == expected_line
    assert prepared.functions == ("f",)
    scripts.run(prepared)
    assert scripts.eval("typeof __jsrt_script.f") == "function"


@pytest.mark.parametrize(
    "statement",
    [
        "export default { a: 1, b: 2 };",
        "export default function () { return 1; }",
        "export { f, f as g };",
    ],
)
def test_export_forms_without_a_named_declaration_still_evaluate(
    statement: str, scripts: ScriptContext
) -> None:
    source = f"function f() {{ return 1; }}\n{statement}\n{MARKER}\n"
    prepared = prepare(source, "hook.js")

    assert user_lines(prepared.code)[2] == MARKER
    scripts.run(prepared)
    assert scripts.eval("__jsrt_script.f()") == 1


def test_a_syntax_error_after_imports_is_kept_with_its_line_and_the_source_line() -> None:
    source = (
        "import { exports } from 'integrator-api'\n"
        "function preSavePage(options) {\n"
        "  return { data: options.data, };;\n"
        "  const x = ;\n"
        "}\n"
    )

    prepared = prepare(source, "hook.js")

    assert prepared.prologue.startswith("const { exports } = __jsrt_import(")
    error = prepared.syntax_error
    assert error is not None
    assert error.message == "hook.js:4:11: SyntaxError: Unexpected token '='"
    assert error.source_line == "  const x = ;"


def test_a_hashbang_line_is_blanked_and_the_script_still_runs(scripts: ScriptContext) -> None:
    prepared = prepare("#!/usr/bin/env node\nfunction f() { return 2; }\n", "hook.js")

    scripts.run(prepared)

    assert scripts.eval("__jsrt_script.f()") == 2


def test_import_words_in_comments_strings_and_templates_are_left_alone() -> None:
    source = (
        "// import _ from 'lodash'\n"
        "/* import('x') */\n"
        "const s = \"import _ from 'lodash'\", t = `import('x')`;\n"
        "function f() { return s + t; }\n"
    )

    prepared = prepare(source, "hook.js")

    assert user_lines(prepared.code) == source.split("\n")
    assert prepared.modules == ()
