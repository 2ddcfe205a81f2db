"""Loading a case file: its text and positions, checked by the schema, into `CaseFile`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jsrt.cases.backend_keys import read_backend_choice
from jsrt.cases.definitions import named_document
from jsrt.cases.locator import Locator
from jsrt.cases.model import Case, CaseFile, CaseKind, FlowExpectations
from jsrt.cases.schema import (
    FLOW_ONLY_EXPECTATIONS,
    HOOK_ONLY_EXPECTATIONS,
    CaseDocument,
    CasesDocument,
    Expect,
    SingleCaseDocument,
)
from jsrt.document_schema import first_problem
from jsrt.expect import Expectations
from jsrt.inputs import Where, parse_document, read_text
from jsrt.run.limits import CAPS


def load_case_file(path: str | os.PathLike[str]) -> CaseFile:
    """Read and check a case file; every problem is an `InputError` pointing into it."""
    path = Path(path)
    source = str(path)
    data, positions = parse_document(
        read_text(path, what="case"),
        source=source,
        what="case file",
        yaml_otherwise=True,
        refuse_repeated_keys=True,
    )
    locator = Locator(path, positions)
    if data is None:
        raise locator.fail(
            (),
            "the case file is empty",
            "give at least `script:` and `cases:` (see `jsrt test --help`)",
        )
    with_cases = isinstance(data, dict) and "cases" in data
    try:
        if with_cases:
            document: CasesDocument | SingleCaseDocument = CasesDocument.model_validate(data)
        else:
            document = SingleCaseDocument.model_validate(data)
    except ValidationError as error:
        found = first_problem(error)
        raise locator.fail(found.where, found.message, found.hint) from None
    if isinstance(document, SingleCaseDocument):
        name = document.name if document.name is not None else path.name.split(".case.")[0]
        return CaseFile(path, (_case(locator, {}, document, (), name),))
    defaults = document.given()
    defaults.pop("cases")
    loaded: list[Case] = []
    names: set[str] = set()
    for index, body in enumerate(document.cases):
        where: Where = ("cases", index)
        if body.name is None:
            raise locator.fail(
                where, f"case #{index + 1} has no name", "add `name: <what this case checks>`"
            )
        if body.name in names:
            raise locator.fail(
                (*where, "name"),
                f"two cases are named {body.name!r}",
                "give each case its own name (reports and -k use it)",
            )
        loaded.append(_case(locator, defaults, body, where, body.name))
        names.add(body.name)
    return CaseFile(path, tuple(loaded))


def _case(
    locator: Locator, defaults: dict[str, Any], document: CaseDocument, where: Where, name: str
) -> Case:
    """One case: its own keys over the file's defaults; files it names must exist."""
    body = document.given()
    merged = {**defaults, **body}

    def place(key: str) -> Where:
        """Where `key` is written: in this case, or among the file's defaults."""
        return (*where, key) if key in body else (key,)

    if merged.get("mapping") is not None or merged.get("filter") is not None:
        _refuse_flow_keys(locator, document, merged, place)
        return _definition_case(locator, merged, where, place, name, document)
    if _runs_flow(merged):
        return _flow_case(locator, merged, document, where, name, place)
    _refuse_flow_keys(locator, document, merged, place)
    for key in ("records", "context"):
        if key in merged:
            raise locator.fail(
                place(key),
                f"`{key}` belongs to mapping: and filter: cases, and this case runs a hook",
                "give a hook its records in `data:` (options.data) or `options:`, or add "
                "`mapping:` or `filter:` to apply one to the records",
            )
    from_step = "flow" in merged or "step" in merged
    if from_step:
        _check_step_keys(locator, merged, where, place)
        script = None
    elif "script" not in merged:
        raise locator.fail(
            where,
            "no script given",
            "add `script: <path of the .js file, relative to the case file>`, or run a hook "
            "of the world: `world:`, `flow:`, `step:` (and `hook:`)",
        )
    else:
        script = locator.existing_file(merged["script"], place("script"), "script")
    world = _world_of(locator, merged, place)
    options: dict[str, Any] = {}
    for source in (defaults, body):
        if source.get("options") is not None:
            options.update(source["options"])
    for key in ("data", "record"):
        if key in merged:
            options[key] = merged[key]
    timeout = merged.get("timeout")
    return Case(
        name=name,
        file=locator.path,
        line=locator.line_of(where),
        script=script,
        function=merged.get("function"),
        hook=merged.get("hook"),
        world=world,
        timeout_s=float(timeout) if timeout is not None else None,
        memory_mb=merged.get("memory"),
        options=options,
        expect=_expectations(document.expect),
        backend=read_backend_choice(locator, merged, place),
        flow=merged.get("flow"),
        step=merged.get("step"),
        caps={name: merged[name] for name in CAPS if merged.get(name) is not None},
    )


