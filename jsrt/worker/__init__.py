"""The supervised worker process: a `Supervisor` (`jsrt.worker.supervisor`) keeps a
`WorkerProgram` (`jsrt.worker.program`) running in a warm process that hosts V8, talks to
it in frames (`jsrt.worker.frames`) and reports its crashes and hangs; the process side
is `jsrt.worker.loop`. It knows nothing of hooks, the API or backends: the program it
runs is handed to it.
"""
