"""Run work next to V8 in a supervised worker process, so no script can take down its
caller.

Some allocations abort the whole process inside V8 (`new Array(3e8).fill(0)` ends in
SIGTRAP: "Fatal JavaScript out of memory: invalid table size"), and V8's own timeout
cannot interrupt a slow Python bridge call. So `Supervisor.run` sends the work to a warm
worker process running its `WorkerProgram` (`jsrt.worker.program`) and watches it: a
worker that dies becomes EngineCrashed (with the signal and V8's last words) and is
replaced on the next run; one still busy at the deadline plus a grace period is killed
and reported as HookTimeout. `Supervisor.start` gets the worker going early, so that its
start overlaps the caller's own preparations; a command that has just started may fork
it instead (`start(fork=True)`), which saves the new interpreter's start.

`InlineExecutor` has the same `run` signature and runs in this process, without that
protection, for embedding and benchmarks.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Mapping
from typing import IO, Any, ClassVar, NamedTuple

from jsrt.engine.heap import DEFAULT_HEAP_CEILING_MB, HeapCeilingTooLow
from jsrt.errors import EngineCrashed, HookTimeout, JsrtError, UsageError
from jsrt.worker import frames, program
from jsrt.worker.program import Job, WorkerProgram
from jsrt.worker.progress import Progress

GRACE_S = 1.5
"""How long past `timeout_s` a run may take before its worker is killed: V8's own
deadline inside the worker should fire first and report where the script was."""

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 2.0
OUTPUT_LINES = 40
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


class _WorkerDied(Exception):
    pass


PIPE_BYTES = 1 << 20
"""How much a pipe to or from the worker holds (Linux's default ceiling for a user,
`/proc/sys/fs/pipe-max-size`). A page of records is about a megabyte of JSON: through
the default 64 KB pipe, its writer blocks and wakes some fifteen times while the reader
drains it, which on a busy machine is a wait for the other process's turn each time."""


def _widen(fd: int) -> None:
    """Let the pipe at `fd` hold `PIPE_BYTES`, where the system allows (Linux only; a
    system that refuses leaves the pipe as it was, which works, only slower)."""
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setting is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setting, PIPE_BYTES)


class _Worker:
    """One worker process: its pipes, and the tail of what it printed."""

    def __init__(self, served: WorkerProgram, heap_ceiling_mb: int, *, fork: bool = False) -> None:
        child_requests, self._requests = os.pipe()
        self._replies, child_replies = os.pipe()
        _widen(self._requests)
        _widen(self._replies)
        self.progress = Progress.create()
        self.process: subprocess.Popen[bytes] | _ForkedProcess
        ends = _WorkerEnds(child_requests, child_replies, heap_ceiling_mb, self.progress.fd)
        try:
            if fork:
                self.process = _fork_worker(served, ends, (self._requests, self._replies))
            else:
                self.process = _spawn_worker(served, ends)
        except BaseException:
            for fd in (child_requests, self._requests, self._replies, child_replies):
                os.close(fd)
            self.progress.close()
            raise
        os.close(child_requests)
        os.close(child_replies)
        self._open_fds = [self._requests, self._replies]
        self.ready = False
        self.configured = False
        self.output: collections.deque[str] = collections.deque(maxlen=OUTPUT_LINES)
        assert self.process.stdout is not None
        self._reader = threading.Thread(
            target=_collect_lines,
            args=(self.process.stdout, self.output),
            name=f"jsrt-worker-{self.process.pid}-output",
            daemon=True,
        )
        self._reader.start()

    def configure(self) -> None:
        """Hand over the import path, once, so the worker loads its program while V8
        starts; do not wait (`wait_ready` does)."""
        if not self.configured:
            self.configured = True
            with contextlib.suppress(BrokenPipeError):  # died at once: wait_ready says how
                frames.write_frame(self._requests, frames.encode({"sys_path": sys.path}))

    def wait_ready(self) -> None:
        """Wait until V8 is up; at once when it already was."""
        self.configure()
        if not self.ready:
            self.ready = bool(self._receive(time.monotonic() + START_TIMEOUT_S).get("ready"))
            if not self.ready:
                raise _WorkerDied

    def call(self, request: bytes, deadline: float) -> dict[str, Any]:
        """Send one encoded request and wait for its reply until `deadline`."""
        try:
            frames.write_frame(self._requests, request)
        except BrokenPipeError:
            raise _WorkerDied from None
        return self._receive(deadline)

    def _receive(self, deadline: float) -> dict[str, Any]:
        try:
            return frames.read_frame(self._replies, deadline)
        except EOFError:
            raise _WorkerDied from None

    def death_report(self) -> tuple[str, dict[str, Any]]:
        """Why the process ended, once it has: a phrase and structured details."""
        try:
            returncode = self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:  # closed its pipe yet lingers: finish it
            self.process.kill()
            returncode = self.process.wait()
        self._reader.join(timeout=STOP_TIMEOUT_S)
        lines = list(self.output)
        if returncode < 0:
            name = _signal_name(-returncode)
            how = f"was killed by {name}"
        else:
            name = None
            how = f"exited with status {returncode}"
        return how, {"signal": name, "exit_code": returncode, "output": lines}

    def stop(self, *, kill: bool, wait: bool = True) -> None:
        """End the process: at once (`kill`), or by closing its request pipe (the
        worker then exits by itself); `wait` until it has. Safe to call twice."""
        if kill and self.process.poll() is None:
            self.process.kill()
        self._close_pipes()
        if not wait:
            return
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=STOP_TIMEOUT_S)

    def release_after_fork(self) -> None:
        """In a forked child: let go of the parent's worker without touching it. The
        child's copies of the request and reply pipes are closed, so that the parent's
        closing them still reaches the worker as end of file. (The output pipe stays:
        its reader's lock may have been held at the fork.)"""
        self._close_pipes()

    def _close_pipes(self) -> None:
        for fd in self._open_fds:
            os.close(fd)
        self._open_fds.clear()
        self.progress.close()


