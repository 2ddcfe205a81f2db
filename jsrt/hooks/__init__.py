"""One contract per integrator.io script type: the `options` it receives, sample options,
how its return is judged, what a throw means, and the stub a new script starts from.

`CONTRACTS` maps each type name to its `Contract`; `contract_for` also accepts the UI's
name `router` for `branching`; `infer_hook` reads the type off a function's name (any name
the UI's stubs have used, `kinds.STUB_FUNCTION_NAMES`), and `untyped_warning` says so when
it cannot.
"""

from __future__ import annotations

import difflib

from jsrt.errors import UsageError
from jsrt.hooks import lifecycle, page, record, request
from jsrt.hooks.base import Contract
from jsrt.hooks.context import WorldLike
from jsrt.hooks.kinds import SCRIPT_TYPES, STUB_FUNCTION_NAMES, ScriptType
from jsrt.hooks.returns import Verdict

CONTRACTS: dict[ScriptType, Contract] = {
    contract.name: contract
    for contract in (*page.CONTRACTS, *record.CONTRACTS, *request.CONTRACTS, *lifecycle.CONTRACTS)
}

ALIASES: dict[str, ScriptType] = {"router": "branching"}
"""Other names integrator.io uses for a type (the UI's stub key for branching is router)."""

_TYPE_BY_NAME: dict[str, ScriptType] = {**{name: name for name in SCRIPT_TYPES}, **ALIASES}


def contract_for(name: str) -> Contract:
    """The contract of a script type, by its name, its alias, or its name in any case."""
    if name in _TYPE_BY_NAME:
        return CONTRACTS[_TYPE_BY_NAME[name]]
    folded = {key.lower(): key for key in (*CONTRACTS, *ALIASES)}
    if name.lower() in folded:
        return contract_for(folded[name.lower()])
    close = difflib.get_close_matches(name, [*CONTRACTS, *ALIASES], n=1)
    raise UsageError(
        f"unknown script type {name!r}; valid types: {', '.join(CONTRACTS)} (router is"
        " another name for branching)",
        hint=f"did you mean {close[0]}?" if close else "use one of the valid types",
        script_type=name,
    )


def infer_hook(function_name: str) -> ScriptType | None:
    """The script type a function's name names (`preMap`, `preMapFunction` → preMap), else
    None: only names integrator.io's stubs have used count, never a guess."""
    return STUB_FUNCTION_NAMES.get(function_name)


_COMMON_WORDS: frozenset[ScriptType] = frozenset({"step", "update"})
"""Type names too common in function names (`updateCustomer`) to suggest a type."""


def untyped_warning(function_name: str) -> str:
    """What a run says when `function_name` names no script type and none was given: it
    runs as a plain function, so nothing completes its options or judges its return.

    The suggested type is one whose name the function's name contains (`preSavePage232`
    → preSavePage), else preSavePage as an example; it is only a suggestion.
    """
    folded = function_name.lower()
    contained = [
        name for name in SCRIPT_TYPES if name.lower() in folded and name not in _COMMON_WORDS
    ]
    suggestion = max(contained, key=len) if contained else "preSavePage"
    how = f"give --hook {suggestion}" + ("" if contained else " (or another type)")
    return (
        f"{function_name}'s script type is not known from its name; it ran as a plain"
        f" function with no contract (options not completed, return not judged); {how} to"
        " judge it as that hook (`hook:` in a case file, hook= in Runtime.run_hook)"
    )


__all__ = [
    "CONTRACTS",
    "Contract",
    "ScriptType",
    "Verdict",
    "WorldLike",
    "contract_for",
    "infer_hook",
    "untyped_warning",
]
