"""What a loaded case file is, and what running one of its cases came to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jsrt.expect import Expectations, Failure
from jsrt.run.choice import BackendChoice

CaseKind = Literal["hook", "mapping", "filter", "flow"]
"""What a case runs: a hook function, an import's mapping, a filter, or a whole flow."""

CaseStatus = Literal["passed", "failed", "error"]
"""`passed`; `failed`: an expectation did not hold; `error`: the run could not start."""


@dataclass(frozen=True)
class FlowExpectations:
    """What a flow case expects of its flow's steps, each keyed by a step's name or `_id`
    (None where it expects nothing): `received`, the records an import received, every
    page in order; `counts`, a step's counts; `stages`, a step's stages in integrator.io's
    vocabulary. Each is matched by the subset rule of `jsrt.expect`."""

    received: Mapping[str, list[Any]] | None = None
    counts: Mapping[str, Mapping[str, Any]] | None = None
    stages: Mapping[str, list[Any]] | None = None


@dataclass(frozen=True)
class Case:
    """One run of one hook function and what it must do: `script`'s `function`, or the
    hook of a world's flow step (`flow`, `step`); or (`kind` mapping or filter) one
    mapping or filter applied to `records`."""

    name: str
    file: Path
    line: int
    script: Path | None
    function: str | None
    hook: str | None
    world: Path | None
    timeout_s: float | None
    memory_mb: int | None
    options: dict[str, Any]
    expect: Expectations
    backend: BackendChoice = field(default_factory=BackendChoice)
    """The backend and cassette the case chooses (paths made absolute)."""
    flow: str | None = None
    step: str | int | None = None
    """A hook of the world to run instead of `script`: the `hook` of this step of this
    flow (`Runtime.run_step`); `script` is then None."""
    caps: dict[str, int] = field(default_factory=dict)
    """The caps on what its run keeps (`max_log_lines`, `max_log_chars`, `max_calls`:
    `jsrt.run.limits.CAPS`) the case sets; the others are the front end's or the defaults."""
    kind: CaseKind = "hook"
    definition: Any = None
    """A mapping or filter case's definition as the file wrote it: inline, or `{import:
    ID}` / `{export: ID}` naming the world's document that holds it."""
    records: list[Any] = field(default_factory=list)
    """The records a mapping or filter case applies its definition to."""
    context: dict[str, Any] = field(default_factory=dict)
    """What a mapping or filter case gives the engine besides the records."""
    flow_input: dict[str, Any] | None = None
    """A flow case (`flow` without `step`: the whole flow runs, `Runtime.run_flow`): the
    records its page generators export (`data`; without it their `mockOutput`) and how
    many pages to run (`pages`), as the case file gives them; None for a hook case."""
    flow_expect: FlowExpectations | None = None
    """What a flow case expects of the flow's steps, beside `expect`'s shared keys."""

    @property
    def runs_flow(self) -> bool:
        """Whether the case runs a whole flow rather than one hook."""
        return self.kind == "flow"

    @property
    def id(self) -> str:
        """`path/to/file.case.yaml::name`: how reports and `-k` name the case."""
        return f"{self.file}::{self.name}"


@dataclass(frozen=True)
class CaseFile:
    """A loaded case file: its cases, in file order."""

    path: Path
    cases: tuple[Case, ...]


@dataclass
class CaseOutcome:
    """What happened when a case ran.

    `status` is `passed`, `failed` (an expectation did not hold) or `error` (the run could
    not start: the script does not load, the world file is bad, the runtime refused it).
    """

    case: Case
    status: CaseStatus
    failures: list[Failure] = field(default_factory=list)
    duration_ms: float = 0.0
    error: dict[str, Any] | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """The run's warnings (`HookResult.warnings`): shown whether the case passed or not."""
