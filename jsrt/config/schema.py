"""The project config's schema (pydantic) and `ProjectConfig`, the config read and
checked; loaded only when a project has a config (see `jsrt.config`)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from jsrt.closest import most_alike
from jsrt.describe import describe_document_value, format_path
from jsrt.document_schema import first_problem, problem
from jsrt.errors import InputError, UsageError
from jsrt.hooks.kinds import SCRIPT_TYPES
from jsrt.inputs import Positions, Where, position_of
from jsrt.run.choice import BackendChoice, python_spelling
from jsrt.run.limits import CAPS, MEMORY, TIMEOUT, Limit

PYPROJECT_FILE = "pyproject.toml"

LIMITS: dict[str, Limit] = {"timeout": TIMEOUT, "memory": MEMORY, **CAPS}
"""The limits a config's `[limits]` table may set, by the name every front end uses."""

_BACKEND_KEYS = {
    "backend": "backend",
    "base_url": "base_url",
    "region": "region",
    "token_env": "token_env",
    "allow_writes": "allow_writes",
    "cassette": "record",
    "record_mode": "record_mode",
    "secret_fields": "secret_fields",
    "replay": "replay",
}
"""A config's backend keys (a case file's names) and the `BackendChoice` field of each."""
_PATH_KEYS = ("world", "cassette", "replay")
"""Keys whose value is a path, read relative to the config file's folder."""


class _Table(BaseModel):
    """A table of the config: unknown keys are refused with the closest known one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise problem(f"must be a table, got {describe_document_value(value)}")
        for key in value:
            if key not in cls.model_fields:
                near = most_alike(key, cls.model_fields, limit=1)
                known = ", ".join(cls.model_fields)
                hint = f"did you mean {near[0]!r}? " if near else ""
                raise problem(f"unknown key {key!r}", f"{hint}the keys here: {known}", at=(key,))
        return value


def _text(value: Any, what: str = "a string") -> str:
    if not isinstance(value, str) or not value:
        raise problem(f"must be {what}, got {describe_document_value(value)}")
    return value


class Limits(_Table):
    """`[limits]`: each checked against its accepted range (`jsrt.run.limits`)."""

    timeout: float | None = None
    memory: int | None = None
    max_log_lines: int | None = None
    max_log_chars: int | None = None
    max_calls: int | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _in_range(cls, value: Any, info: Any) -> Any:
        limit = LIMITS[info.field_name]
        found = limit.problem(value)
        if found is not None:
            raise problem(f"{info.field_name} {found}", f"give {limit.what} as {limit.accepted}")
        return value


class Settings(_Table):
    """What an environment section may set: the world, the backend, the limits."""

    world: str | None = None
    backend: str | None = None
    base_url: str | None = None
    region: str | None = None
    token_env: str | None = None
    allow_writes: bool | None = None
    cassette: str | None = None
    record_mode: str | None = None
    secret_fields: tuple[str, ...] | None = None
    replay: str | None = None
    limits: Limits = Limits()

    @field_validator("world", "base_url", "token_env", "cassette", "replay", mode="before")
    @classmethod
    def _string(cls, value: Any) -> Any:
        return _text(value)

    @field_validator("allow_writes", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        if not isinstance(value, bool):
            raise problem(f"must be true or false, got {describe_document_value(value)}")
        return value

    @field_validator("secret_fields", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(n, str) and n for n in value):
            raise problem(
                f"must be a list of field names, got {describe_document_value(value)}",
                'e.g. secret_fields = ["apiKey"]',
            )
        return tuple(value)

    @model_validator(mode="after")
    def _sound_backend(self) -> Settings:
        """The closed sets and what needs what, as `BackendChoice` checks them."""
        try:
            self.backend_choice()
        except UsageError as error:
            key = next(k for k, f in _BACKEND_KEYS.items() if f == error.details.get("field"))
            raise problem(error.message, error.hint, at=(key,)) from None
        return self

    def backend_choice(self) -> BackendChoice:
        """The backend fields this table gives (paths as written)."""
        given = {_BACKEND_KEYS[key]: getattr(self, key) for key in _BACKEND_KEYS}
        return BackendChoice.of(given, spell=_key_spelling)


def _key_spelling(name: str) -> str:
    """A `BackendChoice` field as a config key (`record` is `cassette`)."""
    return next((key for key, f in _BACKEND_KEYS.items() if f == name), python_spelling(name))


class ScriptEntry(_Table):
    """`[scripts."path.js"]`: what a script's names do not say."""

    hook: str | None = None
    function: str | None = None

    @field_validator("hook", mode="before")
    @classmethod
    def _script_type(cls, value: Any) -> Any:
        if value not in SCRIPT_TYPES:
            near = most_alike(str(value), SCRIPT_TYPES, limit=1)
            raise problem(
                f"unknown script type {describe_document_value(value)}",
                (f"did you mean {near[0]!r}? " if near else "")
                + f"one of {', '.join(SCRIPT_TYPES)}",
            )
        return value

    @field_validator("function", mode="before")
    @classmethod
    def _function(cls, value: Any) -> Any:
        return _text(value, "a function name")


