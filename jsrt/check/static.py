"""The rules that read a script without running it (`jsrt.check.rules` lists them).

A script is checked as a whole (syntax, imports, globals, integrator-api names and
arguments) and per entry: each function that runs as a hook, with its script type when
known (named by the world's reference, by `--hook`, or by the function's own name), and,
with a world, the flow and integration it runs in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter

from jsrt.api.catalog import (
    HOOKS_NEED_INTEGRATION,
    HOOKS_NEED_REGISTERED_CACHE,
    HOOKS_REFUSED,
    find_method,
    js_surface,
)
from jsrt.api.errors import PolicyViolation
from jsrt.api.policy import PolicyContext
from jsrt.api.policy import check as policy_check
from jsrt.check.findings import Finding
from jsrt.check.script import (
    ApiCall,
    ScriptView,
    always_returns,
    body_of,
    captures,
    own_returns,
    parameter_name,
    returned_value,
    text,
    unwrap,
)
from jsrt.check.values import UNKNOWN, argument_problem, static_value
from jsrt.closest import most_alike
from jsrt.errors import LoadError
from jsrt.hooks import contract_for
from jsrt.hooks.kinds import STUB_FUNCTION_NAMES, ScriptType
from jsrt.loader import ALLOWED_MODULES, PreparedScript

_MISSING_GLOBALS: dict[str, str] = {
    # celigo-reference §2.1: no require(), no timers, no fetch; the rest are Node's and
    # browsers' globals a V8 isolate without either does not have.
    "require": "import integrator-api, dayjs or sjcl with `import x from 'm'` at the top",
    "process": "there is no process: read configuration from options.settings",
    "fetch": "call HTTP through an export or import on a connection "
    "(exports.runVirtual, imports.runVirtual)",
    "setTimeout": "hooks run synchronously and have no timers: do the work now",
    "setInterval": "hooks run synchronously and have no timers: do the work now",
    "module": "integrator.io calls the hook function by name: define it at the top level, "
    "nothing needs exporting",
    "exports": "CommonJS `exports` does not exist: integrator.io calls the hook function by "
    "name (integrator-api's exports object needs `import { exports } from 'integrator-api'`)",
    "Buffer": "there is no Buffer: encode with sjcl.codec (base64, utf8String, hex)",
    "window": "hooks run on integrator.io's servers, not in a browser",
    "document": "hooks run on integrator.io's servers, not in a browser",
}
"""Globals integrator.io's runtime lacks, and what to do instead."""

_PAGE_HOOKS: frozenset[str] = frozenset(
    {"preSavePage", "preMap", "postMap", "postSubmit", "postResponseMap"}
)
"""Page hooks whose return integrator.io reads (postAggregate's is ignored)."""

_MAPPED_INPUT: dict[str, str] = {"preMap": "data", "postMap": "postMapData"}
"""preMap and postMap: the options field whose records the return answers one by one."""

_POLICY_RULES = {
    HOOKS_REFUSED: "crud-in-hook",
    HOOKS_NEED_INTEGRATION: "run-in-standalone-flow",
    HOOKS_NEED_REGISTERED_CACHE: "unregistered-lookup-cache",
}


@dataclass(frozen=True)
class Entry:
    """A function that runs as a hook: its name, its script type when known, and where it
    runs (a `PolicyContext` read from a world) when a world says so."""

    function: str
    hook: ScriptType | None
    policy: PolicyContext | None = None
    """Set only with a world: the flow and integration the hook runs in."""


class _Found:
    """Findings of one script, each place and rule once."""

    def __init__(self, view: ScriptView) -> None:
        self.view = view
        self.items: dict[tuple[str, int, int], Finding] = {}

    def add(self, rule: str, at: tree_sitter.Node | int, message: str, hint: str) -> None:
        line, column, shown = self.view.place(at)
        key = (rule, line, column)
        if key not in self.items:
            self.items[key] = Finding(self.view.filename, line, column, rule, message, hint, shown)


