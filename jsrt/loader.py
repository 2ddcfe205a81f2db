"""Prepare a user's hook script so V8 can run it as integrator.io would.

integrator.io runs hook scripts as ES modules; mini-racer compiles classic scripts only,
where `import` and `export` are SyntaxErrors. The loader reads the script with a real
JavaScript parser (tree-sitter, never regular expressions) and rewrites it in place,
never moving a token the user wrote to another line or column:

* every `import … from 'm'` is blanked where it stands and becomes
  `const … = __jsrt_import("m");` in a prologue run, as a module's imports are, before
  the code, in the scope around it (the runtime provides `__jsrt_import`);
* imports of anything but integrator-api, dayjs and sjcl, and dynamic `import()`, fail here
  with the file, line and column, because integrator.io refuses them too; so does an
  import tree-sitter cannot fully read (the old `assert { type: 'json' }`, TypeScript's
  `import type`), by its module like any other;
* `export` and `export default` are overwritten with spaces (or `void` for an exported
  expression), keeping columns;
* `throw` becomes `$thr=` (as wide), an assignment to a setter the runtime provides that
  records where the throw happened and throws the same value: JavaScript cannot tell
  where a string or an object was thrown, and a report must say it
  (`js_shims/invoke.js`);
* an epilogue, run after the code, publishes the top-level functions as
  `globalThis.__jsrt_script`.

The code is evaluated as a strict scope of its own (`Isolate.eval_scoped`), with nothing
in front of it, so every position V8 reports is the file's own.

Syntax errors: the first place tree-sitter cannot read (an ERROR or MISSING node), or a
`return` outside every function (which tree-sitter accepts and a module cannot have), is
kept as `PreparedScript.syntax_error`. It wins over every check the runner makes before
V8 sees the code: a missing `}` is a syntax error, not "no such function". When those
checks pass, V8 reports its own syntax error, at its exact place, before anything runs;
and should tree-sitter's grammar lag V8's, the script still runs.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import tree_sitter
import tree_sitter_javascript

from jsrt.errors import InputError, LoadError

ScriptModule = Literal["integrator-api", "dayjs", "sjcl"]
"""A module integrator.io lets a script import (anything else is refused at load time)."""

ALLOWED_MODULES: tuple[ScriptModule, ...] = get_args(ScriptModule)

IMPORT_FUNCTION = "__jsrt_import"
"""The runtime function that returns a module's value; rewritten imports call it."""

PUBLISHED_FUNCTIONS = "__jsrt_script"
"""The global the epilogue sets to `{name: function}` for each top-level function."""

THROW_RECORDER = "$thr"
"""The global setter `throw` is rewritten to assign (`$thr=` is as wide as `throw`)."""

_ALLOWED_TEXT = "integrator.io scripts can import only integrator-api, dayjs and sjcl"
_FUNCTION_NODES = ("function_declaration", "generator_function_declaration")
_FUNCTION_VALUES = ("function_expression", "arrow_function", "generator_function")
FUNCTION_SCOPES = (*_FUNCTION_NODES, *_FUNCTION_VALUES, "method_definition")
"""Nodes that open a function scope: a `return` or `throw` inside belongs to the nearest."""
_OPENERS = {"}": "{", ")": "(", "]": "["}
# ECMAScript line terminators: what V8 counts as a new line (not str.splitlines' wider set).
_LINE_TERMINATOR = re.compile("\r\n|[\n\r\u2028\u2029]")

_local = threading.local()


@functools.cache
def language() -> tree_sitter.Language:
    """The JavaScript grammar scripts are parsed with (for queries over `PreparedScript.tree`)."""
    return tree_sitter.Language(tree_sitter_javascript.language())


@functools.cache
def _statements_query() -> tree_sitter.Query:
    """The nodes the loader looks for anywhere in a script, found in one pass."""
    return tree_sitter.Query(
        language(),
        "(call_expression function: (import) @dynamic_import)"
        " (return_statement) @return (throw_statement) @throw",
    )


