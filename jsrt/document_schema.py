"""What declared schemas of user documents share: problems worded for people, and where.

The documents users write (case files, world files, cassettes) are declared as pydantic
models. Their validators raise `problem(...)`: a pydantic error that carries jsrt's own
message and hint, and optionally a finer place than the field it was raised on (the key
inside a mapping that is wrong). `first_problem` turns pydantic's `ValidationError` back
into that message, hint and place (a `Where`), which the document's loader maps onto the
file's positions table to name the line and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from jsrt.describe import describe_document_value
from jsrt.inputs import Where

_PROBLEM = "jsrt_problem"


def problem(message: str, hint: str | None = None, at: Sequence[str | int] = ()) -> Exception:
    """The error a validator raises: `message` and `hint` as the user will read them; `at`
    adds parts below the place pydantic knows (a key of the mapping being validated)."""
    return PydanticCustomError(
        _PROBLEM, "{message}", {"message": message, "hint": hint, "at": tuple(at)}
    )


def expect_mapping(value: Any, expected: str, at: Sequence[str | int] = ()) -> dict[str, Any]:
    """`value` if it is a mapping, else the problem "`expected`, got <what it is>"."""
    if not isinstance(value, dict):
        raise problem(f"{expected}, got {describe_document_value(value)}", at=at)
    return value


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a document: where, what, and how to fix it."""

    where: Where
    message: str
    hint: str | None


def first_problem(error: ValidationError) -> Problem:
    """The first error pydantic found, as jsrt words it (pydantic's own message for an
    error no validator of ours raised)."""
    details = error.errors(include_url=False)[0]
    where: Where = tuple(details["loc"])
    ctx = details.get("ctx") or {}
    if details["type"] == _PROBLEM:
        return Problem((*where, *ctx["at"]), ctx["message"], ctx["hint"])
    return Problem(where, details["msg"], None)
