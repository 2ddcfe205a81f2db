"""The closest of several candidates, and a diff that shows how it differs.

When something a test or a replay looked for is missing (an expected call that was not
made, a call a cassette has no answer to), the helpful message names the nearest thing
that does exist and shows the difference. Both the expectation checker (`jsrt.expect`)
and the cassette (`jsrt.backends.cassette`) say it this way; this bottom module is the
one place that ranks candidates and draws the diff, so the two read alike.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

Item = TypeVar("Item")


def pretty_json(value: Any) -> str:
    """Stable, readable JSON: sorted keys so diffs line up, non-ASCII kept as is."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=repr)


def json_diff(
    before: Any,
    after: Any,
    *,
    before_name: str = "expected",
    after_name: str = "actual",
    context: int = 3,
) -> str:
    """A unified diff of two values as pretty JSON ('' when they print the same)."""
    lines = difflib.unified_diff(
        pretty_json(before).splitlines(),
        pretty_json(after).splitlines(),
        fromfile=before_name,
        tofile=after_name,
        lineterm="",
        n=context,
    )
    return "\n".join(lines)


def closest(items: Iterable[Item], score: Callable[[Item], Any]) -> tuple[int, Item] | None:
    """The item with the highest `score` and its index (the first of equals), skipping
    items scored None; None when no item is eligible."""
    best: tuple[Any, int, Item] | None = None
    for index, item in enumerate(items):
        rank = score(item)
        if rank is not None and (best is None or rank > best[0]):
            best = (rank, index, item)
    return None if best is None else (best[1], best[2])


def most_alike(text: str, candidates: Iterable[str], limit: int = 5) -> list[str]:
    """The `limit` candidates most like `text`, the most alike first (ties keep their
    order): what a "did you mean" hint lists when a name or id is not known."""
    ranked = sorted(candidates, key=lambda c: -difflib.SequenceMatcher(None, text, c).ratio())
    return ranked[:limit]