def check_script(
    view: ScriptView,
    prepared: PreparedScript | LoadError,
    entries: list[Entry] | None,
    *,
    function: str | None = None,
    hook: ScriptType | None = None,
) -> list[Finding]:
    """Every static finding in one script. `prepared` is the loader's reading of it, or
    the `LoadError` it refused the script with (a module integrator.io lacks). `entries`
    are the script's hooks as a world wires them; None infers them (from `function` and
    `hook` when given, else from the functions' names)."""
    found = _Found(view)
    _syntax(found, prepared)
    _modules(found)
    _globals(found)
    _api_names(found)
    if view.root.has_error:
        return sorted(found.items.values())  # the syntax error explains what else is amiss
    if entries is None:
        entries = _inferred_entries(found, function, hook)
    for entry in entries:
        node = view.functions.get(entry.function)
        if node is None:
            _entry_missing(found, entry.function, entry.hook)
            continue
        _entry(found, entry, node)
    return sorted(found.items.values())


# --- the whole script ------------------------------------------------------------------------


def _syntax(found: _Found, prepared: PreparedScript | LoadError) -> None:
    error = prepared if isinstance(prepared, LoadError) else prepared.syntax_error
    if isinstance(prepared, LoadError) and prepared.details.get("module") is not None:
        error = None  # a refused import: `_modules` reports it; any syntax error follows
        problems = captures(found.view.root, "(ERROR) @problem (MISSING) @problem")
        first = min(problems.get("problem", []), key=lambda n: n.start_byte, default=None)
        if first is not None:
            found.add(
                "syntax-error",
                first,
                f"SyntaxError: unexpected {text(first)[:40]!r}" if text(first) else "SyntaxError",
                "fix the syntax here; integrator.io could not run this script either",
            )
    if error is None or error.details.get("line") is None:
        return
    message = error.message.split(": ", 1)[1] if ": " in error.message else error.message
    offset = _offset_of(found.view, error.details["line"], error.details.get("column", 1))
    found.add("syntax-error", offset, message, error.hint or "fix the syntax here")


def _offset_of(view: ScriptView, line: int, column: int) -> int:
    """The byte offset of a 1-based line and character column of the source."""
    lines = view.lines_with_ends
    before = "".join(lines[: line - 1])
    in_line = lines[line - 1][: column - 1] if line - 1 < len(lines) else ""
    return len((before + in_line).encode("utf-8", "surrogatepass"))


def _modules(found: _Found) -> None:
    allowed = ", ".join(ALLOWED_MODULES)
    for source in found.view.nodes("source"):
        module = text(source)[1:-1]
        if module not in ALLOWED_MODULES:
            found.add(
                "unknown-module",
                source,
                f"cannot import {module!r}: integrator.io provides only {allowed}",
                "remove this import, or replace what it provided with code in the script",
            )
    for node in found.view.nodes("dynamic"):
        found.add(
            "unknown-module",
            node,
            "dynamic import() is not supported",
            "use a static import at the top of the script, e.g. import dayjs from 'dayjs'",
        )


def _globals(found: _Found) -> None:
    view = found.view
    names = [*view.nodes("identifier"), *view.nodes("shorthand")]
    for node in sorted(names, key=lambda n: n.start_byte):
        name = text(node)
        if name in _MISSING_GLOBALS and name not in view.bindings:
            found.add(
                "missing-global",
                node,
                f"{name} is not defined in integrator.io's JavaScript runtime",
                _MISSING_GLOBALS[name],
            )


