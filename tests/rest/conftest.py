"""Fixtures for the REST backend's tests: the API token in the environment, and servers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from rest_servers import TOKEN, Served, serving


@pytest.fixture(scope="module", autouse=True)
def api_token() -> Iterator[str]:
    """INTEGRATOR_IO_TOKEN set for every test of a REST module, whichever of them a worker
    of pytest-xdist runs first (the engine's worker, which copied the environment when it
    started, is replaced by the runtime when the token differs); a test of a missing token
    takes it away with its own monkeypatch."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTEGRATOR_IO_TOKEN", TOKEN)
        patch.delenv("INTEGRATOR_IO_BASE_URL", raising=False)
        yield TOKEN


@pytest.fixture(scope="module")
def served(api_token: str) -> Iterator[Served]:
    """A server over the small world, shared by a module (reset it when a test needs)."""
    with serving(page_size=2) as server:
        yield server


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    """An HTTP client of the module's server, its account reset to the seed first."""
    served.account.reset()
    with httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        yield http
