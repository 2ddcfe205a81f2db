"""The local backend: a stateful fake integrator.io account, seeded from a world file.

`World` (models.py) is the account, `LocalBackend` (backend.py) answers integrator-api
calls from it, `load_world` (world_file.py) reads a world file, and `StateDir`
(persistence.py) keeps a world between runs when asked to. The model's own errors about
the data it is given (errors.py) name no file; the readers of files add it.
"""

from jsrt.backends.local.backend import LocalBackend
from jsrt.backends.local.errors import SnapshotError, WorldDataError
from jsrt.backends.local.models import World
from jsrt.backends.local.persistence import StateDir
from jsrt.backends.local.world_file import load_world

__all__ = ["LocalBackend", "SnapshotError", "StateDir", "World", "WorldDataError", "load_world"]
