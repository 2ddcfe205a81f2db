"""Fixtures for the engine tests: a warm supervised worker shared by a module's tests."""

from __future__ import annotations

from collections.abc import Iterator

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
