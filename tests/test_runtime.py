"""Runtime.run_hook end to end: loader, worker, isolate, contracts and world together."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsrt.errors import LoadError
from jsrt.runner import Runtime

SAMPLE = Path(__file__).parent.parent / "sample_hooks" / "preSavePage"


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(timeout_s=5)


def test_sample_pre_save_page_maps_a_page(runtime: Runtime) -> None:
    import json

    options = json.loads((SAMPLE / "options.json").read_text())
    result = runtime.run_hook(SAMPLE / "normalizeOrders.js", "preSavePage", options)
    assert result.ok, result.error
    assert result.hook == "preSavePage"
    assert [r["id"] for r in result.value["data"]] == ["SO-1001", "SO-1003"]
    assert result.value["data"][0] == {
        "id": "SO-1001",
        "customer": "Acme Corp",
        "orderDate": "2024-03-05",
        "total": 39,
        "lineCount": 2,
    }
    assert result.value["errors"][0]["code"] == "NO_LINES"
    assert result.logs[0]["level"] == "log"
    assert result.logs[0]["text"] == "page 0: 2 orders kept, 1 rejected"


def test_every_import_form_binds(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        import { state, lookupcaches as caches } from 'integrator-api'
        import * as api from "integrator-api";
        import dayjs from 'dayjs'
        import sjcl from 'sjcl'
        function probe(options) {
          return {
            state: typeof state.getForResource,
            caches: typeof caches.getData,
            ns: typeof api.exports.run,
            day: dayjs('2024-01-15T10:00:00Z').add(1, 'day').format('YYYY-MM-DD'),
            sha: sjcl.codec.hex.fromBits(sjcl.hash.sha256.hash('abc')),
          }
        }
        """
    )
    result = runtime.run_hook(script, "probe")
    assert result.ok, result.error
    assert result.value == {
        "state": "function",
        "caches": "function",
        "ns": "function",
        "day": "2024-01-16",
        "sha": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    }


def test_disallowed_import_is_a_load_error(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        // helper
        import _ from 'lodash'
        function f(options) { return 1 }
        """
    )
    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, "f")
    message = str(caught.value)
    assert f"{script}:2" in message
    assert "lodash" in message and "integrator-api" in message


def test_syntax_error_names_file_line_and_column(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        function f(options) {
          const r = {}
          r.a = ;
          return r
        }
        """
    )
    with pytest.raises(LoadError) as caught:
        runtime.run_hook(script, "f")
    assert caught.value.details["line"] == 3
    assert caught.value.details["column"] == 9
    assert f"{script}:3:9" in str(caught.value)


def test_runtime_error_deep_in_a_helper_names_the_line(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        function shout(record) {
          return record.customer.name.toUpperCase()
        }
        function each(records) {
          return records.map(shout)
        }
        function preSavePage(options) {
          return { data: each(options.data), errors: [] }
        }
        """
    )
    result = runtime.run_hook(script, "preSavePage", {"data": [{"customer": {}}]})
    assert not result.ok
    error = result.error
    assert error["type"] == "ScriptError"
    assert error["name"] == "TypeError"
    assert (error["file"], error["line"]) == (str(script), 2)
    assert f"shout ({script}:2:" in error["stack"]
    assert f"preSavePage ({script}:8:" in error["stack"]
    assert "jsrt:" not in error["stack"]


def test_console_captures_every_level(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        function f(options) {
          console.log('log', 1, {a: 1})
          console.info('info %s=%d', 'n', 42)
          console.warn('warn')
          console.error('error', [1, 2])
          console.debug('debug', null, undefined)
          return true
        }
        """
    )
    result = runtime.run_hook(script, "f")
    assert result.ok
    assert [(e["level"], e["text"]) for e in result.logs] == [
        ("log", 'log 1 {"a":1}'),
        ("info", "info n=42"),
        ("warn", "warn"),
        ("error", "error [1,2]"),
        ("debug", "debug null undefined"),
    ]
    assert all(e["time"].endswith("Z") for e in result.logs)


@pytest.mark.parametrize("name", ["require", "process", "fetch", "setTimeout", "setInterval"])
def test_globals_integrator_io_lacks_are_absent(runtime: Runtime, write_script, name) -> None:
    script = write_script(f"function f(options) {{ return typeof {name} }}")
    result = runtime.run_hook(script, "f")
    assert result.value == "undefined"
    use = write_script(f"function g(options) {{ return {name}('x') }}", name="use.js")
    failed = runtime.run_hook(use, "g")
    assert failed.error["name"] in {"ReferenceError", "TypeError"}
    assert name in failed.error["js_message"]


def test_timeout_stops_a_loop_and_the_next_run_works(write_script) -> None:
    runtime = Runtime(timeout_s=0.5)
    loop = write_script("function f(options) { while (true) {} }")
    result = runtime.run_hook(loop, "f")
    assert result.error["type"] == "HookTimeout"
    ok = write_script("function g(options) { return 42 }", name="ok.js")
    assert runtime.run_hook(ok, "g").value == 42


def test_heap_limit_stops_a_runaway_allocation(write_script) -> None:
    runtime = Runtime(timeout_s=20, memory_mb=64)
    script = write_script(
        "function f(options) {"
        "  const a = []; while (true) a.push({n: a.length, s: 'x' + a.length}) }"
    )
    result = runtime.run_hook(script, "f")
    assert result.error["type"] == "HeapLimitExceeded"


