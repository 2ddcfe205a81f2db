"""Hook tests as data: case files, what they say, and how one case runs.

A case file is named `*.case.yaml`, `*.case.yml` or `*.case.json`. It names a script and
says what running one of its functions should do::

    # orders.case.yaml
    script: normalizeOrders.js      # required; relative to this file
    function: preSavePage           # optional: the script's only function, if it has one
    hook: preSavePage               # optional: inferred from the function name
    world: world.yaml               # optional: seeds the local backend (fresh for each case)
    timeout: 5                      # optional: seconds, 0.001 to 3600 (default 30)
    memory: 128                     # optional: heap limit in MiB, 16 to 2048 (default 256)
    options: {pageIndex: 0}         # optional: options shared by every case below
    cases:
      - name: totals an order that has lines
        data:                       # options.data
          - {id: SO-1, customer: " Acme ", createdAt: "2024-03-05T10:00:00Z",
             lines: [{qty: 2, price: 5}]}
        expect:
          result_subset: {data: [{id: SO-1, customer: Acme, total: 10}], errors: []}
          logs: [{contains: "1 orders kept"}]
      - name: rejects an order without lines
        data: [{id: SO-2, lines: []}]
        expect:
          result_subset: {data: [], errors: [{code: NO_LINES}]}

Without `cases:` the file itself is one case (its `name` defaults to the file name).
With `cases:`, every other top-level key is a default each case may override; `options`
merge key by key (the case's win).

Instead of `script` and `function`, a case may run a hook as a world's flow wires it:
`flow` (its `_id` or name), `step` (its `_id`, name or 0-based index) and `hook` (the
script type; optional when the step has one hook), with `world` required. The script
and function come from the step's hook reference, the ids and settings in `options`
from the documents; `options`, `data` and `record` then give only the data part
(without them, the hook's sample).

A case may also run a whole flow: `flow` (its `_id` or name) without `step`, with
`world` required, runs every page of its page generators through every step
(`Runtime.run_flow`; `jsrt.cases.flow` has the details). `data` then gives the records
its page generators export (a list for its one page generator, or per export `_id` or
name; without it, their `mockOutput`), `pages` how many pages of each to run; `script`,
`function`, `hook`, `options` and `record` have no meaning there. Its `expect` takes
`ok`, `error`, `errors` (every step's per-record errors), `world`, and:
`received: {<import>: [records]}` (what the import would have sent, every page in
order, subset), `counts: {<step>: {received, passed, ignored, failed, hooks}}` (subset)
and `stages: {<step>: [{name, page, input, output, errors}]}` (in order, each subset);
a step is named by its name, its resource's `_id`, its 0-based index or its place.

A case may apply a mapping or a filter instead of running a hook (`definitions.py`):
`mapping:` is `{import: <_id or name>}` (an import of the `world`) or a mapping written
inline (`{mappings, lookups}` for Mapper 2.0, `{mapping: {fields, lists}}` for 1.0, or
the list of Mapper 2.0 mappings); `filter:` is `{export: ...}` or `{import: ...}` (that
document's `filter`) or a filter inline (`{type: expression, expression: {...}}`; a
`script` filter runs as a filter hook). `records:` are what it applies to, `context:`
what the engine gets besides (a mapping's `operation`, a filter's `settings`). Such a
case has no `script`, `function`, `flow`, `step`, `hook`, `options`, `data` or
`record`. Its run is judged as a hook run: `result` is what the next step receives (the
mapped records; the records that pass), `records` one outcome per record (`{index, ok,
value}`, with `errors` when it failed), `errors` the failed records' errors with their
`index`; the run fails when a record failed::

    # orders.case.yaml
    world: world.yaml
    mapping: {import: Put orders}
    cases:
      - name: maps an order
        records: [{id: 1, country: DE}]
        expect:
          result: [{ref: "1", region: EMEA}]

Keys of a case:

* `name`: unique in the file; `-k` filters on it.
* `script`, `function`, `hook`, `world`, `timeout`, `memory`: as above, per case; or
  `flow`, `step` and `hook` (a hook of the world).
* `max_log_lines` (1 to 1,000,000; default 100,000), `max_log_chars` (1 to 64,000,000;
  default 16,000,000), `max_calls` (1 to 1,000,000; default 100,000): what the run keeps
  of its logs, its call log and what it records into a cassette (`jsrt.run.limits`);
  the rest is counted, not kept. `jsrt test --max-calls ...` (and the pytest plugin's
  options) give them to cases that set none.
* `backend` (`local`, `rest`, `replay`), `base_url`, `region`, `token_env`,
  `allow_writes`: what answers the integrator-api calls (`jsrt.runner.Runtime`);
  `cassette` (a file to record to, relative to this file) with `record_mode` (`once`,
  `new`, `none`, `all`) and `secret_fields` (more names to scrub from it), or `replay`
  (a cassette to answer from). Options the front end
  gives (`jsrt test --backend ...`, the pytest plugin's) win over these. Cases that share a
  cassette keep their calls apart by name.
* `options`: the options given to the hook (the hook contract fills in the rest);
  `data` and `record` are shorthands for `options.data` and `options.record`.
* `expect`: what the run must do. The run must succeed unless `error` is given or `ok`
  is false. Matching rules: *exact* equal JSON; *subset*: objects may have more keys,
  lists have the same length and match element by element; *in order*: the expected
  entries appear in that order, others may come between them.

  - `ok`: true or false: whether the run succeeded.
  - `error`: `{type?, name?, message?}`: the run failed this way. `type` is a jsrt error
    class (ScriptError, ContractViolation, HookTimeout, LoadError, … or a base class such
    as HookError), `name` the JavaScript error name (TypeError, …), `message` a substring.
  - `result`: the returned value, exact. `result_subset`: the returned value, subset.
  - `errors`: the per-record errors the hook reported, subset.
  - `records`: per-record outcomes of filter, transform and branching hooks
    (`[{index, ok, value, error?}]`), subset.
  - `logs`: `[{level?, text?, contains?}]` in order (`text` exact, `contains` a substring).
  - `calls`: integrator-api calls `[{object, method, args?, ok?, result?, error?}]` in
    order, `args` and the rest subset.
  - `calls_count`: the number of calls, or `{"object.method": number}` per method.
  - `world`: the local backend after the run, subset: `state: {"<resourceType>/<_id>":
    {key: value}}`, `lookupcaches: {<cache _id>: {key: value}}`, `imported: {<import _id>:
    [records]}`, `export_runs: {<export _id>: [runs]}`, `jobs: {<flow _id>: [jobs]}`.

A case file that cannot be used raises `InputError` naming the file, the line and column,
what is allowed there and how to fix it.
"""

from jsrt.cases.discovery import CASE_SUFFIXES, discover, is_case_file
from jsrt.cases.loading import load_case_file
from jsrt.cases.model import Case, CaseFile, CaseOutcome, CaseStatus
from jsrt.cases.running import run_case

__all__ = [
    "CASE_SUFFIXES",
    "Case",
    "CaseFile",
    "CaseOutcome",
    "CaseStatus",
    "discover",
    "is_case_file",
    "load_case_file",
    "run_case",
]
