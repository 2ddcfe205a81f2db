"""A worker made by forking a command that has just started (`Supervisor.start(fork=True)`,
what `jsrt run` does first thing): the same contract as a spawned one.

Forking is only done while the process runs one thread, which a pytest process does not
(and must not be made to), so each test drives a fresh Python process that forks at once,
the way the `jsrt` command does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent

DRIVER_HEAD = f"""
import json, os, sys
sys.path.insert(0, {str(HERE)!r})
from worker_jobs import PROGRAM, job
from jsrt.worker.supervisor import Supervisor
supervisor = Supervisor(PROGRAM)
supervisor.start(fork=True)
from jsrt.errors import JsrtError

def cmdline(pid):
    with open(f"/proc/{{pid}}/cmdline", "rb") as f:
        return f.read()

def attempt(name, payload, timeout_s=30):
    try:
        return {{"ok": supervisor.run(job(name, **payload), timeout_s=timeout_s)}}
    except JsrtError as error:
        return {{"error": error.to_dict()}}

out = {{}}
"""

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")


def drive(body: str) -> dict:
    """Run the driver with `body` in a fresh process; return the `out` dict it prints."""
    return last_json_line(DRIVER_HEAD + textwrap.dedent(body) + "\nprint(json.dumps(out))\n")


def last_json_line(code: str) -> dict:
    """Run `code` in a fresh Python process, which must succeed; the JSON it printed last."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )  # PYTHONPATH (conftest.py) lets a spawned replacement find worker_jobs
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_forked_worker_is_this_process_forked_and_answers_runs() -> None:
    out = drive(
        """
        first = attempt("echo", {"n": 1})["ok"]
        out["pid_differs"] = first["pid"] != os.getpid()
        out["same_program"] = cmdline(first["pid"]) == cmdline(os.getpid())
        out["echo"] = first["echo"]
        out["same_worker"] = attempt("echo", {})["ok"]["pid"] == first["pid"]
        out["js_error"] = attempt("evaluate", {"code": "\\n  null.x"})["error"]
        """
    )
    assert out["pid_differs"] and out["same_program"] and out["same_worker"]
    assert out["echo"] == {"n": 1}
    assert out["js_error"]["type"] == "ScriptError"
    assert (out["js_error"]["line"], out["js_error"]["file"]) == (2, "job.js")


def test_a_forked_worker_that_dies_is_reported_with_its_signal_and_last_words() -> None:
    out = drive(
        """
        before = attempt("echo", {})["ok"]["pid"]
        out["crash"] = attempt("abort", {})["error"]
        after = attempt("echo", {})["ok"]["pid"]
        out["replaced"] = after != before
        out["replacement_spawned"] = cmdline(after) != cmdline(os.getpid())
        """
    )
    crash = out["crash"]
    assert crash["type"] == "EngineCrashed"
    assert crash["signal"] == "SIGABRT"
    assert "about to abort" in crash["output"]
    assert out["replaced"] and out["replacement_spawned"]


def test_a_forked_worker_stuck_past_the_deadline_is_killed() -> None:
    out = drive(
        """
        before = attempt("echo", {})["ok"]["pid"]
        out["late"] = attempt("slow_bridge", {"sleep_s": 60, "timeout_s": 0.3}, timeout_s=0.5)
        try:
            os.kill(before, 0)
            out["killed"] = False
        except ProcessLookupError:
            out["killed"] = True
        out["next"] = attempt("evaluate", {"code": "1 + 1"})["ok"]["value"]
        """
    )
    assert out["late"]["error"]["type"] == "HookTimeout"
    assert out["killed"] is True
    assert out["next"] == 2


def test_a_forked_worker_leaves_with_its_caller() -> None:
    out = drive(
        """
        out["pid"] = attempt("echo", {})["ok"]["pid"]
        """
    )
    # the caller has exited: its worker saw the end of its request pipe and followed
    deadline = time.monotonic() + 10
    gone = False
    while not gone and time.monotonic() < deadline:
        gone = not Path(f"/proc/{out['pid']}").exists() or _is_zombie(out["pid"])
        time.sleep(0.05)
    assert gone


def test_a_process_with_threads_spawns_its_worker_instead() -> None:
    code = f"""
import json, os, sys, threading, time
sys.path.insert(0, {str(HERE)!r})
threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
from jsrt.worker.supervisor import Supervisor
from worker_jobs import PROGRAM, job
supervisor = Supervisor(PROGRAM)
supervisor.start(fork=True)
pid = supervisor.run(job("echo"), timeout_s=30)["pid"]
with open(f"/proc/{{pid}}/cmdline", "rb") as f:
    spawned = b"worker_jobs" in f.read()
print(json.dumps({{"spawned": spawned}}))
"""
    assert last_json_line(code) == {"spawned": True}


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except FileNotFoundError:
        return True


def test_a_forked_worker_that_cannot_start_says_why() -> None:
    code = f"""
import json, sys
sys.path.insert(0, {str(HERE)!r})
from jsrt.engine import v8_process

def no_v8(heap_ceiling_mb):
    raise RuntimeError("no V8 in this test")

v8_process.configure = no_v8  # the forked worker inherits this
from jsrt.worker.supervisor import Supervisor
from jsrt.errors import EngineCrashed
from worker_jobs import PROGRAM, job
supervisor = Supervisor(PROGRAM)
supervisor.start(fork=True)
try:
    supervisor.run(job("echo"), timeout_s=30)
except EngineCrashed as crash:
    print(json.dumps(crash.to_dict()))
"""
    crash = last_json_line(code)
    assert crash["message"].startswith("the JavaScript engine process could not start")
    assert "RuntimeError: no V8 in this test" in crash["message"]
    assert crash["exit_code"] == 1
