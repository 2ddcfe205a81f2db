"""Python's cyclic garbage collector paused for one run, on both sides of the pipe."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic GC off for one run. A run allocates a copy of the page or two,
    a few objects per integrator-api call and no cycles worth collecting; with the GC
    on, a large page or a long call log triggers collections that walk every object
    the process holds: measurably slower (bench/README.md: a page in the caller, ~2 µs
    of a bridge call in the worker).

    At the end, what the run allocated (the result the caller keeps, mostly) moves to the
    oldest generation, as surviving two collections would move it, but without walking
    it: the collection that re-enabling triggers would otherwise traverse a 10,000-record
    result at once (~20 ms). `gc.freeze()` then `gc.unfreeze()` is that move; it is left
    out when the program froze objects itself, which unfreezing would release."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
