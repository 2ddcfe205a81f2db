"""What runs answer locally: records from an export's `mockOutput`, per-record responses
from an import's `mockResponse`, and the simple field mappings of `imports.runMapping`.

These are pure functions of the documents the world holds; they never touch its state.

- `mockOutput` is integrator.io's canonical page form,
  `{"page_of_records": [{"record": {...}} | {"rows": [...]}]}`: each `record` is one
  record; each `rows` is one record that is an array (grouped or file data).
- `mockResponse` is one response object applied to every record, or a list with exactly
  one response per record. Missing fields are filled like a success:
  `{statusCode: 200, ignored: false, errors: [], id: <new>, _json: {id}}` (no id is made
  up for a response whose statusCode is not 200).
- `runMapping` applies Mapper 1.0 `mapping.fields` entries that have `generate` plus
  `extract` (a dotted path, `$.` allowed, numeric parts index arrays) or `hardCodedValue`.
  The output holds only the generated fields. Anything else (Mapper 2.0 `mappings`,
  `mapping.lists`, lookups, handlebars, data types, conditions) is answered with 501
  rather than a result that would silently differ from integrator.io's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsrt.api.errors import Unprocessable, Unsupported
from jsrt.describe import describe
from jsrt.json_values import clone

CANONICAL_MOCK_OUTPUT = '{"page_of_records": [{"record": {...}}, {"rows": [{...}]}]}'


class MockShapeError(ValueError):
    """A mockOutput or mockResponse that is not in integrator.io's form.

    `parts` locate the bad value inside the mock (keys and indexes).
    """

    def __init__(self, parts: tuple[str | int, ...], problem: str) -> None:
        super().__init__(problem)
        self.parts = parts
        self.problem = problem


def export_records(mock_output: Any) -> list[Any]:
    """The records a `mockOutput` holds, in order (a `rows` item is one array record)."""
    if not isinstance(mock_output, dict) or list(mock_output) != ["page_of_records"]:
        raise MockShapeError((), f"expected {CANONICAL_MOCK_OUTPUT}, got {describe(mock_output)}")
    items = mock_output["page_of_records"]
    if not isinstance(items, list):
        raise MockShapeError(("page_of_records",), f"expected an array, got {describe(items)}")
    records: list[Any] = []
    for index, item in enumerate(items):
        where = ("page_of_records", index)
        if isinstance(item, dict) and list(item) == ["record"] and isinstance(item["record"], dict):
            records.append(item["record"])
        elif isinstance(item, dict) and list(item) == ["rows"] and isinstance(item["rows"], list):
            records.append(item["rows"])
        else:
            raise MockShapeError(
                where, f"expected {{record: {{...}}}} or {{rows: [...]}}, got {describe(item)}"
            )
    return clone(records)


def check_mock_response(mock_response: Any) -> None:
    """Raise `MockShapeError` unless it is a response object or a list of them."""
    if isinstance(mock_response, dict):
        return
    if not isinstance(mock_response, list):
        raise MockShapeError(
            (), f"expected an object or an array of objects, got {describe(mock_response)}"
        )
    for index, entry in enumerate(mock_response):
        if not isinstance(entry, dict):
            raise MockShapeError((index,), f"expected a response object, got {describe(entry)}")


def import_responses(
    mock_response: Any, records: list[Any], new_id: Callable[[], str], label: str
) -> list[dict[str, Any]]:
    """One response per record, as `imports.run` returns them."""
    if mock_response is None:
        entries: list[Any] = [{}] * len(records)
    elif isinstance(mock_response, dict):
        entries = [mock_response] * len(records)
    else:
        entries = mock_response
        if len(entries) != len(records):
            raise Unprocessable(
                f"{label} has a mockResponse of {len(entries)} responses but "
                f"{len(records)} records were imported; give one response per record, "
                "or a single object that answers every record"
            )
    return [_response(entry, new_id) for entry in entries]


def offline_responses(records: list[Any], message: str) -> list[dict[str, Any]]:
    """What an import on an offline connection answers each record: statusCode 401
    ("connection is offline", the runtime objects specification's imports.run)."""
    error = {"code": "connection_offline", "message": message, "source": "connection"}
    return [
        {"statusCode": 401, "ignored": False, "errors": [dict(error)], "_json": {}} for _ in records
    ]


def _response(entry: dict[str, Any], new_id: Callable[[], str]) -> dict[str, Any]:
    response = {"statusCode": 200, "ignored": False, "errors": [], **clone(entry)}
    if response["statusCode"] == 200 and "id" not in response:
        response["id"] = new_id()
    response.setdefault("_json", {"id": response["id"]} if "id" in response else {})
    return response


_FIELD_KEYS = {"generate", "extract", "hardCodedValue"}


def map_records(import_definition: dict[str, Any], records: list[Any]) -> list[dict[str, Any]]:
    """`imports.runMapping`: `[{statusCode: 200, data, errors: []}]`, one per record."""
    fields = _mapping_fields(import_definition)
    if fields is None:
        return [{"statusCode": 200, "data": clone(r), "errors": []} for r in records]
    return [
        {"statusCode": 200, "data": _map_one(fields, record), "errors": []} for record in records
    ]


def _mapping_fields(definition: dict[str, Any]) -> list[dict[str, Any]] | None:
    if definition.get("mappings"):
        raise _unsupported("Mapper 2.0 mappings[]")
    mapping = definition.get("mapping")
    if mapping is None:
        return None
    if not isinstance(mapping, dict) or not isinstance(mapping.get("fields", []), list):
        raise Unprocessable("import.mapping must be an object with a fields array")
    extra = sorted(set(mapping) - {"fields", "lists"})
    if extra or mapping.get("lists"):
        raise _unsupported(f"mapping.{(extra or ['lists'])[0]}")
    fields = mapping.get("fields", [])
    for index, field in enumerate(fields):
        where = f"mapping.fields[{index}]"
        if not isinstance(field, dict) or not isinstance(field.get("generate"), str):
            raise Unprocessable(f"{where} must be an object with a string generate")
        unknown = sorted(set(field) - _FIELD_KEYS)
        if unknown:
            raise _unsupported(f"{where}.{unknown[0]}")
        if ("extract" in field) == ("hardCodedValue" in field):
            raise Unprocessable(f"{where} needs exactly one of extract or hardCodedValue")
        extract = field.get("extract")
        dotted = isinstance(extract, str) and "{{" not in extract and "*" not in extract
        if "extract" in field and not dotted:
            raise _unsupported(f"{where}.extract {extract!r} (only dotted paths are applied)")
    return fields


def _map_one(fields: list[dict[str, Any]], record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in fields:
        if "hardCodedValue" in field:
            value = field["hardCodedValue"]
        else:
            found, value = _read_path(record, field["extract"])
            if not found:
                continue
        _write_path(out, field["generate"], clone(value))
    return out


def _read_path(record: Any, path: str) -> tuple[bool, Any]:
    value = record
    for part in path.removeprefix("$.").split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False, None
    return True, value


def _write_path(out: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = out
    for part in parents:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise Unprocessable(f"the mapping generates {path} inside {part}, not an object")
    target[last] = value


def _unsupported(what: str) -> Unsupported:
    return Unsupported(
        f"imports.runMapping: the local backend does not apply {what}; it applies only "
        "mapping.fields with generate plus a dotted extract or a hardCodedValue. "
        "Use the REST backend for this import, or simplify its mapping for local tests"
    )
