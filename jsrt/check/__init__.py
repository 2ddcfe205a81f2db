"""`jsrt check`: hook scripts checked without running them, for CI and editors.

The rules (`jsrt.check.rules.RULES`) read the tree-sitter syntax tree the loader parsed
(`PreparedScript.tree`): syntax, imports, globals integrator.io lacks, the entry
function, integrator-api names and argument shapes (from the catalog), the calls the
hook rules refuse (from `jsrt.api.policy`), and the returns each script type must
make. With a world, its hook references are checked too (`jsrt.integration.steps`), and
each script is judged as the flows that run it wire it. `run=True` also runs each hook
once on its type's sample options.

`check_paths` is the entry point; `disabled` is the set of rules turned off everywhere
(the `--disable` option's, and a project config's); comments turn rules off per line or
file (`jsrt.check.suppress`). `render` writes a report as text, JSON, GitHub
annotations, JUnit XML or SARIF.
"""

from __future__ import annotations

from jsrt.check.checker import check_paths, check_source, validate_disabled
from jsrt.check.findings import CheckReport, Finding
from jsrt.check.formats import FORMATS, Format, render
from jsrt.check.rules import RULES, RULES_BY_ID, Rule, Severity

__all__ = [
    "FORMATS",
    "RULES",
    "RULES_BY_ID",
    "CheckReport",
    "Finding",
    "Format",
    "Rule",
    "Severity",
    "check_paths",
    "check_source",
    "render",
    "validate_disabled",
]
