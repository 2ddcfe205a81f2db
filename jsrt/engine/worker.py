"""The worker process: `python -m jsrt.engine.worker` (or a fork of a command that has
just started, entering at `run`), started and kept warm by a `Supervisor`.

It hosts V8 so that a script which aborts the process (some huge allocations are fatal
V8 errors) or hangs in Python takes down only this process. Protocol, in frames
(`jsrt.engine.frames`) over the two descriptors named on the command line:

1. the worker starts V8 (the slow part) on a thread at once;
2. the supervisor sends `{"sys_path": [...], "warm": [targets]}` (the caller's import
   path, so run targets resolve here as they do there, and the targets it expects to
   run), possibly some time after the worker started; the worker imports the warm
   targets, waits for V8, and answers `{"ready": true, "pid": ...}` (the supervisor is
   usually still preparing its first run);
3. then, for each `{"target": "pkg.mod:func", "payload": {...}, "attached": [keys]}` (the
   payload's bytes values, sent as the frame's attachments under those keys), it answers
   `{"ok": <the dict the function returned>}` or `{"error": <JsrtError.to_dict()>}`, and
   then lets the target's module prepare its next run (`targets.between_runs`).

The worker exits when the request pipe closes, or when its parent process is gone.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from typing import Any

from jsrt.engine import frames, targets, v8_process
from jsrt.errors import JsrtError

PARENT_CHECK_S = 1.0


def serve(requests_fd: int, replies_fd: int, heap_ceiling_mb: int) -> int:
    """Run the protocol above until the request pipe closes; return the exit status."""
    v8 = _V8Start(heap_ceiling_mb)  # first: it needs nothing the supervisor sends
    try:
        config = frames.read_frame(requests_fd)
    except EOFError:
        return 0
    sys.path[:] = config["sys_path"]
    _warm(config.get("warm", ()))
    v8.wait()
    frames.write_frame(replies_fd, frames.encode({"ready": True, "pid": os.getpid()}))
    while True:
        try:
            request = frames.read_frame(requests_fd)
        except EOFError:
            return 0
        frames.write_frame(replies_fd, _answer(request))
        targets.between_runs(request["target"])


class _V8Start:
    """V8 starting on a thread while this one waits for the supervisor's configuration
    and imports the warm targets: V8's start is native code that lets go of the GIL, so
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


def _warm(names: list[str]) -> None:
    """Import the targets the supervisor expects to run. One that fails is left for its
    run to report, with the error where the caller sees it."""
    for name in names:
        with contextlib.suppress(Exception):
            targets.resolve(name)


def _answer(request: dict[str, Any]) -> bytes:
    target = request["target"]
    payload = request["payload"]
    payload.update(zip(request["attached"], request.get(frames.ATTACHMENTS, ()), strict=True))
    try:
        result = targets.call(target, payload)
        try:
            return frames.encode({"ok": result})
        except (TypeError, ValueError) as exc:
            raise JsrtError(f"run target {target} returned a dict JSON cannot hold: {exc}") from exc
    except JsrtError as error:
        return frames.encode({"error": error.to_dict()}, lenient=True)


def _exit_when_orphaned(parent_pid: int) -> None:
    """A worker whose supervisor died (even by SIGKILL) must not run on: a script stuck
    in a loop would otherwise spin for ever."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jsrt.engine.worker")
    parser.add_argument("--requests-fd", type=int, required=True)
    parser.add_argument("--replies-fd", type=int, required=True)
    parser.add_argument("--heap-ceiling-mb", type=int, required=True)
    args = parser.parse_args(argv)
    return run(args.requests_fd, args.replies_fd, args.heap_ceiling_mb)


def run(requests_fd: int, replies_fd: int, heap_ceiling_mb: int) -> int:
    """Serve until the supervisor lets go or is gone; return the exit status. Also the
    entry of a worker the supervisor forked rather than spawned."""
    watchdog = threading.Thread(
        target=_exit_when_orphaned, args=(os.getppid(),), name="orphan-watch", daemon=True
    )
    watchdog.start()
    try:
        return serve(requests_fd, replies_fd, heap_ceiling_mb)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
