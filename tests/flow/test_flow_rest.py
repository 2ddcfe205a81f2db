"""A flow run on the REST backend sends nothing itself, and its hooks' calls meet the
write guard as any hook's do (README, "the REST backend": changes are refused unless
writes are allowed)."""

from __future__ import annotations

import socket

import pytest
from flow_worlds import hook, page_of, simple_flow

POST_SUBMIT = """
import { state } from 'integrator-api';

function postSubmit(options) {
  let refused = null;
  try {
    const at = { resourceType: 'imports', _id: options._importId };
    state.putForResource({ ...at, key: 'seen', value: 1 });
  } catch (error) { refused = error.message; }
  return options.responseData.map(r => refused
    ? Object.assign({}, r, { errors: [{ code: 'refused', message: refused }] }) : r);
}
"""


def _closed_port_url() -> str:
    """A URL nothing listens at: any request sent there would fail."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_submits_are_answered_by_the_world_and_hook_writes_are_guarded(
    flow_runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTEGRATOR_IO_TOKEN", "flow-test-token")
    world = {
        "exports": [{"_id": "orders", "mockOutput": page_of({"id": 1}, {"id": 2})}],
        "imports": [
            {"_id": "erp", "mockResponse": {"id": "E"}, "hooks": {"postSubmit": hook("postSubmit")}}
        ],
        "flows": [simple_flow({"type": "import", "_importId": "erp"})],
    }
    runtime = flow_runtime(world, POST_SUBMIT, backend="rest", base_url=_closed_port_url())
    result = runtime.run_flow("F")
    step = result.step("erp")
    submit = step.stage("submit", 0)
    assert submit is not None
    assert [response["id"] for response in submit.output] == ["E", "E"]  # the world's answer
    assert {error["code"] for error in step.errors} == {"refused"}
    assert "allow" in step.errors[0]["message"].lower()