class CheckSettings(_Table):
    """`[check]`: `disable`, the rules turned off everywhere."""

    disable: tuple[str, ...] = ()

    @field_validator("disable", mode="before")
    @classmethod
    def _rules(cls, value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            raise problem(
                f"must be a list of rule ids, got {describe_document_value(value)}",
                'e.g. disable = ["crud-in-hook"]; `jsrt check --rules` lists them',
            )
        return tuple(value)


class CoverageSettings(_Table):
    """`[coverage]`: `fail_under`, the percentage below which a covered run fails."""

    fail_under: float | None = None

    @field_validator("fail_under", mode="before")
    @classmethod
    def _percent(cls, value: Any) -> Any:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or not 0 <= value <= 100:
            raise problem(
                f"must be a percentage from 0 to 100, got {describe_document_value(value)}",
                "e.g. fail_under = 80",
            )
        return value


class ConfigDocument(Settings):
    """The whole config: settings, scripts, check, coverage, and environments."""

    scripts: dict[str, ScriptEntry] = {}
    check: CheckSettings = CheckSettings()
    coverage: CoverageSettings = CoverageSettings()
    env: dict[str, Settings] = {}


@dataclass(frozen=True)
class ProjectConfig:
    """A project's config file, read and checked, with where each key is written."""

    path: Path
    document: ConfigDocument
    positions: Positions = field(repr=False)
    under: Where = ()
    """Where the config starts in the file: `("tool", "jsrt")` in pyproject.toml."""

    @property
    def folder(self) -> Path:
        """The folder the config's paths are relative to."""
        return self.path.parent

    def fail(self, where: Where, message: str, hint: str | None) -> InputError:
        """An `InputError` at `where` (a place in the config): file:line:col, key, message."""
        full = (*self.under, *where)
        line, column = position_of(self.positions, full) or (None, None)
        at = f"{self.path}:{line}:{column}" if line else str(self.path)
        key = f" (at {format_path(where, root='')})" if where else ""
        return InputError(
            f"{at}: {message}{key}", file=str(self.path), line=line, column=column, hint=hint
        )

    def environment(self, name: str | None) -> Settings | None:
        """The section `[env.NAME]`, None for no name; an unknown name is a UsageError."""
        if name is None:
            return None
        sections = self.document.env
        if name not in sections:
            near = most_alike(name, sections, limit=1)
            listed = ", ".join(sections) or "none"
            raise UsageError(
                f"no environment {name!r} in {self.path} (its environments: {listed})",
                hint=(f"did you mean {near[0]!r}? " if near else "")
                + f"add [env.{name}] to {self.path}, or give one it has",
            )
        return sections[name]

    def defaults(self, env: str | None = None) -> dict[str, Any]:
        """The values this config gives the commands' parameters, by parameter name:
        `world`, the limits, `disabled` (check's rules), `coverage_fail_under`; the
        environment section's over the top level's; paths made relative to the current
        folder's view (absolute)."""
        chosen = self.environment(env)
        values: dict[str, Any] = {}
        for settings in (self.document, chosen):
            if settings is None:
                continue
            if settings.world is not None:
                values["world"] = str(self.folder / settings.world)
            values.update(settings.limits.model_dump(exclude_none=True))
        if self.document.check.disable:
            values["disabled"] = self.document.check.disable
        if self.document.coverage.fail_under is not None:
            values["coverage_fail_under"] = self.document.coverage.fail_under
        return values

    def backend_choice(self, env: str | None = None) -> BackendChoice:
        """The backend the config chooses: the top level's under the environment's
        (`BackendChoice.under`), cassette paths relative to the config's folder."""
        choice = self.document.backend_choice()
        chosen = self.environment(env)
        if chosen is not None:
            choice = choice.under(chosen.backend_choice())
        placed = {
            name: str(self.folder / value)
            for name in ("record", "replay")
            if isinstance(value := getattr(choice, name), str)
        }
        return BackendChoice.of({**_fields(choice), **placed})

    def script(self, path: str | Path) -> ScriptEntry | None:
        """What `[scripts]` says of the script at `path` (as the command line gives it)."""
        wanted = Path(path).resolve()
        for name, entry in self.document.scripts.items():
            if (self.folder / name).resolve() == wanted:
                return entry
        return None

    def check_rules(self) -> frozenset[str]:
        """`[check] disable`, each a rule `jsrt check` has (a wrong one is refused at its
        place in the file)."""
        from jsrt.check import validate_disabled

        for index, rule in enumerate(self.document.check.disable):
            try:
                validate_disabled([rule])
            except UsageError as error:
                raise self.fail(("check", "disable", index), error.message, error.hint) from None
        return frozenset(self.document.check.disable)


def _fields(choice: BackendChoice) -> dict[str, Any]:
    return {name: getattr(choice, name) for name in choice.given}


def read_config_file(path: Path) -> ProjectConfig:
    """Read and check one config file (a `jsrt.toml`, or a pyproject.toml's
    `[tool.jsrt]`); anything wrong is an `InputError` naming file, line, column and key."""
    from jsrt.inputs import read_text

    text = read_text(path, what="config")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, exc) from None
    under: Where = ()
    if path.name == PYPROJECT_FILE:
        under = ("tool", "jsrt")
        data = data.get("tool", {}).get("jsrt", {})
    config = ProjectConfig(path, ConfigDocument(), toml_positions(text), under)
    try:
        document = ConfigDocument.model_validate(data)
    except ValidationError as error:
        found = first_problem(error)
        raise config.fail(found.where, found.message, found.hint) from None
    return ProjectConfig(path, document, config.positions, under)


