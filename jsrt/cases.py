"""Hook tests as data: case files, what they say, and how one case runs.

A case file is named `*.case.yaml`, `*.case.yml` or `*.case.json`. It names a script and
says what running one of its functions should do::

    # orders.case.yaml
    script: normalizeOrders.js      # required; relative to this file
    function: preSavePage           # optional: the script's only function, if it has one
    hook: preSavePage               # optional: inferred from the function name
    world: world.yaml               # optional: seeds the local backend (fresh for each case)
    timeout: 5                      # optional: seconds (default 30)
    memory: 128                     # optional: heap limit in MB (default 256)
    options: {pageIndex: 0}         # optional: options shared by every case below
    cases:
      - name: totals an order that has lines
        data:                       # options.data
          - {id: SO-1, customer: " Acme ", createdAt: "2024-03-05T10:00:00Z",
             lines: [{qty: 2, price: 5}]}
        expect:
          result_subset: {data: [{id: SO-1, customer: Acme, total: 10}], errors: []}
          logs: [{contains: "1 orders kept"}]
      - name: rejects an order without lines
        data: [{id: SO-2, lines: []}]
        expect:
          result_subset: {data: [], errors: [{code: NO_LINES}]}

Without `cases:` the file itself is one case (its `name` defaults to the file name).
With `cases:`, every other top-level key is a default each case may override; `options`
merge key by key (the case's win).

Keys of a case:

* `name`: unique in the file; `-k` filters on it.
* `script`, `function`, `hook`, `world`, `timeout`, `memory`: as above, per case.
* `backend` (`local`, `rest`, `replay`), `base_url`, `region`, `token_env`,
  `allow_writes`: what answers the integrator-api calls (`jsrt.runner.Runtime`);
  `cassette` (a file to record to, relative to this file) with `record_mode` (`once`,
  `new`, `none`, `all`) and `secret_fields` (more names to scrub from it), or `replay`
  (a cassette to answer from). Options the front end
  gives (`jsrt test --backend ...`, the pytest plugin's) win over these. Cases that share a
  cassette keep their calls apart by name.
* `options`: the options given to the hook (the hook contract fills in the rest);
  `data` and `record` are shorthands for `options.data` and `options.record`.
* `expect`: what the run must do. The run must succeed unless `error` is given or `ok`
  is false. Matching rules: *exact* equal JSON; *subset*: objects may have more keys,
  lists have the same length and match element by element; *in order*: the expected
  entries appear in that order, others may come between them.

  - `ok`: true or false: whether the run succeeded.
  - `error`: `{type?, name?, message?}`: the run failed this way. `type` is a jsrt error
    class (ScriptError, ContractViolation, HookTimeout, LoadError, … or a base class such
    as HookError), `name` the JavaScript error name (TypeError, …), `message` a substring.
  - `result`: the returned value, exact. `result_subset`: the returned value, subset.
  - `errors`: the per-record errors the hook reported, subset.
  - `records`: per-record outcomes of filter, transform and branching hooks
    (`[{index, ok, value, error?}]`), subset.
  - `logs`: `[{level?, text?, contains?}]` in order (`text` exact, `contains` a substring).
  - `calls`: integrator-api calls `[{object, method, args?, ok?, result?, error?}]` in
    order, `args` and the rest subset.
  - `calls_count`: the number of calls, or `{"object.method": number}` per method.
  - `world`: the local backend after the run, subset: `state: {"<resourceType>/<_id>":
    {key: value}}`, `lookupcaches: {<cache _id>: {key: value}}`, `imported: {<import _id>:
    [records]}`, `export_runs: {<export _id>: [runs]}`, `jobs: {<flow _id>: [jobs]}`.

A case file that cannot be used raises `InputError` naming the file, the line and column,
what is allowed there and how to fix it.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from jsrt.errors import InputError, JsrtError, UsageError
from jsrt.expect import (
    ABSENT,
    WORLD_VIEWS,
    Expectations,
    Failure,
    check,
    error_mismatches,
    format_path,
)
from jsrt.hooks import contract_for
from jsrt.inputs import parse_json, parse_yaml, read_text, yaml_loader
from jsrt.run.choice import BACKEND_KINDS, RECORD_MODES, BackendChoice

if TYPE_CHECKING:
    from jsrt.backends.cassette import CassetteLibrary
    from jsrt.runner import Executor

CASE_SUFFIXES = (".case.yaml", ".case.yml", ".case.json")
"""The file names `jsrt test` and the pytest plugin collect."""

_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})

_BACKEND_KEYS = (
    "backend",
    "base_url",
    "region",
    "token_env",
    "allow_writes",
    "cassette",
    "record_mode",
    "secret_fields",
    "replay",
)
_SETTING_KEYS = ("script", "function", "hook", "world", "timeout", "memory", *_BACKEND_KEYS)
_INPUT_KEYS = ("options", "data", "record")
_CASE_KEYS = ("name", *_SETTING_KEYS, *_INPUT_KEYS, "expect")
_FILE_KEYS = (*_SETTING_KEYS, *_INPUT_KEYS, "cases")
_EXPECT_KEYS = (
    "ok",
    "error",
    "result",
    "result_subset",
    "errors",
    "records",
    "logs",
    "calls",
    "calls_count",
    "world",
)
_LOG_KEYS = ("level", "text", "contains")
_CALL_KEYS = ("object", "method", "args", "ok", "result", "error")
_ERROR_KEYS = ("type", "name", "message")

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Case:
    """One run of one hook function and what it must do."""

    name: str
    file: Path
    line: int
    script: Path
    function: str | None
    hook: str | None
    world: Path | None
    timeout_s: float | None
    memory_mb: int | None
    options: dict[str, Any]
    expect: Expectations
    backend: BackendChoice = field(default_factory=BackendChoice)
    """The backend and cassette the case chooses (paths made absolute)."""

    @property
    def id(self) -> str:
        """`path/to/file.case.yaml::name`: how reports and `-k` name the case."""
        return f"{self.file}::{self.name}"


@dataclass(frozen=True)
class CaseFile:
    """A loaded case file: its cases, in file order."""

    path: Path
    cases: tuple[Case, ...]


@dataclass
class CaseOutcome:
    """What happened when a case ran.

    `status` is `passed`, `failed` (an expectation did not hold) or `error` (the run could
    not start: the script does not load, the world file is bad, the runtime refused it).
    """

    case: Case
    status: str
    failures: list[Failure] = field(default_factory=list)
    duration_ms: float = 0.0
    error: dict[str, Any] | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)


# --- finding case files -------------------------------------------------------------------


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


# --- reading a case file --------------------------------------------------------------------


def _yaml_positions(text: str, source: str) -> dict[Where, tuple[int, int]]:
    """The line and column of every key and list item, and an error for a repeated key.

    PyYAML (like `json`) keeps the last of two equal keys silently; in a test that hides
    an expectation, so it is refused here.
    """
    positions: dict[Where, tuple[int, int]] = {}

    def walk(node: yaml.Node, path: Where) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = (*path, key)
                if child in positions:
                    line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    raise InputError(
                        f"{source}:{line}:{column}: key {key!r} appears twice",
                        file=source,
                        line=line,
                        column=column,
                        hint="keep one of them: the second would silently replace the first",
                    )
                positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                positions[(*path, index)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                walk(item, (*path, index))

    root = yaml.compose(text, Loader=yaml_loader())
    if root is not None:
        positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
        walk(root, ())
    return positions


def _read(path: Path) -> tuple[Any, dict[Where, tuple[int, int]]]:
    """The file's data and the positions of its parts (best effort for JSON)."""
    text = read_text(path, what="case")
    source = str(path)
    if path.name.endswith(".json"):
        data = parse_json(text, source=source, what="case file")
        try:
            return data, _yaml_positions(text, source)
        except yaml.YAMLError:
            return data, {}
    data = parse_yaml(text, source=source, what="case file")
    return data, _yaml_positions(text, source)


