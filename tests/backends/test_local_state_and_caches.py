"""Resource state and lookup cache data: shapes, errors, paging and limits."""

from __future__ import annotations

import pytest

from jsrt.api.errors import InvalidArgument, LimitExceeded, NotFound, PayloadTooLarge
from jsrt.backends.local import World


def state(resource_type: str = "exports", _id: str = "getOrders", **more):
    return {"resourceType": resource_type, "_id": _id, **more}


# ---- state ------------------------------------------------------------------------------


def test_keys_come_back_in_the_rest_shape(call):
    assert call("state.getKeysForResource", state()) == {"keys": ["cursor"]}
    assert call("state.getKeysForResource", state("flows", "nothing")) == {"keys": []}


def test_put_get_overwrite_and_delete(call, world):
    assert call("state.putForResource", state(key="seen", value={"ids": [1]})) is None
    assert call("state.getForResource", state(key="seen")) == {"ids": [1]}
    call("state.putForResource", state(key="seen", value=[2]))
    assert call("state.getForResource", state(key="seen")) == [2]
    assert call("state.deleteForResource", state(key="seen")) is None
    assert world.state_of("exports", "getOrders") == {"cursor": "2024-01-01"}


def test_put_without_a_value_stores_null(call):
    call("state.putForResource", state(key="empty"))
    assert call("state.getForResource", state(key="empty")) is None
    assert "empty" in call("state.getKeysForResource", state())["keys"]


def test_a_missing_key_is_404_on_get_and_delete(call):
    with pytest.raises(NotFound, match="state key 'nope' not found for exports/getOrders"):
        call("state.getForResource", state(key="nope"))
    with pytest.raises(NotFound):
        call("state.deleteForResource", state(key="nope"))


def test_namespaces_are_per_resource_type_and_id(call, world):
    call("state.putForResource", state("imports", "getOrders", key="cursor", value="other"))
    assert call("state.getForResource", state(key="cursor")) == "2024-01-01"
    assert world.state_of("imports", "getOrders") == {"cursor": "other"}


def test_deleting_the_last_key_empties_the_namespace(call, world):
    call("state.deleteForResource", state(key="cursor"))
    assert world.snapshot()["current"]["state"] == {}


def test_stored_values_are_copies(world):
    value = {"nested": [1]}
    world.put_state("flows", "f", "k", value)
    value["nested"].append(2)
    got = world.get_state("flows", "f", "k")
    got["nested"].append(3)
    assert world.get_state("flows", "f", "k") == {"nested": [1]}


# ---- lookup cache data ------------------------------------------------------------------


def big_cache(count: int) -> World:
    data = [{"key": f"k{n:05d}", "value": n} for n in range(count)]
    return World({"lookupcaches": [{"_id": "big", "data": data}]})


def test_get_data_by_keys_returns_the_existing_ones_in_order(call):
    answer = call("lookupcaches.getData", {"_id": "skus", "keys": ["B", "missing", "A"]})
    assert answer == {"data": [{"key": "B", "value": "two"}, {"key": "A", "value": {"ns": 1}}]}


def test_get_data_pages_with_next_page_url(call):
    call(
        "lookupcaches.putData",
        {
            "_id": "skus",
            "data": [{"key": "C", "value": 3}, {"key": "D", "value": 4}, {"key": "E", "value": 5}],
        },
    )
    first = call("lookupcaches.getData", {"_id": "skus", "pageSize": 2})
    assert [e["key"] for e in first["data"]] == ["A", "B"]
    assert first["nextPageURL"] == "/v1/lookupcaches/skus/getData?startAfterKey=B"
    second = call(
        "lookupcaches.getData",
        {"_id": "skus", "pageSize": "2", "nextPageURL": first["nextPageURL"]},
    )
    assert [e["key"] for e in second["data"]] == ["C", "D"]
    last = call(
        "lookupcaches.getData", {"_id": "skus", "pageSize": 2, "nextPageURL": second["nextPageURL"]}
    )
    assert [e["key"] for e in last["data"]] == ["E"]
    assert "nextPageURL" not in last


def test_default_page_is_1000_entries():
    world = big_cache(2500)
    seen, url = [], None
    sizes = []
    while True:
        answer = world.cache_read("big", page_url=url)
        sizes.append(len(answer["data"]))
        seen += [e["key"] for e in answer["data"]]
        url = answer.get("nextPageURL")
        if url is None:
            break
    assert sizes == [1000, 1000, 500]
    assert seen == sorted(world.cache_entries("big"))


def test_keys_with_odd_characters_survive_the_page_url():
    world = World(
        {
            "lookupcaches": [
                {"_id": "c", "data": [{"key": "a b/c&d=e", "value": 1}, {"key": "z+1", "value": 2}]}
            ]
        }
    )
    first = world.cache_read("c", page_size=1)
    assert first["nextPageURL"].endswith("startAfterKey=a%20b%2Fc%26d%3De")
    assert world.cache_read("c", page_url=first["nextPageURL"])["data"] == [
        {"key": "z+1", "value": 2}
    ]


