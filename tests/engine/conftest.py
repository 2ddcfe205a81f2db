"""Fixtures for the engine tests: a warm supervised worker shared by a module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import engine_targets
import pytest

from jsrt.engine import Supervisor


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes seconds (kept in the default run)")


@pytest.fixture(scope="module")
def supervisor() -> Iterator[Supervisor]:
    supervisor = Supervisor()
    try:
        yield supervisor
    finally:
        supervisor.close()


def target(name: str) -> str:
    """The run target for a function in `engine_targets`, as the worker imports it."""
    return f"{engine_targets.__name__}:{name}"
