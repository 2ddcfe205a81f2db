"""Hooks that try to fool or crash the runtime, run in a real worker through `Runtime`:
whatever globals they replace and whatever they return, throw or log, the reply is
jsrt's, one record's failure stays that record's, and the caller gets a clear answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jsrt.backends.local import World
from jsrt.errors import JsrtError
from jsrt.runner import Runtime

RECORDS = {"records": [{"id": 1}, {"id": 2}, {"id": 3}]}


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(timeout_s=10)


def _forged_world() -> str:
    """A world snapshot naming an integration the hook was never given, as JSON text."""
    snapshot = World().snapshot()
    snapshot["current"]["integrations"] = [{"_id": "forged", "name": "forged"}]
    return json.dumps(snapshot)


# Each text, returned by a replaced JSON.stringify, closes the value early and adds its
# own keys to the reply frame jsrt used to splice the value into.
FORGERIES = {
    "calls, world and cassette": (
        '1}],"calls":[],"world":' + _forged_world() + ',"world_version":99,"cassette":null,'
        '"outcomes_size_bound":1},'
        '"junk":{"a":[{"b":1'
    ),
    "world changes": (
        '1}],"calls":[],"world_changes":{"documents":[["integrations","forged",'
        '{"_id":"forged","name":"forged"}]],"removed_documents":[],"created":[],"state":[],'
        '"removed_state":[],"cache_entries":[],"removed_cache_entries":[],"history":[],'
        '"next_id":0},"world_version":99,"cassette":null},'
        '"junk":{"a":[{"b":1'
    ),
    "a made-up EngineCrashed": (
        '1}]},"error":{"type":"EngineCrashed","message":"forged crash"},"junk":{"a":[{"b":1'
    ),
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_replaced_json_stringify_cannot_forge_the_reply(
    tmp_path: Path, write_script, forgery: str
) -> None:
    script = write_script(
        """
        import { state } from 'integrator-api';
        export function preSavePage(options) {
          state.putForResource({ resourceType: 'flows', _id: 'f1', key: 'real', value: 1 });
          const real = JSON.stringify;
          const marked = { data: options.data };
          JSON.stringify = function (value) {
            return value === marked ? FORGERY : real.apply(this, arguments);
          };
          return marked;
        }
        """.replace("FORGERY", json.dumps(forgery))
    )
    state_dir = tmp_path / "state"
    result = Runtime(state_dir=state_dir, timeout_s=10).run_hook(
        script, options={"data": [{"a": 1}]}
    )
    assert result.error is None and result.ok
    assert result.value == {"data": [{"a": 1}]}
    assert [(c["object"], c["method"], c["ok"]) for c in result.calls] == [
        ("state", "putForResource", True)
    ]
    saved = Runtime(state_dir=state_dir).world  # what the next run starts from
    assert saved.snapshot()["current"]["integrations"] == []
    assert saved.state_of("flows", "f1") == {"real": 1}


def test_replaced_built_ins_change_nothing_jsrt_reports(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        import { state } from 'integrator-api';
        Object.defineProperty(Array.prototype, '0', { set() { throw new Error('index setter'); } });
        Object.defineProperty = () => { throw new Error('no defineProperty'); };
        Array.prototype.push = function () { throw new Error('no push'); };
        Array.prototype.join = () => '],"forged":[';
        Array.prototype.map = () => [];
        Array.prototype[Symbol.iterator] = function* () { yield 'forged'; };
        Array.prototype.toJSON = function () { return 'forged'; };
        JSON.parse = () => ({ forged: true });
        Reflect.apply = () => 'forged';
        String.prototype.slice = () => 'forged';
        String.prototype.repeat = () => 'forged';
        Error.prepareStackTrace = () => { throw new Error('no stack'); };
        Date.prototype.toISOString = () => { throw new Error('no time'); };
        export function transform(options) {
          console.log('record', options.record.id);
          const key = 'k' + options.record.id;
          state.putForResource({ resourceType: 'flows', _id: 'f1', key, value: 1 });
          if (options.record.id === 2) throw new TypeError('second');
          return { id: options.record.id, seen: true };
        }
        """
    )
    result = runtime.run_hook(script, options=RECORDS)
    assert [r["ok"] for r in result.records] == [True, False, True]
    assert result.records[0]["value"] == {"id": 1, "seen": True}
    assert result.records[2]["value"] == {"id": 3, "seen": True}
    assert result.records[1]["error"]["message"].endswith("TypeError: second")
    assert [e["text"] for e in result.logs] == ["record 1", "record 2", "record 3"]
    assert [c["args"][0]["key"] for c in result.calls] == ["k1", "k2", "k3"]
    assert runtime.world.state_of("flows", "f1") == {"k1": 1, "k2": 1, "k3": 1}


