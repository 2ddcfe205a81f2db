"""The counters inside the isolate: one global getter per counter name, which counts
each read and yields `true` (`jsrt.coverage.instrument` says where the reads are
written), and the function that hands the counts back as text after the run.

They are made before the script runs, so the script cannot replace what they use; the
counts array is reachable from no name the script can write.
"""

from __future__ import annotations

import json

READ_COUNTS = "__jsrt_coverage_counts"
"""The global function that returns the counts as `1,0,3` text."""

_INSTALL = """(function (names) {
  'use strict';
  const define = Object.defineProperty, apply = Reflect.apply, join = Array.prototype.join;
  const counts = [];
  for (let i = 0; i < names.length; i++) {
    counts[i] = 0;
    define(globalThis, names[i], { get() { counts[i]++; return true; }, configurable: false });
  }
  define(globalThis, %(read)s, { value: () => apply(join, counts, [',']) });
})(%(names)s)"""


def install_counters(names: str) -> str:
    """The code that defines a counter per character of `names` (run before the script)."""
    return _INSTALL % {"read": json.dumps(READ_COUNTS), "names": json.dumps(names)}


def read_counts(text: object, expected: int) -> list[int] | None:
    """The counts `READ_COUNTS` returned; None when the text is not `expected` counts."""
    if not isinstance(text, str):
        return None
    parts = text.split(",") if text else []
    if len(parts) != expected or not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]
