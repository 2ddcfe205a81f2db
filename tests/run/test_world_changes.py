"""A run in a real worker sends back what it changed in the world, not the world: the
reply's size follows the change, the caller's world and its state dir take the same
changes, the worker's copy stays at the caller's version, and nothing else is applied."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from jsrt.backends.local import SnapshotError, World
from jsrt.run.program import HOOK_RUNS
from jsrt.runner import Runtime
from jsrt.worker.supervisor import Supervisor

BIG_VALUE_BYTES = 5 * 1024 * 1024
SEED = {
    "integrations": [{"_id": "shop", "name": "Shop", "_registeredLookupCacheIds": ["skus"]}],
    "flows": [{"_id": "orderSync", "name": "Order sync", "_integrationId": "shop"}],
    "lookupcaches": [{"_id": "skus", "name": "SKUs", "data": [{"key": "A", "value": 1}]}],
    "state": {"flows/orderSync": {"big": "x" * BIG_VALUE_BYTES, "gone": True}},
}
PUT_ONE_KEY = """
import { state } from 'integrator-api'
function preSavePage(options) {
  const n = options.data[0].n
  state.putForResource({ resourceType: 'flows', _id: 'orderSync', key: 'n', value: n })
  return { data: options.data }
}
"""


class ReplyKeeper(Supervisor):
    """The hook runs' program in a worker of its own, keeping every request it sends and
    every reply the worker answers (as they crossed the pipe)."""

    def __init__(self) -> None:
        super().__init__(HOOK_RUNS)
        self.requests: list[Mapping[str, Any]] = []
        self.replies: list[dict[str, Any]] = []

    def run(self, payload: Mapping[str, Any], *, timeout_s: float) -> dict[str, Any]:
        self.requests.append(payload)
        reply = super().run(payload, timeout_s=timeout_s)
        self.replies.append(reply)
        return reply


@pytest.fixture
def worker() -> Iterator[ReplyKeeper]:
    keeper = ReplyKeeper()
    yield keeper
    keeper.close()


def _reply_bytes(reply: Mapping[str, Any]) -> int:
    """The reply's size but for the hook's own outcomes: its JSON, and the call log's
    text (raw bytes, as the outcomes)."""
    raw = {k: v for k, v in reply.items() if isinstance(v, bytes)}
    plain = {k: v for k, v in reply.items() if k not in raw}
    return len(orjson.dumps(plain)) + sum(len(v) for k, v in raw.items() if k != "outcomes")


def test_a_run_that_changes_one_key_of_a_big_world_replies_with_that_key_only(
    tmp_path: Path, write_script, worker: ReplyKeeper
) -> None:
    script = write_script(PUT_ONE_KEY)
    state_dir = tmp_path / "state"
    runtime = Runtime(World(SEED), state_dir=state_dir, executor=worker, timeout_s=30)
    for n in (1, 2):
        result = runtime.run_hook(
            script, "preSavePage", {"_flowId": "orderSync", "data": [{"n": n}]}
        )
        assert result.ok, result.error

    reply = worker.replies[-1]
    assert reply["world_changes"]["state"] == [["flows/orderSync", "n", 2]]
    assert _reply_bytes(reply) < 16 * 1024  # the world holds 5 MB
    # The second run found the world in the worker: the caller's world, after taking in
    # the first run's changes, was at the worker's version.
    assert [r["backend"]["world"] is None for r in worker.requests] == [False, True]
    assert reply["world_version"] == runtime.world.version
    assert runtime.world.state_of("flows", "orderSync")["n"] == 2
    saved = Runtime(state_dir=state_dir, executor=worker).world
    assert saved.state_of("flows", "orderSync") == {
        "big": "x" * BIG_VALUE_BYTES,
        "gone": True,
        "n": 2,
    }


def test_every_kind_of_change_reaches_the_caller_and_its_state_dir(
    tmp_path: Path, write_script, worker: ReplyKeeper
) -> None:
    script = write_script(
        """
        import { state, lookupcaches, flows } from 'integrator-api'
        function handleRequest(options) {
          state.putForResource({ resourceType: 'flows', _id: 'orderSync', key: 'n', value: null })
          state.deleteForResource({ resourceType: 'flows', _id: 'orderSync', key: 'gone' })
          lookupcaches.putData({ _id: 'skus', data: [{ key: 'B', value: { two: 2 } }] })
          lookupcaches.deleteData({ _id: 'skus', keys: ['A'] })
          lookupcaches.patch({ _id: 'skus', patch: { name: 'SKU map' } })
          const job = flows.run({ _id: 'orderSync' })
          return { statusCode: 200, body: job }
        }
        """
    )
    state_dir = tmp_path / "state"
    runtime = Runtime(World(SEED), state_dir=state_dir, executor=worker, timeout_s=30)
    result = runtime.run_hook(script, "handleRequest")  # a My API may patch documents
    assert result.ok, result.error

    changes = worker.replies[-1]["world_changes"]
    assert changes["state"] == [["flows/orderSync", "n", None]]
    assert changes["removed_state"] == [["flows/orderSync", "gone"]]
    assert changes["cache_entries"] == [["skus", "B", {"two": 2}]]
    assert changes["removed_cache_entries"] == [["skus", "A"]]
    assert [name for name, _job in changes["history"]] == ["jobs"]
    assert [(c, i, doc["name"]) for c, i, doc in changes["documents"]] == [
        ("lookupcaches", "skus", "SKU map")
    ]
    job_id = result.value["body"]["_jobId"]
    for world in (runtime.world, Runtime(state_dir=state_dir, executor=worker).world):
        assert world.state_of("flows", "orderSync") == {"big": "x" * BIG_VALUE_BYTES, "n": None}
        assert world.cache_entries("skus") == {"B": {"two": 2}}
        assert (world.get("lookupcaches", "skus") or {}).get("name") == "SKU map"
        assert [job["_id"] for job in world.jobs("orderSync")] == [job_id]


def test_a_failed_run_changes_nothing_and_the_next_run_starts_from_the_world_before_it(
    tmp_path: Path, write_script, worker: ReplyKeeper
) -> None:
    failing = write_script(
        """
        import { state } from 'integrator-api'
        function preSavePage(options) {
          state.putForResource({ resourceType: 'flows', _id: 'orderSync', key: 'n', value: 9 })
          for (;;) {}
        }
        """,
        name="failing.js",
    )
    reading = write_script(
        """
        import { state } from 'integrator-api'
        function preSavePage(options) {
          const keys = state.getKeysForResource({ resourceType: 'flows', _id: 'orderSync' })
          return { data: [keys] }
        }
        """,
        name="reading.js",
    )
    state_dir = tmp_path / "state"
    runtime = Runtime(World(SEED), state_dir=state_dir, executor=worker, timeout_s=1)
    options = {"_flowId": "orderSync", "data": [{}]}
    failed = runtime.run_hook(failing, "preSavePage", options)
    assert failed.error is not None and failed.error["type"] == "HookTimeout"
    assert "n" not in runtime.world.state_of("flows", "orderSync")
    assert "n" not in Runtime(state_dir=state_dir, executor=worker).world.state_of(
        "flows", "orderSync"
    )
    result = runtime.run_hook(reading, "preSavePage", options)
    assert result.ok, result.error
    assert result.value == {"data": [{"keys": ["big", "gone"]}]}


@pytest.mark.parametrize(
    "changes",
    [
        {"documents": "all of them"},
        {"state": [["flows/f1", "k"]]},
        {"documents": [["integrations", "i1", {"_id": "other"}]]},
        {"documents": [["nonsense", "i1", {"_id": "i1"}]]},
        {"history": [["everything", {}]]},
        {"next_id": -1},
        {"created": [["integrations", "i1"]]},
        {"documents": [["exports", "e1", {"_id": "e1", "mockOutput": "not a mock"}]]},
    ],
    ids=str,
)
def test_changes_of_the_wrong_shape_are_refused_and_change_nothing(
    changes: dict[str, Any],
) -> None:
    world = World(SEED)
    world.track_changes()
    before = world.snapshot()
    wire = {
        "documents": [],
        "removed_documents": [],
        "created": [],
        "state": [["flows/orderSync", "n", 1]],
        "removed_state": [],
        "cache_entries": [],
        "removed_cache_entries": [],
        "history": [],
        "next_id": 0,
        **changes,
    }
    with pytest.raises(SnapshotError):
        world.apply_run(wire, version=before["version"] + 1)
    assert world.snapshot() == before
    assert not world.has_changes()


def test_a_document_the_world_may_not_hold_is_refused_at_its_place() -> None:
    wire = {
        "documents": [["exports", "e1", {"_id": "e1", "mockOutput": "not a mock"}]],
        **{part: [] for part in ("removed_documents", "created", "state", "removed_state")},
        **{part: [] for part in ("cache_entries", "removed_cache_entries", "history")},
        "next_id": 0,
    }
    with pytest.raises(SnapshotError, match=r"^world changes: exports\[0\]\.mockOutput: "):
        World().apply_run(wire, version=1)
