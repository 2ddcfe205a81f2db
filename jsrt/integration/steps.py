"""The hooks of every flow step of a world: listed, checked and found by flow, step and type.

Where integrator.io writes a hook reference `{_scriptId, function}` (celigo-reference §1.1,
"Where each type is wired"; flows-and-mappings.md "How a flow runs a page"):

- an export or import: `hooks.<type>` (preSavePage; preMap, postMap, postSubmit,
  postAggregate); a script filter `filter: {type: "script", script: {...}}` (an export's
  output filter, an import's input filter) and a lookup's `inputFilter`; a script
  transform `transform` (exports) or `responseTransform` (imports);
- a flow step, `pageGenerators[i]` or `pageProcessors[i]` (also inside
  `routers[r].branches[b].pageProcessors`): its own `hooks.postResponseMap`;
- a router with `routeRecordsUsing: "script"`: `script` (a branching script);
- a My API (`apis`): `script: {_scriptId, function}`, or the legacy top-level
  `_scriptId`/`function`.

A reference with a `_stackId` runs on a stack (a server of the user's), not in the
JavaScript runtime. A blank function runs the script's only function (celigo-reference
§1.1, [C S15]). Each hook found is a `HookSite`; what keeps it from running (a script
the world lacks, a function the code does not define) is in its `problems`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jsrt.api.world import flow_step_entries
from jsrt.closest import most_alike
from jsrt.errors import InputError, JsrtError, UsageError
from jsrt.hooks import WorldLike, contract_for
from jsrt.hooks.kinds import SCRIPT_TYPES, ScriptType
from jsrt.integration.scripts import WorldPlace, document_label, script_code

StepKind = Literal["export", "import", "router", "api"]
"""What a hook hangs on: a step's export or import, a router, or a My API."""

_RESOURCE_SLOTS: dict[str, tuple[tuple[str, ScriptType], ...]] = {
    # (key holding `{type: "script", script: {...}}`, the script type it runs)
    "export": (("filter", "filter"), ("inputFilter", "filter"), ("transform", "transform")),
    "import": (("filter", "filter"), ("responseTransform", "transform")),
}


@dataclass(frozen=True)
class FlowStep:
    """One step of a flow, in the flow's order: its page generators, its page
    processors, then each router and the page processors of its branches.

    `place` is where the step is written in the flow (`routers[0].branches[1]
    .pageProcessors[0]`); `step_id` is the step's own `_id` or `id` when it has one (a
    router's `id`), else its resource's `_id`; `name` is its resource's name (a router's
    own name); `resource` is None when the world lacks the export or import."""

    flow_id: str
    flow_name: str | None
    index: int
    place: str
    kind: StepKind
    resource_id: str | None
    step_id: str | None
    name: str | None
    entry: Mapping[str, Any]
    resource: Mapping[str, Any] | None

    @property
    def label(self) -> str:
        """How messages name the step: `step 1 (import 'Save orders')`."""
        named = f" {self.name!r}" if self.name else (f" {self.step_id}" if self.step_id else "")
        return f"step {self.index} ({self.kind}{named})"


