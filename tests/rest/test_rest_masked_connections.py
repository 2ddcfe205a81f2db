"""A connection read from the local world or from `jsrt serve` has its secrets masked as
integrator.io masks them: `"******"` for each secret, `encrypted` masked whole, settings
beside a secret kept (celigo/ai skills/configuring-connections/SKILL.md, "GET masks
credentials", and references/schemas/http.yml). The world itself keeps the real values."""

from __future__ import annotations

from typing import Any

import httpx
from rest_servers import SMALL_WORLD, TOKEN, serving

from jsrt.backends.local import LocalBackend, World

VAULT: dict[str, Any] = {
    "_id": "vault",
    "name": "Vault",
    "type": "http",
    "createdAt": "2025-02-01T10:00:00.000Z",
    "lastModified": "2025-02-03T10:00:00.000Z",
    "http": {
        "baseURI": "https://api.example.com",
        "auth": {
            "type": "token",
            "token": {
                "token": "token-1",
                "refreshToken": "refresh-2",
                "location": "header",
                "headerName": "Authorization",
            },
            "cookie": {"uri": "https://api.example.com/login", "method": "POST"},
        },
        "encrypted": {"apiSecret": "encrypted-3", "signingKey": "signing-4"},
        "encryptedFields": [{"id": "apiSecret"}],
        "headers": [{"name": "Accept", "value": "application/json"}],
        "clientCertificates": {"passphrase": "passphrase-5"},
    },
    "salesforce": {"bearerToken": None, "tokenSecrets": ["list-6"], "oauthToken": True},
}
MASKED_VAULT: dict[str, Any] = {
    **VAULT,
    "http": {
        **VAULT["http"],
        "auth": {
            **VAULT["http"]["auth"],
            "token": {
                "token": "******",
                "refreshToken": "******",
                "location": "header",
                "headerName": "Authorization",
            },
        },
        "encrypted": "******",
        "clientCertificates": {"passphrase": "******"},
    },
    "salesforce": {"bearerToken": None, "tokenSecrets": "******", "oauthToken": True},
}


def test_serve_answers_a_connection_with_its_secrets_masked_as_integrator_io_does() -> None:
    world = World({**SMALL_WORLD, "connections": [VAULT]})
    with serving(world) as served:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=served.url, headers=headers) as http:
            one = http.get("/v1/connections/vault")
            every = http.get("/v1/connections")
    assert one.status_code == 200 and one.json() == MASKED_VAULT
    assert every.json() == [MASKED_VAULT]
    assert world.get("connections", "vault") == VAULT  # the world keeps the real values


def test_every_connection_answer_of_the_local_backend_is_masked() -> None:
    world = World({"connections": [VAULT]})
    backend = LocalBackend(world)
    assert backend.call("connections", "get", ["vault"]) == MASKED_VAULT
    assert backend.call("connections", "find", [{}]) == [MASKED_VAULT]
    updated = backend.call("connections", "update", [{**VAULT, "name": "Renamed"}])
    assert {**updated, "lastModified": None} == {
        **MASKED_VAULT,
        "name": "Renamed",
        "lastModified": None,
    }
    created = backend.call("connections", "create", [{"name": "S3", "s3": {"secretKey": "k-7"}}])
    assert created["s3"] == {"secretKey": "******"}
    assert world.get("connections", created["_id"])["s3"] == {"secretKey": "k-7"}
    # Other documents are answered as they are stored.
    world_with_export = World({"exports": [{"_id": "e1", "password": "not-a-connection"}]})
    answer = LocalBackend(world_with_export).call("exports", "get", ["e1"])
    assert answer["password"] == "not-a-connection"
