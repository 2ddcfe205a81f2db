"""Splitting a suite over the machines of a CI matrix: `--shard I/N` keeps the cases whose
stable hash falls in shard I of N, so N machines together run every case exactly once.

A case's hash is SHA-256 of its key, the case file's path relative to the project root
(with `/` separators) and the case name, `path/to/file.case.yaml::name`. It does not
depend on the machine, the checkout's folder, the Python version or the process
(Python's own `hash()` of a string changes with every process), so every machine of the
matrix agrees on which shard holds which case without talking to the others. The key is
the one pytest gives a case's item as its node id (relative to pytest's rootdir), so the
pytest plugin's `--jsrt-shard` hashes its items' node ids the same way.

Hashing rather than dealing out cases in turn keeps a case in its shard when other cases
are added or removed: only the new ones land somewhere new.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from jsrt.errors import UsageError

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`I/N` with 1 ≤ I ≤ N; anything else is a `UsageError` saying what is expected."""
        found = _SHARD.fullmatch(text)
        if found is None:
            raise UsageError(
                f"shard {text!r} is not I/N",
                hint="give the shard's number and the number of shards, e.g. 2/3 (shard 2 of 3)",
            )
        index, count = int(found[1]), int(found[2])
        if count < 1:
            raise UsageError(
                f"shard {text!r}: the number of shards must be at least 1", hint="e.g. 1/3"
            )
        if not 1 <= index <= count:
            raise UsageError(
                f"shard {text!r}: the shard's number must be between 1 and {count}",
                hint=f"shards are numbered from 1: 1/{count} … {count}/{count}",
            )
        return cls(index, count)

    @property
    def label(self) -> str:
        """`shard 2 of 3`, as reports name it."""
        return f"shard {self.index} of {self.count}"

    def holds(self, key: str) -> bool:
        """Whether the case (or test) with this key runs in this shard."""
        return shard_of(key, self.count) == self.index


def shard_of(key: str, count: int) -> int:
    """The shard (1-based, of `count`) that holds `key`: the first 8 bytes of its SHA-256,
    as a big-endian number, modulo `count`."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def file_key(file: Path, root: Path) -> str:
    """The file's path relative to `root`, with `/` separators (a file outside `root`
    keeps `..` steps: every machine of a matrix checks out the same layout). A case file
    that cannot be loaded is sharded by this key, so one shard reports it."""
    return Path(os.path.relpath(file.resolve(), root.resolve())).as_posix()


def case_key(file: Path, name: str, root: Path) -> str:
    """`path/to/file.case.yaml::name`: `file_key` and the case's name."""
    return f"{file_key(file, root)}::{name}"