def test_engine_abort_is_reported_and_the_caller_goes_on(write_script) -> None:
    # fill() never checks V8's deadline or heap limit: V8 aborts the process after some
    # seconds, so the time limit must be longer than that for the crash to show.
    runtime = Runtime(timeout_s=60)
    boom = write_script("function f(options) { return new Array(3e8).fill(0).length }")
    result = runtime.run_hook(boom, "f")
    assert not result.ok
    assert result.error["type"] == "EngineCrashed"
    assert "invalid table size" in result.error["message"] or result.error.get("signal")
    ok = write_script("function g(options) { return 'still here' }", name="ok.js")
    assert runtime.run_hook(ok, "g").value == "still here"


def test_date_is_utc_and_values_round_trip_as_json(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        function f(options) {
          return { when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), hour: new Date(0).getHours(),
                   gone: undefined, kept: null }
        }
        """
    )
    result = runtime.run_hook(script, "f")
    assert result.value == {"when": "2024-01-02T03:04:05.000Z", "hour": 0, "kept": None}


def test_without_a_function_name_the_hook_among_helpers_runs(runtime: Runtime, write_script):
    script = write_script(
        """
        function clean(record) { return { data: { ...record, clean: true } } }
        function preMap(options) { return options.data.map(clean) }
        """
    )
    result = runtime.run_hook(script, options={"data": [{"id": 1}]})
    assert result.ok and result.function == "preMap" and result.hook == "preMap"
    assert result.value == [{"data": {"id": 1, "clean": True}}]


def test_the_page_reaches_the_hook_as_data_and_leaves_no_global(runtime: Runtime, write_script):
    script = write_script(
        """
        function preSavePage(options) {
          const first = options.data[0]
          return { data: [{ own: Object.keys(first), leaked: typeof __jsrt_inputs }], errors: [] }
        }
        """
    )
    result = runtime.run_hook(script, options={"data": [{"__proto__": {"x": 1}, "quote": '"'}]})
    assert result.value["data"] == [{"own": ["__proto__", "quote"], "leaked": "undefined"}]


@pytest.mark.parametrize(
    ("char", "count", "refused"),
    [
        ("a", 5 * 1024 * 1024 + 100, True),  # ASCII over 5 MB
        ("a", 4 * 1024 * 1024, False),
        ("é", 2_700_000, True),  # 2.7 M characters, but 5.4 MB of UTF-8
        ("é", 2_000_000, False),  # 4 MB of UTF-8
    ],
)
def test_the_5_mb_rule_counts_utf8_bytes_of_the_return(
    runtime: Runtime, write_script, char: str, count: int, refused: bool
) -> None:
    script = write_script(
        f"""
        function preSavePage(options) {{
          return {{data: [{{text: '{char}'.repeat({count})}}], errors: []}}
        }}
        """
    )
    result = runtime.run_hook(script, None, {"data": [{}]})
    assert result.ok is not refused
    oversize = [p for p in result.problems if p.startswith("response_size_exceeded")]
    assert bool(oversize) is refused


def test_a_run_leaves_the_callers_garbage_collector_as_it_found_it(
    runtime: Runtime, write_script
) -> None:
    import gc

    script = write_script("function preSavePage(o) { return {data: o.data, errors: []} }\n")
    options = {"data": [{"id": i, "tags": [i]} for i in range(200)]}
    assert gc.isenabled()
    result = runtime.run_hook(script, None, options)
    assert result.ok and gc.isenabled()
    # what the run allocated went to the oldest generation without being walked
    assert any(o is result.value for o in gc.get_objects(generation=2))
    gc.disable()
    try:
        runtime.run_hook(script, None, options)
        assert not gc.isenabled()
    finally:
        gc.enable()
    sentinel = ["frozen by the program"]
    gc.freeze()
    try:
        runtime.run_hook(script, None, options)
        # a program's own frozen objects stay frozen (unfrozen, they would be in gen 2)
        assert not any(o is sentinel for o in gc.get_objects(generation=2))
    finally:
        gc.unfreeze()
    assert any(o is sentinel for o in gc.get_objects(generation=2))


def test_every_run_gets_a_fresh_context_even_when_made_ahead(write_script) -> None:
    """The worker makes each next isolate while the caller digests a reply; it must be
    as fresh as one made on demand, and sized for the run that takes it."""
    runtime = Runtime(timeout_s=20)
    script = write_script(
        """
        function mark(options) {
          const seen = typeof globalThis.leftover
          globalThis.leftover = options.n
          Object.prototype.polluted = true
          return seen
        }
        function grow(options) {
          const a = []; while (a.length < 5e6) a.push({n: a.length, s: 'x' + a.length})
          return a.length
        }
        """
    )
    assert [runtime.run_hook(script, "mark", {"n": n}).value for n in range(3)] == ["undefined"] * 3
    small = runtime.run_hook(script, "grow", memory_mb=32)
    assert small.error["type"] == "HeapLimitExceeded"
    assert runtime.run_hook(script, "mark", {"n": 9}).value == "undefined"


def test_runs_in_a_row_each_get_an_isolate_of_their_own(write_script) -> None:
    """The worker keeps more than one isolate made ahead; each serves one run only,
    whatever the runs' limits, so none sees what an earlier run left behind."""
    runtime = Runtime(timeout_s=20)
    other_limits = Runtime(timeout_s=20, max_log_lines=7)
    script = write_script(
        """
        function mark(options) {
          const seen = [typeof globalThis.leftover, typeof Array.prototype.leaked]
          globalThis.leftover = options.n
          Array.prototype.leaked = options.n
          console.log('run', options.n)
          return seen.join(',')
        }
        """
    )
    seen = [
        (other_limits if n % 3 == 0 else runtime).run_hook(script, "mark", {"n": n}).value
        for n in range(8)
    ]
    assert seen == ["undefined,undefined"] * 8
