"""Helpers for the coverage tests: run a script with coverage and read its counts by line."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import pytest

from jsrt.coverage import CoverageCollector
from jsrt.coverage.report import FileSummary, summarize
from jsrt.runner import HookResult, Runtime


@dataclass
class Covered:
    """One script's coverage after its runs, keyed by line for exact assertions."""

    summary: FileSummary
    results: list[HookResult]
    collector: CoverageCollector

    @property
    def lines(self) -> dict[int, int]:
        return self.summary.line_hits

    def branches(self, kind: str) -> dict[int, list[int]]:
        """The path counts of each branch site of `kind`, by the site's line."""
        entry = next(iter(self.collector.files.values()))
        found: dict[int, list[int]] = {}
        for site in entry.map.branches:
            if site.kind == kind:
                found[site.span.start_line] = [c.of(entry.counters) for c in site.counts]
        return found

    @property
    def functions(self) -> dict[str, int]:
        return {name: hits for name, _, hits in self.summary.function_hits}

    @property
    def unmeasured(self) -> list[tuple[str, int]]:
        return list(next(iter(self.collector.files.values())).map.unmeasured)


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime()


@pytest.fixture
def cover(runtime: Runtime):
    """`cover(source, *options)`: run `main` of the script once per options object with
    coverage, and return what it covered."""

    def run(source: str, *calls: dict[str, Any], function: str = "main") -> Covered:
        collector = CoverageCollector()
        runtime.coverage = collector
        try:
            code = textwrap.dedent(source).lstrip("\n")
            results = [
                runtime.run_hook("covered.js", function, options, source=code) for options in calls
            ]
        finally:
            runtime.coverage = None
        for result in results:
            assert result.error is None or result.error.get("js_message"), result.error
        entry = collector.files["covered.js"]
        return Covered(summarize(entry), results, collector)

    return run
