"""The write guard: a real account is changed only when the user opted in."""

from __future__ import annotations

from jsrt.api.catalog import Method
from jsrt.api.errors import Forbidden
from jsrt.backends.rest.settings import RestSettings

WRITES_FLAG = "--allow-writes"


def refuse_write(what: str, base_url: str) -> Forbidden:
    """The error for a write the user did not allow; `what` names the call
    (`exports.update`, `PUT /v1/scripts/...`)."""
    return Forbidden(
        f"{what} would change the integrator.io account at {base_url}; jsrt "
        f"refuses writes to a real account unless you opt in with {WRITES_FLAG} "
        "(allow_writes=True in Python, allow_writes: true in a case file)",
        code="writes_not_allowed",
    )


def check_write(method: Method, settings: RestSettings) -> None:
    """Refuse a call that would change the account unless the settings allow writes:
    create, update, patch, delete, state put/delete, lookup cache put/delete/purge, and
    import and flow runs (the catalog's `changes_account`). Reads and export runs pass."""
    if method.changes_account and not settings.allow_writes:
        raise refuse_write(method.qualified, settings.base_url)
