"""What changed in a `World` since it was last saved: the keys it touched (`Journal`) and,
when it is saved, their values (`Delta`).

A persisted world is saved one change at a time, not as a whole (`persistence.py`): a
write's cost must not grow with the world, and several processes sharing one state dir
must each add their own changes without writing back the others' (stale) copies. So the
world notes the key of everything it changes (a document, a state key, a lookup cache
entry, an entry appended to its history), and `World.take_changes` turns those keys
into a `Delta` of current values. The same `Delta` carries other processes' saved
changes back in (`World.apply_changes`), and a worker's run's changes back to the world
its caller holds (`to_wire` / `from_wire`, `World.apply_run`): what crosses the pipe is
what the run changed, never the whole world.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsrt.api.catalog import COLLECTIONS
from jsrt.backends.local.errors import SnapshotError
from jsrt.json_values import clone

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

    def journal(self) -> Journal:
        """The keys this delta changes, as the world that takes it in notes them."""
        journal = Journal(
            documents=dict.fromkeys([*self.documents, *self.removed_documents]),
            created=dict(self.created),
            state=dict.fromkeys([*self.state, *self.removed_state]),
            cache_entries=dict.fromkeys([*self.cache_entries, *self.removed_cache_entries]),
            everything=self.everything,
        )
        for name, _entry in self.history:
            journal.append(name)
        return journal

    def to_wire(self) -> dict[str, Any]:
        """The delta as plain JSON, for a worker's reply (a copy: nothing aliases the
        world it was taken from). A reset world has no delta to send."""
        assert not self.everything, "a run never resets its world"
        return clone(
            {
                "documents": [[c, i, doc] for (c, i), doc in self.documents.items()],
                "removed_documents": [list(key) for key in self.removed_documents],
                "created": [list(key) for key in self.created],
                "state": [[n, k, value] for (n, k), value in self.state.items()],
                "removed_state": [list(key) for key in self.removed_state],
                "cache_entries": [[c, k, value] for (c, k), value in self.cache_entries.items()],
                "removed_cache_entries": [list(key) for key in self.removed_cache_entries],
                "history": [[name, entry] for name, entry in self.history],
                "next_id": self.next_id,
            }
        )

    @classmethod
    def from_wire(cls, data: Any) -> Delta:
        """The delta `to_wire` wrote (its values become the new delta's own); a
        `SnapshotError` naming the first part that is not what `to_wire` writes, so that
        nothing is applied from a reply of the wrong shape."""
        if not isinstance(data, Mapping) or set(data) != _WIRE_PARTS:
            raise SnapshotError(
                f"not a world's changes: expected an object with exactly "
                f"{', '.join(sorted(_WIRE_PARTS))}"
            )
        next_id = data["next_id"]
        if not isinstance(next_id, int) or isinstance(next_id, bool) or next_id < 0:
            raise SnapshotError("world changes: next_id must be a non-negative integer")
        delta = cls(next_id=next_id)
        for collection, _id, document in _rows(data, "documents", 3):
            _check_collection(collection, "documents")
            if not isinstance(document, dict) or document.get("_id") != _id:
                raise SnapshotError(
                    f"world changes: documents {collection}/{_id} must be an "
                    f"object whose _id is {_id!r}"
                )
            delta.documents[collection, _id] = document
        for part in ("removed_documents", "created"):
            for collection, _id in _rows(data, part, 2):
                _check_collection(collection, part)
                getattr(delta, part)[collection, _id] = None
        if not delta.created.keys() <= delta.documents.keys():
            raise SnapshotError("world changes: created names a document the changes lack")
        for name, key, value in _rows(data, "state", 3):
            delta.state[name, key] = value
        for name, key in _rows(data, "removed_state", 2):
            delta.removed_state[name, key] = None
        for cache_id, key, value in _rows(data, "cache_entries", 3):
            delta.cache_entries[cache_id, key] = value
        for cache_id, key in _rows(data, "removed_cache_entries", 2):
            delta.removed_cache_entries[cache_id, key] = None
        history = data["history"]
        if not isinstance(history, list) or not all(
            isinstance(item, list)
            and len(item) == 2
            and item[0] in HISTORY_LISTS
            and isinstance(item[1], dict)
            for item in history
        ):
            raise SnapshotError(
                f"world changes: history must be a list of [list name, entry object], "
                f"the list one of {', '.join(HISTORY_LISTS)}"
            )
        delta.history = [(name, entry) for name, entry in history]
        return delta


_WIRE_PARTS = frozenset(
    {
        "documents",
        "removed_documents",
        "created",
        "state",
        "removed_state",
        "cache_entries",
        "removed_cache_entries",
        "history",
        "next_id",
    }
)


def _rows(data: Mapping[str, Any], part: str, width: int) -> list[list[Any]]:
    """A part of a delta's wire form: rows of `width` items, the first two strings."""
    rows = data[part]
    if not isinstance(rows, list) or not all(
        isinstance(row, list)
        and len(row) == width
        and isinstance(row[0], str)
        and isinstance(row[1], str)
        for row in rows
    ):
        shape = "[first, second, value]" if width == 3 else "[first, second]"
        raise SnapshotError(f"world changes: {part} must be a list of {shape} (strings first)")
    return rows


def _check_collection(collection: str, part: str) -> None:
    if collection not in COLLECTIONS:
        raise SnapshotError(
            f"world changes: {part} names collection {collection!r}; "
            f"one of {', '.join(COLLECTIONS)}"
        )
