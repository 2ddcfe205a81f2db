"""Coverage gathered over runs: each script's sites (`CoverageMap`) and its counters,
added up run after run, merged across processes (a data file per process or per
pytest-xdist worker, merged by the one that reports).

The collector API, for a front end that runs hooks (`jsrt test`, the pytest plugin,
a flow runner):

    collector = CoverageCollector()
    runtime = Runtime(world, coverage=collector)   # every run_hook / run_step counts
    ...
    collector.include_world(runtime)               # scripts the world names, run or not
    write_reports(collector, {"lcov": Path("lcov.info")})

or, for runs made elsewhere: `collector.instrument(prepared)` gives the code to send and
the counter names, `collector.record(instrumented, counts)` adds a run's counts.
`save(path)` / `CoverageCollector.load(path)` / `merge(other)` carry the data between
processes.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from jsrt.coverage.instrument import (
    BranchSite,
    Count,
    CoverageMap,
    FunctionSite,
    Instrumented,
    Span,
    StatementSite,
    instrument,
)
from jsrt.errors import InputError, JsrtError
from jsrt.files import project_root, write_atomically

if TYPE_CHECKING:
    from jsrt.loader import PreparedScript

DATA_VERSION = 1


@dataclass
class FileCoverage:
    """One script's sites and the counts of its counters over every run recorded."""

    map: CoverageMap
    counters: list[int]

    def add(self, counts: list[int]) -> None:
        for index, count in enumerate(counts):
            self.counters[index] += count


class CoverageCollector:
    """The counts of every script run with coverage, by file name (see the module
    docstring). A script whose text changed between runs starts again from zero."""

    def __init__(self) -> None:
        self.files: dict[str, FileCoverage] = {}
        self._instrumented: dict[tuple[str, str], Instrumented] = {}

    def instrument(self, prepared: PreparedScript) -> Instrumented | None:
        """The script's code with counters (same lines and columns); None for a script
        with a syntax error, which runs as written so that V8 reports it at its place."""
        if prepared.syntax_error is not None:
            return None
        key = (prepared.filename, prepared.code)
        found = self._instrumented.get(key)
        if found is None:
            found = instrument(prepared.code, prepared.filename, prepared.source)
            self._instrumented[key] = found
        self._file(found.map)
        return found

    def record(self, instrumented: Instrumented, counts: list[int] | None) -> None:
        """Add one run's counts (None: the run could not tell, nothing is added)."""
        entry = self._file(instrumented.map)
        if counts is not None and len(counts) == instrumented.map.counters:
            entry.add(counts)

    def include(self, filename: str, source: str) -> None:
        """List a script that may never run (a world names it) so it shows at 0%."""
        from jsrt.loader import prepare

        if os.path.normpath(filename) in self.files:
            return
        try:
            prepared = prepare(source, filename)
        except JsrtError:  # an import integrator.io refuses: running it says so
            return
        if prepared.syntax_error is None:
            self.instrument(prepared)

    def include_world(self, runtime: Any) -> None:
        """List every script document of the runtime's world (`Runtime.world_scripts`)."""
        for filename, source in runtime.world_scripts():
            self.include(filename, source)

    def merge(self, other: CoverageCollector) -> None:
        """Add another collector's counts (another process's, another worker's)."""
        for entry in other.files.values():
            mine = self._file(entry.map)
            mine.add(entry.counters)

    def _file(self, coverage_map: CoverageMap) -> FileCoverage:
        """The entry of the map's script, keyed by its normalised path: one script reached
        as `a/../pages.js` and as `pages.js` is one file of the report."""
        filename = os.path.normpath(coverage_map.filename)
        entry = self.files.get(filename)
        if entry is None or entry.map.source != coverage_map.source:
            named = replace(coverage_map, filename=filename)
            entry = FileCoverage(named, [0] * coverage_map.counters)
            self.files[filename] = entry
        return entry

    def to_data(self) -> dict[str, Any]:
        """The counts as plain JSON. A script inside the project is named relative to the
        project's root (`jsrt.files.project_root`), so that data written on one machine of
        a CI matrix merges with another's whatever folder each checked out into."""
        root = project_root()
        files = []
        for entry in self.files.values():
            data = asdict(entry.map)
            inside = _inside(entry.map.filename, root)
            if inside is not None:
                data["filename"] = inside
            files.append({"map": data, "counters": entry.counters, "in_project": bool(inside)})
        return {"version": DATA_VERSION, "files": files}

    @classmethod
    def from_data(cls, data: Any, origin: str) -> CoverageCollector:
        """A collector from `to_data()`'s value; InputError naming `origin` otherwise."""
        collector = cls()
        try:
            if data["version"] != DATA_VERSION:
                raise ValueError(f"version {data['version']!r}")
            root = project_root()
            for item in data["files"]:
                coverage_map = _map_from_data(item["map"])
                if item.get("in_project") is True:
                    named = str(root / coverage_map.filename)
                    coverage_map = replace(coverage_map, filename=named)
                counters = [int(c) for c in item["counters"]]
                if len(counters) != coverage_map.counters:
                    raise ValueError("counts do not match the sites")
                collector._file(coverage_map).add(counters)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"{origin}: not jsrt coverage data ({exc})",
                hint="delete the file; the next run with coverage writes it again",
                file=origin,
            ) from None
        return collector

    def save(self, path: Path) -> None:
        write_atomically(path, orjson.dumps(self.to_data()))

    @classmethod
    def load(cls, path: Path) -> CoverageCollector:
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise InputError(
                f"{path}: cannot read coverage data: {exc}",
                hint="delete the file; the next run with coverage writes it again",
                file=str(path),
            ) from None
        return cls.from_data(data, str(path))


def _inside(filename: str, root: Path) -> str | None:
    """`filename` relative to `root` (with `/`), when it is an absolute path inside it."""
    if not os.path.isabs(filename):
        return None
    try:
        relative = Path(os.path.relpath(filename, root))
    except ValueError:  # another drive (Windows): not inside
        return None
    return None if relative.parts[:1] == ("..",) else relative.as_posix()


def _span(data: dict[str, int]) -> Span:
    return Span(**data)


def _count(data: dict[str, Any]) -> Count:
    return Count(int(data["plus"]), tuple(int(m) for m in data["minus"]))


def _map_from_data(data: dict[str, Any]) -> CoverageMap:
    return CoverageMap(
        filename=str(data["filename"]),
        source=str(data["source"]),
        statements=tuple(
            StatementSite(_span(s["span"]), _count(s["count"])) for s in data["statements"]
        ),
        functions=tuple(
            FunctionSite(
                str(f["name"]), _span(f["declaration"]), _span(f["span"]), _count(f["count"])
            )
            for f in data["functions"]
        ),
        branches=tuple(
            BranchSite(
                str(b["kind"]),
                _span(b["span"]),
                tuple(_span(p) for p in b["paths"]),
                tuple(_count(c) for c in b["counts"]),
            )
            for b in data["branches"]
        ),
        counters=int(data["counters"]),
        unmeasured=tuple((str(kind), int(line)) for kind, line in data["unmeasured"]),
        lines=tuple(int(line) for line in data["lines"]),
    )
