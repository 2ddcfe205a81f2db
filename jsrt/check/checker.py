"""What `jsrt check` reads and in which order: script files and folders, or the scripts of
a world (a world file, a layout folder, an integration download) with the hooks its
flows wire to them.

Each script is parsed once by the loader (`jsrt.loader.prepare`, which keeps the tree);
the static rules read that tree; with `run`, each hook whose type is known also runs
once on its type's sample options against the local backend.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsrt.api.policy import PolicyContext
from jsrt.check.findings import CheckReport, Finding
from jsrt.check.rules import RULES_BY_ID
from jsrt.check.script import ScriptView
from jsrt.check.static import Entry, check_script
from jsrt.check.suppress import kept, read_suppressions
from jsrt.closest import most_alike
from jsrt.errors import InputError, LoadError, UsageError
from jsrt.hooks import contract_for
from jsrt.hooks.kinds import SCRIPT_TYPES, ScriptType
from jsrt.loader import parse, prepare, read_script

SKIPPED_FOLDERS = frozenset({"node_modules", ".git", ".jsrt", "__pycache__"})
"""Folders a folder's walk does not enter (and any whose name starts with a dot)."""


@dataclass(frozen=True)
class Target:
    """One script to check: its code and the name findings give its file, and its hooks
    as a world wires them (None: inferred from the code)."""

    source: str
    filename: str
    path: Path | None
    entries: list[Entry] | None
    read_error: InputError | None = None


def validate_disabled(disabled: Iterable[str]) -> frozenset[str]:
    """The rule ids `disabled` names, or a `UsageError` naming one no rule has."""
    chosen = frozenset(disabled)
    for rule in sorted(chosen):
        if rule not in RULES_BY_ID:
            near = most_alike(rule, RULES_BY_ID, limit=1)
            raise UsageError(
                f"no rule {rule!r} to disable",
                hint=f"did you mean {near[0]!r}? `jsrt check --rules` lists the rules",
                argument="disable",
            )
    return chosen


def check_paths(
    paths: Sequence[str | Path] = (),
    *,
    world: str | Path | None = None,
    disabled: Collection[str] = (),
    function: str | None = None,
    hook: str | None = None,
    run: bool = False,
    on_checked: Callable[[int, int], None] | None = None,
    typed: Callable[[Path], tuple[str | None, str | None]] | None = None,
) -> CheckReport:
    """Check the scripts at `paths` (files, or folders walked for `.js` files) and, with
    `world`, the world's scripts as its flows wire them (with both, the world's scripts
    under `paths`, and the other files at `paths` on their own).

    `on_checked(done, total)` is told of each script checked (a progress bar).
    `typed(path)` gives a file's (function, hook) where `function` and `hook` are not
    given (a project config's `[scripts]`).
    `disabled` is the set of rule ids turned off everywhere (`--disable`, a project
    config); `function` and `hook` say which function of each file runs and as which
    type, where the file does not say it by its functions' names. Bad input (a path that
    does not exist, an unknown rule or type, a world that cannot be read) raises a
    `UsageError` or `InputError`; what is wrong with a script is a finding.
    """
    turned_off = validate_disabled(disabled)
    script_type: ScriptType | None = contract_for(hook).name if hook is not None else None
    files = list(_script_files(paths))
    targets: list[Target] = []
    world_view = None
    findings: list[Finding] = []
    if world is not None:
        from jsrt.check.world import world_targets

        loaded = world_targets(Path(world))
        world_view = loaded.world
        findings += loaded.findings
        chosen = {path.resolve() for path in files}
        roots = [Path(p).resolve() for p in paths]
        for target in loaded.targets:
            where = target.path.resolve() if target.path is not None else None
            if roots and (where is None or not any(_under(where, root) for root in roots)):
                continue
            if where is not None:
                chosen.discard(where)
            targets.append(target)
        files = [path for path in files if path.resolve() in chosen]
    targets += [_file_target(path) for path in files]
    runner = None
    if run:
        from jsrt.check.running import HookRunner

        runner = HookRunner(world_view)
    for done, target in enumerate(targets, start=1):
        own_function, own_type = function, script_type
        if typed is not None and target.path is not None and target.entries is None:
            named_function, named_hook = typed(target.path)
            own_function = function or named_function
            if script_type is None and named_hook is not None:
                own_type = contract_for(named_hook).name
        findings += _check_target(target, turned_off, own_function, own_type, runner)
        if on_checked is not None:
            on_checked(done, len(targets))
    names = tuple(dict.fromkeys(t.filename for t in targets))
    return CheckReport(tuple(sorted(findings, key=_order)), names)


