"""Opt-in persistence of a world between runs (off by default: worlds live in memory).

`StateDir(path)` keeps the world in one SQLite database, `world.sqlite3`, in a folder,
one row per document, state key, lookup cache entry and history entry. Why SQLite (the
standard library's, in WAL mode) rather than one JSON file:

- **Several processes share a state dir** (`jsrt run`s in parallel, `jsrt serve` beside a
  `jsrt run`). Each saves only what its run changed (`World.take_changes`), in one
  transaction, so writers of distinct keys never undo each other; of two writes to the
  same key the last committed wins. Writers queue on SQLite's lock (`busy_timeout`), and
  readers never wait for writers (WAL).
- **A write costs what it changed**, not the world's size: a state key put beside a
  10 MB value rewrites one small row, where a snapshot file rewrote (and synced) 10 MB.
- **A kill at any moment** leaves the last committed transaction, never a torn file nor
  temporary files: SQLite's journal is part of the database and is rolled back or
  forward by the next opener.

The alternative, a lock plus a merge on one JSON file, would still rewrite (and sync)
the whole world on every write, and leave its temporary file behind a kill.

Every commit takes the next number of a counter (`seq`) and stamps the rows it writes;
removed keys leave a row in `removals`. Before each run (`sync`), a process asks SQLite
whether anyone else committed (`PRAGMA data_version`, no I/O) and, if so, reads only the
rows stamped after the last commit it has seen, so `jsrt serve` answers with what a
`jsrt run` beside it wrote. A reset rewrites everything and moves `generation` on; a
reader that missed a reset, or whose place is older than the removals still kept
(`purged`), reads the whole world again.

The first `open` seeds the database from the world file (or an empty world), once; a
state dir an older jsrt wrote (`world.json`) is taken over on first open, the old file
kept as `world.json.migrated`. A file that is not jsrt's database is an `InputError`
naming it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from jsrt.api.catalog import COLLECTIONS
from jsrt.backends.local.changes import HISTORY_LISTS, Delta, Key
from jsrt.backends.local.errors import SnapshotError, WorldDataError
from jsrt.backends.local.models import SNAPSHOT_FORMAT, World
from jsrt.backends.local.world_file import load_world
from jsrt.errors import InputError, JsrtError

DATABASE_NAME = "world.sqlite3"
LEGACY_SNAPSHOT_NAME = "world.json"
"""What jsrt kept before the database: the whole world's snapshot, rewritten per save."""
DATABASE_FORMAT = "jsrt-state/1"
BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another process's transaction before giving up."""
KEPT_REMOVALS = 1000
"""Commits whose removed keys stay readable; a process further behind reads everything."""
PURGE_EVERY = 100
"""Commits between two purges of older removals."""

