"""What is secret in integrator.io's documents and calls, and how it is scrubbed.

`SECRET_NAMES` is the one declared list: the cassette scrubs by it, and so does anything
else that hides secrets. A name is secret when, lower-cased with `_`, `-`, `.` and spaces
taken out (so `client_secret`, `clientSecret` and `Client-Secret` are one name), it is in
the list or ends with one of `SECRET_NAME_ENDINGS` (`pgpPassphrase`, `dbPassword`,
`oauthToken`, `webhookSecret`, `consumerPrivateKey`), or is the plural of such a name
(`passwords`).

Where integrator.io keeps secrets, from its connection documents (the public Celigo test
fixtures, SubarnaCeligo/Backlog-Bugs `testData/Connections/Create/*.json`, and
../shared/docs/celigo-reference.md S2, S6):

- `encrypted`: the object of a connection's secrets (`http.encrypted`, a wrapper
  connection's `connection.encrypted`); integrator.io masks it as `"******"`.
- `http.auth.token.{token, refreshToken}`, `http.auth.basic.password`,
  `http.auth.oauth.{clientSecret, ...}`, `rest.bearerToken`, `ftp.password`,
  `pgp.{privateKey, passphrase}`, `netsuite.{tokenSecret, consumerSecret}`,
  `s3.secretAccessKey`, a Stack function's `bearerToken`.
- Header lists, `http.headers: [{name, value}]`: the value is secret when the name is an
  auth header (`Authorization`, `X-Api-Key`, cookies...), the same headers that are
  secret as the keys of a header object (`handleRequest`'s `options.headers`).

A value under a secret name is replaced whole, whatever it is (a string, a list, an
object): an object under a secret name (`http.auth.token`, `encrypted`) may hold its
secret under any key. `scrubbed` does that (without tokens) for what jsrt prints or writes
for a person or CI: `jsrt run`'s calls, test reports, a `HookResult`'s repr.

`masked` is different: it is what integrator.io itself answers for a connection
(celigo/ai `skills/configuring-connections/SKILL.md`, HEAD 082ce7f: "GET masks
credentials. Passwords, tokens, and secrets are returned as "******""; its
`references/schemas/http.yml`: `encrypted` is "Returned as the masked string "******"",
`auth.token.token` is "returned masked"), so a script reading a connection from the local
world or `jsrt serve` reads what it would read from integrator.io.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

SECRET_NAMES: tuple[str, ...] = (
    # integrator.io's connection documents
    "encrypted",
    "password",
    "passphrase",
    "token",
    "bearerToken",
    "accessToken",
    "refreshToken",
    "apiToken",
    "tokenSecret",
    "consumerSecret",
    "clientSecret",
    "secret",
    "apiKey",
    "privateKey",
    "secretKey",
    "secretAccessKey",
    "sessionToken",
    "credentials",
    # keys integrator.io masks (celigo/ai skills/configuring-connections/references/
    # schemas: ftp.yml `authKey`, `pgpDecryptKey`; http.yml `clientCertificates.pfx`;
    # jdbc.yml `wallet`; oauth.yml `pkceCodeVerifier`; `...PrivateKey` by its ending)
    "authKey",
    "pgpDecryptKey",
    "pfx",
    "wallet",
    "pkceCodeVerifier",
    # auth headers, as an object's keys or the `name` of a {name, value} pair
    "Authorization",
    "Proxy-Authorization",
    "X-Api-Key",
    "X-Auth-Token",
    "X-Access-Token",
    "X-Amz-Security-Token",
    "Cookie",
    "Set-Cookie",
)
"""The names whose values never reach a cassette (matched across naming styles)."""
SECRET_NAME_ENDINGS: tuple[str, ...] = (
    "password",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
)
"""A name that ends with one of these (compared as `SECRET_NAMES` are) is secret too."""
SCRUBBED = "<scrubbed>"
TOKEN_PLACEHOLDER = "<token>"
MASKED = "******"
"""What integrator.io answers in place of a connection's secret (see `masked`)."""
MASKED_WHOLE = "encrypted"
"""The one object integrator.io masks whole: its keys are the user's own field names."""


def normal_name(name: str) -> str:
    """`name` as the secret names are compared: `X-Api-Key`, `x_api_key` and `xApiKey`
    are one name."""
    return re.sub(r"[\s_.\-]", "", name).lower()


