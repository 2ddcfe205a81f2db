"""The declared shape of a cassette file, checked when one is read.

`jsrt.backends.cassette` checks the format first and loads this module (and pydantic)
only then, since most runs read no cassette. The validators word problems as
`jsrt.document_schema.problem`s, which the cassette reader places at the interaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from jsrt.document_schema import problem


def _must(test: Callable[[Any], bool], message: str) -> Any:
    """A field that holds when `test` does (absent counts as null), else `message`."""

    def check(value: Any) -> Any:
        if not test(value):
            raise problem(message)
        return value

    return Annotated[Any, BeforeValidator(check), Field(default=None, validate_default=True)]


class Interaction(BaseModel):
    """One recorded call and its answer (`value` on success, `error` on failure)."""

    model_config = ConfigDict(extra="ignore")
    object: _must(lambda v: isinstance(v, str), "object must be a string")  # type: ignore[valid-type]
    method: _must(lambda v: isinstance(v, str), "method must be a string")  # type: ignore[valid-type]
    args: _must(lambda v: isinstance(v, list), "args must be a list")  # type: ignore[valid-type]
    ok: _must(lambda v: isinstance(v, bool), "ok must be true or false")  # type: ignore[valid-type]
    error: Any = None
    scope: Annotated[Any, BeforeValidator(lambda v: _scope(v))] = None

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, item: Any) -> Any:
        if not isinstance(item, dict):
            raise problem("expected an object {object, method, args, ok, value | error}")
        return item

    @model_validator(mode="after")
    def _failure_has_error(self) -> Interaction:
        error = self.error
        if not self.ok and not (isinstance(error, dict) and isinstance(error.get("message"), str)):
            raise problem("a failed call needs error: {message, code, statusCode, errors}")
        return self


def _scope(scope: Any) -> Any:
    if not isinstance(scope, str):
        raise problem("scope must be a string")
    return scope


class CassetteDocument(BaseModel):
    """The file: its format, the configured secret fields, the interactions."""

    model_config = ConfigDict(extra="ignore")
    interactions: list[Interaction]

    @model_validator(mode="before")
    @classmethod
    def _a_cassette(cls, document: Any) -> Any:
        if not isinstance(document.get("interactions"), list):
            raise problem("interactions must be a list")
        fields = document.get("secretFields", [])
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise problem("secretFields must be a list of names")
        return document