def _api_names(found: _Found) -> None:
    surface = js_surface()
    for name, node in found.view.api_object_names():
        if name not in surface:
            near = most_alike(name, surface, limit=1)
            found.add(
                "unknown-api-method",
                node,
                f"integrator-api has no object {name!r}",
                f"did you mean {near[0]!r}? integrator-api's objects: {', '.join(surface)}",
            )
    for call in found.view.api_calls():
        methods = surface.get(call.obj)
        if methods is None:
            continue  # the object's own finding says it
        method = find_method(call.obj, call.method)
        if method is None:
            near = most_alike(call.method, methods, limit=1)
            found.add(
                "unknown-api-method",
                call.method_node,
                f"{call.obj}.{call.method} is not a function of integrator-api",
                f"did you mean {call.obj}.{near[0]}? {call.obj} has {', '.join(methods)}",
            )
            continue
        problem = argument_problem(method, call.arguments)
        if problem is not None:
            at = call.arguments[0] if call.arguments else call.node
            found.add("api-argument", at, problem, f"call it as {method.signature}")


# --- entries ---------------------------------------------------------------------------------


def _inferred_entries(found: _Found, function: str | None, hook: ScriptType | None) -> list[Entry]:
    """The script's hooks as far as it says itself: `function` (typed by `hook` or its
    name), else the functions named for `hook`, else every function whose name names a
    script type, else its only function (type unknown)."""
    names = list(found.view.functions)
    if function is not None:
        return [Entry(function, hook or STUB_FUNCTION_NAMES.get(function))]
    if hook is not None:
        named = [n for n in names if STUB_FUNCTION_NAMES.get(n) == hook]
        if len(named) == 1 or (not named and len(names) == 1):
            return [Entry((named or names)[0], hook)]
        _entry_missing(found, None, hook)
        return []
    typed = [Entry(n, STUB_FUNCTION_NAMES[n]) for n in names if n in STUB_FUNCTION_NAMES]
    if typed:
        return typed
    if len(names) == 1:
        return [Entry(names[0], None)]
    if not names:
        _entry_missing(found, None, None)
    return []


def _entry_missing(found: _Found, function: str | None, hook: ScriptType | None) -> None:
    names = list(found.view.functions)
    defined = ", ".join(names) or "none"
    if function is not None:
        near = most_alike(function, names, limit=1)
        found.add(
            "entry-missing",
            0,
            f"function {function!r} is not defined at the top level; functions defined: {defined}",
            f"did you mean {near[0]!r}?" if near else "define the hook as a top-level function",
        )
    elif hook is not None:
        found.add(
            "entry-missing",
            0,
            f"no {hook} function to run; functions defined: {defined}",
            f"name the entry function {hook}, or give it (--function NAME)",
        )
    else:
        found.add(
            "entry-missing",
            0,
            "the script defines no top-level function to run as a hook",
            "define the hook as a top-level function: function preSavePage(options) {…}",
        )


def _entry(found: _Found, entry: Entry, node: tree_sitter.Node) -> None:
    _async(found, entry, node)
    if entry.hook is None:
        return
    contract = contract_for(entry.hook)
    if contract.script_kind == "hook":
        context = entry.policy or PolicyContext("hook", entry.hook)
        for call, path in _reachable_calls(found.view, entry.function, node):
            _policy(found, entry, context, call, path)
    if entry.hook == "filter":
        _filter_returns(found, entry, node)
    if entry.hook in _PAGE_HOOKS:
        _page_returns(found, entry, node)


def _async(found: _Found, entry: Entry, node: tree_sitter.Node) -> None:
    if any(child.type == "async" for child in node.children):
        found.add(
            "async-entry",
            node,
            f"{entry.function} is async: integrator.io calls hooks synchronously and would "
            "get a Promise, not the result",
            "remove `async` and `await`: integrator-api calls return their result directly",
        )
        return
    for _statement, value in _returns(found.view, node):
        if value is not None and _is_promise(unwrap(value)):
            found.add(
                "async-entry",
                value,
                f"{entry.function} returns a Promise: integrator.io calls hooks synchronously",
                "return the value itself; integrator-api calls return their result directly",
            )