_NORMAL_SECRET_NAMES = frozenset(normal_name(name) for name in SECRET_NAMES)


def is_secret_name(name: str) -> bool:
    """Whether a value under `name` (an object's key, a header's name) is a secret."""
    normal = normal_name(name)
    singular = normal.removesuffix("s")  # `passwords`, `apiKeys`: a list of secrets
    return any(
        form in _NORMAL_SECRET_NAMES or form.endswith(SECRET_NAME_ENDINGS)
        for form in (normal, singular)
    )


def holds_secret(
    container: Mapping[str, Any], key: str, is_secret: Callable[[str], bool] = is_secret_name
) -> bool:
    """Whether the value under `key` in `container` is a secret: `key` is a secret name, or
    `container` is a `{name, value}` header pair whose name is secret and `key` is `value`."""
    if is_secret(key):
        return True
    name = container.get("name")
    return key == "value" and isinstance(name, str) and is_secret(name)


def scrubbed(value: Any) -> Any:
    """`value` as jsrt may print or write it for a person or CI: every value that
    `holds_secret` is replaced whole by `SCRUBBED`, as a cassette has it (see `Scrubber`)."""
    return _BY_NAME(value)


def masked(document: Any) -> Any:
    """A connection as integrator.io answers it (see the module docstring): every value
    under a secret name is `MASKED`, except that an object under a secret name other than
    `MASKED_WHOLE` (`http.auth.token`, `http.auth.cookie`: settings beside the secret) keeps
    its shape with its own secrets masked. Null and booleans are kept (nothing to hide), and
    so are header pairs: integrator.io answers `http.headers` as they were written."""
    if isinstance(document, list):
        return [masked(item) for item in document]
    if not isinstance(document, dict):
        return document
    out: dict[str, Any] = {}
    for key, value in document.items():
        hidden = is_secret_name(key) and value is not None and not isinstance(value, bool)
        keeps_shape = isinstance(value, dict) and normal_name(key) != MASKED_WHOLE
        out[key] = MASKED if hidden and not keeps_shape else masked(value)
    return out


def token_forms(tokens: Iterable[str]) -> list[str]:
    """Every form in which a token may be written: as held (the variable's raw value),
    as sent (stripped, the way `read_token` sends it) and URL-encoded; longest first,
    so a form that contains another is replaced whole."""
    forms: set[str] = set()
    for token in tokens:
        for form in (token, token.strip()):
            if form.strip():
                forms.update((form, quote(form, safe=""), quote_plus(form)))
    return sorted(forms, key=len, reverse=True)


class Scrubber:
    """Replaces secrets in a JSON value: token values in every string (and key), and,
    `by_name`, the values under secret names (`is_secret_name`, plus `extra_names`
    compared the same way) or in a `{name, value}` pair whose name is secret. Null and
    integrator.io's mask (`MASKED`) are kept: they hide nothing, and a replayed answer
    then reads as integrator.io's did."""

    def __init__(
        self, tokens: Iterable[str] = (), extra_names: Iterable[str] = (), *, by_name: bool = True
    ) -> None:
        self.tokens = token_forms(tokens)
        self.extra_names = frozenset(normal_name(name) for name in extra_names)
        self.by_name = by_name

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                self.text(key): SCRUBBED
                if item not in (None, MASKED) and holds_secret(value, key, self.is_secret)
                else self(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def text(self, text: str) -> str:
        """`text` with every token replaced by `TOKEN_PLACEHOLDER` (for messages too)."""
        for token in self.tokens:
            text = text.replace(token, TOKEN_PLACEHOLDER)
        return text

    def is_secret(self, name: str) -> bool:
        """Whether this scrubber hides the value under `name`."""
        return self.by_name and (is_secret_name(name) or normal_name(name) in self.extra_names)


_BY_NAME = Scrubber()


def redacted_url(url: str) -> str:
    """`url` as a message may show it: any `user:password@` and everything after a `?` or
    `#` replaced by `***`, so neither a password nor a query value (a token) is echoed."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    query = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    at = rest.rfind("@")
    if query < at:  # an '@' after a '?': a query value or a password, so show neither
        return f"{scheme}{sep}***"
    if at >= 0:
        rest, query = "***" + rest[at:], query - at + 3
    return f"{scheme}{sep}{rest[: query + 1]}***" if query < len(rest) else f"{scheme}{sep}{rest}"