def _world_of(
    locator: Locator, merged: dict[str, Any], place: Callable[[str], Where]
) -> Path | None:
    """The world a case names, which must exist: a world file, or an integration download
    or layout folder (`jsrt.runner.Runtime`)."""
    if merged.get("world") is None:
        return None
    return locator.existing_file(merged["world"], place("world"), "world file", folder_ok=True)


_HOOK_KEYS = ("script", "function", "flow", "step", "hook", "options", "data", "record")
"""The keys that say which hook runs and with what: a mapping or filter case has none."""


def _definition_case(
    locator: Locator,
    merged: dict[str, Any],
    where: Where,
    place: Callable[[str], Where],
    name: str,
    document: CaseDocument,
) -> Case:
    """A `mapping:` or `filter:` case: one definition, the records it applies to, and no
    hook."""
    if merged.get("mapping") is not None and merged.get("filter") is not None:
        raise locator.fail(
            place("filter"),
            "a case applies either a mapping or a filter, and this one gives both",
            "split it into a mapping: case and a filter: case",
        )
    kind: CaseKind = "mapping" if merged.get("mapping") is not None else "filter"
    for key in _HOOK_KEYS:
        if key in merged:
            raise locator.fail(
                place(key),
                f"`{key}` is a hook case's key, and a {kind}: case runs no hook",
                f"give the records in `records:`; remove `{key}`, or the {kind}: key to run a hook",
            )
    world = _world_of(locator, merged, place)
    definition = merged[kind]
    named = named_document(definition)
    if named is not None and world is None:
        collection, wanted = named
        raise locator.fail(
            place(kind),
            f"the {kind} is the world's {collection.removesuffix('s')} {wanted!r}, and no "
            "world is given",
            f"add `world: world.yaml` (the world file that holds it), or write the {kind} inline",
        )
    if merged.get("records") is None:
        raise locator.fail(
            where,
            f"a {kind}: case needs the records to apply it to",
            "add `records: [{...}, {...}]`",
        )
    return Case(
        name=name,
        file=locator.path,
        line=locator.line_of(where),
        script=None,
        function=None,
        hook=None,
        world=world,
        timeout_s=None,
        memory_mb=None,
        options={},
        expect=_expectations(document.expect),
        kind=kind,
        definition=definition,
        records=merged["records"],
        context=merged.get("context") or {},
    )


def _check_step_keys(
    locator: Locator, merged: dict[str, Any], where: Where, place: Callable[[str], Where]
) -> None:
    """A case that runs a hook of the world's flows (`flow`, `step`, `hook`) names no
    script or function (the step's reference does), and needs both keys and a world."""
    for key in ("script", "function"):
        if key in merged:
            raise locator.fail(
                place(key),
                f"`{key}` and `flow`/`step` both say what to run",
                f"with flow and step, the step's hook reference names the script and "
                f"function: remove `{key}`",
            )
    for key in ("flow", "step", "world"):
        if merged.get(key) is None:
            raise locator.fail(
                where,
                f"a hook of the world needs `flow`, `step` and `world`; `{key}` is missing",
                "add e.g. `world: world.yaml`, `flow: Orders to ERP`, `step: 1`, `hook: preMap`",
            )


