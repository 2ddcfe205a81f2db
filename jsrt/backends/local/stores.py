"""The parts of a `World` that are not documents: resource state and lookup cache entries.

Each store holds its plain data and answers integrator.io's operations on it; the
`World` composes them, checks the resources they belong to, copies what goes in and out,
and counts the changes (`version`).
"""

from __future__ import annotations

from typing import Any

from jsrt.api.catalog import STATE_RESOURCE_TYPES
from jsrt.api.errors import InvalidArgument, NotFound
from jsrt.backends.local import lookup_data

GLOBAL_STATE = "global"
"""The namespace of the account's global state keys (REST `/v1/state/{key}`, which no
integrator-api function reaches): separate from every resource's, as integrator.io keeps
them (celigo-reference §3.4)."""


class StateStore:
    """State keys by namespace: a resource's is `"<resourceType>/<_id>"`, the account's
    global keys are `GLOBAL_STATE` (the world file's `state:`). The resource need not
    exist: hooks use the ids of their sample `options`."""

    def __init__(self, namespaces: dict[str, dict[str, Any]]) -> None:
        self.namespaces = namespaces

    def of(self, resource_type: str, _id: str) -> dict[str, Any]:
        """The keys and values of one resource (`{}` when it has none); not a copy."""
        return self.namespaces.get(f"{resource_type}/{_id}", {})

    def keys(self, name: str) -> list[str]:
        """The keys of a namespace (`namespace(...)` or `GLOBAL_STATE`)."""
        return list(self.namespaces.get(name, {}))

    def value(self, name: str, key: str) -> Any:
        """The value put under `key` (not a copy), or `NotFound`, as with REST."""
        values = self.namespaces.get(name, {})
        if key not in values:
            if name == GLOBAL_STATE:
                raise NotFound(
                    f"global state key {key!r} not found; put it first with "
                    "PUT /v1/state/{key}, or seed it in the world file's state.global"
                )
            raise NotFound(
                f"state key {key!r} not found for {name}; "
                "put it first with state.putForResource, or seed it in the world file's state"
            )
        return values[key]

    def put(self, name: str, key: str, value: Any) -> None:
        self.namespaces.setdefault(name, {})[key] = value

    def delete(self, name: str, key: str) -> None:
        self.value(name, key)
        del self.namespaces[name][key]
        if not self.namespaces[name]:
            del self.namespaces[name]

    def drop(self, name: str) -> list[str]:
        """Forget every key of a namespace (a deleted resource's, or all global keys);
        the keys that were there."""
        return list(self.namespaces.pop(name, {}))


class CacheStore:
    """The entries of each lookup cache, `{key: value}` by the cache's `_id` (a lookup
    cache document of a world file holds them as `data: [{key, value}]`)."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def add(self, cache_id: str, data: list[dict[str, Any]]) -> None:
        self.entries[cache_id] = {entry["key"]: entry["value"] for entry in data}

    def data_of(self, cache_id: str) -> list[dict[str, Any]]:
        """A cache's entries as a world file writes them: `[{key, value}]`."""
        return [{"key": k, "value": v} for k, v in self.entries[cache_id].items()]

    def put(self, cache_id: str, items: list[Any]) -> list[dict[str, Any]]:
        return lookup_data.upsert(self.entries[cache_id], items)

    def delete(self, cache_id: str, keys: list[str]) -> list[dict[str, Any]]:
        return lookup_data.remove(self.entries[cache_id], keys)

    def purge(self, cache_id: str) -> None:
        self.entries[cache_id].clear()

    def drop(self, cache_id: str) -> None:
        del self.entries[cache_id]


def namespace(resource_type: str, _id: str) -> str:
    """The state namespace of a resource; `InvalidArgument` for a type that has none."""
    if resource_type not in STATE_RESOURCE_TYPES:
        raise InvalidArgument(
            f"resourceType must be one of {', '.join(STATE_RESOURCE_TYPES)}, got {resource_type!r}"
        )
    return f"{resource_type}/{_id}"
