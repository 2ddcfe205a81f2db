"""--watch: a run, then another on each save of what the command reads; a failing run
never ends the watch; Ctrl-C ends it with exit 0."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Collection
from pathlib import Path

from jsrt.watch import WatchedPaths, watch_runs

WAIT_S = 60.0
"""The most a test waits for a run a save should start (a bound, not a measurement)."""


def test_watched_paths_want_sources_and_never_what_a_run_writes(tmp_path: Path) -> None:
    script = tmp_path / "hook.js"
    script.write_text("", encoding="utf-8")
    watched = WatchedPaths.of([tmp_path], ignored=[tmp_path / "report.json"])
    assert watched.wanted(script.resolve())
    assert watched.wanted((tmp_path / "cases" / "a.case.yaml").resolve())
    assert watched.wanted((tmp_path / "jsrt.toml").resolve())
    assert not watched.wanted((tmp_path / "report.json").resolve())  # a run writes it
    assert not watched.wanted((tmp_path / "junit.xml").resolve())
    assert not watched.wanted((tmp_path / "state" / "world.sqlite3").resolve())
    elsewhere = WatchedPaths.of([script])
    assert elsewhere.roots == [tmp_path.resolve()]  # a file is watched through its folder
    assert elsewhere.wanted(script.resolve())
    assert not elsewhere.wanted((tmp_path / "other.js").resolve())


def test_a_save_starts_the_next_run_and_a_failing_run_does_not_end_the_watch(
    tmp_path: Path,
) -> None:
    script = tmp_path / "hook.js"
    script.write_text("// one", encoding="utf-8")
    runs: list[str] = []
    told: list[tuple[int, set[Path]]] = []
    first_done = threading.Event()

    def run() -> None:
        runs.append(script.read_text(encoding="utf-8"))
        first_done.set()
        if len(runs) == 1:
            raise SystemExit(1)  # a failing run: the watch goes on

    def before_run(number: int, changed: Collection[Path]) -> None:
        told.append((number, set(changed)))

    def guarded() -> None:
        with contextlib.suppress(SystemExit):  # as the CLI reports a run's exit code
            run()

    made: list[int] = []
    thread = threading.Thread(
        target=lambda: made.append(
            watch_runs(guarded, WatchedPaths.of([tmp_path]), before_run=before_run, max_runs=2)
        ),
        daemon=True,
    )
    thread.start()
    assert first_done.wait(WAIT_S)
    for attempt in range(int(WAIT_S)):  # saved until the watcher (started after run 1) sees it
        script.write_text(f"// two {attempt}", encoding="utf-8")
        thread.join(1.0)
        if not thread.is_alive():
            break
    assert made == [2]
    assert runs[0] == "// one" and runs[1].startswith("// two")
    assert told[0] == (1, set())
    assert told[1][0] == 2 and script.resolve() in told[1][1]


def test_a_stop_event_ends_the_watch(tmp_path: Path) -> None:
    stop = threading.Event()
    made: list[int] = []
    thread = threading.Thread(
        target=lambda: made.append(
            watch_runs(stop.set, WatchedPaths.of([tmp_path]), stop=stop)  # run 1 asks to stop
        ),
        daemon=True,
    )
    thread.start()
    thread.join(WAIT_S)
    assert made == [1]


CASE = """script: ../hooks/hook.js
function: preSavePage
cases:
  - name: keeps the data
    data: [{id: 1}]
    expect:
      result: {data: [{id: 1}]}
"""


def test_jsrt_test_watch_reruns_on_a_save_and_ctrl_c_exits_0(tmp_path: Path) -> None:
    """The script lives outside the folder of case files given: it is watched as the
    case file names it."""
    (tmp_path / "hooks").mkdir()
    (tmp_path / "cases").mkdir()
    (tmp_path / "hooks" / "hook.js").write_text(
        "function preSavePage(options) { return { data: [] }; }\n", encoding="utf-8"
    )
    (tmp_path / "cases" / "hook.case.yaml").write_text(CASE, encoding="utf-8")
    env = {**os.environ, "CI": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "jsrt", "test", "--watch", "cases"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    seen: list[str] = []
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        _wait_for(lines, "jsrt: exit 1; watching", seen)
        assert any(line.startswith("FAIL") for line in lines), lines
        for attempt in range(int(WAIT_S)):  # a fixed hook: saved until the watcher sees it
            fixed = "function preSavePage(options) { return { data: options.data }; }"
            (tmp_path / "hooks" / "hook.js").write_text(f"{fixed} // {attempt}\n", encoding="utf-8")
            if _wait_for(lines, "jsrt: exit 0; watching", seen, timeout=1.0, required=False):
                break
        assert any(line.startswith("PASS") for line in lines), lines
        assert any("hooks/hook.js changed; run 2" in line for line in lines), lines
        process.send_signal(signal.SIGINT)
        assert process.wait(WAIT_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_for(
    lines: list[str], text: str, seen: list[str], timeout: float = WAIT_S, required: bool = True
) -> bool:
    """Whether a line holding `text` (not counted before) arrives within `timeout`."""
    done = threading.Event()

    def look() -> bool:
        found = [line for line in lines if text in line]
        return len(found) > seen.count(text)

    waited = 0.0
    while not look():
        if waited >= timeout:
            assert not required, f"no {text!r} in {lines}"
            return False
        done.wait(0.1)
        waited += 0.1
    seen.append(text)
    return True


LOGGING_HOOK = """function preMap(options) {
  for (let i = 0; i < 6; i++) console.log('line ' + i);
  return options.data.map((d) => ({ data: d }));
}
"""


def test_jsrt_run_watch_reruns_when_the_config_is_saved_and_reads_it_afresh(
    tmp_path: Path,
) -> None:
    (tmp_path / "hook.js").write_text(LOGGING_HOOK, encoding="utf-8")
    (tmp_path / "options.json").write_text('{"data": [{"id": 1}]}', encoding="utf-8")
    (tmp_path / "jsrt.toml").write_text("[limits]\nmax_log_lines = 3\n", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jsrt",
            "run",
            "hook.js",
            "-f",
            "preMap",
            "--options",
            "options.json",
            "--watch",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "CI": "1"},
    )
    lines: list[str] = []
    seen: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        lines.extend(process.stdout)

    threading.Thread(target=read, daemon=True).start()
    try:
        _wait_for(lines, "a run keeps at most 3", seen)
        for attempt in range(int(WAIT_S)):  # saved until the watcher sees it
            (tmp_path / "jsrt.toml").write_text(
                f"# {attempt}\n[limits]\nmax_log_lines = 2\n", encoding="utf-8"
            )
            if _wait_for(lines, "a run keeps at most 2", seen, timeout=1.0, required=False):
                break
        assert any("jsrt.toml changed; run 2" in line for line in lines), lines
        process.send_signal(signal.SIGINT)
        assert process.wait(WAIT_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
