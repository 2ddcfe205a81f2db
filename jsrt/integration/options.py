"""The options a hook receives at its flow step, built from the world's documents.

The data part (records, responses) is the user's, or the hook contract's sample; this
module adds what the step says: the step's `_exportId` or `_importId`, the resource's
`_connectionId`, the flow's `_flowId` and `_integrationId`, and, for postResponseMap,
`oneToMany` and `pathToMany` "as configured on your export/import resource" (the UI's
postResponseMap stub, celigo-reference S3). The contract then completes them from the
world as for any run (`jsrt.hooks.context`): `settings` with `integration`,
`flowGrouping`, `flow`, `export`/`import` and `connection`, the shape integrator.io's UI
wraps a hook's sample data in (singh-gurkawalbir/demo `src/utils/flowData/index.js`,
`wrapSampleDataWithContext`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsrt.errors import UsageError
from jsrt.hooks import contract_for
from jsrt.integration.steps import HookSite


def step_ids(site: HookSite) -> dict[str, Any]:
    """The ids and step fields the site's documents give its hook."""
    step = site.step
    fields: dict[str, Any] = {}
    if step is None:
        if site.api is not None and isinstance(site.api.get("_id"), str):
            fields["_apiId"] = site.api["_id"]
        return fields
    contract = contract_for(site.hook)
    kind = step.kind
    if kind in ("export", "import") and kind in contract.receives and step.resource_id:
        fields[f"_{kind}Id"] = step.resource_id
        connection = (step.resource or {}).get("_connectionId")
        if isinstance(connection, str) and connection:
            fields["_connectionId"] = connection
    fields["_flowId"] = step.flow_id
    if contract.name == "postResponseMap":
        fields.update(_fan_out(step.resource or {}, step.entry))
    return fields


def _fan_out(resource: Mapping[str, Any], entry: Mapping[str, Any]) -> dict[str, Any]:
    """`oneToMany` and `pathToMany` of the step's export or import (flows-and-mappings.md:
    "oneToMany fan-out (`pathToMany` children become records…)"); the UI clears
    `pathToMany` when `oneToMany` is off. A step entry that writes them itself wins."""
    source = entry if "oneToMany" in entry else resource
    one_to_many = source.get("oneToMany") is True or source.get("oneToMany") == "true"
    fields: dict[str, Any] = {"oneToMany": one_to_many}
    path = source.get("pathToMany")
    if one_to_many and isinstance(path, str) and path:
        fields["pathToMany"] = path
    return fields


def step_options(site: HookSite, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The options to run the site's hook with: `given` (the data part; the contract's
    sample when None) with the step's ids. An id `given` that differs from the step's is
    refused: the hook would run at one step with another's resources."""
    contract = contract_for(site.hook)
    options = dict(contract.sample if given is None else given)
    for key, value in step_ids(site).items():
        if key in options and options[key] != value and key not in ("oneToMany", "pathToMany"):
            where = site.step.label if site.step else "the My API"
            raise UsageError(
                f"the options give {key} {options[key]!r}, but {where} runs with {value!r}",
                hint=f"leave {key} out of the options: the step says which it is",
                path=key,
            )
        options.setdefault(key, value)
    return options
