"""Run a whole integrator.io flow locally: every page, every step, every hook, nothing
written.

`run_flow(world, place, flow, run_hook, ...)` (execute.py) runs a flow of the world over
the world's mocks (sources.py) with the routers' branches (routing.py), calling hooks
through the `HookRunner` it is given (hooks.py; `jsrt.runner.Runtime.run_flow` builds it
on `Runtime.run_hook`), and returns a `FlowResult` (result.py) in integrator.io's stage
vocabulary.
"""

from __future__ import annotations

from jsrt.flow.execute import GeneratorData, run_flow
from jsrt.flow.hooks import HookRun, HookRunner
from jsrt.flow.result import (
    FlowProgress,
    FlowResult,
    HookCount,
    Journey,
    JourneyStep,
    Stage,
    StepKind,
    StepResult,
)

__all__ = [
    "FlowProgress",
    "FlowResult",
    "GeneratorData",
    "HookCount",
    "HookRun",
    "HookRunner",
    "Journey",
    "JourneyStep",
    "Stage",
    "StepKind",
    "StepResult",
    "run_flow",
]
