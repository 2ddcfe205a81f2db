"""Measuring and judging: alternate sampling with medians, result rows and their targets.

Two sides of a comparison are sampled in turns (jsrt, reference, jsrt, reference, …)
after a warm-up of each, so that drift of a noisy machine (another process, CPU
frequency, page cache) hits both alike; the figure of each side is its median.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Sample = Callable[[], float]
"""One measurement of one side, in the side's unit (usually milliseconds)."""

GUARD_FACTOR = 2.0
"""The regression guard fails only when a figure is this many times worse than its target:
CI machines are noisy, and the guard exists to catch gross regressions."""


def alternate(sides: Sequence[Sample], *, repeats: int, warmup: int = 1) -> list[list[float]]:
    """Sample every side `warmup` times (discarded), then `repeats` rounds of one sample
    per side in turn; return the kept samples per side."""
    for sample in sides:
        for _ in range(warmup):
            sample()
    kept: list[list[float]] = [[] for _ in sides]
    for _ in range(repeats):
        for samples, sample in zip(kept, sides, strict=True):
            samples.append(sample())
    return kept


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def timed_ms(action: Callable[[], Any]) -> float:
    """Wall-clock milliseconds of one call of `action`."""
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def sampled_row(
    workload: str,
    unit: str,
    samples: list[list[float]],
    *,
    reference_name: str,
    target: Target | None = None,
    note: str = "",
    higher_is_better: bool = False,
) -> Row:
    """A row from `alternate` samples of `[jsrt]` or `[jsrt, reference]`: their medians."""
    named = dict(zip(("jsrt", "reference"), samples, strict=False))
    return Row(
        workload=workload,
        unit=unit,
        jsrt=median(named["jsrt"]),
        reference=median(named["reference"]) if "reference" in named else None,
        reference_name=reference_name,
        target=target,
        note=note,
        samples=named,
        higher_is_better=higher_is_better,
    )


@dataclass(frozen=True)
class Target:
    """What a row must reach. `kind`: `ratio_max` (the ratio at most `limit`), `max` (the
    jsrt figure at most `limit`) or `min` (the jsrt figure at least `limit`).

    An absolute figure moves with the machine (a CI runner half as fast halves a rate), so
    such a target may say what it means against the row's reference, measured on the same
    machine in the same run: `relative`, which the guard judges instead when the
    reference ran."""

    kind: Literal["ratio_max", "max", "min"]
    limit: float
    relative: Target | None = None

    def describe(self, unit: str) -> str:
        if self.kind == "ratio_max":
            return f"ratio ≤ {self.limit:g}"
        sign = "≤" if self.kind == "max" else "≥"
        return f"{sign} {self.limit:,g} {unit}"

    def met(self, jsrt: float | None, ratio: float | None, *, slack: float = 1.0) -> bool | None:
        """Whether the figures reach the target loosened `slack` times; None when the
        figure it judges is missing (the reference could not run)."""
        if self.kind == "ratio_max":
            return None if ratio is None else ratio <= self.limit * slack
        if jsrt is None:
            return None
        if self.kind == "max":
            return jsrt <= self.limit * slack
        return jsrt >= self.limit / slack


@dataclass
class Row:
    """One line of the report: jsrt's figure, the reference's, and their ratio.

    `ratio` is always jsrt's cost over the reference's cost, so 1.0 is parity and lower is
    better, whatever the unit (for a rate such as calls/s it is reference / jsrt).
    """

    workload: str
    unit: str
    jsrt: float | None
    reference: float | None
    reference_name: str
    target: Target | None = None
    note: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        if self.jsrt is None or self.reference is None or not self.jsrt or not self.reference:
            return None
        if self.higher_is_better:
            return self.reference / self.jsrt
        return self.jsrt / self.reference

    def verdict(self, *, slack: float = 1.0) -> bool | None:
        if self.target is None:
            return None
        return self.target.met(self.jsrt, self.ratio, slack=slack)

    def guard_verdict(self) -> bool | None:
        """Whether the row is within `GUARD_FACTOR` times its target, judged against the
        reference where the target says how and the reference ran."""
        if self.target is None:
            return None
        judged = self.target
        if judged.relative is not None and self.ratio is not None:
            judged = judged.relative
        return judged.met(self.jsrt, self.ratio, slack=GUARD_FACTOR)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["target"] = (
            None if self.target is None else {**asdict(self.target), "text": self.target_text}
        )
        out["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        out["met"] = self.verdict()
        return out

    @property
    def target_text(self) -> str:
        return "" if self.target is None else self.target.describe(self.unit)
