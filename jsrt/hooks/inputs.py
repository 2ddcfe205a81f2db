"""Reading the fields a user gave for one script type, with checks and defaults.

A contract reads each of its type-specific fields through `Inputs`: the value is checked
(a wrong one is an `InputError` naming the script type, the field, what was expected and
what came instead), a missing one gets its default, and the result is recorded in
`fields` in reading order, which becomes the order of keys in the built `options`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from jsrt.describe import describe
from jsrt.errors import InputError
from jsrt.hooks.jsvalue import is_index, is_record, non_records
from jsrt.hooks.kinds import ScriptType
from jsrt.json_values import clone

REQUIRED: Any = object()
"""Default meaning "the user must give this field"."""

OMIT: Any = object()
"""Default meaning "leave the field out when the user did not give it" (JS `undefined`)."""


class Inputs:
    """The given fields of one script type, read with checks into `fields`."""

    def __init__(self, script: ScriptType, given: dict[str, Any]) -> None:
        self.script = script
        self.given = given
        self.fields: dict[str, Any] = {}

    def has(self, key: str) -> bool:
        return key in self.given

    def set(self, key: str, value: Any) -> Any:
        """Record a field the contract derived itself (never over a given one)."""
        self.fields[key] = self.given.get(key, value)
        return self.fields[key]

    def fail(self, key: str, expected: str, got: str | None, hint: str) -> NoReturn:
        """Raise the InputError for `key`; `got` None means the field is missing."""
        problem = f"must be {expected}; got {got}" if got else f"is missing: give {expected}"
        raise InputError(
            f"{self.script} options: `{key}` {problem}",
            hint=hint,
            script_type=self.script,
            path=key,
        )

    def _read(
        self,
        key: str,
        default: Any,
        valid: Callable[[Any], bool],
        expected: str,
        hint: str,
    ) -> Any:
        if key not in self.given:
            if default is REQUIRED:
                self.fail(key, expected, None, hint)
            if default is OMIT:
                return None
            value = clone(default)
        else:
            value = self.given[key]
            if not valid(value):
                self.fail(key, expected, describe(value), hint)
        self.fields[key] = value
        return value

    def object(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        return self._read(
            key,
            default,
            lambda v: isinstance(v, dict),
            "an object {...}",
            hint or f'give it as "{key}": {{...}}',
        )

    def array(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        return self._read(
            key,
            default,
            lambda v: isinstance(v, list),
            "an array [...]",
            hint or f'give it as "{key}": [...]',
        )

    def string(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        return self._read(
            key,
            default,
            lambda v: isinstance(v, str),
            "a string",
            hint or f'give it as "{key}": "..."',
        )

    def boolean(self, key: str, default: Any = REQUIRED) -> Any:
        return self._read(
            key,
            default,
            lambda v: isinstance(v, bool),
            "true or false",
            f'give it as "{key}": true or "{key}": false',
        )

    def index(self, key: str, default: Any = REQUIRED) -> Any:
        return self._read(
            key, default, is_index, "a whole number, 0 or more", f'give it as "{key}": 0'
        )

    def record(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        return self._read(
            key,
            default,
            is_record,
            "a record: an object {...} (or an array for grouped data)",
            hint or f'give it as "{key}": {{"id": 1, ...}}',
        )

    def records(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        """An array of records; each element must be an object or an array."""
        records = self.array(key, default, hint)
        for position, record in non_records(records or []):
            raise InputError(
                f"{self.script} options: `{key}[{position}]` must be a record, an object"
                f" {{...}} (or an array for grouped data); got {describe(record)}",
                hint=f'every element of "{key}" is one record, e.g. {{"id": 1}}',
                script_type=self.script,
                path=f"{key}[{position}]",
            )
        return records

    def errors(self, key: str, default: Any = REQUIRED) -> Any:
        """An array of integrator.io error objects `{code, message, source}`."""
        hint = f'give it as "{key}": [{{"code": "...", "message": "..."}}]'
        errors = self.array(key, default, hint)
        for position, error in enumerate(errors or ()):
            if not isinstance(error, dict):
                self.fail(
                    f"{key}[{position}]",
                    "an error object {code, message, source}",
                    describe(error),
                    'write each error as {"code": "...", "message": "..."}',
                )
        return errors

    def same_lengths(self, **arrays: list[Any] | None) -> None:
        """Arrays that describe the same records (one element each) must match in length."""
        lengths = {key: len(values) for key, values in arrays.items() if values is not None}
        if len(set(lengths.values())) > 1:
            listed = ", ".join(f"`{key}` has {count}" for key, count in lengths.items())
            raise InputError(
                f"{self.script} options: arrays that describe the same records differ in"
                f" length: {listed}",
                hint="integrator.io passes one element of each per record: give them the"
                " same length, or leave the optional ones out",
                script_type=self.script,
                path=next(iter(lengths)),
            )