_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)$")


def _syntax_error(path: Path, exc: tomllib.TOMLDecodeError) -> InputError:
    message = str(exc)
    place = _TOML_PLACE.search(message)
    if place is None:
        return InputError(f"{path}: invalid TOML: {message}", file=str(path))
    line, column = int(place[1]), int(place[2])
    return InputError(
        f"{path}:{line}:{column}: invalid TOML: {message[: place.start()].strip()}",
        file=str(path),
        line=line,
        column=column,
        hint="fix the TOML syntax there (a missing quote or `=`, or a key given twice, are "
        "the usual causes)",
    )


_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^(\s*)\[(\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGNMENT = re.compile(rf"^(\s*)({_DOTTED})\s*=")
_PART = re.compile(_KEY_PART)


def _key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(part[1:-1] if part[0] in "\"'" else part for part in _PART.findall(dotted))


def toml_positions(text: str) -> Positions:
    """Where each table header and `key =` of a TOML text is written (line, column from
    1), by its place from the top (`("env", "production", "region")`)."""
    positions: Positions = {}
    table: Where = ()
    tables_seen: dict[Where, int] = {}
    for number, line in _statement_lines(text):
        header = _HEADER.match(line)
        if header:
            path: Where = _key_parts(header[3])
            if header[2]:  # [[array.of.tables]]: the next item
                index = tables_seen[path] = tables_seen.get(path, -1) + 1
                positions.setdefault(path, (number, len(header[1]) + 1))
                path = (*path, index)
            table = path
            positions.setdefault(table, (number, len(header[1]) + 1))
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment:
            key = (*table, *_key_parts(assignment[2]))
            positions.setdefault(key, (number, len(assignment[1]) + 1))
    return positions


def _statement_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of `text` that start a statement (numbered from 1): not those inside a
    multi-line string or a multi-line array."""
    inside: str | None = None
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if inside is not None:
            if inside in line:
                inside = None
            continue
        if depth == 0:
            yield number, line
        code = re.sub(r"""("(?:[^"\\]|\\.)*"|'[^']*')""", '""', line.split("#", 1)[0])
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                inside = quote
        depth = max(0, depth + code.count("[") - code.count("]")) if not _HEADER.match(line) else 0
