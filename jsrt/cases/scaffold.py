"""Case files for the hooks of an imported integration: one per hook, green from the start.

`jsrt import` writes the layout (`jsrt.integration.layout`), then a case file per hook
the documents declare (`jsrt.integration.download.declared_hooks`), under `cases/`:
`cases/<flow>/<export or import>.<hook>.case.yaml` for a flow step's hook,
`cases/<flow>/router.branching.case.yaml` for a router's script and
`cases/apis/<My API>.handleRequest.case.yaml` for a My API.

A case names the script file, the function and the hook type directly (`script:`,
`function:`, `hook:`), the layout's world file (`world:`), and the step's ids in its
options (`_flowId`, `_exportId` or `_importId`), so the world fills in the connection,
the settings and the rest as for any run. The input is the contract's sample (what
`jsrt sample TYPE` prints). Its expectation is what the hook does with that input now,
so `jsrt test cases` passes on an unchanged integration and fails when the hook's
behaviour changes: the result it returns, or, when the sample makes it throw, the
error's name and message. A hook whose result differs from one run to the next (a date,
a random id) is only expected to succeed. The user then replaces the sample with a
record of their own and says what the hook should do with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsrt.errors import JsrtError
from jsrt.hooks import contract_for
from jsrt.integration.download import DeclaredHook
from jsrt.integration.layout import CONTENT_FILE, WORLD_FILE, file_stem
from jsrt.runner import HookResult, Runtime

CASES_FOLDER = "cases"

_CASE_NAME = "runs on the sample input"


@dataclass
class Scaffold:
    """The case files written, and a warning for each hook that got none."""

    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def scaffold_cases(folder: Path, world: Mapping[str, Any], hooks: list[DeclaredHook]) -> Scaffold:
    """Write a case file under `folder/cases/` for each hook of the layout in `folder`,
    whose world document (as written, scripts naming their `contentFile`) is `world`."""
    scaffold = Scaffold()
    documents = {
        collection: {d.get("_id"): d for d in world.get(collection, []) if isinstance(d, dict)}
        for collection in ("flows", "exports", "imports", "apis", "scripts")
    }
    runtime = Runtime(folder / WORLD_FILE)
    taken: set[Path] = set()
    for hook in hooks:
        script = documents["scripts"].get(hook.script_id)
        problem = _missing_part(hook, script)
        if problem is not None:
            scaffold.warnings.append(f"no case for {hook.where}: {problem}")
            continue
        assert script is not None and hook.function is not None
        case_file = _free(folder / CASES_FOLDER / _case_path(hook, documents), taken)
        script_path = folder / script[CONTENT_FILE]
        given = _options(hook)
        try:
            first = _run(runtime, script_path, hook, given)
            again = _run(runtime, script_path, hook, given)
        except JsrtError as error:
            scaffold.warnings.append(f"no case for {hook.where}: {error.message}")
            continue
        expect, note = _expectation(first, again, str(script_path))
        document = {
            "script": _relative(script_path, case_file.parent),
            "function": hook.function,
            "hook": hook.hook,
            "world": _relative(folder / WORLD_FILE, case_file.parent),
            "cases": [sample_case(given, expect)],
        }
        try:
            case_file.parent.mkdir(parents=True, exist_ok=True)
            case_file.write_text(case_file_text(_header(hook, note), document), encoding="utf-8")
        except OSError as exc:
            scaffold.warnings.append(f"no case for {hook.where}: cannot write {case_file}: {exc}")
            continue
        scaffold.files.append(case_file)
    return scaffold


def _missing_part(hook: DeclaredHook, script: Mapping[str, Any] | None) -> str | None:
    """Why a hook cannot be run, or None."""
    if hook.script_id is None:
        return "it names no script (_scriptId)"
    if script is None:
        return f"its script {hook.script_id!r} is not in the download"
    if not isinstance(script.get(CONTENT_FILE), str):
        return f"its script {hook.script_id!r} has no code in the download"
    if hook.function is None:
        return "it names no function"
    return None


def _case_path(hook: DeclaredHook, documents: Mapping[str, Mapping[Any, Any]]) -> Path:
    """`<flow>/<export or import>.<hook>.case.yaml`, `<flow>/router.branching…`,
    `apis/<My API>.handleRequest.case.yaml`."""
    if hook.api_id is not None:
        api = documents["apis"].get(hook.api_id) or {"_id": hook.api_id}
        return Path("apis") / f"{file_stem(api)}.{hook.hook}.case.yaml"
    flow = documents["flows"].get(hook.flow_id) or {"_id": hook.flow_id}
    step = "router"
    for kind, step_id in (("exports", hook.export_id), ("imports", hook.import_id)):
        if step_id is not None:
            step = file_stem(documents[kind].get(step_id) or {"_id": step_id})
    return Path(file_stem(flow)) / f"{step}.{hook.hook}.case.yaml"


def _free(path: Path, taken: set[Path]) -> Path:
    """`path`, or `….2.case.yaml`, … when another hook's case already has it."""
    candidate, number = path, 1
    while candidate in taken:
        number += 1
        candidate = path.with_name(path.name.replace(".case.yaml", f".{number}.case.yaml"))
    taken.add(candidate)
    return candidate


