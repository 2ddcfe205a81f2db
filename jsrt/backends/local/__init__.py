"""The local backend: a stateful fake integrator.io account, seeded from a world file.

`World` (models.py) is the account, `LocalBackend` (backend.py) answers integrator-api
calls from it, `load_world` (world_file.py) reads a world file, and `StateDir`
(persistence.py) keeps a world between runs when asked to. The model's own errors about
the data it is given (errors.py) name no file; the readers of files add it.
"""

from typing import TYPE_CHECKING, Any

from jsrt.backends.local.backend import LocalBackend
from jsrt.backends.local.errors import SnapshotError, WorldDataError
from jsrt.backends.local.models import World

if TYPE_CHECKING:
    from jsrt.backends.local.persistence import StateDir
    from jsrt.backends.local.world_file import load_world


def __getattr__(name: str) -> Any:
    """`StateDir` and `load_world`, loaded when first named: the engine's worker answers
    calls from a `World` and never reads a world file or a state dir, so its start (on
    a cold `jsrt run`'s critical path) does not load sqlite3 and the file readers."""
    if name == "StateDir":
        from jsrt.backends.local.persistence import StateDir

        return StateDir
    if name == "load_world":
        from jsrt.backends.local.world_file import load_world

        return load_world
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["LocalBackend", "SnapshotError", "StateDir", "World", "WorldDataError", "load_world"]
