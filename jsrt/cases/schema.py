"""The declared shape of a case file (see `jsrt.cases` for what each key means).

Each part of a case file is a pydantic model. A model first checks that its part is a
mapping with known keys (`_Part`), then each field checks its value with the wording a
case file's author reads: `timeout must be a number of seconds, got the string "soon"`.
Validators raise `jsrt.document_schema.problem`, so `jsrt.cases.loading` can put the
message at the right line and column. The models are built once, at import.

The keys that choose the backend are declared here (so that they are known keys) but
read by `jsrt.cases.backend_keys` into a `BackendChoice`, after a case's keys are merged
with the file's.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic import ValidationInfo as Info

from jsrt.cases.definitions import FILTER_TYPES, MAPPING_KEYS
from jsrt.describe import describe_document_value
from jsrt.document_schema import problem
from jsrt.errors import JsrtError
from jsrt.expect import ABSENT
from jsrt.hooks import contract_for
from jsrt.run.limits import MAX_CALLS, MAX_LOG_CHARS, MAX_LOG_LINES, MEMORY, TIMEOUT, Limit


def type_problem(
    value: Any, types: type | tuple[type, ...], expected: str, name: str
) -> tuple[str, str] | None:
    """The message and hint when `value` is not of `types` (None when it is). `true` is
    an int to Python, never a number in a case file."""
    accepted = types if isinstance(types, tuple) else (types,)
    if isinstance(value, accepted) and not (isinstance(value, bool) and bool not in accepted):
        return None
    got = describe_document_value(value)
    return f"{name} must be {expected}, got {got}", f"give {name} as {expected}"


def _typed(
    types: type | tuple[type, ...], expected: str, *, nullable: bool = False
) -> BeforeValidator:
    """A field check: the value is of `types` (or null, when `nullable`)."""

    def check(value: Any, info: Info) -> Any:
        if value is None and nullable:
            return None
        found = type_problem(value, types, expected, str(info.field_name))
        if found is not None:
            raise problem(*found)
        return value

    return BeforeValidator(check)


def _then(check: Callable[[Any], Any]) -> BeforeValidator:
    """A check that runs after the type check (validators of one field run right to left)."""
    return BeforeValidator(lambda value: value if value is None else check(value))


class _Part(BaseModel):
    """A mapping of a case file with a fixed set of keys; `what` names it in messages."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    what: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, value: Any) -> Any:
        return _known_keys(cls, value)

    def given(self) -> dict[str, Any]:
        """The keys the file wrote, with their values as written (or as checked)."""
        return {
            key: getattr(self, key)
            for key in type(self).model_fields
            if key in self.model_fields_set
        }


def _known_keys(part: type[_Part], value: Any) -> Any:
    """`value` when it is a mapping whose keys are all fields of `part`."""
    allowed = tuple(part.model_fields)
    if not isinstance(value, Mapping):
        raise problem(
            f"{part.what} must be a mapping, got {_kind(value)}",
            f"write {part.what} as key: value pairs; allowed keys: {', '.join(allowed)}",
        )
    for key in value:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), allowed, n=1)
            suggestion = f"did you mean {near[0]!r}? " if near else ""
            raise problem(
                f"unknown key {key!r} in {part.what}",
                f"{suggestion}allowed keys: {', '.join(allowed)}",
                at=(str(key),),
            )
    return value


def _written(part: type[_Part]) -> BeforeValidator:
    """For an optional part: absent is fine, but written as null it must be a mapping."""
    return BeforeValidator(lambda value: _known_keys(part, value) if value is None else value)


def _kind(value: Any) -> str:
    """`a list`, `a mapping`: the start of `describe_document_value`, enough for a part."""
    if isinstance(value, list):
        return "a list"
    return describe_document_value(value)


_String = Annotated[str | None, _typed(str, "a string")]


# --- expect -------------------------------------------------------------------------------


class ErrorExpectation(_Part):
    what = "expect.error"
    type: _String = None
    name: _String = None
    message: _String = None


