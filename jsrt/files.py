"""Files: writing so that a crash at any moment leaves the old file or the new, never
half, and finding the project a command runs in.

Every file jsrt keeps for a user (a persisted world, a cassette, a cached library) goes
through `write_atomically`; every walk up the folders for the project goes through
`nearest_up`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a synced temporary file in the same folder and a
    rename, then sync the folder so that the rename itself survives a crash."""
    import tempfile  # with shutil and random: ~5 ms of a cold start that writes no file

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _sync_folder(path: Path) -> None:
    """Make a rename durable (POSIX); Windows cannot open folders and needs not."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def nearest_up(start: Path | None, found: Callable[[Path], Path | None]) -> Path | None:
    """The first answer `found` gives for a folder, from `start` (default: the current
    folder) up to the root: how jsrt finds the project a command runs in (its config
    file, the root that case keys are relative to)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        answer = found(folder)
        if answer is not None:
            return answer
    return None


PROJECT_MARKERS = ("jsrt.toml", "pyproject.toml", ".git")
"""What marks a project's root: the nearest folder, from the current one up, that holds
one of these (a CI checkout holds `.git`)."""


def project_root(start: Path | None = None) -> Path:
    """The nearest folder from `start` (default: the current one) up that holds a
    `PROJECT_MARKERS` file, else `start` itself: what case keys and the scripts named in
    coverage data are relative to, so they mean the same on every machine of a CI matrix."""
    marked = nearest_up(
        start,
        lambda folder: (
            folder if any((folder / marker).exists() for marker in PROJECT_MARKERS) else None
        ),
    )
    return marked or (start or Path.cwd()).resolve()