def _returns(
    view: ScriptView,
    function: tree_sitter.Node,
) -> list[tuple[tree_sitter.Node, tree_sitter.Node | None]]:
    """(where, what) of each value `function` returns: its `return` statements, or the
    expression body of an arrow function (`(options) => options.record`)."""
    body = body_of(function)
    if body is not None and body.type != "statement_block":
        return [(body, body)]
    return [(statement, returned_value(statement)) for statement in own_returns(view, function)]


def _is_promise(node: tree_sitter.Node) -> bool:
    if node.type == "new_expression":
        constructor = node.child_by_field_name("constructor")
        return constructor is not None and text(constructor) == "Promise"
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is not None and function.type == "member_expression":
            target = function.child_by_field_name("object")
            return target is not None and text(target) == "Promise"
    return False


def _reachable_calls(
    view: ScriptView, entry: str, node: tree_sitter.Node
) -> Iterator[tuple[ApiCall, list[str]]]:
    """Each integrator-api call in the entry function or in a function of the same file
    it reaches (by a call, or by passing the function on: `data.map(helper)`), with the
    helpers it went through."""
    paths: dict[str, list[str]] = {entry: []}
    queue = [entry]
    while queue:
        name = queue.pop(0)
        function = view.functions[name]
        for identifier in view.nodes("identifier", function):
            callee = text(identifier)
            if callee in view.functions and callee not in paths:
                paths[callee] = [*paths[name], callee]
                queue.append(callee)
    seen: set[int] = set()
    for name, path in paths.items():
        for call in view.api_calls(view.functions[name]):
            if call.node.start_byte not in seen:
                seen.add(call.node.start_byte)
                yield call, path


def _policy(
    found: _Found, entry: Entry, context: PolicyContext, call: ApiCall, path: list[str]
) -> None:
    method = find_method(call.obj, call.method)
    if method is None:
        return
    rule = _POLICY_RULES.get(method.hook_rule)
    if rule is None or (rule != "crud-in-hook" and entry.policy is None):
        return  # runs and caches are judged only where a world says where the hook runs
    cache_id = None
    if rule == "unregistered-lookup-cache":
        argument = static_value(call.arguments[0]) if call.arguments else UNKNOWN
        cache_id = argument.get("_id") if isinstance(argument, dict) else None
        if not isinstance(cache_id, str) and context.integration_id is not None:
            return  # which cache is not written out: registration cannot be judged
    try:
        policy_check(context, method, [{"_id": cache_id or "?"}])
    except PolicyViolation as violation:
        head, _, fix = violation.message.partition(" Fix: ")
        refused, _, why = head.partition("). ")
        through = f", reached through {' → '.join(f'{p}()' for p in path)}" if path else ""
        detail = f": {why.rstrip('.')}" if why and rule != "crud-in-hook" else ""
        message = f"{refused}){through}{detail}"
        found.add(rule, call.method_node, message, fix or "see the rule's source")


def _filter_returns(found: _Found, entry: Entry, node: tree_sitter.Node) -> None:
    hint = "return true to keep the record, false to drop it (e.g. return Boolean(value))"
    for statement, value in _returns(found.view, node):
        literal = _literal_kind(value)
        if literal is not None:
            found.add(
                "filter-non-boolean",
                value if value is not None else statement,
                f"{entry.function} returns {literal}, not true or false",
                hint,
            )
    if not _ends_in_return(node):
        found.add(
            "filter-non-boolean",
            node,
            f"{entry.function} can end without a return (undefined, not true or false)",
            hint,
        )


def _literal_kind(value: tree_sitter.Node | None) -> str | None:
    """How a returned literal reads when it is not a boolean, else None."""
    if value is None:
        return "nothing (undefined)"
    value = unwrap(value)
    kinds = {
        "string": "a string",
        "template_string": "a string",
        "number": "a number",
        "null": "null",
        "object": "an object",
        "array": "an array",
    }
    if value.type == "identifier" and text(value) == "undefined":
        return "undefined"
    return kinds.get(value.type)