class LogExpectation(_Part):
    what = "a log expectation"
    level: _String = None
    text: _String = None
    contains: _String = None

    @model_validator(mode="after")
    def _not_empty(self) -> LogExpectation:
        if not self.model_fields_set:
            raise problem(
                "empty log expectation", "give level, text (exact) or contains (a substring)"
            )
        return self


def _call_names(value: Any) -> Any:
    if isinstance(value, Mapping):
        for key in ("object", "method"):
            if key not in value:
                raise problem(
                    f"call expectation without {key}",
                    "write calls as {object: state, method: putForResource, args: [...]}",
                )
    return value


class CallExpectation(_Part):
    what = "a call expectation"
    object: _String = None
    method: _String = None
    args: Annotated[Any, _typed(list, "a list of arguments")] = None
    ok: Any = None
    result: Any = None
    error: Any = None

    _names = model_validator(mode="before")(_call_names)


def _calls_count(value: Any) -> int | dict[str, int]:
    hint = 'give a number, or {"object.method": number} per method'
    if isinstance(value, Mapping):
        for name, count in value.items():
            obj, dot, method = str(name).partition(".")
            if not (obj and dot and method):
                raise problem(f"{name!r} is not object.method", hint, at=(str(name),))
            found = type_problem(count, int, "a whole number", str(name))
            if found is not None:
                raise problem(*found, at=(str(name),))
        return dict(value)
    found = type_problem(
        value, int, "a whole number or a mapping of object.method to numbers", "calls_count"
    )
    if found is not None:
        raise problem(*found)
    return int(value)


def _world_view(value: Any, info: Info) -> Any:
    """One view of `expect.world`: its keys name entries, each checked for its shape."""
    view = str(info.field_name)
    found = type_problem(value, dict, "a mapping", view)
    if found is not None:
        raise problem(*found)
    for key, expected in value.items():
        if view == "state" and "/" not in str(key):
            raise problem(
                f"state key {key!r} is not <resourceType>/<_id>",
                'write it as e.g. "exports/5f1e…": {lastRun: …}',
                at=(str(key),),
            )
        if view in ("state", "lookupcaches"):
            found = type_problem(expected, dict, "a mapping of key: value", str(key))
        else:
            found = type_problem(expected, list, "a list", str(key))
        if found is not None:
            raise problem(*found, at=(str(key),))
    return value


_WorldView = Annotated[Any, BeforeValidator(_world_view)]


class WorldExpectation(_Part):
    what = "expect.world"
    state: _WorldView = None
    lookupcaches: _WorldView = None
    imported: _WorldView = None
    export_runs: _WorldView = None
    jobs: _WorldView = None


# --- a flow case: `flow:` without `step:` runs the whole flow (`jsrt.cases.flow`) ----------


FLOW_ONLY_EXPECTATIONS = ("received", "counts", "stages")
"""The `expect:` keys only a flow case may give: they judge a `FlowResult`."""
HOOK_ONLY_EXPECTATIONS = ("result", "result_subset", "records", "logs", "calls", "calls_count")
"""The `expect:` keys only a hook case may give: they judge one hook's `HookResult` (a
`FlowResult` keeps no hook's logs or calls)."""


def _page_count(value: Any) -> Any:
    """`pages:` of a flow case: run only the first N pages of each page generator."""
    found = type_problem(value, int, "a whole number of pages", "pages")
    if found is None and value < 1:
        found = (f"pages must be at least 1, got {value}", "give e.g. pages: 1 (the first page)")
    if found is not None:
        raise problem(*found)
    return value


def _per_step(value: Any, info: Info) -> Any:
    """`received`, `counts`, `stages`: a mapping keyed by a step (its name or `_id`)."""
    name = str(info.field_name)
    found = type_problem(value, dict, "a mapping of a step's name or _id to what it expects", name)
    if found is not None:
        raise problem(*found)
    entry = {"received": (list, "a list of records"), "counts": (dict, "a mapping of counts")}
    entry["stages"] = (list, "a list of stages ({name, input, output, errors})")
    types, expected = entry[name]
    for step, expected_value in value.items():
        found = type_problem(expected_value, types, expected, str(step))
        if found is not None:
            raise problem(*found, at=(str(step),))
    return value


_PerStep = Annotated[Any, BeforeValidator(_per_step)]


