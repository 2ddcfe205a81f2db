"""Fixtures for the REST backend's tests: the API token in the environment, and servers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rest_servers import TOKEN, Served, serving

from jsrt.engine import Supervisor


@pytest.fixture(scope="module")
def api_token() -> Iterator[str]:
    """INTEGRATOR_IO_TOKEN set for the module's tests, here and in the engine's worker.

    The REST backend runs in the worker and reads the token from its environment, which
    the worker copies when it starts; so the shared worker is restarted to see it.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTEGRATOR_IO_TOKEN", TOKEN)
        patch.delenv("INTEGRATOR_IO_BASE_URL", raising=False)
        Supervisor.shared().close()
        yield TOKEN
    Supervisor.shared().close()


@pytest.fixture(scope="module")
def served(api_token: str) -> Iterator[Served]:
    """A server over the small world, shared by a module (reset it when a test needs)."""
    with serving(page_size=2) as server:
        yield server
