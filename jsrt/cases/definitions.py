"""Mappings and filters as `jsrt map` and case files apply them: a definition written
inline or held by a world's import or export, run by the transformation engine over
records, and its per-record outcomes read as a hook run's result.

A mapping (Mapper 2.0 `mappings[]` with `lookups[]`, or Mapper 1.0 `mapping`) lives on an
import; a filter (`filter: {type, expression | script}`) on an export (its output
filter) or an import (its input filter). Either may also be given on its own. The world,
when there is one, answers the lookups (lookup caches, the mocks of dynamic lookups).

The result of a run is a `jsrt.runner.HookResult`, so that a mapping or filter case is
judged, diffed and reported exactly as a hook case is: `value` is what the next step
receives (the mapped records; the records that pass), `records` one outcome per record
(`{index, ok, value}`, with `errors` when the record failed), `errors` the records'
errors with their `index`, and `error` says how many records failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from jsrt.describe import describe
from jsrt.errors import HookError, InputError, UsageError
from jsrt.integration.scripts import document_label
from jsrt.integration.steps import find_document

if TYPE_CHECKING:
    from jsrt.api.world import WorldView
    from jsrt.backends.local import World
    from jsrt.runner import HookResult
    from jsrt.transform.engine import LookupSource
    from jsrt.transform.mapping import MappedPage, RecordOutcome

DefinitionKind = Literal["mapping", "filter"]

MAPPING_KEYS = ("mappings", "lookups", "mapping")
"""The keys of an import that make its mapping: Mapper 2.0's `mappings` and `lookups`,
Mapper 1.0's `mapping` (celigo/ai skills/writing-mappings/SKILL.md)."""

FILTER_TYPES = ("expression", "script")
"""A filter's `type` (celigo/ai skills/configuring-filters/SKILL.md)."""


def mapping_of(document: Any, *, source: str) -> dict[str, Any]:
    """The mapping definition a document holds: an import (whole: its `mappings`,
    `lookups` or `mapping` map, the rest is what its templates see), a `{mappings,
    lookups}` object, or a bare list of Mapper 2.0 mappings."""
    if isinstance(document, list):
        return {"mappings": document}
    if not isinstance(document, Mapping) or not any(key in document for key in MAPPING_KEYS):
        raise InputError(
            f"{source}: expected an import or a mapping, got {describe(document)}",
            hint="give an import document with `mappings` (Mapper 2.0) or `mapping` "
            "(Mapper 1.0), or the list of Mapper 2.0 mappings itself",
            file=source,
        )
    return dict(document)


def filter_of(document: Any, *, source: str) -> dict[str, Any]:
    """The filter a document holds: a filter itself (`{type, expression | script}`), or an
    export's or import's `filter`."""
    if isinstance(document, Mapping) and isinstance(document.get("filter"), Mapping):
        return dict(document["filter"])  # an export's own `type` (delta, once) is no filter's
    if isinstance(document, Mapping) and document.get("type") in FILTER_TYPES:
        return dict(document)
    raise InputError(
        f"{source}: expected a filter or an export or import with a `filter`, got "
        f"{describe(document)}",
        hint='give e.g. {type: expression, expression: {version: "1", rules: '
        '["equals", ["string", ["extract", "status"]], "open"]}}',
        file=source,
    )


def named_document(given: Any) -> tuple[str, str] | None:
    """`(collection, _id or name)` when `given` names a world's document (`{import: ID}`,
    `{export: ID}`) rather than being a definition itself."""
    if isinstance(given, Mapping) and len(given) == 1:
        for key in ("import", "export"):
            if isinstance(given.get(key), str):
                return f"{key}s", given[key]
    return None


def definition_of(
    kind: DefinitionKind, given: Any, world: WorldView | None, *, source: str
) -> dict[str, Any]:
    """The mapping or filter `given` is, or names in `world` (`named_document`)."""
    named = named_document(given)
    if named is not None:
        if world is None:
            raise UsageError(
                f"{source}: the {kind} is held by the world's {named[0]}, and there is no world",
                hint="give the world that holds it",
            )
        collection, wanted = named
        try:
            document = find_document(world, collection, wanted)
        except UsageError as error:
            raise InputError(f"{source}: {error.message}", hint=error.hint) from None
        label = f"{collection.removesuffix('s')} {document_label(document)}"
        return (
            mapping_of(document, source=label)
            if kind == "mapping"
            else filter_of(document, source=label)
        )
    return (
        mapping_of(given, source=source) if kind == "mapping" else filter_of(given, source=source)
    )


