"""Resident memory of this process, the figure the memory benchmark compares."""

from __future__ import annotations

import resource
from pathlib import Path

_STATUS = Path("/proc/self/status")


def rss_kib() -> int:
    """Current resident set size in KiB (Linux); elsewhere the peak, which only grows."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
