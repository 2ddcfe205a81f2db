"""Fixtures for the worker tests: a warm supervised worker shared by a module's tests,
running the test program (`worker_jobs`), which a spawned worker finds on PYTHONPATH."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from worker_jobs import PROGRAM

from jsrt.worker.supervisor import Supervisor

HERE = str(Path(__file__).parent)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (HERE, os.environ.get("PYTHONPATH")) if p)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes seconds (kept in the default run)")


@pytest.fixture(scope="module")
def supervisor() -> Iterator[Supervisor]:
    supervisor = Supervisor(PROGRAM)
    try:
        yield supervisor
    finally:
        supervisor.close()