def test_a_page_url_of_another_cache_is_refused(call):
    elsewhere = "/v1/lookupcaches/other/getData?startAfterKey=A"
    with pytest.raises(InvalidArgument, match="is not a page of this cache"):
        call("lookupcaches.getData", {"_id": "skus", "nextPageURL": elsewhere})


def test_page_size_over_1000_is_422(call):
    with pytest.raises(LimitExceeded) as caught:
        call("lookupcaches.getData", {"_id": "skus", "pageSize": 1001})
    assert caught.value.status_code == 422
    assert "pageSize may be at most 1000, got 1001" in caught.value.message


def test_more_than_1000_keys_is_422(call):
    keys = [f"k{n}" for n in range(1001)]
    with pytest.raises(LimitExceeded, match="at most 1000 keys per call, got 1001"):
        call("lookupcaches.getData", {"_id": "skus", "keys": keys})
    with pytest.raises(LimitExceeded, match="at most 1000 keys per call"):
        call("lookupcaches.deleteData", {"_id": "skus", "keys": keys})


MEGABYTE_AND_A_BIT = "x" * 1_100_000


def five_big_entries() -> World:
    world = World({"lookupcaches": [{"_id": "c"}]})
    for batch in (range(3), range(3, 6)):
        world.cache_put("c", [{"key": f"k{n}", "value": MEGABYTE_AND_A_BIT} for n in batch])
    return world


def test_pages_stop_before_5_mb():
    world = five_big_entries()
    first = world.cache_read("c")
    assert [e["key"] for e in first["data"]] == ["k0", "k1", "k2", "k3"]
    rest = world.cache_read("c", page_url=first["nextPageURL"])
    assert [e["key"] for e in rest["data"]] == ["k4", "k5"]


def test_get_data_by_keys_over_5_mb_is_413():
    world = five_big_entries()
    with pytest.raises(PayloadTooLarge) as caught:
        world.cache_read("c", keys=["k0", "k1", "k2", "k3", "k4"])
    assert caught.value.status_code == 413 and "over 5 MB" in caught.value.message


def test_put_data_upserts_and_answers_per_entry(call, world):
    answer = call(
        "lookupcaches.putData",
        {
            "_id": "skus",
            "data": [
                {"key": "A", "value": "replaced"},
                {"key": "N", "value": None},
                {"key": "", "value": 1},
                {"value": 2},
                "not an entry",
            ],
        },
    )
    assert answer[:2] == [{"key": "A", "success": True}, {"key": "N", "success": True}]
    assert [r["success"] for r in answer[2:]] == [False, False, False]
    assert answer[3]["errors"][0]["code"] == "invalid_entry"
    assert world.cache_entries("skus") == {"A": "replaced", "B": "two", "N": None}


def test_put_data_limits_refuse_the_whole_call(call, world):
    too_many = [{"key": f"k{n}", "value": n} for n in range(1001)]
    with pytest.raises(LimitExceeded, match="at most 1000 entries per call, got 1001"):
        call("lookupcaches.putData", {"_id": "skus", "data": too_many})
    too_big = [{"key": f"k{n}", "value": MEGABYTE_AND_A_BIT} for n in range(5)]
    with pytest.raises(PayloadTooLarge, match="over 5 MB; send it in smaller batches"):
        call("lookupcaches.putData", {"_id": "skus", "data": too_big})
    assert set(world.cache_entries("skus")) == {"A", "B"}


def test_delete_data_answers_per_key(call, world):
    answer = call("lookupcaches.deleteData", {"_id": "skus", "keys": ["A", "zzz"]})
    assert answer[0] == {"key": "A", "success": True}
    assert answer[1]["success"] is False and answer[1]["errors"][0]["code"] == "not_found"
    assert world.cache_entries("skus") == {"B": "two"}


def test_purge_empties_the_cache(call, world):
    assert call("lookupcaches.purgeData", {"_id": "skus"}) is None
    assert world.cache_entries("skus") == {}
    assert call("lookupcaches.getData", {"_id": "skus"}) == {"data": []}


@pytest.mark.parametrize(
    ("qualified", "extra"),
    [
        ("lookupcaches.getData", {}),
        ("lookupcaches.putData", {"data": []}),
        ("lookupcaches.deleteData", {"keys": []}),
        ("lookupcaches.purgeData", {}),
    ],
)
def test_an_unknown_cache_is_404(call, qualified, extra):
    with pytest.raises(NotFound, match="no lookup cache with _id 'nope'"):
        call(qualified, {"_id": "nope", **extra})
