"""Coverage reports from a `CoverageCollector`: a terminal table, lcov (`lcov.info`),
Cobertura XML (what CI services read), Istanbul JSON (`coverage-final.json`, what
Istanbul's own tools read) and HTML with each script's source annotated.

Lines: a line's hits are the most any statement starting on it ran (as Istanbul's
line coverage counts them). Sites the instrumentation could not measure
(`CoverageMap.unmeasured`) are in no total.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from jsrt.coverage.collect import CoverageCollector, FileCoverage
from jsrt.describe import counted
from jsrt.errors import UsageError
from jsrt.files import write_atomically

ReportKind = Literal["term", "lcov", "cobertura", "html", "json"]
REPORT_KINDS: tuple[ReportKind, ...] = ("term", "lcov", "cobertura", "html", "json")
DEFAULT_PATHS: dict[ReportKind, str] = {
    "lcov": "coverage/lcov.info",
    "cobertura": "coverage/cobertura.xml",
    "html": "coverage/html",
    "json": "coverage/coverage-final.json",
}
COBERTURA_DTD = "http://cobertura.sourceforge.net/xml/coverage-04.dtd"


@dataclass(frozen=True)
class Ratio:
    covered: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0

    @property
    def rate(self) -> str:
        return f"{self.covered / self.total if self.total else 1.0:.4f}"


@dataclass(frozen=True)
class FileSummary:
    """One script's counts, resolved from its counters."""

    filename: str
    statements: Ratio
    branches: Ratio
    functions: Ratio
    lines: Ratio
    line_hits: dict[int, int]
    branch_hits: list[tuple[int, list[int]]]
    """(line, each path's count) per branch site."""
    function_hits: list[tuple[str, int, int]]
    """(name, line, count) per function."""
    statement_hits: list[int]
    unmeasured: int
    """Sites not measured (`CoverageMap.unmeasured`)."""
    source: str

    @property
    def missing(self) -> list[int]:
        return [line for line, hits in sorted(self.line_hits.items()) if hits == 0]


def summarize(entry: FileCoverage) -> FileSummary:
    counters, sites = entry.counters, entry.map
    statement_hits = [s.count.of(counters) for s in sites.statements]
    line_hits: dict[int, int] = {}
    for site, hits in zip(sites.statements, statement_hits, strict=True):
        line = site.span.start_line
        line_hits[line] = max(line_hits.get(line, 0), hits)
    branch_hits = [(b.span.start_line, [c.of(counters) for c in b.counts]) for b in sites.branches]
    paths = [hits for _, counts in branch_hits for hits in counts]
    function_hits = [
        (f.name, f.declaration.start_line, f.count.of(counters)) for f in sites.functions
    ]
    return FileSummary(
        filename=shown_name(sites.filename),
        statements=Ratio(sum(1 for h in statement_hits if h), len(statement_hits)),
        branches=Ratio(sum(1 for h in paths if h), len(paths)),
        functions=Ratio(sum(1 for _, _, h in function_hits if h), len(function_hits)),
        lines=Ratio(sum(1 for h in line_hits.values() if h), len(line_hits)),
        line_hits=line_hits,
        branch_hits=branch_hits,
        function_hits=function_hits,
        statement_hits=statement_hits,
        unmeasured=len(sites.unmeasured),
        source=sites.source,
    )


def shown_name(filename: str) -> str:
    """A script's name as reports show it: relative to the current folder when inside it
    (CI services match report paths to the checkout)."""
    path = Path(filename)
    if not path.is_absolute():
        return filename
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return filename


def summaries(collector: CoverageCollector) -> list[FileSummary]:
    return [summarize(collector.files[name]) for name in sorted(collector.files)]


def _total(found: Iterable[FileSummary], part: str) -> Ratio:
    ratios = [getattr(s, part) for s in found]
    return Ratio(sum(r.covered for r in ratios), sum(r.total for r in ratios))


def total_percent(collector: CoverageCollector) -> float:
    """The one figure a threshold checks: statements and branch paths covered, together
    (as coverage.py's total with branches)."""
    found = summaries(collector)
    statements, branches = _total(found, "statements"), _total(found, "branches")
    return Ratio(statements.covered + branches.covered, statements.total + branches.total).percent


def _ranges(lines: list[int]) -> str:
    parts: list[str] = []
    start = previous = None
    for line in [*lines, None]:
        if line is not None and previous is not None and line == previous + 1:
            previous = line
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = line
    return ", ".join(parts)


