"""Backend choice and cassettes from every front end: `jsrt run`, `jsrt test`, case file
keys and the pytest plugin, against a real `jsrt serve` and then offline from the cassette."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rest_servers import SMALL_WORLD, TOKEN, Served

from jsrt.cli import main

HOOK_JS = """
import { state, exports } from 'integrator-api'

function preSavePage(options) {
  const flow = { resourceType: 'flows', _id: 'orderSync' }
  const last = state.getForResource({ ...flow, key: 'lastRun' })
  state.putForResource({ ...flow, key: 'seen', value: options.data.length })
  const run = exports.run({ _id: 'e1' })
  return { data: options.data.map((r) => ({ ...r, last, from: run.data[0].n })), errors: [] }
}
"""
OPTIONS = {"_flowId": "orderSync", "_integrationId": "shop", "data": [{"id": 1}]}
EXPECTED = {"data": [{"id": 1, "last": "2025-01-14", "from": 1}], "errors": []}

pytest_plugins = ["pytester"]


@pytest.fixture
def project(tmp_path: Path, served: Served) -> Path:
    served.account.reset()
    (tmp_path / "hook.js").write_text(textwrap.dedent(HOOK_JS))
    (tmp_path / "options.json").write_text(json.dumps(OPTIONS))
    (tmp_path / "world.json").write_text(json.dumps(SMALL_WORLD))
    return tmp_path


def jsrt(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_args(project: Path, *extra: str) -> list[str]:
    return [
        "run",
        str(project / "hook.js"),
        "--options",
        str(project / "options.json"),
        "--json",
        *extra,
    ]


def test_jsrt_run_records_against_serve_then_replays_offline(project: Path, served: Served) -> None:
    cassette = project / "run.cassette.json"
    recorded = jsrt(
        *run_args(
            project,
            "--backend",
            "rest",
            "--base-url",
            served.url,
            "--allow-writes",
            "--record",
            str(cassette),
        )
    )
    assert recorded.exit_code == 0, recorded.output
    assert json.loads(recorded.output)["result"] == EXPECTED
    assert served.account.world.state_of("flows", "orderSync")["seen"] == 1
    assert TOKEN not in cassette.read_text()

    served.account.reset()
    replayed = jsrt(*run_args(project, "--replay", str(cassette)))
    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.output)["result"] == EXPECTED
    assert "seen" not in served.account.world.state_of("flows", "orderSync")  # no network


def test_a_configured_secret_field_is_scrubbed_and_replays_still_match(project: Path) -> None:
    cassette = project / "c.json"
    world = str(project / "world.json")
    recorded = jsrt(
        *run_args(project, "--world", world, "--record", str(cassette), "--secret-field", "value")
    )
    assert recorded.exit_code == 0, recorded.output
    document = json.loads(cassette.read_text())
    assert document["secretFields"] == ["value"]
    put = next(i for i in document["interactions"] if i["method"] == "putForResource")
    assert put["args"][0]["value"] == "<scrubbed>"
    replayed = jsrt(*run_args(project, "--replay", str(cassette)))
    assert replayed.exit_code == 0, replayed.output


def test_jsrt_run_without_allow_writes_fails_the_hook_naming_the_flag(
    project: Path, served: Served
) -> None:
    refused = jsrt(*run_args(project, "--backend", "rest", "--base-url", served.url))
    assert refused.exit_code == 1
    error = json.loads(refused.output)["error"]
    assert error["type"] == "ScriptError"
    assert "state.putForResource would change the integrator.io account" in error["message"]
    assert "--allow-writes" in error["message"]


def test_a_replay_the_hook_does_not_match_exits_2_with_the_diff(project: Path) -> None:
    cassette = project / "c.json"
    assert (
        jsrt(
            *run_args(project, "--world", str(project / "world.json"), "--record", str(cassette))
        ).exit_code
        == 0
    )
    (project / "options.json").write_text(json.dumps({**OPTIONS, "data": [{"id": 1}, {"id": 2}]}))
    mismatch = jsrt(
        "run",
        str(project / "hook.js"),
        "--options",
        str(project / "options.json"),
        "--replay",
        str(cassette),
    )
    assert mismatch.exit_code == 2
    assert f"error: {cassette}: no recorded answer to state.putForResource" in mismatch.output
    assert '  -    "value": 1\n  +    "value": 2' in mismatch.output
    assert "--record-mode new" in mismatch.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--record-mode", "new"], "--record-mode applies to --record"),
        (["--secret-field", "x"], "--secret-field applies to --record"),
        (["--replay", "missing.json"], "missing.json: no such cassette"),
        (["--backend", "cloud"], "unknown backend 'cloud'; one of local, rest, replay"),
        (["--backend", "rest", "--replay", "c.json"], "cannot go with the rest backend"),
        (["--base-url", "http://127.0.0.1:9", "--state-dir", "s"], "a state dir keeps the local"),
        (["--region", "mars"], "unknown region 'mars'"),
    ],
)
def test_bad_backend_options_exit_2_with_a_sentence(
    project: Path, args: list[str], message: str
) -> None:
    result = jsrt("run", str(project / "hook.js"), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_case_files_choose_their_backend_and_cassette(project: Path, served: Served) -> None:
    (project / "orders.case.yaml").write_text(
        textwrap.dedent(f"""
        script: hook.js
        backend: rest
        base_url: {served.url}
        allow_writes: true
        cassette: cassettes/orders.json
        options: {json.dumps(OPTIONS)}
        cases:
          - name: stamps the last run
            expect: {{result: {json.dumps(EXPECTED)}}}
          - name: calls the export once
            expect: {{calls_count: {{exports.run: 1}}}}
    """)
    )
    recorded = jsrt("test", str(project / "orders.case.yaml"))
    assert recorded.exit_code == 0, recorded.output
    interactions = json.loads((project / "cassettes/orders.json").read_text())["interactions"]
    assert {i["scope"] for i in interactions} == {
        "orders.case.yaml::stamps the last run",
        "orders.case.yaml::calls the export once",
    }
    # Offline: the front end's --replay wins over the case file's rest backend.
    replayed = jsrt(
        "test",
        str(project / "orders.case.yaml"),
        "--replay",
        str(project / "cassettes/orders.json"),
    )
    assert replayed.exit_code == 0, replayed.output
    assert replayed.output.splitlines()[-1] == "2 passed, 0 failed"


def test_a_case_file_may_replay_a_cassette_and_a_bad_key_points_at_its_line(
    project: Path,
) -> None:
    cassette = project / "c.json"
    assert (
        jsrt(
            *run_args(project, "--world", str(project / "world.json"), "--record", str(cassette))
        ).exit_code
        == 0
    )
    case = project / "offline.case.yaml"
    case.write_text(
        f"script: hook.js\nreplay: c.json\noptions: {json.dumps(OPTIONS)}\n"
        f"expect: {{result: {json.dumps(EXPECTED)}}}\n"
    )
    assert jsrt("test", str(case)).exit_code == 0
    case.write_text("script: hook.js\nbackend: cloud\n")
    bad = jsrt("test", str(case))
    assert bad.exit_code == 2
    assert "offline.case.yaml:2:1: backend must be one of local, rest, replay, got 'cloud'" in (
        bad.output
    )


def test_the_pytest_plugin_runs_cases_and_fixtures_on_the_chosen_backend(
    project: Path, served: Served, pytester: pytest.Pytester
) -> None:
    (pytester.path / "hook.js").write_text(textwrap.dedent(HOOK_JS))
    pytester.makefile(
        ".case.yaml",
        orders=f"script: hook.js\noptions: {json.dumps(OPTIONS)}\n"
        f"expect: {{result: {json.dumps(EXPECTED)}}}\n",
    )
    pytester.makepyfile(
        test_hook=f"""
        def test_hook(jsrt_run):
            result = jsrt_run("hook.js", options={OPTIONS!r})
            assert result.ok, result.error
            assert result.value == {EXPECTED!r}
    """
    )
    rest = [
        "--jsrt-backend",
        "rest",
        "--jsrt-base-url",
        served.url,
        "--jsrt-allow-writes",
        "--jsrt-record",
        "c.json",
        "-p",
        "no:cacheprovider",
    ]
    pytester.runpytest(*rest).assert_outcomes(passed=2)
    interactions = json.loads((pytester.path / "c.json").read_text())["interactions"]
    scopes = {interaction["scope"] for interaction in interactions}
    assert scopes == {"orders.case.yaml::orders", "test_hook.py::test_hook"}
    served.account.reset()
    pytester.runpytest("--jsrt-replay", "c.json").assert_outcomes(passed=2)
    assert "seen" not in served.account.world.state_of("flows", "orderSync")


def test_a_token_set_after_the_engine_started_is_the_one_used(
    project: Path, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker copies the environment when it starts; a session that sets or changes
    the token later (a fixture, a notebook) must not keep calling with the old one."""
    from jsrt.runner import Runtime

    runtime = Runtime(
        str(project / "world.json"), backend="rest", base_url=served.url, allow_writes=True
    )
    monkeypatch.setenv("INTEGRATOR_IO_TOKEN", "not-the-token")
    refused = runtime.run_hook(project / "hook.js", None, OPTIONS)
    assert refused.error is not None and "refused the API token" in refused.error["message"]
    monkeypatch.setenv("INTEGRATOR_IO_TOKEN", TOKEN)
    accepted = runtime.run_hook(project / "hook.js", None, OPTIONS)
    assert accepted.ok, accepted.error
    assert accepted.value == EXPECTED
