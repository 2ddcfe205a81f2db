"""What an integrator-api call's argument is, as far as the code shows it, checked by the
catalog's own argument checks (`jsrt.api.checks.check_args`).

A literal (`'abc'`, `12`, `{_id: 'x', data: []}`) is known; anything computed
(`options.settings.id`, a call, a template with substitutions) is not. A call is checked
only when its argument's shape is known: an object literal without spreads or computed
keys, an array literal, or a literal. Each part the code does not show is filled with a
value its field accepts, so only what is written can fail the check: `exports.get(12)`
and `exports.run({id: x})` fail, `exports.get(someId)` is never judged.
"""

from __future__ import annotations

import json
from typing import Any, Final

import tree_sitter

from jsrt.api.catalog import Field, Method, TypeName
from jsrt.api.checks import check_args
from jsrt.api.errors import InvalidArgument
from jsrt.check.script import text, unwrap


class _Unknown:
    """A value the code does not show."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()

_ACCEPTED: Final[dict[TypeName, Any]] = {
    "string": "x",
    "number": 1,
    "boolean": True,
    "object": {},
    "array": [],
    "any": None,
    "date": "2025-01-01T00:00:00",
    "count": 1,
    "patch": {},
}
"""A value each option type accepts: what stands in for a part the code does not show."""


def static_value(node: tree_sitter.Node) -> Any:
    """The JSON value an expression is, or `UNKNOWN` (parts of it may be `UNKNOWN`)."""
    node = unwrap(node)
    kind = node.type
    if kind == "string":
        fragments = [c for c in node.named_children if c.type == "string_fragment"]
        escapes = [c for c in node.named_children if c.type == "escape_sequence"]
        return "".join(text(f) for f in fragments) if not escapes else "x"
    if kind == "template_string":
        return "x"  # a string, whatever its substitutions make it
    if kind == "number":
        try:
            return json.loads(text(node))
        except ValueError:
            return 1  # 0x1f, 1_000, 1e3 ...: a number all the same
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "null" or (kind == "identifier" and text(node) == "undefined"):
        return None
    if kind == "array":
        items = [c for c in node.named_children if c.type != "comment"]
        if any(item.type == "spread_element" for item in items):
            return UNKNOWN
        return [static_value(item) for item in items]
    if kind == "object":
        return _object_value(node)
    return UNKNOWN


def _object_value(node: tree_sitter.Node) -> Any:
    found: dict[str, Any] = {}
    for member in node.named_children:
        if member.type == "comment":
            continue
        if member.type == "pair":
            key = member.child_by_field_name("key")
            value = member.child_by_field_name("value")
            if key is None or value is None or key.type == "computed_property_name":
                return UNKNOWN
            name = static_value(key) if key.type == "string" else text(key)
            if not isinstance(name, str):
                return UNKNOWN
            found[name] = static_value(value)
        elif member.type == "shorthand_property_identifier":
            found[text(member)] = UNKNOWN
        elif member.type == "method_definition":
            name_node = member.child_by_field_name("name")
            found[text(name_node) if name_node is not None else "?"] = UNKNOWN
        else:  # a spread: the keys are not known
            return UNKNOWN
    return found


def argument_problem(method: Method, arguments: tuple[tree_sitter.Node, ...]) -> str | None:
    """What the catalog's checks say of the call as written, or None when it passes (or
    its argument is not known well enough to judge)."""
    if not arguments:
        values: list[Any] = []
    else:
        values = [static_value(argument) for argument in arguments]
        if values[0] is UNKNOWN:
            return None
        values = [_filled(method, values[0]), *(v for v in values[1:] if v is not UNKNOWN)]
    try:
        check_args(method, values)
    except InvalidArgument as error:
        return error.message
    return None


def _filled(method: Method, value: Any) -> Any:
    """`value` with each unknown part replaced by a value its field accepts."""
    if method.shape == "id":
        if isinstance(value, dict):
            return {key: "x" if item is UNKNOWN else item for key, item in value.items()}
        return value
    if not isinstance(value, dict):
        return _filled_item(value, None)
    fields = {field.name: field for field in method.fields}
    if method.shape == "query":
        fields = {"externalId": Field("externalId", ("string",))}
    return {key: _filled_field(item, fields.get(key)) for key, item in value.items()}


def _filled_field(value: Any, field: Field | None) -> Any:
    if value is UNKNOWN:
        if field is None:
            return None
        if field.choices:
            return field.choices[0]
        return _ACCEPTED[field.types[0]]
    if field is not None and isinstance(value, list) and not field.items and UNKNOWN in value:
        return _ACCEPTED[field.types[0]]  # an element not shown: the list is not known
    return _filled_item(value, field.items if field is not None else None)


def _filled_item(value: Any, items: TypeName | None) -> Any:
    if isinstance(value, list):
        return [
            _ACCEPTED[items] if item is UNKNOWN and items else _filled_item(item, None)
            for item in value
        ]
    if isinstance(value, dict):
        return {key: _filled_item(item, None) for key, item in value.items()}
    return None if value is UNKNOWN else value
