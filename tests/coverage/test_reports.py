"""The reports: lcov read back by a Python lcov parser (lcov-cobertura), Cobertura XML read
by pycobertura and checked against the structure coverage-04.dtd prescribes (the DTD
itself ships in no PyPI package, so the test checks its element and attribute rules), the
Istanbul JSON format, the HTML pages and the terminal table; scripts a world names and no
test ran are listed at 0%."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest
from lcov_cobertura import LcovCobertura
from pycobertura import Cobertura

from jsrt.coverage import CoverageCollector
from jsrt.coverage.report import (
    cobertura,
    html_report,
    istanbul,
    lcov,
    summaries,
    terminal_table,
    total_percent,
    write_reports,
)
from jsrt.runner import Runtime

ORDERS = """\
function preSavePage(options) {
  const out = []
  for (const record of options.data) {
    if (record.total > 100) {
      out.push({ ...record, large: true })
    } else {
      out.push(record)
    }
  }
  return { data: out, errors: options.errors, abort: false }
}

function neverCalled(x) {
  return x * 2
}
"""

WORLD = """\
scripts:
  - _id: s1
    name: Orders
    contentFile: orders.js
  - _id: s2
    name: Unused
    content: |
      function preMap(options) {
        return options.data.map((d) => ({ data: d }))
      }
