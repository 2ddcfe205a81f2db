"""Secrets never reach a cassette, an output or a message: the API token however its
variable is written and wherever a server echoes it, integrator.io's own secret places in
the documents a hook reads and writes, and credentials in a base URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rest_servers import SMALL_WORLD, TOKEN, serving
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from jsrt.backends.local import World
from jsrt.backends.scrubbing import SCRUBBED, is_secret_name
from jsrt.cli import main
from jsrt.errors import UsageError
from jsrt.runner import Runtime
from jsrt.server import running

ECHOING_HOOK = """
import { connections, exports, imports, flows } from 'integrator-api'

function attempt(call) {
  try { return call() } catch (e) { return e.message }
}

function handleRequest(options) {
  return {
    statusCode: 200,
    body: {
      seen: connections.get('c1').receivedWith,
      exportError: attempt(() => exports.get('x')),
      importError: attempt(() => imports.get('y')),
      flowError: attempt(() => flows.get('z')),
    },
  }
}
"""


def echoing_server() -> Starlette:
    """A server that takes only `Bearer TOKEN` and echoes the Authorization header it got
    in an answer, an error envelope, a long plain-text 5xx (the token straddling where a
    message would cut it) and a redirect's Location."""

    def echo(request: Request) -> Response:
        given = request.headers.get("authorization", "")
        if given != f"Bearer {TOKEN}":
            return JSONResponse({"message": "Bearer Authentication Failed"}, status_code=401)
        kind = request.path_params["kind"]
        if kind == "connections":
            return JSONResponse({"_id": "c1", "name": "Echo", "receivedWith": given})
        if kind == "exports":
            message = f"header Authorization: {given} is not accepted here"
            return JSONResponse({"errors": [{"code": "bad_header", "message": message}]}, 400)
        if kind == "imports":
            return PlainTextResponse("x" * 470 + f" upstream refused {given}", status_code=502)
        return RedirectResponse(f"https://login.test/authorize?token={TOKEN}", status_code=302)

    return Starlette(routes=[Route("/v1/{kind}/{_id}", echo)])


