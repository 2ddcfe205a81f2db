"""What a local flow run produced: `FlowResult`, one `StepResult` per step.

The vocabulary is integrator.io's own, so a local run can be diffed against a cloud one:
a cloud test run answers, per step ("bubble"), `stages[] = [{name, input, output,
errors}]` with each error carrying its `retryData` inline, and `flows trace` gives each
record's `journey[]` of steps with their stages (celigo/ai
skills/troubleshooting-flows/SKILL.md, "Use test runs" and the trace report shape). The
stage names are the cloud test run's (`parse`, `transformTwoDotZero`, `outputFilter`,
`inputFilter`, `request`, `mapping`, `responseMap`, `router`) and the hook names
(`preSavePage`, `preMap`, `postMap`, `postSubmit`, `postResponseMap`, `postAggregate`),
in the order of the UI's stage map (singh-gurkawalbir/demo src/utils/flowData/index.js,
`sampleDataStage`). A local run keeps a stage per page (the cloud test run runs one page
only), so each `Stage` also says which page it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

StepKind = Literal["export", "lookup", "import", "router"]
"""What a step is: a page generator (export), a page processor (lookup or import), or a
router."""


@dataclass
class Stage:
    """One stage of one step on one page: the records in, the records out, and the
    per-record errors it reported (each `{code, message, source, retryData, ...}`)."""

    name: str
    page: int
    input: list[Any]
    output: list[Any]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "page": self.page,
            "input": self.input,
            "output": self.output,
            "errors": self.errors,
        }


@dataclass
class HookCount:
    """A hook's runs at one step: one run per page (never per record), the records it
    was given, how many of them it failed, and its time."""

    runs: int = 0
    records: int = 0
    failed: int = 0
    duration_ms: float = 0.0

    def add(self, other: HookCount) -> None:
        """Count `other`'s runs in with these (a page's, as it leaves its step)."""
        self.runs += other.runs
        self.records += other.records
        self.failed += other.failed
        self.duration_ms += other.duration_ms

    def to_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "records": self.records,
            "failed": self.failed,
            "duration_ms": round(self.duration_ms, 3),
        }


@dataclass
class StepResult:
    """One step of the flow over the whole run.

    `received` counts the records that reached the step (after a one-to-many fan-out:
    the child records), `passed` those it passed on, `ignored` those a filter dropped
    (they skip this step only, and go on), `failed` those with errors. `submitted` holds,
    per page, what an import would have sent (the records after postMap); `branches`
    (a router) counts the records each branch took. `errors` are every stage's errors,
    as integrator.io reports them: with `retryData`, the record as the step received it.
    """

    index: int
    place: str
    kind: StepKind
    resource_id: str | None
    name: str | None
    received: int = 0
    passed: int = 0
    ignored: int = 0
    failed: int = 0
    hooks: dict[str, HookCount] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    submitted: list[list[Any]] = field(default_factory=list)
    branches: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How messages name the step: `step 3 (import 'Save orders')`."""
        named = (
            f" {self.name!r}" if self.name else (f" {self.resource_id}" if self.resource_id else "")
        )
        return f"step {self.index} ({self.kind}{named})"

    def add(self, other: StepResult) -> None:
        """Count in what `other` (this step's work on one page, with pages in flight,
        `jsrt.flow.pipeline`) counted, after what this holds."""
        self.received += other.received
        self.passed += other.passed
        self.ignored += other.ignored
        self.failed += other.failed
        for name, count in other.hooks.items():
            self.hooks.setdefault(name, HookCount()).add(count)
        self.stages += other.stages
        self.errors += other.errors
        self.submitted += other.submitted
        for index, taken in enumerate(other.branches):
            if index < len(self.branches):
                self.branches[index] += taken
            else:
                self.branches.append(taken)

    def stage(self, name: str, page: int = 0) -> Stage | None:
        """The stage `name` on `page` (0-based), or None when it did not run there."""
        return next((s for s in self.stages if s.name == name and s.page == page), None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "place": self.place,
            "type": self.kind,
            "_id": self.resource_id,
            "name": self.name,
            "counts": {
                "received": self.received,
                "passed": self.passed,
                "ignored": self.ignored,
                "failed": self.failed,
            },
            "hooks": {name: count.to_json() for name, count in self.hooks.items()},
            "stages": [stage.to_json() for stage in self.stages],
            "errors": self.errors,
        }
        if self.kind == "import":
            out["submitted"] = self.submitted
        if self.kind == "router":
            out["branches"] = self.branches
        return out


@dataclass
class JourneyStep:
    """Where a record was and what it looked like after it (`flows trace`'s journey)."""

    step: int
    place: str
    stage: str
    page: int
    record: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "place": self.place,
            "stage": self.stage,
            "page": self.page,
            "record": self.record,
        }


@dataclass
class Journey:
    """One record's way through the flow: born at `origin` (a page generator's page and
    position, or a stage that made it: a fan-out, a router's copy, a hook returning more
    records than it was given), then each stage it went through."""

    id: int
    origin: str
    page: int
    steps: list[JourneyStep] = field(default_factory=list)
    error_stage: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "page": self.page,
            "errorStage": self.error_stage,
            "journey": [step.to_json() for step in self.steps],
        }


@dataclass(frozen=True)
class FlowProgress:
    """Said to `on_progress` after each page: the generator's step, the page just done
    (1-based), the pages it will make (None when not known), and the records that page
    held."""

    step: int
    page: int
    pages: int | None
    records: int


@dataclass
class FlowResult:
    """A whole local flow run.

    `steps` in the flow's order (page generators, page processors, then each router and
    its branches' processors: `jsrt.api.world.flow_step_entries`); `pages` how many pages
    the generators made; `errors` every step's per-record errors (each names its step);
    `failures` what stopped a page or the run (a hook that threw where a throw fails the
    page, a postAggregate that threw); `trace` each record's journey when asked for;
    `ok` when no record failed and nothing stopped.
    """

    flow_id: str
    flow_name: str | None
    steps: list[StepResult]
    pages: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    trace: list[Journey] | None = None
    notes: list[str] = field(default_factory=list)
    duration_ms: float = 0.0

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [dict(error, step=step.index) for step in self.steps for error in step.errors]

    @property
    def ok(self) -> bool:
        return not self.failures and not any(step.failed for step in self.steps)

    def step(self, key: str | int) -> StepResult:
        """The step whose index, resource `_id`, name or place is `key`."""
        for step in self.steps:
            if key in (step.index, step.resource_id, step.name, step.place):
                return step
        raise KeyError(f"no step {key!r} in flow {self.flow_id}")

    def imported(self, key: str | int) -> list[Any]:
        """Every record an import would have sent, over all pages, in order."""
        return [record for page in self.step(key).submitted for record in page]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "flow": {"_id": self.flow_id, "name": self.flow_name},
            "pages": self.pages,
            "steps": [step.to_json() for step in self.steps],
            "errors": self.errors,
            "failures": self.failures,
            "duration_ms": round(self.duration_ms, 3),
        }
        if self.notes:
            out["notes"] = self.notes
        if self.trace is not None:
            out["records"] = [journey.to_json() for journey in self.trace]
        return out
