"""Opt-in persistence of a world between runs (off by default: worlds live in memory).

`StateDir(path)` keeps one snapshot file, `world.json`, in a folder. Saving writes a
temporary file in the same folder, flushes and fsyncs it, then `os.replace`s it over
the old snapshot (and fsyncs the folder), so a crash at any moment leaves either the old
snapshot or the new one, never a torn file. The first `open` seeds the folder from the
world file (or an empty world).
"""

from __future__ import annotations

from pathlib import Path

import orjson

from jsrt.backends.local.errors import SnapshotError, WorldDataError
from jsrt.backends.local.models import World
from jsrt.backends.local.world_file import load_world
from jsrt.errors import InputError
from jsrt.files import write_atomically

SNAPSHOT_NAME = "world.json"


class StateDir:
    """A folder that holds the saved world of a project."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.snapshot_path = self.path / SNAPSHOT_NAME

    def open(self, seed: World | str | Path | None = None) -> World:
        """The saved world; the first time, `seed` (a world, or a world file to load; an
        empty world without one), saved at once."""
        saved = self.load()
        if saved is not None:
            return saved
        if isinstance(seed, World):
            world = seed
        else:
            world = load_world(seed) if seed is not None else World()
        self.save(world)
        return world

    def load(self) -> World | None:
        """The saved world, or None when nothing was saved yet."""
        try:
            raw = self.snapshot_path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            snapshot = orjson.loads(raw)
        except orjson.JSONDecodeError as err:
            raise InputError(
                f"{self.snapshot_path}: the saved world is not valid JSON ({err})",
                hint="delete the file to start again from the world file",
                file=str(self.snapshot_path),
            ) from None
        try:
            return World.from_snapshot(snapshot)
        except (SnapshotError, WorldDataError) as err:  # the model names no file: add it
            raise InputError(
                f"{self.snapshot_path}: {err.message}",
                hint="delete the file to start again from the world file",
                file=str(self.snapshot_path),
            ) from None

    def save(self, world: World) -> None:
        """Write the world's snapshot atomically (old or new survives a crash, never half)."""
        write_atomically(self.snapshot_path, orjson.dumps(world.snapshot()))