"""


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> CoverageCollector:
    folder = tmp_path_factory.mktemp("world")
    (folder / "orders.js").write_text(ORDERS, encoding="utf-8")
    (folder / "world.yaml").write_text(WORLD, encoding="utf-8")
    collector = CoverageCollector()
    runtime = Runtime(folder / "world.yaml", coverage=collector)
    result = runtime.run_hook(folder / "orders.js", options={"data": [{"total": 5}]})
    assert result.ok, result.error
    runtime.run_hook(folder / "orders.js", options={"data": [{"total": 500}, {"total": 1}]})
    collector.include_world(runtime)
    return collector


def _by_name(collector: CoverageCollector) -> dict[str, object]:
    return {Path(s.filename).name: s for s in summaries(collector)}


def test_a_script_the_world_names_and_no_run_reached_is_listed_at_zero(
    collected: CoverageCollector,
) -> None:
    found = _by_name(collected)
    unused = found["Unused"]
    assert unused.statements.covered == 0 and unused.statements.total == 1  # type: ignore[attr-defined]
    assert unused.lines.percent == 0.0  # type: ignore[attr-defined]
    orders = found["orders.js"]
    assert orders.line_hits == {2: 2, 3: 2, 4: 3, 5: 1, 7: 2, 10: 2, 14: 0}  # type: ignore[attr-defined]
    assert orders.branch_hits == [(4, [1, 2])]  # type: ignore[attr-defined]


def test_the_terminal_table_lists_files_percentages_and_missing_lines(
    collected: CoverageCollector,
) -> None:
    table = terminal_table(collected)
    header, _, *rows = table.splitlines()
    assert header.split()[:6] == ["File", "Stmts", "Branch", "Funcs", "Lines", "Missing"]
    orders = next(row for row in rows if row.split()[0].endswith("orders.js"))
    assert orders.split()[1:] == ["85.7%", "100.0%", "50.0%", "85.7%", "14"]
    unused = next(row for row in rows if "Unused" in row)
    assert unused.split()[-5:] == ["0.0%", "100.0%", "0.0%", "0.0%", "2"]
    assert any(row.startswith("TOTAL") for row in rows)
    assert table.endswith("not measured: 1 site, where code packed on one line leaves no room")


def test_lcov_is_read_back_by_an_lcov_parser_with_the_same_counts(
    collected: CoverageCollector,
) -> None:
    text = lcov(collected)
    parsed = LcovCobertura(text).parse()
    classes = {
        Path(name).name: data
        for package in parsed["packages"].values()
        for name, data in package["classes"].items()
    }
    ours = _by_name(collected)
    assert set(classes) == set(ours)
    for name, data in classes.items():
        summary = ours[name]
        hits = {int(line): int(value["hits"]) for line, value in data["lines"].items()}
        assert hits == summary.line_hits  # type: ignore[attr-defined]
        assert data["lines-covered"] == summary.lines.covered  # type: ignore[attr-defined]
        assert data["branches-total"] == summary.branches.total  # type: ignore[attr-defined]
    assert classes["orders.js"]["methods"] == {
        "preSavePage": ["1", "2"],
        "neverCalled": ["13", "0"],
    }
    assert classes["orders.js"]["lines"][4]["branches-covered"] == 2


def test_cobertura_is_read_by_pycobertura_with_the_same_counts(
    collected: CoverageCollector, tmp_path: Path
) -> None:
    path = tmp_path / "cobertura.xml"
    path.write_bytes(cobertura(collected))
    report = Cobertura(str(path))
    ours = {s.filename: s for s in summaries(collected)}
    assert set(report.files()) == set(ours)
    for filename, summary in ours.items():
        assert report.total_statements(filename) == summary.lines.total
        assert report.total_misses(filename) == len(summary.missing)
        assert [line for line, _ in report.missed_lines(filename)] == summary.missing
    orders = next(name for name in ours if name.endswith("orders.js"))
    assert report.line_rate(orders) == pytest.approx(6 / 7, abs=1e-4)


# coverage-04.dtd's rules: each element's children (in order; ? optional, * any number)
# and its required attributes.
_CHILDREN = {
    "coverage": ["sources?", "packages"],
    "sources": ["source*"],
    "source": [],
    "packages": ["package*"],
    "package": ["classes"],
    "classes": ["class*"],
    "class": ["methods", "lines"],
    "methods": ["method*"],
    "method": ["lines"],
    "lines": ["line*"],
    "line": ["conditions*"],
}
_REQUIRED = {
    "coverage": {
        "line-rate",
        "branch-rate",
        "lines-covered",
        "lines-valid",
        "branches-covered",
        "branches-valid",
        "complexity",
        "version",
        "timestamp",
    },
    "package": {"name", "line-rate", "branch-rate", "complexity"},
    "class": {"name", "filename", "line-rate", "branch-rate", "complexity"},
    "method": {"name", "signature"},
    "line": {"number", "hits"},
}
_OPTIONAL = {
    "method": {"line-rate", "branch-rate", "complexity"},
    "line": {"branch", "condition-coverage"},
}


def _check_structure(element: ET.Element) -> None:
    expected = _CHILDREN[element.tag]
    children = [child.tag for child in element]
    position = 0
    for rule in expected:
        name, repeat = rule.rstrip("?*"), rule[-1] if rule[-1] in "?*" else ""
        count = 0
        while position < len(children) and children[position] == name:
            position += 1
            count += 1
        assert count <= 1 or repeat == "*", f"<{element.tag}>: several <{name}>"
        assert count >= 1 or repeat, f"<{element.tag}> lacks <{name}>"
    assert position == len(children), f"<{element.tag}> holds {children[position:]}"
    required = _REQUIRED.get(element.tag, set())
    assert required <= set(element.attrib), (
        f"<{element.tag}> lacks {required - set(element.attrib)}"
    )
    assert set(element.attrib) <= required | _OPTIONAL.get(element.tag, set())
    if element.tag == "line" and element.get("branch") == "true":
        assert element.get("condition-coverage", "").endswith(")")
    for child in element:
        _check_structure(child)


def test_cobertura_follows_the_coverage_04_dtd_structure(collected: CoverageCollector) -> None:
    text = cobertura(collected, timestamp=1)
    assert (
        b'<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">' in text
    )
    root = ET.fromstring(text)
    _check_structure(root)
    assert root.get("branches-valid") == "2" and root.get("branches-covered") == "2"
    branch_line = root.find(".//class/lines/line[@number='4']")
    assert branch_line is not None and branch_line.get("condition-coverage") == "100% (2/2)"


def test_istanbul_json_has_the_maps_and_counts_istanbul_reads(
    collected: CoverageCollector,
) -> None:
    data = istanbul(collected)
    orders = next(value for key, value in data.items() if key.endswith("orders.js"))
    assert set(orders) == {"path", "statementMap", "fnMap", "branchMap", "s", "f", "b"}
    assert set(orders["s"]) == set(orders["statementMap"])
    assert orders["statementMap"]["0"] == {
        "start": {"line": 2, "column": 2},
        "end": {"line": 2, "column": 16},
    }
    assert orders["fnMap"]["1"]["name"] == "neverCalled" and orders["f"] == {"0": 2, "1": 0}
    assert orders["branchMap"]["0"]["type"] == "if" and orders["b"] == {"0": [1, 2]}
    assert len(orders["branchMap"]["0"]["locations"]) == 2


def test_html_annotates_each_line_of_the_source(
    collected: CoverageCollector, tmp_path: Path
) -> None:
    index = html_report(collected, tmp_path / "html")
    page = index.read_text(encoding="utf-8")
    assert "orders.js" in page and "85.7% (6/7)" in page
    pages = {p.read_text(encoding="utf-8") for p in (tmp_path / "html").glob("file*.html")}
    orders = next(p for p in pages if "neverCalled" in p)
    assert (
        '<tr class="miss"><td class="n">14</td><td class="n">0x</td><td>  return x * 2</td>'
        in orders
    )
    assert '<tr class="hit"><td class="n">4</td><td class="n">3x</td>' in orders


def test_every_report_is_written_where_asked(collected: CoverageCollector, tmp_path: Path) -> None:
    written = write_reports(
        collected,
        {
            "lcov": tmp_path / "a" / "lcov.info",
            "cobertura": tmp_path / "cobertura.xml",
            "json": tmp_path / "coverage-final.json",
            "html": tmp_path / "html",
        },
    )
    assert [p.name for p in written] == [
        "lcov.info",
        "cobertura.xml",
        "coverage-final.json",
        "index.html",
    ]
    assert orjson.loads((tmp_path / "coverage-final.json").read_bytes()) == istanbul(collected)
    # statements and branch paths together: (6 + 0) + (2) of (7 + 1) + (2)
    assert total_percent(collected) == pytest.approx(100 * 8 / 10)


def test_scripts_with_unmeasured_sites_say_so_in_the_table() -> None:
    collector = CoverageCollector()
    code = textwrap.dedent(
        """\
        function main(options) {
          return options.data.map((d) => d.a || d.b)
        }
        """
    )
    Runtime(coverage=collector).run_hook("packed.js", "main", {"data": [{"a": 1}]}, source=code)
    assert terminal_table(collector).endswith(
        "not measured: 2 sites, where code packed on one line leaves no room"
    )
