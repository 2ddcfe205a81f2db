"""integrator.io's filters, run the way integrator.io runs them: an export's output filter
(`export.filter`), a lookup's input filter (`export.inputFilter`), an import's filter
(`import.filter`) and a router branch's `inputFilter`.

An expression filter, `{"type": "expression", "expression": {"version": "1", "rules": [...]}}`,
is a prefix s-expression such as `["equals", ["string", ["extract", "status"]], "open"]`,
compiled once by the engine (`js/filters.js`) and tested on each record. Operators:

- conditions: `and`, `or` (one or more conditions), `not`; `equals`, `notequals`,
  `greaterthan`, `greaterthanequals`, `lessthan`, `lessthanequals`, `startswith`,
  `endswith`, `contains`, `doesnotcontain`, `matches` (a JavaScript regular expression,
  searched for); `empty`, `notempty`. Names are read case-insensitively.
- values: `extract` (a field of the record: `a.b`, `a[0]`, `a.[Internal ID]`, `list.length`,
  or a JSONPath from `$`), `settings` (`integration.x`, `flowGrouping.x`, `flow.x`,
  `export.x`, `import.x`, `connection.x`), `context` (another field of the filter's data,
  e.g. `pageIndex`); the casts `string`, `number`, `boolean`, `epochtime` (milliseconds);
  `lowercase`, `uppercase`, `ceiling`, `floor`, `abs`; `add`, `subtract`, `multiply`,
  `divide`, `modulo` (two or more operands).

A comparison's two operands meet in one type: the left one's cast, else the right one's
(a literal's JSON type). A missing field is `""` as a string, not a number as a number
(so every comparison but `notequals` is false) and false as a boolean. A grouped record
(a list of rows) is tested on its first row, as integrator.io's filter editor does.

`context` is what integrator.io gives the filter besides the record:
`{"settings": {"integration": {...}, "flowGrouping": {...}, "flow": {...}, "export": {...},
"import": {...}, "connection": {...}}, "pageIndex": 0, "lastExportDateTime": "...",
"currentExportDateTime": "..."}`; every key is optional.

A script filter (`{"type": "script", "script": {"_scriptId", "function"}}`) is a hook: the
caller runs it (`jsrt.runner.Runtime.run_hook`) with what `script_filter_of` names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jsrt.describe import describe_document_value
from jsrt.transform.engine import TransformEngine, TransformError, shared_engine
from jsrt.transform.mapping import RecordOutcome, outcomes_from


def filter_records(
    filter: Mapping[str, Any] | None,
    records: Sequence[Any],
    *,
    context: Mapping[str, Any] | None = None,
    engine: TransformEngine | None = None,
) -> list[RecordOutcome]:
    """Test each record with an expression `filter`: an outcome per record whose `data` is
    True when the record passes (goes on) and False when the filter drops it, or whose
    `errors` say why the record could not be tested.

    No filter (None, or no rules) passes every record. Raises `TransformError` (with the
    `path` of the offending operand, e.g. `expression.rules[2][1]`) for a filter
    integrator.io would refuse, and for a script filter, which runs as a hook.
    """
    refuse_script(filter, kind="filter")
    raw = (engine or shared_engine()).call(
        "filter", {"filter": filter, "records": list(records), "context": dict(context or {})}
    )
    return outcomes_from(raw)


def script_filter_of(filter: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """`(script_id, function)` of a script filter, which the caller runs as a filter hook;
    None for an expression filter or none."""
    return script_of(filter, kind="filter")


def refuse_script(definition: Mapping[str, Any] | None, *, kind: str) -> None:
    """Raise `TransformError` for a script filter or transform (`kind`): it runs as a
    hook, with the runner, never in the transformation engine."""
    if script_of(definition, kind=kind) is not None:
        raise TransformError(
            f"a script {kind} runs as a {kind} hook, not in the transformation engine",
            path="type",
            code=f"script_{kind}",
            hint=f"run it with the runner (script_{kind}_of names the script and function)",
        )


def script_of(definition: Mapping[str, Any] | None, *, kind: str) -> tuple[str, str] | None:
    """`(script_id, function)` of a `{"type": "script", "script": {...}}` filter or transform
    (`kind` names it in messages); None when it is not of type script."""
    if not isinstance(definition, Mapping) or definition.get("type") != "script":
        return None
    script = definition.get("script")
    if not isinstance(script, Mapping):
        raise TransformError(
            f"a script {kind} needs script: {{_scriptId, function}}, "
            f"not {describe_document_value(script)}",
            path="script",
            code=f"invalid_{kind}",
        )
    found: list[str] = []
    for key in ("_scriptId", "function"):
        value = script.get(key)
        if not isinstance(value, str) or not value:
            raise TransformError(
                f"a script {kind} needs script.{key} (a non-empty string), "
                f"not {describe_document_value(value)}",
                path=f"script.{key}",
                code=f"invalid_{kind}",
            )
        found.append(value)
    return found[0], found[1]
