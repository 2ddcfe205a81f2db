"""The runtime the JavaScript suite runs on, once per backend.

Another backend joins the suite by adding a factory to `RUNTIME_FACTORIES`: it receives
the world file and returns a `Runtime` whose calls that backend answers. Every test of
this folder then runs once per factory (`[local]`, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from js_suite import WORLD_FILE

from jsrt.runner import Runtime

RUNTIME_FACTORIES: dict[str, Callable[[Path], Runtime]] = {
    "local": lambda world_file: Runtime(world_file, timeout_s=20),
}


@pytest.fixture(scope="module", params=list(RUNTIME_FACTORIES))
def js_suite_runtime(request: pytest.FixtureRequest) -> Runtime:
    """A runtime over a fresh world seeded from world.yaml, shared by one test module."""
    return RUNTIME_FACTORIES[request.param](WORLD_FILE)