KEYED_TABLES = {"documents": "document", "state": "state key", "cache_entries": "cache entry"}
"""The tables of keyed rows (`scope`, `key`, `value`, `seq`): documents by collection and
`_id`, state keys by namespace (`exports/<_id>`) and key, lookup cache entries by the
cache's `_id` and key."""

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value);
CREATE TABLE documents (scope TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                        seq INTEGER NOT NULL, UNIQUE (scope, key));
CREATE INDEX documents_seq ON documents (seq);
CREATE TABLE state (scope TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                    seq INTEGER NOT NULL, UNIQUE (scope, key));
CREATE INDEX state_seq ON state (seq);
CREATE TABLE cache_entries (scope TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                            seq INTEGER NOT NULL, UNIQUE (scope, key));
CREATE INDEX cache_entries_seq ON cache_entries (seq);
CREATE TABLE history (list TEXT NOT NULL, entry BLOB NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX history_seq ON history (seq);
CREATE TABLE removals (kind TEXT NOT NULL, scope TEXT NOT NULL, key TEXT NOT NULL,
                       seq INTEGER NOT NULL);
CREATE INDEX removals_seq ON removals (seq);
"""


class StateNotSaved(JsrtError):
    """A run's changes could not be saved to the state dir (exit 1): another process
    created documents with the same `_id`s meanwhile, or held the database too long."""


class StateDir:
    """A folder that holds the saved world of a project, shared by every process that
    opens it. One `StateDir` serves one `World` (the one `open` returned)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.database_path = self.path / DATABASE_NAME
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._seen = 0
        """The last commit this process's world holds."""
        self._generation = 0
        self._data_version: int | None = None

    # ---- opening --------------------------------------------------------------------------

    def open(self, seed: World | str | Path | None = None) -> World:
        """The saved world; the first time, `seed` (a world, or a world file to load; an
        empty world without one), saved at once."""
        with self._lock, self._failures():
            database = self._connect()
            with _reading(database):  # readers do not wait for each other nor for writers
                world = self._saved_world(database) if self._initialized(database) else None
            if world is None:
                with _writing(database):  # the first opener seeds; the others then read
                    if self._initialized(database):
                        world = self._saved_world(database)
                    else:
                        world = self._first_world(seed)
                        for statement in SCHEMA.split(";")[:-1]:
                            database.execute(statement)
                        self._write_everything(database, world, 1, generation=1)
                        self._seen, self._generation = 1, 1
            self._data_version = _data_version(database)
        self._retire_legacy_snapshot()
        return world

    def _saved_world(self, database: sqlite3.Connection) -> World:
        world = self._world_from(self._read_snapshot(database))
        world.track_changes()
        self._seen, self._generation, _ = _counters(database)
        return world

    def load(self) -> World | None:
        """The saved world, or None when nothing was saved yet."""
        if not self.database_path.exists() and not self._legacy_path.exists():
            return None
        return self.open()

    # ---- keeping a world and the database together ---------------------------------------

    def sync(self, world: World) -> None:
        """Save what `world` changed since it last met the database (in one transaction),
        and take in what other processes saved meanwhile."""
        with self._lock, self._failures():
            database = self._connect()
            if world.has_changes():
                self._save(database, world)  # takes in others' commits too
                return
            data_version = _data_version(database)
            if data_version != self._data_version:
                with _reading(database):
                    self._catch_up(database, world)
                self._data_version = data_version

    def close(self) -> None:
        """Close the database (SQLite folds its journal back in when the last one closes)."""
        with self._lock:
            self._disconnect()

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _save(self, database: sqlite3.Connection, world: World) -> None:
        """Write the world's changes as commit `seq`; when others committed since this
        world last met the database, take theirs in too (ours, written last, win)."""
        delta = world.take_changes()
        try:
            with _writing(database):
                seq, generation, purged = _counters(database)
                others_saved = seq != self._seen
                seq += 1
                if delta.everything:
                    self._write_everything(database, world, seq, generation=generation + 1)
                    self._seen, self._generation = seq, generation + 1
                    return
                if others_saved:
                    self._refuse_id_clashes(database, delta)
                self._write_delta(database, delta, seq)
                if others_saved:
                    self._take_in(database, world, (generation, purged), until=seq, before=delta)
                self._seen, self._generation = seq, generation
        except BaseException:
            # The changes were not saved: the world becomes what the database holds again.
            with contextlib.suppress(sqlite3.Error, JsrtError), _reading(database):
                self._reload(database, world)
                self._seen, self._generation, _ = _counters(database)
            raise

    def _catch_up(self, database: sqlite3.Connection, world: World) -> None:
        """Take in what others committed since this process last saw the database."""
        seq, generation, purged = _counters(database)
        if seq == self._seen:
            return
        self._take_in(database, world, (generation, purged), until=seq + 1)
        self._seen, self._generation = seq, generation

    def _take_in(
        self,
        database: sqlite3.Connection,
        world: World,
        counters: tuple[int, int],
        *,
        until: int,
        before: Delta | None = None,
    ) -> None:
        """Take in the commits others made after the last one this process saw and before
        `until`: as their changes, or as the whole saved world when the database was reset
        since (another generation of `counters`) or the removals they made were purged."""
        generation, purged = counters
        if generation != self._generation or self._seen < purged:
            self._reload(database, world)
        else:
            changes = self._read_delta(database, self._seen, until=until)
            world.apply_changes(changes, before=before)

    def _reload(self, database: sqlite3.Connection, world: World) -> None:
        snapshot = self._read_snapshot(database)
        with self._damaged_snapshot():
            world.reload(snapshot)

    def _refuse_id_clashes(self, database: sqlite3.Connection, delta: Delta) -> None:
        """Documents are named by a counter (`World._new_id`): two processes that created
        documents at once made the same `_id`s, and the later one must not overwrite the
        other's document with its own."""
        for collection, _id in delta.created:
            clash = database.execute(
                "SELECT 1 FROM documents WHERE scope = ? AND key = ? AND seq > ?",
                (collection, _id, self._seen),
            ).fetchone()
            if clash:
                raise StateNotSaved(
                    f"{self.database_path}: another process created {collection} {_id!r} "
                    "while this run created its own; this run's changes were not saved",
                    hint="run it again (it now starts from the other process's world), or "
                    "give processes that create documents a state dir each",
                    file=str(self.database_path),
                )

    # ---- writing --------------------------------------------------------------------------

    def _write_everything(
        self, database: sqlite3.Connection, world: World, seq: int, *, generation: int
    ) -> None:
        """Replace the whole database with `world` (its first save, or a reset)."""
        world.track_changes()  # everything is written: nothing is left to save
        snapshot = world.snapshot()
        current = snapshot["current"]
        for table in (*KEYED_TABLES, "history", "removals", "meta"):
            database.execute(f"DELETE FROM {table}")
        meta = {
            "format": DATABASE_FORMAT,
            "seed": orjson.dumps(snapshot["seed"]),
            "id_seed": current["idSeed"],
            "next_id": snapshot["nextId"],
            "version": snapshot["version"],
            "seq": seq,
            "generation": generation,
            "purged": seq,
        }
        database.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        for collection in COLLECTIONS:
            for document in current[collection]:
                if collection == "lookupcaches":
                    entries = document.pop("data")
                    _upsert(
                        database,
                        "cache_entries",
                        [((document["_id"], e["key"]), e["value"]) for e in entries],
                        seq,
                    )
                _upsert(database, "documents", [((collection, document["_id"]), document)], seq)
        state = [
            ((name, key), value)
            for name, values in current["state"].items()
            for key, value in values.items()
        ]
        _upsert(database, "state", state, seq)
        history = [(name, entry) for name in HISTORY_LISTS for entry in snapshot["history"][name]]
        _append_history(database, history, seq)

    def _write_delta(self, database: sqlite3.Connection, delta: Delta, seq: int) -> None:
        for table, values, removed in (
            ("documents", delta.documents, delta.removed_documents),
            ("state", delta.state, delta.removed_state),
            ("cache_entries", delta.cache_entries, delta.removed_cache_entries),
        ):
            if values:
                _upsert(database, table, list(values.items()), seq)
            if not removed:
                continue
            database.executemany(
                f"DELETE FROM {table} WHERE scope = ? AND key = ?",
                list(removed),
            )
            database.executemany(
                "INSERT INTO removals VALUES (?, ?, ?, ?)",
                [(table, scope, key, seq) for scope, key in removed],
            )
        if delta.history:
            _append_history(database, delta.history, seq)
        database.execute(
            "UPDATE meta SET value = CASE name WHEN 'seq' THEN ?1 ELSE max(value, ?2) END "
            "WHERE name IN ('seq', 'next_id')",
            (seq, delta.next_id),
        )
        if seq % PURGE_EVERY == 0:
            purged = seq - KEPT_REMOVALS
            database.execute("DELETE FROM removals WHERE seq <= ?", (purged,))
            database.execute(
                "UPDATE meta SET value = max(value, ?) WHERE name = 'purged'", (purged,)
            )

    # ---- reading --------------------------------------------------------------------------

    def _world_from(self, snapshot: dict[str, Any]) -> World:
        with self._damaged_snapshot():
            return World.from_snapshot(snapshot)

    def _read_snapshot(self, database: sqlite3.Connection) -> dict[str, Any]:
        """The whole saved world, as `World.snapshot()` shapes it."""
        meta = dict(database.execute("SELECT name, value FROM meta"))
        missing = {"id_seed", "version", "next_id", "seed"} - meta.keys()
        if missing:
            raise self._damaged(f"its meta table lacks {', '.join(sorted(missing))}")
        current: dict[str, Any] = {"idSeed": meta["id_seed"]}
        current.update({collection: [] for collection in COLLECTIONS})
        for (collection, _id), document in self._rows(database, "documents"):
            current[self._collection(collection)].append({**document, "_id": _id})
        entries: dict[str, list[dict[str, Any]]] = {}
        for (cache_id, key), value in self._rows(database, "cache_entries"):
            entries.setdefault(cache_id, []).append({"key": key, "value": value})
        for document in current["lookupcaches"]:
            document["data"] = entries.get(document["_id"], [])
        state: dict[str, dict[str, Any]] = {}
        for (name, key), value in self._rows(database, "state"):
            state.setdefault(name, {})[key] = value
        current["state"] = state
        history: dict[str, list[Any]] = {name: [] for name in HISTORY_LISTS}
        for name, entry in self._history(database, 0, _meta(database, "seq") + 1):
            history[name].append(entry)
        return {
            "format": SNAPSHOT_FORMAT,
            "version": meta["version"],
            "nextId": meta["next_id"],
            "seed": self._decode(meta["seed"], "the seed"),
            "current": current,
            "history": history,
        }

    def _read_delta(self, database: sqlite3.Connection, since: int, *, until: int) -> Delta:
        """What was committed after commit `since`; history entries only up to (not
        including) commit `until`, which is this process's own when it just wrote."""
        delta = Delta(next_id=_meta(database, "next_id"))
        removed = {
            "documents": delta.removed_documents,
            "state": delta.removed_state,
            "cache_entries": delta.removed_cache_entries,
        }
        for table, scope, key in database.execute(
            "SELECT kind, scope, key FROM removals WHERE seq > ? ORDER BY rowid", (since,)
        ):
            if table not in removed:
                raise self._damaged(f"a removal of an unknown kind {table!r}")
            removed[table][scope, key] = None
        for (collection, _id), document in self._rows(database, "documents", since):
            delta.documents[self._collection(collection), _id] = {**document, "_id": _id}
        delta.state.update(self._rows(database, "state", since))
        delta.cache_entries.update(self._rows(database, "cache_entries", since))
        delta.history.extend(self._history(database, since, until))
        return delta

    def _rows(
        self, database: sqlite3.Connection, table: str, since: int = 0
    ) -> Iterator[tuple[Key, Any]]:
        """The keyed rows of `table` committed after `since`, in the order they were made."""
        for scope, key, value in database.execute(
            f"SELECT scope, key, value FROM {table} WHERE seq > ? ORDER BY rowid",
            (since,),
        ):
            decoded = self._decode(value, f"{KEYED_TABLES[table]} {scope}/{key}")
            if table == "documents" and not isinstance(decoded, dict):
                raise self._damaged(f"document {scope}/{key} is not an object")
            yield (scope, key), decoded

    def _history(
        self, database: sqlite3.Connection, since: int, until: int
    ) -> Iterator[tuple[str, Any]]:
        for name, entry in database.execute(
            "SELECT list, entry FROM history WHERE seq > ? AND seq < ? ORDER BY rowid",
            (since, until),
        ):
            decoded = self._decode(entry, f"a {name} history entry")
            if name not in HISTORY_LISTS or not isinstance(decoded, dict):
                raise self._damaged(f"history entry of {name!r} is not one jsrt wrote")
            yield name, decoded

    def _collection(self, name: str) -> str:
        if name not in COLLECTIONS:
            raise self._damaged(f"a document of an unknown collection {name!r}")
        return name

    def _decode(self, value: Any, what: str) -> Any:
        try:
            return orjson.loads(value)
        except (orjson.JSONDecodeError, TypeError) as err:
            raise self._damaged(f"{what} is not valid JSON ({err})") from None

    # ---- the database and the first world -------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise InputError(
                    f"{self.path}: the state dir is a file, not a folder",
                    hint="give --state-dir a folder (it is made if missing)",
                    file=str(self.path),
                ) from None
            database = sqlite3.connect(
                self.database_path,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,  # transactions are begun and ended here, explicitly
                check_same_thread=False,  # `jsrt serve` answers from a thread pool (locked)
            )
            try:
                database.execute("PRAGMA journal_mode = WAL")
                # FULL: a commit is on disk before a run's result is shown (one sync of the
                # journal, whatever the world's size).
                database.execute("PRAGMA synchronous = FULL")
            except BaseException:
                database.close()
                raise
            self._connection = database
        return self._connection

    def _initialized(self, database: sqlite3.Connection) -> bool:
        """Whether the database holds a world (False: empty, to be seeded); an
        `InputError` for a database that is not jsrt's state."""
        tables = {name for (name,) in database.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return False
        if "meta" in tables:
            found = database.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
            if found == (DATABASE_FORMAT,):
                return True
            if found is not None:
                raise InputError(
                    f"{self.database_path}: a state database of format {found[0]!r}; "
                    f"this jsrt reads {DATABASE_FORMAT!r}",
                    hint="use the jsrt that wrote it, or give --state-dir a new folder",
                    file=str(self.database_path),
                )
        raise InputError(
            f"{self.database_path}: a SQLite database that is not a jsrt state dir "
            f"(tables: {', '.join(sorted(tables))})",
            hint="give --state-dir a folder of its own",
            file=str(self.database_path),
        )

    def _first_world(self, seed: World | str | Path | None) -> World:
        """The world a new database starts from: an older jsrt's snapshot in this folder,
        else `seed`."""
        if self._legacy_path.exists():
            return self._read_legacy_snapshot()
        if isinstance(seed, World):
            return seed
        return load_world(seed) if seed is not None else World()

    @property
    def _legacy_path(self) -> Path:
        return self.path / LEGACY_SNAPSHOT_NAME

    def _read_legacy_snapshot(self) -> World:
        path = self._legacy_path
        try:
            snapshot = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as err:
            raise InputError(
                f"{path}: the saved world is not valid JSON ({err})",
                hint="delete the file to start again from the world file",
                file=str(path),
            ) from None
        try:
            return World.from_snapshot(snapshot)
        except (SnapshotError, WorldDataError) as err:
            raise InputError(
                f"{path}: {err.message}",
                hint="delete the file to start again from the world file",
                file=str(path),
            ) from None

    def _retire_legacy_snapshot(self) -> None:
        """Keep an older jsrt's snapshot aside once the database holds it, and remove the
        temporary files its interrupted saves left."""
        with contextlib.suppress(FileNotFoundError):  # another process may have done it
            self._legacy_path.replace(self.path / f"{LEGACY_SNAPSHOT_NAME}.migrated")
        for leftover in self.path.glob(f".{LEGACY_SNAPSHOT_NAME}.*.tmp"):
            leftover.unlink(missing_ok=True)

    def _damaged(self, problem: str) -> InputError:
        return InputError(
            f"{self.database_path}: the saved world is damaged: {problem}",
            hint="delete the state dir to start again from the world file",
            file=str(self.database_path),
        )

    @contextlib.contextmanager
    def _damaged_snapshot(self) -> Iterator[None]:
        """The model's errors about a saved world name no file: these name the database."""
        try:
            yield
        except (SnapshotError, WorldDataError) as err:
            raise self._damaged(err.message) from None

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        """SQLite's errors as jsrt's: a file that is not a database, a lock held too long."""
        try:
            yield
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StateNotSaved(
                    f"{self.database_path}: another process held the state dir for over "
                    f"{BUSY_TIMEOUT_S:g} s ({err})",
                    hint="let the other process finish, or give this one a state dir of its own",
                    file=str(self.database_path),
                ) from None
            raise self._unreadable(err) from None
        except sqlite3.DatabaseError as err:
            raise self._unreadable(err) from None

    def _unreadable(self, err: sqlite3.Error) -> InputError:
        self._disconnect()
        return InputError(
            f"{self.database_path}: SQLite cannot use this state database ({err})",
            hint="give --state-dir a folder of its own, or delete this file to start again "
            "from the world file",
            file=str(self.database_path),
        )


@contextlib.contextmanager
def _writing(database: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, holding the database's write lock from its start (so that
    what it reads is what it writes over)."""
    database.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        database.execute("ROLLBACK")
        raise
    database.execute("COMMIT")


@contextlib.contextmanager
def _reading(database: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: every read sees the same commit."""
    database.execute("BEGIN")
    try:
        yield
    finally:
        database.execute("COMMIT")


def _counters(database: sqlite3.Connection) -> tuple[int, int, int]:
    """The last commit's number, the generation (resets) and the oldest removals kept."""
    found = dict(
        database.execute(
            "SELECT name, value FROM meta WHERE name IN ('seq', 'generation', 'purged')"
        )
    )
    if len(found) != 3:
        raise sqlite3.DatabaseError("the meta table lacks seq, generation or purged")
    return found["seq"], found["generation"], found["purged"]


def _meta(database: sqlite3.Connection, name: str) -> Any:
    found = database.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    if found is None:
        raise sqlite3.DatabaseError(f"meta {name!r} is missing")
    return found[0]


def _data_version(database: sqlite3.Connection) -> int:
    """A number that changes when another connection commits (SQLite's, read without I/O)."""
    return int(database.execute("PRAGMA data_version").fetchone()[0])


def _upsert(
    database: sqlite3.Connection, table: str, rows: list[tuple[Key, Any]], seq: int
) -> None:
    """Write keyed rows; a key already there keeps its place (rowid), as a dict does."""
    database.executemany(
        f"INSERT INTO {table} (scope, key, value, seq) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, seq = excluded.seq",
        [(scope, key, orjson.dumps(value), seq) for (scope, key), value in rows],
    )


def _append_history(database: sqlite3.Connection, entries: list[tuple[str, Any]], seq: int) -> None:
    database.executemany(
        "INSERT INTO history VALUES (?, ?, ?)",
        [(name, orjson.dumps(entry), seq) for name, entry in entries],
    )
