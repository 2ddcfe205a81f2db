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

from typing import Any, Literal

from jsrt.transform.engine import TransformEngine, shared_engine

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
