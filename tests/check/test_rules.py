"""Each static rule of `jsrt check` on a script that breaks it and one that does not,
through the public Python API (`jsrt.check.check_source`)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jsrt.check import RULES, check_source


@dataclass(frozen=True)
class Case:
    rule: str
    failing: str
    passing: str
    line: int
    """The line of the failing script the finding is on."""
    hook: str | None = None
    function: str | None = None


CASES = [
    # ECMAScript: a missing brace; the loader's syntax error, placed at the end.
    Case(
        "syntax-error",
        "function preSavePage(options) {\n  return { data: options.data\n",
        "function preSavePage(options) {\n  return { data: options.data }\n}\n",
        2,
    ),
    # celigo-reference §2.1: only integrator-api, dayjs and sjcl can be imported.
    Case(
        "unknown-module",
        "import _ from 'lodash'\nfunction preSavePage(options) { return { data: options.data } }\n",
        "import dayjs from 'dayjs'\n"
        "function preSavePage(options) { return { data: options.data } }\n",
        1,
    ),
    Case(
        "unknown-module",
        "function preSavePage(options) {\n  import('lodash')\n  return { data: options.data }\n}\n",
        "function preSavePage(options) {\n  return { data: options.data }\n}\n",
        2,
    ),
    # celigo-reference §1.1: the reference names a function; it must exist.
    Case(
        "entry-missing",
        "function preMapp(options) { return options.data.map((r) => ({ data: r })) }\n",
        "function preMap(options) { return options.data.map((r) => ({ data: r })) }\n",
        1,
        function="preMap",
    ),
    Case(
        "entry-missing",
        "function a() {}\nfunction b() {}\n",
        "function a() {}\n"
        "function preMap(options) { return options.data.map((r) => ({ data: r })) }\n",
        1,
        hook="preMap",
    ),
    # celigo-reference §1.1: every entry point returns synchronously.
    Case(
        "async-entry",
        "async function transform(options) { return options.record }\n",
        "function transform(options) { return options.record }\n",
        1,
    ),
    Case(
        "async-entry",
        "function transform(options) {\n  return Promise.resolve(options.record)\n}\n",
        "function transform(options) {\n  return options.record\n}\n",
        2,
    ),
    # celigo-reference §2.1: no require(), no setTimeout, no fetch.
    Case(
        "missing-global",
        "function transform(options) {\n  setTimeout(() => {}, 1)\n  return options.record\n}\n",
        "function transform(options) {\n  const setTimeout = (f) => f()\n  setTimeout(() => {})\n"
        "  return options.record\n}\n",
        2,
    ),
    Case(
        "missing-global",
        "function transform(options) { return options.record }\nmodule.exports = { transform }\n",
        "import { exports } from 'integrator-api'\n"
        "function transform(options) { return options.record }\n",
        2,
    ),
    # celigo-reference §2.2 rule 1: no CRUD in hooks, through a helper of the same file.
    Case(
        "crud-in-hook",
        "import { flows } from 'integrator-api'\n"
        "function nameOf(id) {\n  return flows.get(id).name\n}\n"
        "function transform(options) {\n  return { ...options.record, flow: nameOf('f1') }\n}\n",
        "import { state } from 'integrator-api'\n"
        "function transform(options) {\n"
        "  const seen = state.getForResource({ resourceType: 'flows', _id: 'x', key: 'k' })\n"
        "  return { ...options.record, seen }\n}\n",
        3,
    ),
    # runtime-objects-spec (jsrt/api/catalog.py): integrations.find does not exist.
    Case(
        "unknown-api-method",
        "import { integrations } from 'integrator-api'\n"
        "function step(options) {\n  return integrations.find({})\n}\n",
        "import { integrations } from 'integrator-api'\n"
        "function step(options) {\n  return integrations.get(options._integrationId)\n}\n",
        3,
    ),
    Case(
        "unknown-api-method",
        "import * as api from 'integrator-api'\n"
        "function step(options) {\n  return api.integration.get(options._integrationId)\n}\n",
        "import * as api from 'integrator-api'\n"
        "function step(options) {\n  return api.integrations.get(options._integrationId)\n}\n",
        3,
    ),
    # runtime-objects-spec: get takes an _id string (or {_id}); run takes {_id, ...}.
    Case(
        "api-argument",
        "import { exports } from 'integrator-api'\n"
        "function step(options) {\n  return exports.get({ id: options.exportId })\n}\n",
        "import { exports } from 'integrator-api'\n"
        "function step(options) {\n  return exports.get(options.exportId)\n}\n",
        3,
    ),
    Case(
        "api-argument",
        "import { imports } from 'integrator-api'\n"
        "function postAggregate(options) {\n  imports.run({ _id: 'i1', data: 'x' })\n}\n",
        "import { imports } from 'integrator-api'\n"
        "function postAggregate(options) {\n  imports.run({ _id: 'i1', data: [options.x] })\n}\n",
        3,
    ),
    # celigo-reference §1.2: a filter returns true or false.
    Case(
        "filter-non-boolean",
        "function filter(options) {\n  if (options.record.paid) return true\n  return 'no'\n}\n",
        "function filter(options) {\n  if (options.record.paid) return true\n  return false\n}\n",
        3,
    ),
    Case(
        "filter-non-boolean",
        "function filter(options) {\n  if (options.record.paid) {\n    return true\n  }\n}\n",
        "function filter(options) {\n  if (options.record.paid) {\n    return true\n  } else {\n"
        "    return false\n  }\n}\n",
        1,
    ),
    # celigo-reference §1.2: what each page hook returns.
    Case(
        "page-hook-return",
        "function preSavePage(options) {\n  options.data.forEach((r) => { r.seen = true })\n"
        "  return options\n}\n",
        "function preSavePage(options) {\n  options.data.forEach((r) => { r.seen = true })\n"
        "  return { data: options.data, errors: options.errors }\n}\n",
        3,
    ),
    Case(
        "page-hook-return",
        "function postSubmit(options) {\n  if (options.responseData.length) {\n"
        "    return options.responseData\n  }\n}\n",
        "function postSubmit(options) {\n  if (options.responseData.length) {\n"
        "    return options.responseData\n  }\n  return []\n}\n",
        5,
    ),
    # celigo-reference §1.2: preMap and postMap return one element per record.
    Case(
        "mapped-return",
        "function preMap(options) {\n  return options.data\n}\n",
        "function preMap(options) {\n"
        "  return options.data.map((record) => ({ data: record }))\n}\n",
        2,
    ),
    Case(
        "mapped-return",
        "function postMap(options) {\n"
        "  return options.postMapData.filter((r) => r.ok).map((r) => ({ data: r }))\n}\n",
        "function postMap(options) {\n  const out = []\n"
        "  for (const r of options.postMapData) out.push(r.ok ? { data: r } : {})\n"
        "  return out\n}\n",
        2,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_finds_its_failing_script_and_passes_the_clean_one(case: Case) -> None:
    options = {"hook": case.hook, "function": case.function}
    failing = check_source(case.failing, "failing.js", **options)
    assert [(f.rule, f.line) for f in failing if f.rule == case.rule] == [(case.rule, case.line)], (
        failing
    )
    passing = check_source(case.passing, "passing.js", **options)
    assert passing == [], passing


def test_every_rule_that_reads_a_script_alone_has_a_case() -> None:
    needs_more = {  # a world, a run or a comment: tests/check/test_world.py, test_cli.py
        "run-in-standalone-flow",
        "unregistered-lookup-cache",
        "hook-reference",
        "hook-type-mismatch",
        "contract-violation",
        "run-failed",
        "unknown-rule",
    }
    assert {rule.id for rule in RULES} - needs_more == {case.rule for case in CASES}


def test_a_finding_has_rule_severity_place_message_and_hint() -> None:
    [finding] = check_source(
        "function transform(options) {\n  const u = process.env.URL\n  return options.record\n}\n",
        "t.js",
    )
    assert finding.to_json() == {
        "rule": "missing-global",
        "severity": "error",
        "file": "t.js",
        "line": 2,
        "column": 13,
        "message": "process is not defined in integrator.io's JavaScript runtime",
        "hint": "there is no process: read configuration from options.settings",
    }
    assert finding.source_line == "  const u = process.env.URL"


def test_a_syntax_error_is_the_only_finding_it_explains() -> None:
    source = "function preMap(options) {\n  return options.data.map((r) => ({ data: r })\n"
    assert [(f.rule, f.line) for f in check_source(source, "t.js")] == [("syntax-error", 2)]


def test_places_count_lines_as_v8_does() -> None:
    # ECMAScript's line terminators: U+2028 ends a line, a form feed does not.
    source = "// a\x0cb\nfunction transform(options) {\u2028  return process.env\n}\n"
    [finding] = check_source(source, "t.js")
    assert (finding.line, finding.column) == (3, 10)
    assert finding.source_line == "  return process.env"


def test_unknown_method_names_the_nearest_real_one() -> None:
    source = (
        "import { lookupcaches } from 'integrator-api'\n"
        "function transform(options) {\n"
        "  lookupcaches.getDate({ _id: 'c' })\n  return options.record\n}\n"
    )
    [finding] = check_source(source, "t.js")
    assert finding.rule == "unknown-api-method"
    assert finding.hint.startswith("did you mean lookupcaches.getData?")


def test_entry_missing_lists_the_functions_that_exist() -> None:
    [finding] = check_source(
        "function preMapp(options) { return [] }\nfunction helper() {}\n", "t.js", function="preMap"
    )
    assert "functions defined: preMapp, helper" in finding.message
    assert finding.hint == "did you mean 'preMapp'?"


def test_crud_in_a_script_that_is_no_flow_hook_is_allowed() -> None:
    # celigo-reference §2.2: the hook rules apply to flow hooks; installer steps may CRUD.
    source = (
        "import { integrations } from 'integrator-api'\n"
        "function step(options) {\n  return integrations.get(options._integrationId)\n}\n"
    )
    assert check_source(source, "step.js") == []


def test_calls_only_a_hook_reaches_count_and_unreached_helpers_do_not() -> None:
    source = (
        "import { flows } from 'integrator-api'\n"
        "function unused() {\n  return flows.find({})\n}\n"
        "function transform(options) {\n  return options.record\n}\n"
    )
    assert check_source(source, "t.js") == []


def test_a_helper_passed_as_a_callback_is_reached() -> None:
    source = (
        "import { connections } from 'integrator-api'\n"
        "function withConnection(record) {\n"
        "  return { ...record, c: connections.get(record.c) }\n}\n"
        "function preMap(options) {\n"
        "  return options.data.map(withConnection).map((r) => ({ data: r }))\n}\n"
    )
    [finding] = check_source(source, "t.js")
    assert (finding.rule, finding.line) == ("crud-in-hook", 3)
    assert "reached through withConnection()" in finding.message


def test_an_arrow_function_entry_is_judged_by_its_expression_body() -> None:
    findings = check_source("const filter = (options) => 'yes'\n", "f.js")
    assert [(f.rule, f.column) for f in findings] == [("filter-non-boolean", 29)]
    findings = check_source("const preMap = async (options) => options.data\n", "m.js")
    assert sorted(f.rule for f in findings) == ["async-entry", "mapped-return"]
    clean = "const preMap = (options) => options.data.map((record) => ({ data: record }))\n"
    assert check_source(clean, "m.js") == []


def test_a_global_the_script_declares_is_its_own() -> None:
    source = (
        "function fetch(record) { return record }\n"
        "function transform(options) { return fetch(options.record) }\n"
    )
    assert check_source(source, "t.js") == []


def test_wrong_arguments_are_judged_only_as_far_as_they_are_written() -> None:
    source = (
        "import { exports, lookupcaches } from 'integrator-api'\n"
        "function step(options) {\n"
        "  exports.run({ _id: options.id, data: options.records })\n"
        "  lookupcaches.getData({ _id: options.cache, keys: [options.key, 'b'] })\n"
        "  return exports.get(`${options.prefix}-1`)\n}\n"
    )
    assert check_source(source, "t.js") == []
