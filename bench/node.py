"""The node reference: finding node, and driving `node_driver.js` whole-process or warm.

Node may be missing on a user's machine; `find_node` then says why, and every row that
needs it reports that instead of a figure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import TracebackType

DRIVER = Path(__file__).resolve().parent / "node_driver.js"


class NodeMissing(Exception):
    """node cannot be run here; the message says why, for the report."""


def find_node(explicit: str | None) -> str:
    """The node executable: `explicit` if given, else `node` on PATH."""
    candidate = explicit or shutil.which("node")
    if candidate is None:
        raise NodeMissing("node not found on PATH")
    try:
        subprocess.run([candidate, "--version"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise NodeMissing(f"node not usable at {candidate}: {exc}") from None
    return candidate


def once_command(node: str, hook: Path, function: str, data: Path) -> list[str]:
    """The whole-process command: read, parse, run the hook, stringify to stdout."""
    return [node, str(DRIVER), "once", str(hook), function, str(data)]


class NodeServer:
    """A warm node process timing parse + hook + stringify on page files, in process."""

    def __init__(self, node: str, hook: Path, function: str) -> None:
        self._process = subprocess.Popen(
            [node, str(DRIVER), "serve", str(hook), function],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def pipeline_ms(self, data: Path) -> float:
        """Milliseconds node took for one parse + hook + stringify of `data`."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(f"{data}\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise NodeMissing(f"the node driver stopped (exit status {self._process.wait()})")
        return float(json.loads(line)["ms"])

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> NodeServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
