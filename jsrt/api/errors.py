"""Typed errors that carry integrator.io's wire codes (the moto way).

A backend raises `ApiError` (or a subclass) for every failed call. The dispatcher turns
it into the thrown JavaScript `Error` a hook sees: `message`, `code`, `statusCode` and
`errors` (integrator.io's `[{code, message}]` envelope). The REST server turns it into
an HTTP response with the same status and body, so local and remote agree.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A failed integrator-api call, as integrator.io would report it."""

    status_code: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.errors = errors if errors is not None else [{"code": self.code, "message": message}]

    def to_wire(self) -> dict[str, Any]:
        """The body integrator.io sends: `{"errors": [{code, message}]}`."""
        return {"errors": self.errors}

    def to_dict(self) -> dict[str, Any]:
        """What the JS shim needs to build the thrown `Error`."""
        return {
            "message": self.message,
            "code": self.code,
            "statusCode": self.status_code,
            "errors": self.errors,
        }


class BadRequest(ApiError):
    status_code = 400
    code = "bad_request"


class InvalidArgument(BadRequest):
    """The script passed arguments the catalog does not accept (caught before any backend)."""

    code = "invalid_argument"


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"


class ConnectionOffline(Unauthorized):
    """The resource's connection is offline: integrator.io answers 401 ("connection is
    offline", the runtime objects specification's imports.run and runVirtual responses)."""

    code = "connection_offline"


class Forbidden(ApiError):
    status_code = 403
    code = "forbidden"


class PolicyViolation(Forbidden):
    """integrator.io refuses the call where the script runs (hook rules, celigo-reference §2.2)."""

    code = "policy_violation"


class NotFound(ApiError):
    status_code = 404
    code = "not_found"


class PayloadTooLarge(ApiError):
    """A call or its answer is over a size limit (lookup cache data: 5 MB)."""

    status_code = 413
    code = "payload_too_large"


class Unprocessable(ApiError):
    status_code = 422
    code = "invalid_request"


class InvalidField(Unprocessable):
    """A REST request's body lacks a field or has a wrong one: integrator.io's validation
    error, `invalid_field` with the `field` it is about (developer.celigo.com errors page,
    celigo-reference §3.1)."""

    code = "invalid_field"


class LimitExceeded(Unprocessable):
    """A count limit was passed (lookup cache data: 1,000 keys or entries per call)."""

    code = "limit_exceeded"


class RateLimited(ApiError):
    status_code = 429
    code = "rate_limited"


class ServerError(ApiError):
    status_code = 500
    code = "server_error"


class Unsupported(ApiError):
    """The call exists in the runtime but this backend cannot answer it."""

    status_code = 501
    code = "not_supported"
