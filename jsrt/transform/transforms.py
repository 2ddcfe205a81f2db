"""integrator.io's transforms (`export.transform`, and the response transform of a lookup or
an import), run the way integrator.io runs them, by the engine (`js/transforms.js`):

- Transformation 1.0: `{"type": "expression", "expression": {"version": "1", "rules":
  [[{"extract": "a.b", "generate": "x.y"}, ...]]}}`. The rules of every group build one
  new record: each writes the value its `extract` finds (`id`, `a.b`, `SDF[0]`, `*.id`
  over grouped rows, `*.[Internal ID]`, `/A/B`) at its `generate` path (`x.y`, `lines[*].sku`
  spreads a list); a value not found is left out, unmapped fields are not kept.
- Transformation 2.0: `{"type": "expression", "expression": {"version": "2",
  "rulesTwoDotZero": {"mode": "create" | "modify", "mappings": [...], "lookups": [...]}}}`,
  Mapper 2.0 mappings: `create` builds a new record, `modify` edits the one it is given.

A transform with no rules or mappings leaves records as they are. A script transform
(`{"type": "script", "script": {"_scriptId", "function"}}`) is a hook the caller runs
(`jsrt.runner.Runtime.run_hook`) with what `script_transform_of` names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jsrt.transform.engine import LookupSource, TransformEngine, shared_engine
from jsrt.transform.filters import refuse_script, script_of
from jsrt.transform.mapping import RecordOutcome, outcomes_from


def apply_transform(
    transform: Mapping[str, Any] | None,
    records: Sequence[Any],
    *,
    context: Mapping[str, Any] | None = None,
    source: LookupSource | None = None,
    engine: TransformEngine | None = None,
) -> list[RecordOutcome]:
    """Transform each record: an outcome per record with the transformed record as `data`,
    or the `errors` that failed it (a lookup with no match, say).

    `context` is what a 2.0 mapping's Handlebars and lookups read besides the record (e.g.
    `settings`), `source` answers its lookup-cache and dynamic lookups. No transform (None)
    leaves records as they are. Raises `TransformError` (with the `path` of the offending
    rule) for a transform integrator.io would refuse, and for a script transform, which
    runs as a hook.
    """
    refuse_script(transform, kind="transform")
    raw = (engine or shared_engine()).call(
        "transform",
        {"transform": transform, "records": list(records), "context": dict(context or {})},
        source=source,
    )
    return outcomes_from(raw)


def script_transform_of(transform: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """`(script_id, function)` of a script transform, which the caller runs as a transform
    hook; None for an expression transform or none."""
    return script_of(transform, kind="transform")
