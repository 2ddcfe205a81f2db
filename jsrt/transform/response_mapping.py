"""Response mapping: what a lookup's or an import's response adds to the record.

On a flow page processor, `responseMapping = {fields: [{extract, generate}], lists:
[{generate, fields}]}` reads the step's response, a lookup's `{data[], errors[], ignored,
statusCode}` or an import's `{id, errors, ignored, statusCode, _json}`, with Mapper 1.0's
paths (`data[0].id`, `data.0.id`, `data[*].id`, `_json.id`), and merges what it maps into
the record the way lodash's `merge` does: objects key by key, arrays index by index. What
the postResponseMap hook receives is that record (`js/response_mapping.js` has the rules
and their sources).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from jsrt.transform.engine import TransformEngine, TransformError, shared_engine
from jsrt.transform.mapping import RecordOutcome, outcomes_from

ResponseKind = Literal["lookup", "import"]


def apply_response_mapping(
    response_mapping: Any,
    record: Any,
    response: Any,
    *,
    kind: ResponseKind,
    engine: TransformEngine | None = None,
) -> Any:
    """The record with `response` mapped by `response_mapping` merged into it.

    A record that is a list of grouped rows gets the mapped values merged into each row.
    Raises `TransformError` (with the definition's `path`) for a mapping integrator.io
    would refuse, or a value it cannot convert.
    """
    request = {
        "responseMapping": response_mapping,
        "record": record,
        "response": response,
        "kind": kind,
    }
    return (engine or shared_engine()).call("responseMap", request)


def apply_response_mappings(
    response_mapping: Any,
    records: Sequence[Any],
    responses: Sequence[Any],
    *,
    kind: ResponseKind,
    engine: TransformEngine | None = None,
) -> list[RecordOutcome]:
    """A page's records, each with its own response mapped and merged in, in one engine
    call: `data` is the merged record, or `errors` when a value the mapping cannot take
    fails that record (the others go on). Raises `TransformError` for a mapping
    integrator.io would refuse, or when `responses` does not pair with `records`."""
    if len(records) != len(responses):
        raise TransformError(
            f"one response per record is needed: {len(records)} records, {len(responses)} responses"
        )
    request = {
        "responseMapping": response_mapping,
        "records": list(records),
        "responses": list(responses),
        "kind": kind,
    }
    return outcomes_from((engine or shared_engine()).call("responseMapPage", request))
