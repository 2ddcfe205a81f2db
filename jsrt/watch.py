"""`--watch`: run a command, then again each time a file it reads is saved.

What is watched: the files and folders a command names (a script, case files, a world, an
options file) and the project's folder when it has a config, for saves of scripts, case
files, worlds and the config (`WATCHED_SUFFIXES`). A file is watched through its folder,
so an editor that saves by writing a new file and renaming it over the old one is seen.
Changes made while a command runs are not waited for (the watch starts once it ended),
so what a run writes (a JUnit report, a cassette, coverage) never starts the next one;
files a command is told to write are ignored besides.

A run's failure is the run's: `watch_runs` only counts it and waits for the next save.
Ctrl-C ends the watch (the caller turns it into exit 0). `stop` and `max_runs` end it too,
which is how tests run a bounded number of runs in a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

WATCHED_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".yaml", ".yml", ".json", ".toml", ".zip"})
"""Saves that start a run: scripts, case files, worlds, options, downloads, the config."""


@dataclass(frozen=True)
class WatchedPaths:
    """What a watch looks at: whole folders (their files of `WATCHED_SUFFIXES`) and single
    files (whatever their name), less the files a run writes."""

    folders: frozenset[Path]
    files: frozenset[Path]
    ignored: frozenset[Path]

    @classmethod
    def of(cls, paths: Iterable[Path], ignored: Iterable[Path] = ()) -> WatchedPaths:
        """The existing `paths`, resolved: folders as folders, files as files (a path that
        does not exist yet is watched through its folder, as a file)."""
        folders: set[Path] = set()
        files: set[Path] = set()
        for path in paths:
            resolved = path.resolve()
            (folders if resolved.is_dir() else files).add(resolved)
        return cls(frozenset(folders), frozenset(files), frozenset(p.resolve() for p in ignored))

    @property
    def roots(self) -> list[Path]:
        """The folders given to the watcher: each folder, and the folder of each file."""
        roots = set(self.folders) | {file.parent for file in self.files}
        return sorted(root for root in roots if root.is_dir())

    def wanted(self, path: Path) -> bool:
        """Whether a change to `path` starts a run."""
        if path in self.ignored:
            return False
        if path in self.files:
            return True
        under = any(folder == path or folder in path.parents for folder in self.folders)
        return under and path.suffix.lower() in WATCHED_SUFFIXES


def wait_for_change(watched: WatchedPaths, stop: threading.Event | None = None) -> set[Path]:
    """The files whose saves end the wait (empty when `stop` was set); KeyboardInterrupt
    on Ctrl-C."""
    import watchfiles

    class Wanted(watchfiles.DefaultFilter):
        def __call__(self, change: watchfiles.Change, path: str) -> bool:
            return super().__call__(change, path) and watched.wanted(Path(path))

    for changes in watchfiles.watch(*watched.roots, watch_filter=Wanted(), stop_event=stop):
        return {Path(path) for _change, path in changes}
    return set()


def watch_runs(
    run: Callable[[], object],
    watched: WatchedPaths | Callable[[], WatchedPaths],
    *,
    before_run: Callable[[int, Collection[Path]], None] | None = None,
    stop: threading.Event | None = None,
    max_runs: int | None = None,
) -> int:
    """Call `run`, then again after each save `watched` wants, until `stop` is set or
    `max_runs` runs were made; the number of runs made. `watched` may be a function,
    asked after each run (a case file saved may name another script). `before_run(number,
    changed)` is told of each run first (number 1 with nothing changed). What `run` raises besides
    KeyboardInterrupt is its own business: it is expected to report its failures."""
    made = 0
    changed: Collection[Path] = ()
    while True:
        if before_run is not None:
            before_run(made + 1, changed)
        run()
        made += 1
        if (max_runs is not None and made >= max_runs) or (stop is not None and stop.is_set()):
            return made
        changed = wait_for_change(watched if isinstance(watched, WatchedPaths) else watched(), stop)
        if not changed:
            return made
