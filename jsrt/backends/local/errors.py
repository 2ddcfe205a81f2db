"""The errors the local model raises about the data it is given: typed, and file-free.

A `World` knows documents, not files. When a world document or a snapshot cannot be
held, the model raises one of these, naming the place inside the document; the layer
that read the document from a file (`world_file.py`, `persistence.py`,
`jsrt.server.apis`) names the file, and the line and column where it knows them.

Both are `jsrt.errors.InputError`s, so a caller of the Python API that hands `World` a
bad document directly still gets an `InputError` (and the CLI exit code 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jsrt.describe import format_path
from jsrt.errors import Detail, InputError

Parts = tuple[str | int, ...]
"""A place in a world document: keys and list indexes from its top."""


class WorldDataError(InputError):
    """A world document the local model cannot hold (`world: flows[0]: expected …`).

    `parts` locate the bad value in the document (`path` is their written form), `problem`
    and `hint` say what is wrong without a place, for a file layer to word its own error.
    """

    path = Detail[str]()
    """The place of the bad value in the world (`exports[1].mockOutput`)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        parts: Sequence[str | int] = (),
        problem: str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, hint=hint, **details)
        self.parts: Parts = tuple(parts)
        self.problem = message if problem is None else problem

    @classmethod
    def at(
        cls, parts: Sequence[str | int], problem: str, hint: str | None = None
    ) -> WorldDataError:
        """The error for `problem` at `parts` of the document."""
        path = format_path(parts, root="")
        label = f" {path}:" if parts else ""
        return cls(f"world:{label} {problem}", hint=hint, parts=parts, problem=problem, path=path)


class SnapshotError(InputError):
    """Data that is not a snapshot `World.snapshot()` wrote, or a damaged one."""