def _ends_in_return(node: tree_sitter.Node) -> bool:
    body = body_of(node)
    return body is not None and (body.type != "statement_block" or always_returns(body))


def _page_returns(found: _Found, entry: Entry, node: tree_sitter.Node) -> None:
    hook = entry.hook
    parameter = parameter_name(node)
    for statement, value in _returns(found.view, node):
        if value is None or (unwrap(value).type == "identifier" and text(value) == "undefined"):
            found.add(
                "page-hook-return",
                statement,
                f"{entry.function} returns nothing here: integrator.io reads the {hook}'s return",
                _page_hint(hook),
            )
        elif parameter is not None and text(unwrap(value)) == parameter:
            found.add(
                "page-hook-return",
                value,
                f"{entry.function} returns {parameter} itself, not what a {hook} returns",
                _page_hint(hook),
            )
        elif hook in _MAPPED_INPUT and parameter is not None:
            _mapped_return(found, entry, node, parameter, value)
    if not _ends_in_return(node):
        body = body_of(node)
        end = body.end_byte - 1 if body is not None else node.end_byte
        found.add(
            "page-hook-return",
            end,
            f"{entry.function} can reach its end without a return (undefined)",
            _page_hint(hook),
        )


def _page_hint(hook: str | None) -> str:
    if hook in _MAPPED_INPUT:
        field = _MAPPED_INPUT[hook]
        return (
            f"return one element per record: options.{field}.map((record) => ({{ data: record }}))"
        )
    if hook == "preSavePage":
        return "return { data: options.data, errors: options.errors, abort: false }"
    field = "responseData" if hook == "postSubmit" else "postResponseMapData"
    return f"return options.{field} (one element per record, changed as needed)"


def _mapped_return(
    found: _Found,
    entry: Entry,
    function: tree_sitter.Node,
    parameter: str,
    value: tree_sitter.Node,
) -> None:
    """preMap/postMap: the return must be an array with one element per input record:
    `options.data.map(...)`, or an array the function fills from `options.data`."""
    field = _MAPPED_INPUT[str(entry.hook)]
    source = f"{parameter}.{field}"
    node = unwrap(value)
    problem = None
    if node.type in ("object", "string", "template_string", "number", "true", "false", "null"):
        problem = f"returns {_literal_kind(node) or 'a boolean'}, not an array"
    elif node.type == "array":
        problem = f"returns an array literal, not one element per record of {source}"
    elif text(node) == source:
        problem = f"returns {source} itself: bare records, not {{data: record}} elements"
    elif node.type == "call_expression":
        callee = node.child_by_field_name("function")
        if callee is not None and callee.type == "member_expression":
            target = callee.child_by_field_name("object")
            method = callee.child_by_field_name("property")
            if method is not None and text(method) == "map" and _is_filter(target):
                problem = (
                    "maps filtered records: the filter before the map changes the count, "
                    f"so elements no longer line up with {source}"
                )
    elif node.type == "identifier" and not _mentions(found.view, function, source):
        problem = f"returns {text(node)}, which is not built from {source}"
    if problem is not None:
        found.add(
            "mapped-return",
            value,
            f"{entry.function} {problem}",
            f"return {source}.map((record) => ({{ data: record }})); skip a record with {{}}, "
            "fail it with {errors: [...]}",
        )


def _is_filter(node: tree_sitter.Node | None) -> bool:
    """Whether an expression is a `.filter(...)` call."""
    if node is None or unwrap(node).type != "call_expression":
        return False
    callee = unwrap(node).child_by_field_name("function")
    method = callee.child_by_field_name("property") if callee is not None else None
    return method is not None and text(method) == "filter"


def _mentions(view: ScriptView, function: tree_sitter.Node, source: str) -> bool:
    return any(text(member) == source for member in view.nodes("member", function))
