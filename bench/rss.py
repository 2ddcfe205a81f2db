"""Resident memory of this process, the figure the memory benchmark compares."""

from __future__ import annotations

import resource
from pathlib import Path


def rss_kib(pid: int | None = None) -> int:
    """Current resident set size in KiB of this process, or of process `pid` (Linux);
    elsewhere this process's peak, which only grows."""
    try:
        status = Path(f"/proc/{pid or 'self'}/status")
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
