"""Each script type's `options` and return as TypeScript, from its contract in `jsrt.hooks`.

The options are read off the contract itself rather than written out again: the contract
builds its sample options (what `jsrt sample TYPE` prints) through an `Inputs` that notes
how each field is read (`object`, `string`, `records`, ...), once as given, once per
resource its options may carry (a filter on an export or on an import), and once without
the fields it may leave out. A field is optional when some of those builds lack it; its
type is its reader's. The common context a flow hook receives (`settings`, `job`, ...)
is built by the runtime in a fixed shape, so those objects are typed by their properties.

What a script type must return lives in code (`check_return`), not data, so `RESULTS`
states it per type, each entry citing the check it mirrors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from jsrt.hooks import CONTRACTS, Contract
from jsrt.hooks.context import PLACEHOLDER_IDS, api_context, hook_context
from jsrt.hooks.inputs import OMIT, REQUIRED, Inputs
from jsrt.hooks.kinds import ScriptType
from jsrt.typings.ts import doc, property_name, type_name

READER_TYPES: Final[dict[str, str]] = {
    "object": "JsonObject",
    "array": "any[]",
    "string": "string",
    "boolean": "boolean",
    "index": "number",
    "record": "JsonRecord",
    "records": "JsonRecord[]",
    "errors": "IntegratorError[]",
}
"""How a contract reads a field (the `Inputs` method), as TypeScript."""

KNOWN_ARRAYS: Final[dict[str, str]] = {"responseData": "ImportResponse[]"}
"""Arrays whose elements have a documented shape: the destination's responses, one per
record, as imports.run answers them (runtime objects specification)."""

RESULTS: Final[dict[ScriptType, str]] = {
    # jsrt.hooks.page._check_pre_save_page
    "preSavePage": "{ data: JsonRecord[]; errors?: IntegratorError[]; abort?: boolean;"
    " newErrorsAndRetryData?: { retryData?: JsonRecord; errors: IntegratorError[] }[] }",
    # jsrt.hooks.page._mapped_records_check: one element per record
    "preMap": "MappedRecord[]",
    "postMap": "MappedRecord[]",
    # jsrt.hooks.page._check_post_submit: the responses, one per record
    "postSubmit": "ImportResponse[]",
    # jsrt.hooks.returns.ignored_return
    "postAggregate": "void",
    # jsrt.hooks.page._check_post_response_map: the records, one per record
    "postResponseMap": "JsonRecord[]",
    # jsrt.hooks.record._check_filter: a strict boolean
    "filter": "boolean",
    # jsrt.hooks.record._check_transform
    "transform": "JsonRecord",
    # jsrt.hooks.record._check_branching: a branch index or an array of them
    "branching": "number | number[]",
    # jsrt.hooks.request._check_handle_request
    "handleRequest": "{ statusCode: number; headers?: JsonObject;"
    " body: string | JsonObject | any[] }",
    # jsrt.hooks.request._check_content_based_flow_router
    "contentBasedFlowRouter": "{ _flowId: string; _exportId?: string }",
    # jsrt.hooks.returns.object_return: the form, the resource to save
    "formInit": "JsonObject",
    "preSave": "JsonObject",
    # jsrt.hooks.returns.ignored_return
    "step": "void",
    "update": "void",
}
"""What each script type must return, as TypeScript."""

MAPPED_RECORD = """\
  /** One element of a preMap or postMap return: {data}, {errors}, both, or {} to skip. */
  export interface MappedRecord {
    data?: JsonRecord;
    errors?: IntegratorError[];
  }