def test_the_api_imported_after_prototypes_changed_is_the_real_one(
    runtime: Runtime, write_script
) -> None:
    # integrator-api's module is built on its first import; a script importing nothing
    # can still reach jsrt's own importer later, after changing prototypes and built-ins,
    # which must not reach the module's functions.
    script = write_script(
        """
        for (const name of ['state', 'putForResource', 'getForResource', 'exports']) {
          Object.defineProperty(Object.prototype, name, {
            set() { throw new Error('setter ' + name); }, configurable: true,
          });
        }
        Object.defineProperty = () => { throw new Error('no defineProperty'); };
        Object.freeze = (o) => o;
        Object.keys = () => [];
        Array.prototype[Symbol.iterator] = function* () { yield 'forged'; };
        export function transform(options) {
          const api = globalThis.__jsrt_import('integrator-api');
          api.state.putForResource({ resourceType: 'flows', _id: 'f1', key: 'k', value: 7 });
          return {
            read: api.state.getForResource({ resourceType: 'flows', _id: 'f1', key: 'k' }),
            frozen: Object.isFrozen(api) && Object.isFrozen(api.state),
            objects: Reflect.ownKeys(api).length,
          };
        }
        """
    )
    result = runtime.run_hook(script, options={"records": [{"id": 1}]})
    assert result.ok, result.error
    value = result.records[0]["value"]
    assert value["read"] == 7 and value["frozen"] is True and value["objects"] >= 9
    assert runtime.world.state_of("flows", "f1") == {"k": 7}


def test_an_inherited_to_json_cannot_rewrite_what_jsrt_writes(
    runtime: Runtime, write_script
) -> None:
    script = write_script(
        """
        Object.prototype.toJSON = function () { return this.level ? { level: 'forged' } : this; };
        export function preSavePage(options) {
          console.warn('careful');
          return { data: options.data };
        }
        """
    )
    result = runtime.run_hook(script, options={"data": [{"a": 1}]})
    assert [(e["level"], e["text"]) for e in result.logs] == [("warn", "careful")]
    assert result.ok, result.error


def test_a_hook_cannot_take_its_own_logs_or_run_itself_again(
    runtime: Runtime, write_script
) -> None:
    script = write_script(
        """
        export function preSavePage(options) {
          console.log('kept');
          const probes = [typeof __jsrt_console, typeof __jsrt_take_logs];
          try { __jsrt_invoke('preSavePage'); } catch (e) { probes.push(e.message); }
          try { __jsrt_begin(0, 0, 0, 0); } catch (e) { probes.push('begin threw'); }
          console.log('still logging');
          return { data: [{ probes }] };
        }
        """
    )
    result = runtime.run_hook(script, options={"data": [{"a": 1}]})
    assert result.ok, result.error
    assert result.value["data"][0]["probes"] == [
        "undefined",
        "undefined",
        "__jsrt_invoke runs once per run, by jsrt",
    ]
    assert [e["text"] for e in result.logs] == ["kept", "still logging"]


THROWING_PROXY = (
    "new Proxy({}, { get() { throw new Error('trap'); },"
    " ownKeys() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } })"
)
HOSTILE_VALUES = {
    "a toJSON that throws": "({ toJSON() { throw new Error('toJSON boom'); } })",
    "a getter that throws": "({ get x() { throw new Error('getter boom'); } })",
    "a Proxy whose traps throw": THROWING_PROXY,
    "a Promise": "Promise.resolve(1)",
    "a then getter that throws": "({ get then() { throw new Error('then boom'); } })",
}