@dataclass(frozen=True)
class HookSite:
    """One hook reference: where it is written, which script type it runs, which script
    and function, and what keeps it from running (`problems`, empty when it can run).

    `hook` is the script type (a name integrator.io does not run, as written, for a
    listing to show); `slot` is the key that holds the reference (`hooks.preMap`, `inputFilter`,
    `hooks.postResponseMap` on the step itself, `script`); `function` is the function
    that runs: the one written, or a blank one resolved to the script's only function."""

    hook: str
    slot: str
    script_id: str | None
    function: str | None
    step: FlowStep | None = None
    api: Mapping[str, Any] | None = None
    problems: tuple[str, ...] = ()
    script: Mapping[str, Any] | None = field(default=None, repr=False)

    @property
    def runs(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """The `jsrt hooks --json` entry."""
        step = self.step
        out: dict[str, Any] = {
            "flow": {"_id": step.flow_id, "name": step.flow_name} if step else None,
            "step": {
                "index": step.index,
                "place": step.place,
                "_id": step.step_id,
                "name": step.name,
                "type": step.kind,
                "resourceId": step.resource_id,
            }
            if step
            else None,
            "api": {"_id": self.api.get("_id"), "name": self.api.get("name")} if self.api else None,
            "hook": self.hook,
            "slot": self.slot,
            "script": {
                "_id": self.script_id,
                "name": self.script.get("name") if self.script else None,
            },
            "function": self.function,
            "ok": self.runs,
            "problems": list(self.problems),
        }
        return out


# --- the steps of a flow ------------------------------------------------------------------


def flow_steps(flow: Mapping[str, Any], world: WorldLike) -> list[FlowStep]:
    """Every step of `flow`, in its order (see `FlowStep`)."""
    flow_id = str(flow.get("_id"))
    flow_name = flow.get("name") if isinstance(flow.get("name"), str) else None
    found: list[FlowStep] = []

    for place, kind, entry in flow_step_entries(flow):
        resource_id, resource = None, None
        if kind != "router":
            resource_id = entry.get(f"_{kind}Id")
            resource_id = resource_id if isinstance(resource_id, str) else None
            resource = world.get(f"{kind}s", resource_id) if resource_id else None
        own_id = entry.get("_id") or entry.get("id")
        name = (resource or {}).get("name") or entry.get("name")
        found.append(
            FlowStep(
                flow_id=flow_id,
                flow_name=flow_name,
                index=len(found),
                place=place,
                kind=kind,
                resource_id=resource_id,
                step_id=own_id if isinstance(own_id, str) else resource_id,
                name=name if isinstance(name, str) else None,
                entry=entry,
                resource=resource,
            )
        )
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --- the hooks ----------------------------------------------------------------------------


def hook_sites(
    world: WorldLike, place: WorldPlace, apis: Sequence[Mapping[str, Any]] = ()
) -> list[HookSite]:
    """Every hook of every flow of `world`, in flow and step order, then the My APIs'."""
    checker = _Checker(world, place)
    sites: list[HookSite] = []
    for flow in world.docs("flows"):
        for step in flow_steps(flow, world):
            for hook, slot, reference in _references(step):
                sites.append(checker.site(hook, slot, reference, step=step))
    for api in apis:
        # An API document's `script: {_scriptId, function}`, or the legacy top-level form
        # (celigo-reference §1.1); jsrt's short form (`script: FILE`) names no document.
        script = api.get("script")
        if isinstance(script, Mapping):
            sites.append(checker.site("handleRequest", "script", script, api=api))
        elif "_scriptId" in api:
            sites.append(checker.site("handleRequest", "_scriptId", api, api=api))
    return sites


def _references(step: FlowStep) -> Iterator[tuple[ScriptType | str, str, Mapping[str, Any]]]:
    """(type, slot, reference) of each hook written on the step or its resource."""
    if step.kind == "router":
        script = step.entry.get("script")
        if isinstance(script, Mapping) and step.entry.get("routeRecordsUsing") == "script":
            yield "branching", "script", script
        return
    for document in (step.resource or {}, step.entry):
        hooks = document.get("hooks")
        for name, reference in hooks.items() if isinstance(hooks, Mapping) else ():
            if isinstance(reference, Mapping) and _written(reference):
                yield name, f"hooks.{name}", reference
    for key, hook in _RESOURCE_SLOTS.get(step.kind, ()):
        form = (step.resource or {}).get(key)
        if isinstance(form, Mapping) and form.get("type") == "script":
            script = form.get("script")
            if isinstance(script, Mapping) and _written(script):
                yield hook, key, script


def _written(reference: Mapping[str, Any]) -> bool:
    """Whether a reference names anything (the UI leaves `{}` or blanks behind)."""
    return any(reference.get(key) for key in ("_scriptId", "_stackId", "function"))


class _Checker:
    """Checks references against the world's scripts, each script's code parsed once."""

    def __init__(self, world: WorldLike, place: WorldPlace) -> None:
        self.world = world
        self.place = place
        self._functions: dict[str, tuple[str, ...] | str] = {}

    def site(
        self,
        hook: str,
        slot: str,
        reference: Mapping[str, Any],
        *,
        step: FlowStep | None = None,
        api: Mapping[str, Any] | None = None,
    ) -> HookSite:
        script_id = reference.get("_scriptId")
        script_id = script_id if isinstance(script_id, str) and script_id else None
        written = reference.get("function")
        function = written if isinstance(written, str) and written else None
        problems: list[str] = []
        if hook not in SCRIPT_TYPES:
            problems.append(f"{hook!r} is not a script type integrator.io runs")
        document = self.world.get("scripts", script_id) if script_id else None
        if reference.get("_stackId") and not script_id:
            problems.append(
                f"runs on stack {reference['_stackId']}, a server of the account's, not in "
                "integrator.io's JavaScript runtime"
            )
        elif script_id is None:
            problems.append("names no script (_scriptId)")
        elif document is None:
            problems.append(f"script {script_id} not in {self.place.label}")
        else:
            function = self._function(document, function, problems)
        return HookSite(
            hook=hook,
            slot=slot,
            script_id=script_id,
            function=function,
            step=step,
            api=api,
            problems=tuple(problems),
            script=document,
        )

    def _function(
        self, document: Mapping[str, Any], function: str | None, problems: list[str]
    ) -> str | None:
        functions = self._defined(dict(document))
        label = document_label(document)
        if isinstance(functions, str):
            problems.append(functions)
            return function
        if function is None:
            if len(functions) == 1:
                return functions[0]  # a blank function runs the only one ([C S15])
            problems.append(
                f"names no function, and script {label} defines {', '.join(functions) or 'none'}"
            )
            return None
        if function not in functions:
            near = difflib.get_close_matches(function, functions, n=1)
            problems.append(
                f"function {function!r} not in script {label} (it defines "
                f"{', '.join(functions) or 'no function'}"
                + (f"; did you mean {near[0]!r}?)" if near else ")")
            )
        return function

    def _defined(self, document: dict[str, Any]) -> tuple[str, ...] | str:
        """The script's top-level functions, or why its code cannot be read."""
        script_id = str(document.get("_id"))
        if script_id not in self._functions:
            from jsrt.loader import prepare

            try:
                code = script_code(document, self.place)
                self._functions[script_id] = prepare(code.code, code.filename).functions
            except JsrtError as error:
                self._functions[script_id] = error.message
        return self._functions[script_id]


# --- finding one hook -----------------------------------------------------------------------


def find_flow(world: WorldLike, flow: str) -> Mapping[str, Any]:
    """The flow whose `_id`, else whose name, is `flow` (`find_document`)."""
    return find_document(
        world,
        "flows",
        flow,
        argument="flow",
        none_hint="the world holds no flows: give the world file that holds the flow (--world)",
    )


def find_document(
    world: WorldLike,
    collection: str,
    wanted: str,
    *,
    argument: str | None = None,
    none_hint: str | None = None,
) -> Mapping[str, Any]:
    """The document of `collection` whose `_id`, else whose name, is `wanted`; a
    `UsageError` with the closest candidates when there is none (or several of that
    name). `argument` names what the user gave it as; `none_hint` is the hint when the
    collection is empty."""
    documents = world.docs(collection)
    noun = collection.removesuffix("s")
    for document in documents:
        if document.get("_id") == wanted:
            return document
    named = [document for document in documents if document.get("name") == wanted]
    if len(named) == 1:
        return named[0]
    labels = [_candidate_label(document) for document in documents]
    facts = {"argument": argument} if argument else {}
    if named:
        raise UsageError(
            f"{len(named)} {collection} are named {wanted!r}",
            hint=f"give the {noun}'s _id: {', '.join(_candidate_label(d) for d in named)}",
            **facts,
        )
    raise UsageError(
        f"no {noun} {wanted!r} in the world",
        hint=f"the closest {collection}: {', '.join(most_alike(wanted, labels))}"
        if labels
        else none_hint or f"the world holds no {collection}: give the world that holds it",
        candidates=labels,
        **facts,
    )


def _candidate_label(document: Mapping[str, Any]) -> str:
    """A document as a candidate in "the closest …" hints: `_id (name)`."""
    name = document.get("name")
    return f"{document.get('_id')} ({name})" if isinstance(name, str) else str(document.get("_id"))


def find_step(steps: Sequence[FlowStep], step: str | int, flow_label: str) -> FlowStep:
    """The step whose `_id` (its own or its resource's), 0-based index or name is `step`,
    tried in that order (an `_id` is never mistaken for an index)."""
    text = str(step)
    for candidate in steps:
        if text in (candidate.step_id, candidate.resource_id):
            return candidate
    if text.isdigit() and int(text) < len(steps):
        return steps[int(text)]
    named = [candidate for candidate in steps if candidate.name == text]
    if len(named) == 1:
        return named[0]
    if named:
        raise UsageError(
            f"{len(named)} steps of flow {flow_label} are named {text!r}",
            hint="give the step's index or _id: "
            + ", ".join(f"{s.index} ({s.step_id})" for s in named),
            argument="step",
        )
    labels = [f"{s.index}: {s.name or s.step_id} ({s.kind})" for s in steps]
    near = labels[:5] if text.isdigit() else most_alike(text, labels)
    raise UsageError(
        f"no step {step!r} in flow {flow_label} ({len(steps)} steps, indexes from 0)",
        hint=f"the closest steps: {'; '.join(near)}" if steps else "the flow has no steps",
        argument="step",
        candidates=labels,
    )


def find_hook(
    world: WorldLike, place: WorldPlace, flow: str, step: str | int, hook: str | None
) -> HookSite:
    """The hook of type (or slot) `hook` on `step` of `flow`, ready to run; with `hook`
    None, the step's only hook.

    Unknown flows, steps and hooks are a `UsageError` naming the closest candidates; a
    hook that cannot run (its script or function missing) is an `InputError` saying why.
    """
    flow_document = find_flow(world, flow)
    flow_label = _candidate_label(flow_document)
    found = find_step(flow_steps(flow_document, world), step, flow_label)
    checker = _Checker(world, place)
    sites = [checker.site(h, slot, ref, step=found) for h, slot, ref in _references(found)]
    where = f"{found.label} of flow {flow_label}"
    held = ", ".join(f"{s.hook} ({s.slot})" for s in sites) or "no hooks"
    if hook is None:
        if len(sites) != 1:
            raise UsageError(
                f"{where} has {held}: say which to run",
                hint="give the hook's type (--hook preMap)",
                argument="hook",
                candidates=[s.hook for s in sites],
            )
        hook = sites[0].hook
    wanted = _wanted_type(hook)
    matching = [
        site for site in sites if site.hook == wanted or site.slot in (hook, f"hooks.{hook}")
    ]
    if not matching:
        raise UsageError(
            f"{where} has no {hook} hook; it has {held}",
            hint="give --hook one of the types it has (`jsrt hooks` lists every hook)",
            argument="hook",
            candidates=[s.hook for s in sites],
        )
    if len(matching) > 1:
        raise UsageError(
            f"{where} has {len(matching)} {hook} hooks: "
            + ", ".join(site.slot for site in matching),
            hint="give --hook the key that holds the one to run, e.g. --hook "
            + matching[-1].slot.removeprefix("hooks."),
            argument="hook",
        )
    site = matching[0]
    if site.problems:
        raise InputError(
            f"the {site.hook} hook of {where} cannot run: {'; '.join(site.problems)}",
            hint="fix the reference or the script in the world (scripts: [{_id, name, "
            "content}]); `jsrt hooks` lists every hook and what it lacks",
            file=place.label,
        )
    return site


def _wanted_type(hook: str) -> str:
    """`hook` as a script type name when it is one (`router` is branching), else as given."""
    try:
        return contract_for(hook).name
    except JsrtError:
        return hook


# --- a world from a path ----------------------------------------------------------------------


@dataclass(frozen=True)
class WorldHooks:
    """Every hook of a world read from a path (`jsrt hooks`), and how many flows and My
    APIs it holds."""

    place: WorldPlace
    sites: list[HookSite]
    flows: int
    apis: int


def hooks_of_path(path: Path) -> WorldHooks:
    """The hooks of the world at `path`: a world file (JSON or YAML; its `apis` are the My
    APIs), a folder holding one (`jsrt import`'s layout), an integration download (a
    `.zip` or its folder) or a state dir (`jsrt run --state-dir`, its saved world)."""
    from jsrt.backends.local import StateDir, load_world
    from jsrt.inputs import load_data_file
    from jsrt.integration.download import download_at
    from jsrt.integration.layout import world_file_in

    apis: list[Mapping[str, Any]] = []
    path = world_file_in(path)
    download = download_at(path)
    if download is not None:
        world, place = download.to_world(), WorldPlace(path.parent, str(path))
        apis = [api for api in download.world.get("apis", []) if isinstance(api, Mapping)]
    elif path.is_dir():
        store = StateDir(path)
        saved = store.load()
        if saved is None:
            raise UsageError(
                f"{path} is a folder without a saved world ({store.database_path.name})",
                hint="give a world file, or a state dir a run with --state-dir has written",
                argument="world",
            )
        world, place = saved, WorldPlace(path, str(store.database_path))
    else:
        world, place = load_world(path), WorldPlace.of_file(path)
        document = load_data_file(path, what="world file")
        declared = document.get("apis") if isinstance(document, Mapping) else None
        apis = [api for api in _list(declared) if isinstance(api, Mapping)]
    sites = hook_sites(world, place, apis)
    return WorldHooks(place, sites, len(world.docs("flows")), len(apis))
