"""What jsrt shows on a terminal and keeps out of logs: the progress bar and colour.

A long command (`jsrt test` over many cases, `jsrt check` over many files, a flow's
pages, a pull's documents) draws one progress line on stderr while it works, but only
for a person: on a terminal, and not in CI (`CI` set, as every CI service sets it). In
CI or into a file, stdout and stderr carry the same lines as ever and nothing else, so
they stay machine-readable. Colour follows the same rule for the stream it goes to, and
`NO_COLOR` (https://no-color.org: set and not empty) turns it off everywhere.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import TextIO

import click

_WIDTH = 20
"""Characters of the bar itself."""
_LINE = 100
"""Characters the progress line takes (the rest of it is cleared)."""


def interactive(stream: TextIO | None = None) -> bool:
    """Whether `stream` (default stderr) is a person's terminal, not CI nor a file."""
    shown = stream if stream is not None else sys.stderr
    return _is_terminal(shown) and not os.environ.get("CI")


def use_color(stream: TextIO | None = None) -> bool:
    """Whether to colour what goes to `stream` (default stdout): a terminal, and
    `NO_COLOR` not set."""
    shown = stream if stream is not None else sys.stdout
    return _is_terminal(shown) and not os.environ.get("NO_COLOR")


def paint(text: str, colour: str, stream: TextIO | None = None) -> str:
    """`text` in `colour` (a click colour name) when `stream` (default stdout) takes
    colour (`use_color`), else as it is."""
    return click.style(text, fg=colour) if use_color(stream) else text


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False


class Progress:
    """One progress line on stderr, redrawn as work is done; nothing at all unless stderr
    is `interactive`. `echo` prints a line of output above it; leaving the `with` block
    clears it."""

    def __init__(self, what: str, total: int = 0) -> None:
        self.what = what
        self.total = total
        self.done = 0
        self.shown = interactive()
        self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.clear()

    def update(self, done: int, total: int | None = None, what: str | None = None) -> None:
        """`done` of `total` (of `what`) are done: redraw the line."""
        self.done = done
        self.total = self.total if total is None else total
        self.what = self.what if what is None else what
        if self.shown:
            click.echo(f"\r{self.line()[:_LINE]:<{_LINE}}", nl=False, err=True)
            self._drawn = True

    def advance(self) -> None:
        """One more is done."""
        self.update(self.done + 1)

    def line(self) -> str:
        """The progress line: `[#####...............] 3/12 cases`."""
        filled = _WIDTH * self.done // max(self.total, 1)
        return f"[{'#' * filled}{'.' * (_WIDTH - filled)}] {self.done}/{self.total} {self.what}"

    def echo(self, text: str, *, err: bool = False) -> None:
        """Print `text` as its own line, the progress line redrawn under it."""
        self.clear()
        click.echo(text, err=err)
        if self.shown and self.done:
            self.update(self.done)

    def clear(self) -> None:
        """Take the progress line off the screen."""
        if self._drawn:
            click.echo(f"\r{'':<{_LINE}}\r", nl=False, err=True)
            self._drawn = False