def _absent() -> Any:
    return ABSENT


class Expect(_Part):
    what = "expect"
    ok: Annotated[bool | None, _typed(bool, "true or false")] = None
    error: Annotated[ErrorExpectation | None, _written(ErrorExpectation)] = None
    result: Any = Field(default_factory=_absent)
    result_subset: Any = Field(default_factory=_absent)
    errors: Annotated[Any, _typed(list, "a list")] = Field(default_factory=_absent)
    records: Annotated[Any, _typed(list, "a list")] = Field(default_factory=_absent)
    logs: Annotated[list[LogExpectation] | None, _typed(list, "a list")] = None
    calls: Annotated[list[CallExpectation] | None, _typed(list, "a list")] = None
    calls_count: Annotated[Any, _then(_calls_count)] = None
    world: Annotated[WorldExpectation | None, _written(WorldExpectation)] = None
    # A flow case's own (FLOW_ONLY_EXPECTATIONS):
    received: _PerStep = None
    counts: _PerStep = None
    stages: _PerStep = None

    @model_validator(mode="after")
    def _ok_or_error(self) -> Expect:
        if self.error is not None and self.ok is True:
            raise problem(
                "ok: true contradicts the expected error",
                "remove ok, or remove error if the run should succeed",
                at=("ok",),
            )
        return self


# --- a case and its file ------------------------------------------------------------------


def _canonical_hook(name: str) -> str:
    """The script type's canonical name (`router` is `branching`), checked now, not mid-run."""
    try:
        return contract_for(name).name
    except JsrtError as error:
        raise problem(error.message, error.hint or "") from None


def _within(limit: Limit, name: str, example: str) -> Callable[[Any], Any]:
    """A check that a limit's value is in its accepted range (`jsrt.run.limits`)."""

    def check(value: Any) -> Any:
        found = limit.problem(value)
        if found is not None:
            raise problem(f"{name} {found}", f"give e.g. {name}: {example}")
        return value

    return check


_Path = Annotated[str | None, _typed(str, "a path relative to the case file", nullable=True)]


# --- what a mapping or filter case applies ------------------------------------------------

_REFERENCE_HINT = "{import: <_id or name>}"


def _reference(value: Mapping[str, Any], kinds: tuple[str, ...], what: str) -> None:
    """`{import: ID}` (or `{export: ID}`): a document of the world, named alone."""
    key = next(iter(value))
    if len(value) != 1:
        other = next(k for k in value if k != key)
        raise problem(
            f"{what} names the world's {key} {value[key]!r} and also gives {other!r}",
            f"write {what} as {{{key}: <_id or name>}} alone, or write the {what} inline",
            at=(str(other),),
        )
    found = type_problem(value[key], str, "an _id or a name", key)
    if found is not None:
        raise problem(*found, at=(key,))
    if key not in kinds:
        raise problem(
            f"a {what} is not held by an {key}", f"name one of: {', '.join(kinds)}", at=(key,)
        )


def _mapping_definition(value: Any) -> Any:
    """A case's `mapping`: `{import: ID}` (an import of the world), an inline mapping
    (`mappings` and `lookups`, or Mapper 1.0 `mapping`), or a list of Mapper 2.0 mappings."""
    if isinstance(value, list):
        return value
    hint = (
        f"write mapping as {_REFERENCE_HINT} (an import of the world), or inline as "
        "{mappings: [...], lookups: [...]} (Mapper 2.0) or {mapping: {fields: [...]}}"
    )
    if not isinstance(value, Mapping) or not value:
        raise problem(
            f"mapping must be a mapping or a list, got {describe_document_value(value)}", hint
        )
    if "import" in value or "export" in value:
        _reference(value, ("import",), "mapping")
        return value
    unknown = [str(key) for key in value if key not in MAPPING_KEYS]
    if unknown or not any(key in value for key in MAPPING_KEYS):
        near = difflib.get_close_matches(unknown[0], MAPPING_KEYS, n=1) if unknown else []
        suggestion = f"did you mean {near[0]!r}? " if near else ""
        raise problem(
            f"unknown key {unknown[0]!r} in mapping" if unknown else "the mapping is empty",
            suggestion + hint,
            at=(unknown[0],) if unknown else (),
        )
    return value


