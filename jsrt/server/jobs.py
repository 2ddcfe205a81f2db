"""The jobs `jsrt serve` shows: each flow job `flows.run` (or `POST /v1/flows/{_id}/run`)
recorded in the world, with a life cycle the local world does not have.

The local world runs nothing, so a recorded job stays `queued` there. A client polls a
job until it is done (`GET /v1/jobs/{_id}`, `GET /v1/flows/{_id}/jobs/latest`), so each
such look moves it one step along `queued -> running -> completed` (a run was answered
`queued`, so the first look finds it `running`, the second `completed`), stamping
`startedAt` and `endedAt` when it gets there. A list (`GET /v1/jobs`) shows jobs as they
are without moving them, so its `status=` filter means what it says. None of this timing
is documented: it is plausible, and deterministic, so tests need no clock. The fields are
the Job API's (celigo/integrator-api-docs job.md): `_id`, `type`, `_flowId`,
`_integrationId`, `status`, `startedAt`, `endedAt`, `numError`, `numSuccess`,
`numIgnore`, `numPagesGenerated`, `createdAt`, `lastModified`; the counts are 0, as
nothing ran.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsrt.backends.local.models import timestamp_now

LIFE_CYCLE = ("queued", "running", "completed")
"""A job's statuses, in order: where it starts, and where each look moves it."""

_COUNTS = ("numError", "numSuccess", "numIgnore", "numPagesGenerated")


@dataclass
class _Progress:
    """How far a job got, and when it got to each step."""

    step: int = 0
    started_at: str | None = None
    ended_at: str | None = None


class JobBoard:
    """The life cycle of each job this server has shown (kept for the server's life; a
    `POST /_jsrt/reset` clears it with the world)."""

    def __init__(self) -> None:
        self._progress: dict[str, _Progress] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._progress.clear()

    def peek(self, job: Mapping[str, Any], flow: Mapping[str, Any] | None) -> dict[str, Any]:
        """The job as it is now, without moving it."""
        with self._lock:
            progress = self._progress.get(job["_id"], _Progress())
            return _served(job, flow, progress)

    def look(self, job: Mapping[str, Any], flow: Mapping[str, Any] | None) -> dict[str, Any]:
        """The job after one more step of its life cycle (a completed job stays so)."""
        with self._lock:
            progress = self._progress.setdefault(job["_id"], _Progress())
            if progress.step < len(LIFE_CYCLE) - 1:
                progress.step += 1
                now = timestamp_now()
                if LIFE_CYCLE[progress.step] == "running":
                    progress.started_at = now
                else:
                    progress.ended_at = now
            return _served(job, flow, progress)


def _served(
    job: Mapping[str, Any], flow: Mapping[str, Any] | None, progress: _Progress
) -> dict[str, Any]:
    served: dict[str, Any] = {
        "_id": job["_id"],
        "type": job.get("type", "flow"),
        "_flowId": job["_flowId"],
    }
    integration_id = (flow or {}).get("_integrationId")
    if isinstance(integration_id, str):
        served["_integrationId"] = integration_id
    served["status"] = LIFE_CYCLE[progress.step]
    if progress.started_at:
        served["startedAt"] = progress.started_at
    if progress.ended_at:
        served["endedAt"] = progress.ended_at
    served.update(dict.fromkeys(_COUNTS, 0))
    served.update({k: job[k] for k in ("startDate", "endDate") if k in job})
    served["createdAt"] = job.get("createdAt")
    served["lastModified"] = progress.ended_at or progress.started_at or job.get("createdAt")
    return served