def terminal_table(collector: CoverageCollector) -> str:
    """File, statements, branches, functions, lines (percent covered) and missing lines."""
    found = summaries(collector)
    header = ("File", "Stmts", "Branch", "Funcs", "Lines", "Missing lines")
    rows = [
        (
            s.filename,
            *(
                f"{getattr(s, p).percent:.1f}%"
                for p in ("statements", "branches", "functions", "lines")
            ),
            _ranges(s.missing),
        )
        for s in found
    ]
    total = (
        "TOTAL",
        *(
            f"{_total(found, p).percent:.1f}%"
            for p in ("statements", "branches", "functions", "lines")
        ),
        "",
    )
    table = [header, *rows, total]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            row[0].ljust(widths[0]),
            *(c.rjust(w) for c, w in zip(row[1:-1], widths[1:], strict=True)),
        ]
        return "  ".join([*cells, row[-1]]).rstrip()

    rule = "-" * len(line(header))
    out = [line(header), rule, *(line(r) for r in rows), rule, line(total)]
    unmeasured = sum(s.unmeasured for s in found)
    if unmeasured:
        out.append(
            f"not measured: {counted(unmeasured, 'site')}, where code packed on one line "
            "leaves no room"
        )
    return "\n".join(out)


def lcov(collector: CoverageCollector) -> str:
    """The lcov tracefile (`geninfo`'s format): one record per script."""
    out: list[str] = []
    for s in summaries(collector):
        out += ["TN:", f"SF:{s.filename}"]
        names = _unique(name for name, _, _ in s.function_hits)
        for name, (_, line, _) in zip(names, s.function_hits, strict=True):
            out.append(f"FN:{line},{name}")
        for name, (_, _, hits) in zip(names, s.function_hits, strict=True):
            out.append(f"FNDA:{hits},{name}")
        out += [f"FNF:{s.functions.total}", f"FNH:{s.functions.covered}"]
        for block, (line, counts) in enumerate(s.branch_hits):
            out += [f"BRDA:{line},{block},{path},{hits}" for path, hits in enumerate(counts)]
        out += [f"BRF:{s.branches.total}", f"BRH:{s.branches.covered}"]
        out += [f"DA:{line},{hits}" for line, hits in sorted(s.line_hits.items())]
        out += [f"LF:{s.lines.total}", f"LH:{s.lines.covered}", "end_of_record"]
    return "\n".join(out) + "\n"


def _unique(names: Iterable[str]) -> list[str]:
    """Function names made unique in a file (lcov keys FNDA by name)."""
    seen: dict[str, int] = {}
    found = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        found.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return found


def cobertura(collector: CoverageCollector, *, timestamp: int | None = None) -> bytes:
    """Cobertura XML (coverage-04.dtd): one package, a class per script."""
    found = summaries(collector)
    lines, branches = _total(found, "lines"), _total(found, "branches")
    root = ET.Element(
        "coverage",
        {
            "line-rate": lines.rate,
            "branch-rate": branches.rate,
            "lines-covered": str(lines.covered),
            "lines-valid": str(lines.total),
            "branches-covered": str(branches.covered),
            "branches-valid": str(branches.total),
            "complexity": "0",
            "version": "jsrt",
            "timestamp": str(timestamp if timestamp is not None else int(time.time() * 1000)),
        },
    )
    ET.SubElement(ET.SubElement(root, "sources"), "source").text = "."
    package = ET.SubElement(
        ET.SubElement(root, "packages"),
        "package",
        {
            "name": "scripts",
            "line-rate": lines.rate,
            "branch-rate": branches.rate,
            "complexity": "0",
        },
    )
    classes = ET.SubElement(package, "classes")
    for s in found:
        element = ET.SubElement(
            classes,
            "class",
            {
                "name": Path(s.filename).name,
                "filename": s.filename,
                "line-rate": s.lines.rate,
                "branch-rate": s.branches.rate,
                "complexity": "0",
            },
        )
        methods = ET.SubElement(element, "methods")
        for name, line, hits in s.function_hits:
            method = ET.SubElement(
                methods,
                "method",
                {
                    "name": name,
                    "signature": "",
                    "line-rate": "1" if hits else "0",
                    "branch-rate": "1",
                    "complexity": "0",
                },
            )
            ET.SubElement(
                ET.SubElement(method, "lines"), "line", {"number": str(line), "hits": str(hits)}
            )
        by_line: dict[int, list[int]] = {}
        for line, counts in s.branch_hits:
            by_line.setdefault(line, []).extend(counts)
        lines_element = ET.SubElement(element, "lines")
        for line, hits in sorted(s.line_hits.items()):
            attributes = {"number": str(line), "hits": str(hits), "branch": "false"}
            paths = by_line.get(line)
            if paths:
                taken = sum(1 for h in paths if h)
                attributes["branch"] = "true"
                attributes["condition-coverage"] = (
                    f"{round(100 * taken / len(paths))}% ({taken}/{len(paths)})"
                )
            ET.SubElement(lines_element, "line", attributes)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return (
        f'<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "{COBERTURA_DTD}">\n{body}\n'
    ).encode()