def test_a_token_with_whitespace_around_it_and_echoed_by_the_server_never_leaks(
    tmp_path: Path,
) -> None:
    """The variable holds the token with spaces and a newline (as `export T=$(cat file)`
    or a .env file leaves it); jsrt sends it stripped, so the cassette must scrub what was
    sent, and no answer, error message or output may carry it. A real `jsrt` process, so
    the engine's worker starts with that environment."""
    hook = tmp_path / "api.js"
    hook.write_text(textwrap.dedent(ECHOING_HOOK))
    cassette = tmp_path / "echo.cassette.json"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRATOR_IO_")}
    environ["INTEGRATOR_IO_TOKEN"] = f"  {TOKEN}\n"
    jsrt_command = [sys.executable, "-c", "from jsrt.console import main; main()"]
    recording = ["--record", str(cassette), "--json"]
    with running(echoing_server()) as url:
        done = subprocess.run(
            [*jsrt_command, "run", str(hook), "--backend", "rest", "--base-url", url, *recording],
            capture_output=True,
            text=True,
            timeout=120,
            env=environ,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    body = json.loads(done.stdout)["result"]["body"]
    assert body["seen"] == "Bearer <token>"  # it authenticated, and the echo is scrubbed
    assert body["exportError"] == "header Authorization: Bearer <token> is not accepted here"
    assert "upstream refused Bearer <tok" in body["importError"]
    assert "redirects (302) to https://login.test/authorize?***" in body["flowError"]
    recorded = cassette.read_text()
    for text in (done.stdout, done.stderr, recorded):
        assert TOKEN[:12] not in text  # not whole, and not cut short by a message either
    errors = [i["error"]["message"] for i in json.loads(recorded)["interactions"] if not i["ok"]]
    assert errors[0] == body["exportError"]


SECRETS = {
    "api-token-1",
    "refresh-token-2",
    "x-api-key-3",
    "cookie-4",
    "encrypted-5",
    "ftp-password-6",
    "pgp-private-key-7",
    "pgp-passphrase-8",
    "token-secret-9",
    "consumer-secret-10",
    "secret-access-key-11",
    "client-secret-12",
    "api-key-13",
    "list-password-14",
    "object-secret-15",
    "basic-password-16",
    "bearer-17",
}
CONNECTIONS: list[dict[str, Any]] = [
    # Shapes from integrator.io's connection documents (SubarnaCeligo/Backlog-Bugs
    # testData/Connections/Create/Create_Connection_REST_Token.json, ..._HTTP_Basic_...,
    # ..._FTP_Using_Privatekey_And_Passphrase.json) with made-up values.
    {
        "_id": "httpToken",
        "type": "http",
        "name": "Slack",
        "http": {
            "baseURI": "https://api.slack.test",
            "unencrypted": {"field": "value"},
            "encrypted": {"signingKey": "encrypted-5"},
            "encryptedFields": ["signingKey"],
            "headers": [
                {"name": "X-Api-Key", "value": "x-api-key-3"},
                {"name": "cookie", "value": ["cookie-4"]},
                {"name": "Accept", "value": "application/json"},
            ],
            "auth": {
                "type": "token",
                "token": {
                    "token": "api-token-1",
                    "refreshToken": "refresh-token-2",
                    "location": "header",
                    "headerName": "Authorization",
                    "scheme": "Bearer",
                },
            },
        },
    },
    {
        "_id": "httpBasic",
        "type": "http",
        "name": "Zendesk",
        "http": {
            "auth": {"type": "basic", "basic": {"username": "me", "password": "basic-password-16"}}
        },
    },
    {
        "_id": "ftp",
        "type": "ftp",
        "name": "FTP",
        "ftp": {"hostURI": "ftp.test", "username": "me", "password": "ftp-password-6"},
        "pgp": {"privateKey": "pgp-private-key-7", "passphrase": "pgp-passphrase-8"},
    },
    {
        "_id": "netsuite",
        "type": "netsuite",
        "name": "NetSuite",
        "netsuite": {
            "tokenId": "tba-id",
            "token_secret": "token-secret-9",
            "Consumer-Secret": "consumer-secret-10",
        },
    },
]
SECRETS_HOOK = """
import { connections } from 'integrator-api'

function handleRequest(options) {
  const read = ['httpToken', 'httpBasic', 'ftp', 'netsuite'].map((id) => connections.get(id))
  const made = connections.create({
    name: 'S3',
    type: 's3',
    s3: { accessKeyId: 'AKIA-PUBLIC', secretAccessKey: 'secret-access-key-11' },
    oauth: { client_secret: 'client-secret-12', api_key: 'api-key-13' },
    passwords: ['list-password-14'],
    clientSecret: { current: 'object-secret-15' },
    headers: { Authorization: 'Bearer bearer-17' },
  })
  return {
    statusCode: 200,
    body: {
      names: read.map((c) => c.name),
      authType: read[0].http.auth.type,
      made: made.name,
      ftpPassword: read[2].ftp.password,
    },
  }
}
"""


def test_integrator_io_secret_places_never_reach_a_recorded_cassette(
    tmp_path: Path, api_token: str
) -> None:
    hook = tmp_path / "api.js"
    hook.write_text(textwrap.dedent(SECRETS_HOOK))
    cassette = tmp_path / "secrets.cassette.json"
    world = World({**SMALL_WORLD, "connections": CONNECTIONS})
    with serving(world) as served:
        recorded = jsrt(
            "run", str(hook), "--json", "--backend", "rest", "--base-url", served.url,
            "--allow-writes", "--record", str(cassette),
        )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    result = json.loads(recorded.output)["result"]
    # `jsrt serve` answers a connection's secrets masked, as integrator.io does (celigo/ai
    # skills/configuring-connections: "GET masks credentials"); a cassette keeps the mask.
    assert result["body"]["ftpPassword"] == "******"
    text = cassette.read_text()
    assert [secret for secret in sorted(SECRETS) if secret in text] == []
    interactions = json.loads(text)["interactions"]
    http = interactions[0]["value"]["http"]
    assert http["encrypted"] == "******"  # as served: integrator.io masks it whole
    assert http["auth"] == {"type": "token", "token": SCRUBBED}
    assert http["headers"] == [
        {"name": "X-Api-Key", "value": SCRUBBED},
        {"name": "cookie", "value": SCRUBBED},
        {"name": "Accept", "value": "application/json"},
    ]
    assert (http["unencrypted"], http["encryptedFields"]) == ({"field": "value"}, ["signingKey"])
    assert interactions[1]["value"]["http"]["auth"]["basic"]["username"] == "me"
    assert interactions[3]["value"]["netsuite"]["tokenId"] == "tba-id"
    created = interactions[4]["args"][0]
    assert created["s3"] == {"accessKeyId": "AKIA-PUBLIC", "secretAccessKey": SCRUBBED}
    assert created["passwords"] == SCRUBBED and created["clientSecret"] == SCRUBBED

    replayed = jsrt("run", str(hook), "--json", "--replay", str(cassette))
    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.output)["result"]["body"] == result["body"]


