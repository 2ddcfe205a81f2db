"""Lookup cache data: integrator.io's getData / putData / deleteData on a key -> value dict.

The rules follow the REST data API (celigo-reference §3.3, §2.4):

- `getData` with `keys` returns exactly the entries that exist, in the order asked; at
  most 1,000 keys (422) and an answer of at most 5 MB (413).
- `getData` without keys returns a page in key order: `pageSize` entries (default and
  maximum 1,000), cut short before the page passes 5 MB. When more entries follow, the
  answer carries `nextPageURL` = `/v1/lookupcaches/<id>/getData?startAfterKey=<key>`,
  which the next call passes back (with its own `pageSize` again if it wants one).
  `startsWith` keeps only the keys with that prefix (REST: `{"startsWith": "abc"}`); a
  next page asks for it again.
- `putData` upserts at most 1,000 entries or 5 MB per call (422 / 413 for the whole
  call) and answers `[{key, success: true}]`, or `{key, success: false, errors}` for an
  entry that is not `{key: <non-empty string>, value}`.
- `deleteData` removes at most 1,000 keys per call (422) and answers per key;
  a key that is not in the cache is `{key, success: false, errors: [not_found]}`.

Values may be any JSON value (integrator.io's docs show objects; celigo/ai says strings).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from jsrt.api.errors import InvalidArgument, LimitExceeded, PayloadTooLarge
from jsrt.json_values import clone, json_size

MAX_KEYS_PER_CALL = 1000
MAX_BYTES_PER_CALL = 5 * 1024 * 1024
DEFAULT_PAGE_SIZE = 1000


def next_page_url(cache_id: str, last_key: str) -> str:
    """The nextPageURL that continues after `last_key`."""
    after = quote(last_key, safe="")
    return f"/v1/lookupcaches/{quote(cache_id, safe='')}/getData?startAfterKey={after}"


def read(
    cache_id: str,
    entries: dict[str, Any],
    *,
    keys: list[str] | None = None,
    page_size: int | None = None,
    page_url: str | None = None,
    starts_with: str | None = None,
) -> dict[str, Any]:
    """`lookupcaches.getData`: by keys, or one page in key order (of the keys starting with
    `starts_with`, when given)."""
    if keys is not None:
        _limit_count(len(keys), "keys", "getData")
        data = [{"key": k, "value": entries[k]} for k in keys if k in entries]
        if json_size(data) > MAX_BYTES_PER_CALL:
            raise PayloadTooLarge(
                "lookupcaches.getData: the entries for these keys are over 5 MB; ask for fewer keys"
            )
        return {"data": clone(data)}
    size = page_size or DEFAULT_PAGE_SIZE
    if size > MAX_KEYS_PER_CALL:
        raise LimitExceeded(
            f"lookupcaches.getData: pageSize may be at most {MAX_KEYS_PER_CALL}, got {size}"
        )
    ordered = sorted(k for k in entries if starts_with is None or k.startswith(starts_with))
    if page_url is not None:
        after = _start_after_key(cache_id, page_url)
        ordered = [k for k in ordered if k > after]
    page: list[dict[str, Any]] = []
    used = 2  # the brackets of the JSON array
    for key in ordered[:size]:
        entry = {"key": key, "value": entries[key]}
        used += json_size(entry) + 1
        if page and used > MAX_BYTES_PER_CALL:
            break
        page.append(entry)
    answer: dict[str, Any] = {"data": clone(page)}
    if len(page) < len(ordered):
        answer["nextPageURL"] = next_page_url(cache_id, page[-1]["key"])
    return answer


def upsert(entries: dict[str, Any], items: list[Any]) -> list[dict[str, Any]]:
    """`lookupcaches.putData`: store each well-formed entry, answer one result per entry."""
    _limit_count(len(items), "entries", "putData")
    if json_size(items) > MAX_BYTES_PER_CALL:
        raise PayloadTooLarge(
            "lookupcaches.putData: the data is over 5 MB; send it in smaller batches"
        )
    results = []
    for item in items:
        key = item.get("key") if isinstance(item, dict) else None
        if isinstance(key, str) and key and "value" in item:
            entries[key] = clone(item["value"])
            results.append({"key": key, "success": True})
        else:
            results.append(
                {
                    "key": key,
                    "success": False,
                    "errors": [
                        {
                            "code": "invalid_entry",
                            "message": "each entry must be {key: <non-empty string>, value: <any>}",
                        }
                    ],
                }
            )
    return results


def remove(entries: dict[str, Any], keys: list[str]) -> list[dict[str, Any]]:
    """`lookupcaches.deleteData`: delete each key, answer one result per key."""
    _limit_count(len(keys), "keys", "deleteData")
    results = []
    for key in keys:
        if entries.pop(key, _ABSENT) is _ABSENT:
            results.append(
                {
                    "key": key,
                    "success": False,
                    "errors": [
                        {"code": "not_found", "message": f"key {key!r} is not in the cache"}
                    ],
                }
            )
        else:
            results.append({"key": key, "success": True})
    return results


_ABSENT = object()


def _limit_count(count: int, what: str, function: str) -> None:
    if count > MAX_KEYS_PER_CALL:
        raise LimitExceeded(
            f"lookupcaches.{function}: at most {MAX_KEYS_PER_CALL} {what} per call, got {count}; "
            "split the call into batches"
        )


def _start_after_key(cache_id: str, page_url: str) -> str:
    parts = urlsplit(page_url)
    query = parse_qs(parts.query)
    expected_path = f"/v1/lookupcaches/{quote(cache_id, safe='')}/getData"
    if parts.path != expected_path or len(query.get("startAfterKey", [])) != 1:
        raise InvalidArgument(
            f"lookupcaches.getData: nextPageURL {page_url!r} is not a page of this cache; "
            f"pass back the nextPageURL of the previous answer ({expected_path}?startAfterKey=...)"
        )
    return query["startAfterKey"][0]
