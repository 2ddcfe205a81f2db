"""Exact counts, construct by construct: statements, functions, the branches of if, ?:,
&&, ||, ??, switch and default parameters, over several runs of small scripts."""

from __future__ import annotations


def test_statements_count_each_time_they_run(cover) -> None:
    covered = cover(
        """
        const base = 10
        function main(options) {
          let total = base
          for (const n of options.numbers) {
            total += n
          }
          return total
        }
        """,
        {"numbers": [1, 2, 3]},
        {"numbers": []},
    )
    assert [r.value for r in covered.results] == [16, 10]
    # line 1 runs once per run (the script is evaluated in each run's fresh isolate)
    assert covered.lines == {1: 2, 3: 2, 4: 2, 5: 3, 7: 2}
    assert covered.summary.statements.covered == covered.summary.statements.total == 5


def test_functions_count_their_calls_and_list_the_ones_never_called(cover) -> None:
    covered = cover(
        """
        function double(n) {
          return n * 2
        }
        function unused(n) {
          return n
        }
        function main(options) {
          return options.numbers.map(double)
        }
        """,
        {"numbers": [1, 2, 3]},
    )
    assert covered.functions == {"double": 3, "unused": 0, "main": 1}
    assert covered.summary.missing == [5]


def test_if_else_blocks_count_each_path(cover) -> None:
    covered = cover(
        """
        function main(options) {
          if (options.n > 0) {
            return 'positive'
          } else {
            return 'not positive'
          }
        }
        """,
        {"n": 1},
        {"n": 2},
        {"n": -1},
    )
    assert covered.branches("if") == {2: [2, 1]}
    assert covered.lines == {2: 3, 3: 2, 5: 1}


def test_if_without_else_counts_the_path_not_taken(cover) -> None:
    covered = cover(
        """
        function main(options) {
          let label = 'small'
          if (options.n > 100) {
            label = 'large'
          }
          return label
        }
        """,
        {"n": 1},
        {"n": 500},
        {"n": 3},
    )
    assert covered.branches("if") == {3: [1, 2]}


def test_else_if_chains_count_every_path(cover) -> None:
    covered = cover(
        """
        function main(options) {
          if (options.n > 0) {
            return 1
          } else if (options.n < 0) {
            return -1
          } else {
            return 0
          }
        }
        """,
        {"n": 5},
        {"n": -5},
        {"n": -6},
        {"n": 0},
    )
    # the outer if: then 1, else 3; the inner if (reached 3 times): then 2, else 1
    assert covered.branches("if") == {2: [1, 3], 4: [2, 1]}


def test_guard_clauses_on_one_line_are_counted_by_the_statement_after_them(cover) -> None:
    covered = cover(
        """
        function main(options) {
          if (!options.record) return null
          return options.record.id
        }
        """,
        {},
        {"record": {"id": 7}},
        {"record": {"id": 8}},
    )
    assert covered.branches("if") == {2: [1, 2]}
    assert covered.lines == {2: 3, 3: 2}


def test_single_statement_bodies_on_their_own_line_are_counted_in_front(cover) -> None:
    covered = cover(
        """
        function main(options) {
          let seen = 0
          for (const n of options.numbers)
            seen += n
          if (seen > 3)
            seen = 3
          else
            seen = -seen
          return seen
        }
        """,
        {"numbers": [1, 1]},
        {"numbers": [5]},
    )
    assert [r.value for r in covered.results] == [-2, 3]
    assert covered.lines == {2: 2, 3: 2, 4: 3, 5: 2, 6: 1, 8: 1, 9: 2}
    assert covered.branches("if") == {5: [1, 1]}


def test_conditional_expressions_count_each_operand(cover) -> None:
    covered = cover(
        """
        function main(options) {
          return options.n > 0 ?
            'positive' :
            'other'
        }
        """,
        {"n": 1},
        {"n": 0},
        {"n": -3},
    )
    assert covered.branches("cond-expr") == {2: [1, 2]}


def test_logical_operands_count_when_they_are_evaluated(cover) -> None:
    covered = cover(
        """
        function main(options) {
          const both =
            options.a &&
            options.b
          const either =
            options.a ||
            options.b
          const fallback =
            options.c ??
            'default'
          const right = options.a &&
            'only the right operand has room'
          return [both, either, fallback, right]
        }
        """,
        {"a": 0, "b": 2},
        {"a": 1, "b": 2, "c": 0},
        {"a": 1, "b": 3, "c": None},
    )
    assert [r.value[:3] for r in covered.results] == [
        [0, 2, "default"],
        [2, 1, 0],
        [3, 1, "default"],
    ]
    # each operand's count; the last site's left operand shares its line with `=`:
    # its path is implied (it runs whenever the expression does) and left out
    assert covered.branches("binary-expr") == {3: [3, 2], 6: [3, 1], 9: [3, 2], 11: [2]}


