"""What answers a run's integrator-api calls: one `BackendChoice`, however it was given.

Every front end builds one: `jsrt run`/`jsrt test` from their flags, a case file from its
keys, the pytest plugin from its options, Python code from `Runtime(...)` arguments. This
module is the one place that checks it (closed sets, what needs what) and the one rule
for combining two (`under`: a case file's choice under the front end's).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from jsrt.backends.cassette import MODES as RECORD_MODES
from jsrt.backends.cassette import RecordMode
from jsrt.backends.rest.settings import Region
from jsrt.errors import UsageError

if TYPE_CHECKING:
    from jsrt.backends.cassette import Cassette, CassetteLibrary

    CassetteFile = str | os.PathLike[str] | Cassette

BackendKind = Literal["local", "rest", "replay"]
"""local: the world answers; rest: an integrator.io account (or `jsrt serve`) over
HTTPS; replay: a recorded cassette, no network."""


BACKEND_KINDS: tuple[BackendKind, ...] = get_args(BackendKind)
REGION_NAMES: tuple[Region, ...] = get_args(Region)

DEFAULT_RECORD_MODE: RecordMode = "once"

Spelling = Callable[[str], str]
"""How a front end names a field in its messages (`--record-mode`, `record_mode`)."""

_CLOSED_SETS: dict[str, tuple[str, ...]] = {
    "backend": BACKEND_KINDS,
    "region": REGION_NAMES,
    "record_mode": RECORD_MODES,
}
_HINTS = {
    "backend": "local answers from the world, rest from an integrator.io account, replay "
    "from a recorded cassette",
    "region": "us or eu; or give the API root with --base-url",
    "record_mode": "once: replay if the cassette exists, else record; new: replay and record "
    "new calls; none: replay only; all: record everything again",
}
_NAMES = {"backend": "backend", "region": "region", "record_mode": "record mode"}

TARGET_FIELDS = ("backend", "base_url", "region", "token_env", "replay")
"""The fields that choose what answers: one given by the front end replaces them all."""
CASSETTE_FIELDS = ("record", "record_mode", "secret_fields", "replay")
"""The fields that choose the cassette: one given by the front end replaces them all."""


def python_spelling(field: str) -> str:
    """A field as `Runtime`'s keyword argument."""
    return field


def flag_spelling(field: str) -> str:
    """A field as the command line's option (`secret_fields` is `--secret-field`)."""
    return "--" + option_name(field)


def option_name(field: str) -> str:
    """A field as an option's name: dashes, and one `--secret-field` per secret field."""
    return "secret-field" if field == "secret_fields" else field.replace("_", "-")


