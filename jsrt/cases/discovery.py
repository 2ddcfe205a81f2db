"""Finding case files: by name pattern, in folders searched recursively."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from jsrt.errors import InputError

CASE_SUFFIXES = (".case.yaml", ".case.yml", ".case.json")
"""The file names `jsrt test` and the pytest plugin collect."""

_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})


def is_case_file(path: str | os.PathLike[str]) -> bool:
    """Whether the file name is one of the case file patterns."""
    return Path(path).name.endswith(CASE_SUFFIXES)


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Case files under `paths` (folders searched recursively, skipping hidden ones).

    A file named explicitly is taken whatever its name; a path that does not exist is an
    `InputError`.
    """
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(sorted(_walk(path)))
        else:
            raise InputError(
                f"{path}: no such file or folder", file=str(path), hint="check the path"
            )
    return list(dict.fromkeys(found))


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS]
        for name in files:
            if is_case_file(name):
                yield Path(root) / name
