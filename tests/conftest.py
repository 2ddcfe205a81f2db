"""Shared helpers for jsrt's own tests."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import textwrap
from collections.abc import Callable
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


@pytest.fixture
def on_a_terminal() -> Callable[..., tuple[int, str]]:
    """`on_a_terminal(*args, cwd=None, env=None)`: run `python -m jsrt ARGS` in a real
    process with stdout and stderr on a pseudo-terminal; its exit code and everything it
    wrote there (read as it writes: a full terminal buffer would stop it)."""

    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> tuple[int, str]:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "jsrt", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
            env=env,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")

    return run
