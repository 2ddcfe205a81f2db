"""Routers: which branch each record of a page takes (celigo/ai
skills/building-flows/references/schemas/{router,branch}.yml).

- `routeRecordsTo`: `first_matching_branch` (the default) sends a record to the first
  branch it matches; `all_matching_branches` sends a copy to every branch it matches.
- `routeRecordsUsing`: `input_filters` (the default) matches a record against each
  branch's `inputFilter` (`{version, rules}`; a branch without rules matches every
  record); `script` runs the router's branching script, which returns a branch index or
  an array of them (jsrt.hooks.record, the branching contract).
- A branch runs its page processors in order, then hands what comes out to the next
  router: the branch's `nextRouterId`, else the router's (router.yml writes it on the
  router; flows built by the UI write it on each branch). A branch with neither ends
  there; a record that matches no branch, or reaches a branch with no processors and no
  next router, is discarded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jsrt.errors import InputError
from jsrt.flow.hooks import hook_failure

if TYPE_CHECKING:
    from jsrt.flow.execute import FlowRun, Item
    from jsrt.integration.steps import FlowStep


def route(run: FlowRun, index: int, items: list[Item], page: int, seen: Sequence[int]) -> None:
    """Route a page through `routers[index]`, its branches and the routers after them."""
    if index in seen:
        raise InputError(
            f"flow {run.flow_id}: routers[{index}] comes back to itself through nextRouterId",
            hint="chain routers without a cycle",
            file=run.place.label,
        )
    routers = run.flow["routers"]
    router = routers[index] if isinstance(routers[index], Mapping) else {}
    step = next(s for s in run.steps if s.place == f"routers[{index}]")
    branches = [b if isinstance(b, Mapping) else {} for b in _list(router.get("branches"))]
    result = run.result.steps[step.index]
    if len(result.branches) < len(branches):
        result.branches += [0] * (len(branches) - len(result.branches))
    result.received += len(items)
    run.begin_step()
    chosen = _choose(run, step, router, branches, items, page)
    taken: list[list[Item]] = [[] for _ in branches]
    routed: list[Item] = []
    for item, picks in zip(items, chosen, strict=True):
        if picks is None:
            continue
        if router.get("routeRecordsTo") != "all_matching_branches":
            picks = picks[:1]
        for copy, branch_number in enumerate(picks):
            taken[branch_number].append(item if copy == 0 else run.copy(item, step, page))
        if picks:
            routed.append(item)
        else:
            result.ignored += 1
    result.passed += len(routed)
    run.stage(step, "router", page, [item.record for item in items], routed)
    for number, (branch, branch_items) in enumerate(zip(branches, taken, strict=True)):
        result.branches[number] += len(branch_items)
        if not branch_items:
            continue
        prefix = f"routers[{index}].branches[{number}].pageProcessors"
        out = run.process(run.processors(prefix), branch_items, page)
        following = branch.get("nextRouterId") or router.get("nextRouterId")
        if out and isinstance(following, str) and following:
            route(run, _router_index(run, following), out, page, (*seen, index))


def _choose(
    run: FlowRun,
    step: FlowStep,
    router: Mapping[str, Any],
    branches: list[Mapping[str, Any]],
    items: list[Item],
    page: int,
) -> list[list[int] | None]:
    """The branches each record matches, in order; None for a record the choice failed."""
    if not items:
        return []
    if router.get("routeRecordsUsing") == "script":
        return _by_script(run, step, branches, items, page)
    matches: list[list[int] | None] = [[] for _ in items]
    for number, branch in enumerate(branches):
        rules = branch.get("inputFilter")
        if not isinstance(rules, Mapping) or not rules.get("rules"):
            for picks in matches:
                if picks is not None:
                    picks.append(number)
            continue
        definition = {"type": "expression", "expression": dict(rules)}
        kept, _dropped = run.filter_items(
            step, "inputFilter", "inputFilter", items, page, definition, counted=False
        )
        keep = set(kept)
        for position, item in enumerate(items):
            picks = matches[position]
            if picks is not None and item in keep:
                picks.append(number)
            if item in run.failed:
                matches[position] = None
    return matches


def _by_script(
    run: FlowRun,
    step: FlowStep,
    branches: list[Mapping[str, Any]],
    items: list[Item],
    page: int,
) -> list[list[int] | None]:
    """The branching script, once per page (its function called per record)."""
    site = run.sites.get(step.index, {}).get("script")
    if site is None:
        raise InputError(
            f"flow {run.flow_id}: {step.place} routes records using a script but names none",
            hint="give the router script: {_scriptId, function}",
            file=run.place.label,
        )
    records = [item.record for item in items]
    hook_run = run.run_site(step, site, {"records": records})
    outcomes = hook_run.records if hook_run.records is not None else []
    out: list[list[int] | None] = []
    for position, item in enumerate(items):
        outcome = outcomes[position] if position < len(outcomes) else None
        value = outcome.get("value") if outcome and outcome.get("ok") else None
        picks = [value] if isinstance(value, int) and not isinstance(value, bool) else value
        valid = isinstance(picks, list) and all(
            isinstance(p, int) and not isinstance(p, bool) and 0 <= p < len(branches) for p in picks
        )
        if outcome is None or not outcome.get("ok") or not valid:
            failure = (
                hook_failure(hook_run)
                if outcome is None
                else {
                    "code": "invalid_branch",
                    "message": f"the branching script returned {value!r}; the router has "
                    f"{len(branches)} branches (indexes 0 to {len(branches) - 1})",
                    "source": "script",
                }
            )
            if outcome is not None and outcome.get("error"):
                failure = {
                    "code": str(outcome["error"].get("name") or "Error"),
                    "message": str(outcome["error"].get("message", "")),
                    "source": "script",
                }
            run.fail_record(step, "router", page, position, item, [failure])
            out.append(None)
            continue
        assert isinstance(picks, list)
        out.append(list(dict.fromkeys(picks)))
    return out


def _router_index(run: FlowRun, router_id: str) -> int:
    for number, router in enumerate(_list(run.flow.get("routers"))):
        if isinstance(router, Mapping) and router_id in (router.get("id"), router.get("_id")):
            return number
    raise InputError(
        f"flow {run.flow_id}: nextRouterId {router_id!r} names no router of the flow",
        hint="give the id of one of the flow's routers",
        file=run.place.label,
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
