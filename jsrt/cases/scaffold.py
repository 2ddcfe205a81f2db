"""Case files for the hooks of an imported integration: one per hook, green from the start.

`jsrt import` writes the layout (`jsrt.integration.layout`), then a case file per hook
of its world (`jsrt.integration.steps.hook_sites`, as `jsrt hooks` lists them) under
`cases/`: `cases/<flow>/<export or import>.<hook>.case.yaml` for a flow step's hook,
`cases/<flow>/router-<id>.branching.case.yaml` for a router's script and
`cases/apis/<My API>.handleRequest.case.yaml` for a My API.

A case names the script file, the function and the hook type directly (`script:`,
`function:`, `hook:`), the layout's world file (`world:`), and the options the step
gives its hook (`jsrt.integration.options.step_options`: `_flowId`, `_exportId` or
`_importId`, `_connectionId`, …), so the world fills in the settings and the rest as for
any run. The input is the contract's sample (what `jsrt sample TYPE` prints). Its
expectation is what the hook does with that input now, so `jsrt test cases` passes on
an unchanged integration and fails when the hook's behaviour changes: the result it
returns, or, when the sample makes it throw, the error's name and message. A hook whose
result differs from one run to the next (a date, a random id) is only expected to
succeed. The user then replaces the sample with a record of their own and says what the
hook should do with it. A hook that cannot run (its script or function missing, its
code not parsing) gets no case, and a warning that says why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsrt.errors import JsrtError
from jsrt.integration.layout import WORLD_FILE, file_stem
from jsrt.integration.options import step_options
from jsrt.integration.scripts import CONTENT_FILE
from jsrt.integration.steps import HookSite, hooks_of_path
from jsrt.runner import HookResult, Runtime

CASES_FOLDER = "cases"

_CASE_NAME = "runs on the sample input"


@dataclass
class Scaffold:
    """The case files written, and a warning for each hook that got none."""

    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def scaffold_cases(folder: Path) -> Scaffold:
    """Write a case file under `folder/cases/` for each hook of the layout in `folder`."""
    scaffold = Scaffold()
    world_file = folder / WORLD_FILE
    runtime = Runtime(world_file)
    taken: set[Path] = set()
    for site in hooks_of_path(world_file).sites:
        where = _where(site)
        if site.problems or site.script is None or site.function is None:
            scaffold.warnings.append(f"no case for {where}: {'; '.join(site.problems)}")
            continue
        case_file = _free(folder / CASES_FOLDER / _case_path(site), taken)
        script_path = folder / site.script[CONTENT_FILE]
        try:
            given = step_options(site)
            first = _run(runtime, script_path, site, given)
            again = _run(runtime, script_path, site, given)
        except JsrtError as error:
            scaffold.warnings.append(f"no case for {where}: {error.message}")
            continue
        expect, note = _expectation(first, again, str(script_path))
        document = {
            "script": _relative(script_path, case_file.parent),
            "function": site.function,
            "hook": site.hook,
            "world": _relative(world_file, case_file.parent),
            "cases": [sample_case(given, expect)],
        }
        try:
            case_file.parent.mkdir(parents=True, exist_ok=True)
            text = case_file_text(_header(site, where, note), document)
            case_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            scaffold.warnings.append(f"no case for {where}: cannot write {case_file}: {exc}")
            continue
        scaffold.files.append(case_file)
    return scaffold


def _where(site: HookSite) -> str:
    """`flow 'Orders' step 2 (import 'Save orders') hooks.preMap`, `My API 'Orders' script`."""
    if site.step is not None:
        flow = site.step.flow_name or site.step.flow_id
        return f"flow {flow!r} {site.step.label} {site.slot}"
    api = site.api or {}
    return f"My API {api.get('name') or api.get('_id')!r} {site.slot}"


def _case_path(site: HookSite) -> Path:
    """`<flow>/<export or import>.<hook>.case.yaml`, `<flow>/router-<id>.branching…`,
    `apis/<My API>.handleRequest.case.yaml`."""
    step = site.step
    if step is None:
        return Path("apis") / f"{file_stem(site.api or {})}.{site.hook}.case.yaml"
    flow = file_stem({"name": step.flow_name, "_id": step.flow_id})
    if step.kind == "router":
        name = file_stem({"name": "router", "_id": step.step_id})
    else:
        name = file_stem(step.resource or {"_id": step.resource_id})
    return Path(flow) / f"{name}.{site.hook}.case.yaml"


def _free(path: Path, taken: set[Path]) -> Path:
    """`path`, or `….2.case.yaml`, … when another hook's case already has it."""
    candidate, number = path, 1
    while candidate in taken:
        number += 1
        candidate = path.with_name(path.name.replace(".case.yaml", f".{number}.case.yaml"))
    taken.add(candidate)
    return candidate


def _run(runtime: Runtime, script: Path, site: HookSite, given: dict[str, Any]) -> HookResult:
    """One run on the layout's world as it was written (as each case of `jsrt test`)."""
    runtime.world.reset()
    return runtime.run_hook(script, site.function, dict(given), site.hook)


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


def _header(site: HookSite, where: str, note: str) -> str:
    return (
        f"# The {site.hook} hook of {where}: {site.function}().\n"
        f"# The input is the sample from `jsrt sample {site.hook}` with the step's ids.\n"
        f"# {note}\n"
        "# Replace the sample with a real record, then say what the hook should do: `result`,\n"
        "# `result_subset` (only the fields you name), `calls`, `logs`, `errors`, `world` or\n"
        "# `error` (see `jsrt test --help`).\n"
    )


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()
