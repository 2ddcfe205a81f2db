"""A small hook project written into a temporary folder: a script, a world and case files.

Case files live only in temporary folders: jsrt's own `tests/` must hold none, or the
jsrt pytest plugin would collect them when the project's own tests run.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

HOOK_JS = """
import { state } from 'integrator-api'

function preSavePage(options) {
  const seen = state.getForResource({ resourceType: 'exports', _id: 'e1', key: 'seen' })
  state.putForResource({ resourceType: 'exports', _id: 'e1', key: 'seen',
                         value: seen + options.data.length })
  console.log(`page ${options.pageIndex}: ${options.data.length} records`)
  return { data: options.data.map(r => ({ ...r, total: r.qty * r.price })), errors: [] }
}

function broken(options) {
  return options.nope.length
}
"""

WORLD_YAML = """
state:
  exports/e1: {seen: 10}
"""

PASSING_CASES = """
script: hook.js
function: preSavePage
world: world.yaml
cases:
  - name: totals each record
    data: [{id: 1, qty: 2, price: 5}]
    expect:
      result_subset: {data: [{id: 1, total: 10}]}
      logs: [{contains: "1 records"}]
      calls:
        - {object: state, method: putForResource, args: [{key: seen, value: 11}]}
      calls_count: {state.putForResource: 1}
      world:
        state: {exports/e1: {seen: 11}}
  - name: a throw that is expected
    function: broken
    expect:
      error: {type: ScriptError, name: TypeError, message: "reading 'length'"}
"""

FAILING_CASES = """
script: hook.js
function: preSavePage
world: world.yaml
cases:
  - name: wrong total
    data: [{id: 7, qty: 3, price: 4}]
    expect:
      result_subset: {data: [{id: 7, total: 13}]}
  - name: wrong state write
    data: [{id: 1, qty: 1, price: 1}, {id: 2, qty: 1, price: 1}]
    expect:
      calls:
        - {object: state, method: putForResource, args: [{key: seen, value: 11}]}
"""

BAD_CASES = """
script: hook.js
cases:
  - name: typo
    expect:
      result_subsett: {}
"""


def write_project(folder: Path, **case_files: str) -> Path:
    """Write hook.js, world.yaml and a `<name>.case.yaml` for each `name=text` given."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hook.js").write_text(textwrap.dedent(HOOK_JS).lstrip(), encoding="utf-8")
    (folder / "world.yaml").write_text(textwrap.dedent(WORLD_YAML).lstrip(), encoding="utf-8")
    for name, text in case_files.items():
        path = folder / f"{name}.case.yaml"
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder
