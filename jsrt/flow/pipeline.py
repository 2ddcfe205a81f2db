"""Pages in flight: a chain of stages, each on a thread of its own, each taking the pages
in the order they were fed.

integrator.io streams a flow's pages: a page generator "pages its export and streams
pages on" (/work/shared/docs/flows-and-mappings.md, "How a flow runs a page"), so its
next page is made while the steps after it work on the one before, and within a page
"processors run sequentially" (celigo/ai skills/building-flows/SKILL.md, "Linear
Flows"). `PagePipeline` is that shape for a local run: the caller feeds pages in order,
stage k of page n starts once stage k-1 of page n and stage k of page n-1 are done. A
local flow's work is split between the caller (the transformation engine, the flow's
bookkeeping, the JSON of what crosses to the worker) and the worker process (the
hooks), so pages at different stages keep both busy where one page at a time leaves
one waiting for the other.

What the stages do to shared state is theirs to order: each stage sees the pages one at
a time and in order, and nothing else is promised (two stages run at once).

A stage that raises stops the pages from that one on (at every stage); the pages before
it go through to the end, as they would have had the pages run one after another, and
`finish` raises the failure of the earliest page.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Work = TypeVar("Work")

IN_FLIGHT = 2
"""How many pages may wait before each stage: enough to keep every stage fed, few enough
that a run holds a handful of pages at once."""


class _Page(Generic[Work]):
    """A fed page: its place in the feeding order and its work."""

    __slots__ = ("number", "work")

    def __init__(self, number: int, work: Work) -> None:
        self.number = number
        self.work = work


class PagePipeline(Generic[Work]):
    """Pages through `stages` in order; each stage a function of one page's work, run on
    a thread of its own (daemon threads, named after `name`)."""

    def __init__(self, stages: Sequence[Callable[[Work], None]], *, name: str) -> None:
        self._stages = list(stages)
        self._queues: list[queue.Queue[_Page[Work] | None]] = [
            queue.Queue(maxsize=IN_FLIGHT) for _ in self._stages
        ]
        self._lock = threading.Lock()
        self._failures: list[tuple[int, BaseException]] = []
        self._stopped_at: int | None = None
        self._fed = 0
        self._threads = [
            threading.Thread(
                target=self._serve, args=(position,), name=f"{name}-{position}", daemon=True
            )
            for position in range(len(self._stages))
        ]
        for thread in self._threads:
            thread.start()

    @property
    def stopped(self) -> bool:
        """Whether a stage failed: pages fed from now on are not run."""
        return self._stopped_at is not None

    def feed(self, work: Work) -> None:
        """Send the next page in (waiting while the first stage has `IN_FLIGHT` pages
        waiting)."""
        page = _Page(self._fed, work)
        self._fed += 1
        if self._stages:
            self._queues[0].put(page)

    def fail(self, error: BaseException) -> None:
        """The feeder failed making the next page: the pages fed so far go through, then
        `finish` raises (this or an earlier page's failure)."""
        self._failed(self._fed, error)

    def stop(self) -> None:
        """Stop every page at its next stage (the caller was interrupted), without
        waiting."""
        self._failed(-1, RuntimeError("the pages were stopped"))
        if self._stages:
            with contextlib.suppress(queue.Full):
                self._queues[0].put_nowait(None)

    def finish(self) -> None:
        """Wait until every page fed has gone through (or stopped), then raise the
        earliest page's failure if there was one."""
        if self._stages:
            if self._stopped_at != -1:  # a stopped pipeline's stages are ending already
                self._queues[0].put(None)
            try:
                for thread in self._threads:
                    thread.join()
            except BaseException:  # interrupted: no stage starts another page
                self._failed(-1, RuntimeError("the pages were stopped"))
                raise
        if self._failures:
            raise min(self._failures, key=lambda failure: failure[0])[1]

    def _serve(self, position: int) -> None:
        stage = self._stages[position]
        inbox = self._queues[position]
        outbox = self._queues[position + 1] if position + 1 < len(self._queues) else None
        while True:
            page = inbox.get()
            if page is not None and self._stopped_at == -1:
                page = None  # stopped: this stage and the ones after it end here
            if page is not None and not self._stopped_before(page.number):
                try:
                    stage(page.work)
                except BaseException as error:  # reported by finish, in page order
                    self._failed(page.number, error)
            if outbox is not None:
                outbox.put(page)
            if page is None:
                return

    def _stopped_before(self, number: int) -> bool:
        """Whether a page before `number` (or `number` itself) failed."""
        with self._lock:
            return self._stopped_at is not None and self._stopped_at <= number

    def _failed(self, number: int, error: BaseException) -> None:
        with self._lock:
            self._failures.append((number, error))
            if self._stopped_at is None or number < self._stopped_at:
                self._stopped_at = number
