"""Record hooks: called once per record (filter, transform, branching).

Their options carry one `record`; a user may give several (`records` or `data`) and the
runtime calls the function once for each via `Contract.split_records`. A throw fails that
record only (celigo-reference §2.3).
"""

from __future__ import annotations

from typing import Any

from jsrt.describe import describe
from jsrt.errors import InputError
from jsrt.hooks.base import RECORD_LIST_KEYS, Contract
from jsrt.hooks.context import LAST_RUN_AT, RUN_STARTED_AT
from jsrt.hooks.inputs import Inputs
from jsrt.hooks.jsvalue import is_index, is_record, truthy
from jsrt.hooks.kinds import ReceivedResource, Resource, ScriptType
from jsrt.hooks.returns import Findings

BRANCH_FORMS = (
    "a branch index (an integer, 0 for the first branch) or an array of branch indexes"
    " such as [0, 2]"
)


def _record_or_records(read: Inputs) -> None:
    """`record` (one), or `records`/`data` (several, one call each): exactly one of them."""
    given = [key for key in ("record", *RECORD_LIST_KEYS) if read.has(key)]
    if len(given) > 1:
        raise InputError(
            f"{read.script} options: give one of {', '.join(f'`{k}`' for k in given)}, not several",
            hint='one record as "record": {...}, or several (one call each) as "records": [...]',
            script_type=read.script,
            path=given[1],
        )
    if given and given[0] in RECORD_LIST_KEYS:
        read.records(given[0])
    else:
        read.record(
            "record",
            hint='give the record as "record": {...}, or several (one call each) as'
            ' "records": [...]',
        )


def _filter_inputs(read: Inputs) -> None:
    _record_or_records(read)
    read.index("pageIndex", 0)
    read.string("lastExportDateTime", LAST_RUN_AT)
    read.string("currentExportDateTime", RUN_STARTED_AT)


def _check_filter(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
    if isinstance(returned, bool):
        return returned
    kept = truthy(returned)
    findings.problem(
        f"filter must return true or false; it returned {describe(returned)}. integrator.io"
        f" goes by truthiness and would {'keep' if kept else 'drop'} this record, but return"
        " a strict boolean (e.g. return Boolean(value))"
    )
    return kept


def _check_transform(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
    if not is_record(returned):
        forgot = " (did the function forget to return options.record?)" if returned is None else ""
        findings.problem(
            "transform must return the transformed record, an object (or an array for"
            f" grouped records); it returned {describe(returned)}{forgot}"
        )
    return returned


def _check_branching(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
    if is_index(returned):
        return returned
    if isinstance(returned, list) and all(is_index(branch) for branch in returned):
        if not returned:
            findings.note("branching returned []: the record takes no branch")
        return returned
    names = isinstance(returned, str) or (
        isinstance(returned, list) and any(isinstance(branch, str) for branch in returned)
    )
    if names:
        findings.problem(
            f"branching returned {describe(returned)}, a branch name: integrator.io documents"
            f" {BRANCH_FORMS}; only the router schema text mentions names, and that is"
            " unverified, so return the branch's index"
        )
    else:
        findings.problem(f"branching must return {BRANCH_FORMS}; it returned {describe(returned)}")
    return returned


_ORDER = {
    "id": "SO-1001",
    "customer": {"name": "Acme Corp", "email": "ap@acme.example", "country": "DE"},
    "createdAt": "2025-01-15T09:12:00Z",
    "lines": [{"sku": "A-100", "qty": 2, "price": 9.5}],
    "status": "open",
}


def _record_hook(
    name: ScriptType,
    resource: Resource,
    receives: tuple[ReceivedResource, ...],
    **parts: Any,
) -> Contract:
    """A flow hook called once per record; a throw fails that record only."""
    return Contract(
        name=name,
        script_kind="hook",
        per_record=True,
        resource=resource,
        receives=receives,
        on_throw="record",
        sample={"record": _ORDER},
        **parts,
    )


FILTER = _record_hook(
    "filter",
    "export",
    ("export", "import"),
    read_inputs=_filter_inputs,
    check_return=_check_filter,
)
TRANSFORM = _record_hook(
    "transform",
    "export",
    ("export", "import"),
    read_inputs=_record_or_records,
    check_return=_check_transform,
)
BRANCHING = _record_hook(
    "branching", "flow", (), read_inputs=_record_or_records, check_return=_check_branching
)

CONTRACTS = (FILTER, TRANSFORM, BRANCHING)