"""

_VALUE_TYPES: Final[tuple[tuple[type, str], ...]] = (
    (bool, "boolean"),
    (int, "number"),
    (float, "number"),
    (str, "string"),
    (dict, "JsonObject"),
    (list, "any[]"),
)


class _ReadLog(Inputs):
    """`Inputs` that notes how each field is read, and whether it may be left out."""

    def __init__(self, script: ScriptType, given: dict[str, Any]) -> None:
        super().__init__(script, given)
        self.readers: dict[str, str] = {}
        self.omittable: set[str] = set()
        self.context: set[str] = set()
        """The fields the common context read (`hook_context`, `api_context`)."""
        self.in_context = False

    def _note(self, key: str, reader: str, default: Any) -> None:
        # records and errors read through array: the first (outer) reader names the field
        self.readers.setdefault(key, reader)
        if default is OMIT:
            self.omittable.add(key)
        if self.in_context:
            self.context.add(key)

    def object(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        self._note(key, "object", default)
        return super().object(key, default, hint)

    def array(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        self._note(key, "array", default)
        return super().array(key, default, hint)

    def string(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        self._note(key, "string", default)
        return super().string(key, default, hint)

    def boolean(self, key: str, default: Any = REQUIRED) -> Any:
        self._note(key, "boolean", default)
        return super().boolean(key, default)

    def index(self, key: str, default: Any = REQUIRED) -> Any:
        self._note(key, "index", default)
        return super().index(key, default)

    def record(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        self._note(key, "record", default)
        return super().record(key, default, hint)

    def records(self, key: str, default: Any = REQUIRED, hint: str = "") -> Any:
        self._note(key, "records", default)
        return super().records(key, default, hint)

    def errors(self, key: str, default: Any = REQUIRED) -> Any:
        self._note(key, "errors", default)
        return super().errors(key, default)


def _read_log(contract: Contract, given: dict[str, Any]) -> _ReadLog:
    """How the contract reads these given fields: its own, then the common context
    (as `Contract.build_options` does)."""
    log = _ReadLog(contract.name, dict(given))
    contract.read_inputs(log)
    log.in_context = True
    if contract.script_kind == "hook":
        hook_context(log, None, contract.receives)
    elif contract.script_kind == "api":
        api_context(log, None)
    return log


@dataclass
class OptionField:
    """One property of a script type's options."""

    name: str
    type: str
    optional: bool


@dataclass
class _Seen:
    readers: dict[str, str] = field(default_factory=dict)
    context: set[str] = field(default_factory=set)
    builds: list[dict[str, Any]] = field(default_factory=list)


def option_fields(contract: Contract) -> list[OptionField]:
    """The properties of a script type's options, in the order the contract builds them."""
    sample = dict(contract.sample)
    variants = [sample]
    variants += [{**sample, f"_{kind}Id": PLACEHOLDER_IDS[kind]} for kind in contract.receives[1:]]
    first = _read_log(contract, sample)
    variants += [
        {k: v for k, v in sample.items() if k != left_out}
        for left_out in first.omittable
        if left_out in sample
    ]
    seen = _Seen()
    for given in variants:
        log = _read_log(contract, given)
        for key, reader in log.readers.items():
            seen.readers.setdefault(key, reader)
        seen.context |= log.context
        seen.builds.append(contract.build_options(dict(given)))
    # Fields the contract may leave out that no build had: optional whatever happens.
    names = list(dict.fromkeys([*(key for built in seen.builds for key in built), *seen.readers]))
    return [
        OptionField(
            name,
            _field_type(name, seen),
            optional=any(name not in built for built in seen.builds),
        )
        for name in names
    ]


def _field_type(name: str, seen: _Seen) -> str:
    if name in KNOWN_ARRAYS:
        return KNOWN_ARRAYS[name]
    reader = seen.readers.get(name)
    if reader == "object" and name in seen.context:
        return _object_shape([built[name] for built in seen.builds if name in built])
    return READER_TYPES[reader] if reader else "any"


def _object_shape(values: list[dict[str, Any]]) -> str:
    """The shape of an object the runtime builds: each property it always (or sometimes)
    has, typed by its value, and any others."""
    keys = list(dict.fromkeys(key for value in values for key in value))
    properties = []
    for key in keys:
        present = [value[key] for value in values if key in value]
        types = dict.fromkeys(_value_type(item) for item in present)
        optional = "?" if len(present) < len(values) else ""
        properties.append(f"{property_name(key)}{optional}: {' | '.join(types)};")
    return "{ " + " ".join([*properties, "[key: string]: any;"]) + " }"


def _value_type(value: Any) -> str:
    return next((ts for kind, ts in _VALUE_TYPES if isinstance(value, kind)), "any")


def _hook_types(contract: Contract) -> str:
    stem = type_name(contract.name)
    fields = "".join(
        f"    {property_name(f.name)}{'?' if f.optional else ''}: {f.type};\n"
        for f in option_fields(contract)
    )
    per_record = " (one record per call)" if contract.per_record else ""
    return (
        doc(f"The options {contract.name} scripts receive{per_record}.", "  ")
        + f"  export interface {stem}Options {{\n{fields}  }}\n"
        + doc(f"What {contract.name} scripts return.", "  ")
        + f"  export type {stem}Result = {RESULTS[contract.name]};\n"
        + doc(f"The {contract.name} function, for `@type` on the script's entry function.", "  ")
        + f"  export type {stem}Hook = (options: {stem}Options) => {stem}Result;\n"
    )


def script_types() -> str:
    """Every script type's options, result and function types, for the module body."""
    return "\n".join([MAPPED_RECORD, *(_hook_types(c) for c in CONTRACTS.values())])
