"""Counters written into a script without moving a single token of it.

mini-racer has no V8 inspector, so coverage comes from source instrumentation (as
Istanbul does it), read from the script's tree-sitter tree. Istanbul inserts
`cov.s[3]++;` in front of each statement, which moves every token after it on the line:
errors and stack traces would then name columns the user never wrote. Here no token of
the user's code moves, so every position V8 reports (a thrown error's frame, a
`TypeError`'s place, the loader's `$thr=` throw records) is the one in the file.

How: each counter is a global getter with a one-character name (a CJK ideograph absent
from the script; `X` below), which counts when V8 reads it and yields `true`. A counter
goes in a *slot* between two code tokens, where text can be written without moving the
next token:

* at the end of a line: after the line's last code token (only a comment after it moves,
  and comments are no position V8 reports), any width;
* in the whitespace before a token on its line (the indentation, mostly): as many
  characters as there are spaces or tabs, replaced one for one;
* before the first code of the file: in the prologue the loader runs just before it.

What goes in a slot: `X;` before a statement, `X,` before the expression statement that is
an `if`'s or a loop's body, `if(X)` before another such body, `X&&` before an operand of
`&&`, `||` or `?:`, `void X??` before one of `??`; at a function's opening `{`, `X;` and
a test per default parameter (`arguments[i]===void 0&&Y;`). Each keeps the value and the
order of evaluation of the code around it.

A construct with no slot wide enough (code packed on one line: `a(); b();`, `x ? 1 : 2`,
`function f() { return 1; }`) is measured another way when one is exact or nearly so, and
otherwise is left out of the report's totals (`CoverageMap.unmeasured` lists them):

* a statement shares the counter of the statement before it in its list (exact unless
  that one throws or jumps);
* an `if`'s single-statement body is counted by its branch;
* an `if` branch without a slot is the `if`'s count minus its other branch (exact unless
  the condition throws); a guard clause `if (c) return;` with no slot at all counts its
  false branch by the statement after it.

A script with a syntax error is not instrumented (V8 must report the error at its place).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import tree_sitter

from jsrt.loader import parse

FIRST_NAME = 0x4E00
"""The counters' names are CJK ideographs from here on (single UTF-16 units, identifier
characters V8 accepts), skipping those the script itself contains."""
LAST_NAME = 0x9FFF

_FUNCTIONS = (
    "function_declaration",
    "function_expression",
    "function",
    "generator_function_declaration",
    "generator_function",
    "arrow_function",
    "method_definition",
)
_LISTS = ("program", "statement_block", "class_static_block")
_NOT_STATEMENTS = (
    "comment",
    "empty_statement",
    "statement_block",
    "function_declaration",
    "generator_function_declaration",
    "import_statement",
    "hash_bang_line",
)
_ABRUPT = ("return_statement", "throw_statement", "continue_statement", "break_statement")
_LOOSE_OPERANDS = (
    "assignment_expression",
    "augmented_assignment_expression",
    "ternary_expression",
    "arrow_function",
    "yield_expression",
    "sequence_expression",
)
"""Operand types `X&&` in front of would regroup (they bind looser than `&&`)."""
_BODY_OWNERS = (
    "for_statement",
    "for_in_statement",
    "while_statement",
    "do_statement",
    "with_statement",
)
_WORD = re.compile(rb"[\w$\x80-\xff]")
"""A byte of a word (an identifier, a keyword, a number): another glues onto it."""
_NEWLINE = re.compile(rb"\r\n|\r|\n|\xe2\x80[\xa8\xa9]")


@dataclass(frozen=True)
class Span:
    """A place in the script: 1-based lines, 0-based columns in UTF-16 units (Istanbul's)."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int

    def to_istanbul(self) -> dict[str, dict[str, int]]:
        return {
            "start": {"line": self.start_line, "column": self.start_column},
            "end": {"line": self.end_line, "column": self.end_column},
        }


@dataclass(frozen=True)
class Count:
    """How a site's count is read from the counters: `counters[plus]` less the counters in
    `minus` (a branch inferred from its `if`'s count and the other branch's)."""

    plus: int
    minus: tuple[int, ...] = ()

    def of(self, counters: list[int]) -> int:
        return max(counters[self.plus] - sum(counters[m] for m in self.minus), 0)

    def less(self, other: Count) -> Count | None:
        """This count less `other` (None when `other` is itself inferred)."""
        if other.minus:
            return None
        return Count(self.plus, (*self.minus, other.plus))


@dataclass(frozen=True)
class StatementSite:
    span: Span
    count: Count


@dataclass(frozen=True)
class FunctionSite:
    name: str
    declaration: Span
    span: Span
    count: Count


@dataclass(frozen=True)
class BranchSite:
    kind: str
    """Istanbul's branch types: if, cond-expr, binary-expr, switch, default-arg."""
    span: Span
    paths: tuple[Span, ...]
    counts: tuple[Count, ...]


@dataclass(frozen=True)
class CoverageMap:
    """What was instrumented in one script, and how each site's count is read."""

    filename: str
    source: str
    statements: tuple[StatementSite, ...]
    functions: tuple[FunctionSite, ...]
    branches: tuple[BranchSite, ...]
    counters: int
    unmeasured: tuple[tuple[str, int], ...]
    """Sites left out (their kind and line): no slot wide enough and no exact way to
    infer them."""
    lines: tuple[int, ...] = ()
    """The lines that hold a statement (measured or not): what lcov calls instrumented."""


@dataclass(frozen=True)
class Instrumented:
    """The script's code with its counters written in, the counters' names (in counter
    order) and the text to run right before the code (the first statement's counter)."""

    code: str
    names: str
    before: str
    map: CoverageMap


def instrument(code: str, filename: str, source: str | None = None) -> Instrumented:
    """Write counters into `code` (a script's code, the loader's rewrite of `source`:
    same lines and columns) without moving any of its tokens; see the module docstring.
    A script tree-sitter cannot read comes back as it was, with no sites."""
    data = code.encode("utf-8", "surrogatepass")
    root = parse(code).root_node
    writer = _Writer(data, root, filename, source if source is not None else code)
    if not root.has_error:
        writer.visit_list(root, _statements(root, directives=True), None)
    return writer.result()


@dataclass
class _Slot:
    """Where counters are written: `replaces` bytes of whitespace from `offset` (a gap
    holds as many characters), or nothing replaced and any width (`capacity` None)."""

    offset: int
    capacity: int | None
    replaces: int
    statements_only: bool = False
    after: bytes = b""
    """The last byte of the code token before the slot."""
    texts: list[str] = field(default_factory=list)

    def fits(self, text: str) -> bool:
        used = sum(len(t) for t in self.texts)
        return self.capacity is None or used + len(text) <= self.capacity


class _Writer:
    def __init__(self, data: bytes, root: tree_sitter.Node, filename: str, source: str) -> None:
        self.data = data
        self.filename = filename
        self.source = source
        taken = set(data.decode("utf-8", "surrogatepass"))
        self.names = (chr(c) for c in range(FIRST_NAME, LAST_NAME + 1) if chr(c) not in taken)
        self.used: list[str] = []
        self.slots: dict[int, _Slot] = {}
        self.before = _Slot(0, None, 0, statements_only=True)
        self.statements: list[StatementSite] = []
        self.functions: list[FunctionSite] = []
        self.branches: list[BranchSite] = []
        self.counts: dict[int, Count | None] = {}
        """Each statement node's count (by node id): what `if`s and `switch`es read."""
        self.unmeasured: list[tuple[str, int]] = []
        self.guards: list[tuple[tree_sitter.Node, tree_sitter.Node, Count, int]] = []
        """Guard clauses (`if (c) return;`): the if, its consequence, the if's count, the
        node id of the statement after it."""
        self.statement_lines: set[int] = set()
        self.tokens: list[tuple[int, int]] = []
        self._collect_tokens(root)
        self.token_ends = [end for _, end in self.tokens]
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(data)]
        """Where each line starts, by ECMAScript's line terminators (`\r\n` is one)."""
        self.row_starts = [0] + [m.end() for m in re.finditer(b"\n", data)]
        """Where each of tree-sitter's rows starts (it counts `\n` only)."""
        self.anonymous = 0

    # -- tokens and slots -------------------------------------------------------------

    def _collect_tokens(self, node: tree_sitter.Node) -> None:
        """The code tokens in order, as byte ranges: leaves other than comments, strings
        and regexes whole, and a template's text (never a slot) around its `${…}`s."""
        if node.type == "comment":
            return
        if node.type == "template_string":
            start = node.start_byte
            for part in node.children:
                if part.type == "template_substitution":
                    self.tokens.append((start, part.start_byte + 2))
                    for inner in part.children[1:-1]:
                        self._collect_tokens(inner)
                    start = part.end_byte - 1
            self.tokens.append((start, node.end_byte))
            return
        if node.child_count == 0 or node.type in ("string", "regex"):
            if node.end_byte > node.start_byte:
                self.tokens.append((node.start_byte, node.end_byte))
            return
        for child in node.children:
            self._collect_tokens(child)

    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def _slot(self, offset: int) -> _Slot:
        """The slot in front of the code token that starts at `offset`."""
        index = bisect.bisect_right(self.token_ends, offset) - 1
        if index < 0:
            return self.before
        previous_end = self.tokens[index][1]
        if self._line_of(previous_end) < self._line_of(offset):
            key, capacity, gap = previous_end, None, 0
        else:
            gap = 0
            while offset - gap > previous_end and self.data[offset - gap - 1] in b" \t":
                gap += 1
            key, capacity = offset - gap, gap
        slot = self.slots.get(key)
        if slot is None:
            after = self.data[previous_end - 1 : previous_end]
            slot = self.slots[key] = _Slot(key, capacity, gap, after=after)
        return slot

    def _place(self, offset: int, text: str) -> Count | None:
        """A new counter written as `text` (`{}` stands for its name) in the slot in front
        of `offset`; None when the slot is too narrow for it.

        A statement (`{};`) at a line's end follows code that may rely on the line break
        to end (no `;`): it is written `;X;`. Text that would glue onto a word before it
        (`else`, `do`, a number) starts with a space."""
        slot = self._slot(offset)
        if slot.statements_only and text != "{};":
            return None
        if text == "{};" and slot.capacity is None and slot.after not in (b";", b"{", b""):
            text = ";" + text
        first = text.format("X")[0].encode()
        if not slot.texts and _WORD.match(slot.after) and _WORD.match(first):
            text = " " + text
        if not slot.fits(text.format("X")):
            return None
        name = next(self.names, None)
        if name is None:
            return None
        self.used.append(name)
        slot.texts.append(text.format(name))
        return Count(len(self.used) - 1)

    def _skip(self, kind: str, node: tree_sitter.Node) -> None:
        self.unmeasured.append((kind, node.start_point.row + 1))

    # -- positions ----------------------------------------------------------------------

    def _column(self, row: int, byte_column: int) -> int:
        start = self.row_starts[row] if row < len(self.row_starts) else 0
        before = self.data[start : start + byte_column].decode("utf-8", "surrogatepass")
        return len(before.encode("utf-16-le", "surrogatepass")) // 2

    def _span(self, node: tree_sitter.Node) -> Span:
        start, end = node.start_point, node.end_point
        return Span(
            start.row + 1,
            self._column(start.row, start.column),
            end.row + 1,
            self._column(end.row, end.column),
        )

    # -- statements ---------------------------------------------------------------------

    def visit_list(
        self, node: tree_sitter.Node, statements: list[tree_sitter.Node], entry: Count | None
    ) -> None:
        """The statements of a program, block or case: each counted in front of itself,
        else with the one before it (or with the list's `entry` counter, for the first,
        written in the same slot)."""
        previous = entry
        for index, child in enumerate(statements):
            if child.type in _NOT_STATEMENTS:
                self.visit(child)
                continue
            count = entry if index == 0 and entry is not None else None
            if count is None:
                count = self._place(child.start_byte, "{};") or previous
            self._statement(child, count)
            previous = count
            self.visit(child)

    def _statement(self, node: tree_sitter.Node, count: Count | None) -> None:
        self.statement_lines.add(node.start_point.row + 1)
        self.counts[node.id] = count
        if count is None:
            self._skip("statement", node)
        else:
            self.statements.append(StatementSite(self._span(node), count))

    def _body(self, node: tree_sitter.Node, *, fallback: Count | None = None) -> Count | None:
        """The count of an `if`'s or a loop's body: its block's entry, or a counter in
        front of a single statement (counted as a statement too); `fallback` when there
        is no room for one."""
        if node.type == "statement_block":
            count = self._block_entry(node) or fallback
            self.visit_list(node, _statements(node), count)
            return count
        if node.type in ("empty_statement", "comment"):
            return None
        if node.type == "expression_statement":
            count = self._place(node.start_byte, "{},")
        elif not self._else_after(node):
            count = self._place(node.start_byte, "if({})")
        else:
            count = None
        count = count or fallback
        self._statement(node, count)
        self.visit(node)
        return count

    def _else_after(self, node: tree_sitter.Node) -> bool:
        """Whether an `else` follows the statement: an `if(X)` in front of it would take
        that `else` (`if (a) while (b) c(); else d()`)."""
        index = bisect.bisect_left(self.tokens, (node.end_byte, node.end_byte))
        if index >= len(self.tokens):
            return False
        start, end = self.tokens[index]
        return self.data[start:end] == b"else"

    def _block_entry(self, block: tree_sitter.Node, text: str = "{};") -> Count | None:
        """A counter right after a block's `{` and its directives, in front of its first
        statement (or its `}`)."""
        return self._place(_entry_offset(block), text)

    # -- everything else ----------------------------------------------------------------

    def visit(self, node: tree_sitter.Node) -> None:
        kind = node.type
        if kind in _FUNCTIONS:
            self._function(node)
        elif kind == "if_statement":
            self._if(node)
        elif kind == "switch_statement":
            self._switch(node)
        elif kind == "ternary_expression":
            self._ternary(node)
        elif kind == "binary_expression" and _operator(node) in ("&&", "||", "??"):
            self._logical(node)
        elif kind in _BODY_OWNERS:
            body = node.child_by_field_name("body")
            for child in node.children:
                if body is not None and child.id == body.id:
                    self._body(child)
                else:
                    self.visit(child)
        elif kind in _LISTS:
            self.visit_list(node, _statements(node), None)
        else:
            for child in node.children:
                self.visit(child)

    def _function(self, node: tree_sitter.Node) -> None:
        body = node.child_by_field_name("body")
        parameters = node.child_by_field_name("parameters")
        listed = parameters.named_children if parameters is not None else []
        defaults = [(i, p) for i, p in enumerate(listed) if p.type == "assignment_pattern"]
        for _, parameter in defaults:
            right = parameter.child_by_field_name("right")
            if right is not None:
                self.visit(right)
        count: Count | None = None
        default_counts: list[Count | None] = [None] * len(defaults)
        if body is not None and body.type == "statement_block":
            count = self._block_entry(body)
            if count is not None and node.type != "arrow_function":
                # the default was used when the caller passed undefined (`arguments`
                # holds what it passed; an arrow function has no `arguments` of its own)
                default_counts = [
                    self._block_entry(body, f"arguments[{index}]===void 0&&{{}};")
                    for index, _ in defaults
                ]
            self.visit_list(body, _statements(body, directives=True), count)
        elif body is not None:
            if not _loose(body, "{}&&"):
                count = self._place(body.start_byte, "{}&&")
            self.visit(body)
        if count is None:
            self._skip("function", node)
        else:
            declaration = node.child_by_field_name("name") or node
            self.functions.append(
                FunctionSite(
                    self._function_name(node), self._span(declaration), self._span(node), count
                )
            )
        for (_, parameter), default in zip(defaults, default_counts, strict=True):
            right = parameter.child_by_field_name("right")
            if default is None or right is None:
                self._skip("default-arg", parameter)
                continue
            site = BranchSite(
                "default-arg", self._span(parameter), (self._span(right),), (default,)
            )
            self.branches.append(site)

    def _function_name(self, node: tree_sitter.Node) -> str:
        name = node.child_by_field_name("name")
        parent = node.parent
        if name is None and parent is not None:
            if parent.type == "variable_declarator":
                name = parent.child_by_field_name("name")
            elif parent.type == "pair":
                name = parent.child_by_field_name("key")
            elif parent.type == "assignment_expression":
                name = parent.child_by_field_name("left")
        if name is not None:
            return (name.text or b"").decode("utf-8", "surrogatepass")
        self.anonymous += 1
        return f"(anonymous_{self.anonymous})"

    def _if(self, node: tree_sitter.Node) -> None:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        assert consequence is not None, "tree-sitter reads an if with its consequence"
        if condition is not None:
            self.visit(condition)
        else_body = None
        if alternative is not None:
            else_body = next((c for c in alternative.named_children if c.type != "comment"), None)
        own = self.counts.get(node.id)
        yes = self._body(consequence)
        fallback = own.less(yes) if own is not None and yes is not None else None
        no = self._body(else_body, fallback=fallback) if else_body is not None else None
        counts = self._if_counts(node, consequence, else_body, own, yes, no)
        if counts is None:
            self._skip("if", node)
            return
        if not counts:
            return
        self._infer_statement(consequence, counts[0])
        if else_body is not None:
            self._infer_statement(else_body, counts[1])
        other = else_body if else_body is not None else node
        paths = (self._span(consequence), self._span(other))
        self.branches.append(BranchSite("if", self._span(node), paths, counts))

    def _if_counts(
        self,
        node: tree_sitter.Node,
        consequence: tree_sitter.Node,
        else_body: tree_sitter.Node | None,
        own: Count | None,
        yes: Count | None,
        no: Count | None,
    ) -> tuple[Count, Count] | tuple[()] | None:
        """The counts of an if's two paths, the missing one inferred from the if's own;
        `()` for a guard clause, whose false path is the statement after it (counted
        later: `_guards`)."""
        if yes is not None and no is not None:
            return yes, no
        if own is None:
            return None
        if yes is not None:
            no = own.less(yes)
            return (yes, no) if no is not None else None
        if no is not None:
            yes = own.less(no)
            return (yes, no) if yes is not None else None
        if else_body is None and _abrupt(consequence):
            after = node.next_named_sibling
            while after is not None and after.type in ("comment", "empty_statement"):
                after = after.next_named_sibling
            if after is not None:
                self.guards.append((node, consequence, own, after.id))
                return ()
        return None

    def _switch(self, node: tree_sitter.Node) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.visit(value)
        body = node.child_by_field_name("body")
        if body is None:
            return
        paths: list[Span] = []
        counts: list[Count] = []
        for case in body.named_children:
            if case.type not in ("switch_case", "switch_default"):
                continue
            tested = case.child_by_field_name("value")
            if tested is not None:
                self.visit(tested)
            statements = [c for c in case.children_by_field_name("body") if c.type != "comment"]
            self.visit_list(case, statements, None)
            if not statements:
                continue  # an empty case falls through to the next: no path of its own
            first = self.counts.get(statements[0].id)
            if first is None:
                self._skip("switch", case)
                continue
            paths.append(self._span(case))
            counts.append(first)
        if counts:
            self.branches.append(
                BranchSite("switch", self._span(node), tuple(paths), tuple(counts))
            )

    def _ternary(self, node: tree_sitter.Node) -> None:
        condition = node.child_by_field_name("condition")
        if condition is not None:
            self.visit(condition)
        operands = [
            node.child_by_field_name("consequence"),
            node.child_by_field_name("alternative"),
        ]
        self._operands(node, "cond-expr", [o for o in operands if o is not None], "{}&&")

    def _logical(self, node: tree_sitter.Node) -> None:
        operands = [node.child_by_field_name("left"), node.child_by_field_name("right")]
        text = "void {}??" if _operator(node) == "??" else "{}&&"
        self._operands(
            node, "binary-expr", [o for o in operands if o is not None], text, implied_first=True
        )

    def _operands(
        self,
        node: tree_sitter.Node,
        kind: str,
        operands: list[tree_sitter.Node],
        text: str,
        *,
        implied_first: bool = False,
    ) -> None:
        """A counter in front of each operand (`X&&` yields the operand's value: X is
        true), then what the operands hold. With `implied_first` (a logical expression,
        whose left operand runs whenever it does), a left operand without room for a
        counter leaves the site with its right operand's path alone."""
        counts: list[Count | None] = []
        printed = _printed_by_v8(node)
        for operand in operands:
            fits = not printed and not _loose(operand, text)
            counts.append(self._place(operand.start_byte, text) if fits else None)
            self.visit(operand)
        if implied_first and counts[0] is None:
            counts, operands = counts[1:], operands[1:]
        measured = [c for c in counts if c is not None]
        if not measured or len(measured) < len(counts):
            self._skip(kind, node)
            return
        spans = tuple(self._span(o) for o in operands)
        self.branches.append(BranchSite(kind, self._span(node), spans, tuple(measured)))

    # -- the result ---------------------------------------------------------------------

    def _guards(self) -> None:
        """A guard clause's paths: false is the statement after it, true the rest."""
        for node, consequence, own, after in self.guards:
            then = self.counts.get(after)
            yes = own.less(then) if then is not None and then != own else None
            if then is None or yes is None:
                self._skip("if", node)
                continue
            span = self._span(node)
            self._infer_statement(consequence, yes)
            self.branches.append(
                BranchSite("if", span, (self._span(consequence), span), (yes, then))
            )

    def _infer_statement(self, node: tree_sitter.Node, count: Count) -> None:
        """Count an `if`'s single-statement body that had no slot by its branch's count."""
        if node.id not in self.counts or self.counts[node.id] is not None:
            return
        self.counts[node.id] = count
        self.statements.append(StatementSite(self._span(node), count))
        self.unmeasured.remove(("statement", node.start_point.row + 1))

    def result(self) -> Instrumented:
        self._guards()
        out = bytearray()
        cursor = 0
        for offset in sorted(self.slots):
            slot = self.slots[offset]
            if not slot.texts:
                continue
            text = "".join(slot.texts).rjust(slot.replaces)
            out += self.data[cursor : slot.offset] + text.encode("utf-8")
            cursor = slot.offset + slot.replaces
        out += self.data[cursor:]
        coverage_map = CoverageMap(
            filename=self.filename,
            source=self.source,
            statements=tuple(self.statements),
            functions=tuple(self.functions),
            branches=tuple(self.branches),
            counters=len(self.used),
            unmeasured=tuple(self.unmeasured),
            lines=tuple(sorted(self.statement_lines)),
        )
        return Instrumented(
            code=out.decode("utf-8", "surrogatepass"),
            names="".join(self.used),
            before="".join(self.before.texts),
            map=coverage_map,
        )


