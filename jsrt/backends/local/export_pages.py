"""Export answers from mock records: the first page of a run, the pages of a paged run.

integrator.io's `exports.run` / `runVirtual` return only the first page (`pageSize`,
default 20); `runVirtualWithPaging` returns the following pages, continuing from a
`pagedExportState` of `{"jsrtPage": <n>}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsrt.api.errors import InvalidArgument, Unprocessable
from jsrt.backends.local.mocks import MockShapeError, export_records
from jsrt.describe import format_path

DEFAULT_EXPORT_PAGE_SIZE = 20


def mock_records(export: Mapping[str, Any], label: str) -> list[Any]:
    if "mockOutput" not in export:
        return []
    try:
        return export_records(export["mockOutput"])
    except MockShapeError as err:
        where = format_path(("mockOutput", *err.parts), root="")
        raise Unprocessable(f"{label}: {where}: {err.problem}") from None


def page_size(export: Mapping[str, Any]) -> int:
    size = export.get("pageSize", DEFAULT_EXPORT_PAGE_SIZE)
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise Unprocessable(f"export pageSize must be a positive integer, got {size!r}")
    return size


def page_from_state(state: Any) -> int:
    if state is None:
        return 0
    page = state.get("jsrtPage") if isinstance(state, dict) else None
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise InvalidArgument(
            "exports.runVirtualWithPaging: pagedExportState is not one this function returned; "
            "pass back the previous answer's pagedExportState as-is, or omit it for page one"
        )
    return page


def export_page(records: list[Any], page: int, size: int) -> dict[str, Any]:
    return {"data": records[page * size : (page + 1) * size], "dataURIs": [], "errors": []}
