"""`LocalBackend`: the `Backend` seam over a `World` (the default backend).

It only routes: each catalog entry names the `World` operation that answers it
(`Method.handler`), called as `handler(obj, arg)` with the argument `check_args`
normalised (see `jsrt.api.catalog`). The semantics live in the model, which keeps a
connection's secrets as the world file gives them; what a connection call answers has them
masked, as integrator.io answers them (`jsrt.backends.scrubbing.masked`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from jsrt.api.catalog import CATALOG
from jsrt.api.errors import Unsupported
from jsrt.backends.local.models import World
from jsrt.backends.scrubbing import masked

Handler = Callable[[str, Any], Any]


class LocalBackend:
    """Answers every integrator-api function from an in-memory `World`."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._handlers: dict[tuple[str, str], Handler] = {
            (m.obj, m.name): getattr(world, m.handler) for m in CATALOG
        }

    def call(self, obj: str, method: str, args: list[Any]) -> Any:
        return self.bind(obj, method)(args)

    def data_version(self) -> Callable[[], int]:
        """What reads the world's version, which grows with every change
        (`VersionedBackend`)."""
        return functools.partial(getattr, self.world, "version")

    def bind(self, obj: str, method: str) -> Callable[[list[Any]], Any]:
        """The model's operation for `obj.method`, found once (`BoundBackend`)."""
        handler = self._handlers.get((obj, method))
        if handler is None:
            raise Unsupported(f"{obj}.{method} is not an integrator-api function")
        if obj == "connections":
            return lambda args: masked(handler(obj, args[0]))
        return lambda args: handler(obj, args[0])
