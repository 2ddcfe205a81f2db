"""Page hooks: called once per page of records on an export, an import or a flow step.

preSavePage (export), preMap, postMap, postSubmit, postAggregate (import) and
postResponseMap (a flow's lookup or import step). A throw fails the whole page
(celigo-reference §2.3); per-record failures travel in the return value instead.
"""

from __future__ import annotations

import operator
from typing import Any

from jsrt.describe import describe
from jsrt.hooks.base import Contract
from jsrt.hooks.context import LAST_RUN_AT, RUN_STARTED_AT, resource_in_play
from jsrt.hooks.inputs import OMIT, Inputs
from jsrt.hooks.jsvalue import is_record, non_records
from jsrt.hooks.kinds import ReceivedResource, ScriptType
from jsrt.hooks.returns import Findings, ReturnCheck, ignored_return, one_per_record
from jsrt.json_values import clone

POST_RESPONSE_MAP_RECEIVES: tuple[ReceivedResource, ...] = ("import", "export")
"""A postResponseMap sits on an import step, or on a lookup (an export)."""

PAGE_SHAPE = "{data, errors, abort, newErrorsAndRetryData}"
MAPPED_ELEMENT = "{data}, {errors}, {data, errors} or {} (skip)"


def _responses(read: Inputs, key: str) -> list[dict[str, Any]] | None:
    """An optional array of destination responses, one object per record, each completed
    with the fields every response carries (`_complete_response`)."""
    responses = read.array(key, OMIT)
    if responses is None:
        return None
    for position, response in enumerate(responses):
        if not isinstance(response, dict):
            read.fail(
                f"{key}[{position}]",
                "a response object {statusCode, id, errors, ...}",
                describe(response),
                f'give every element of "{key}" as {{"statusCode": 200}}',
            )
    read.fields[key] = [_complete_response(response) for response in responses]
    return read.fields[key]


def _complete_response(given: dict[str, Any]) -> dict[str, Any]:
    """A response as integrator.io passes every one, an import's or a lookup's: with
    `statusCode` (200 success, 422 error; runtime objects specification, imports.run) and
    `ignored` (true only when the record was skipped), and `errors` ([] when none). A
    given field is kept; a response that reports errors and no status is a 422."""
    status = 422 if given.get("errors") else 200
    return {"statusCode": status, "ignored": False, "errors": [], **clone(given)}


def _import_response(position: int) -> dict[str, Any]:
    """What an import answers for a record it imported without trouble."""
    return {
        "statusCode": 200,
        "id": str(position + 1),
        "ignored": False,
        "errors": [],
        "_json": {},
        "dataURI": "",
    }


def _lookup_response(_position: int) -> dict[str, Any]:
    """What a lookup answers for a record it found nothing for: a success with no data
    (each response carries `statusCode`, `errors`, `ignored` and, for a lookup, `data`:
    the postResponseMap stub of integrator.io's UI)."""
    return {"statusCode": 200, "data": [], "errors": [], "ignored": False}


# preSavePage ----------------------------------------------------------------------------


def _pre_save_page_inputs(read: Inputs) -> None:
    data = read.records("data", hint='pass the page as "data": [{...}, {...}]')
    read.errors("errors", [])
    read.object("retryData", {})
    read.same_lengths(data=data, files=read.array("files", OMIT))
    read.index("pageIndex", 0)
    read.string("lastExportDateTime", LAST_RUN_AT)
    read.string("currentExportDateTime", RUN_STARTED_AT)


def _check_retry_entries(entries: Any, findings: Findings) -> None:
    if not isinstance(entries, list):
        findings.problem(
            "`newErrorsAndRetryData` must be an array of {retryData, errors}; "
            f"got {describe(entries)}"
        )
        return
    for position, entry in enumerate(entries):
        where = f"newErrorsAndRetryData[{position}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("errors"), list):
            findings.element_problem(
                f"{where} must be {{retryData: record, errors: [error]}}; got {describe(entry)}"
            )
            continue
        findings.hook_errors(entry["errors"], f"{where}.errors", retryData=entry.get("retryData"))


