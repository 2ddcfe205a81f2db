"""Every error points at the user's file, line and column: syntax errors first, imports
tree-sitter cannot fully read, line 1, top-level frames, thrown non-Errors, a top-level
`return`. Through `Runtime.run_hook` (a real worker) and `jsrt run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jsrt.cli import main
from jsrt.errors import InputError, LoadError
from jsrt.runner import Runtime

MISSING_FINAL_BRACE = """\
function preSavePage(options) {
  const kept = options.data.filter((r) => r.ok)
  return { data: kept, errors: [] }
"""


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(timeout_s=10)


def run_json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["run", *args, "--json"])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


# A syntax error wins over every later check.


@pytest.mark.parametrize("function", [None, "preSavePage", "preSavPage"])
def test_a_missing_final_brace_is_a_syntax_error_not_a_missing_function(
    runtime: Runtime, write_script, function: str | None
) -> None:
    script = write_script(MISSING_FINAL_BRACE)

    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, function, {"data": []})

    error = caught.value
    assert error.message.startswith(f"{script}:3:36: SyntaxError: Unexpected end of input")
    assert (error.line, error.column) == (3, 36)
    assert error.source_line == "  return { data: kept, errors: [] }"
    assert "'}'" in (error.hint or "") and "line 1, column 31" in (error.hint or "")


def test_a_script_cut_short_inside_an_object_is_unexpected_end_of_input_at_its_end(
    runtime: Runtime, write_script
) -> None:
    """tree-sitter reads nothing of a function whose object literal and body are both left
    open: the error is V8's "Unexpected end of input" at the end, not "Unexpected token
    'function'" at 1:1."""
    script = write_script("function preSavePage(options) {\n  return { data: options.data\n")

    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, None, {"data": []})

    error = caught.value
    assert error.message.startswith(f"{script}:2:30: SyntaxError: Unexpected end of input")
    assert error.source_line == "  return { data: options.data"
    assert "opened from line 1" in (error.hint or "")


def test_the_syntax_error_wins_over_bad_options_too(runtime: Runtime, write_script) -> None:
    script = write_script("function transform(options) {\n  return options.record\n")

    with pytest.raises(LoadError, match="SyntaxError"):
        runtime.run_hook(script, "transform", {})  # no `record`: an InputError otherwise

    with pytest.raises(InputError, match="record"):
        runtime.run_hook(write_script("function transform(o) { return o }\n", "ok.js"), None, {})


def test_a_syntax_error_v8_finds_is_reported_at_v8s_place_with_the_users_line(
    runtime: Runtime, write_script
) -> None:
    script = write_script("function f(o) { return [o.a, o.b)) }\n")

    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, "f", {})  # `f` is found: V8 compiles the script

    assert caught.value.message == f"{script}:1:33: SyntaxError: Unexpected token ')'"
    assert caught.value.source_line == "function f(o) { return [o.a, o.b)) }"


def test_jsrt_run_reports_the_missing_brace_with_exit_2(write_script) -> None:
    script = write_script(MISSING_FINAL_BRACE)

    code, out = run_json(str(script), "-f", "preSavePage")

    assert code == 2
    assert out["error"]["type"] == "LoadError"
    assert out["error"]["message"].startswith(f"{script}:3:36: SyntaxError:")


# Imports tree-sitter cannot fully read are refused by their module, where `with` is.


@pytest.mark.parametrize(
    "statement",
    [
        "import rows from './rows.json' assert { type: 'json' }",
        "import rows from './rows.json' with { type: 'json' }",
        "import type rows from './rows.json'",
    ],
)
def test_an_import_tree_sitter_cannot_fully_read_is_refused_by_its_module(
    runtime: Runtime, write_script, statement: str
) -> None:
    script = write_script(f"{statement}\nfunction f(o) {{ return rows }}\n")

    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, "f", {})

    column = statement.index("'./rows.json'") + 1
    assert caught.value.message == f"{script}:1:{column}: cannot import './rows.json'"
    assert (caught.value.line, caught.value.column) == (1, column)
    assert "can import only integrator-api, dayjs and sjcl" in (caught.value.hint or "")


