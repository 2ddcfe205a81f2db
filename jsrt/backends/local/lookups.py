"""`WorldLookupSource`: what a mapping's lookups ask, answered by a local `World`.

The transformation engine asks its caller two things while it maps (`jsrt.transform.engine.
LookupSource`):

- `lookupCache` `{cacheId, keys}`: a lookup cache's entries for those keys, answered like
  `lookupcaches.getData` (`{"data": [{key, value}]}`) from the world's caches. `cacheId`
  is the cache's `_id` (or, in the local world, its name, as `_registeredLookupCacheIds`
  also accepts). When the mapping runs for an integration, the cache must be registered
  with it, by the rule hooks obey (`jsrt.api.policy.registered_lookup_caches`); a mapping
  run outside any integration (`jsrt map`, a case file) may use any cache of the world.
- `dynamicLookup` `{lookup, record, value}`: what a dynamic HTTP or NetSuite lookup's
  request would answer. The local world sends no requests: each dynamic lookup carries its
  answers in the world file, beside its definition, as an export carries `mockOutput`:

  ```yaml
  imports:
    - _id: orders-import
      lookups:                       # or http.lookups / netsuite_da.lookups (Mapper 1.0)
        - name: customerByEmail
          relativeURI: /customers?email={{email}}
          extract: $.customers[0].id
          mockResponses:             # the answer per looked-up value (as a string)
            a@example.com: {customers: [{id: 7}]}
          mockResponse: {customers: []}   # the answer for any other value
  ```

  An HTTP lookup's answer is the response body (the engine reads `extract` from it); a
  NetSuite lookup's is the list of records its search matches (it reads `resultField`).
  The mocks are read from the lookup the engine was given, else from the lookup of the
  same name in the world's import the mapping belongs to (`import_id`), so a mapping
  passed inline (a hook's `imports.runMapping`) can be answered by the world's document.

A question the world cannot answer is a `TransformError` that names the lookup and says
what to add to the world file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsrt.api.policy import registered_lookup_caches
from jsrt.backends.local.models import World
from jsrt.closest import most_alike
from jsrt.describe import short_json
from jsrt.transform import TransformError

MOCK_RESPONSES = "mockResponses"
"""A dynamic lookup's answers by looked-up value (the value as a string)."""
MOCK_RESPONSE = "mockResponse"
"""A dynamic lookup's answer for any value `mockResponses` does not name."""


