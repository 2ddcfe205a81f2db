"""`jsrt run` through click's CliRunner (output, --json, exit codes, bad input), and the
installed `jsrt` command in a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from click.testing import CliRunner

from jsrt.cli import main

SAMPLE = Path(__file__).parent.parent / "sample_hooks" / "preSavePage"


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_readme_example_prints_the_returned_page() -> None:
    result = invoke(
        "run", str(SAMPLE / "normalizeOrders.js"), "--options", str(SAMPLE / "options.json")
    )
    assert result.exit_code == 0, result.output
    value = json.loads(result.stdout)
    assert [r["customer"] for r in value["data"]] == ["Acme Corp", "Initech"]
    assert "[log] page 0: 2 orders kept, 1 rejected" in result.stderr


def test_json_output_is_one_object_with_every_field() -> None:
    result = invoke(
        "run",
        str(SAMPLE / "normalizeOrders.js"),
        "--function",
        "preSavePage",
        "--options",
        str(SAMPLE / "options.json"),
        "--json",
    )
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert set(out) >= {
        "ok",
        "hook",
        "function",
        "result",
        "errors",
        "logs",
        "calls",
        "error",
        "duration_ms",
    }
    assert out["ok"] is True and out["hook"] == "preSavePage" and out["error"] is None
    assert out["result"]["data"][1]["total"] == 12.5


def test_options_from_stdin(write_script) -> None:
    script = write_script("function f(options) { return options.n * 2 }")
    result = invoke("run", str(script), "--options", "-", input='{"n": 21}')
    assert result.exit_code == 0
    assert json.loads(result.stdout) == 42


def test_missing_script_is_exit_2(tmp_path: Path) -> None:
    result = invoke("run", str(tmp_path / "nope.js"), "-f", "f")
    assert result.exit_code == 2
    assert "nope.js" in result.stderr
    assert "Traceback" not in result.output


def test_invalid_options_json_names_path_and_position(tmp_path: Path, write_script) -> None:
    script = write_script("function f(options) { return 1 }")
    bad = tmp_path / "options.json"
    bad.write_text('{\n  "data": [1, 2,]\n}\n')
    result = invoke("run", str(script), "--options", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:2:" in result.stderr
    assert "invalid JSON" in result.stderr


def test_options_must_be_an_object(tmp_path: Path, write_script) -> None:
    script = write_script("function f(options) { return 1 }")
    bad = tmp_path / "options.json"
    bad.write_text("[1, 2]")
    result = invoke("run", str(script), "--options", str(bad), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["type"] == "InputError"


def test_a_throwing_hook_is_exit_1_with_its_position(write_script) -> None:
    script = write_script(
        """
        function preMap(options) {
          throw new Error('bad record')
        }
        """
    )
    result = invoke("run", str(script), "--options", "-", input='{"data": [{}]}')
    assert result.exit_code == 1
    assert f"{script}:2:" in result.stderr
    assert "Error: bad record" in result.stderr


def test_missing_function_lists_the_ones_that_exist(write_script) -> None:
    script = write_script("function preSavePage(o) { return o }\nfunction helper() {}\n")
    result = invoke("run", str(script), "-f", "preSavPage")
    assert result.exit_code == 2
    assert "preSavePage" in result.stderr and "helper" in result.stderr


def test_syntax_error_is_exit_2(write_script) -> None:
    script = write_script("function f(options) {\n  return (\n}\n")
    result = invoke("run", str(script), "-f", "f", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "LoadError" and error["line"] == 3


def run_jsrt_command(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """The `jsrt` command as installed (its console entry point), in a real process: the
    path on which the engine worker is forked before the CLI loads."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from jsrt.console import main; main()", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_jsrt_command_runs_a_hook_read_from_stdin_in_a_real_process(write_script) -> None:
    script = write_script(
        """
        function preSavePage(options) {
          console.log('records', options.data.length)
          return {data: options.data.map(r => ({...r, seen: true}))}
        }
        """
    )
    done = run_jsrt_command("run", str(script), "--options", "-", input='{"data": [{"id": 1}]}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"data": [{"id": 1, "seen": True}]}
    assert "records 1" in done.stderr


def test_the_jsrt_command_keeps_its_exit_codes(write_script) -> None:
    throwing = write_script("function preMap(options) { throw new Error('no') }\n")
    failed = run_jsrt_command("run", str(throwing), "--options", "-", input='{"data": [{}]}')
    assert failed.returncode == 1
    assert "Error: no" in failed.stderr
    missing = run_jsrt_command("run", str(throwing) + ".absent")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert run_jsrt_command("--help").returncode == 0


def test_the_jsrt_command_writes_its_reports_whole_before_it_ends(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    done = run_jsrt_command("test", str(SAMPLE), "--junit", str(junit), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    suite = ElementTree.parse(junit).getroot()
    cases = suite.iter("testcase")
    assert len(list(cases)) == report["summary"]["total"] > 0


def test_the_jsrt_command_ends_quietly_when_its_reader_has_left() -> None:
    script = "import sys; from jsrt.console import main; main()"
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `jsrt sample preSavePage | head -c 0`
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, "sample", "preSavePage"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


def test_the_jsrt_command_leaves_a_whole_cassette_behind(tmp_path: Path) -> None:
    """The command ends without interpreter teardown: what it records must be on disk."""
    cassette = tmp_path / "run.cassette.json"
    options = str(SAMPLE / "options.json")
    world = str(SAMPLE / "world.yaml")
    script = str(SAMPLE / "skipSeenOrders.js")
    recorded = run_jsrt_command(
        "run", script, "--options", options, "--world", world, "--record", str(cassette)
    )
    assert recorded.returncode == 0, recorded.stderr
    assert json.loads(cassette.read_text())["interactions"]
    replayed = run_jsrt_command(
        "run", script, "--options", options, "--world", world, "--replay", str(cassette)
    )
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout == recorded.stdout
