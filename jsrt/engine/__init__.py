"""The engine: V8 isolates with limits and a synchronous JS→Python bridge, run in a
supervised worker process so that no script can take down its caller.

It knows nothing of hooks, Celigo or HTTP.
"""

from jsrt.engine.isolate import Isolate
from jsrt.engine.supervisor import InlineExecutor, Supervisor
from jsrt.engine.v8_process import configure

__all__ = ["InlineExecutor", "Isolate", "Supervisor", "configure"]