def _statements(node: tree_sitter.Node, *, directives: bool = False) -> list[tree_sitter.Node]:
    """A list's statements, without comments and (for a program or function body) the
    directives at its start ('use strict' must stay first)."""
    found = [c for c in node.named_children if c.type != "comment"]
    if directives:
        while found and _is_directive(found[0]):
            found.pop(0)
    return found


def _entry_offset(block: tree_sitter.Node) -> int:
    inner = _statements(block, directives=True)
    return inner[0].start_byte if inner else block.children[-1].start_byte


def _is_directive(statement: tree_sitter.Node) -> bool:
    if statement.type != "expression_statement":
        return False
    inner = [c for c in statement.named_children if c.type != "comment"]
    return len(inner) == 1 and inner[0].type == "string"


def _operator(node: tree_sitter.Node) -> str | None:
    if node.type != "binary_expression":
        return None
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else None


def _loose(operand: tree_sitter.Node, text: str) -> bool:
    """Whether `text` in front of `operand` would regroup it."""
    return operand.type in _LOOSE_OPERANDS or (text == "{}&&" and _operator(operand) == "??")


_PRINTED = {
    "call_expression": "function",
    "new_expression": "constructor",
    "for_in_statement": "right",
    "variable_declarator": "value",
    "assignment_expression": "right",
}
"""Where V8 quotes an expression in an error message (`(a || b) is not a function`, `x is
not iterable`, `Cannot destructure … of 'x'`): it prints its syntax tree, counters and
all, so no counter goes in an expression there."""


def _printed_by_v8(node: tree_sitter.Node) -> bool:
    """Whether V8 may quote `node` (or an expression holding it) in an error message."""
    child, parent = node, node.parent
    while parent is not None:
        if parent.type == "spread_element":
            return True
        field = _PRINTED.get(parent.type)
        held = parent.child_by_field_name(field) if field is not None else None
        if held is not None and held.id == child.id:
            target = parent.child_by_field_name("name") or parent.child_by_field_name("left")
            destructured = target is not None and target.type.endswith("_pattern")
            if parent.type not in ("variable_declarator", "assignment_expression") or destructured:
                return True
        if parent.type in _FUNCTIONS or parent.type.endswith("statement"):
            return False
        child, parent = parent, parent.parent
    return False


def _abrupt(statement: tree_sitter.Node) -> bool:
    """A statement that always leaves its block: return, throw (`$thr=` after the
    loader's rewrite), continue, break."""
    if statement.type in _ABRUPT:
        return True
    text = statement.text or b""
    return statement.type == "expression_statement" and text.startswith(b"$thr=")