def test_an_allowed_module_with_an_old_assert_clause_is_a_syntax_error_at_assert(
    runtime: Runtime, write_script
) -> None:
    script = write_script(
        "import dayjs from 'dayjs' assert { type: 'json' }\nfunction f(o) { return 1 }\n"
    )

    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, "f", {})

    assert caught.value.message == f"{script}:1:27: SyntaxError: Unexpected identifier 'assert'"
    assert "with { type: 'json' }" in (caught.value.hint or "")


# Line 1 is the user's line 1: no wrapper before it.


def test_a_runtime_error_on_line_1_has_the_users_column(runtime: Runtime, write_script) -> None:
    script = write_script("function f(o) { return o.a.b }\n")

    result = runtime.run_hook(script, "f", {})

    assert result.error is not None
    assert result.error["message"].startswith(f"{script}:1:28: TypeError:")
    assert (result.error["line"], result.error["column"]) == (1, 28)
    assert f"at f ({script}:1:28)" in result.error["stack"]


def test_code_sharing_a_line_with_an_import_keeps_its_column(
    runtime: Runtime, write_script
) -> None:
    line2 = "import { state } from 'integrator-api'; function f(o) { return o.a.b }"
    script = write_script(f"// one line, one hook\n{line2}\n")

    result = runtime.run_hook(script, "f", {})

    assert result.error is not None
    assert (result.error["line"], result.error["column"]) == (2, line2.index("b }") + 1)


def test_a_load_error_on_line_1_shows_the_users_source_line(runtime: Runtime, write_script) -> None:
    script = write_script("function f(o) { var x = 010; return x }\n")

    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, "f", {})

    assert caught.value.message == (
        f"{script}:1:25: SyntaxError: Octal literals are not allowed in strict mode."
    )
    assert caught.value.source_line == "function f(o) { var x = 010; return x }"


def test_source_lines_are_the_lines_as_written_not_the_rewritten_code(
    runtime: Runtime, write_script
) -> None:
    line1 = "const checked = true; if (!checked) throw 010"
    script = write_script(f"{line1}\nfunction f() {{}}\n")

    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, "f", {})

    assert caught.value.message.startswith(f"{script}:1:43: SyntaxError: Octal literals")
    assert caught.value.source_line == line1

    thrown = "  throw new Error(undefined.x)"
    result = runtime.run_hook(write_script(f"function f() {{}}\n{thrown}\n", "t.js"), "f", {})

    assert result.error is not None and result.error["line"] == 2
    assert result.error["source_line"] == thrown


def test_an_error_a_built_in_throws_is_placed_at_the_users_call(
    runtime: Runtime, write_script
) -> None:
    script = write_script("function f(o) {\n  return JSON.parse(o.body)\n}\n")

    result = runtime.run_hook(script, "f", {"body": "{"})

    assert result.error is not None
    assert result.error["message"].startswith(f"{script}:2:15: SyntaxError: ")
    assert result.error["source_line"] == "  return JSON.parse(o.body)"


# Only the user's frames: none past the end of the file.


def test_a_top_level_throw_shows_only_the_users_frames(runtime: Runtime, write_script) -> None:
    script = write_script(
        "function helper() { const v = missing.value }\nhelper()\nfunction f() {}\n"
    )

    result = runtime.run_hook(script, "f", {})

    assert result.error is not None
    assert result.error["message"] == f"{script}:1:31: ReferenceError: missing is not defined"
    assert result.error["stack"].split("\n")[1:] == [
        f"    at helper ({script}:1:31)",
        f"    at {script}:2:1",
    ]


# A thrown non-Error keeps the place of its throw and is shown as thrown.


@pytest.mark.parametrize(
    ("thrown", "shown"),
    [
        ("'text'", "'text'"),
        ('"it\'s"', '"it\'s"'),
        ("42", "42"),
        ("{ code: 1, reason: 'x' }", '{"code":1,"reason":"x"}'),
        ("null", "null"),
        ("undefined", "undefined"),
    ],
)
def test_a_thrown_non_error_keeps_the_place_of_the_throw(
    runtime: Runtime, write_script, thrown: str, shown: str
) -> None:
    script = write_script(f"function f(o) {{\n  if (o) throw {thrown}\n}}\n")

    result = runtime.run_hook(script, "f", {})

    error = result.error
    assert error is not None
    assert error["message"] == f"{script}:2:10: Uncaught {shown}"
    assert (error["file"], error["line"], error["column"]) == (str(script), 2, 10)
    assert error["name"] is None
    assert "throw new Error" in error["hint"]


