"""What one run keeps of its logs and its call log is bounded, and what goes past the
limits is counted and said: through `Runtime` in a real worker, and `jsrt run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jsrt.backends.local import World
from jsrt.cli import main
from jsrt.errors import InputError, UsageError
from jsrt.runner import HookResult, Runtime

CHATTY = """
import { state } from 'integrator-api';
export function preSavePage(options) {
  for (let i = 0; i < options.lines; i++) console.log('line ' + i);
  const where = { resourceType: 'flows', _id: 'f1', key: 'k' };
  for (let i = 0; i < options.calls; i++) state.getForResource(where);
  return { data: options.data };
}
"""


@pytest.fixture
def world() -> World:
    return World({"state": {"flows/f1": {"k": 1}}})


def test_a_million_log_lines_keep_the_first_hundred_thousand(world: World, write_script) -> None:
    script = write_script(CHATTY)
    result = Runtime(world, timeout_s=60).run_hook(
        script, options={"data": [{"a": 1}], "lines": 1_000_000, "calls": 0}
    )
    assert result.ok, result.error
    assert len(result.logs) == 100_000
    assert result.logs[-1]["text"] == "line 99999"
    assert result.dropped == {"logs": 900_000}
    assert result.notes == [
        "900,000 log lines were not kept: a run keeps at most 100,000 (max_log_lines)"
    ]
    assert result.to_json()["dropped"] == {"logs": 900_000}


def test_calls_past_the_limit_are_answered_and_counted(world: World, write_script) -> None:
    script = write_script(CHATTY)
    runtime = Runtime(world, timeout_s=30, max_calls=3, max_log_lines=2)
    result = runtime.run_hook(script, options={"data": [{"a": 1}], "lines": 5, "calls": 10})
    assert result.ok, result.error
    assert len(result.calls) == 3 and all(call["ok"] for call in result.calls)
    assert [entry["text"] for entry in result.logs] == ["line 0", "line 1"]
    assert result.dropped == {"calls": 7, "logs": 3}
    assert "7 integrator-api calls were not kept: the call log keeps at most 3 (max_calls)" in (
        result.notes
    )


def test_log_text_past_its_limit_is_cut_and_counted(write_script) -> None:
    script = write_script(
        """
        export function preSavePage(options) {
          console.log('x'.repeat(30));
          console.log('y'.repeat(30));
          console.log('z');
          return { data: options.data };
        }
        """
    )
    result = Runtime(timeout_s=10, max_log_chars=40).run_hook(script, options={"data": [{"a": 1}]})
    assert [entry["text"] for entry in result.logs] == ["x" * 30, "y" * 10]
    assert result.dropped == {"logs": 1, "log_chars": 20}


def test_per_record_runs_share_one_log_limit(write_script) -> None:
    script = write_script(
        """
        export function transform(options) {
          console.log('a' + options.record.id);
          console.log('b' + options.record.id);
          return options.record;
        }
        """
    )
    result = Runtime(timeout_s=10, max_log_lines=3).run_hook(
        script, options={"records": [{"id": 1}, {"id": 2}, {"id": 3}]}
    )
    assert [entry["text"] for entry in result.logs] == ["a1", "b1", "a2"]
    assert result.dropped == {"logs": 3}


@pytest.mark.parametrize("limit", [0, -1, 1.5, "10", True, 1_000_001])
def test_limits_must_be_whole_numbers_in_their_range(limit: object) -> None:
    with pytest.raises(UsageError, match="max_calls must be a whole number of calls from 1 to "):
        Runtime(max_calls=limit)  # type: ignore[arg-type]


def test_jsrt_run_says_what_was_dropped(tmp_path: Path, world: World, write_script) -> None:
    script = write_script(CHATTY)
    options = tmp_path / "options.json"
    options.write_text(json.dumps({"data": [{"a": 1}], "lines": 100_005, "calls": 0}))
    human = CliRunner().invoke(main, ["run", str(script), "--options", str(options)])
    assert human.exit_code == 0, human.output
    assert "note: 5 log lines were not kept: a run keeps at most 100,000" in human.stderr
    as_json = CliRunner().invoke(main, ["run", str(script), "--options", str(options), "--json"])
    out = json.loads(as_json.stdout)
    assert out["dropped"] == {"logs": 5}
    assert len(out["logs"]) == 100_000


def test_a_run_stopped_at_its_deadline_keeps_its_logs_and_says_how_far_it_got(
    world: World, write_script
) -> None:
    script = write_script(
        """
        import { state } from 'integrator-api';
        export function preSavePage(options) {
          const where = { resourceType: 'flows', _id: 'f1', key: 'k' };
          for (let i = 0; i < 3; i++) state.getForResource(where);
          console.log('before the loop');
          console.warn('still before');
          for (;;) {}
        }
        """
    )
    result = Runtime(world, timeout_s=2).run_hook(script, options={"data": [{"a": 1}]})
    assert result.error is not None and result.error["type"] == "HookTimeout"
    assert result.error["message"].endswith("(3 integrator-api calls and 2 log lines so far)")
    assert [entry["text"] for entry in result.logs] == ["before the loop", "still before"]
    assert len(result.calls) == 3


def test_logs_before_a_load_failure_are_kept(write_script) -> None:
    script = write_script(
        """
        console.log('top level');
        null.boom;
        export function preSavePage(options) { return options; }
        """
    )
    result = Runtime(timeout_s=5).run_hook(script, options={"data": [{"a": 1}]})
    assert result.error is not None and result.error["type"] == "ScriptError"
    assert [entry["text"] for entry in result.logs] == ["top level"]


def _options_file(tmp_path: Path, lines: int, calls: int) -> str:
    options = tmp_path / "options.json"
    options.write_text(json.dumps({"data": [{"a": 1}], "lines": lines, "calls": calls}))
    return str(options)


def _world_file(tmp_path: Path) -> str:
    world = tmp_path / "world.json"
    world.write_text(json.dumps({"state": {"flows/f1": {"k": 1}}}))
    return str(world)


def test_jsrt_run_takes_the_caps_as_flags(tmp_path: Path, write_script) -> None:
    script = write_script(CHATTY)
    options = _options_file(tmp_path, lines=50, calls=5)
    common = ["run", str(script), "--options", options, "--world", _world_file(tmp_path)]
    flags = ["--max-log-lines", "10", "--max-calls", "2", "--json"]
    out = json.loads(CliRunner().invoke(main, [*common, *flags]).stdout)
    assert out["ok"] is True
    assert [entry["text"] for entry in out["logs"]] == [f"line {i}" for i in range(10)]
    assert len(out["calls"]) == 2
    assert out["dropped"] == {"logs": 40, "calls": 3}
    assert "40 log lines were not kept: a run keeps at most 10 (max_log_lines)" in out["notes"]
    human = CliRunner().invoke(main, [*common, "--max-log-chars", "20"])
    assert human.exit_code == 0, human.output
    assert "note: " in human.stderr and "at most 20 (max_log_chars)" in human.stderr


def test_a_recording_run_records_at_most_max_calls_and_the_replay_fails_clearly(
    tmp_path: Path, world: World, write_script
) -> None:
    script = write_script(CHATTY)
    cassette = tmp_path / "calls.cassette.json"
    options = {"data": [{"a": 1}], "lines": 0, "calls": 10}
    result = Runtime(world, record=cassette, max_calls=3).run_hook(script, options=options)
    assert result.ok, result.error
    assert result.dropped == {"calls": 7, "recorded_calls": 7}
    assert (
        f"7 integrator-api calls were not recorded into {cassette}: a run records at most 3 "
        "(max_calls), and a replay of the cassette fails at the first call it lacks"
    ) in result.notes
    assert len(json.loads(cassette.read_text())["interactions"]) == 3
    with pytest.raises(InputError, match=r"no recorded answer to state\.getForResource"):
        Runtime(replay=cassette).run_hook(script, options=options)


def test_jsrt_run_says_how_many_calls_it_did_not_record(tmp_path: Path, write_script) -> None:
    script = write_script(CHATTY)
    cassette = tmp_path / "calls.cassette.json"
    args = ["run", str(script), "--options", _options_file(tmp_path, lines=0, calls=6)]
    args += ["--world", _world_file(tmp_path), "--record", str(cassette), "--max-calls", "4"]
    human = CliRunner().invoke(main, args)
    assert human.exit_code == 0, human.output
    assert f"note: 2 integrator-api calls were not recorded into {cassette}" in human.stderr
    out = json.loads(CliRunner().invoke(main, [*args, "--record-mode", "all", "--json"]).stdout)
    assert out["dropped"] == {"calls": 2, "recorded_calls": 2}
    assert len(json.loads(cassette.read_text())["interactions"]) == 4


def test_the_call_log_crosses_back_as_one_text_and_reads_as_a_list(
    world: World, write_script
) -> None:
    # The worker sends the call log as one JSON array text; HookResult.calls parses it
    # on its first read and keeps the list (jsrt.run.outcomes.CallLog).
    script = write_script(CHATTY)
    result = Runtime(world, timeout_s=30).run_hook(
        script, options={"data": [{"a": 1}], "lines": 0, "calls": 2}
    )
    assert result.ok, result.error
    calls = result.calls
    assert calls is result.calls  # parsed once, then kept
    assert [{k: v for k, v in call.items() if k != "duration_ms"} for call in calls] == [
        {
            "object": "state",
            "method": "getForResource",
            "args": [{"resourceType": "flows", "_id": "f1", "key": "k"}],
            "ok": True,
            "result": 1,
        }
    ] * 2
    assert all(isinstance(call["duration_ms"], float) for call in calls)
    calls.append({"object": "added"})
    assert result.calls[-1] == {"object": "added"}
    assert result.to_json()["calls"][:2] == calls[:2]


def test_a_result_made_without_a_run_has_its_own_empty_call_log() -> None:
    first = HookResult(ok=True, value=None, hook=None, function="f")
    second = HookResult(ok=True, value=None, hook=None, function="f", calls=[{"x": 1}])
    first.calls.append({"y": 2})
    assert first.calls == [{"y": 2}] and second.calls == [{"x": 1}]
    assert HookResult(ok=True, value=None, hook=None, function="f").calls == []
    assert "calls=[{'x': 1}]" in repr(second)


REREAD = """
import { state } from 'integrator-api';
export function preSavePage(options) {
  const where = { resourceType: 'flows', _id: 'f1', key: 'k' };
  const seen = [state.getForResource(where), state.getForResource(where)];
  state.putForResource({ ...where, value: 2 });
  seen.push(state.getForResource(where), state.getForResource(where));
  return { data: [{ seen }] };
}
"""


def test_a_read_repeated_in_a_hook_sees_the_writes_between(world: World, write_script) -> None:
    # The dispatcher answers a repeated read without asking the world again only while
    # the world is unchanged (jsrt.api.dispatch).
    result = Runtime(world, timeout_s=30).run_hook(
        write_script(REREAD), options={"data": [{"a": 1}]}
    )
    assert result.ok, result.error
    assert result.value["data"] == [{"seen": [1, 1, 2, 2]}]
    logged = [(call["method"], call.get("result")) for call in result.calls]
    assert logged == [
        ("getForResource", 1),
        ("getForResource", 1),
        ("putForResource", None),
        ("getForResource", 2),
        ("getForResource", 2),
    ]
