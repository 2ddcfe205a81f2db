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
from typing import Any, Literal, cast

import orjson

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
    """A page's records, each with its own response mapped and merged in: `data` is the
    merged record, or `errors` when a value the mapping cannot take fails that record
    (the others go on). Raises `TransformError` for a mapping integrator.io would
    refuse, or when `responses` does not pair with `records`.

    Each distinct response is mapped once, in one engine call (a lookup's mock answers
    every record alike), and what it maps to is merged into its records here: the
    records themselves never cross into the engine, which would cost a page's JSON
    both ways. A response whose mapped value JSON cannot carry as the merge reads it
    (`js/response_mapping.js`, op `responseMapValues`) has its records merged by the
    engine, in one more call."""
    if len(records) != len(responses):
        raise TransformError(
            f"one response per record is needed: {len(records)} records, {len(responses)} responses"
        )
    engine = engine or shared_engine()
    distinct, answers = _distinct(responses)
    request = {"responseMapping": response_mapping, "responses": distinct, "kind": kind}
    mapped = engine.call("responseMapValues", request)
    if not isinstance(mapped, list) or len(mapped) != len(distinct):
        raise TransformError("the transformation engine answered another number of responses")
    flat = [_is_flat(value.get("data")) for value in mapped]
    outcomes: list[RecordOutcome | None] = []
    inexact: list[int] = []
    for position, (record, answer) in enumerate(zip(records, answers, strict=True)):
        value = mapped[answer]
        if "errors" in value:
            outcomes.append(RecordOutcome(errors=tuple(dict(e) for e in value["errors"])))
        elif value["exact"]:
            data = value["data"]
            if flat[answer] and type(record) is dict:
                outcomes.append(RecordOutcome(data={**record, **data}))
            else:
                outcomes.append(RecordOutcome(data=_merged_record(record, data)))
        else:
            outcomes.append(None)
            inexact.append(position)
    if inexact:
        request = {
            "responseMapping": response_mapping,
            "records": [records[position] for position in inexact],
            "responses": distinct,
            "answers": [answers[position] for position in inexact],
            "kind": kind,
        }
        merged = outcomes_from(engine.call("responseMapPage", request))
        for position, outcome in zip(inexact, merged, strict=True):
            outcomes[position] = outcome
    return cast("list[RecordOutcome]", outcomes)


def _distinct(responses: Sequence[Any]) -> tuple[list[Any], list[int]]:
    """Each distinct response once (equal JSON text), and the position of each record's
    among them."""
    positions: dict[bytes, int] = {}
    distinct: list[Any] = []
    answers: list[int] = []
    for response in responses:
        text = orjson.dumps(response)
        position = positions.get(text)
        if position is None:
            position = positions[text] = len(distinct)
            distinct.append(response)
        answers.append(position)
    return distinct, answers


def _is_flat(mapped: Any) -> bool:
    """Whether merging `mapped` into an object record is setting its keys: an object of
    plain values (JSON's strings, numbers, booleans, null), which lodash's merge writes
    over whatever the record held (a lookup's `data[0].x` fields, the usual response
    mapping). The merge is then one dict union, not a walk per record."""
    return type(mapped) is dict and not any(
        isinstance(value, dict | list) for value in mapped.values()
    )


def _merged_record(record: Any, mapped: Any) -> Any:
    """The record with `mapped` merged in, as `js/response_mapping.js` `mergeMapped`
    does: into each object row of grouped data, into the record when it is an object,
    else into a new object. The record is not changed: what the merge touches is copied."""
    if isinstance(record, list):
        return [_merge(row, mapped) if isinstance(row, dict) else row for row in record]
    return _merge(record if isinstance(record, dict) else {}, mapped)


def _merge(target: Any, source: Any) -> Any:
    """lodash's merge on JSON values, as `js/response_mapping.js` `merge` (JSON has no
    undefined for it to skip): objects key by key, arrays index by index, anything else
    replaces; copies of `target` where it changes."""
    if isinstance(source, list):
        merged = list(target) if isinstance(target, list) else []
        for index, value in enumerate(source):
            if index < len(merged):
                merged[index] = _merge(merged[index], value)
            else:
                merged.append(_merge(None, value))
        return merged
    if isinstance(source, dict):
        out = dict(target) if isinstance(target, dict) else {}
        for key, value in source.items():
            out[key] = _merge(out.get(key), value)
        return out
    return source