def _order(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.file, finding.line, finding.column, finding.rule)


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check_source(
    source: str,
    filename: str,
    *,
    disabled: Collection[str] = (),
    function: str | None = None,
    hook: str | None = None,
) -> list[Finding]:
    """The findings in one script's text (no world, no run): what an editor integration
    or a test checks."""
    script_type = contract_for(hook).name if hook is not None else None
    target = Target(source, filename, None, None)
    return _check_target(target, validate_disabled(disabled), function, script_type, None)


def _check_target(
    target: Target,
    disabled: frozenset[str],
    function: str | None,
    hook: ScriptType | None,
    runner: Any,
) -> list[Finding]:
    if target.read_error is not None:
        error = target.read_error
        return [
            Finding(
                target.filename,
                int(error.details.get("line") or 1),
                int(error.details.get("column") or 1),
                "syntax-error",
                error.message,
                error.hint or "save the script as UTF-8",
            )
        ]
    tree = parse(target.source)
    prepared: Any
    try:
        prepared = prepare(target.source, target.filename, tree=tree)
    except LoadError as refused:
        prepared = refused
    view = ScriptView(target.source, target.filename, tree)
    found = check_script(view, prepared, target.entries, function=function, hook=hook)
    runs = not isinstance(prepared, LoadError) and prepared.syntax_error is None
    if runner is not None and runs:
        entries = target.entries
        if entries is None:
            entries = _typed(view, function, hook)
        found += runner.run(view, prepared, entries)
    return kept(found, read_suppressions(view), set(disabled))


def _typed(view: ScriptView, function: str | None, hook: ScriptType | None) -> list[Entry]:
    """The entries a run can judge: those whose type is known."""
    from jsrt.hooks import infer_hook

    if function is not None:
        typed = hook or infer_hook(function)
        return [Entry(function, typed)] if typed else []
    entries = []
    for name in view.functions:
        typed = infer_hook(name)
        if typed is not None and (hook is None or typed == hook):
            entries.append(Entry(name, typed))
    if hook is not None and not entries and len(view.functions) == 1:
        entries.append(Entry(next(iter(view.functions)), hook))
    return entries


def _file_target(path: Path) -> Target:
    """A script file to check; one that is not UTF-8 is a finding of its own, one that
    cannot be read at all is bad input."""
    try:
        return Target(read_script(path), str(path), path, None)
    except LoadError as error:
        return Target("", str(path), path, None, read_error=error)


def _script_files(paths: Sequence[str | Path]) -> Iterator[Path]:
    """The `.js` files at `paths`: a file as given, a folder walked (sorted, skipping
    `SKIPPED_FOLDERS`, hidden folders and virtualenvs)."""
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from _walk(path)
        else:
            raise InputError(
                f"{path} does not exist",
                hint="give script files or folders of scripts (or --world WORLD)",
                file=str(path),
            )


def _walk(folder: Path) -> Iterator[Path]:
    for child in sorted(folder.iterdir()):
        if child.is_dir():
            skipped = child.name in SKIPPED_FOLDERS or child.name.startswith(".")
            if not skipped and not (child / "pyvenv.cfg").is_file():  # a virtualenv
                yield from _walk(child)
        elif child.suffix == ".js":
            yield child


def entry_of(function: str, hook: str, flow_id: str | None, world: Any) -> Entry:
    """A hook the world wires: its type when integrator.io runs it, and the policy
    context of its flow (standalone, or the integration and the caches it registers)."""
    typed: ScriptType | None = next((t for t in SCRIPT_TYPES if t == hook), None)
    if typed is None:
        return Entry(function, None)
    contract = contract_for(typed)
    options: Mapping[str, Any] = {"_flowId": flow_id} if flow_id else {}
    policy = PolicyContext.resolve(
        script_kind=contract.script_kind, hook=typed, options=options, world=world
    )
    return Entry(function, typed, policy)
