"""Isolate: named scripts, error positions, deadlines, heap limits, globals, time zone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from jsrt.engine import Isolate
from jsrt.errors import HeapLimitExceeded, HookTimeout, LoadError, ScriptError, UsageError


def test_eval_returns_primitive_completion_values() -> None:
    with Isolate() as isolate:
        assert isolate.eval("var x = 20; x + 1", filename="a.js") == 21
        assert isolate.eval("x * 2", filename="b.js") == 40  # same context
        assert isolate.eval("JSON.stringify({x})", filename="c.js") == '{"x":20}'
        assert isolate.eval("({x})", filename="d.js") is None


def test_a_syntax_error_names_file_line_and_column() -> None:
    source = "function f(r) {\n  const a = 1;\n  // ...\n  r.a = ;\n}\n"
    with Isolate() as isolate, pytest.raises(LoadError) as raised:
        isolate.eval(source, filename="hook.js")
    error = raised.value
    assert error.message == "hook.js:4:9: SyntaxError: Unexpected token ';'"
    assert (error.file, error.line, error.column) == ("hook.js", 4, 9)
    assert error.source_line == "  r.a = ;"


def test_a_runtime_error_deep_in_a_helper_points_at_its_line() -> None:
    source = textwrap.dedent(
        """\
        function name(record) {
          return record.customer.name.toUpperCase();
        }
        function preSavePage(options) {
          return options.data.map(name);
        }
        """
    )
    with Isolate() as isolate:
        isolate.eval(source, filename="hook.js")
        with pytest.raises(ScriptError) as raised:
            isolate.eval("preSavePage({data: [{customer: {}}]})", filename="jsrt:call.js")
    error = raised.value
    assert error.name == "TypeError"
    assert error.js_message == "Cannot read properties of undefined (reading 'toUpperCase')"
    assert (error.file, error.line, error.column) == ("hook.js", 2, 31)
    assert error.message.startswith("hook.js:2:31: TypeError: Cannot read properties")
    assert "at name (hook.js:2:31)" in error.stack
    assert "at preSavePage (hook.js:5:23)" in error.stack
    assert "jsrt:" not in error.stack


def test_a_throw_inside_a_shim_is_reported_at_the_user_frame() -> None:
    with Isolate() as isolate:
        isolate.eval(
            "function check(v) { if (!v) throw new RangeError('no value'); }",
            filename="jsrt:shim.js",
        )
        isolate.eval("function hook() {\n  check(0);\n}", filename="hook.js")
        with pytest.raises(ScriptError) as raised:
            isolate.eval("hook()", filename="jsrt:call.js")
    error = raised.value
    assert (error.name, error.js_message) == ("RangeError", "no value")
    assert (error.file, error.line, error.column) == ("hook.js", 2, 3)
    assert error.stack.splitlines() == ["RangeError: no value", "    at hook (hook.js:2:3)"]


@pytest.mark.parametrize(
    ("thrown", "shown"), [("'plain text'", "plain text"), ("{code: 42}", "[object Object]")]
)
def test_thrown_non_errors_are_reported_as_such(thrown: str, shown: str) -> None:
    with Isolate() as isolate, pytest.raises(ScriptError) as raised:
        isolate.eval(f"\n  throw {thrown};", filename="hook.js")
    error = raised.value
    assert error.name is None
    assert error.js_message == shown
    assert error.message == f"hook.js:2:3: Uncaught {shown}"
    assert "throw an Error" in error.hint


def test_errors_survive_the_trip_through_a_dict() -> None:
    with Isolate() as isolate, pytest.raises(ScriptError) as raised:
        isolate.eval("null.x", filename="hook.js")
    copy = ScriptError.from_dict(raised.value.to_dict())
    assert type(copy) is ScriptError
    assert copy.details == raised.value.details


def test_an_endless_loop_stops_at_the_deadline_and_the_isolate_goes_on() -> None:
    with Isolate() as isolate:
        isolate.eval("var kept = 'yes'", filename="a.js")
        with pytest.raises(HookTimeout) as raised:
            isolate.eval("while (true) {}", filename="loop.js", deadline=time.monotonic() + 0.2)
        assert raised.value.file == "loop.js"
        assert isolate.eval("kept", filename="b.js") == "yes"


def test_a_past_deadline_does_not_start_the_script() -> None:
    with Isolate() as isolate:
        with pytest.raises(HookTimeout):
            isolate.eval("var started = true", filename="a.js", deadline=time.monotonic() - 1)
        assert isolate.eval("typeof started", filename="b.js") == "undefined"


def test_timeouts_at_the_very_end_of_a_script_do_not_kill_the_next_one() -> None:
    # A cancellation that lands as the script finishes leaves V8's termination armed;
    # without the drain the *next* script would die with it.
    with Isolate() as isolate:
        isolate.eval(
            "function spin(ms) { const end = Date.now() + ms; while (Date.now() < end) {} }",
            filename="s.js",
        )
        timeouts = 0
        for i in range(300):
            try:
                isolate.eval(
                    "spin(2)",
                    filename="edge.js",
                    deadline=time.monotonic() + 0.0015 + (i % 5) * 0.0003,
                )
            except HookTimeout:
                timeouts += 1
            assert isolate.eval("'next'", filename="next.js") == "next"
    assert timeouts > 0


def test_a_runaway_allocation_hits_the_heap_limit_not_the_timeout() -> None:
    with Isolate(memory_mb=64) as isolate:
        with pytest.raises(HeapLimitExceeded) as raised:
            isolate.eval(
                "const a = []; while (true) a.push({n: a.length, s: 'x' + a.length})",
                filename="greedy.js",
                deadline=time.monotonic() + 60,
            )
        assert raised.value.memory_mb == 64
        assert isolate.eval("'fine'", filename="after.js") == "fine"


def test_no_timers_modules_or_host_objects() -> None:
    names = ["require", "process", "fetch", "setTimeout", "clearTimeout", "setInterval", "module"]
    with Isolate() as isolate:
        for name in names:
            assert isolate.eval(f"typeof {name}", filename="g.js") == "undefined", name
        with pytest.raises(ScriptError) as raised:
            isolate.eval("setTimeout(() => 0, 1)", filename="t.js")
    assert raised.value.name == "ReferenceError"


def test_date_is_utc_whatever_the_machine_zone_and_the_host_clock_is_untouched() -> None:
    probe = textwrap.dedent(
        """\
        import time
        from jsrt.engine import Isolate
        with Isolate() as isolate:
            hour = isolate.eval("new Date(0).getHours()", filename="tz.js")
            zone = isolate.eval(
                "Intl.DateTimeFormat().resolvedOptions().timeZone", filename="tz.js"
            )
        print(hour, zone, time.localtime(0).tm_hour)
        """
    )
    env = dict(os.environ, TZ="America/New_York")
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "UTC", "19"]


def test_a_closed_isolate_refuses_work_and_closes_twice() -> None:
    isolate = Isolate()
    isolate.close()
    isolate.close()
    with pytest.raises(UsageError, match="closed"):
        isolate.eval("1", filename="a.js")


def test_bad_arguments_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        Isolate(memory_mb=0)
    # V8 caps an isolate's heap at 4 GiB, and a hard limit works only below half of it.
    with pytest.raises(UsageError, match="memory_mb must be a whole number of MiB from 1 to 2048"):
        Isolate(memory_mb=1_000_000)
    with pytest.raises(UsageError):
        Isolate(max_bridge_mb=0)
    with Isolate() as isolate, pytest.raises(UsageError, match="line break"):
        isolate.eval("1", filename="a\n.js")


def test_set_global_hands_over_text_exactly() -> None:
    text = '{"q": "say \\"hi\\"", "u": "é€😀", "nl": "a\\nb", "__proto__": 1}' * 1000
    with Isolate() as isolate:
        isolate.set_global("__text", text)
        assert isolate.eval("__text.length", filename="t.js") == len(text.encode("utf-16-le")) // 2
        assert isolate.eval("__text", filename="t.js") == text


def test_set_global_takes_utf8_bytes_as_the_same_string() -> None:
    one = '["é€😀", "a\\"b"]'
    units = len(one.encode("utf-16-le")) // 2  # JavaScript's length of it
    with Isolate() as isolate:
        isolate.set_global("__bytes", (one * 100).encode())
        assert isolate.eval("__bytes", filename="t.js") == one * 100
        first = f"JSON.stringify(JSON.parse(__bytes.slice(0, {units})))"
        parsed = isolate.eval(first, filename="t.js")
        assert parsed == '["é€😀","a\\"b"]'


def test_eval_scoped_runs_code_as_a_module_body_with_its_own_scope() -> None:
    code = "var v = 1; let l = 2; function f() { return v + l }\n;globalThis.kept = f()"
    with Isolate() as isolate:
        isolate.eval_scoped(code, filename="hook.js", epilogue="globalThis.self = typeof this")
        isolate.eval_scoped(code, filename="hook.js")  # the same declarations again

        assert isolate.eval(
            "[kept, self, typeof v, typeof l, typeof f].join()", filename="t.js"
        ) == ("3,undefined,undefined,undefined,undefined")
        with pytest.raises(ScriptError, match="undeclared is not defined"):
            isolate.eval_scoped("undeclared = 1", filename="hook.js")  # strict


def test_eval_scoped_reports_v8s_syntax_errors_at_the_files_own_place() -> None:
    with Isolate() as isolate:
        with pytest.raises(LoadError) as first_line:
            isolate.eval_scoped("let a = 1; return a", filename="hook.js")
        with pytest.raises(LoadError) as unfinished:
            isolate.eval_scoped("function f() {\n  if (a) {\n", filename="hook.js", epilogue="1")

    assert first_line.value.message == "hook.js:1:12: SyntaxError: Illegal return statement"
    assert first_line.value.source_line == "let a = 1; return a"
    assert unfinished.value.message == "hook.js:2:11: SyntaxError: Unexpected end of input"
    assert unfinished.value.source_line == "  if (a) {"


def test_eval_scoped_runtime_errors_name_the_users_file_not_jsrts() -> None:
    with Isolate() as isolate:
        with pytest.raises(ScriptError) as parsed:
            isolate.eval_scoped("\nconst x = JSON.parse('{')", filename="hook.js")
        with pytest.raises(HookTimeout) as looping:
            isolate.eval_scoped(
                "while (true) {}", filename="hook.js", deadline=time.monotonic() + 0.3
            )

    assert parsed.value.message.startswith("hook.js:2:16: SyntaxError: ")  # not a LoadError
    assert looping.value.message.startswith("hook.js: still running at its deadline")
