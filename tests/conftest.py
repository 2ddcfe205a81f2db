"""Shared helpers for jsrt's own tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

# Loaded before any in-process pytester run: pytester drops the modules a run imported,
# and a PyYAML imported again would meet the nodes of its first import (its C extension
# keeps them), failing with "could not determine a constructor for the tag None".
import yaml  # noqa: F401


@pytest.fixture
def write_script(tmp_path: Path):
    """Write a hook script into the test's folder and return its path."""

    def write(source: str, name: str = "hook.js") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
        return path

    return write
