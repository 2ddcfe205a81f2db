"""The JavaScript a new script of each type starts from (`jsrt new`, `Contract.stub`).

The stubs are plain JavaScript files, the package data of `jsrt.hooks.stubs`, one per
script type and named after it. Each declares the entry function under the type's name,
lists the `options` it receives and says what to return and what a throw does. The bodies
do the least the contract asks (pass the records through, keep every record, answer 200), so a
fresh stub passes its own contract.

The flow hooks share one description of the common context they receive; their files
hold the line ` * <hook context>` where `hook_context.txt` goes.
"""

from __future__ import annotations

import functools

from jsrt.hooks.kinds import ScriptType

HOOK_CONTEXT_MARK = " * <hook context>\n"
"""The comment line in a stub file that `hook_context.txt` replaces."""


@functools.cache
def stub_text(script_type: ScriptType) -> str:
    """The stub of a script type, as `jsrt new` writes it."""
    from importlib import resources  # with tempfile: ~5 ms of a cold start that shows no stub

    folder = resources.files("jsrt.hooks.stubs")
    text = folder.joinpath(f"{script_type}.js").read_text(encoding="utf-8")
    if HOOK_CONTEXT_MARK in text:
        context = folder.joinpath("hook_context.txt").read_text(encoding="utf-8")
        text = text.replace(HOOK_CONTEXT_MARK, context)
    return text
