"""One script read for checking: its syntax tree (the loader's, parsed once), what it
binds, its top-level functions and its integrator-api calls, found with tree-sitter
queries over the tree (never regular expressions over the text)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import tree_sitter

from jsrt.loader import enclosing_function, language, position, top_level_functions

API_MODULE = "integrator-api"

_LINE_TERMINATOR = re.compile("(\r\n|[\n\r\u2028\u2029])")
"""ECMAScript's line terminators, captured: lines as V8 and `jsrt.loader.position` count
them (`str.splitlines` also splits at form feeds and other separators)."""


@functools.cache
def _query(text: str) -> tree_sitter.Query:
    return tree_sitter.Query(language(), text)


def captures(node: tree_sitter.Node, query: str) -> dict[str, list[tree_sitter.Node]]:
    """The nodes each capture of `query` finds under `node` (the query compiled once)."""
    return tree_sitter.QueryCursor(_query(query)).captures(node)


_BINDINGS = """
(variable_declarator name: (identifier) @name)
(shorthand_property_identifier_pattern) @name
(pair_pattern value: (identifier) @name)
(array_pattern (identifier) @name)
(rest_pattern (identifier) @name)
(assignment_pattern left: (identifier) @name)
(function_declaration name: (identifier) @name)
(generator_function_declaration name: (identifier) @name)
(function_expression name: (identifier) @name)
(class_declaration name: (identifier) @name)
(formal_parameters (identifier) @name)
(arrow_function parameter: (identifier) @name)
(catch_clause parameter: (identifier) @name)
(import_specifier alias: (identifier) @name)
(import_specifier name: (identifier) @imported)
(import_clause (identifier) @name)
(namespace_import (identifier) @name)
(for_in_statement left: (identifier) @name)
"""

_TREE = """
(call_expression
  function: (member_expression object: (_) property: (property_identifier))
  arguments: (arguments)) @call
(return_statement) @return
(identifier) @identifier
(shorthand_property_identifier) @shorthand
(member_expression) @member
(comment) @comment
(import_statement source: (string) @source)
(export_statement source: (string) @source)
(call_expression function: (import) @dynamic)
"""
"""What the rules read off a tree, in one query run once per script (`ScriptView.nodes`):
a method call (`call`, the shape of an integrator-api call), `return` statements, names,
member expressions, comments, the sources of imports and re-exports, dynamic imports."""

TreeCapture = Literal[
    "call", "return", "identifier", "shorthand", "member", "comment", "source", "dynamic"
]


def text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class ApiCall:
    """A call `obj.method(...)` of an integrator-api object, however it was imported
    (`exports.run(...)`, `api.exports.run(...)`)."""

    obj: str
    method: str
    node: tree_sitter.Node
    method_node: tree_sitter.Node
    arguments: tuple[tree_sitter.Node, ...]


class ScriptView:
    """A parsed script and what the rules read off its tree."""

    def __init__(self, source: str, filename: str, tree: tree_sitter.Tree) -> None:
        self.source = source
        self.filename = filename
        self.tree = tree
        self.root = tree.root_node
        pieces = _LINE_TERMINATOR.split(source)
        self.lines_with_ends = [
            pieces[i] + (pieces[i + 1] if i + 1 < len(pieces) else "")
            for i in range(0, len(pieces), 2)
        ]
        """The source's lines, each with its terminator (ECMAScript's line terminators)."""
        self._lines = pieces[::2]
        self._captured: dict[str, list[tree_sitter.Node]] | None = None
        self._starts: dict[str, list[int]] = {}

    def place(self, node_or_offset: tree_sitter.Node | int) -> tuple[int, int, str]:
        """Line, column (1-based, in characters) and the line's text of a node's start."""
        offset = node_or_offset if isinstance(node_or_offset, int) else node_or_offset.start_byte
        line, column = position(self.source, offset)
        shown = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        return line, column, shown

    @functools.cached_property
    def bindings(self) -> frozenset[str]:
        """Every name the script declares anywhere (scopes aside): what a global rule
        must not mistake for the runtime's global."""
        found = captures(self.root, _BINDINGS)
        names = {text(node) for node in found.get("name", [])}
        for node in found.get("imported", []):
            specifier = node.parent
            if specifier is not None and specifier.child_by_field_name("alias") is None:
                names.add(text(node))
        return frozenset(names)

    @functools.cached_property
    def functions(self) -> dict[str, tree_sitter.Node]:
        """Top-level function name -> its function node (a declaration, or the function
        value a `const` binds), as the loader lists them."""
        found: dict[str, tree_sitter.Node] = {}
        for name, node in top_level_functions(self.root):
            found.setdefault(name, node)
        return found

    @functools.cached_property
    def api_imports(self) -> list[tree_sitter.Node]:
        """The script's import statements of integrator-api."""
        return [
            statement
            for statement in self.root.children
            if statement.type == "import_statement"
            and (source := statement.child_by_field_name("source")) is not None
            and text(source)[1:-1] == API_MODULE
        ]

    @functools.cached_property
    def api_bindings(self) -> tuple[dict[str, str], frozenset[str]]:
        """(local name -> integrator-api object it names, names bound to the whole module)
        from the script's imports of integrator-api."""
        objects: dict[str, str] = {}
        modules: set[str] = set()
        for statement in self.api_imports:
            clause = next((c for c in statement.children if c.type == "import_clause"), None)
            for part in clause.named_children if clause is not None else ():
                if part.type == "identifier":
                    modules.add(text(part))
                elif part.type == "namespace_import":
                    modules.update(text(c) for c in part.named_children if c.type == "identifier")
                elif part.type == "named_imports":
                    for specifier in part.named_children:
                        name = specifier.child_by_field_name("name")
                        alias = specifier.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            objects[text(alias)] = text(name)
        return objects, frozenset(modules)

    def nodes(
        self, capture: TreeCapture, under: tree_sitter.Node | None = None
    ) -> list[tree_sitter.Node]:
        """The nodes of one capture of `_TREE` under `under` (default: the whole script),
        in source order. The tree is queried once, for every capture at once, and a
        subtree's nodes are taken by their byte range: a query per rule and per function
        a rule follows cost most of `jsrt check`'s own time (bench/README.md)."""
        if self._captured is None:
            self._captured = {
                name: sorted(nodes, key=lambda n: n.start_byte)
                for name, nodes in captures(self.root, _TREE).items()
            }
            self._starts = {
                name: [node.start_byte for node in nodes] for name, nodes in self._captured.items()
            }
        every = self._captured.get(capture, [])
        if under is None or not every:
            return every
        starts = self._starts[capture]
        first = bisect.bisect_left(starts, under.start_byte)
        last = bisect.bisect_left(starts, under.end_byte, lo=first)
        return [node for node in every[first:last] if node.end_byte <= under.end_byte]

    def api_calls(self, under: tree_sitter.Node | None = None) -> Iterator[ApiCall]:
        """Every integrator-api call under `under` (default: the whole script), in
        source order."""
        objects, modules = self.api_bindings
        for call in self.nodes("call", under):
            function = call.child_by_field_name("function")
            arguments = call.child_by_field_name("arguments")
            if function is None or arguments is None:
                continue
            target = function.child_by_field_name("object")
            method = function.child_by_field_name("property")
            if target is None or method is None:
                continue
            obj = _api_object(target, objects, modules)
            if obj is None:
                continue
            args = tuple(a for a in arguments.named_children if a.type != "comment")
            yield ApiCall(obj, text(method), call, method, args)

    def api_object_names(self) -> Iterator[tuple[str, tree_sitter.Node]]:
        """(object name, node) for each integrator-api object the script names: its
        imported names, and `api.X` of a module import."""
        for statement in self.api_imports:
            for specifier in captures(statement, "(import_specifier) @s").get("s", []):
                name = specifier.child_by_field_name("name")
                if name is not None:
                    yield text(name), name
        _, modules = self.api_bindings
        if not modules:
            return
        for member in self.nodes("member"):
            target = member.child_by_field_name("object")
            prop = member.child_by_field_name("property")
            if (
                target is not None
                and prop is not None
                and target.type == "identifier"
                and text(target) in modules
            ):
                yield text(prop), prop