class WorldLookupSource:
    """The engine's `LookupSource` over a local world (see the module docstring)."""

    def __init__(
        self, world: World, *, integration_id: str | None = None, import_id: str | None = None
    ) -> None:
        self._world = world
        self._integration_id = integration_id
        self._import_id = import_id
        self._cache_ids: dict[str, str] = {}
        self._registered: frozenset[str] | None = None

    def ask(self, kind: str, payload: Any) -> Any:
        """Answer one of the engine's questions (`lookupCache`, `dynamicLookup`)."""
        if kind == "lookupCache":
            return self._cache_entries(payload["cacheId"], payload["keys"])
        if kind == "dynamicLookup":
            return self._dynamic_answer(payload["lookup"], payload.get("value"))
        raise TransformError(f"the local world cannot answer the engine's {kind!r} question")

    # ---- lookup caches -----------------------------------------------------------------

    def _cache_entries(self, reference: str, keys: list[str]) -> dict[str, Any]:
        return self._world.cache_read(self._cache_id(reference), keys=keys)

    def _cache_id(self, reference: str) -> str:
        """The `_id` of the cache a lookup names, checked once per source."""
        known = self._cache_ids.get(reference)
        if known is not None:
            return known
        caches = self._world.docs("lookupcaches")
        by_name = {c["name"]: c["_id"] for c in caches if isinstance(c.get("name"), str)}
        ids = {c["_id"] for c in caches}
        cache_id = reference if reference in ids else by_name.get(reference)
        if cache_id is None:
            alike = most_alike(reference, [*ids, *by_name])
            raise TransformError(
                f"lookup cache {reference!r} (a lookup's _lookupCacheId) is not in the local world",
                hint="add it to the world file's lookupcaches, with its entries: "
                f"{{_id: {reference}, data: [{{key, value}}]}}"
                + (f"; caches the world has that look alike: {', '.join(alike)}" if alike else ""),
            )
        if self._integration_id is not None and cache_id not in self._registered_caches():
            raise TransformError(
                f"lookup cache {reference!r} is not registered with integration "
                f"{self._integration_id!r}, so its mapping lookups cannot read it",
                hint="add the cache to that integration's _registeredLookupCacheIds in the "
                "world file, or reference it from a mapping of a flow step in that integration",
            )
        self._cache_ids[reference] = cache_id
        return cache_id

    def _registered_caches(self) -> frozenset[str]:
        if self._registered is None:
            self._registered = registered_lookup_caches(self._world, self._integration_id)
        return self._registered

    # ---- dynamic lookups ---------------------------------------------------------------

    def _dynamic_answer(self, lookup: Mapping[str, Any], value: Any) -> Any:
        name = lookup.get("name")
        mocked = lookup if _has_mock(lookup) else self._world_lookup(name)
        key = _key_of(value)
        if mocked is not None:
            wrong = mock_problem(mocked)
            if wrong is not None:
                raise TransformError(f"lookup {name!r}: {wrong}", hint=MOCKS_HINT)
            by_value = mocked.get(MOCK_RESPONSES)
            if by_value is not None and key in by_value:
                return by_value[key]
            if MOCK_RESPONSE in mocked:
                return mocked[MOCK_RESPONSE]
        where = (
            f"the lookup in import {self._import_id!r} of the world file"
            if self._import_id
            else "the lookup's definition in the world file"
        )
        raise TransformError(
            f"dynamic lookup {name!r} has no mock answer for the value {short_json(value)}: "
            "the local world sends no requests",
            hint=f"add {MOCK_RESPONSES}: {{{short_json(key)}: <what the request answers>}} "
            f"(or {MOCK_RESPONSE} for every value) to {where}: the response body for an "
            "HTTP lookup, the list of matching records for a NetSuite one",
        )

    def _world_lookup(self, name: Any) -> Mapping[str, Any] | None:
        """The lookup of this name, with mocks, in the world's import of this mapping."""
        if self._import_id is None:
            return None
        document = self._world.get("imports", self._import_id)
        if document is None:
            return None
        for _, lookup in lookups_of(document):
            if isinstance(lookup, Mapping) and lookup.get("name") == name and _has_mock(lookup):
                return lookup
        return None


def _has_mock(lookup: Mapping[str, Any]) -> bool:
    return MOCK_RESPONSES in lookup or MOCK_RESPONSE in lookup


def _key_of(value: Any) -> str:
    """A looked-up value as the key of `mockResponses` (JSON keys are strings)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int | float) else short_json(value)


def lookups_of(document: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """An import's lookups with where each is written: Mapper 2.0's `lookups[i]`, and
    Mapper 1.0's under the adaptor's key (`http.lookups[i]`, `netsuite_da.lookups[i]`, ...)."""
    places: list[tuple[tuple[str, ...], Mapping[str, Any]]] = [((), document)]
    places += [((key,), value) for key, value in document.items() if isinstance(value, Mapping)]
    for parts, place in places:
        lookups = place.get("lookups")
        if isinstance(lookups, list):
            for index, lookup in enumerate(lookups):
                yield (*parts, "lookups", index), lookup


def mock_problem(lookup: Any) -> str | None:
    """What is wrong with a dynamic lookup's mocks (None when nothing is): the world
    file's check and the answer's use the one rule."""
    if isinstance(lookup, Mapping) and MOCK_RESPONSES in lookup:
        by_value = lookup[MOCK_RESPONSES]
        if not isinstance(by_value, Mapping):
            return (
                f"{MOCK_RESPONSES} must be an object of answers by looked-up value, "
                f"got {short_json(by_value)}"
            )
    return None


MOCKS_HINT = f'for example {MOCK_RESPONSES}: {{"a@example.com": {{"id": 7}}}}'
