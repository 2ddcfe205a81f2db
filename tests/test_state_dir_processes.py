"""One `--state-dir` shared by real processes: parallel `jsrt run`s, `jsrt serve` beside a
`jsrt run`, and a writer killed with SIGKILL again and again. No committed write may be
lost, none torn, and nothing but the database may be left in the folder."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from jsrt.backends.local import StateDir
from jsrt.cli import main

PUT_HOOK = """
import { state } from 'integrator-api'

const flow = { resourceType: 'flows', _id: 'orderSync' }

function put(options) {
  for (const [key, value] of Object.entries(options.put || {})) {
    state.putForResource({ ...flow, key, value })
  }
  const keys = state.getKeysForResource(flow).keys
  return Object.fromEntries(keys.map((key) => [key, state.getForResource({ ...flow, key })]))
}
"""

WORLD = "flows: [{_id: orderSync, name: Order sync}]\nstate: {flows/orderSync: {seeded: true}}\n"

FOLDER_FILES = {"world.sqlite3", "world.sqlite3-wal", "world.sqlite3-shm"}
"""All a state dir may hold: SQLite's database and its journal."""


def jsrt_command() -> list[str]:
    script = Path(sys.executable).with_name("jsrt")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from jsrt.console import main; main()"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "put.js").write_text(textwrap.dedent(PUT_HOOK), encoding="utf-8")
    (tmp_path / "world.yaml").write_text(WORLD, encoding="utf-8")
    return tmp_path


def run_putting(project: Path, name: str, put: dict[str, object]) -> subprocess.Popen[str]:
    """A `jsrt run --state-dir` process whose hook puts `put` and returns every key."""
    options = project / f"{name}.json"
    options.write_text(json.dumps({"put": put}), encoding="utf-8")
    command = [
        *jsrt_command(),
        "run",
        str(project / "put.js"),
        "--function",
        "put",
        "--options",
        str(options),
        "--world",
        str(project / "world.yaml"),
        "--state-dir",
        str(project / "state"),
        "--json",
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen[str]) -> dict[str, object]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, out + err
    return json.loads(out)


def saved_state(project: Path) -> dict[str, object]:
    world = StateDir(project / "state").load()
    assert world is not None
    return world.state_of("flows", "orderSync")


def test_twelve_parallel_runs_on_one_state_dir_keep_every_write(project: Path) -> None:
    runs = [run_putting(project, f"run{n}", {f"key{n}": n, "last": n}) for n in range(12)]
    for process in runs:
        finished(process)
    saved = saved_state(project)
    assert {key: saved[key] for key in saved if key.startswith("key")} == {
        f"key{n}": n for n in range(12)
    }
    assert saved["last"] in range(12)  # one whole write: the last committed
    assert saved["seeded"] is True  # seeded from the world file once, not once per run
    assert {p.name for p in (project / "state").iterdir()} <= FOLDER_FILES


@pytest.fixture
def served(project: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real `jsrt serve --state-dir` on loopback: its URL and auth headers."""
    token = "state-dir-test-token-0123456789"
    command = [
        *jsrt_command(),
        "serve",
        "--world",
        str(project / "world.yaml"),
        "--state-dir",
        str(project / "state"),
        "--port",
        "0",
        "--token",
        token,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert " on http://127.0.0.1:" in first, first + process.stderr.read()
        yield first.split(" on ")[1].split()[0], {"Authorization": f"Bearer {token}"}
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_jsrt_serve_and_jsrt_run_on_one_state_dir_see_and_keep_each_others_writes(
    project: Path, served: tuple[str, dict[str, str]]
) -> None:
    url, headers = served
    state = f"{url}/v1/flows/orderSync/state"
    assert httpx.put(f"{state}/fromServe", json="one", headers=headers).status_code == 200
    ran = finished(run_putting(project, "run", {"fromRun": "two"}))
    assert ran["result"]["fromServe"] == "one"  # the run started from what serve saved
    assert httpx.get(f"{state}/fromRun", headers=headers).json() == "two"  # serve sees it
    assert httpx.put(f"{state}/again", json="three", headers=headers).status_code == 200
    assert saved_state(project) == {
        "seeded": True,
        "fromServe": "one",
        "fromRun": "two",
        "again": "three",
    }


WRITER = """
import sys
from jsrt.runner import Runtime

runtime = Runtime(state_dir=sys.argv[1])
counter = runtime.run_hook(sys.argv[2], "put", {}).value.get("counter", 0)
while True:
    counter += 1
    put = {"counter": counter, f"blob{counter % 7}": str(counter) * 300_000}
    result = runtime.run_hook(sys.argv[2], "put", {"put": put})
    assert result.ok, result.error
    print(counter, flush=True)
"""


def test_a_writer_killed_again_and_again_loses_nothing_and_leaves_no_litter(
    project: Path,
) -> None:
    folder = project / "state"
    committed = 0
    pick = random.Random(7)
    for _ in range(8):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(project / "put.js")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        for _ in range(pick.randint(1, 4)):  # then kill it in the middle of a later write
            line = writer.stdout.readline()
            assert line, writer.stderr.read() if writer.stderr else ""
            committed = int(line)
        os.kill(writer.pid, signal.SIGKILL)
        writer.communicate(timeout=10)
        saved = saved_state(project)
        assert saved["counter"] >= committed  # every write it reported is there
        counter = saved["counter"]
        assert saved[f"blob{counter % 7}"] == str(counter) * 300_000  # never torn
        assert {p.name for p in folder.iterdir()} <= FOLDER_FILES
    assert committed >= 8


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        ("garbage", "SQLite cannot use this state database (file is not a database)"),
        ("foreign", "a SQLite database that is not a jsrt state dir (tables: orders)"),
    ],
)
def test_a_state_dir_that_is_not_jsrts_exits_2_with_its_path_and_no_traceback(
    project: Path, damage: str, problem: str
) -> None:
    database = project / "state" / "world.sqlite3"
    database.parent.mkdir()
    if damage == "garbage":
        database.write_bytes(b"not SQLite at all; a user's notes\n" * 300)
    else:
        foreign = sqlite3.connect(database)
        foreign.execute("CREATE TABLE orders (id)")
        foreign.commit()
        foreign.close()
    for as_json in ([], ["--json"]):
        command = ["run", str(project / "put.js"), "--state-dir", str(project / "state")]
        result = CliRunner().invoke(main, [*command, *as_json])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert f"{database}: {problem}" in result.output
    assert json.loads(result.output)["error"]["file"] == str(database)
