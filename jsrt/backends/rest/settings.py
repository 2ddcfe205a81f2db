"""Which account the REST backend reaches and with which token (no httpx here: the
runner imports this to describe a run before any worker starts)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from jsrt.backends.scrubbing import redacted_url
from jsrt.errors import UsageError

Region = Literal["us", "eu"]
"""integrator.io's regions."""
REGIONS: dict[Region, str] = {
    "us": "https://api.integrator.io",
    "eu": "https://api.eu.integrator.io",
}
DEFAULT_REGION: Region = "us"
TOKEN_ENV = "INTEGRATOR_IO_TOKEN"
BASE_URL_ENV = "INTEGRATOR_IO_BASE_URL"


def resolve_base_url(
    base_url: str | None = None,
    region: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The account's API root: `base_url`, else `$INTEGRATOR_IO_BASE_URL`, else the region's."""
    environ = os.environ if environ is None else environ
    if base_url is not None and region is not None:
        raise UsageError(
            "give either a base URL or a region, not both",
            hint="--base-url points at any server (jsrt serve, a proxy); --region picks "
            "integrator.io's own (us or eu)",
        )
    if region is not None:
        if region not in REGIONS:
            raise UsageError(
                f"unknown region {region!r}; integrator.io has {', '.join(REGIONS)}",
                hint="use --region us (api.integrator.io) or --region eu (api.eu.integrator.io)",
            )
        return REGIONS[region]
    chosen = base_url or environ.get(BASE_URL_ENV) or REGIONS[DEFAULT_REGION]
    source = "--base-url" if base_url else BASE_URL_ENV if environ.get(BASE_URL_ENV) else "region"
    return _checked_api_root(chosen, source)


def _checked_api_root(url: str, source: str) -> str:
    """`url` without its trailing `/`, once it is an http(s) API root that carries no
    credentials: a `user:password@` would make httpx send Basic auth instead of the token
    (and put the password in messages and cassettes), and a query or fragment is no part
    of an API root (and is where tokens travel). The URL is shown redacted."""
    example = "give it like https://api.integrator.io or http://127.0.0.1:7420"
    shown = redacted_url(url)
    if "@" in url:
        raise UsageError(
            f"{source}: {shown!r} carries credentials (user:password@); jsrt authenticates "
            "with the API token alone, and never puts credentials in a URL",
            hint=f"{example}, and export the API token in ${TOKEN_ENV} (or --token-env)",
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{source}: {shown!r} is not an http(s) URL of an API root", hint=example)
    if parts.query or parts.fragment or url.rstrip("/").endswith(("?", "#")):
        raise UsageError(
            f"{source}: {shown!r} has a query or fragment; an API root has neither, and "
            "jsrt never sends a token in a URL",
            hint=f"{example}, with the token in ${TOKEN_ENV} (or --token-env)",
        )
    return url.rstrip("/")


def read_token(token_env: str, environ: Mapping[str, str] | None = None) -> str:
    """The bearer token held by the environment variable `token_env` (never shown)."""
    token = _token_in(token_env, environ)
    if not token:
        raise UsageError(
            f"the REST backend needs an integrator.io API token in ${token_env}, which is "
            "not set in the process that runs the hooks",
            hint=f"create an API token in a sandbox account and export {token_env}=<token> "
            "before starting jsrt",
            token_env=token_env,
        )
    if not re.fullmatch(r"[!-~]+", token):
        # A bearer token is printable ASCII without spaces (RFC 6750's b64token); httpx
        # would refuse any other in an error that quotes the header, token and all.
        raise UsageError(
            f"${token_env} holds spaces, line breaks or characters outside ASCII inside the "
            "token, which an API token never has (its value is not shown)",
            hint=f"export {token_env} with the token alone, as integrator.io shows it",
            token_env=token_env,
        )
    return token


def token_fingerprint(token_env: str, environ: Mapping[str, str] | None = None) -> str:
    """A short digest of the token `token_env` holds ('' when none): how the caller tells
    whether the engine's worker, which copied the environment when it started, still
    holds the caller's token, without the token crossing to it."""
    token = _token_in(token_env, environ)
    import hashlib  # ~4 ms of a cold start, for a run that reaches an account

    return hashlib.sha256(token.encode()).hexdigest()[:16] if token else ""


def _token_in(token_env: str, environ: Mapping[str, str] | None) -> str:
    return (os.environ if environ is None else environ).get(token_env, "").strip()


@dataclass(frozen=True)
class RestSettings:
    """How the REST backend reaches the account. Plain data: it crosses to the worker."""

    base_url: str
    token_env: str = TOKEN_ENV
    allow_writes: bool = False
    timeout_s: float = 30.0
    max_tries: int = 4
    max_wait_s: float = 10.0

    @classmethod
    def resolve(
        cls,
        *,
        base_url: str | None = None,
        region: str | None = None,
        token_env: str | None = None,
        allow_writes: bool = False,
    ) -> RestSettings:
        """Settings from what the user gave, the environment filling the rest."""
        if token_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token_env):
            raise UsageError(  # not echoed: a token given in its place would be printed
                "the token variable's name is not an environment variable name (letters, "
                "digits and _; the value given is not shown, in case it is the token)",
                hint="give the name of the variable that holds the token, not the token",
            )
        return cls(
            base_url=resolve_base_url(base_url, region),
            token_env=token_env or TOKEN_ENV,
            allow_writes=allow_writes,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
