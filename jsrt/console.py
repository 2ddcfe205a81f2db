"""The `jsrt` command's entry point: start the engine before loading the CLI, and end
the process without tearing the interpreter down.

A one-shot `jsrt run` spends most of its time waiting for Python and V8 to start, and
then for Python to free every module it loaded. So a command forks its engine worker
here, first thing, while the process has one thread and has loaded little: the worker
skips an interpreter's start and starts V8 while this process loads click and prepares
the run. Which commands run hooks is the CLI's to say (`jsrt.cli.runs_hooks`), known
only once click has loaded: a command that runs none lets its worker go unused (it
costs the fork, and a V8 start on another core).

And once a command has finished and its output is flushed, the process ends at once
(25-45 ms of teardown saved, measured): every file jsrt writes is closed by then, and
the worker leaves when its pipes close with the process.
"""

from __future__ import annotations

import contextlib
import os
import sys


def main() -> None:
    args = sys.argv[1:]
    names_a_command = bool(args) and not args[0].startswith("-")  # not --help, --version
    if names_a_command:
        from jsrt.run.program import HOOK_RUNS
        from jsrt.worker.supervisor import Supervisor

        Supervisor.shared(HOOK_RUNS).start(fork=True)
    from jsrt.cli import main as cli
    from jsrt.cli import runs_hooks

    if names_a_command and not runs_hooks(args):
        Supervisor.shared(HOOK_RUNS).close(wait=False)

    try:
        cli()
    except SystemExit as done:
        status = _exit_status(done.code)
    else:
        status = 0
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that left (`| head`)
            stream.flush()
    os._exit(status)


def _exit_status(code: object) -> int:
    """The status `sys.exit(code)` would give: None is 0, a number itself, anything else
    is printed and gives 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