SECRET_NAMES_IN_EVERY_STYLE = (
    "encrypted",
    "Authorization",
    "proxy_authorization",
    "X-Api-Key",
    "x_api_key",
    "Set-Cookie",
    "tokenSecret",
    "token_secret",
    "consumerSecret",
    "client_secret",
    "CLIENT-SECRET",
    "api_key",
    "privateKey",
    "private_key",
    "passphrase",
    "pgpPassphrase",
    "secretAccessKey",
    "apiToken",
    "refresh_token",
    "dbPassword",
    "passwords",
    "consumerPrivateKey",
    "userPrivateKey",
    "authKey",
    "pgpDecryptKey",
    "pfx",
    "wallet",
    "pkceCodeVerifier",
)
SETTINGS_NEXT_TO_SECRETS = (
    "encryptedFields",
    "unencrypted",
    "tokenLocation",
    "headerName",
    "name",
    "key",
    "keys",
    "username",
    "accessKeyId",
    "tokenId",
    "type",
    "scheme",
    "_connectionId",
)


def test_secret_names_match_in_every_naming_style_and_settings_stay_readable() -> None:
    assert [name for name in SECRET_NAMES_IN_EVERY_STYLE if not is_secret_name(name)] == []
    assert [name for name in SETTINGS_NEXT_TO_SECRETS if is_secret_name(name)] == []


def jsrt(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize(
    ("base_url", "shown", "problem"),
    [
        ("http://bob:hunter2@{host}", "http://***@{host}", "carries credentials"),
        ("http://:hunter2@{host}/", "http://***@{host}/", "carries credentials"),
        ("bob:hunter2@{host}", "***@{host}", "carries credentials"),
        ("http://{host}/?token=hunter2", "http://{host}/?***", "has a query or fragment"),
        ("http://{host}/#access_token=hunter2", "http://{host}/#***", "has a query or fragment"),
        ("http://{host}/?next=a@hunter2", "http://***", "carries credentials"),
    ],
)
def test_credentials_in_a_base_url_are_refused_without_echoing_them(
    tmp_path: Path, api_token: str, base_url: str, shown: str, problem: str
) -> None:
    """httpx would send `user:password@` as Basic auth instead of the token, and the URL
    would be quoted in every message and cassette: jsrt refuses it, showing it redacted."""
    hook = tmp_path / "hook.js"
    hook.write_text("function preSavePage(options) { return { data: options.data } }\n")
    with serving() as served:
        host = served.url.removeprefix("http://")
        url, shown = base_url.format(host=host), shown.format(host=host)
        given = jsrt("run", str(hook), "--backend", "rest", "--base-url", url)
        from_environment = jsrt(
            "run", str(hook), "--backend", "rest", env={"INTEGRATOR_IO_BASE_URL": url}
        )
        with pytest.raises(UsageError) as raised:
            Runtime(backend="rest", base_url=url)
    for refused, source in ((given, "--base-url"), (from_environment, "INTEGRATOR_IO_BASE_URL")):
        assert refused.exit_code == 2, refused.output
        assert f"error: {source}: {shown!r} {problem}" in refused.output
        assert "hunter2" not in refused.output
    assert "hunter2" not in f"{raised.value.message} {raised.value.hint}"
    assert "bob" not in refused.output


def test_a_token_given_as_the_token_variable_is_refused_without_printing_it(
    tmp_path: Path,
) -> None:
    """`--token-env` takes the variable's name; a user who pastes the token there must
    not see it printed back (in a terminal, a CI log)."""
    hook = tmp_path / "hook.js"
    hook.write_text("function preSavePage(options) { return { data: options.data } }\n")
    token = "sk-live-0123456789/abcdef=="
    refused = jsrt(
        "run", str(hook), "--backend", "rest", "--base-url", "http://127.0.0.1:7420",
        "--token-env", token,
    )  # fmt: skip
    assert refused.exit_code == 2, refused.output
    assert "not an environment variable name" in refused.output
    assert "0123456789" not in refused.output


def test_a_token_with_a_line_break_inside_is_refused_without_printing_it(
    tmp_path: Path, api_token: str
) -> None:
    """A variable read from a two-line file: httpx would refuse the header in an error
    that quotes it (`Illegal header value b'Bearer ...'`), token and all."""
    hook = tmp_path / "hook.js"
    hook.write_text(
        "import { exports } from 'integrator-api'\n"
        "function handleRequest(options) { return { statusCode: 200, body: exports.get('e1') } }\n"
    )
    with serving() as served:
        refused = jsrt(
            "run", str(hook), "--json", "--backend", "rest", "--base-url", served.url,
            env={"INTEGRATOR_IO_TOKEN": f"{TOKEN}\nsecond-line-secret"},
        )  # fmt: skip
    assert refused.exit_code == 2, refused.output
    assert "INTEGRATOR_IO_TOKEN holds spaces, line breaks or characters" in refused.output
    assert "second-line-secret" not in refused.output
    assert TOKEN not in refused.output
