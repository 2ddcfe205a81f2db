"""`jsrt check --run`: each hook whose type is known runs once on its type's sample
options (what `jsrt sample TYPE` prints) against the local backend, so a return that
breaks the contract shows up beside the static findings.

A broken contract is a `contract-violation` (an error); a throw on the sample options is
a `run-failed` warning, because sample data is not the user's data (a hook that refuses
a page without its settings throws here by design).
"""

from __future__ import annotations

from typing import Any

from jsrt.check.findings import Finding
from jsrt.check.script import ScriptView
from jsrt.check.static import Entry
from jsrt.errors import JsrtError
from jsrt.hooks import contract_for
from jsrt.loader import PreparedScript


class HookRunner:
    """Runs hooks for a check: one `Runtime` over the world (or an empty one)."""

    def __init__(self, world: Any) -> None:
        from jsrt.runner import Runtime

        self.runtime = Runtime(world)

    def run(
        self, view: ScriptView, prepared: PreparedScript, entries: list[Entry]
    ) -> list[Finding]:
        findings: list[Finding] = []
        for entry in entries:
            node = view.functions.get(entry.function)
            if entry.hook is None or node is None:
                continue
            line, column, shown = view.place(node)
            sample = dict(contract_for(entry.hook).sample)
            try:
                result = self.runtime.run_hook(prepared, entry.function, sample, entry.hook)
            except JsrtError as error:
                findings.append(
                    Finding(
                        view.filename,
                        line,
                        column,
                        "run-failed",
                        f"{entry.function} could not run as {entry.hook}: {error.message}",
                        error.hint or "run it with jsrt run to see why",
                        shown,
                    )
                )
                continue
            for problem in result.problems:
                findings.append(
                    Finding(
                        view.filename,
                        line,
                        column,
                        "contract-violation",
                        f"{entry.function} run as {entry.hook} on sample options: {problem}",
                        f"`jsrt sample {entry.hook}` prints the options it ran on; "
                        f"`jsrt run {view.filename} --hook {entry.hook}` runs it",
                        shown,
                    )
                )
            if result.error is not None and not result.problems:  # else it is the broken contract
                findings.append(_thrown(view, entry, result.error, (line, column, shown)))
        return findings


def _thrown(
    view: ScriptView, entry: Entry, error: dict[str, Any], fallback: tuple[int, int, str]
) -> Finding:
    """A throw, placed where it happened when that is in this script."""
    line, column, shown = fallback
    if error.get("file") == view.filename and isinstance(error.get("line"), int):
        line, column = error["line"], int(error.get("column") or 1)
        shown = str(error.get("source_line") or "")
    message = str(error.get("message") or "it threw")
    return Finding(
        view.filename,
        line,
        column,
        "run-failed",
        f"{entry.function} threw on {entry.hook}'s sample options: {message}",
        f"`jsrt sample {entry.hook}` prints the options it ran on; a real page may differ",
        shown,
    )
