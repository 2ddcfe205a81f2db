"""Instrumented code keeps every token of the user's code on its line and column, so what
V8 reports (errors, frames, stacks) is unchanged by coverage."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import tree_sitter
import tree_sitter_javascript

from jsrt.coverage import CoverageCollector, instrument
from jsrt.errors import LoadError
from jsrt.loader import load_script, prepare
from jsrt.runner import Runtime

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(
    [*ROOT.glob("sample_hooks/*/*.js"), *ROOT.glob("jsrt/hooks/stubs/*.js")],
    key=lambda p: str(p),
)

DENSE = """\
'use strict'
import { exports } from 'integrator-api'
const pick = (o, k = 'id') => o && o[k] || null, n = 1; let m = n ? 2 : 3
function f(a, { b } = {}, ...rest) { if (a) return b; else { for (;;) break } return rest }
export function main(options) {
  const list = options.data.map((r) => r.x ?? `x ${r.y || 0}
still the template ${r.z && 1}`)
  label: while (list.length) { list.pop(); continue label }
  switch (options.k) { case 1: case 2: m++; break; default: m-- }
  do m++; while (m < 5)
  try { JSON.parse('{') } catch (e) { m = e instanceof SyntaxError ? 1 :
    2 } finally { m += 0 }
  class C { static #n = 1; static { C.s = 1 } get v() { return this.x ?? 1 } m(a = 1) { return a } }
  if (m)
    throw new Error('x' + /re/g.source)
  else if (!m) m = [1, 2].reduce((s, v) =>
    s + v, 0)
  return { list, c: new C().v, f: f(1), pick: pick(options) }
}
"""


def _tokens(code: str) -> list[tuple[int, int, str]]:
    """(line index, column in characters, text) of every code token."""
    data = code.encode()
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))
    tree = parser.parse(data)
    assert not tree.root_node.has_error, "the code parses"
    lines = data.split(b"\n")
    found = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.child_count == 0 and node.type != "comment" and node.end_byte > node.start_byte:
            row, column = node.start_point
            prefix = lines[row][:column].decode()
            text = data[node.start_byte : node.end_byte].decode().split("\n")[0]
            found.append((row, len(prefix), text))
        stack.extend(node.children)
    return found


def _assert_no_token_moved(source: str, filename: str) -> int:
    prepared = prepare(source, filename)
    instrumented = instrument(prepared.code, filename, source)
    before = prepared.code.split("\n")
    after = instrumented.code.split("\n")
    assert len(after) == len(before), "no line added or removed"
    for row, column, text in _tokens(prepared.code):
        assert after[row][column : column + len(text)] == text, (
            f"{filename}:{row + 1}:{column + 1}: {text!r} moved:\n{before[row]}\n{after[row]}"
        )
    _tokens(instrumented.code)  # and the instrumented code parses
    return instrumented.map.counters


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_token_of_a_script_moves(path: Path) -> None:
    assert _assert_no_token_moved(load_script(path).source, str(path)) > 0


def test_no_token_moves_in_code_packed_with_every_construct() -> None:
    assert _assert_no_token_moved(DENSE, "dense.js") > 0


def _run_both(source: str, function: str = "main", options: Any = None) -> tuple[Any, Any]:
    """The same run without and with coverage."""
    code = textwrap.dedent(source).lstrip("\n")
    plain = Runtime().run_hook("places.js", function, options or {}, source=code)
    collector = CoverageCollector()
    counted = Runtime(coverage=collector).run_hook(
        "places.js", function, options or {}, source=code
    )
    assert collector.files["places.js"].counters, "the counted run was instrumented"
    assert sum(collector.files["places.js"].counters) > 0, "and its counters counted"
    return plain, counted


def test_a_type_error_keeps_its_line_column_and_stack() -> None:
    plain, counted = _run_both(
        """
        function helper(record) {
          const total = record.lines.length
          return total
        }
        function main(options) {
          const out = []
          for (const record of options.data) {
            out.push(helper(record))
          }
          return out
        }
        """,
        options={"data": [{"lines": []}, {}]},
    )
    assert plain.error is not None
    assert plain.error["line"] == 2
    for key in ("line", "column", "file", "stack", "js_message", "source_line"):
        assert counted.error[key] == plain.error[key], key
    assert counted.error == plain.error


def test_a_thrown_string_keeps_the_place_of_its_throw() -> None:
    plain, counted = _run_both(
        """
        function main(options) {
          if (options.bad === undefined) {
            throw 'no bad given'
          }
          return 1
        }
        """
    )
    assert plain.error["line"] == 3
    assert counted.error == plain.error


def test_an_error_thrown_at_the_top_level_keeps_its_place() -> None:
    plain, counted = _run_both(
        """
        const settings = {}
        const limit = settings.missing.limit
        function main() { return limit }
        """
    )
    assert plain.error is not None and plain.error["line"] == 2
    assert counted.error == plain.error


def test_a_script_with_a_syntax_error_is_not_instrumented_and_fails_as_before() -> None:
    source = "function main(options) {\n  return options.a +\n}\n"
    errors = []
    for coverage in (None, CoverageCollector()):
        with pytest.raises(LoadError) as caught:
            Runtime(coverage=coverage).run_hook("broken.js", "main", {}, source=source)
        errors.append(caught.value.to_dict())
    assert errors[0] == errors[1]
    assert errors[0]["line"] == 3


@pytest.mark.parametrize(
    ("expression", "quoted"),
    [
        ("return (o.a ||\n    o.b)()", True),
        ("return new (o.a ||\n    o.b)()", True),
        ("const { x } = o.a ||\n    o.b", True),
        ("return [...(o.a ||\n    o.b)]", True),
        ("for (const x of o.a ||\n    o.b) {}", False),
    ],
)
def test_messages_that_quote_an_expression_quote_it_as_written(
    expression: str, quoted: bool
) -> None:
    # V8 prints the syntax tree of a callee, an iterable or a destructured value in some
    # messages: a counter there would show, so there is none
    plain, counted = _run_both(f"function main(o) {{\n  const n = 1\n  {expression}\n}}\n")
    assert ("o.a || o.b" in plain.error["message"]) is quoted
    assert counted.error == plain.error
