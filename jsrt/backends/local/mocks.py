"""What runs answer locally: records from an export's `mockOutput`, per-record responses
from an import's `mockResponse`, and the shape of `imports.runMapping`'s answer.

These are pure functions of the documents the world holds; they never touch its state.

- `mockOutput` is integrator.io's canonical page form,
  `{"page_of_records": [{"record": {...}} | {"rows": [...]}]}`: each `record` is one
  record; each `rows` is one record that is an array (grouped or file data).
- `mockResponse` is one response object applied to every record, or a list with exactly
  one response per record. Missing fields are filled like a success:
  `{statusCode: 200, ignored: false, errors: [], id: <new>, _json: {id}}` (no id is made
  up for a response whose statusCode is not 200).
- `runMapping` answers per record from the transformation engine's outcomes
  (`jsrt.transform.mapping.map_records`, run by `World.run_mapping`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from jsrt.api.errors import Unprocessable
from jsrt.describe import describe
from jsrt.json_values import clone, clones

if TYPE_CHECKING:
    from jsrt.transform.mapping import RecordOutcome

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
    return [_response(response, new_id) for response in _filled(entries)]


def offline_responses(records: list[Any], message: str) -> list[dict[str, Any]]:
    """What an import on an offline connection answers each record: statusCode 401
    ("connection is offline", the runtime objects specification's imports.run)."""
    error = {"code": "connection_offline", "message": message, "source": "connection"}
    return [
        {"statusCode": 401, "ignored": False, "errors": [dict(error)], "_json": {}} for _ in records
    ]


def _filled(entries: list[Any]) -> list[dict[str, Any]]:
    """A fresh copy of each entry, with the fields a success has where it lacks them (one
    mock object answers every record alike: `clones` writes it once)."""
    defaults = {"statusCode": 200, "ignored": False, "errors": []}
    filled = {id(entry): {**defaults, **entry} for entry in entries}
    return cast("list[dict[str, Any]]", clones([filled[id(entry)] for entry in entries]))


def _response(response: dict[str, Any], new_id: Callable[[], str]) -> dict[str, Any]:
    if response["statusCode"] == 200 and "id" not in response:
        response["id"] = new_id()
    response.setdefault("_json", {"id": response["id"]} if "id" in response else {})
    return response


def mapping_responses(outcomes: Sequence[RecordOutcome]) -> list[dict[str, Any]]:
    """`imports.runMapping`'s answer, one entry per record (runtime objects
    specification): `{statusCode: 200, data, errors: []}` for a record that mapped,
    `{statusCode: 422, errors: [...]}` for one that failed (a lookup with no match and
    allowFailures off, a value that cannot be converted). The specification is silent on
    a failed record's `data`: there is no mapped record, so it has none."""
    return [
        {"statusCode": 200, "data": outcome.data, "errors": []}
        if outcome.ok
        else {"statusCode": 422, "errors": [dict(error) for error in outcome.errors]}
        for outcome in outcomes
    ]


def offline_mapping_responses(records: list[Any], message: str) -> list[dict[str, Any]]:
    """What `imports.runMapping` answers each record of an import whose connection is
    offline: statusCode 401 (runtime objects specification), nothing mapped."""
    error = {"code": "connection_offline", "message": message, "source": "connection"}
    return [{"statusCode": 401, "errors": [dict(error)]} for _ in records]
