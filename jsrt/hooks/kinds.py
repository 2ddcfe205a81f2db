"""The closed sets a contract is described by, as `Literal`s the type checker holds us to.

`SCRIPT_TYPES` lists the integrator.io script types jsrt knows, in the order `jsrt new`
and the docs present them; each has a contract in `jsrt.hooks.CONTRACTS` and a stub in
`jsrt/hooks/stubs/` (a test keeps the three in step). `STUB_FUNCTION_NAMES` maps every
function name the integrator.io UI's stubs have used to the type it names.
"""

from __future__ import annotations

from typing import Literal, get_args

ScriptType = Literal[
    "preSavePage",
    "preMap",
    "postMap",
    "postSubmit",
    "postAggregate",
    "postResponseMap",
    "filter",
    "transform",
    "branching",
    "handleRequest",
    "contentBasedFlowRouter",
    "formInit",
    "preSave",
    "step",
    "update",
]
"""An integrator.io script type: the name of its entry function in integrator.io's stubs."""

SCRIPT_TYPES: tuple[ScriptType, ...] = get_args(ScriptType)

STUB_FUNCTION_NAMES: dict[str, ScriptType] = {
    # Sources: the integrator.io UI's source as published in singh-gurkawalbir/demo:
    # src/utils/scriptHookStubs.js (the stubs the script editor inserts, in its versions)
    # and src/utils/hooks.js (`hooksToFunctionNamesMap`, the function name a new hook
    # gets). The first stubs named the function `<type>Function` (the Stack README of
    # celigo/integrator-extension uses the same names), and real scripts kept them.
    "preSavePageFunction": "preSavePage",
    "preMapFunction": "preMap",
    "postMapFunction": "postMap",
    "postSubmitFunction": "postSubmit",
    "postAggregateFunction": "postAggregate",
    # The function name the UI filled in for a new preMap hook, misspelt as it shipped
    # (the first `hooksToFunctionNamesMap`).
    "preMapFuncton": "preMap",
    # Later stubs name the function after the type but keep the old title in their
    # header comment ("postResponseMapFunction stub:", "transformFunction stub:",
    # "filterFunction stub:", "branchingFunction stub:").
    "postResponseMapFunction": "postResponseMap",
    "transformFunction": "transform",
    "filterFunction": "filter",
    "branchingFunction": "branching",
    # The current stubs: each function is named as its type (contentBasedFlowRouter's
    # always was); the router's stub is keyed `router` (the later hooksToFunctionNamesMap).
    **{name: name for name in SCRIPT_TYPES},
    "router": "branching",
}
"""Every entry-function name the integrator.io UI's script stubs have used (and each type's
own name), with the type it names: what jsrt infers a script's type from when no `--hook`
is given. A name that is
not here (`convertObjToArray`, `preSavePage232`) names no type: the function runs as a
plain function, and the run says so."""

OnThrow = Literal["page", "record", "request", "fatal"]
"""What a throw fails: the page, that record only, the HTTP request, or the whole run."""

ON_THROW: tuple[OnThrow, ...] = get_args(OnThrow)

Resource = Literal["export", "import", "flow"]
"""What a script type hangs on in integrator.io."""

ReceivedResource = Literal["export", "import"]
"""A resource whose id (`_exportId`, `_importId`) a flow hook's options may carry."""