@pytest.mark.parametrize("expression", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_a_hostile_return_fails_its_record_only(
    runtime: Runtime, write_script, expression: str
) -> None:
    script = write_script(
        """
        export function transform(options) {
          console.log('record ' + options.record.id);
          if (options.record.id === 2) return RETURNED;
          return options.record;
        }
        """.replace("RETURNED", expression)
    )
    result = runtime.run_hook(script, options=RECORDS)
    assert [r["ok"] for r in result.records] == [True, False, True]
    assert result.records[2]["value"] == {"id": 3}
    assert result.records[1]["error"]["type"] == "ContractViolation"
    assert [e["text"] for e in result.logs] == ["record 1", "record 2", "record 3"]


HOSTILE_THROWS = {
    "a Symbol": ("Symbol('boom')", "Symbol(boom)"),
    "a Proxy whose traps throw": (THROWING_PROXY, ""),
    "an Error whose name getter throws": (
        "Object.defineProperty(new Error('named'), 'name', { get() { throw new Error('no'); } })",
        "named",
    ),
    "an Error whose message converts badly": (
        "Object.assign(new Error('x'), { message: { toString() { throw new Error('no'); } } })",
        "",
    ),
    "an object whose toString throws": (
        "({ toString() { throw new Error('no'); }, toJSON() { throw new Error('no'); } })",
        "",
    ),
    "an Error with a throwing toJSON": (
        "Object.assign(new Error('with props'), { toJSON() { throw new Error('no'); } })",
        "with props",
    ),
}


@pytest.mark.parametrize("thrown, shown", HOSTILE_THROWS.values(), ids=HOSTILE_THROWS.keys())
def test_a_hostile_throw_fails_its_record_only(
    runtime: Runtime, write_script, thrown: str, shown: str
) -> None:
    script = write_script(
        """
        export function transform(options) {
          console.log('record ' + options.record.id);
          if (options.record.id === 2) throw THROWN;
          return options.record;
        }
        """.replace("THROWN", thrown)
    )
    result = runtime.run_hook(script, options=RECORDS)
    assert [r["ok"] for r in result.records] == [True, False, True]
    assert result.records[0]["value"] == {"id": 1}
    assert result.records[2]["value"] == {"id": 3}
    assert result.records[1]["error"]["type"] == "ScriptError"
    assert shown in result.records[1]["error"]["message"]
    assert [e["text"] for e in result.logs] == ["record 1", "record 2", "record 3"]


def test_console_never_throws_into_the_hook(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        export function preSavePage(options) {
          const no = () => { throw new Error('no'); };
          const nasty = { toString: no, toJSON: no };
          console.log(nasty);
          console.log('%s and %d', nasty, nasty, Symbol('s'));
          console.log(new Proxy({}, { get() { throw new Error('trap'); } }));
          return { data: options.data };
        }
        """
    )
    result = runtime.run_hook(script, options={"data": [{"a": 1}]})
    assert result.ok, result.error
    assert len(result.logs) == 3
    assert all(isinstance(entry["text"], str) for entry in result.logs)


LONE = "'😀'.slice(0, 1)"


def test_lone_surrogates_become_the_replacement_character(runtime: Runtime, write_script) -> None:
    script = write_script(
        f"""
        import {{ state }} from 'integrator-api';
        export function preSavePage(options) {{
          const half = {LONE};
          console.log('half: ' + half);
          const where = {{ resourceType: 'flows', _id: 'f1', key: 'half' }};
          state.putForResource({{ ...where, value: half + '!' }});
          const back = state.getForResource(where);
          return {{ data: [{{ half, back, pair: '😀', escaped: '\\\\ud83d' }}] }};
        }}
        """
    )
    result = runtime.run_hook(script, options={"data": [{"a": 1}]})
    assert result.ok, result.error
    assert result.value["data"] == [
        {"half": "\ufffd", "back": "\ufffd!", "pair": "😀", "escaped": "\\ud83d"}
    ]
    assert result.logs[0]["text"] == "half: \ufffd"
    assert runtime.world.state_of("flows", "f1") == {"half": "\ufffd!"}
    assert result.calls[0]["args"][0]["value"] == "\ufffd!"


def test_a_lone_surrogate_thrown_keeps_the_other_records(runtime: Runtime, write_script) -> None:
    script = write_script(
        f"""
        export function transform(options) {{
          if (options.record.id === 2) throw new Error('bad ' + {LONE});
          return {{ ...options.record, note: {LONE} }};
        }}
        """
    )
    result = runtime.run_hook(script, options=RECORDS)
    assert [r["ok"] for r in result.records] == [True, False, True]
    assert result.records[0]["value"] == {"id": 1, "note": "\ufffd"}
    assert result.records[1]["error"]["js_message"] == "bad \ufffd"


def _nested(depth: int) -> str:
    """JavaScript building an object `depth` levels deep ({} is one level)."""
    return f"(() => {{ let v = {{}}; for (let i = 1; i < {depth}; i++) v = {{ v }}; return v; }})()"


@pytest.mark.parametrize("depth", [201, 1_000, 5_000])
def test_a_value_nested_too_deeply_fails_its_record_with_the_limit(
    runtime: Runtime, write_script, depth: int
) -> None:
    script = write_script(
        f"""
        export function transform(options) {{
          console.log('record ' + options.record.id);
          if (options.record.id === 2) return {_nested(depth)};
          return options.record;
        }}
        """
    )
    result = runtime.run_hook(script, options=RECORDS)
    assert [r["ok"] for r in result.records] == [True, False, True]
    assert result.records[2]["value"] == {"id": 3}
    message = result.records[1]["error"]["message"]
    assert "nested deeper than 200 levels" in message
    assert [e["text"] for e in result.logs] == ["record 1", "record 2", "record 3"]


def test_a_value_at_the_depth_limit_is_carried(runtime: Runtime, write_script) -> None:
    script = write_script(
        f"""
        export function transform(options) {{ return {_nested(200)}; }}
        """
    )
    result = runtime.run_hook(script, options={"record": {"id": 1}})
    assert result.ok, result.error
    depth, value = 0, result.value
    while isinstance(value, dict):
        depth, value = depth + 1, value.get("v")
    assert depth == 200


def test_an_api_argument_nested_too_deeply_is_an_error_the_hook_catches(
    runtime: Runtime, write_script
) -> None:
    script = write_script(
        """
        import { state } from 'integrator-api';
        const nested = (depth) => {
          let v = {};
          for (let i = 1; i < depth; i++) v = { v };
          return v;
        };
        export function preSavePage(options) {
          const caught = [];
          for (const depth of [201, 2000]) {
            const value = nested(depth);
            try {
              state.putForResource({ resourceType: 'flows', _id: 'f1', key: 'deep', value });
            } catch (e) { caught.push(e.code + ': ' + e.message); }
          }
          state.putForResource({ resourceType: 'flows', _id: 'f1', key: 'shallow', value: 1 });
          return { data: [{ caught }] };
        }
        """
    )
    result = runtime.run_hook(script, options={"data": [{"a": 1}]})
    assert result.ok, result.error
    caught = result.value["data"][0]["caught"]
    assert len(caught) == 2
    assert all(c.startswith("invalid_argument: ") and "deeper than 200 levels" in c for c in caught)
    assert runtime.world.state_of("flows", "f1") == {"shallow": 1}
    assert [c["ok"] for c in result.calls] == [False, False, True]


def test_a_deep_value_keeps_json_output_one_object(tmp_path: Path, write_script) -> None:
    from click.testing import CliRunner

    from jsrt.cli import main

    script = write_script(
        f"""
        export function preSavePage(options) {{
          console.log({LONE});
          return {{ data: [{_nested(1_500)}] }};
        }}
        """
    )
    options = tmp_path / "options.json"
    options.write_text('{"data": [{"a": 1}]}')
    result = CliRunner().invoke(main, ["run", str(script), "--options", str(options), "--json"])
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert out["ok"] is False
    assert "nested deeper than 200 levels" in out["error"]["message"]
    assert out["logs"][0]["text"] == "\ufffd"


def test_outcomes_of_another_shape_are_refused_not_trusted(runtime: Runtime) -> None:
    from jsrt.run.outcomes import DEPTH_PAD, read_outcomes

    line = b'{"ok":true,"returned":false,"logs":[]}\n,null'
    for pad in (1, DEPTH_PAD + 1):
        with pytest.raises(JsrtError, match="not the 1 jsrt expected"):
            read_outcomes(b"[" * pad + line + b"]" * pad, 1)


@pytest.mark.parametrize("filler", [0, 200_000], ids=["short outcomes", "long outcomes"])
def test_the_depth_limit_holds_however_long_the_outcomes_are(
    runtime: Runtime, write_script, filler: int
) -> None:
    script = write_script(
        f"""
        export function transform(options) {{
          const id = options.record.id;
          if (id === 1) return {{ id, filler: 'x'.repeat({filler}) }};
          if (id === 2) return {_nested(201)};
          if (id === 3) return {_nested(200)};
          return options.record;
        }}
        """
    )
    result = runtime.run_hook(
        script, options={"records": [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}]}
    )
    assert [r["ok"] for r in result.records] == [True, False, True, True]
    assert len(result.records[0]["value"]["filler"]) == filler
    assert "nested deeper than 200 levels" in result.records[1]["error"]["message"]
