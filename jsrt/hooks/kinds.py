"""The closed sets a contract is described by, as `Literal`s the type checker holds us to.

`SCRIPT_TYPES` lists the integrator.io script types jsrt knows, in the order `jsrt new`
and the docs present them; each has a contract in `jsrt.hooks.CONTRACTS` and a stub in
`jsrt/hooks/stubs/` (a test keeps the three in step).
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

OnThrow = Literal["page", "record", "request", "fatal"]
"""What a throw fails: the page, that record only, the HTTP request, or the whole run."""

ON_THROW: tuple[OnThrow, ...] = get_args(OnThrow)

Resource = Literal["export", "import", "flow"]
"""What a script type hangs on in integrator.io."""

ReceivedResource = Literal["export", "import"]
"""A resource whose id (`_exportId`, `_importId`) a flow hook's options may carry."""
