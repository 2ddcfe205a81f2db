"""HTTP answers as integrator.io sends them: JSON, the error envelope, a codec reply."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from jsrt.api.errors import ApiError, BadRequest
from jsrt.api.wire import NO_BODY, WireReply


def reply_response(reply: WireReply) -> Response:
    """The response for a successful call's reply (plain text, JSON or no body)."""
    if reply.text is not None:
        return PlainTextResponse(reply.text, reply.status)
    if reply.body is NO_BODY:
        return Response(status_code=reply.status)
    return json_response(reply.body, status=reply.status)


def json_response(
    value: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(value), status, headers, media_type="application/json")


def error_response(err: ApiError, headers: dict[str, str] | None = None) -> Response:
    """integrator.io's `{errors: [{code, message}]}` envelope with the error's status."""
    return json_response(err.to_wire(), status=err.status_code, headers=headers)


def error_code(phrase: str) -> str:
    """An HTTP reason phrase as an error code: 'Not Found' -> 'not_found'."""
    return phrase.lower().replace(" ", "_")


async def read_body(request: Request) -> Any:
    """The request's JSON body, `NO_BODY` when it has none, or `BadRequest`."""
    return parse_body(await request.body())


def parse_body(raw: bytes) -> Any:
    """A request body read as JSON, `NO_BODY` when it is empty, or `BadRequest`."""
    if not raw.strip():
        return NO_BODY
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise BadRequest(f"the request body is not JSON: {err}", code="invalid_json") from None