@dataclass(frozen=True, slots=True)
class BackendChoice:
    """The backend and cassette a run uses; a field left at its default was not given.

    `backend` is the kind asked for (`kind` is the one the other fields imply when it is
    None); `base_url`, `region`, `token_env` and `allow_writes` apply to rest; `record`
    wraps the local or rest backend in a cassette (a path, or a `Cassette` shared by
    several runtimes) with `record_mode` and `secret_fields`; `replay` answers every call
    from a cassette.
    """

    backend: BackendKind | None = None
    base_url: str | None = None
    region: Region | None = None
    token_env: str | None = None
    allow_writes: bool = False
    record: CassetteFile | None = None
    record_mode: RecordMode | None = None
    secret_fields: tuple[str, ...] = ()
    replay: CassetteFile | None = None

    @classmethod
    def of(cls, given: Mapping[str, Any], *, spell: Spelling = python_spelling) -> BackendChoice:
        """The choice a front end's values make (None, False and () are "not given"),
        checked with the front end's names for the fields in the messages."""
        values = {key: value for key, value in given.items() if value not in (None, False, ())}
        if "secret_fields" in values:
            values["secret_fields"] = tuple(values["secret_fields"])
        choice = cls(**values)
        choice.check(spell)
        return choice

    def check(self, spell: Spelling = python_spelling) -> BackendChoice:
        """Raise UsageError (its `field` detail names the field) unless every field is
        sound on its own: closed sets, types, and what needs a cassette to record."""
        _check_fields(self, spell)
        return self

    @property
    def given(self) -> frozenset[str]:
        """The fields set to something other than their default."""
        return frozenset(
            field.name
            for field in dataclasses.fields(self)
            if getattr(self, field.name) != field.default
        )

    @property
    def kind(self) -> BackendKind:
        """The backend asked for, or the one the other fields imply: a cassette to
        replay means replay, a base URL or region means rest, else local."""
        if self.backend is not None:
            return self.backend
        if self.replay is not None:
            return "replay"
        return "rest" if self.base_url or self.region else "local"

    def under(self, front: BackendChoice) -> BackendChoice:
        """This choice (a case file's) under the front end's, the one precedence rule: a
        target field given there (backend, URL, region, token variable, cassette to
        replay) replaces every target field here; a cassette field given there replaces
        every cassette field here; `allow_writes` adds."""
        given = front.given
        kept = {name: getattr(self, name) for name in self.given}
        for group in (TARGET_FIELDS, CASSETTE_FIELDS):
            if given & set(group):
                for name in group:
                    kept.pop(name, None)
        kept.update({name: getattr(front, name) for name in given})
        return dataclasses.replace(BackendChoice(), **kept)

    def with_cassettes(self, library: CassetteLibrary) -> BackendChoice:
        """This choice with the cassette files it names opened in `library`, so the runs
        of one session that share a file share one `Cassette`."""
        opened: dict[str, Any] = {}
        if isinstance(self.record, str | os.PathLike):
            mode = self.record_mode or DEFAULT_RECORD_MODE
            opened["record"] = library.open(self.record, mode, secret_fields=self.secret_fields)
            opened["record_mode"], opened["secret_fields"] = None, ()
        if isinstance(self.replay, str | os.PathLike):
            opened["replay"] = library.open(self.replay, "none")
        return dataclasses.replace(self, **opened) if opened else self

    def check_kind(self) -> BackendKind:
        """The kind, once the fields that apply to another kind are ruled out (what a
        `Runtime` calls before it opens anything)."""
        kind = self.kind
        if kind != "rest" and (self.base_url or self.region or self.token_env):
            raise UsageError(
                f"a base URL, region or token variable applies to the rest backend, not {kind}",
                hint="use --backend rest (backend='rest') with them, or leave them out",
            )
        if kind == "replay":
            if self.replay is None:
                raise UsageError(
                    "the replay backend answers from a cassette, and none was given",
                    hint="give it with --replay FILE (replay=PATH)",
                )
            if self.record is not None:
                raise UsageError(
                    "replay and record cannot both be given",
                    hint="to replay a cassette and record the calls it lacks, give only "
                    "--record FILE --record-mode new",
                )
        elif self.replay is not None:
            raise UsageError(
                f"a cassette to replay answers every call, so it cannot go with the {kind} backend",
                hint="leave --backend out (or use --backend replay); to record a run of this "
                "backend use --record FILE",
            )
        return kind


def unknown_value(field: str, value: object) -> str:
    """The sentence for a value outside a closed set (also click's, for the flags)."""
    return f"unknown {_NAMES[field]} {value!r}; one of {', '.join(_CLOSED_SETS[field])}"


def _check_fields(choice: BackendChoice, spell: Spelling) -> None:
    """Each field on its own: closed sets, types, and what needs a cassette to record."""
    for field, allowed in _CLOSED_SETS.items():
        value = getattr(choice, field)
        if value is not None and value not in allowed:
            raise UsageError(unknown_value(field, value), hint=_HINTS[field], field=field)
    for field in ("base_url", "token_env"):
        value = getattr(choice, field)
        if value is not None and not isinstance(value, str):
            raise UsageError(f"{spell(field)} must be a string, got {value!r}", field=field)
    if not isinstance(choice.allow_writes, bool):
        raise UsageError(f"{spell('allow_writes')} must be true or false", field="allow_writes")
    if not all(isinstance(name, str) for name in choice.secret_fields):
        raise UsageError(f"{spell('secret_fields')} must be field names", field="secret_fields")
    if choice.record is None:
        for field in ("record_mode", "secret_fields"):
            if field in choice.given:
                raise UsageError(
                    f"{spell(field)} applies to {spell('record')}",
                    hint=f"add {spell('record')} FILE, or drop {spell(field)}",
                    field=field,
                )
