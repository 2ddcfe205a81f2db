"""A worker program whose `load` fails, as a run's imports may: `python -m broken_jobs`."""

from __future__ import annotations

from jsrt.worker.program import Job, WorkerProgram


def load() -> Job:
    raise ImportError("no such module here")


PROGRAM = WorkerProgram(name="the broken job", main_module="broken_jobs", load=load)


if __name__ == "__main__":
    import sys

    from jsrt.worker import loop

    sys.exit(loop.main(PROGRAM))
