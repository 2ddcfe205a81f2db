"""Request scripts: called once per inbound message rather than per page.

handleRequest answers an HTTP request to a My API; contentBasedFlowRouter picks the flow
for an inbound AS2 message. A throw fails that request or message.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from jsrt.describe import describe
from jsrt.hooks.base import Contract
from jsrt.hooks.context import PLACEHOLDER_IDS
from jsrt.hooks.inputs import Inputs
from jsrt.hooks.returns import Findings

HTTP_METHOD = re.compile(r"[A-Za-z]+")
RESPONSE_SHAPE = "{statusCode, headers, body}"


def _handle_request_inputs(read: Inputs) -> None:
    """The request, with both documented query forms: `queryString` and `queryParams`."""
    has_body = read.has("body") or read.has("rawBody")
    method = read.string("method", "POST" if has_body else "GET")
    if not HTTP_METHOD.fullmatch(method):
        read.fail(
            "method",
            "an HTTP method such as GET or POST",
            describe(method),
            'give it as "method": "POST"',
        )
    read.fields["method"] = method.upper()
    read.object("headers", {})
    query = read.given.get("queryString", read.given.get("queryParams", {}))
    read.object("queryString", query)
    read.object("queryParams", query)
    read.object("pathParams", {})
    if read.has("body"):
        body = read.set("body", read.given["body"])
        as_text = (
            body
            if isinstance(body, str)
            else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        )
        read.string("rawBody", as_text)
    else:
        raw = read.string("rawBody", "")
        # Not JSON (empty, form data, XML): integrator.io leaves `body` undefined.
        with contextlib.suppress(ValueError):
            read.set("body", json.loads(raw))
    read.string("_apiId", PLACEHOLDER_IDS["api"])


def _check_handle_request(options: dict[str, Any], returned: Any, findings: Findings) -> Any:
    if not findings.require_object("handleRequest", returned, RESPONSE_SHAPE):
        return returned
    status = returned.get("statusCode")
    if not (isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599):
        findings.problem(
            "`statusCode` must be an HTTP status, an integer from 100 to 599; got"
            f" {describe(status)}"
        )
    headers = returned.get("headers")
    if headers is not None and not isinstance(headers, dict):
        findings.problem(f"`headers` must be an object {{name: value}}; got {describe(headers)}")
    if "body" not in returned:
        findings.problem(
            "the response has no `body`: return a string or an object (body: '' for an empty one)"
        )
    elif not isinstance(returned["body"], str | dict | list):
        findings.problem(f"`body` must be a string or an object; got {describe(returned['body'])}")
    return returned


def _content_based_flow_router_inputs(read: Inputs) -> None:
    read.object("httpHeaders", {})
    read.object("mimeHeaders", {})
    read.string("rawMessageBody", hint='give the AS2 message as "rawMessageBody": "ISA*00*..."')


def _check_content_based_flow_router(
    options: dict[str, Any], returned: Any, findings: Findings
) -> Any:
    if not findings.require_object("contentBasedFlowRouter", returned, "{_flowId, _exportId}"):
        return returned
    flow_id = returned.get("_flowId")
    if not isinstance(flow_id, str) or not flow_id:
        findings.problem(
            f"`_flowId` is required: the id (a string) of the flow for this message; got"
            f" {describe(flow_id)}"
        )
    export_id = returned.get("_exportId")
    if export_id is not None and not isinstance(export_id, str):
        findings.problem(f"`_exportId` must be an export id (a string); got {describe(export_id)}")
    return returned


HANDLE_REQUEST = Contract(
    name="handleRequest",
    script_kind="api",
    on_throw="request",
    sample={
        "method": "POST",
        "headers": {"content-type": "application/json", "x-request-id": "4f7c2a"},
        "queryString": {"dryRun": "false"},
        "pathParams": {"customerId": "C-42"},
        "body": {"orderId": "SO-1001", "items": [{"sku": "A-100", "qty": 2}]},
    },
    read_inputs=_handle_request_inputs,
    check_return=_check_handle_request,
)
CONTENT_BASED_FLOW_ROUTER = Contract(
    name="contentBasedFlowRouter",
    script_kind="script",
    on_throw="request",
    sample={
        "httpHeaders": {
            "as2-from": "ACMEPARTNER",
            "as2-to": "MYCOMPANY",
            "message-id": "<20250115.4821@acme.example>",
            "content-type": "application/pkcs7-mime",
        },
        "mimeHeaders": {"content-type": "application/edi-x12"},
        "rawMessageBody": "ISA*00*          *00*          *ZZ*ACMEPARTNER    *ZZ*MYCOMPANY"
        "      *250115*0912*U*00401*000004821*0*P*>~GS*PO*ACMEPARTNER*MYCOMPANY*20250115*0912"
        "*4821*X*004010~ST*850*0001~",
    },
    read_inputs=_content_based_flow_router_inputs,
    check_return=_check_content_based_flow_router,
)

CONTRACTS = (HANDLE_REQUEST, CONTENT_BASED_FLOW_ROUTER)