def _filter_definition(value: Any) -> Any:
    """A case's `filter`: `{export: ID}` or `{import: ID}` (that document's filter), or a
    filter inline (`{type: expression, expression: {...}}`)."""
    hint = (
        "write filter as {export: <_id or name>} or {import: <_id or name>} (that "
        'document\'s filter), or inline: {type: expression, expression: {version: "1", '
        "rules: [...]}}"
    )
    if not isinstance(value, Mapping) or not value:
        raise problem(f"filter must be a mapping, got {describe_document_value(value)}", hint)
    if "import" in value or "export" in value:
        _reference(value, ("export", "import"), "filter")
        return value
    if value.get("type") not in FILTER_TYPES:
        got = describe_document_value(value["type"]) if "type" in value else "no type"
        raise problem(
            f"a filter's type must be one of {', '.join(FILTER_TYPES)}, got {got}",
            hint,
            at=("type",) if "type" in value else (),
        )
    return value


class _Settings(_Part):
    """The keys a case file may set for all its cases and each case for itself."""

    script: Annotated[str | None, _typed(str, "a path relative to the case file")] = None
    function: Annotated[str | None, _typed(str, "a function name", nullable=True)] = None
    flow: Annotated[str | None, _typed(str, "a flow's _id or name")] = None
    step: Annotated[str | int | None, _typed((str, int), "a step's _id, name or 0-based index")] = (
        None
    )
    hook: Annotated[
        str | None,
        _then(_canonical_hook),
        _typed(str, "a script type such as preSavePage", nullable=True),
    ] = None
    world: _Path = None
    timeout: Annotated[
        float | None,
        _then(_within(TIMEOUT, "timeout", "5")),
        _typed((int, float), "a number of seconds", nullable=True),
    ] = None
    memory: Annotated[
        int | None,
        _then(_within(MEMORY, "memory", "128")),
        _typed(int, "a whole number of MiB", nullable=True),
    ] = None
    max_log_lines: Annotated[
        int | None,
        _then(_within(MAX_LOG_LINES, "max_log_lines", "1000")),
        _typed(int, "a whole number of log lines", nullable=True),
    ] = None
    max_log_chars: Annotated[
        int | None,
        _then(_within(MAX_LOG_CHARS, "max_log_chars", "100000")),
        _typed(int, "a whole number of characters", nullable=True),
    ] = None
    max_calls: Annotated[
        int | None,
        _then(_within(MAX_CALLS, "max_calls", "1000")),
        _typed(int, "a whole number of calls", nullable=True),
    ] = None
    backend: Any = None
    base_url: Any = None
    region: Any = None
    token_env: Any = None
    allow_writes: Any = None
    cassette: Any = None
    record_mode: Any = None
    secret_fields: Any = None
    replay: Any = None
    options: Annotated[Any, _typed(dict, "a mapping", nullable=True)] = None
    data: Any = None
    record: Any = None
    mapping: Annotated[Any, BeforeValidator(_mapping_definition)] = None
    filter: Annotated[Any, BeforeValidator(_filter_definition)] = None
    records: Annotated[Any, _typed(list, "a list of records")] = None
    context: Annotated[Any, _typed(dict, "a mapping", nullable=True)] = None
    pages: Annotated[Any, _then(_page_count)] = None
    """A flow case's page limit (`jsrt.cases.flow`)."""


class CaseDocument(_Settings):
    """One case of a file with `cases:`."""

    what = "a case"
    name: _String = None
    expect: Annotated[Expect | None, _written(Expect)] = None


class SingleCaseDocument(CaseDocument):
    """A case file without `cases:`: the file is the one case."""

    what = "a case file"


def _not_empty(cases: Any) -> Any:
    if isinstance(cases, list) and not cases:
        raise problem("`cases:` is empty", "add at least one case, or remove the file")
    return cases


class CasesDocument(_Settings):
    """A case file with `cases:`: its other keys are defaults for every case."""

    what = "a case file with `cases:`"
    cases: Annotated[list[CaseDocument], BeforeValidator(_not_empty), _typed(list, "a list")]