def _parser() -> tree_sitter.Parser:
    """One parser per thread (a Parser is not thread-safe); building one costs more than a parse."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = tree_sitter.Parser(language())
    return parser


@dataclass(frozen=True)
class PreparedScript:
    """A script rewritten for V8, with what the runner needs to call into it."""

    filename: str
    code: str
    prologue: str
    """The imports' bindings (`const dayjs = __jsrt_import("dayjs");`), declared in the
    scope around the code before it runs."""
    epilogue: str
    functions: tuple[str, ...]
    modules: tuple[ScriptModule, ...]
    source: str
    """The script as written: the lines errors show (the code's rewritten ones differ)."""
    syntax_error: LoadError | None
    """The first syntax error tree-sitter found. The runner reports it in place of any
    check of its own that fails (a syntax error explains "no such function" and the
    like); when they all pass, V8 reports its own, with its exact place, when it
    evaluates the code (and runs it, should tree-sitter's grammar lag V8's)."""
    tree: tree_sitter.Tree = field(compare=False, repr=False)
    """The syntax tree of `source` (as UTF-8 bytes) the rewrite was made from, kept for
    what reads the code without running it (`jsrt check`) so it is parsed once."""

    def show_source_line(self, details: dict[str, Any]) -> None:
        """Set `source_line` of an error placed in this script to the line as written:
        V8 shows the code it ran (`$thr=` where the user wrote `throw`), and a throw
        caught by the runtime comes with no line at all."""
        line = details.get("line")
        if details.get("file") != self.filename or not isinstance(line, int):
            return
        lines = _LINE_TERMINATOR.split(self.source)
        if 1 <= line <= len(lines):
            details["source_line"] = lines[line - 1]

    def require_function(self, name: str | None, *, prefer: Collection[str] = ()) -> str:
        """The entry function to call: `name`; when `name` is None, the only function, or
        the only one whose name is in `prefer` (the script-type names, so a preMap script
        with helpers runs its `preMap`).

        Raises LoadError naming the functions that do exist, so a typo is a one-line fix.
        """
        defined = ", ".join(self.functions) or "none"
        if name is None:
            if len(self.functions) == 1:
                return self.functions[0]
            preferred = [f for f in self.functions if f in prefer]
            if len(preferred) == 1:
                return preferred[0]
            if self.functions:
                message = f"{self.filename} defines several functions: {defined}"
                hint = "name the function to run (--function NAME)"
            else:
                message = f"{self.filename} defines no function"
                hint = "define the hook as a top-level function: function preSavePage(options) {…}"
            raise LoadError(message, hint=hint, file=self.filename, functions=list(self.functions))
        if name in self.functions:
            return name
        close = difflib.get_close_matches(name, self.functions, n=1)
        raise LoadError(
            f"function {name!r} not found in {self.filename}; functions defined: {defined}",
            hint=f"did you mean {close[0]!r}?"
            if close
            else "only top-level functions can be called as hooks",
            file=self.filename,
            function=name,
            functions=list(self.functions),
        )


def load_script(path: str | Path) -> PreparedScript:
    """Read a script file (UTF-8, a BOM tolerated) and prepare it (`prepared_script`: the
    file is read every time, and prepared again only when its text changed)."""
    return prepared_script(read_script(path), str(path))


def prepared_script(source: str, filename: str) -> PreparedScript:
    """`prepare`, kept for the next run of the same text under the same name: a suite
    runs one script for each of its cases and a flow each hook once per page, and
    parsing and rewriting it each time cost a run ~0.2 ms. A script with a syntax error
    is prepared afresh (its error is an exception object, raised once per run)."""
    key = (filename, source)
    with _prepared_lock:
        found = _prepared.get(key)
        if found is not None:
            _prepared.move_to_end(key)
            return found
    prepared = prepare(source, filename)
    if prepared.syntax_error is None:
        with _prepared_lock:
            _prepared[key] = prepared
            while len(_prepared) > _PREPARED_KEPT:
                _prepared.popitem(last=False)
    return prepared


_PREPARED_KEPT = 64
"""How many prepared scripts `prepared_script` keeps (the last used), by name and text."""
_prepared: OrderedDict[tuple[str, str], PreparedScript] = OrderedDict()
_prepared_lock = threading.Lock()


def read_script(path: str | Path) -> str:
    """A script file's text (UTF-8, a BOM tolerated); `InputError` when it cannot be read,
    `LoadError` at the first byte that is not UTF-8."""
    filename = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"script not found: {filename}", hint="check the path", file=filename
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read script {filename}: {exc.strerror or exc}",
            hint="check that the path is a readable file",
            file=filename,
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise LoadError(
            f"{filename}:{line}:{column}: the script is not valid UTF-8 (byte {exc.start})",
            hint="save the script as UTF-8",
            file=filename,
            line=line,
            column=column,
        ) from None


def parse(source: str) -> tree_sitter.Tree:
    """The tree-sitter syntax tree of `source`, parsed as its UTF-8 bytes (node offsets
    count those bytes; `position` turns one into an editor's line and column)."""
    return _parser().parse(source.encode("utf-8", "surrogatepass"))


def position(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset of `source` as UTF-8,
    as an editor and V8 count them."""
    return _position(source.encode("utf-8", "surrogatepass"), offset)


def prepare(source: str, filename: str, *, tree: tree_sitter.Tree | None = None) -> PreparedScript:
    """Rewrite `source` into code V8 evaluates as a strict scope (`Isolate.eval_scoped`)
    named `filename`, with the syntax error tree-sitter finds, if any (see the module
    docstring); LoadError for an import integrator.io refuses. `tree` is `parse(source)`
    when the caller has it already."""
    data = source.encode("utf-8", "surrogatepass")
    if tree is None:
        tree = _parser().parse(data)
    root = tree.root_node
    rewriter = _Rewriter(data, filename)
    found = tree_sitter.QueryCursor(_statements_query()).captures(root)
    syntax_error: LoadError | None
    if root.has_error:
        rewriter.check_unreadable_imports(root)
        syntax_error = rewriter.syntax_error(root)
    else:
        syntax_error = rewriter.top_level_return(found.get("return", []))
    for node in root.children:
        if node.type == "import_statement":
            rewriter.rewrite_import(node)
        elif node.type == "export_statement":
            rewriter.strip_export(node)
        elif node.type == "hash_bang_line":
            rewriter.blank(node)
    if found.get("dynamic_import"):
        first = min(found["dynamic_import"], key=lambda n: n.start_byte)
        rewriter.reject_dynamic_import(first)
    if THROW_RECORDER not in source:  # else the user's own `$thr` would take the throws
        rewriter.record_throws(found.get("throw", []))
    functions = tuple(dict.fromkeys(name for name, _ in top_level_functions(root)))
    return PreparedScript(
        filename=filename,
        code=rewriter.result(),
        prologue="\n".join(rewriter.imports),
        epilogue=_epilogue(functions),
        functions=functions,
        modules=tuple(m for m in ALLOWED_MODULES if m in rewriter.modules),
        source=source,
        syntax_error=syntax_error,
        tree=tree,
    )


def top_level_functions(root: tree_sitter.Node) -> Iterator[tuple[str, tree_sitter.Node]]:
    """The top-level functions a hook can name, in source order: each declaration, and
    each variable bound to a function value, as (name, the function's node)."""
    for statement in root.children:
        node = statement
        if node.type == "export_statement":
            node = node.child_by_field_name("declaration") or node
        if node.type in _FUNCTION_NODES:
            name = node.child_by_field_name("name")
            if name is not None:
                yield _text(name), node
        elif node.type in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                value = declarator.child_by_field_name("value")
                name = declarator.child_by_field_name("name")
                if (
                    value is not None
                    and value.type in _FUNCTION_VALUES
                    and name is not None
                    and name.type == "identifier"
                ):
                    yield _text(name), value


def _epilogue(functions: tuple[str, ...]) -> str:
    """The line run after the script: its top-level functions, published for the runtime
    to call."""
    entries = ", ".join(
        f'{json.dumps(name)}: typeof {name} === "function" ? {name} : undefined'
        for name in functions
    )
    return f";globalThis.{PUBLISHED_FUNCTIONS} = {{{entries}}};"


class _Rewriter:
    """Collects byte-range replacements over the source, then applies them in one pass."""

    def __init__(self, data: bytes, filename: str) -> None:
        self.data = data
        self.filename = filename
        self.modules: set[str] = set()
        self.imports: list[str] = []
        self._edits: list[tuple[int, int, str]] = []

    def rewrite_import(self, node: tree_sitter.Node) -> None:
        """Blank the import where it stands and bind its names in the prologue, so the
        code around it, on its lines too, keeps every column (modules bind their imports
        before their body runs, as the prologue does)."""
        source = node.child_by_field_name("source")
        if source is None or node.has_error:
            return  # not a readable import: V8 will report it where it stands
        module = self._checked_module(source)
        self.modules.add(module)
        clause = next((c for c in node.children if c.type == "import_clause"), None)
        call = f"{IMPORT_FUNCTION}({json.dumps(module)})"
        bindings = _bindings(clause, call) if clause is not None else []
        self.imports.append(f"const {', '.join(bindings)};" if bindings else f"{call};")
        self.blank(node)

    def strip_export(self, node: tree_sitter.Node) -> None:
        """Overwrite `export` / `export default` so the declaration or value stays put.

        `export default <expression>` becomes `void <expression>`: blanking it would turn
        an object literal into a block and an anonymous function into a SyntaxError.
        Re-exports (`export … from 'm'`) and export lists bind nothing locally and are
        blanked whole, after the module check.
        """
        source = node.child_by_field_name("source")
        if source is not None:
            self._checked_module(source)
        exported_value = node.child_by_field_name("value") is not None
        if (
            not exported_value
            and node.child_by_field_name("declaration") is None
            and not node.has_error
        ):
            self.blank(node)
            return
        for child in node.children:
            if child.type == "export":
                self._edits.append(
                    (child.start_byte, child.end_byte, "void  " if exported_value else " " * 6)
                )
            elif child.type == "default":
                self.blank(child)

    def check_unreadable_imports(self, root: tree_sitter.Node) -> None:
        """Refuse a top-level import or re-export tree-sitter could not fully read (the
        old `assert { type: 'json' }`, TypeScript's `import type`) by its module, as a
        readable one would be. One of an allowed module is a SyntaxError at the first
        token after the module it could not read (`assert`)."""
        for statement in root.children:
            if statement.has_error and _first_leaf(statement).type in ("import", "export"):
                source = _first_source(statement)
                if source is None:
                    continue
                self._checked_module(source)
                after = source.next_sibling
                if after is not None and (after.is_error or after.type == "identifier"):
                    token = _first_leaf(after)
                    raise self._syntax_error(
                        token.start_byte,
                        _unexpected(token),
                        "import attributes are written with { type: 'json' }",
                    )

    def syntax_error(self, root: tree_sitter.Node) -> LoadError:
        """The script's first syntax error, at the place tree-sitter could not read: a
        token it had to skip (V8's "Unexpected token"), or one it found missing."""
        problem = _first_problem(root)
        if not problem.is_missing and not self.data[problem.end_byte :].strip():
            # tree-sitter gave up on everything from here to the end: what V8 says of
            # a construct left open (`Unexpected end of input`), at the end.
            line, _ = _position(self.data, problem.start_byte)
            return self._syntax_error(
                len(self.data.rstrip()),
                "Unexpected end of input",
                f"something opened from line {line} on is not closed: a missing '}}', ')' or ']'",
            )
        if not problem.is_missing:
            token = _first_leaf(problem)
            hint = "fix the syntax here; integrator.io could not run this script either"
            return self._syntax_error(token.start_byte, _unexpected(token), hint)
        expected = problem.type
        at_end = not self.data[problem.start_byte :].strip()
        text = f"Unexpected end of input (a {expected!r} is missing)" if at_end else ""
        hint = f"add the missing {expected!r}"
        opener = _OPENERS.get(expected)
        siblings = problem.parent.children if problem.parent is not None else []
        opening = next((c for c in siblings if opener and c.type == opener), None)
        if opening is not None:
            line, column = _position(self.data, opening.start_byte)
            hint += f" that closes the {opener!r} at line {line}, column {column}"
        return self._syntax_error(problem.start_byte, text or f"missing {expected!r}", hint)

    def top_level_return(self, returns: list[tree_sitter.Node]) -> LoadError | None:
        """A `return` outside every function: a SyntaxError in a module (V8: "Illegal
        return statement"), which tree-sitter's grammar accepts."""
        for node in sorted(returns, key=lambda n: n.start_byte):
            if enclosing_function(node) is None:
                return self._syntax_error(
                    node.start_byte,
                    "Illegal return statement",
                    "a script's top level cannot return; return from the hook function",
                )
        return None

    def record_throws(self, throws: list[tree_sitter.Node]) -> None:
        """Overwrite each `throw` keyword with `$thr=` (see the module docstring). A
        comma expression (`throw a, b`) would assign only `a`, so it stays as written."""
        for statement in throws:
            keyword = statement.children[0]
            value = [c for c in statement.named_children if c.type != "comment"]
            if keyword.type == "throw" and value and value[0].type != "sequence_expression":
                self._edits.append((keyword.start_byte, keyword.end_byte, f"{THROW_RECORDER}="))

    def reject_dynamic_import(self, node: tree_sitter.Node) -> None:
        raise self._refusal(
            node,
            "dynamic import() is not supported",
            ", with a static import at the top of the script, e.g. import dayjs from 'dayjs'",
        )

    def blank(self, node: tree_sitter.Node) -> None:
        """Overwrite a node with spaces, keeping its line terminators."""
        text = self._segment(node)
        pieces = _LINE_TERMINATOR.split(text)
        terminators = _LINE_TERMINATOR.findall(text)
        blanked = " " * len(pieces[0])
        for terminator, piece in zip(terminators, pieces[1:], strict=True):
            blanked += terminator + " " * len(piece)
        self._edits.append((node.start_byte, node.end_byte, blanked))

    def result(self) -> str:
        out = bytearray()
        cursor = 0
        for start, end, text in sorted(self._edits):
            out += self.data[cursor:start] + text.encode("utf-8", "surrogatepass")
            cursor = end
        out += self.data[cursor:]
        return out.decode("utf-8", "surrogatepass")

    def _checked_module(self, source: tree_sitter.Node) -> str:
        module = _text(source)[1:-1]
        if module not in ALLOWED_MODULES:
            raise self._refusal(
                source,
                f"cannot import {module!r}",
                "; remove this import or replace what it provided with code in the script",
                module=module,
            )
        return module

    def _refusal(self, node: tree_sitter.Node, problem: str, fix: str, **details: str) -> LoadError:
        """A LoadError at `node` for an import integrator.io would refuse too."""
        line, column = _position(self.data, node.start_byte)
        return LoadError(
            f"{self.filename}:{line}:{column}: {problem}",
            hint=_ALLOWED_TEXT + fix,
            file=self.filename,
            line=line,
            column=column,
            allowed=list(ALLOWED_MODULES),
            **details,
        )

    def _syntax_error(self, offset: int, problem: str, hint: str) -> LoadError:
        line, column = _position(self.data, offset)
        return LoadError(
            f"{self.filename}:{line}:{column}: SyntaxError: {problem}",
            hint=hint,
            file=self.filename,
            line=line,
            column=column,
            source_line=_line_text(self.data, offset),
        )

    def _segment(self, node: tree_sitter.Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")


def _bindings(clause: tree_sitter.Node, call: str) -> list[str]:
    """Declarators for an import clause: `d = call`, `ns = call`, `{ a, b: c } = call`.

    With a default import next to named or namespace ones, the others bind from the default
    (`d = call, { a } = d`) so the module is asked for once.
    """
    bindings: list[str] = []
    module_value = call
    for part in clause.named_children:
        if part.type == "identifier":
            bindings.append(f"{_text(part)} = {call}")
            module_value = _text(part)
        elif part.type == "namespace_import":
            alias = next(c for c in part.named_children if c.type == "identifier")
            bindings.append(f"{_text(alias)} = {module_value}")
        elif part.type == "named_imports":
            names = [_specifier(s) for s in part.named_children if s.type == "import_specifier"]
            bindings.append(f"{{ {', '.join(names)} }} = {module_value}")
    return bindings


def _specifier(specifier: tree_sitter.Node) -> str:
    imported = _text(specifier.children[0])
    alias = specifier.child_by_field_name("alias")
    return f"{imported}: {_text(alias)}" if alias is not None else imported


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogatepass")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset, as an editor shows them."""
    before = data[:offset].decode("utf-8", "replace")
    terminators = list(_LINE_TERMINATOR.finditer(before))
    line_start = terminators[-1].end() if terminators else 0
    return len(terminators) + 1, len(before) - line_start + 1


def _line_text(data: bytes, offset: int) -> str:
    """The whole line holding a byte offset, without its terminator."""
    text = data.decode("utf-8", "replace")
    line, _ = _position(data, offset)
    lines = _LINE_TERMINATOR.split(text)
    return lines[min(line, len(lines)) - 1]


def _first_problem(node: tree_sitter.Node) -> tree_sitter.Node:
    """The first ERROR or MISSING node in source order under a node that has an error."""
    while not (node.is_error or node.is_missing):
        inner = next((c for c in node.children if c.has_error or c.is_missing), None)
        if inner is None:
            return node
        node = inner
    return node


def _first_leaf(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.child_count:
        node = node.children[0]
    return node


def _unexpected(token: tree_sitter.Node) -> str:
    """V8's wording for an unexpected token."""
    text = _text(token)
    if token.type in ("identifier", "property_identifier", "shorthand_property_identifier"):
        return f"Unexpected identifier {text!r}"
    if token.type in ("string", "string_fragment", '"', "'"):
        return "Unexpected string"
    if token.type == "number":
        return "Unexpected number"
    if not text:
        return "Unexpected end of input"
    return f"Unexpected token {text[:40]!r}"


def _first_source(statement: tree_sitter.Node) -> tree_sitter.Node | None:
    """The first `source:` string under an import or export statement, however
    tree-sitter grouped the parts it could not read."""
    cursor = statement.walk()
    while True:
        node = cursor.node
        if cursor.field_name == "source" and node is not None and node.type == "string":
            return node
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while cursor.goto_parent():
            if cursor.goto_next_sibling():
                break
        else:
            return None


def enclosing_function(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The function (`FUNCTION_SCOPES`) whose scope `node` is in; None at the top level."""
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTION_SCOPES:
            return parent
        parent = parent.parent
    return None