def test_a_non_error_thrown_at_the_top_level_keeps_its_place(
    runtime: Runtime, write_script
) -> None:
    script = write_script("function f() {}\n\n   throw 'not configured'\n")

    result = runtime.run_hook(script, "f", {})

    assert result.error is not None
    assert result.error["message"] == f"{script}:3:4: Uncaught 'not configured'"


def test_each_failing_record_names_its_own_throw(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        function check(r) {
          if (r.bad) throw 'bad record ' + r.id
        }
        function transform(options) {
          const r = options.record
          check(r)
          if (r.code) throw { code: r.code }
          if (r.deep) return r.a.b; return r
        }
        """
    )
    records = [{"id": 1}, {"id": 2, "bad": True}, {"code": 7}, {"deep": True}, {"id": 5}]

    result = runtime.run_hook(script, "transform", {"records": records})

    assert [r["ok"] for r in result.records or []] == [True, False, False, False, True]
    failures = [r["error"] for r in result.records or [] if not r["ok"]]
    assert [f["message"] for f in failures] == [
        f"{script}:2:14: Uncaught 'bad record 2'",
        f'{script}:7:15: Uncaught {{"code":7}}',
        f"{script}:8:26: TypeError: Cannot read properties of undefined (reading 'b')",
    ]
    assert [f["source_line"] for f in failures] == [
        "  if (r.bad) throw 'bad record ' + r.id",
        "  if (r.code) throw { code: r.code }",
        "  if (r.deep) return r.a.b; return r",
    ]


def test_caught_and_rethrown_values_are_the_values_thrown(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        function f(o) {
          let seen
          try { throw { n: 1 } } catch (e) { seen = e }
          try { throw seen } catch (e) { if (e !== seen) return 'lost' }
          try { throw 1, 2 } catch (e) { if (e !== 2) return 'comma' }
          try { throw /* why */ [3] } catch (e) { return [e[0], seen.n] }
        }
        """
    )

    assert runtime.run_hook(script, "f", {}).value == [3, 1]


def test_a_script_with_its_own_thr_name_runs_unchanged(runtime: Runtime, write_script) -> None:
    script = write_script("const $thr = 'mine'\nfunction f(o) {\n  throw $thr\n}\n")

    result = runtime.run_hook(script, "f", {})

    assert result.error is not None
    assert result.error["message"].endswith("Uncaught 'mine'")

    # Its throws are not rewritten: a top-level one is placed by V8 itself.
    top = write_script("const $thr = 'mine'\n  throw $thr\nfunction f() {}\n", "top.js")
    result = runtime.run_hook(top, "f", {})
    assert result.error is not None
    assert result.error["message"] == f"{top}:2:3: Uncaught mine"


# A top-level `return` is the SyntaxError a module gives.


@pytest.mark.parametrize("function", ["f", "nope"])
def test_a_top_level_return_is_an_illegal_return_statement(
    runtime: Runtime, write_script, function: str
) -> None:
    script = write_script("function f(o) { return 1 }\nif (true) {\n  return 5\n}\n")

    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, function, {})

    assert caught.value.message == f"{script}:3:3: SyntaxError: Illegal return statement"
    assert caught.value.source_line == "  return 5"


def test_jsrt_run_reports_a_thrown_string_with_its_place(write_script, tmp_path: Path) -> None:
    script = write_script("function f(o) {\n  throw 'no orders'\n}\n")

    code, out = run_json(str(script), "-f", "f")

    assert code == 1
    assert out["error"]["message"] == f"{script}:2:3: Uncaught 'no orders'"


def test_jsrt_run_shows_the_line_and_a_caret_under_the_column(write_script) -> None:
    script = write_script("function f(o) {\n\tif (!o.id) throw 'no id'\n}\n")

    result = CliRunner().invoke(main, ["run", str(script), "-f", "f"])

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("error: "))
    assert lines[at : at + 3] == [
        f"error: {script}:2:13: Uncaught 'no id'",
        "    \tif (!o.id) throw 'no id'",
        "    \t           ^",
    ]