def istanbul(collector: CoverageCollector) -> dict[str, Any]:
    """Istanbul's `coverage-final.json`: per file its statement, function and branch maps
    and counts."""
    out: dict[str, Any] = {}
    for name in sorted(collector.files):
        entry = collector.files[name]
        counters, sites = entry.counters, entry.map
        out[name] = {
            "path": name,
            "statementMap": {str(i): s.span.to_istanbul() for i, s in enumerate(sites.statements)},
            "fnMap": {
                str(i): {
                    "name": f.name,
                    "decl": f.declaration.to_istanbul(),
                    "loc": f.span.to_istanbul(),
                    "line": f.declaration.start_line,
                }
                for i, f in enumerate(sites.functions)
            },
            "branchMap": {
                str(i): {
                    "loc": b.span.to_istanbul(),
                    "type": b.kind,
                    "locations": [p.to_istanbul() for p in b.paths],
                    "line": b.span.start_line,
                }
                for i, b in enumerate(sites.branches)
            },
            "s": {str(i): s.count.of(counters) for i, s in enumerate(sites.statements)},
            "f": {str(i): f.count.of(counters) for i, f in enumerate(sites.functions)},
            "b": {str(i): [c.of(counters) for c in b.counts] for i, b in enumerate(sites.branches)},
        }
    return out


_STYLE = """
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
td, th { padding: 0.15em 0.6em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
pre { margin: 0; }
.source td { font-family: monospace; white-space: pre; text-align: left; }
.hit { background: #e6ffed; } .miss { background: #ffeef0; } .part { background: #fff5b1; }
.n { color: #888; text-align: right; }
"""


def _page(title: str, body: ET.Element) -> bytes:
    document = ET.Element("html")
    head = ET.SubElement(document, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "style").text = _STYLE
    document.append(body)
    return b"<!DOCTYPE html>\n" + ET.tostring(document, encoding="utf-8", method="html")


def html_report(collector: CoverageCollector, folder: Path) -> Path:
    """An index page and a page per script, its lines marked run, not run or partly
    (a branch path not taken), with the hits; returns the index."""
    folder.mkdir(parents=True, exist_ok=True)
    found = summaries(collector)
    body = ET.Element("body")
    ET.SubElement(body, "h1").text = "jsrt coverage"
    table = ET.SubElement(body, "table")
    head = ET.SubElement(table, "tr")
    for title in ("File", "Statements", "Branches", "Functions", "Lines"):
        ET.SubElement(head, "th").text = title
    for index, s in enumerate(found):
        page = f"file{index}.html"
        row = ET.SubElement(table, "tr")
        link = ET.SubElement(ET.SubElement(row, "td"), "a", {"href": page})
        link.text = s.filename
        for part in ("statements", "branches", "functions", "lines"):
            ratio: Ratio = getattr(s, part)
            ET.SubElement(row, "td").text = f"{ratio.percent:.1f}% ({ratio.covered}/{ratio.total})"
        write_atomically(folder / page, _file_page(s))
    index_path = folder / "index.html"
    write_atomically(index_path, _page("jsrt coverage", body))
    return index_path


def _file_page(summary: FileSummary) -> bytes:
    body = ET.Element("body")
    ET.SubElement(body, "h1").text = summary.filename
    ET.SubElement(body, "p").text = (
        f"statements {summary.statements.percent:.1f}%, branches {summary.branches.percent:.1f}%, "
        f"functions {summary.functions.percent:.1f}%, lines {summary.lines.percent:.1f}%"
    )
    partial = {line for line, counts in summary.branch_hits if not all(counts)}
    table = ET.SubElement(body, "table", {"class": "source"})
    for number, text in enumerate(summary.source.splitlines(), start=1):
        hits = summary.line_hits.get(number)
        kind = (
            "" if hits is None else "miss" if hits == 0 else "part" if number in partial else "hit"
        )
        row = ET.SubElement(table, "tr", {"class": kind} if kind else {})
        ET.SubElement(row, "td", {"class": "n"}).text = str(number)
        ET.SubElement(row, "td", {"class": "n"}).text = "" if hits is None else f"{hits}x"
        ET.SubElement(row, "td").text = text
    return _page(summary.filename, body)


def report_spec(text: str) -> tuple[ReportKind, Path | None]:
    """`KIND` or `KIND:PATH` (as `--coverage-report` takes it) read; UsageError otherwise."""
    kind, _, path = text.partition(":")
    if kind not in REPORT_KINDS:
        raise UsageError(
            f"unknown coverage report {kind!r}",
            hint=f"give one of {', '.join(REPORT_KINDS)}, with :PATH to choose where "
            "(e.g. lcov:coverage/lcov.info)",
        )
    if kind == "term" and path:
        raise UsageError(
            "the term report is printed, not written to a path", hint="give term alone"
        )
    return kind, Path(path) if path else None


def write_reports(
    collector: CoverageCollector, reports: Mapping[ReportKind, Path | None]
) -> list[Path]:
    """Write each report kind named (`term` is printed by the caller) to its path (None:
    `DEFAULT_PATHS`); returns the paths written."""
    written: list[Path] = []
    for kind, given in reports.items():
        if kind == "term":
            continue
        path = given if given is not None else Path(DEFAULT_PATHS[kind])
        if kind == "html":
            written.append(html_report(collector, path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "lcov":
            data = lcov(collector).encode()
        elif kind == "cobertura":
            data = cobertura(collector)
        else:
            data = orjson.dumps(istanbul(collector), option=orjson.OPT_INDENT_2)
        write_atomically(path, data)
        written.append(path)
    return written
