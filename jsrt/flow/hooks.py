"""The hooks of a flow run, and the narrow way the flow package runs them.

The flow package sits below `jsrt.runner`: it is handed a `HookRunner`, a callable that
runs one hook site with the data part of its options (the runner's `run_flow` builds it
on `Runtime.run_hook`: the script document's code and function, the options completed
with the step's ids by `jsrt.integration.options.step_options`, as `run_step` does). What
comes back is read through `HookRun`, the fields of `jsrt.runner.HookResult` the flow
needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from jsrt.errors import InputError
from jsrt.hooks import WorldLike
from jsrt.integration.scripts import WorldPlace
from jsrt.integration.steps import HookSite, hook_sites


class HookRun(Protocol):
    """What one hook run reports (the fields of `jsrt.runner.HookResult` read here)."""

    ok: bool
    value: Any
    errors: list[dict[str, Any]]
    error: dict[str, Any] | None
    records: list[dict[str, Any]] | None
    duration_ms: float


HookRunner = Callable[[HookSite, dict[str, Any]], HookRun]
"""Runs a hook site with the data part of its options (records, responses). With pages
in flight (`jsrt.flow.pipeline`) it is called from several threads at once."""


def flow_hook_sites(
    world: WorldLike, place: WorldPlace, flow_id: str
) -> dict[int, dict[str, HookSite]]:
    """The hooks of one flow, by step index then by slot (`hooks.preMap`, `filter`,
    `inputFilter`, `transform`, `script`), every one able to run: a hook that cannot
    (its script or function missing, or run on a stack) is an `InputError` naming them
    all, since a run that skipped it would show data the real flow never makes."""
    by_step: dict[int, dict[str, HookSite]] = {}
    broken: list[str] = []
    for site in hook_sites(world, place):
        step = site.step
        if step is None or step.flow_id != flow_id:
            continue
        if site.problems:
            broken.append(f"{step.label} {site.slot}: {'; '.join(site.problems)}")
            continue
        by_step.setdefault(step.index, {})[site.slot] = site
    if broken:
        raise InputError(
            f"the flow cannot run: {len(broken)} hook(s) cannot run: " + "; ".join(broken),
            hint="fix the references or the scripts in the world (`jsrt hooks` lists every "
            "hook and what it lacks)",
            file=place.label,
        )
    return by_step


def hook_failure(run: HookRun) -> dict[str, Any]:
    """A run's failure (a throw, a broken contract, a crash) as an integrator.io error:
    `{code, message, source}`."""
    error = run.error or {}
    code = error.get("name") or error.get("type") or "hook_error"
    return {"code": str(code), "message": str(error.get("message", "")), "source": "script"}


def record_failure(outcome: Mapping[str, Any]) -> dict[str, Any] | None:
    """A per-record run's failure of one record (a throw, or a return that broke the
    contract), or None when the record went through."""
    if outcome.get("error"):
        error = outcome["error"]
        code = error.get("name") or error.get("type") or "hook_error"
        return {"code": str(code), "message": str(error.get("message", "")), "source": "script"}
    if outcome.get("problems"):
        message = "; ".join(outcome["problems"])
        return {"code": "invalid_return", "message": message, "source": "script"}
    return None