def _expectations(expect: Expect | None) -> Expectations:
    """The checked `expect:` part as the `Expectations` the run is judged by."""
    if expect is None:
        return Expectations()
    return Expectations(
        ok=expect.ok,
        error=expect.error.given() if expect.error is not None else None,
        result=expect.result,
        result_subset=expect.result_subset,
        errors=expect.errors,
        records=expect.records,
        logs=[log.given() for log in expect.logs] if expect.logs is not None else None,
        calls=[call.given() for call in expect.calls] if expect.calls is not None else None,
        calls_count=expect.calls_count,
        world=expect.world.given() if expect.world is not None else None,
    )


# --- a flow case: `flow:` without `step:` -------------------------------------------------


def _runs_flow(merged: dict[str, Any]) -> bool:
    """A case runs a whole flow when it names a flow and no step of it."""
    return merged.get("flow") is not None and "step" not in merged


def _flow_case(
    locator: Locator,
    merged: dict[str, Any],
    document: CaseDocument,
    where: Where,
    name: str,
    place: Callable[[str], Where],
) -> Case:
    """A case that runs every step of a flow of its world (`Runtime.run_flow`): its own
    keys over the file's defaults (`merged`), each written at `place(key)`."""
    for key in ("script", "function", "hook", "options", "record", "records", "context"):
        if key in merged:
            raise locator.fail(
                place(key),
                f"`{key}` has no meaning in a flow case (`flow:` without `step:` runs every "
                "step of the flow, each hook as the flow wires it)",
                f"remove `{key}`, or add `step:` to run one hook of the flow",
            )
    if merged.get("world") is None:
        raise locator.fail(
            where,
            "a flow case needs `world`: the world file, download or folder holding the flow",
            "add e.g. `world: world.yaml`",
        )
    if "data" in merged:
        _check_flow_data(locator, merged["data"], place("data"))
    flow_input = {key: merged[key] for key in ("pages", "data") if merged.get(key) is not None}
    expect = document.expect
    if expect is not None:
        for key in HOOK_ONLY_EXPECTATIONS:
            if key in expect.model_fields_set:
                raise locator.fail(
                    (*where, "expect", key),
                    f"`expect.{key}` judges one hook's run, and a flow case runs a whole flow",
                    "a flow case expects `received`, `counts`, `stages`, `errors`, `world`, "
                    "`ok` or `error`; or add `step:` to run one hook",
                )
    timeout = merged.get("timeout")
    return Case(
        name=name,
        file=locator.path,
        line=locator.line_of(where),
        script=None,
        function=None,
        hook=None,
        world=locator.existing_file(merged["world"], place("world"), "world file", folder_ok=True),
        timeout_s=float(timeout) if timeout is not None else None,
        memory_mb=merged.get("memory"),
        options={},
        expect=_expectations(expect),
        backend=read_backend_choice(locator, merged, place),
        flow=merged["flow"],
        caps={name: merged[name] for name in CAPS if merged.get(name) is not None},
        kind="flow",
        flow_input=flow_input,
        flow_expect=FlowExpectations(
            received=expect.received if expect is not None else None,
            counts=expect.counts if expect is not None else None,
            stages=expect.stages if expect is not None else None,
        ),
    )


def _check_flow_data(locator: Locator, data: Any, where: Where) -> None:
    """A flow case's `data`: the records of its one page generator, or per page
    generator (its export's `_id` or name) its records."""
    expected = "a list of records, or a mapping of a page generator to its records"
    locator.typed(data, where, (list, dict), expected)
    for key, records in data.items() if isinstance(data, dict) else ():
        locator.typed(records, (*where, key), list, "a list of records")


def _refuse_flow_keys(
    locator: Locator, document: CaseDocument, merged: dict[str, Any], place: Callable[[str], Where]
) -> None:
    """A case that runs no flow (a hook, a mapping, a filter) gives no flow input and
    expects nothing of a flow's steps."""
    if "pages" in merged:
        raise locator.fail(
            place("pages"),
            "`pages` limits a flow's pages, and this case runs no flow",
            "remove `pages`, or give `flow:` (without `step:`) to run the whole flow",
        )
    expect = document.expect
    for key in FLOW_ONLY_EXPECTATIONS:
        if expect is not None and key in expect.model_fields_set:
            raise locator.fail(
                (*place("expect"), key),
                f"`expect.{key}` judges a flow's steps, and this case runs no flow",
                "give `flow:` (without `step:`) and `world:` to run the whole flow",
            )
