"""`Contract`: one integrator.io script type, what it receives and what it must return.

A contract is data plus two small functions: `read_inputs` checks the type-specific
fields a user gave and fills the rest, `check_return` judges a return. Everything common
to all types lives here: the flow-hook context, extra given fields passing through, the
5 MB limit, and splitting per-record types into one `options` per record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsrt.api.policy import ScriptKind
from jsrt.describe import describe
from jsrt.errors import InputError, UsageError
from jsrt.hooks.context import WorldLike, api_context, hook_context
from jsrt.hooks.inputs import Inputs
from jsrt.hooks.kinds import OnThrow, ReceivedResource, Resource, ScriptType
from jsrt.hooks.returns import Findings, ReturnCheck, Verdict, size_problem
from jsrt.hooks.stub import stub_text

RECORD_LIST_KEYS = ("records", "data")
"""Where per-record types accept several records at once (one call per record)."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Contract:
    """One script type.

    `script_kind` is what the policy keys on: "hook" (flow hooks), "api" (handleRequest),
    "installer" (step, update) or "script" (the rest). `resource` is what the type hangs
    on; `receives` lists the resources whose id its options may carry, the first being
    the default. `on_throw` says what a throw fails. `sample` holds realistic given fields.
    """

    name: ScriptType
    script_kind: ScriptKind
    on_throw: OnThrow
    sample: Mapping[str, Any]
    read_inputs: Callable[[Inputs], None]
    check_return: ReturnCheck
    per_record: bool = False
    resource: Resource | None = None
    receives: tuple[ReceivedResource, ...] = ()

    @property
    def stub(self) -> str:
        """The JavaScript a new script of this type starts from."""
        return stub_text(self.name)

    def build_options(
        self, given: dict[str, Any], world: WorldLike | None = None
    ) -> dict[str, Any]:
        """Complete `options` from what the user gave; given fields always win.

        Raises `InputError` naming the field when a given value has the wrong shape or a
        required one (such as preSavePage `data`) is missing.
        """
        if not isinstance(given, dict):
            raise InputError(
                f"{self.name} options must be an object {{...}}; got {describe(given)}",
                hint='write the options as a JSON object, e.g. {"data": [...]}',
                script_type=self.name,
            )
        # A shallow copy: builders only set top-level fields and never change a nested
        # value, so the user's (possibly large) page is shared, not copied.
        read = Inputs(self.name, dict(given))
        self.read_inputs(read)
        if self.script_kind == "hook":
            hook_context(read, world, self.receives)
        elif self.script_kind == "api":
            api_context(read, world)
        options = read.fields
        for key, value in read.given.items():
            options.setdefault(key, value)
        return options

    def sample_options(self) -> dict[str, Any]:
        """Complete, realistic options (what `jsrt sample TYPE` prints)."""
        return self.build_options(dict(self.sample))

    def split_records(self, options: dict[str, Any]) -> list[dict[str, Any]]:
        """One `options` per record, each with `record` set (per-record types only).

        Accepts built options carrying `record` (one) or `records`/`data` (a list).
        """
        if not self.per_record:
            raise UsageError(
                f"{self.name} runs once per page, not once per record: pass its options whole"
            )
        if "record" in options:
            return [options]
        key = next((k for k in RECORD_LIST_KEYS if k in options), None)
        if key is None:
            raise InputError(
                f"{self.name} options need a `record` (or `records`, an array of them)",
                hint='give the record to test as "record": {...}',
                script_type=self.name,
                path="record",
            )
        rest = {k: v for k, v in options.items() if k not in RECORD_LIST_KEYS}
        return [{"record": record, **rest} for record in options[key]]

    def judge(
        self, options: dict[str, Any], returned: Any, *, size_bound: int | None = None
    ) -> Verdict:
        """Judge a return (already JSON round-tripped) as integrator.io would.

        `size_bound` is what the caller knows of the return's JSON size in bytes, having
        read it from JSON text (`jsrt.run.outcomes.read_outcomes`): an upper bound, exact
        when over 5 MB. The size is then not measured again, and a return over 5 MB may
        be given unread (None): its size alone decides."""
        findings = Findings()
        too_big = size_problem(returned, size_bound)
        if too_big:
            findings.problem(too_big)
            return findings.verdict(None)
        kept = self.check_return(options, returned, findings)
        return findings.verdict(kept)
