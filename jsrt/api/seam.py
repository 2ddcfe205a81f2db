"""The one seam every backend hides behind (the httpx-transport way).

`Backend.call(obj, method, args)` answers one `integrator-api` call: `obj` and `method`
are the catalog names (`"state"`, `"putForResource"`), `args` the JSON arguments the
script passed, already checked against the catalog. It returns a JSON-able value
(`None` for `undefined`) or raises `jsrt.api.errors.ApiError`.

A backend that can answer one function faster when it knows which in advance (the local
one: its model's operation, found once) is also a `BoundBackend`: the bridge asks it
for each function a run calls, once. One whose answers change only when its data does
(the local world) is a `VersionedBackend`: the bridge answers a repeat of a call that
only read, while its data version has not moved, as it answered the call.

Backends know nothing of JavaScript, hooks or policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Backend(Protocol):
    def call(self, obj: str, method: str, args: list[Any]) -> Any:
        """Answer one call or raise `ApiError`."""
        ...


@runtime_checkable
class BoundBackend(Backend, Protocol):
    def bind(self, obj: str, method: str) -> Callable[[list[Any]], Any]:
        """`call` with `obj` and `method` given: the arguments in, the answer out."""
        ...


@runtime_checkable
class VersionedBackend(Backend, Protocol):
    def data_version(self) -> Callable[[], int]:
        """What reads a number that moves whenever an answer of this backend may change
        (read on every bridge call: best a C callable, no Python frame)."""
        ...
