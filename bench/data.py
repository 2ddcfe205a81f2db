"""The benchmarks' inputs: pages of realistic records, written once per run as JSON files.

Both sides read the same bytes: node parses the file, jsrt gets the same page as Python
data (the Python API) or as the file (`jsrt run --options`). Records are generated from a
fixed seed, so every run and every machine measures the same work.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson

HOOKS = Path(__file__).resolve().parent / "hooks"
PAGE_HOOK = HOOKS / "mapRecords.js"
PAGE_FUNCTION = "preSavePage"
STATE_HOOK = HOOKS / "readState.js"
STATE_FUNCTION = "preSavePage"
WRITE_STATE_HOOK = HOOKS / "writeState.js"
WRITE_STATE_FUNCTION = "preSavePage"
CASE_HOOK = HOOKS / "smallCase.js"
MAPPING = Path(__file__).resolve().parent / "mapping.json"
"""The mapping benchmark's Mapper 2.0 mapping: 20 fields of a page record, with two nested
objects, an array of objects built from the record's tags, a Handlebars field and a
static lookup."""
MAPPING_HOOK = HOOKS / "mapOrders.js"
MAPPING_FUNCTION = "mapPage"
CASE_FUNCTION = "preMap"

_FIRST = ("Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances")
_LAST = ("Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen")
_CITIES = ("Lisbon", "Austin", "Osaka", "Lyon", "Dublin", "Perth", "Quito", "Tallinn")
_COUNTRIES = ("pt", "us", "jp", "fr", "ie", "au", "ec", "ee")
_TAGS = ("vip", "new", "b2b", "churn", "trial", "partner")
_STATUSES = ("open", "paid", "shipped", "cancelled")


def record(rng: random.Random, index: int) -> dict[str, Any]:
    """One exported record: 20 fields, about 440 bytes of JSON (so that a page of 10,000,
    once mapped, stays just under the 5 MB integrator.io accepts back)."""
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    city = rng.randrange(len(_CITIES))
    return {
        "id": f"SO-{100000 + index}",
        "firstName": first,
        "lastName": last,
        "email": f"{first[0]}{last}{index}@Example.com",
        "region": "EU",
        "company": f"{last} {rng.choice(('Labs', 'Inc', 'Ltd'))}",
        "createdAt": f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T"
        f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z",
        "version": rng.randrange(1, 9),
        "status": rng.choice(_STATUSES),
        "quantity": rng.randrange(0, 50),
        "unitPrice": round(rng.uniform(1, 500), 2),
        "currency": "USD",
        "sku": f"SKU-{rng.randrange(10000):05d}",
        "tags": rng.sample(_TAGS, rng.randrange(1, 4)),
        "address": {
            "street": f"{rng.randrange(1, 999)} Main",
            "city": _CITIES[city],
            "zip": f"{rng.randrange(10000, 99999)}",
            "country": _COUNTRIES[city],
        },
        "internalNote": "b7",
        "priority": rng.randrange(1, 6),
        "source": "web",
        "active": rng.random() > 0.1,
        "score": round(rng.random(), 4),
    }


def page(size: int, *, seed: int = 5) -> list[dict[str, Any]]:
    """`size` records, the same ones for the same seed."""
    rng = random.Random(seed)
    return [record(rng, index) for index in range(size)]


def write_page(folder: Path, size: int) -> Path:
    """Write `{"data": page(size)}` to `folder/page_<size>.json` (once) and return its path."""
    path = folder / f"page_{size}.json"
    if not path.exists():
        path.write_bytes(orjson.dumps({"data": page(size)}))
    return path
