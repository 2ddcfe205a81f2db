"""What changed in a `World` since it was last saved: the keys it touched (`Journal`) and,
when it is saved, their values (`Delta`).

A persisted world is saved one change at a time, not as a whole (`persistence.py`): a
write's cost must not grow with the world, and several processes sharing one state dir
must each add their own changes without writing back the others' (stale) copies. So the
world notes the key of everything it changes (a document, a state key, a lookup cache
entry, an entry appended to its history), and `World.take_changes` turns those keys
into a `Delta` of current values. The same `Delta` carries other processes' saved
changes back in (`World.apply_changes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, str]
"""A document `(collection, _id)`, a state key `("<resourceType>/<_id>", key)` or a lookup
cache entry `(cache _id, key)`."""

HISTORY_LISTS = ("exportRuns", "importRuns", "jobs")
"""The world's history, as a snapshot names its lists."""


@dataclass
class Journal:
    """The keys a world changed since its last save, each once, in the order first touched
    (a dict keeps a new document's place among the others when it is saved)."""

    documents: dict[Key, None] = field(default_factory=dict)
    created: dict[Key, None] = field(default_factory=dict)
    """Documents this world created: their `_id`s are new, so another process creating a
    document with the same `_id` meanwhile is a conflict, not an update."""
    state: dict[Key, None] = field(default_factory=dict)
    cache_entries: dict[Key, None] = field(default_factory=dict)
    appended: dict[str, int] = field(default_factory=dict)
    """Entries appended to each history list (by its `HISTORY_LISTS` name)."""
    everything: bool = False
    """The world was replaced as a whole (a reset): save all of it."""

    def __bool__(self) -> bool:
        return bool(
            self.everything
            or self.documents
            or self.state
            or self.cache_entries
            or any(self.appended.values())
        )

    def append(self, history_list: str, count: int = 1) -> None:
        self.appended[history_list] = self.appended.get(history_list, 0) + count

    def merge(self, other: Journal) -> None:
        """Add `other`'s keys to these."""
        self.documents.update(other.documents)
        self.created.update(other.created)
        self.state.update(other.state)
        self.cache_entries.update(other.cache_entries)
        for name, count in other.appended.items():
            self.append(name, count)
        self.everything = self.everything or other.everything


@dataclass
class Delta:
    """Changed values by key (`None`-free: a removed key is in a `removed_*` set, since
    `null` is a value a state key may hold). Values are the world's own objects until the
    delta is written or applied: whoever holds a delta uses it at once."""

    documents: dict[Key, dict[str, Any]] = field(default_factory=dict)
    removed_documents: dict[Key, None] = field(default_factory=dict)
    created: dict[Key, None] = field(default_factory=dict)
    state: dict[Key, Any] = field(default_factory=dict)
    removed_state: dict[Key, None] = field(default_factory=dict)
    cache_entries: dict[Key, Any] = field(default_factory=dict)
    removed_cache_entries: dict[Key, None] = field(default_factory=dict)
    history: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Appended history entries `(list name, entry)`, oldest first."""
    next_id: int = 0
    """The world's id counter (the next `_id` it makes)."""
    everything: bool = False
    """Save the whole world instead (`World.snapshot()`): it was reset."""
