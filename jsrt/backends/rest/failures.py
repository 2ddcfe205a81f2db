"""integrator.io's failed answers as the `ApiError` the local backend would raise.

An envelope `{errors: [{code, message}]}`, the bare `{message}` of a 401 and plain text
all become one `ApiError` (`code`, `statusCode`, `errors`), so the thrown JS `Error` is the
same whichever backend answered. Messages say which request failed and what to do.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from jsrt.api.errors import (
    ApiError,
    BadRequest,
    ConnectionOffline,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    Unauthorized,
    Unprocessable,
)
from jsrt.api.wire import WireRequest
from jsrt.backends.rest.settings import RestSettings

_ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    413: PayloadTooLarge,
    422: Unprocessable,
    429: RateLimited,
}


def api_error(
    settings: RestSettings,
    request: WireRequest,
    response: httpx.Response,
    text: str,
    *,
    retried: int = 0,
    past_deadline: bool = False,
) -> ApiError:
    """integrator.io's answer as the `ApiError` the local backend would raise. `text` is
    the answer's body as text, without the API token (the client takes it out)."""
    status = response.status_code
    message, code, errors = _error_parts(response, text)
    where = f"{request.verb} {request.path}"
    if status == 401 and code == ConnectionOffline.code:
        return ConnectionOffline(message, errors=errors)  # the account answered, not the token
    if status == 401:
        message = (
            f"integrator.io refused the API token ({message}) on {where}: set "
            f"{settings.token_env} to a valid API token of the account at "
            f"{settings.base_url}"
        )
    elif status == 429:
        why = (
            "waiting longer would pass the hook's time limit"
            if past_deadline
            else f"still rate limited after {retried} tries"
        )
        message = f"integrator.io rate limited {where} ({why}): {message}"
    elif status >= 500:
        reason = response.reason_phrase or "server error"
        message = f"integrator.io failed with {status} {reason} on {where}: {message}"
    klass = _ERRORS_BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return klass(message, code=code, status_code=status, errors=errors)


def network_error(settings: RestSettings, request: WireRequest, reason: str) -> ServerError:
    """The server could not be reached (503: neither the hook nor the account is wrong)."""
    return ServerError(
        f"could not reach integrator.io at {settings.base_url} for {request.verb} "
        f"{request.path}: {reason}. Check the base URL or region, and the network",
        code="network_error",
        status_code=503,
    )


def unexpected(request: WireRequest, problem: str) -> ServerError:
    """An answer the REST backend cannot use (502: the server, not the hook, is wrong)."""
    return ServerError(
        f"{request.verb} {request.path}: {problem}", code="unexpected_response", status_code=502
    )


def _error_parts(
    response: httpx.Response, text: str
) -> tuple[str, str | None, list[dict[str, Any]] | None]:
    """(message, code, errors) from an envelope, a bare `{message}`, or plain `text`."""
    try:
        body = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        errors = [e if isinstance(e, dict) else {"message": str(e)} for e in body["errors"]]
        message = "; ".join(str(e.get("message", "")) for e in errors)
        code = errors[0].get("code")
        return message, code if isinstance(code, str) else None, errors
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"], None, None
    text = text.strip()
    return (text[:500] if text else response.reason_phrase or str(response.status_code)), None, None
