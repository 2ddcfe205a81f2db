"""The `jsrt` command's entry point: start the engine before loading the CLI.

A one-shot `jsrt run` spends most of its time waiting for Python and V8 to start. So the
commands that run hooks fork their engine worker here, first thing, while the process
has one thread and has not loaded V8: the worker skips an interpreter's start, and
starts V8 while this process loads click and prepares the run.
"""

from __future__ import annotations

import sys

RUNS_HOOKS = ("run", "test")


def main() -> None:
    if sys.argv[1:2] and sys.argv[1] in RUNS_HOOKS:
        from jsrt.runner import start_shared_engine

        start_shared_engine(fork=True)
    from jsrt.cli import main as cli

    cli()
