"""The rules `jsrt check` applies: one table, each rule's id, severity, what it catches and
where integrator.io says so.

Every finding names its rule by id; a comment or `--disable` turns a rule off by that id
(`jsrt.check.suppress`). The SARIF output lists this table as the tool's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Severity = Literal["error", "warning"]
"""An error fails the check (exit 1); a warning is reported and fails nothing."""


@dataclass(frozen=True)
class Rule:
    """One check: `summary` says what it catches, `source` where the behaviour is
    documented (or that jsrt picked it where documentation is silent)."""

    id: str
    severity: Severity
    summary: str
    source: str


_REFERENCE = "celigo-reference"

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "syntax-error",
        "error",
        "The script cannot be parsed: integrator.io could not run it either.",
        "ECMAScript",
    ),
    Rule(
        "unknown-module",
        "error",
        "An import of a module integrator.io does not provide (only integrator-api, dayjs "
        "and sjcl), or a dynamic import().",
        f"{_REFERENCE} §2.1: only three modules can be imported",
    ),
    Rule(
        "entry-missing",
        "error",
        "The hook's entry function (configured, or named after a script type) is not "
        "defined at the script's top level.",
        f"{_REFERENCE} §1.1: each hook reference is {{_scriptId, function}}",
    ),
    Rule(
        "async-entry",
        "error",
        "An async entry function, or one that returns a Promise: hooks return synchronously.",
        f"{_REFERENCE} §1.1: every entry point returns synchronously",
    ),
    Rule(
        "missing-global",
        "error",
        "A global integrator.io's runtime lacks (require, process, fetch, timers, module, "
        "CommonJS exports, Buffer, window, document).",
        f"{_REFERENCE} §2.1: no require(), no setTimeout, no fetch",
    ),
    Rule(
        "crud-in-hook",
        "error",
        "A CRUD call of an integrator-api object reachable from a flow hook (through the "
        "file's own helper functions too).",
        f"{_REFERENCE} §2.2 rule 1: CRUD functions are not supported in hooks",
    ),
    Rule(
        "run-in-standalone-flow",
        "error",
        "An export or import run reachable from a hook of a flow that is in no integration.",
        f"{_REFERENCE} §2.2 rule 2: runs need an integration",
    ),
    Rule(
        "unregistered-lookup-cache",
        "error",
        "Lookup cache data used from a hook whose integration does not register the cache.",
        f"{_REFERENCE} §2.2 rule 3: lookup caches must be registered",
    ),
    Rule(
        "unknown-api-method",
        "error",
        "A call of an integrator-api object or function that does not exist.",
        "runtime-objects-spec (jsrt/api/catalog.py)",
    ),
    Rule(
        "api-argument",
        "error",
        "An integrator-api call whose argument, as written, has the wrong shape.",
        "runtime-objects-spec (jsrt/api/catalog.py, jsrt/api/checks.py)",
    ),
    Rule(
        "filter-non-boolean",
        "error",
        "A filter that can return something other than true or false.",
        f"{_REFERENCE} §1.2: a filter returns a boolean",
    ),
    Rule(
        "page-hook-return",
        "error",
        "A page hook that returns `options` itself, or nothing on some path.",
        f"{_REFERENCE} §1.2: what each page hook returns",
    ),
    Rule(
        "mapped-return",
        "error",
        "A preMap or postMap whose return is not an array with one element per record of "
        "its input (options.data, options.postMapData).",
        f"{_REFERENCE} §1.2: preMap and postMap return one element per record",
    ),
    Rule(
        "hook-reference",
        "error",
        "A hook reference of the world that does not resolve: no script, no such function.",
        f"{_REFERENCE} §1.1: where each type is wired",
    ),
    Rule(
        "hook-type-mismatch",
        "warning",
        "A function named after one script type attached where another type runs.",
        "integrator.io UI stubs (jsrt/hooks/kinds.py); jsrt's choice where docs are silent",
    ),
    Rule(
        "contract-violation",
        "error",
        "With --run: the hook, run once on its type's sample options, broke its contract.",
        "jsrt/hooks contracts",
    ),
    Rule(
        "run-failed",
        "warning",
        "With --run: the hook threw on its type's sample options (a real page may differ).",
        "jsrt's choice: a throw on sample data is worth a look, not a failure",
    ),
    Rule(
        "unknown-rule",
        "warning",
        "A disable comment names a rule jsrt check does not have.",
        "jsrt's choice (as eslint reports unknown rules)",
    ),
)

RULES_BY_ID: Final[dict[str, Rule]] = {rule.id: rule for rule in RULES}