class Supervisor:
    """Runs one `WorkerProgram` in a warm worker process, one run at a time."""

    _shared: ClassVar[dict[WorkerProgram, tuple[Supervisor, int]]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self, served: WorkerProgram, *, heap_ceiling_mb: int = DEFAULT_HEAP_CEILING_MB
    ) -> None:
        if not isinstance(heap_ceiling_mb, int) or heap_ceiling_mb < 1:
            raise UsageError(f"heap_ceiling_mb must be a positive number, got {heap_ceiling_mb!r}")
        self.program = served
        self.heap_ceiling_mb = heap_ceiling_mb
        self._lock = threading.Lock()
        self._held = _HeldWorker()
        self._finalizer = weakref.finalize(self, self._held.stop)
        self._finalizer.atexit = False  # _release_at_exit lets the worker go instead
        _LIVE.add(self._held)

    def run(self, payload: Mapping[str, Any], *, timeout_s: float) -> dict[str, Any]:
        """Run the program over `payload` in the worker and return the dict it returned.

        Raises the program's JsrtError as is; EngineCrashed if the worker died (the next
        run starts a new one); HookTimeout if it was still busy `timeout_s` plus a grace
        period later (it is killed).
        """
        if not timeout_s > 0:
            raise UsageError(f"timeout_s must be a positive number of seconds, got {timeout_s!r}")
        name = self.program.name
        try:
            request = _request_frame(payload)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"the payload for {name} cannot be sent as JSON: {exc}") from exc
        with self._lock:
            reply = self._exchange(name, request, timeout_s)
            if "error" in reply:
                error = JsrtError.from_dict(reply["error"])
                if not isinstance(error, HeapCeilingTooLow):
                    raise error
                self._start_worker(max(error.details["memory_mb"], self.heap_ceiling_mb))
                reply = self._exchange(name, request, timeout_s)
                if "error" in reply:
                    raise JsrtError.from_dict(reply["error"])
            return frames.restore_raw(reply, "ok")

    def start(self, *, fork: bool = False) -> None:
        """Start the worker now if none runs, without waiting for it, so that its start
        (V8's and the program's imports included) overlaps what the caller does before
        its first `run`. A worker that cannot start is reported by the next `run`.

        `fork` makes the worker a fork of this process rather than a new interpreter,
        which saves an interpreter's start (most of a one-shot command's wait). It is
        sound only in a process that runs one thread and has not loaded V8, i.e. first
        thing in a command (`jsrt.console`); elsewhere, or where `os.fork` is not
        Linux's, the worker is spawned as usual."""
        fork = fork and sys.platform == "linux" and threading.active_count() == 1
        with self._lock:
            worker = self._held.current()
            if worker is None:
                worker = self._spawn(self.heap_ceiling_mb, fork=fork)
            worker.configure()

    def close(self, *, wait: bool = True) -> None:
        """Stop the worker (`wait` until it has ended: without, it leaves by itself at
        the end of its request pipe). Calling `run` again starts a new one."""
        with self._lock:
            self._held.stop(wait=wait)

    def worker_pid(self) -> int | None:
        """The current worker's process id (None while none runs): for measuring it."""
        worker = self._held.current()
        return worker.process.pid if worker is not None else None

    @classmethod
    def shared(cls, served: WorkerProgram) -> Supervisor:
        """The process-wide supervisor of `served`: started lazily, closed at exit (like
        every Supervisor, by its finalizer), and replaced in a child after `os.fork` (the
        parent's worker belongs to the parent)."""
        with cls._shared_lock:
            found = cls._shared.get(served)
            if found is None or found[1] != os.getpid():
                if found is not None:  # forked: a lock may have been held at fork
                    found[0]._held.current()  # lets go of the parent's pipes
                found = cls._shared[served] = (cls(served), os.getpid())
            return found[0]

    def _exchange(self, target: str, request: bytes, timeout_s: float) -> dict[str, Any]:
        """Send `request` to a ready worker; `target` names the program in reports."""
        worker = self._start_worker(self.heap_ceiling_mb)
        deadline = time.monotonic() + timeout_s + GRACE_S
        try:
            return worker.call(request, deadline)
        except _WorkerDied:
            self._held.forget()
            how, details = worker.death_report()
            worker.stop(kill=True)
            raise EngineCrashed(
                f"the JavaScript engine crashed during {target}: its process {how}"
                + _last_words(details["output"]),
                hint="a script allocating a huge array or object can abort V8 itself; "
                "the next run starts a fresh engine",
                target=target,
                **details,
            ) from None
        except frames.FrameTimeout:
            self._held.forget()
            worker.process.kill()  # first: what it was doing then is what it did at the end
            doing, progress = worker.progress.report()
            worker.stop(kill=True)
            raise HookTimeout(
                f"{target} was still going {timeout_s + GRACE_S:.1f} s after it started "
                f"(a limit of {timeout_s:g} s plus grace), so its engine process was stopped"
                + (f": {doing}" if doing else ""),
                hint=_TIMEOUT_HINTS.get(progress.get("phase"), _TIMEOUT_HINTS[None]),
                target=target,
                timeout_s=timeout_s,
                **progress,
            ) from None

    def _spawn(self, heap_ceiling_mb: int, *, fork: bool = False) -> _Worker:
        """Replace the current worker (if any) by a new one, still starting (and not yet
        told its import path: `_Worker.configure`)."""
        self._held.stop()
        worker = _Worker(self.program, heap_ceiling_mb, fork=fork)
        self.heap_ceiling_mb = heap_ceiling_mb
        self._held.keep(worker)
        return worker

    def _start_worker(self, heap_ceiling_mb: int) -> _Worker:
        """The worker for `heap_ceiling_mb`, ready to run: the current one (waiting for
        it to finish starting), else a new one."""
        worker = self._held.current()
        if worker is None or heap_ceiling_mb != self.heap_ceiling_mb:
            worker = self._spawn(heap_ceiling_mb)
        try:
            worker.wait_ready()
        except (_WorkerDied, frames.FrameTimeout):
            self._held.forget()
            worker.stop(kill=True)
            how, details = worker.death_report()
            raise EngineCrashed(
                f"the JavaScript engine process could not start: it {how}"
                + _last_words(details["output"]),
                **details,
            ) from None
        return worker


