"""How long integrator.io asks a rate-limited caller (429) to wait."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

import httpx


def retry_after(response: httpx.Response) -> float:
    """Seconds to wait: `Retry-After` as seconds or an HTTP date; 1 when absent."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
