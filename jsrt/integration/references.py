"""How one integrator.io document names another: the `_…Id` keys (and the lists of ids)
that hold another document's `_id`, the collection each names, and the one walk that
finds them anywhere inside a document. A download checks that what is named is there;
`jsrt pull` reads what is named along with the document naming it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ID_KEYS: dict[str, str] = {
    "_integrationId": "integrations",
    "_flowId": "flows",
    "_exportId": "exports",
    "_importId": "imports",
    "_connectionId": "connections",
    "_asyncHelperId": "asyncHelpers",
    "_fileDefinitionId": "fileDefinitions",
    "_lookupCacheId": "lookupcaches",
    "_scriptId": "scripts",
}
"""The keys whose value is the `_id` of a document of the collection named."""

ID_LIST_KEYS: dict[str, str] = {"_registeredConnectionIds": "connections"}
"""The keys whose value is a list of `_id`s of documents of the collection named."""


@dataclass(frozen=True)
class Reference:
    """Document `_id` of `collection`, named by `key` at `where` inside the document."""

    key: str
    collection: str
    _id: str
    where: tuple[str | int, ...]


def references(value: Any, where: tuple[str | int, ...] = ()) -> Iterator[Reference]:
    """Every reference to another document inside `value`, in document order."""
    if isinstance(value, dict):
        for key, item in value.items():
            place = (*where, key)
            if key in ID_KEYS and isinstance(item, str) and item:
                yield Reference(key, ID_KEYS[key], item, place)
            elif key in ID_LIST_KEYS and isinstance(item, list):
                for index, _id in enumerate(item):
                    if isinstance(_id, str) and _id:
                        yield Reference(key, ID_LIST_KEYS[key], _id, (*place, index))
            else:
                yield from references(item, place)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references(item, (*where, index))
