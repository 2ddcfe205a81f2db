"""The worker program of hook runs: `jsrt.run.execute.execute`, registered explicitly.

A spawned worker starts here (`python -m jsrt.run.program`); a forked one calls `load`.
The caller only names `HOOK_RUNS`: the execution side (V8, the API, the backends) is
imported in the worker, while V8 starts there.
"""

from __future__ import annotations

import sys

from jsrt.worker.program import Job, WorkerProgram


def load() -> Job:
    """The hook run and its warm-up of the next isolate (imported here, in the worker)."""
    from jsrt.run.execute import between_runs, execute

    return Job(run=execute, between_runs=between_runs)


HOOK_RUNS = WorkerProgram(name="the hook run", main_module="jsrt.run.program", load=load)


if __name__ == "__main__":
    from jsrt.worker import loop

    sys.exit(loop.main(HOOK_RUNS))