def test_switch_counts_each_case_that_runs_including_fall_through(cover) -> None:
    covered = cover(
        """
        function main(options) {
          let out = ''
          switch (options.kind) {
            case 'a':
              out += 'a'
            case 'b':
              out += 'b'
              break
            case 'c':
            case 'd':
              out = 'cd'
              break
            default:
              out = 'other'
          }
          return out
        }
        """,
        {"kind": "a"},
        {"kind": "b"},
        {"kind": "d"},
        {"kind": "z"},
        {"kind": "z"},
    )
    assert [r.value for r in covered.results] == ["ab", "b", "cd", "other", "other"]
    # the paths: case 'a', case 'b' (entered or fallen into), case 'd' (with 'c'), default
    assert covered.branches("switch") == {3: [1, 2, 1, 2]}


def test_default_parameters_count_when_the_default_is_used(cover) -> None:
    covered = cover(
        """
        function greet(name = 'world', punctuation = '!') {
          return 'hello ' + name + punctuation
        }
        function main(options) {
          return options.names.map((n) => n === null ? greet() : greet(n, '?'))
        }
        """,
        {"names": [None, "ann", None]},
    )
    assert covered.results[0].value == ["hello world!", "hello ann?", "hello world!"]
    assert covered.branches("default-arg") == {1: [2]}
    assert covered.functions["greet"] == 3


def test_code_packed_on_one_line_is_listed_as_unmeasured_not_guessed(cover) -> None:
    covered = cover(
        """
        function main(options) {
          const pick = (o) => o.a || o.b
          return [options].map(pick)
        }
        """,
        {"a": 1},
    )
    # `(o) => o.a || o.b` has no room for a counter: the arrow function and its
    # logical expression are left out of the totals, and said so
    assert sorted(covered.unmeasured) == [("binary-expr", 2), ("function", 2)]
    assert covered.functions == {"main": 1}
    assert covered.branches("binary-expr") == {}


def test_statements_without_semicolons_and_directives_run_as_written(cover) -> None:
    covered = cover(
        """
        'use strict'
        function main(options) {
          'use strict'
          const self = (function () { return this })()
          let n = options.n
          do
            n--
          while (n > 0)
          return [self === undefined, n]
        }
        """,
        {"n": 3},
    )
    assert covered.results[0].value == [True, 0]
    assert covered.lines == {4: 1, 5: 1, 6: 1, 7: 3, 9: 1}  # `while (…)` is the do's


def test_top_level_statements_before_any_other_code_are_counted(cover) -> None:
    covered = cover(
        """
        // the first code of the file: its counter runs just before the script
        const limit = 2
        function main() {
          return limit
        }
        """,
        {},
        {},
    )
    assert covered.lines == {2: 2, 4: 2}


def test_a_body_before_an_else_keeps_its_else(cover) -> None:
    covered = cover(
        """
        function main(options) {
          let n = 0
          if (options.loop)
            while (n < 3)
              n++
          else
            n = -1
          return n
        }
        """,
        {"loop": True},
        {"loop": False},
    )
    assert [r.value for r in covered.results] == [3, -1]
    assert covered.branches("if") == {3: [1, 1]}
    assert covered.lines == {2: 2, 3: 2, 4: 1, 5: 3, 7: 1, 8: 2}


def test_labelled_loops_keep_their_labels(cover) -> None:
    covered = cover(
        """
        function main(options) {
          let found = 0
          outer:
          for (const row of options.rows) {
            for (const cell of row) {
              if (cell) {
                found++
                continue outer
              }
            }
          }
          return found
        }
        """,
        {"rows": [[0, 1], [0, 0], [1]]},
    )
    assert covered.results[0].value == 2
    assert covered.lines[7] == 2 and covered.lines[5] == 3
    assert covered.branches("if") == {6: [2, 3]}


def test_windows_line_ends_keep_lines_and_columns(cover) -> None:
    covered = cover(
        "function main(options) {\r\n  if (options.a) {\r\n    return 1\r\n"
        "  }\r\n  return 2\r\n}\r\n",
        {"a": True},
        {},
    )
    assert covered.lines == {2: 2, 3: 1, 5: 1}
    statement = next(iter(covered.collector.files.values())).map.statements[1]
    assert (statement.span.start_line, statement.span.start_column) == (3, 4)


def test_a_run_that_throws_keeps_the_counts_up_to_its_throw(cover) -> None:
    covered = cover(
        """
        function main(options) {
          const before = 1
          options.missing.field = before
          return 'never'
        }
        """,
        {},
        {},
    )
    assert all(r.error is not None and r.error["line"] == 3 for r in covered.results)
    assert covered.lines == {2: 2, 3: 2, 4: 0}