def _options(hook: DeclaredHook) -> dict[str, Any]:
    """The step's ids, then the contract's sample input."""
    ids = {"_flowId": hook.flow_id, "_exportId": hook.export_id, "_importId": hook.import_id}
    given: dict[str, Any] = {key: value for key, value in ids.items() if value is not None}
    given.update(contract_for(hook.hook).sample)
    return given


def _run(runtime: Runtime, script: Path, hook: DeclaredHook, given: dict[str, Any]) -> HookResult:
    """One run on the layout's world as it was written (as each case of `jsrt test`)."""
    runtime.world.reset()
    return runtime.run_hook(script, hook.function, dict(given), hook.hook)


def _expectation(first: HookResult, again: HookResult, script: str) -> tuple[dict[str, Any], str]:
    """What the case expects, and the comment that says why. An error's message is
    expected only where it does not hold the script's path, which the case names
    differently (the JS error's own message, a broken contract's problems)."""
    if first.error is None:
        if first.value == again.value:
            return {"result": first.value}, "`expect` holds what the hook returns for it now."
        return {"ok": True}, (
            "The hook returned something else on a second run (a date or a random value), so\n"
            "# `expect` only checks that it succeeds."
        )
    error = {"type": first.error.get("type")}
    message = first.error.get("js_message", first.error.get("message"))
    if "js_message" in first.error:
        error["name"] = first.error.get("name")
    if isinstance(message, str) and script not in message:
        error["message"] = message
    if again.error is None or again.error.get("message") != first.error.get("message"):
        error = {"type": error["type"]}
    return {"error": error}, (
        "The sample input makes the hook fail, and `expect` holds that error: give a record\n"
        "# of your own and expect what the hook should return for it."
    )


def sample_case(given: dict[str, Any], expect: dict[str, Any]) -> dict[str, Any]:
    """A case running on `given` (the sample input) and expecting `expect`: the options,
    then the `data` or `record`, as a case file writes them."""
    case: dict[str, Any] = {"name": _CASE_NAME}
    options = {key: value for key, value in given.items() if key not in ("data", "record")}
    if options:
        case["options"] = options
    case.update({key: given[key] for key in ("data", "record") if key in given})
    case["expect"] = expect
    return case


def case_file_text(header: str, document: dict[str, Any]) -> str:
    """A case file's text: the comment `header`, then `document` as YAML in the order
    written, nested lists and objects inline where they fit."""
    import yaml

    body = yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return header + body


def _header(hook: DeclaredHook, note: str) -> str:
    return (
        f"# The {hook.hook} hook of {hook.where}: {hook.function}().\n"
        f"# The input is the sample from `jsrt sample {hook.hook}` with the step's ids.\n"
        f"# {note}\n"
        "# Replace the sample with a real record, then say what the hook should do: `result`,\n"
        "# `result_subset` (only the fields you name), `calls`, `logs`, `errors`, `world` or\n"
        "# `error` (see `jsrt test --help`).\n"
    )


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()
