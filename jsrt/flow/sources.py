"""Where a local flow run's data comes from: the world's mocks, never a real system.

- A page generator's records are its export's `mockOutput` (integrator.io's canonical
  `page_of_records`, read as the local backend reads it:
  `jsrt.backends.local.export_pages.mock_records`) or records the caller gives, paged by
  the export's `pageSize` (default 20, as `exports.run`).
- A lookup's request for a record is answered by the lookup export's own mock: its first
  page of `mockOutput` records as the response's `data` (integrator.io's test mode also
  answers every record with the same mock data: celigo/ai
  skills/troubleshooting-flows/SKILL.md, "mock data is shared across lookups/imports").
- An import's submit is answered by its `mockResponse`, as `imports.run` answers
  locally (`jsrt.backends.local.mocks.import_responses`): one object answers every
  record; a list answers the records in the order the import receives them over the
  whole run (record n gets entry n). An import on an offline connection answers 401
  for each record (`offline_responses`).

Nothing is sent and nothing is recorded in the world: the run is a dry run on every
backend (see `jsrt.flow.execute`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from jsrt.api.errors import ApiError
from jsrt.backends.local.export_pages import mock_records, page_size
from jsrt.backends.local.mocks import import_responses, offline_responses
from jsrt.describe import describe
from jsrt.errors import InputError, UsageError
from jsrt.hooks import WorldLike


def generator_pages(
    export: Mapping[str, Any], records: Sequence[Any] | None, label: str, world_label: str
) -> list[list[Any]]:
    """The pages of a page generator: `records` when given, else the export's mock."""
    try:
        source = list(records) if records is not None else mock_records(export, label)
        size = page_size(export)
    except ApiError as error:
        raise InputError(f"{label}: {error}", file=world_label) from None
    return [source[start : start + size] for start in range(0, len(source), size)]


def lookup_answer(export: Mapping[str, Any], label: str, world_label: str) -> dict[str, Any]:
    """What the lookup export answers each record: its mock's first page as `data`."""
    try:
        records = mock_records(export, label)[: page_size(export)]
    except ApiError as error:
        raise InputError(f"{label}: {error}", file=world_label) from None
    return {"statusCode": 200, "data": records, "errors": [], "ignored": False}


class ImportAnswers:
    """The responses one import gives over a run (its list mockResponse is consumed in
    order across pages)."""

    def __init__(self, world: WorldLike, import_: Mapping[str, Any], label: str) -> None:
        self.import_ = import_
        self.label = label
        connection_id = import_.get("_connectionId")
        connection = (
            world.get("connections", connection_id) if isinstance(connection_id, str) else None
        )
        self.offline = connection is not None and connection.get("offline") is True
        self.connection = connection
        self.used = 0
        self._ids = itertools.count(1)
        self._prefix = str(import_.get("_id") or "import")

    def answer(self, records: list[Any]) -> list[dict[str, Any]]:
        """One response per record (in order)."""
        if self.offline:
            assert self.connection is not None
            name = self.connection.get("name") or self.connection.get("_id")
            return offline_responses(
                records, f"{self.label} runs on connection {name!r}, which is offline"
            )
        mock = self.import_.get("mockResponse")
        if isinstance(mock, list):
            part = mock[self.used : self.used + len(records)]
            if len(part) < len(records):
                raise UsageError(
                    f"{self.label} has a mockResponse of {len(mock)} responses but it received "
                    f"at least {self.used + len(records)} records over the run",
                    hint="give one response per record the import receives, or a single "
                    "object that answers every record",
                )
            mock = part
        elif mock is not None and not isinstance(mock, dict):
            raise UsageError(
                f"{self.label}: mockResponse must be an object or a list, got {describe(mock)}"
            )
        self.used += len(records)
        try:
            return import_responses(mock, records, self._new_id, self.label)
        except ApiError as error:
            raise UsageError(str(error)) from None

    def _new_id(self) -> str:
        return f"{self._prefix}-{next(self._ids)}"