def _api_object(
    target: tree_sitter.Node, objects: dict[str, str], modules: frozenset[str]
) -> str | None:
    """The integrator-api object a call's receiver names, or None when it names none."""
    if target.type == "identifier":
        return objects.get(text(target))
    if target.type == "member_expression":
        inner = target.child_by_field_name("object")
        prop = target.child_by_field_name("property")
        if inner is not None and inner.type == "identifier" and text(inner) in modules:
            return text(prop) if prop is not None else None
    return None


def own_returns(view: ScriptView, function: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The `return` statements of `function` itself (not of functions nested in it)."""
    return [node for node in view.nodes("return", function) if enclosing_function(node) == function]


def returned_value(statement: tree_sitter.Node) -> tree_sitter.Node | None:
    """What a `return` statement returns (None for a bare `return;`)."""
    values = [c for c in statement.named_children if c.type != "comment"]
    return values[0] if values else None


def unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    """An expression without the parentheses around it."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def parameter_name(function: tree_sitter.Node) -> str | None:
    """The name of a function's first parameter (`options`), when it is a plain name."""
    single = function.child_by_field_name("parameter")
    if single is not None:
        return text(single)
    parameters = function.child_by_field_name("parameters")
    first = (
        next((c for c in parameters.named_children if c.type != "comment"), None)
        if parameters is not None
        else None
    )
    return text(first) if first is not None and first.type == "identifier" else None


def body_of(function: tree_sitter.Node) -> tree_sitter.Node | None:
    return function.child_by_field_name("body")


def always_returns(statement: tree_sitter.Node | None) -> bool:
    """Whether control never falls off the end of `statement`: it returns or throws on
    every path (an approximation that errs towards "it may fall off": loops count as
    possibly not running, a switch needs a default)."""
    if statement is None:
        return False
    kind = statement.type
    if kind in ("return_statement", "throw_statement"):
        return True
    if kind == "statement_block":
        return any(always_returns(child) for child in statement.named_children)
    if kind == "if_statement":
        alternative = statement.child_by_field_name("alternative")
        if alternative is None:
            return False
        otherwise = next((c for c in alternative.named_children if c.type != "comment"), None)
        return always_returns(statement.child_by_field_name("consequence")) and always_returns(
            otherwise
        )
    if kind == "try_statement":
        handler = statement.child_by_field_name("handler")
        finalizer = statement.child_by_field_name("finalizer")
        if finalizer is not None and always_returns(finalizer.child_by_field_name("body")):
            return True
        handled = handler is None or always_returns(handler.child_by_field_name("body"))
        return always_returns(statement.child_by_field_name("body")) and handled
    if kind == "switch_statement":
        body = statement.child_by_field_name("body")
        cases = body.named_children if body is not None else []
        if not any(c.type == "switch_default" for c in cases):
            return False
        bodies = [
            [s for s in case.children_by_field_name("body") if s.type != "comment"]
            for case in cases
            if case.type in ("switch_case", "switch_default")
        ]
        return all(any(always_returns(s) for s in body) for body in bodies if body)
    if kind == "labeled_statement":
        return always_returns(statement.child_by_field_name("body"))
    return False