def _request_frame(payload: Mapping[str, Any]) -> bytes:
    """The frame asking the worker to run its program over `payload`. The payload's
    top-level bytes values travel as attachments, raw (see `frames`)."""
    return frames.encode_with_raw("payload", payload)


_TIMEOUT_HINTS: dict[str | None, str] = {
    "calling": "a backend that does not answer (an account or My API over --backend rest) "
    "keeps a call waiting; the next run starts a fresh engine",
    "running": "process less data in one built-in operation; the next run starts a fresh engine",
    "replying": "return or log less, or allow more time; the next run starts a fresh engine",
    None: "V8's own deadline cannot stop a bridge call that blocks, nor one giant built-in "
    "operation (filling a huge array); the next run starts a fresh engine",
}


class _WorkerEnds(NamedTuple):
    """What a new worker is handed: its ends of the pipes, its heap ceiling, and the
    descriptor of its progress record (None when there is none)."""

    requests_fd: int
    replies_fd: int
    heap_ceiling_mb: int
    progress_fd: int | None


def _spawn_worker(served: WorkerProgram, ends: _WorkerEnds) -> subprocess.Popen[bytes]:
    """A new interpreter running `python -m <the program's main module>` (the parent's
    ends of the pipes are not inherited: os.pipe makes them close on exec)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    extra_fds = () if ends.progress_fd is None else (ends.progress_fd,)
    progress = [f"--progress-fd={fd}" for fd in extra_fds]
    return subprocess.Popen(
        [
            sys.executable,
            "-P",  # not the working folder first: the caller's sys.path decides
            "-m",
            served.main_module,
            f"--requests-fd={ends.requests_fd}",
            f"--replies-fd={ends.replies_fd}",
            f"--heap-ceiling-mb={ends.heap_ceiling_mb}",
            *progress,
        ],
        pass_fds=(ends.requests_fd, ends.replies_fd, *extra_fds),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # Ctrl-C in a terminal is the caller's to handle
    )


def _fork_worker(
    served: WorkerProgram, ends: _WorkerEnds, parent_fds: tuple[int, ...]
) -> _ForkedProcess:
    """This process, forked, becomes the worker: no new interpreter to start. The child
    keeps only its ends of the pipes (a copy of the parent's would hide the parent's end
    of file from it), its output goes to a pipe like a spawned worker's, and it never
    returns into the caller's code."""
    output_read, output_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.setsid()  # Ctrl-C in a terminal is the caller's to handle
            for fd in (*parent_fds, output_read):
                os.close(fd)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(output_write, 1)
            os.dup2(output_write, 2)
            from jsrt.worker import loop

            status = loop.run(
                ends.requests_fd,
                ends.replies_fd,
                ends.heap_ceiling_mb,
                served,
                progress_fd=ends.progress_fd,
            )
        except BaseException:  # the crash report's last words, as a spawned worker's
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(status)  # never the parent's atexit handlers, nor its finalizers
    os.close(output_write)
    return _ForkedProcess(pid, os.fdopen(output_read, "rb"))


