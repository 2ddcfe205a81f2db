"""The limits a hook runs under (wall-clock time, heap) and the caps on what one run
keeps (log lines, log characters, calls logged and recorded): their one declaration and
check.

Every front end reads a limit in its own spelling (`--timeout`, `--jsrt-timeout`, a case
file's `timeout:`, `Runtime(timeout_s=...)`; `--max-calls`, `--jsrt-max-calls`,
`max_calls:`, `Runtime(max_calls=...)`) and checks it here, so a value is accepted or
refused the same way everywhere, with a message that gives the accepted range.

The ranges: integrator.io publishes no time, memory or CPU limit for its JavaScript
runtime (../shared/docs/celigo-reference.md §2.4 "Execution time, memory, CPU: not
found"; §8 lists them as open questions), so both are configurable, within what the
engine can honour:

- time: up to one hour, the longest window integrator.io gives a running script (its
  script debug window, celigo-reference §2.4), and far inside what the worker's frame
  reader can wait for (a poll takes at most 2**31 - 1 ms, about 24.8 days); at least a
  millisecond, the poll's resolution.
- heap: up to `jsrt.engine.heap.LARGEST_HEAP_MB`, half of V8's heap cage. V8 caps an
  isolate's heap at 4 GiB whatever `--max-old-space-size` says (pointer compression;
  `heap_size_limit` stays 4096 MiB with 8192 or more asked), and the hard limit only
  stops a script while it sits well below V8's own ceiling; past it V8 aborts the whole
  process. At least 16 MiB, which the shims and a small page need.

The caps bound what a run keeps in the caller's memory; their defaults sit far above
what a hook logs or calls on purpose and far below what fills a machine (a hook logging
millions of lines or making hundreds of thousands of calls took gigabytes without
them). Each is at least 1 and at most:

- log lines, calls: ten times the default. A kept line or call costs the caller a few
  hundred bytes to kilobytes as Python objects; a million of them is already gigabytes.
- log characters: 64,000,000. The kept logs travel out of V8 as JSON text in one string,
  which V8 caps at 2**29 - 24 characters, and escaping can make one character six
  (`\u0000`); 6 x 64,000,000 stays inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from jsrt.describe import describe
from jsrt.engine.heap import LARGEST_HEAP_MB
from jsrt.errors import UsageError


@dataclass(frozen=True)
class Limit:
    """One limit: the accepted range, in `unit`, of whole numbers when `whole`."""

    what: str
    unit: str
    low: float
    high: float
    default: float
    whole: bool = False

    @property
    def accepted(self) -> str:
        """The accepted range as messages word it: `a number of seconds from 0.001 to 3600`."""
        if self.whole:
            return f"a whole number of {self.unit} from {self.low:.0f} to {self.high:.0f}"
        return f"a number of {self.unit} from {self.low:g} to {self.high:g}"

    def read(self, text: str) -> object:
        """The number `text` (a flag's or an ini option's value) spells, of this limit's
        kind; the text itself when it spells none, for `problem` to refuse."""
        try:
            return int(text) if self.whole else float(text)
        except ValueError:
            return text

    def problem(self, value: object) -> str | None:
        """Why `value` is not an accepted value of this limit, or None when it is."""
        numeric = (int,) if self.whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, numeric) or not math.isfinite(value):
            return f"must be {self.accepted}, got {describe(value)}"
        if not self.low <= value <= self.high:
            shown = str(value) if isinstance(value, int) else f"{value:g}"
            return f"must be {self.accepted}, got {shown}"
        return None

    def check(self, value: object, name: str) -> float:
        """`value` when accepted; otherwise a UsageError that names the argument (`name`,
        as the caller spelled it) and the accepted range."""
        found = self.problem(value)
        if found is not None:
            raise UsageError(f"{name} {found}", hint=f"give {self.what} as {self.accepted}")
        assert isinstance(value, int | float)
        return value


TIMEOUT = Limit(what="the wall-clock limit", unit="seconds", low=0.001, high=3600.0, default=30.0)
MEMORY = Limit(
    what="the heap limit",
    unit="MiB",
    low=16,
    high=LARGEST_HEAP_MB,
    default=256,
    whole=True,
)


def checked_timeout(value: object, name: str) -> float:
    """A time limit in seconds, checked (`name` is the argument as the caller spells it)."""
    return float(TIMEOUT.check(value, name))


def checked_memory(value: object, name: str) -> int:
    """A heap limit in MiB, checked (`name` is the argument as the caller spells it)."""
    return int(MEMORY.check(value, name))


MAX_LOG_LINES = Limit(
    what="the cap on log lines a run keeps",
    unit="log lines",
    low=1,
    high=1_000_000,
    default=100_000,
    whole=True,
)
MAX_LOG_CHARS = Limit(
    what="the cap on characters of log text a run keeps",
    unit="characters",
    low=1,
    high=64_000_000,
    default=16_000_000,
    whole=True,
)
MAX_CALLS = Limit(
    what="the cap on integrator-api calls a run logs and records into a cassette",
    unit="calls",
    low=1,
    high=1_000_000,
    default=100_000,
    whole=True,
)
CAPS = {"max_log_lines": MAX_LOG_LINES, "max_log_chars": MAX_LOG_CHARS, "max_calls": MAX_CALLS}
"""The caps by the name `Runtime`, the worker's `RecordLimits` and case files give them."""


def checked_cap(value: object, name: str) -> int:
    """The cap `name` (in `CAPS`, and as `Runtime` spells the argument), checked."""
    return int(CAPS[name].check(value, name))
