"""integrator.io's transformation engine: Mapper 2.0 and 1.0, lookups, Handlebars, filters,
transforms and response mapping, run the way integrator.io runs them.

The engine is JavaScript running in a V8 isolate of its own (`engine.TransformEngine`):
integrator.io's templates are Handlebars and its paths JSONPath, and the faithful way to
evaluate both is with the real libraries (handlebars, jsonpath-plus, moment and
moment-timezone, fetched from npm by `jsrt.modules`), next to jsrt's own code in `js/`,
which compiles each definition once and applies it record by record. A hook isolate
cannot be re-entered while it waits on a bridge call, so `imports.runMapping` reaches
this engine's isolate, never the hook's own.

Python callers use `TransformEngine` (or the process's shared one, `shared_engine()`);
the local backend, the flow runner, the CLI and case files all go through it.
"""

from __future__ import annotations

from jsrt.transform.engine import LookupSource, TransformEngine, TransformError, shared_engine

__all__ = ["LookupSource", "TransformEngine", "TransformError", "shared_engine"]