class _ForkedProcess:
    """What the supervisor needs of a `Popen` (pid, stdout, poll, wait, kill) for a
    worker that `os.fork` made."""

    def __init__(self, pid: int, stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdout = stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.0005
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


class _HeldWorker:
    """A Supervisor's current worker, in an object its finalizer can hold without
    holding the Supervisor. After `os.fork` the worker belongs to the parent: the child
    forgets it and never stops it."""

    def __init__(self) -> None:
        self._worker: _Worker | None = None
        self.pid = os.getpid()

    def current(self) -> _Worker | None:
        if self.pid != os.getpid():
            if self._worker is not None:
                self._worker.release_after_fork()
            self._worker, self.pid = None, os.getpid()
        return self._worker

    def keep(self, worker: _Worker) -> None:
        self._worker = worker

    def forget(self) -> None:
        self._worker = None

    def stop(self, *, wait: bool = True) -> None:
        worker = self.current()
        self._worker = None
        if worker is not None:
            worker.stop(kill=False, wait=wait)


_LIVE: weakref.WeakSet[_HeldWorker] = weakref.WeakSet()


@atexit.register
def _release_at_exit() -> None:
    """At interpreter exit, close every worker's pipes without waiting for it to end: it
    exits by itself at end of file, and waiting would add its shutdown (V8's included)
    to every program's exit."""
    for held in list(_LIVE):
        held.stop(wait=False)


class InlineExecutor:
    """Runs a program in this process: the same contract as `Supervisor.run`, without
    crash protection or a hard timeout (only the program's own V8 deadlines apply)."""

    def __init__(self, served: WorkerProgram) -> None:
        self.program = served
        self._job: Job | None = None

    def run(self, payload: Mapping[str, Any], *, timeout_s: float) -> Mapping[str, Any]:
        if not timeout_s > 0:
            raise UsageError(f"timeout_s must be a positive number of seconds, got {timeout_s!r}")
        if self._job is None:
            self._job = program.load(self.program)
        return program.call(self.program.name, self._job, payload)


def _collect_lines(stream: IO[bytes], tail: collections.deque[str]) -> None:
    """Keep the last lines a worker printed, so a crash report can quote V8's message.
    Reading continuously also means the worker never blocks on a full pipe."""
    with stream:
        for raw in stream:
            tail.append(raw.decode("utf-8", errors="replace").rstrip("\n"))


def _last_words(lines: list[str]) -> str:
    """The most telling line of a dead worker's output, e.g. V8's fatal error."""
    meaningful = [line.strip("# ").strip() for line in lines if line.strip("# ").strip()]
    fatal = [line for line in meaningful if "Fatal" in line or "out of memory" in line]
    chosen = fatal[:1] or meaningful[-1:]
    return f": {chosen[0]}" if chosen else ""


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