def apply_mapping(
    definition: Mapping[str, Any],
    records: Sequence[Any],
    *,
    world: World | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[RecordOutcome]:
    """Map `records` with `definition`; `world` answers its lookups (an empty world
    when there is none: static lookups still apply). When `definition` is an import, its
    templates see it as `import` and its connection (from `world`, secrets masked) as
    `connection`, as `imports.runMapping` gives them; `context` adds to or overrides that."""
    from jsrt.transform.mapping import map_records

    merged, source = _mapping_surroundings(definition, world, context)
    return map_records(dict(definition), list(records), context=merged or None, source=source)


def apply_mapping_text(
    definition: Mapping[str, Any],
    records_json: str | bytes,
    *,
    world: World | None = None,
    context: Mapping[str, Any] | None = None,
    indent: int | None = None,
) -> MappedPage:
    """`apply_mapping` of a page that is JSON text, to JSON text (`map_page_text`)."""
    from jsrt.transform.mapping import map_page_text

    merged, source = _mapping_surroundings(definition, world, context)
    return map_page_text(
        dict(definition), records_json, context=merged or None, source=source, indent=indent
    )


def _mapping_surroundings(
    definition: Mapping[str, Any], world: World | None, context: Mapping[str, Any] | None
) -> tuple[dict[str, Any], LookupSource]:
    """What a mapping sees besides its records (the import and its masked connection,
    then `context`), and the world's answers to its lookups."""
    from jsrt.backends.local import World
    from jsrt.backends.local.lookups import WorldLookupSource
    from jsrt.backends.scrubbing import masked

    seen = world if world is not None else World()
    given: dict[str, Any] = {}
    if any(key not in MAPPING_KEYS for key in definition):
        given["import"] = dict(definition)
        connection_id = definition.get("_connectionId")
        connection = (
            seen.get("connections", connection_id) if isinstance(connection_id, str) else None
        )
        if connection is not None:
            given["connection"] = masked(connection)
    _id = definition.get("_id")
    stored = _id if isinstance(_id, str) and seen.get("imports", _id) is not None else None
    return {**given, **(context or {})}, WorldLookupSource(seen, import_id=stored)


def apply_filter(
    filter_definition: Mapping[str, Any],
    records: Sequence[Any],
    *,
    context: Mapping[str, Any] | None = None,
) -> list[RecordOutcome]:
    """Which of `records` pass an expression filter (`data` true or false per record)."""
    from jsrt.transform.filters import filter_records

    return filter_records(
        dict(filter_definition), list(records), context=dict(context or {}) or None
    )


def as_result(
    kind: DefinitionKind, records: Sequence[Any], outcomes: Sequence[RecordOutcome]
) -> HookResult:
    """The outcomes of a mapping or filter run as a `HookResult` (see the module's doc)."""
    from jsrt.runner import HookResult

    per_record: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for index, outcome in enumerate(outcomes):
        entry: dict[str, Any] = {"index": index, "ok": outcome.ok, "value": outcome.data}
        if not outcome.ok:
            entry["errors"] = [dict(error) for error in outcome.errors]
            errors.extend({**error, "index": index} for error in outcome.errors)
        per_record.append(entry)
    if kind == "filter":
        value = [
            record
            for record, outcome in zip(records, outcomes, strict=True)
            if outcome.ok and outcome.data is True
        ]
    else:
        value = [outcome.data for outcome in outcomes]
    failed = [entry for entry in per_record if not entry["ok"]]
    error = None
    if failed:
        first = failed[0]
        reason = "; ".join(str(e.get("message")) for e in first["errors"]) or "failed"
        error = HookError(
            f"{len(failed)} of {len(per_record)} records failed; record {first['index']}: {reason}",
            failed_records=[entry["index"] for entry in failed],
        ).to_dict()
    return HookResult(
        ok=not failed,
        value=value,
        hook=kind,
        function="",
        errors=errors,
        records=per_record,
        error=error,
    )
