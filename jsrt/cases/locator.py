"""Errors that point into a case file: a place in the document becomes file:line:column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsrt.cases.schema import type_problem
from jsrt.describe import format_path
from jsrt.errors import InputError
from jsrt.inputs import Positions, Where, position_of


class Locator:
    """One case file's positions table, and `InputError`s that name a place in it."""

    def __init__(self, path: Path, positions: Positions) -> None:
        self.path = path
        self.positions = positions

    def fail(self, where: Where, message: str, hint: str | None) -> InputError:
        """`file:line:column: message (at $.the.place)`, at `where` or what encloses it."""
        line, column = position_of(self.positions, where) or (None, None)
        at = f"{self.path}:{line}:{column}" if line else str(self.path)
        label = f" (at {format_path(where)})" if where else ""
        return InputError(
            f"{at}: {message}{label}",
            file=str(self.path),
            line=line,
            column=column,
            hint=hint,
        )

    def line_of(self, where: Where) -> int:
        """The line `where` starts on (1 when the file has no positions)."""
        return self.positions.get(where, (1, 1))[0]

    def typed(self, value: Any, where: Where, types: type | tuple[type, ...], expected: str) -> Any:
        """`value`, or the schema's type error for it at `where`."""
        name = str(where[-1]) if where else "the value"
        found = type_problem(value, types, expected, name)
        if found is not None:
            raise self.fail(where, *found)
        return value

    def existing_file(
        self, value: Any, where: Where, what: str, *, folder_ok: bool = False
    ) -> Path:
        """The file `value` names, relative to the case file's folder, which must exist
        (or, with `folder_ok`, the folder)."""
        self.typed(value, where, str, "a path relative to the case file")
        path = self.path.parent / value
        if not (path.is_file() or (folder_ok and path.is_dir())):
            raise self.fail(
                where,
                f"{what} {value!r} not found (looked for {path})",
                f"give the {what} path relative to the case file's folder",
            )
        return path