def _check_pre_save_page(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
    expected = f"an object {PAGE_SHAPE}"
    if isinstance(returned, list):
        expected += " (wrap the records: return {data: records, errors: options.errors})"
    if not findings.require_object("preSavePage", returned, expected):
        return returned
    data = returned.get("data")
    if not isinstance(data, list):
        findings.problem(
            f"preSavePage's returned `data` must be an array of records; got {describe(data)}"
            " (return data: [] to pass no records on)"
        )
    else:
        for position, record in non_records(data):
            findings.element_problem(
                f"data[{position}] must be a record, an object (or an array for grouped"
                f" data); got {describe(record)}"
            )
    findings.hook_errors(returned.get("errors"), "errors")
    abort = returned.get("abort")
    if abort is not None and not isinstance(abort, bool):
        findings.problem(f"`abort` must be true or false; got {describe(abort)}")
    elif abort:
        findings.note("abort: true: the export produces no further pages after this one")
    if returned.get("newErrorsAndRetryData") is not None:
        _check_retry_entries(returned["newErrorsAndRetryData"], findings)
    return returned


# preMap and postMap ---------------------------------------------------------------------


def _pre_map_inputs(read: Inputs) -> None:
    read.records("data", hint='pass the page as "data": [{...}, {...}]')


def _post_map_inputs(read: Inputs) -> None:
    post = read.records("postMapData", hint='pass the mapped page as "postMapData": [{...}]')
    pre = read.records("preMapData", OMIT)
    read.same_lengths(postMapData=post, preMapData=pre)
    if pre is None:
        read.set("preMapData", clone(post))


def data_only(returned: list[Any]) -> list[Any] | None:
    """The records of a preMap or postMap return whose every element is `{data: record}`,
    the usual page, or None. Told in passes in C: a check of each element in Python was
    a tenth of the Python time of a 10,000-record flow."""
    if not set(map(type, returned)) <= _ONLY_DICT or not set(map(len, returned)) <= _ONE_KEY:
        return None
    try:
        records = list(map(_DATA, returned))
    except KeyError:
        return None
    return None if next(non_records(records), None) else records


_ONLY_DICT = {dict}
_ONE_KEY = {1}
_DATA = operator.itemgetter("data")


def _mapped_records_check(script: str, input_field: str) -> ReturnCheck:
    """preMap and postMap: element i is {data}, {errors}, {data, errors} or {} (skip)."""

    def check(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
        if not one_per_record(findings, script, returned, input_field, len(options[input_field])):
            return returned
        if data_only(returned) is not None:
            return returned  # every element goes on: nothing to say
        skipped, failed = [], []
        for position, element in enumerate(returned):
            if not isinstance(element, dict):
                findings.element_problem(
                    f"element {position} must be {MAPPED_ELEMENT}; got {describe(element)}"
                )
                continue
            others = sorted(set(element) - {"data", "errors"})
            if others:
                findings.element_problem(
                    f"element {position} has {', '.join(others)} beside data/errors, so it"
                    " looks like a bare record; integrator.io reads only `data` and `errors`"
                    " from each element, so the record would not go on: wrap it as"
                    " {data: record}"
                )
            if "data" in element and not is_record(element["data"]):
                findings.element_problem(
                    f"element {position}: `data` must be a record (an object, or an array"
                    f" for grouped data); got {describe(element['data'])}"
                )
            findings.hook_errors(
                element.get("errors"), f"element {position}: errors", index=position
            )
            if not element:
                skipped.append(position)
            elif "data" not in element and not others:
                failed.append(position)
        if skipped:
            findings.note(f"{len(skipped)} record(s) skipped ({{}} returned): {skipped}")
        if failed:
            findings.note(f"{len(failed)} record(s) failed with errors only: {failed}")
        return returned

    return check


# postSubmit -----------------------------------------------------------------------------


def _post_submit_inputs(read: Inputs) -> None:
    pre = read.records("preMapData", OMIT)
    post = read.records("postMapData", OMIT)
    responses = _responses(read, "responseData")
    records = post if post is not None else pre
    if records is not None:
        count = len(records)
    elif responses is not None:
        count = len(responses)
    else:
        read.fail(
            "responseData",
            "an array of responses, one per record",
            None,
            'pass "responseData": [{"statusCode": 200, "id": "1"}] or the records as'
            ' "postMapData": [...]',
        )
    read.same_lengths(preMapData=pre, postMapData=post, responseData=responses)
    if records is None:
        records = [{} for _ in range(count)]
    if pre is None:
        read.set("preMapData", clone(records))
    if post is None:
        read.set("postMapData", clone(records))
    if responses is None:
        read.set("responseData", [_import_response(i) for i in range(count)])


def _check_post_submit(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
    given = options["responseData"]
    if not one_per_record(findings, "postSubmit", returned, "responseData", len(given)):
        return returned
    for position, response in enumerate(returned):
        if not isinstance(response, dict):
            findings.element_problem(
                f"element {position} must be a response object like"
                f" options.responseData[{position}]; got {describe(response)}"
            )
            continue
        before = given[position].get("errors") or []
        added = response.get("errors")
        if isinstance(added, list):
            added = [error for error in added if error not in before]
        findings.hook_errors(added, f"element {position}: errors", index=position)
    return returned


# postAggregate --------------------------------------------------------------------------


def _post_aggregate_inputs(read: Inputs) -> None:
    read.object("postAggregateData", {"success": True, "_json": {}})


# postResponseMap ------------------------------------------------------------------------


def _post_response_map_inputs(read: Inputs) -> None:
    records = read.records(
        "postResponseMapData", hint='pass the records as "postResponseMapData": [{...}]'
    )
    responses = _responses(read, "responseData")
    read.same_lengths(postResponseMapData=records, responseData=responses)
    if responses is None:
        answer = (
            _lookup_response
            if resource_in_play(read.given, POST_RESPONSE_MAP_RECEIVES) == "export"
            else _import_response
        )
        read.set("responseData", [answer(i) for i in range(len(records))])
    read.boolean("oneToMany", False)
    read.string("pathToMany", OMIT)


def _check_post_response_map(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
    expected = len(options["postResponseMapData"])
    if not one_per_record(findings, "postResponseMap", returned, "postResponseMapData", expected):
        return returned
    for position, record in non_records(returned):
        findings.element_problem(
            f"element {position} must be a record (an object, or an array for grouped"
            f" data); got {describe(record)}"
        )
    return returned


_ORDERS = [
    {
        "id": "SO-1001",
        "customer": {"name": "Acme Corp", "email": "ap@acme.example"},
        "createdAt": "2025-01-15T09:12:00Z",
        "lines": [{"sku": "A-100", "qty": 2, "price": 9.5}],
        "status": "open",
    },
    {
        "id": "SO-1002",
        "customer": {"name": "Globex", "email": "orders@globex.example"},
        "createdAt": "2025-01-15T10:40:00Z",
        "lines": [{"sku": "B-200", "qty": 1, "price": 120}],
        "status": "open",
    },
]
_SALES_ORDERS = [
    {
        "externalId": "SO-1001",
        "entity": "Acme Corp",
        "tranDate": "2025-01-15",
        "item": [{"item": "A-100", "quantity": 2, "rate": 9.5}],
    },
    {
        "externalId": "SO-1002",
        "entity": "Globex",
        "tranDate": "2025-01-15",
        "item": [{"item": "B-200", "quantity": 1, "rate": 120}],
    },
]
_RESPONSES = [
    {
        "statusCode": 200,
        "id": "48213",
        "ignored": False,
        "errors": [],
        "_json": {"id": 48213},
        "dataURI": "",
    },
    {
        "statusCode": 422,
        "ignored": False,
        "_json": {},
        "dataURI": "",
        "errors": [
            {
                "code": "INVALID_KEY_OR_REF",
                "message": "Invalid item reference key B-200.",
                "source": "netsuite",
            }
        ],
    },
]


def _page_hook(name: ScriptType, on: ReceivedResource, **parts: Any) -> Contract:
    """A flow hook called once per page on an export or import (`on`)."""
    return Contract(
        name=name, script_kind="hook", resource=on, receives=(on,), on_throw="page", **parts
    )


PRE_SAVE_PAGE = _page_hook(
    "preSavePage",
    "export",
    sample={"data": _ORDERS},
    read_inputs=_pre_save_page_inputs,
    check_return=_check_pre_save_page,
)
PRE_MAP = _page_hook(
    "preMap",
    "import",
    sample={"data": _ORDERS},
    read_inputs=_pre_map_inputs,
    check_return=_mapped_records_check("preMap", "data"),
)
POST_MAP = _page_hook(
    "postMap",
    "import",
    sample={"preMapData": _ORDERS, "postMapData": _SALES_ORDERS},
    read_inputs=_post_map_inputs,
    check_return=_mapped_records_check("postMap", "postMapData"),
)
POST_SUBMIT = _page_hook(
    "postSubmit",
    "import",
    sample={"preMapData": _ORDERS, "postMapData": _SALES_ORDERS, "responseData": _RESPONSES},
    read_inputs=_post_submit_inputs,
    check_return=_check_post_submit,
)
POST_AGGREGATE = Contract(
    name="postAggregate",
    script_kind="hook",
    resource="import",
    receives=("import",),
    on_throw="fatal",
    sample={"postAggregateData": {"success": True, "_json": {"name": "orders-2025-01-15.csv"}}},
    read_inputs=_post_aggregate_inputs,
    check_return=ignored_return("postAggregate"),
)
POST_RESPONSE_MAP = Contract(
    name="postResponseMap",
    script_kind="hook",
    resource="flow",
    receives=POST_RESPONSE_MAP_RECEIVES,
    on_throw="page",
    sample={
        "postResponseMapData": [
            {**_ORDERS[0], "netsuiteId": "48213"},
            {**_ORDERS[1], "netsuiteId": None},
        ],
        "responseData": _RESPONSES,
    },
    read_inputs=_post_response_map_inputs,
    check_return=_check_post_response_map,
)

CONTRACTS = (PRE_SAVE_PAGE, PRE_MAP, POST_MAP, POST_SUBMIT, POST_AGGREGATE, POST_RESPONSE_MAP)
