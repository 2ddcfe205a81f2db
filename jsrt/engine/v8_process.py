"""Process-wide V8 set-up: heap flags (settable once per process) and a UTC clock.

integrator.io runs hooks in UTC, and V8 (through ICU) takes its time zone from the `TZ`
environment variable the first time a script needs it, then keeps it for the life of the
process. So `configure` sets `TZ=UTC`, starts V8 and makes one throwaway context read a
date, which pins ICU's zone; then it puts `TZ` back and resets the C library's zone, so
the host program's own clock (`time.localtime`, logging) is left as it was.
"""

from __future__ import annotations

import ctypes
import os
import threading

from jsrt.engine import _minirace
from jsrt.engine.heap import (
    DEFAULT_HEAP_CEILING_MB,
    LARGEST_HEAP_MB,
    V8_HEAP_CAGE_MB,
    HeapCeilingTooLow,
    v8_flags,
)
from jsrt.errors import UsageError

FOREIGN_HEAP_CEILING_MB = 512
"""The ceiling assumed when other code started V8 first, with mini-racer's default flags:
V8's default old space is then about 1.5 GiB, and hard limits must stay well below it."""

_lock = threading.Lock()
_ceiling_mb: int | None = None


def configure(heap_ceiling_mb: int = DEFAULT_HEAP_CEILING_MB) -> None:
    """Initialise V8 in this process for isolates of up to `heap_ceiling_mb` MiB.

    Call it before the first `Isolate` to choose the ceiling; otherwise the first
    isolate calls it with the default (or its own `memory_mb`, if larger). Calling it
    again with the same ceiling is a no-op; a different one is a UsageError, because V8
    flags cannot change once V8 has started.
    """
    _check_heap_size("heap_ceiling_mb", heap_ceiling_mb)
    with _lock:
        if _ceiling_mb is None:
            _start(heap_ceiling_mb)
        elif _ceiling_mb != heap_ceiling_mb:
            raise UsageError(
                f"V8 already runs in this process with a heap ceiling of {_ceiling_mb} MiB; "
                f"it cannot change to {heap_ceiling_mb} MiB",
                hint="call jsrt.engine.configure() once, before the first Isolate",
            )


def heap_ceiling_mb() -> int | None:
    """The ceiling V8 was configured with here, or None while V8 is not started."""
    return _ceiling_mb


def reserve_heap(memory_mb: int) -> None:
    """Make sure this process can give an isolate a `memory_mb` MiB heap.

    Starts V8 if needed (with a ceiling large enough for `memory_mb`); raises
    HeapCeilingTooLow when V8 already runs with a smaller ceiling.
    """
    _check_heap_size("memory_mb", memory_mb)
    with _lock:
        if _ceiling_mb is None:
            _start(max(DEFAULT_HEAP_CEILING_MB, memory_mb))
        ceiling = _ceiling_mb
    assert ceiling is not None  # _start set it
    if memory_mb > ceiling:
        raise HeapCeilingTooLow(
            f"an isolate asked for a {memory_mb} MiB heap, but V8 in this process was "
            f"started for at most {ceiling} MiB",
            hint=f"call jsrt.engine.configure({memory_mb}) before the first Isolate, "
            "or run through a Supervisor, which restarts its worker with a larger ceiling",
            memory_mb=memory_mb,
            heap_ceiling_mb=ceiling,
        )


def _check_heap_size(name: str, value: int) -> None:
    if not isinstance(value, int) or not 1 <= value <= LARGEST_HEAP_MB:
        raise UsageError(
            f"{name} must be a whole number of MiB from 1 to {LARGEST_HEAP_MB}, got {value!r}",
            hint=f"V8 gives an isolate at most {V8_HEAP_CAGE_MB} MiB, and a heap limit works only "
            "up to half of that",
        )


def _start(heap_ceiling_mb: int) -> None:
    """Start V8 with the flags for `heap_ceiling_mb`, its clock pinned to UTC."""
    global _ceiling_mb
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    try:
        ours = _minirace.init_v8(v8_flags(heap_ceiling_mb))
        probe = _minirace.NativeContext()
        try:
            probe.eval("new Date(0).getTimezoneOffset()")
        finally:
            probe.close()
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        _reset_libc_time_zone()
    _ceiling_mb = heap_ceiling_mb if ours else min(heap_ceiling_mb, FOREIGN_HEAP_CEILING_MB)


def _reset_libc_time_zone() -> None:
    """Make the C library re-read `TZ` (ICU's probe left it at UTC) without touching
    Python's `time` module state, as `time.tzset()` would."""
    if os.name == "posix":
        ctypes.CDLL(None).tzset()
