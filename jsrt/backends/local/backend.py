"""`LocalBackend`: the `Backend` seam over a `World` (the default backend).

It only routes: each catalog entry maps to one `World` operation, with the arguments
`check_args` normalised (see `jsrt.api.catalog`). The semantics live in the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsrt.api.catalog import CATALOG
from jsrt.backends.errors import Unsupported
from jsrt.backends.local.mocks import map_records
from jsrt.backends.local.models import World

Handler = Callable[[Any], Any]


class LocalBackend:
    """Answers every integrator-api function from an in-memory `World`."""

    def __init__(self, world: World) -> None:
        self.world = world
        crud = _crud_handlers(world)
        special = _run_state_and_data_handlers(world)
        self._handlers: dict[tuple[str, str], Handler] = {
            (m.obj, m.name): (
                _bind(crud[m.name], m.obj) if m.kind == "crud" else special[(m.obj, m.name)]
            )
            for m in CATALOG
        }

    def call(self, obj: str, method: str, args: list[Any]) -> Any:
        handler = self._handlers.get((obj, method))
        if handler is None:
            raise Unsupported(f"{obj}.{method} is not an integrator-api function")
        return handler(args[0])


def _bind(handler: Callable[[str, Any], Any], obj: str) -> Handler:
    return lambda arg: handler(obj, arg)


def _crud_handlers(w: World) -> dict[str, Callable[[str, Any], Any]]:
    return {
        "find": w.find,
        "get": w.get,
        "create": w.create,
        "update": w.update,
        "patch": lambda obj, o: w.patch(obj, o["_id"], o["patch"]),
        "delete": w.delete,
    }


def _run_state_and_data_handlers(w: World) -> dict[tuple[str, str], Handler]:
    return {
        ("exports", "run"): lambda o: w.run_export(o["_id"], o),
        ("exports", "runVirtual"): w.run_virtual_export,
        ("exports", "runVirtualWithPaging"): lambda o: w.run_virtual_export(o, paged=True),
        ("imports", "run"): lambda o: w.run_import(o["_id"], o),
        ("imports", "runVirtual"): w.run_virtual_import,
        ("imports", "runMapping"): lambda o: map_records(o["import"], o["data"]),
        ("flows", "run"): lambda o: w.run_flow(o["_id"], o),
        ("state", "getKeysForResource"): lambda o: w.state_keys(o["resourceType"], o["_id"]),
        ("state", "getForResource"): lambda o: w.get_state(o["resourceType"], o["_id"], o["key"]),
        ("state", "putForResource"): lambda o: w.put_state(
            o["resourceType"], o["_id"], o["key"], o.get("value")
        ),
        ("state", "deleteForResource"): lambda o: w.delete_state(
            o["resourceType"], o["_id"], o["key"]
        ),
        ("lookupcaches", "getData"): lambda o: w.cache_read(
            o["_id"], keys=o.get("keys"), page_size=o.get("pageSize"), page_url=o.get("nextPageURL")
        ),
        ("lookupcaches", "putData"): lambda o: w.cache_put(o["_id"], o["data"]),
        ("lookupcaches", "deleteData"): lambda o: w.cache_delete(o["_id"], o["keys"]),
        ("lookupcaches", "purgeData"): lambda o: w.cache_purge(o["_id"]),
    }
