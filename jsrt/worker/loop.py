"""The worker process: `python -m <program's main module>` (or a fork of a command that
has just started, entering at `run`), started and kept warm by a `Supervisor`.

It hosts V8 so that a script which aborts the process (some huge allocations are fatal
V8 errors) or hangs in Python takes down only this process. Protocol, in frames
(`jsrt.worker.frames`) over the two descriptors named on the command line:

1. the worker starts V8 (the slow part) on a thread at once;
2. the supervisor sends `{"sys_path": [...]}` (the caller's import path, so the program
   imports here what it would import there); the worker loads its program
   (`WorkerProgram.load`, the imports a run needs) while V8 starts, waits for V8, and
   answers `{"ready": true, "pid": ...}` (the supervisor is usually still preparing its
   first run);
3. then, for each `{"payload": {...}, "attached": [keys]}` (the payload's bytes values,
   sent as the frame's attachments under those keys), it answers `{"ok": <the dict the
   run returned>, "attached": [keys]}` (its bytes values attached the same way) or
   `{"error": <JsrtError.to_dict()>}`, and then lets the program prepare its next run
   (`Job.between_runs`).

The worker exits when the request pipe closes, or when its parent process is gone.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import Any

from jsrt.engine import v8_process
from jsrt.errors import JsrtError
from jsrt.json_values import gc_paused
from jsrt.worker import frames, program, progress
from jsrt.worker.program import Job, WorkerProgram

PARENT_CHECK_S = 1.0


def serve(requests_fd: int, replies_fd: int, heap_ceiling_mb: int, served: WorkerProgram) -> int:
    """Run the protocol above until the request pipe closes; return the exit status."""
    record = progress.current()
    v8 = _V8Start(heap_ceiling_mb)  # first: it needs nothing the supervisor sends
    try:
        config = frames.read_frame(requests_fd)
    except EOFError:
        return 0
    sys.path[:] = config["sys_path"]
    job = _load(served)
    v8.wait()
    frames.write_frame(replies_fd, frames.encode({"ready": True, "pid": os.getpid()}))
    while True:
        try:
            request = frames.read_frame(requests_fd)
        except EOFError:
            return 0
        frames.write_frame(replies_fd, _answer(served, job, request))
        record.idle()
        if not isinstance(job, JsrtError):
            program.between_runs(job)


class _V8Start:
    """V8 starting on a thread while this one waits for the supervisor's configuration
    and loads its program: V8's start is native code that lets go of the GIL, so
    they overlap (10-15 ms of a cold `jsrt run`, measured). A V8 that cannot start fails
    in `wait`, as it would without the thread."""

    def __init__(self, heap_ceiling_mb: int) -> None:
        self._failed: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._start, args=(heap_ceiling_mb,), name="v8-start", daemon=True
        )
        self._thread.start()

    def _start(self, heap_ceiling_mb: int) -> None:
        try:
            v8_process.configure(heap_ceiling_mb)
        except BaseException as exc:  # re-raised by wait, where the worker reports it
            self._failed.append(exc)

    def wait(self) -> None:
        self._thread.join()
        if self._failed:
            raise self._failed[0]


def _load(served: WorkerProgram) -> Job | JsrtError:
    """The program's job, or why it could not load: that is left for each run to report,
    with the error where the caller sees it."""
    try:
        return program.load(served)
    except JsrtError as error:
        return error


def _answer(served: WorkerProgram, job: Job | JsrtError, request: dict[str, Any]) -> bytes:
    payload = frames.restore_raw(request, "payload")
    try:
        if isinstance(job, JsrtError):
            raise job
        with gc_paused():  # a run's allocations hold no cycles worth a collection
            result = program.call(served.name, job, payload)
            try:
                return frames.encode_with_raw("ok", result)
            except (TypeError, ValueError) as exc:
                raise JsrtError(f"{served.name} returned a dict JSON cannot hold: {exc}") from exc
    except JsrtError as error:
        return frames.encode({"error": error.to_dict()}, lenient=True)


def _exit_when_orphaned(parent_pid: int) -> None:
    """A worker whose supervisor died (even by SIGKILL) must not run on: a script stuck
    in a loop would otherwise spin for ever."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def main(served: WorkerProgram, argv: list[str] | None = None) -> int:
    """The entry of a spawned worker: its program's main module calls it with itself."""
    parser = argparse.ArgumentParser(prog=f"python -m {served.main_module}")
    parser.add_argument("--requests-fd", type=int, required=True)
    parser.add_argument("--replies-fd", type=int, required=True)
    parser.add_argument("--heap-ceiling-mb", type=int, required=True)
    parser.add_argument("--progress-fd", type=int, default=None)
    args = parser.parse_args(argv)
    return run(
        args.requests_fd,
        args.replies_fd,
        args.heap_ceiling_mb,
        served,
        progress_fd=args.progress_fd,
    )


def run(
    requests_fd: int,
    replies_fd: int,
    heap_ceiling_mb: int,
    served: WorkerProgram,
    *,
    progress_fd: int | None = None,
) -> int:
    """Serve until the supervisor lets go or is gone; return the exit status. Also the
    entry of a worker the supervisor forked rather than spawned. `progress_fd` is the
    supervisor's progress record (`jsrt.worker.progress`), when it made one."""
    progress.install(progress.Progress.attach(progress_fd))
    watchdog = threading.Thread(
        target=_exit_when_orphaned, args=(os.getppid(),), name="orphan-watch", daemon=True
    )
    watchdog.start()
    try:
        return serve(requests_fd, replies_fd, heap_ceiling_mb, served)
    except BrokenPipeError:
        return 0
