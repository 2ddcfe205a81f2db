"""Secrets never reach an output: what `jsrt run` prints (human and `--json`), what `jsrt
test` reports (text, `--json`, JUnit) and a `HookResult`'s repr hold no secret of a
connection a script reads or writes, while case-file `calls:` expectations still compare
against the real values. A connection read answers its secrets masked as integrator.io
does (`"******"`, celigo/ai skills/configuring-connections: "GET masks credentials")."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jsrt.cli import main
from jsrt.pytest_plugin import assert_called
from jsrt.runner import Runtime

SECRETS = (
    "SECRET-TOKEN-1",
    "SECRET-REFRESH-2",
    "SECRET-ENCRYPTED-3",
    "SECRET-NEW-TOKEN-4",
    "SECRET-HEADER-5",
)

WORLD_YAML = """
connections:
  - _id: vault
    name: Vault
    type: http
    http:
      baseURI: https://api.example.com
      auth:
        type: token
        token:
          token: SECRET-TOKEN-1
          refreshToken: SECRET-REFRESH-2
          location: header
          headerName: Authorization
          scheme: Bearer
      encrypted: {apiSecret: SECRET-ENCRYPTED-3}
      headers:
        - {name: X-Api-Key, value: SECRET-HEADER-5}
        - {name: Accept, value: application/json}
"""

SCRIPT_JS = """
import { connections } from 'integrator-api'

function rotate(options) {
  const conn = connections.get('vault')
  console.log('rotating ' + conn.name)
  conn.http.auth.token.token = 'SECRET-NEW-TOKEN-4'
  connections.update(conn)
  return {
    name: conn.name,
    location: conn.http.auth.token.location,
    readToken: connections.get('vault').http.auth.token.token,
    encrypted: conn.http.encrypted,
  }
}
"""

CASES_YAML = """
script: script.js
function: rotate
world: world.yaml
cases:
  - name: the expected secret matches the real value
    expect:
      calls:
        - object: connections
          method: update
          args: [{http: {auth: {token: {token: SECRET-NEW-TOKEN-4}}}}]
  - name: a wrong secret is reported without showing either value
    expect:
      calls:
        - object: connections
          method: update
          args: [{http: {auth: {token: {token: not-the-token}}}}]
  - name: a wrong count lists the calls
    expect:
      calls_count: {connections.update: 2}
"""


def write_project(folder: Path) -> Path:
    for name, text in (
        ("world.yaml", WORLD_YAML),
        ("script.js", SCRIPT_JS),
        ("rotate.case.yaml", CASES_YAML),
    ):
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def jsrt(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_no_secret(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{leaked} leaked into:\n{text}"


def test_run_json_holds_the_calls_with_every_secret_scrubbed(tmp_path: Path) -> None:
    write_project(tmp_path)
    run = jsrt(
        "run", str(tmp_path / "script.js"), "--function", "rotate",
        "--world", str(tmp_path / "world.yaml"), "--json",
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert_no_secret(run.output)
    out = json.loads(run.stdout)
    # The script read the token and the encrypted object as integrator.io answers them.
    assert out["result"] == {
        "name": "Vault",
        "location": "header",
        "readToken": "******",
        "encrypted": "******",
    }
    get, update, _ = out["calls"]
    assert (get["method"], update["method"]) == ("get", "update")
    token = update["args"][0]["http"]["auth"]["token"]
    assert token == "<scrubbed>"  # the whole object under a secret name, as a cassette has it
    assert update["args"][0]["http"]["headers"] == [
        {"name": "X-Api-Key", "value": "<scrubbed>"},
        {"name": "Accept", "value": "application/json"},
    ]
    assert update["result"]["name"] == "Vault"


def test_run_human_output_holds_no_secret(tmp_path: Path) -> None:
    write_project(tmp_path)
    run = jsrt(
        "run", str(tmp_path / "script.js"), "--function", "rotate",
        "--world", str(tmp_path / "world.yaml"),
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "[log] rotating Vault" in run.stderr
    assert json.loads(run.stdout)["readToken"] == "******"
    assert_no_secret(run.stdout + run.stderr)


def test_test_reports_hold_no_secret_but_expectations_see_the_real_values(
    tmp_path: Path,
) -> None:
    write_project(tmp_path)
    junit = tmp_path / "report.xml"
    run = jsrt("test", str(tmp_path), "--junit", str(junit))
    assert run.exit_code == 1, run.output
    assert_no_secret(run.output)
    assert_no_secret(junit.read_text(encoding="utf-8"))
    lines = run.output.splitlines()
    # The case naming the real new token passes: expectations compare real values.
    assert any(line.startswith("PASS ") and "matches the real value" in line for line in lines)
    assert "no matching connections.update call; closest is call #2" in run.output
    assert "at $.args[0].http.auth.token: differs from the expected value" in run.output
    assert "calls_count: connections.update: expected 2, got 1" in run.output
    assert "#2 connections.update(" in run.output

    as_json = jsrt("test", str(tmp_path), "--json")
    assert_no_secret(as_json.output)
    cases = json.loads(as_json.stdout)["cases"]
    assert [case["status"] for case in cases] == ["passed", "failed", "failed"]


def test_a_hook_results_repr_and_the_pytest_helpers_messages_hold_no_secret(
    tmp_path: Path,
) -> None:
    write_project(tmp_path)
    options = {"headers": {"Authorization": "Bearer SECRET-TOKEN-1"}}
    result = Runtime(tmp_path / "world.yaml").run_hook(
        tmp_path / "script.js", "rotate", options=options
    )
    assert result.ok, result.error
    # The Python API keeps the real values (what `calls:` expectations compare against) ...
    assert result.calls[1]["args"][0]["http"]["auth"]["token"]["token"] == "SECRET-NEW-TOKEN-4"
    # ... but its repr, printed by asserts, debuggers and logs, does not show them.
    assert "connections" in repr(result)
    assert_no_secret(repr(result))
    # The pytest helper matches the real value, and its message shows none.
    assert_called(result, "connections.update", args_subset={"name": "Vault"})
    with pytest.raises(AssertionError) as raised:
        assert_called(
            result, "connections.update", args_subset={"http": {"auth": {"token": {"token": "x"}}}}
        )
    assert "at $.args[0].http.auth.token: differs from the expected value" in str(raised.value)
    assert_no_secret(str(raised.value))
