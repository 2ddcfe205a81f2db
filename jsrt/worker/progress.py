"""What the worker's current run is doing, in a few bytes of memory the supervisor shares
with it, so that a worker killed at its deadline is reported for the right reason.

V8's own deadline stops JavaScript that runs too long; the supervisor kills the worker
only when that did not work: a bridge call that does not return (V8 cannot interrupt
Python), one giant built-in operation, or a reply too large to send in time. The worker
cannot say which once it is killed, so it writes as it goes (a few hundred nanoseconds
per bridge call): the phase of the run, the calls made, and when the current call
started. The supervisor reads it after the kill (`Progress.report`).

The memory is an anonymous file (`os.memfd_create`) that the supervisor creates and a
worker inherits: a spawned worker gets its descriptor (`--progress-fd`), a forked one
keeps it. Where there is no such file (another system, or a run in the caller's own
process), `Progress.absent()` records nothing and reports nothing.
"""

from __future__ import annotations

import mmap
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from jsrt.describe import counted

T = TypeVar("T")

_SIZE = 24  # phase (u64), calls started (u64), when the current call began (f64, monotonic)
_IDLE, _RUNNING, _CALLING, _REPLYING = 0, 1, 2, 3


class Progress:
    """One worker's progress record (see the module docstring). Writes are item
    assignments into views of the shared memory: a bridge call costs four."""

    def __init__(self, memory: mmap.mmap | None, fd: int | None = None) -> None:
        self._memory = memory
        self.fd = fd
        self._calls = 0
        view = memoryview(memory) if memory is not None else memoryview(bytearray(_SIZE))
        self._words = view[:16].cast("Q")  # [phase, calls]
        self._since = view[16:].cast("d")  # [when the current call began]
        self._views = (view, self._words, self._since)

    @classmethod
    def create(cls) -> Progress:
        """A new record for a worker to inherit (its descriptor is `fd`)."""
        if not hasattr(os, "memfd_create"):
            return cls.absent()
        fd = os.memfd_create("jsrt-worker-progress", os.MFD_CLOEXEC)
        os.ftruncate(fd, _SIZE)
        return cls(mmap.mmap(fd, _SIZE), fd)

    @classmethod
    def attach(cls, fd: int | None) -> Progress:
        """The record the supervisor made, in the worker (None: there is none)."""
        if fd is None:
            return cls.absent()
        return cls(mmap.mmap(fd, _SIZE))

    @classmethod
    def absent(cls) -> Progress:
        """A record in private memory: written as usual, read by nobody."""
        return cls(None)

    def run_started(self) -> None:
        self._calls = 0
        self._words[1] = 0
        self._words[0] = _RUNNING

    def during_call(self, handler: Callable[[str], T], request: str) -> T:
        """`handler(request)`, recorded as the run's next call while it runs. One method
        around the call rather than one before and one after: a bridge call pays for
        each Python call it makes."""
        self._calls += 1
        words = self._words
        words[1] = self._calls
        self._since[0] = time.monotonic()
        words[0] = _CALLING
        try:
            return handler(request)
        finally:
            words[0] = _RUNNING

    def replying(self) -> None:
        self._words[0] = _REPLYING

    def idle(self) -> None:
        self._words[0] = _IDLE

    def report(self) -> tuple[str, dict[str, Any]]:
        """What the run was doing when last written: a phrase for a message (empty when
        nothing is known) and structured details."""
        if self._memory is None:
            return "", {}
        phase, calls = self._words
        made = f"{counted(calls, 'integrator-api call')} so far"
        if phase == _CALLING:
            waited = time.monotonic() - self._since[0]
            return (
                f"it was waiting {waited:.1f} s for integrator-api call {calls:,} to return "
                "(V8 cannot interrupt a call in progress)",
                {"phase": "calling", "calls": calls, "call_s": round(waited, 3)},
            )
        if phase == _RUNNING:
            return (
                f"its JavaScript was not waiting for a call ({made}) but inside one long "
                "built-in operation, such as joining or filling a huge array, that V8 "
                "cannot interrupt at its deadline",
                {"phase": "running", "calls": calls},
            )
        if phase == _REPLYING:
            return (
                f"the hook had finished ({made}); its reply was still being written",
                {"phase": "replying", "calls": calls},
            )
        return "", {"phase": "idle", "calls": calls}

    def close(self) -> None:
        """Let go of the memory and the descriptor (the supervisor's side)."""
        if self._memory is not None:
            for view in reversed(self._views):
                view.release()
            self._memory.close()
            self._memory = None
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


_current = Progress.absent()


def current() -> Progress:
    """This process's record: the worker's once `install` ran, else one that records
    nothing (a run in the caller's own process)."""
    return _current


def install(progress: Progress) -> None:
    """Make `progress` this worker process's record (`jsrt.worker.loop` does, first)."""
    global _current
    _current = progress
