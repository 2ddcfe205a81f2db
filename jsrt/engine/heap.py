"""Heap sizing rules shared by isolates (in any process) and the supervisor (which never
loads V8).

V8 takes its heap flags once per process, before the first isolate. Each isolate then
gets a hard limit (`memory_mb`), which mini-racer enforces after garbage collections by
terminating the script. That limit only works while it sits well below V8's own heap
ceiling: past the ceiling V8 aborts the whole process instead of stopping one script. So
a process is configured for a *ceiling*, the largest `memory_mb` it will serve, and V8's
old space is set to twice that (address space only; nothing is committed up front).
"""

from __future__ import annotations

from jsrt.errors import UsageError

DEFAULT_HEAP_CEILING_MB = 1024
"""The largest per-isolate heap a process serves unless configured otherwise."""

OLD_SPACE_FACTOR = 2
"""V8's old space is this many times the ceiling, so the hard limit always fires first."""

V8_HEAP_CAGE_MB = 4096
"""The most heap V8 gives an isolate in mini-racer's build (pointer compression): its
`heap_size_limit` stays 4096 MiB whatever larger `--max-old-space-size` is asked."""

LARGEST_HEAP_MB = V8_HEAP_CAGE_MB // OLD_SPACE_FACTOR
"""The largest heap limit (and ceiling) a process can honour: above it, the old space the
ceiling asks for is cut to the cage, and V8 may abort before the hard limit fires."""


def v8_flags(heap_ceiling_mb: int) -> tuple[str, ...]:
    """The V8 flags for a process serving isolates of up to `heap_ceiling_mb` MiB.

    `--single-threaded` keeps V8 from starting GC and compiler threads: with 2 cores they
    cost more than they give, and it is mini-racer's tested configuration.
    """
    return ("--single-threaded", f"--max-old-space-size={heap_ceiling_mb * OLD_SPACE_FACTOR}")


class HeapCeilingTooLow(UsageError):
    """An isolate asked for more heap than its process was configured to serve.

    Details: `memory_mb` (asked) and `heap_ceiling_mb` (configured). The supervisor
    answers it by restarting its worker with a ceiling of `memory_mb` and running again.
    """
