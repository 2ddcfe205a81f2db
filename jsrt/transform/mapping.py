"""Mapping records the way an integrator.io import does, and the UI's checks of a mapping.

`map_records(definition, records)` runs a mapping over a page of records and gives one
`RecordOutcome` per record: the mapped value, or the errors integrator.io would report
for that record (a lookup with no match, a value that cannot be converted) while the
other records go on. The definition's shape picks the mapper, as integrator.io does:

* `{"mappings": [...], "lookups": [...]}` — Mapper 2.0 (an import's `mappings`, which
  win when `mapping` is also present). `"mode": "modify"` (Transformation 2.0's
  `rulesTwoDotZero`) starts from the record and changes only the mapped fields;
  `"create"`, the default, starts empty.
* `{"mapping": {"fields": [...], "lists": [...]}, "lookups": [...]}` — Mapper 1.0.
* neither — the records come back unchanged.

An import document can be passed as it is. `check_mapping(definition)` lists what the
integrator.io UI refuses to save in a Mapper 2.0 mapping, each problem with the path of
the offending node (`mappings[2].buildArrayHelper[0].mappings[1]`).

`RecordOutcome` is the per-record result every part of the transformation engine
returns (filters, transforms).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from jsrt.describe import describe
from jsrt.json_values import gc_paused, parse_from_v8
from jsrt.transform.engine import LookupSource, TransformEngine, TransformError, shared_engine


class RecordOutcome(NamedTuple):
    """One record's result: its `data`, or the `errors` integrator.io would report for it
    (each `{"code": str, "message": str}`, plus `"source"` when known). A named tuple,
    not a dataclass: a page makes ten thousand of them, and a tuple is made in a third
    of the time."""

    data: Any = None
    errors: tuple[dict[str, Any], ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the record went through without errors."""
        return not self.errors


def outcomes_from(reply: Any) -> list[RecordOutcome]:
    """The `RecordOutcome`s of an engine op's per-record reply (`[{data} | {errors}]`)."""
    if not isinstance(reply, list):
        raise TransformError(f"the transformation engine answered {describe(reply)}, not a list")
    return [
        RecordOutcome(errors=tuple(item["errors"]))
        if "errors" in item
        else RecordOutcome(data=item.get("data"))
        for item in reply
    ]


@dataclass(frozen=True)
class MappingProblem:
    """A reason the integrator.io UI refuses a mapping: where (`path` of the node in the
    definition), what (`code`, e.g. `duplicate_generate`, `missing_status`,
    `wrong_source_data_type`) and a `message` saying how to fix it."""

    path: str
    code: str
    message: str


def map_records(
    definition: Mapping[str, Any] | None,
    records: Sequence[Any],
    *,
    context: Mapping[str, Any] | None = None,
    source: LookupSource | None = None,
    engine: TransformEngine | None = None,
) -> list[RecordOutcome]:
    """Map each record with `definition` (Mapper 2.0, 1.0 or none, by its shape).

    `context` is what integrator.io knows besides the record; the mapper reads:

    * `operation`: `"create"` (default) or `"update"` — whether the destination record
      is being created or updated, for `conditional.when` `record_created` /
      `record_updated`;
    * `inputContext`: `"record"` (default: `$` is the record) or `"envelope"` (`$` is
      `{record, job, settings, iClient, import}`, built from this context's keys);
    * `job`, `settings`, `iClient`, `import`, `connection`: the envelope's parts, and
      what Handlebars fields see beside `record` (or `rows`, for a grouped record: a
      list of rows).

    `source` answers lookup caches and dynamic lookups. A definition integrator.io would
    refuse (an unknown `dataType`, a lookup not defined, an invalid JSONPath) raises
    `TransformError` with the node's `path`.
    """
    if definition is not None and not isinstance(definition, Mapping):
        raise TransformError(f"a mapping definition must be an object, not {describe(definition)}")
    if isinstance(records, (str, bytes)) or not isinstance(records, Sequence):
        raise TransformError(f"records must be a list, not {describe(records)}", path="records")
    page = map_page_text(
        definition, orjson.dumps(list(records)), context=context, source=source, engine=engine
    )
    with gc_paused():  # ten thousand records, no cycles
        mapped = parse_from_v8(page.text)
    failures = page.failures
    return [
        RecordOutcome(errors=failures[index]) if index in failures else RecordOutcome(data=value)
        for index, value in enumerate(mapped)
    ]


class MappedPage(NamedTuple):
    """A page mapped JSON text to JSON text (`map_page_text`): `text`, the list of mapped
    records (null where a record failed), how many records it holds, and `failures`,
    each failed record's errors by its index."""

    text: str
    record_count: int
    failures: dict[int, tuple[dict[str, Any], ...]]

    @property
    def ok(self) -> bool:
        """Whether every record went through."""
        return not self.failures


def map_page_text(
    definition: Mapping[str, Any] | None,
    records_json: str | bytes,
    *,
    context: Mapping[str, Any] | None = None,
    source: LookupSource | None = None,
    indent: int | None = None,
    engine: TransformEngine | None = None,
) -> MappedPage:
    """`map_records` for a page that is JSON text and stays text: the records are parsed
    and the mapped page written by V8, and Python never builds them as objects (a page
    from a file, mapped to standard output, as `jsrt map` does). `indent` spaces, as
    JSON.stringify's. Text that is not a JSON list raises `TransformError` with code
    `invalid_json` or `invalid_request` and path `records`."""
    if definition is not None and not isinstance(definition, Mapping):
        raise TransformError(f"a mapping definition must be an object, not {describe(definition)}")
    request = {"definition": definition, "context": dict(context or {}), "indent": indent}
    head, text = (engine or shared_engine()).call_text(
        "mapText", request, records_json, source=source
    )
    failures = {int(index): tuple(errors) for index, errors in head["failures"].items()}
    return MappedPage(text, head["count"], failures)


def check_mapping(
    definition: Mapping[str, Any], *, grouped: bool = False, engine: TransformEngine | None = None
) -> list[MappingProblem]:
    """The integrator.io UI's validation errors for a Mapper 2.0 definition (empty when
    it would save, and for a Mapper 1.0 mapping): duplicate `generate` at one level, a
    node without `status`, Handlebars or literals where only string, number and boolean
    allow them, hard-coded objects, `sourceDataType` that cannot become the `dataType`,
    `record.` in Handlebars over `grouped` rows (or `rows.` over a record), unknown
    lookups, time zones and JSONPaths."""
    if not isinstance(definition, Mapping):
        raise TransformError(f"a mapping definition must be an object, not {describe(definition)}")
    reply = (engine or shared_engine()).call(
        "validateMapping", {"definition": definition, "grouped": grouped}
    )
    return [MappingProblem(item["path"], item["code"], item["message"]) for item in reply]
