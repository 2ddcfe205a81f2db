"""The engine: V8 isolates with limits and a synchronous JS→Python bridge, process-wide
V8 set-up and heap sizing.

It knows nothing of hooks, Celigo, HTTP or the worker process that hosts it
(`jsrt.worker`). Its names load on first use, so that a process which only supervises a
worker never loads V8 itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsrt.engine.isolate import Isolate
    from jsrt.engine.v8_process import configure

__all__ = ["Isolate", "configure"]


def __getattr__(name: str) -> Any:
    if name == "Isolate":
        from jsrt.engine.isolate import Isolate

        return Isolate
    if name == "configure":
        from jsrt.engine.v8_process import configure

        return configure
    raise AttributeError(f"module 'jsrt.engine' has no attribute {name!r}")