class _Reader:
    """Checks one case file's data and raises `InputError`s that point into the file."""

    def __init__(self, path: Path, positions: dict[Where, tuple[int, int]]) -> None:
        self.path = path
        self.positions = positions

    def fail(self, where: Where, message: str, hint: str) -> InputError:
        probe = where
        while probe and probe not in self.positions:
            probe = probe[:-1]
        line, column = self.positions.get(probe, (None, None))
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
        return self.positions.get(where, (1, 1))[0]

    def mapping(
        self, value: Any, where: Where, what: str, allowed: tuple[str, ...]
    ) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(
                where,
                f"{what} must be a mapping, got {_type_name(value)}",
                f"write {what} as key: value pairs; allowed keys: {', '.join(allowed)}",
            )
        for key in value:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f"did you mean {near[0]!r}? " if near else ""
                raise self.fail(
                    (*where, str(key)),
                    f"unknown key {key!r} in {what}",
                    f"{suggestion}allowed keys: {', '.join(allowed)}",
                )
        return dict(value)

    def typed(self, value: Any, where: Where, types: type | tuple[type, ...], expected: str) -> Any:
        accepted = types if isinstance(types, tuple) else (types,)
        # `true` is an int to Python, never a number in a case file.
        if isinstance(value, accepted) and not (isinstance(value, bool) and bool not in accepted):
            return value
        name = where[-1] if where else "the value"
        raise self.fail(
            where,
            f"{name} must be {expected}, got {_type_name(value)}",
            f"give {name} as {expected}",
        )

    def items(
        self, value: Any, where: Where, what: str, allowed: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        self.typed(value, where, list, "a list")
        return [self.mapping(item, (*where, i), what, allowed) for i, item in enumerate(value)]

    def existing_file(self, value: Any, where: Where, what: str) -> Path:
        self.typed(value, where, str, "a path relative to the case file")
        path = self.path.parent / value
        if not path.is_file():
            raise self.fail(
                where,
                f"{what} {value!r} not found (looked for {path})",
                f"give the {what} path relative to the case file's folder",
            )
        return path


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _expectations(reader: _Reader, value: Any, where: Where) -> Expectations:
    given = reader.mapping(value, where, "expect", _EXPECT_KEYS)

    def at(key: str) -> Where:
        return (*where, key)

    if "ok" in given:
        reader.typed(given["ok"], at("ok"), bool, "true or false")
    error = None
    if "error" in given:
        error = reader.mapping(given["error"], at("error"), "expect.error", _ERROR_KEYS)
        for key, text in error.items():
            reader.typed(text, (*at("error"), key), str, "a string")
        if given.get("ok") is True:
            raise reader.fail(
                at("ok"),
                "ok: true contradicts the expected error",
                "remove ok, or remove error if the run should succeed",
            )
    logs = None
    if "logs" in given:
        logs = reader.items(given["logs"], at("logs"), "a log expectation", _LOG_KEYS)
        for index, log in enumerate(logs):
            if not log:
                raise reader.fail(
                    (*at("logs"), index),
                    "empty log expectation",
                    "give level, text (exact) or contains (a substring)",
                )
            for key, text in log.items():
                reader.typed(text, (*at("logs"), index, key), str, "a string")
    calls = None
    if "calls" in given:
        calls = reader.items(given["calls"], at("calls"), "a call expectation", _CALL_KEYS)
        for index, call in enumerate(calls):
            for key in ("object", "method"):
                if key not in call:
                    raise reader.fail(
                        (*at("calls"), index),
                        f"call expectation without {key}",
                        "write calls as {object: state, method: putForResource, args: [...]}",
                    )
                reader.typed(call[key], (*at("calls"), index, key), str, "a string")
            if "args" in call:
                reader.typed(
                    call["args"], (*at("calls"), index, "args"), list, "a list of arguments"
                )
    calls_count = given.get("calls_count")
    if calls_count is not None:
        calls_count = _calls_count(reader, calls_count, at("calls_count"))
    world = None
    if "world" in given:
        world = _world_expectations(reader, given["world"], at("world"))
    for key in ("errors", "records"):
        if key in given:
            reader.typed(given[key], at(key), list, "a list")
    return Expectations(
        ok=given.get("ok"),
        error=error,
        result=given.get("result", ABSENT),
        result_subset=given.get("result_subset", ABSENT),
        errors=given.get("errors", ABSENT),
        records=given.get("records", ABSENT),
        logs=logs,
        calls=calls,
        calls_count=calls_count,
        world=world,
    )


def _calls_count(reader: _Reader, value: Any, where: Where) -> int | dict[str, int]:
    hint = 'give a number, or {"object.method": number} per method'
    if isinstance(value, Mapping):
        for name, count in value.items():
            obj, dot, method = str(name).partition(".")
            if not (obj and dot and method):
                raise reader.fail((*where, str(name)), f"{name!r} is not object.method", hint)
            reader.typed(count, (*where, str(name)), int, "a whole number")
        return dict(value)
    return reader.typed(
        value, where, int, "a whole number or a mapping of object.method to numbers"
    )


def _world_expectations(reader: _Reader, value: Any, where: Where) -> dict[str, dict[str, Any]]:
    world = reader.mapping(value, where, "expect.world", WORLD_VIEWS)
    for view, entries in world.items():
        reader.typed(entries, (*where, view), dict, "a mapping")
        for key, expected in entries.items():
            place = (*where, view, str(key))
            if view == "state" and "/" not in str(key):
                raise reader.fail(
                    place,
                    f"state key {key!r} is not <resourceType>/<_id>",
                    'write it as e.g. "exports/5f1e…": {lastRun: …}',
                )
            if view in ("state", "lookupcaches"):
                reader.typed(expected, place, dict, "a mapping of key: value")
            else:
                reader.typed(expected, place, list, "a list")
    return world


def _hook(reader: _Reader, name: str | None, where: Where) -> str | None:
    """The script type's canonical name (`router` is `branching`), checked now, not mid-run."""
    if name is None:
        return None
    try:
        return contract_for(name).name
    except JsrtError as error:
        raise reader.fail(where, error.message, error.hint or "") from None


def _case(
    reader: _Reader, defaults: dict[str, Any], body: dict[str, Any], where: Where, name: str
) -> Case:
    merged = {**defaults, **body}

    def place(key: str) -> Where:
        """Where `key` is written: in this case, or among the file's defaults."""
        return (*where, key) if key in body else (key,)

    def setting(key: str, types: type | tuple[type, ...], expected: str) -> Any:
        if merged.get(key) is None:
            return None
        return reader.typed(merged[key], place(key), types, expected)

    if "script" not in merged:
        raise reader.fail(
            where,
            "no script given",
            "add `script: <path of the .js file, relative to the case file>`",
        )
    script = reader.existing_file(merged["script"], place("script"), "script")
    world = None
    if merged.get("world") is not None:
        world = reader.existing_file(merged["world"], place("world"), "world file")
    timeout = setting("timeout", (int, float), "a number of seconds")
    if timeout is not None and timeout <= 0:
        raise reader.fail(place("timeout"), "timeout must be above 0", "give seconds, e.g. 5")
    memory = setting("memory", int, "a whole number of MB")
    if memory is not None and memory < 16:
        raise reader.fail(place("memory"), "memory must be at least 16 (MB)", "give e.g. 128")
    options: dict[str, Any] = {}
    for source, written in ((defaults, ("options",)), (body, (*where, "options"))):
        if source.get("options") is not None:
            options.update(reader.typed(source["options"], written, dict, "a mapping"))
    for key in ("data", "record"):
        if key in merged:
            options[key] = merged[key]
    return Case(
        name=name,
        file=reader.path,
        line=reader.line_of(where),
        script=script,
        function=setting("function", str, "a function name"),
        hook=_hook(
            reader, setting("hook", str, "a script type such as preSavePage"), place("hook")
        ),
        world=world,
        timeout_s=float(timeout) if timeout is not None else None,
        memory_mb=memory,
        options=options,
        expect=_expectations(reader, body.get("expect", {}), (*where, "expect")),
        backend=_backend(reader, merged, place),
    )


def _one_of(
    reader: _Reader,
    chosen: dict[str, Any],
    key: str,
    allowed: tuple[str, ...],
    place: Callable[[str], Where],
) -> None:
    if chosen[key] not in allowed:
        raise reader.fail(
            place(key),
            f"{key} must be one of {', '.join(allowed)}, got {chosen[key]!r}",
            f"write e.g. {key}: {allowed[0]}",
        )


def _backend(
    reader: _Reader, merged: dict[str, Any], place: Callable[[str], Where]
) -> BackendChoice:
    """The case's backend keys as a `BackendChoice` (see the module docstring)."""
    chosen: dict[str, Any] = {}
    for key in ("backend", "base_url", "region", "token_env", "record_mode"):
        if merged.get(key) is not None:
            chosen[key] = reader.typed(merged[key], place(key), str, "a string")
    if merged.get("allow_writes") is not None:
        chosen["allow_writes"] = reader.typed(
            merged["allow_writes"], place("allow_writes"), bool, "true or false"
        )
    if "backend" in chosen:
        _one_of(reader, chosen, "backend", BACKEND_KINDS, place)
    if "record_mode" in chosen:
        _one_of(reader, chosen, "record_mode", RECORD_MODES, place)
    if merged.get("secret_fields") is not None:
        fields = reader.typed(merged["secret_fields"], place("secret_fields"), list, "a list")
        for index, name in enumerate(fields):
            reader.typed(name, (*place("secret_fields"), index), str, "a field name")
        chosen["secret_fields"] = tuple(fields)
    if merged.get("cassette") is not None:
        written = reader.typed(merged["cassette"], place("cassette"), str, "a path")
        chosen["record"] = reader.path.parent / written
    if merged.get("replay") is not None:
        chosen["replay"] = reader.existing_file(merged["replay"], place("replay"), "cassette")
    try:
        return BackendChoice.of(chosen, spell=_case_key)
    except UsageError as error:
        raise reader.fail(place(error.details["field"]), error.message, error.hint or "") from None


def _case_key(field: str) -> str:
    """A `BackendChoice` field as a case file names it."""
    return "cassette" if field == "record" else field


def load_case_file(path: str | os.PathLike[str]) -> CaseFile:
    """Read and check a case file; every problem is an `InputError` pointing into it."""
    path = Path(path)
    data, positions = _read(path)
    reader = _Reader(path, positions)
    if data is None:
        raise reader.fail(
            (),
            "the case file is empty",
            "give at least `script:` and `cases:` (see `jsrt test --help`)",
        )
    if "cases" not in (data if isinstance(data, Mapping) else {}):
        body = reader.mapping(data, (), "a case file", _CASE_KEYS)
        name = body.get("name", path.name.split(".case.")[0])
        reader.typed(name, ("name",), str, "a string")
        return CaseFile(path, (_case(reader, {}, body, (), name),))
    top = reader.mapping(data, (), "a case file with `cases:`", _FILE_KEYS)
    cases = reader.items(top.pop("cases"), ("cases",), "a case", _CASE_KEYS)
    if not cases:
        raise reader.fail(
            ("cases",), "`cases:` is empty", "add at least one case, or remove the file"
        )
    loaded: list[Case] = []
    for index, body in enumerate(cases):
        where = ("cases", index)
        if "name" not in body:
            raise reader.fail(
                where, f"case #{index + 1} has no name", "add `name: <what this case checks>`"
            )
        name = reader.typed(body["name"], (*where, "name"), str, "a string")
        if any(case.name == name for case in loaded):
            raise reader.fail(
                (*where, "name"),
                f"two cases are named {name!r}",
                "give each case its own name (reports and -k use it)",
            )
        loaded.append(_case(reader, top, body, where, name))
    return CaseFile(path, tuple(loaded))


# --- running a case -------------------------------------------------------------------------


def run_case(
    case: Case,
    *,
    timeout_s: float | None = None,
    executor: Executor | None = None,
    backend: BackendChoice | None = None,
    cassettes: CassetteLibrary | None = None,
) -> CaseOutcome:
    """Run `case` against a fresh Runtime (a fresh world from its world file) and judge it.

    `timeout_s` is the limit for cases that set none. A run that cannot start (the runtime
    raises a `JsrtError`: a script that does not load, a bad world file) ends as `error`,
    unless the case expected exactly that error. `backend` is the front end's backend
    choice, over the case's (`BackendChoice.under`); `cassettes` shares cassette files
    between the cases of one session.
    """
    # The runtime pulls in the engine; importing it here keeps collecting case files cheap.
    from jsrt.backends.cassette import CassetteLibrary
    from jsrt.runner import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, HookResult, Runtime

    started = time.perf_counter()
    runtime = None
    try:
        library = cassettes if cassettes is not None else CassetteLibrary()
        chosen = case.backend.under(backend or BackendChoice()).with_cassettes(library)
        runtime = Runtime(
            case.world,
            timeout_s=case.timeout_s or timeout_s or DEFAULT_TIMEOUT_S,
            memory_mb=case.memory_mb or DEFAULT_MEMORY_MB,
            executor=executor,
            cassette_scope=f"{case.file.name}::{case.name}",
            backend=chosen,
        )
        result = runtime.run_hook(case.script, case.function, case.options, case.hook)
    except JsrtError as exc:
        error = exc.to_dict()
        duration = (time.perf_counter() - started) * 1000
        if case.expect.error is None or error_mismatches(case.expect.error, error):
            return CaseOutcome(case, "error", duration_ms=duration, error=error)
        result = HookResult(
            ok=False, value=None, hook=case.hook, function=case.function or "", error=error
        )
    failures = _check(case.expect, result, runtime)
    return CaseOutcome(
        case,
        "failed" if failures else "passed",
        failures=failures,
        duration_ms=(time.perf_counter() - started) * 1000,
        error=result.error,
        logs=result.logs,
    )


def _check(expect: Expectations, result: Any, runtime: Any) -> list[Failure]:
    """`check`, with `world:` expectations judged only where a local world took the
    run's calls: on the REST or replay backend the calls changed the account (or were
    replayed), not the world, and the world would only show its seed."""
    if runtime is None or runtime.backend == "local" or expect.world is None:
        return check(expect, result, runtime.world if runtime else None)
    found = check(dataclasses.replace(expect, world=None), result, None)
    found.append(
        Failure(
            "world",
            f"`world:` expectations inspect the local backend, and this case ran on the "
            f"{runtime.backend} backend, whose calls do not change the local world; assert "
            "the calls instead (`calls:` holds on every backend), or run it on --backend local",
        )
    )
    return found
