"""The gate in front of every path: bearer auth (a bare `{message}` 401, as
integrator.io's middleware answers), then the faults and throttle on API paths."""

from __future__ import annotations

import hmac

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from jsrt.server.account import Account
from jsrt.server.api_schema import ADMIN_PREFIX
from jsrt.server.responses import json_response


class Gate:
    """Bearer auth on every path (a bare `{message}` 401, as integrator.io's middleware),
    then the faults and throttle on API paths."""

    def __init__(self, app: ASGIApp, account: Account, token: str) -> None:
        self.app = app
        self.account = account
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("authorization")
        refusal: Response | None = None
        if not given:
            refusal = json_response({"message": "Unauthorized"}, status=401)
        elif not hmac.compare_digest(given.encode(), self.expected):
            refusal = json_response({"message": "Bearer Authentication Failed"}, status=401)
        elif not scope["path"].startswith(f"{ADMIN_PREFIX}/"):
            refusal = self.account.refusal()
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)
