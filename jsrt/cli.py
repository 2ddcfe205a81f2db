"""The `jsrt` command line (click): a thin front end over `jsrt.runner.Runtime`.

Errors are data: every `JsrtError` carries its exit code (0 ok, 1 the hook failed or
broke its contract, 2 bad usage or bad input), and is printed as a sentence with a hint,
never as a traceback. Every command is testable in-process with click's `CliRunner`.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
import orjson

from jsrt.describe import counted, describe, source_excerpt
from jsrt.errors import EXIT_HOOK_FAILED, EXIT_OK, InputError, JsrtError, UsageError
from jsrt.json_values import indented
from jsrt.run.choice import (
    BACKEND_KINDS,
    RECORD_MODES,
    REGION_NAMES,
    BackendChoice,
    flag_spelling,
    unknown_value,
)
from jsrt.run.limits import CAPS, MEMORY, TIMEOUT, Limit
from jsrt.terminal import Progress, paint, use_color

if TYPE_CHECKING:
    from jsrt.backends.local import World
    from jsrt.cases import Case
    from jsrt.cases.sharding import Shard
    from jsrt.config.schema import ProjectConfig
    from jsrt.coverage import CoverageCollector
    from jsrt.flow import FlowProgress, FlowResult
    from jsrt.reporting import Report
    from jsrt.transform.handlebars import Escape
    from jsrt.transform.mapping import MappedPage, MappingProblem, RecordOutcome
    from jsrt.watch import WatchedPaths


def _fail(error: JsrtError, *, as_json: bool, extra: dict[str, Any] | None = None) -> NoReturn:
    if as_json:
        click.echo(indented({"ok": False, **(extra or {}), "error": error.to_dict()}))
    else:
        click.echo(_error_text(error), err=True)
    sys.exit(error.exit_code)


def _error_text(error: JsrtError) -> str:
    """An error as the terminal shows it: the message; the script's line with a caret
    under the column, as node shows an uncaught error; the hint."""
    lines = [f"error: {error.message}", *source_excerpt(error.details)]
    if error.hint:
        lines.append(f"  hint: {error.hint}")
    return "\n".join(lines)


def _warn(warnings: Iterable[str]) -> None:
    """Each warning on its own stderr line, as every command prints them."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def _echo_logs(logs: list[dict[str, Any]]) -> None:
    for entry in logs:
        click.echo(f"[{entry['level']}] {entry['text']}", err=True)


def _read_options(path: str | None) -> dict[str, Any]:
    from jsrt.inputs import load_data_file

    if path is None:
        return {}
    options = load_data_file(path, what="options")
    if not isinstance(options, dict):
        raise InputError(
            f"{path}: options must be a JSON object, got {type(options).__name__}",
            file=path,
            hint='give the options object the hook receives, e.g. {"data": [...]}',
        )
    return options


class _OneOf(click.Choice):
    """A closed set of a `BackendChoice` field, refused in its own words."""

    def __init__(self, field: str, choices: tuple[str, ...]) -> None:
        super().__init__(choices)
        self.field = field

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value not in self.choices:
            self.fail(unknown_value(self.field, value), param, ctx)
        return value


_BEARER_TOKEN = re.compile(r"[\x21-\x7e]+")
"""What `jsrt serve --token` accepts: visible ASCII without spaces, as a header carries it."""


class _LimitValue(click.ParamType):
    """A limit (`jsrt.run.limits`) as an option's value, refused with its accepted range."""

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.name = "integer" if limit.whole else "float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = self.limit.read(value)
        problem = self.limit.problem(value)
        if problem is not None:
            self.fail(problem, param, ctx)
        return value


_TOKEN_ENV_OPTION = click.option(
    "--token-env",
    metavar="VAR",
    help="Environment variable holding the API token (default INTEGRATOR_IO_TOKEN).",
)
"""The account's token variable, for `--backend rest`, `jsrt pull` and `jsrt push`."""

_BACKEND_OPTIONS = (
    click.option(
        "--backend",
        type=_OneOf("backend", BACKEND_KINDS),
        help="What answers integrator-api calls: local (the world; default), rest (an "
        "integrator.io account, or jsrt serve), replay (a cassette, no network).",
    ),
    click.option(
        "--base-url",
        metavar="URL",
        help="API root for --backend rest (default $INTEGRATOR_IO_BASE_URL, else the region's).",
    ),
    click.option(
        "--region",
        type=_OneOf("region", REGION_NAMES),
        help="integrator.io region for --backend rest.",
    ),
    _TOKEN_ENV_OPTION,
    click.option(
        "--allow-writes",
        is_flag=True,
        help="Let --backend rest change the account: create, update, patch, delete, state and "
        "lookup cache writes, import and flow runs.",
    ),
    click.option(
        "--record", metavar="FILE", help="Record every integrator-api call and answer here."
    ),
    click.option(
        "--record-mode",
        type=_OneOf("record_mode", RECORD_MODES),
        help="once (default): replay FILE if it exists, else record it; new: replay, and "
        "record calls it lacks; none: replay only; all: record it afresh.",
    ),
    click.option("--replay", metavar="FILE", help="Answer every call from this cassette."),
    click.option(
        "--secret-field",
        "secret_fields",
        multiple=True,
        metavar="NAME",
        help="Also scrub this field from the cassette (besides password, token, ...).",
    ),
)


def _backend_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The backend and cassette options of `run` and `test`."""
    for option in reversed(_BACKEND_OPTIONS):
        command = option(command)
    return command


_RUN_LIMITS = (
    click.option(
        "--timeout",
        type=_LimitValue(TIMEOUT),
        default=TIMEOUT.default,
        show_default=True,
        help=f"Wall-clock limit, {TIMEOUT.accepted}.",
    ),
    click.option(
        "--memory",
        type=_LimitValue(MEMORY),
        default=MEMORY.default,
        show_default=True,
        help=f"Heap limit, {MEMORY.accepted}.",
    ),
)


def _run_limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--timeout` and `--memory` of each hook run, with their defaults: `run`, `flow run`."""
    for option in reversed(_RUN_LIMITS):
        command = option(command)
    return command


_CAP_HELP = {
    "max_log_lines": "Log lines a run keeps",
    "max_log_chars": "Characters of log text a run keeps",
    "max_calls": "integrator-api calls a run keeps in its call log and records into a cassette",
}
"""What each cap (`jsrt.run.limits.CAPS`) bounds; what goes past it is counted in `dropped`."""


def _cap_options(*, for_cases: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--max-log-lines`, `--max-log-chars`, `--max-calls`: for `run` with their defaults,
    for `test` (`for_cases`) as the caps of cases that set none."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        for name, cap in reversed(CAPS.items()):
            about = f"{_CAP_HELP[name]}; the rest are counted in dropped"
            if for_cases:
                about += f", for cases that set no {name}"
            option = click.option(
                f"--{name.replace('_', '-')}",
                name,
                type=_LimitValue(cap),
                default=None if for_cases else int(cap.default),
                help=f"{about} ({cap.accepted}; default {cap.default:.0f}).",
            )
            command = option(command)
        return command

    return add


def _backend_choice(given: dict[str, Any]) -> BackendChoice:
    """The backend choice the backend options make (checked, in their flags' names)."""
    return BackendChoice.of(given, spell=flag_spelling)


class RunsHooks(click.Command):
    """A command that runs hooks: `jsrt.console` keeps the engine's worker it forked
    before loading this module only for these (`runs_hooks`).

    With `--json`, a command line click refuses (a limit out of range, an unknown
    backend) is answered as every other failure is: one JSON object, exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        wants_json = "--json" in args and any(p.name == "as_json" for p in self.params)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            if not wants_json:
                raise
            command = " ".join(["jsrt", *ctx.command_path.split()[1:]])  # `jsrt flow run`
            usage = UsageError(error.format_message(), hint=f"see {command} --help")
            _fail(usage, as_json=True)


# --- the project config, --watch and --env: one decorator for every command -----------------

_PROJECT = "jsrt.project"
"""Where a command's context keeps its `_ProjectState`."""


@dataclass
class _ProjectState:
    """The config a command read (or why it could not), and the environment chosen."""

    env: str | None
    env_named: str = "--env"
    """How the environment was chosen, for messages: `--env` or `$JSRT_ENV`."""
    config: ProjectConfig | None = None
    error: JsrtError | None = None


def _read_project(ctx: click.Context, env: str | None, env_named: str) -> _ProjectState:
    """Read the project config into `ctx.default_map`, so that a parameter the command
    line leaves out takes the config's value (the environment's over the top level's).
    A config that cannot be used is kept as the state's error, which the command reports
    in its own format (`--json` or not) once its parameters are known."""
    from jsrt.config import load_config

    state = _ProjectState(env, env_named)
    names = {param.name for param in ctx.command.params}
    try:
        state.config = load_config()
        if state.config is None and env is not None:
            given = f"{env_named}={env}" if env_named.startswith("$") else f"{env_named} {env}"
            raise UsageError(
                f"{given}: no jsrt.toml (or [tool.jsrt] in pyproject.toml) here or above",
                hint=f"add a jsrt.toml with an [env.NAME] section, or leave {env_named} out",
            )
        if state.config is not None:
            defaults = state.config.defaults(env)
            ctx.default_map = {name: value for name, value in defaults.items() if name in names}
    except JsrtError as error:
        state.error = error
        ctx.default_map = {}
    ctx.meta[_PROJECT] = state
    return state


def _env_option(ctx: click.Context, param: click.Parameter, env: str | None) -> None:
    """`--env`, else `$JSRT_ENV`. The variable is read here rather than by click's
    `envvar`, so that the message can say which one chose (click before 8.5 records the
    source only after an eager callback has run)."""
    if env is None and os.environ.get(_ENV_VARIABLE):
        _read_project(ctx, os.environ[_ENV_VARIABLE], f"${_ENV_VARIABLE}")
    else:
        _read_project(ctx, env, "--env")


_BACKEND_FIELDS = (
    "backend",
    "base_url",
    "region",
    "token_env",
    "allow_writes",
    "record",
    "record_mode",
    "secret_fields",
    "replay",
)
"""The `BackendChoice` fields, named as the commands' parameters."""


def _configured(ctx: click.Context, params: dict[str, Any]) -> dict[str, Any]:
    """The command's parameters with what the config gives and the command line does
    not: the backend (the config's under the flags', `BackendChoice.under`), and a
    script's hook type and function from `[scripts]`. Raises the config's error."""
    from jsrt.run.choice import BackendChoice

    state: _ProjectState = ctx.meta[_PROJECT]
    if state.error is not None:
        raise state.error
    config = state.config
    if config is None:
        return params
    chosen = dict(params)
    backend = config.backend_choice(state.env)
    if "backend" in params:
        flags = {name: params[name] for name in _BACKEND_FIELDS}
        merged = backend.under(BackendChoice.of(flags, spell=flag_spelling))
        chosen.update({name: getattr(merged, name) for name in _BACKEND_FIELDS})
    else:
        for name in _BACKEND_FIELDS:
            if name in params and params[name] is None:
                chosen[name] = getattr(backend, name)
    if params.get("script") and (entry := config.script(params["script"])) is not None:
        for name in ("hook", "function"):
            if name in params and params[name] is None:
                chosen[name] = getattr(entry, name)
    if "disabled" in params and ctx.get_parameter_source("disabled") == _FROM_CONFIG:
        config.check_rules()
    return chosen


def _refreshed(ctx: click.Context, params: dict[str, Any]) -> dict[str, Any]:
    """`params` with the config read again (between --watch runs): what came from the
    config or a default is taken afresh; what the command line gave stays."""
    from click.core import ParameterSource

    state: _ProjectState = ctx.meta[_PROJECT]
    _read_project(ctx, state.env, state.env_named)
    fresh = dict(params)
    configured = ctx.default_map or {}
    for param in ctx.command.params:
        name = param.name or ""
        source = ctx.get_parameter_source(name)
        if name not in params or source not in (ParameterSource.DEFAULT, _FROM_CONFIG):
            continue
        if name in configured:
            fresh[name] = param.type_cast_value(ctx, configured[name])
        elif source == _FROM_CONFIG:  # the config no longer sets it: the declared default
            value = param.process_value(ctx, param.get_default(ctx))
            fresh[name] = None if value is _UNSET else value
    return fresh


_UNSET = getattr(click.core, "UNSET", None)
"""click's marker of a parameter with no default (click 8.3; before it, None)."""


def _script_types() -> Callable[[Path], tuple[str | None, str | None]] | None:
    """What the project config's `[scripts]` says of a file: (function, hook)."""
    state: _ProjectState = click.get_current_context().meta[_PROJECT]
    config = state.config
    if config is None or not config.document.scripts:
        return None

    def typed(path: Path) -> tuple[str | None, str | None]:
        entry = config.script(path)
        return (None, None) if entry is None else (entry.function, entry.hook)

    return typed


_FROM_CONFIG = click.core.ParameterSource.DEFAULT_MAP
_ENV_VARIABLE = "JSRT_ENV"

_WRITTEN = ("output", "junit_path", "trace_path", "record", "coverage_data")
"""Parameters naming a file a command writes: never what starts the next --watch run."""
_READ = ("script", "paths", "world", "options_path", "data_path")
"""Parameters naming what a command reads: what --watch watches."""


def _watched(ctx: click.Context, params: dict[str, Any]) -> WatchedPaths:
    """What `--watch` watches for this command: what it reads, and the project."""
    from jsrt.watch import WatchedPaths

    read: list[Path] = []
    for name in _READ:
        value = params.get(name)
        values = value if isinstance(value, tuple | list) else [value]
        read += [Path(v) for v in values if v and v != "-"]
    if not read:  # `jsrt test` with no PATHS, `jsrt flow run` with no --world: here
        read.append(Path("."))
    if ctx.command.name == "test":
        read += _case_sources(params.get("paths") or (".",))
    state: _ProjectState = ctx.meta[_PROJECT]
    if state.config is not None:
        read += [state.config.path, state.config.folder]
    written = [Path(params[name]) for name in _WRITTEN if params.get(name)]
    return WatchedPaths.of(read, written)


def _case_sources(paths: Iterable[str]) -> list[Path]:
    """The scripts and worlds the case files under `paths` name (wherever they are): what
    `jsrt test --watch` watches besides the case files. A case file that cannot be read
    names none; the run reports it."""
    from jsrt.cases import discover, load_case_file

    sources: list[Path] = []
    for path in discover(list(paths)):
        try:
            cases = load_case_file(path).cases
        except JsrtError:
            continue
        sources += [place for case in cases for place in (case.script, case.world) if place]
    return sources


def _watch(ctx: click.Context, once: Callable[[], None], params: dict[str, Any]) -> NoReturn:
    """Run the command, then again on each save; Ctrl-C ends it with exit 0."""
    from jsrt.watch import watch_runs

    def announce(number: int, changed: Collection[Path]) -> None:
        if number > 1:
            click.clear()
            names = ", ".join(sorted(_shown_path(path) for path in changed))
            click.echo(f"jsrt: {names} changed; run {number}", err=True)

    def run() -> None:
        try:
            once()
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
            click.echo(f"jsrt: exit {code}; watching for changes (Ctrl-C to stop)", err=True)
        except click.ClickException as refused:
            refused.show()
            click.echo("jsrt: watching for changes (Ctrl-C to stop)", err=True)
        else:
            click.echo("jsrt: exit 0; watching for changes (Ctrl-C to stop)", err=True)

    try:
        watch_runs(run, lambda: _watched(ctx, params), before_run=announce)
    except KeyboardInterrupt:
        click.echo(err=True)
    sys.exit(EXIT_OK)


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _project(*, watch: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A command that reads the project config: `--env NAME` (and `$JSRT_ENV`) and, with
    `watch`, `--watch`. Put under `@main.command(...)`, over the command's options."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def configured(**params: Any) -> None:
            ctx = click.get_current_context()
            watching = params.pop("watch", False)
            as_json = bool(params.get("as_json")) or params.get("form") == "json"
            first = [True]

            def once() -> None:
                given = params if first[0] else _refreshed(ctx, params)
                first[0] = False
                try:
                    chosen = _configured(ctx, given)
                except JsrtError as error:
                    _fail(error, as_json=as_json)
                command(**chosen)

            if watching:
                _watch(ctx, once, params)
            once()

        configured = click.option(
            "--env",
            metavar="NAME",
            is_eager=True,
            expose_value=False,
            callback=_env_option,
            help="Use the [env.NAME] section of the project config (jsrt.toml or "
            "[tool.jsrt] in pyproject.toml) over its top level (default $JSRT_ENV).",
        )(configured)
        if watch:
            configured = click.option(
                "--watch",
                is_flag=True,
                help="Run again on each save of a script, case file, world or the config "
                "(Ctrl-C stops).",
            )(configured)
        return configured

    return add


@click.group()
@click.version_option(package_name="jsrt")
def main() -> None:
    """Run Celigo integrator.io JavaScript hooks locally."""


def runs_hooks(args: list[str]) -> bool:
    """Whether the command line `args` (without the program) names a command that runs
    hooks (a group's command too: `jsrt flow run`)."""
    command: click.Command | None = main
    for arg in args:
        if not isinstance(command, click.Group):
            break
        command = command.commands.get(arg)
    return isinstance(command, RunsHooks)


@main.command(cls=RunsHooks)
@_project(watch=True)
@click.argument("script", type=click.Path(dir_okay=False), required=False)
@click.option(
    "--function",
    "-f",
    "function",
    help="Entry function (default: the only one, or the one named after a script type).",
)
@click.option(
    "--hook",
    help="Script type when the function name does not say it (preMap, …); with --flow and "
    "--step, the hook of the step to run.",
)
@click.option(
    "--flow", metavar="FLOW", help="Run a hook of this flow of the world (its _id or name)."
)
@click.option(
    "--step",
    metavar="STEP",
    help="With --flow: the step whose hook runs (its _id, name or 0-based index; --hook "
    "may be left out when the step has one hook).",
)
@click.option(
    "--options", "options_path", metavar="FILE|-", help="JSON/YAML options file, or - for stdin."
)
@click.option(
    "--world",
    type=click.Path(),
    help="World file seeding the local backend; or an integration download (.zip or "
    "folder), or a folder holding world.json.",
)
@click.option(
    "--state-dir", type=click.Path(file_okay=False), help="Keep the world across runs here."
)
@_run_limit_options
@_cap_options(for_cases=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with everything.")
@_backend_options
def run(
    script: str | None,
    function: str | None,
    hook: str | None,
    flow: str | None,
    step: str | None,
    options_path: str | None,
    world: str | None,
    state_dir: str | None,
    timeout: float,
    memory: int,
    max_log_lines: int,
    max_log_chars: int,
    max_calls: int,
    as_json: bool,
    **backend: Any,
) -> None:
    """Run FUNCTION of SCRIPT once and print what it returned.

    Or run a hook of the world as its flow wires it: --flow FLOW --step STEP --hook TYPE
    finds the script document and function the step names, and builds the options from
    the documents (--options then gives only the data part; without it, the sample).
    """
    from jsrt.runner import Runtime

    try:
        from_step = _hook_of_step(script, function, hook, flow, step)
        # The Runtime first: it starts the engine's worker, which warms up meanwhile.
        runtime = Runtime(
            world,
            state_dir=state_dir,
            timeout_s=timeout,
            memory_mb=memory,
            max_log_lines=max_log_lines,
            max_log_chars=max_log_chars,
            max_calls=max_calls,
            backend=_backend_choice(backend),
        )
        _warn(runtime.world_warnings)
        if from_step is not None:
            given = _read_options(options_path) if options_path is not None else None
            flow, step, hook = from_step
            result = runtime.run_step(flow, step, hook, given)
        else:
            assert script is not None
            result = runtime.run_hook(script, function, _read_options(options_path), hook)
    except JsrtError as error:
        _fail(error, as_json=as_json, extra={"hook": hook, "function": function})
    _warn(result.warnings)
    if as_json:
        click.echo(indented(result.to_json()))
    else:
        _echo_logs(result.logs)
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        if result.error is not None:
            click.echo(_error_text(JsrtError.from_dict(result.error)), err=True)
            stack = result.error.get("stack")
            if stack:
                click.echo(stack, err=True)
        else:
            click.echo(indented(result.value))
    sys.exit(EXIT_OK if result.ok else EXIT_HOOK_FAILED)


def _hook_of_step(
    script: str | None,
    function: str | None,
    hook: str | None,
    flow: str | None,
    step: str | None,
) -> tuple[str, str, str | None] | None:
    """(flow, step, hook) when `jsrt run` runs a hook of the world, None for a SCRIPT."""
    if flow is None and step is None:
        if script is None:
            raise UsageError(
                "give the SCRIPT to run, or a hook of the world: --flow FLOW --step STEP "
                "--hook TYPE",
                hint="see jsrt run --help; `jsrt hooks WORLD` lists the world's hooks",
            )
        return None
    if script is not None or function is not None:
        given = "SCRIPT" if script is not None else "--function"
        raise UsageError(
            f"{given} and --flow/--step both say what to run",
            hint="with --flow and --step, the step's hook reference names the script and "
            "function: leave " + given + " out",
        )
    if flow is None or step is None:
        flags = {"--flow": flow, "--step": step}
        missing = [name for name, value in flags.items() if value is None]
        raise UsageError(
            f"a hook of the world needs --flow and --step (and --hook, unless the step has "
            f"one hook); {', '.join(missing)} missing",
            hint="e.g. jsrt run --world world.yaml --flow 'Orders to ERP' --step 1 --hook preMap",
        )
    return flow, step, hook


_WORLD_FILE_NAMES = ("world.yaml", "world.yml", "world.json")
"""Where `jsrt hooks` looks for a world when given none (in the current folder)."""


@main.command("hooks")
@_project()
@click.argument("world", required=False, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every hook.")
def hooks_command(world: str | None, as_json: bool) -> None:
    """List every hook of every flow of WORLD, and its My APIs: flow, step, hook type,
    script and function.

    WORLD is a world file or a state dir (default: world.yaml, world.yml or world.json
    here). Hooks whose script or function is missing are listed with what is missing
    (the exit code is still 0); run one with jsrt run --flow FLOW --step STEP --hook TYPE.
    """
    from jsrt.integration.steps import hooks_of_path

    try:
        found = hooks_of_path(_world_path(world))
    except JsrtError as error:
        _fail(error, as_json=as_json)
    broken = sum(1 for site in found.sites if not site.runs)
    if as_json:
        out = {
            "ok": True,
            "world": found.place.label,
            "hooks": [site.to_json() for site in found.sites],
            "count": len(found.sites),
            "cannot_run": broken,
        }
        click.echo(indented(out))
        return
    rows = [("FLOW", "STEP", "HOOK", "SCRIPT", "FUNCTION")]
    notes: dict[int, tuple[str, ...]] = {}
    for site in found.sites:
        if site.step is not None:
            step = site.step
            where = (step.flow_name or step.flow_id, f"{step.index} {step.name or step.step_id}")
        else:
            api = site.api or {}
            where = ("(My API)", str(api.get("name") or api.get("_id")))
        script = (site.script or {}).get("name") or site.script_id or "-"
        hook = (
            site.hook
            if site.slot in ("script", f"hooks.{site.hook}")
            else f"{site.hook} ({site.slot})"
        )
        rows.append((*where, hook, str(script), site.function or "-"))
        if site.problems:
            notes[len(rows) - 1] = site.problems
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    for number, row in enumerate(rows):
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        for problem in notes.get(number, ()):
            click.echo(f"    ! {problem}")
    flows = f"{found.flows} flow{'s' if found.flows != 1 else ''}"
    summary = f"{len(found.sites)} hooks in {flows} and {found.apis} My APIs of {found.place.label}"
    click.echo(summary + (f"; {broken} cannot run (marked !)" if broken else ""))


def _world_path(world: str | None, *, example: str = "jsrt hooks path/to/world.yaml") -> Path:
    """The world a command reads (`jsrt hooks`, `jsrt flow run`): the one given, else the
    world file here; `example` shows how to give one."""
    if world is not None:
        path = Path(world)
        if not path.exists():
            raise InputError(
                f"{path} does not exist",
                hint="give a world file, an integration download (.zip or folder), the "
                "folder jsrt import or jsrt pull wrote, or a state dir",
            )
        return path
    for name in _WORLD_FILE_NAMES:
        if Path(name).is_file():
            return Path(name)
    raise UsageError(
        f"no world given, and none of {', '.join(_WORLD_FILE_NAMES)} is here",
        hint=f"give the world: {example}",
    )


@main.command()
@click.argument("script_type", metavar="TYPE")
def sample(script_type: str) -> None:
    """Print complete sample options for a script TYPE (preSavePage, preMap, …)."""
    from jsrt.hooks import contract_for

    try:
        contract = contract_for(script_type)
    except JsrtError as error:
        _fail(error, as_json=False)
    click.echo(indented(contract.sample_options()))


def _new_paths(script_type: str, path: str | None) -> tuple[Path, Path]:
    """Where `jsrt new` writes: the script (PATH, PATH/TYPE.js or ./TYPE.js) and its case
    file next to it (`<name>.case.yaml`)."""
    script = Path(path) if path is not None else Path(f"{script_type}.js")
    if script.is_dir():
        script = script / f"{script_type}.js"
    if script.suffix != ".js":
        raise UsageError(
            f"{script}: a script's file name must end in .js",
            hint=f"give a path such as {script.with_suffix('.js')}",
        )
    return script, script.with_name(f"{script.stem}.case.yaml")


def _new_case_file(script: Path, function: str, given: dict[str, Any], result: Any) -> str:
    """A case file pinning what the stub returns for the sample input, so it passes as written."""
    from jsrt.cases.scaffold import case_file_text, sample_case

    case = sample_case(given, {"result": result})
    document = {"script": script.name, "function": function, "cases": [case]}
    header = (
        f"# Test cases for {script.name}: run them with `jsrt test {script.stem}.case.yaml`.\n"
        f"# The input is the sample from `jsrt sample {function}`; `expect` holds what the new\n"
        "# script returns for it. Change the script, then say here what it should do:\n"
        "# `result_subset` checks only the fields you name; add cases with `calls`, `logs`,\n"
        "# `errors`, `world` or `error` (see `jsrt test --help` and sample_hooks/).\n"
    )
    return case_file_text(header, document)


@main.command(cls=RunsHooks)
@click.argument("script_type", metavar="TYPE")
@click.argument("path", required=False, type=click.Path())
@click.option("--force", is_flag=True, help="Overwrite the script and its case file if they exist.")
def new(script_type: str, path: str | None, force: bool) -> None:
    """Write a new script of TYPE at PATH (default ./TYPE.js) and a passing case file next to it.

    The script is the stub integrator.io starts a script of that type from; the case file
    (PATH with .case.yaml) runs it on sample input and expects what it returns. Existing
    files are left alone (exit 2) unless --force is given.
    """
    from jsrt.hooks import contract_for
    from jsrt.runner import Runtime

    try:
        contract = contract_for(script_type)
        script, case_file = _new_paths(contract.name, path)
        existing = [str(p) for p in (script, case_file) if p.exists()]
        if existing and not force:
            raise UsageError(
                f"{' and '.join(existing)} already exist{'s' if len(existing) == 1 else ''};"
                " nothing was written",
                hint="give another PATH, or add --force to overwrite",
            )
        given = dict(contract.sample)
        run = Runtime().run_hook(script, contract.name, given, source=contract.stub)
        case_text = _new_case_file(script, contract.name, given, run.raise_for_error().value)
        for target, text in ((script, contract.stub), (case_file, case_text)):
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise InputError(f"{target}: cannot write it: {exc}", file=str(target)) from None
    except JsrtError as error:
        _fail(error, as_json=False)
    click.echo(f"wrote {script}  ({contract.name} stub)")
    click.echo(f"wrote {case_file}  (1 case: the stub on sample input)")
    click.echo(f"next: edit {script}, then run  jsrt test {case_file}")


def _import_folder(download: str, out: str | None, force: bool) -> Path:
    """Where `jsrt import` writes: `--out`, else the zip's name without `.zip` (a
    download folder's name with `-jsrt`); an existing folder must be empty, or `force`."""
    from jsrt.integration.layout import check_layout_folder

    source = Path(download)
    if out is not None:
        folder = Path(out)
    elif source.suffix.lower() == ".zip":
        folder = source.with_suffix("")
    else:
        folder = source.with_name(f"{source.resolve().name}-jsrt")
    check_layout_folder(
        folder, force=force, refused="nothing was written", force_does="write over the files there"
    )
    return folder


@main.command("import", cls=RunsHooks)
@click.argument("download", type=click.Path())
@click.option(
    "--out",
    type=click.Path(),
    help="Folder to write (default: the zip's name without .zip, or FOLDER-jsrt).",
)
@click.option("--force", is_flag=True, help="Write into --out even if it is not empty.")
def import_download(download: str, out: str | None, force: bool) -> None:
    """Turn an integration DOWNLOAD (integrator.io's "Download integration" zip, or the
    folder it unzips to) into a folder to keep in git and test.

    Writes world.json (every document as integrator.io wrote it; each script names its
    code file as contentFile), scripts/<name>-<_id>.js (the code, to edit), and one case
    file per hook under cases/, expecting what the hook does with sample input now, so
    `jsrt test OUT/cases` passes. What the download lacks (a flow's export, a script's
    code, ...) is a warning, not a failure.
    """
    from jsrt.cases.scaffold import scaffold_cases
    from jsrt.integration.download import read_download
    from jsrt.integration.layout import read_layout, write_layout

    try:
        folder = _import_folder(download, out, force)
        loaded = read_download(download)
        loaded.to_world()  # a document the world cannot hold fails before anything is written
        written = write_layout(loaded.world, folder)
        read_layout(folder)  # the layout reads back: every script file is in place
        scaffold = scaffold_cases(folder)
    except JsrtError as error:
        _fail(error, as_json=False)
    _warn([*loaded.warnings, *scaffold.warnings])
    documents = sum(len(v) for v in loaded.world.values() if isinstance(v, list))
    click.echo(f"wrote {written[0]}  ({documents} documents)")
    click.echo(f"wrote {len(written) - 1} scripts in {folder / 'scripts'}")
    click.echo(f"wrote {len(scaffold.files)} case files in {folder / 'cases'}")
    if scaffold.files:
        click.echo(f"next: jsrt test {folder / 'cases'}")


@main.command(cls=RunsHooks)
@_project()
@click.argument("integration_id")
@click.option(
    "--out", type=click.Path(file_okay=False), help="Folder to write (default ./NAME-ID)."
)
@click.option("--force", is_flag=True, help="Write into --out even if it is not empty.")
@click.option("--with-data", is_flag=True, help="Also read every lookup cache's entries (paged).")
@click.option(
    "--base-url",
    metavar="URL",
    help="API root (default $INTEGRATOR_IO_BASE_URL, else the region's).",
)
@click.option("--region", type=_OneOf("region", REGION_NAMES), help="integrator.io region.")
@_TOKEN_ENV_OPTION
def pull(
    integration_id: str,
    out: str | None,
    force: bool,
    with_data: bool,
    base_url: str | None,
    region: str | None,
    token_env: str | None,
) -> None:
    """Read integration INTEGRATION_ID from an integrator.io account (read-only calls)
    into a folder to keep in git, test and push: the layout `jsrt import` writes.

    Writes world.json (the integration, its flows, exports, imports, connections with
    their secrets masked as integrator.io answers them, async helpers, file definitions,
    lookup caches, script documents), scripts/<name>-<_id>.js (the code, to edit), one
    case file per hook under cases/ (unless cases/ exists), and .jsrt-pull.json (what was
    pulled, for jsrt push).
    """
    from jsrt.backends.rest.settings import RestSettings
    from jsrt.cases.scaffold import scaffold_cases
    from jsrt.integration.account import pull as pull_integration

    try:
        settings = RestSettings.resolve(base_url=base_url, region=region, token_env=token_env)
        with Progress("documents") as shown:
            pulled = pull_integration(
                settings,
                integration_id,
                Path(out) if out is not None else None,
                force=force,
                with_data=with_data,
                progress=lambda what, done, total: shown.update(done, total, what),
            )
        folder = pulled.folder
        scaffold = None
        if not (folder / "cases").exists():
            scaffold = scaffold_cases(folder)
    except JsrtError as error:
        _fail(error, as_json=False)
    _warn([*pulled.warnings, *(scaffold.warnings if scaffold else [])])
    counts = ", ".join(f"{len(docs)} {name}" for name, docs in pulled.world.items())
    click.echo(f"wrote {pulled.written[0]}  ({counts})")
    click.echo(f"wrote {len(pulled.written) - 1} scripts in {folder / 'scripts'}")
    if scaffold is None:
        click.echo(f"kept the case files in {folder / 'cases'}")
    else:
        click.echo(f"wrote {len(scaffold.files)} case files in {folder / 'cases'}")
    click.echo(f"next: jsrt test {folder / 'cases'}; after editing scripts, jsrt push {folder}")


@main.command()
@_project()
@click.argument("folder", default=".", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--resources",
    is_flag=True,
    help="Also send edited documents (exports, imports, flows, ...), not only script code.",
)
@click.option(
    "--allow-writes", is_flag=True, help="Send the changes (without it, only the diff is shown)."
)
@_TOKEN_ENV_OPTION
def push(folder: str, resources: bool, allow_writes: bool, token_env: str | None) -> None:
    """Send what changed in the pulled FOLDER (default .) back to the account it was
    pulled from: the code of edited scripts and, with --resources, edited documents.

    Shows a unified diff per document first, and sends nothing without --allow-writes,
    nor when a document to send changed in the account since the pull (its lastModified).
    """
    from jsrt.backends.rest.settings import RestSettings
    from jsrt.integration.account import plan_push, read_record
    from jsrt.integration.account import push as push_changes

    where = Path(folder)
    try:
        record = read_record(where)
        settings = RestSettings.resolve(
            base_url=record.get("baseUrl"), token_env=token_env, allow_writes=allow_writes
        )
        plan = plan_push(settings, where, resources=resources)
    except JsrtError as error:
        _fail(error, as_json=False)
    for left_out in plan.left_out:
        click.echo(f"not sent: {left_out}", err=True)
    if not plan.changes:
        click.echo(f"nothing to push: nothing in {where} to send changed since the pull")
        return
    click.echo(plan.diff, nl=False)
    try:
        sent = push_changes(settings, plan)
    except JsrtError as error:
        _fail(error, as_json=False)
    for change in sent:
        click.echo(f"sent {change.label}")


_SHELLS = ("bash", "zsh", "fish")


@main.command()
@click.argument("shell", type=click.Choice(_SHELLS))
def completion(shell: str) -> None:
    """Print the script that completes jsrt's commands and options in SHELL.

    Add it to the shell's start-up file, e.g. for bash: eval "$(jsrt completion bash)"
    in ~/.bashrc (zsh: ~/.zshrc; fish: jsrt completion fish >
    ~/.config/fish/completions/jsrt.fish). The script asks jsrt itself for the
    completions, through click's _JSRT_COMPLETE variable.
    """
    from click.shell_completion import get_completion_class

    found = get_completion_class(shell)
    assert found is not None, f"click completes {shell}"
    click.echo(found(main, {}, "jsrt", "_JSRT_COMPLETE").source())


@main.group()
def modules() -> None:
    """The pinned JavaScript libraries: those scripts may import (dayjs, sjcl) and the
    transformation engine's."""


@modules.command("fetch")
def modules_fetch() -> None:
    """Fetch and verify every pinned library and the TypeScript declarations `jsrt types`
    writes, so later runs work offline."""
    from jsrt import modules as libraries

    try:
        paths = libraries.ensure_all()
        declarations = {
            name: libraries.library_declarations(name)[0] for name in libraries.declared_libraries()
        }
    except JsrtError as error:
        _fail(error, as_json=False)
    for name, path in paths.items():
        click.echo(f"{name}@{libraries.library_version(name)}  {path}")
    for name, package in declarations.items():
        click.echo(f"{name} types: {package}")


def _coverage_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--coverage` and its reports, for commands that run hooks."""
    options = [
        click.option(
            "--coverage",
            is_flag=True,
            help="Measure which statements, branches and functions of the scripts ran; "
            "print a table (see README: Coverage).",
        ),
        click.option(
            "--coverage-report",
            "coverage_reports",
            multiple=True,
            metavar="KIND[:PATH]",
            help="Also write a report: lcov, cobertura, html, json (Istanbul), term "
            "(repeatable; implies --coverage).",
        ),
        click.option(
            "--coverage-data",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Add the counts kept in FILE (from earlier runs) and write the total back "
            "(implies --coverage).",
        ),
        click.option(
            "--coverage-fail-under",
            type=click.FloatRange(0, 100),
            metavar="N",
            help="Exit 1 when coverage (statements and branches together) is below N percent "
            "(implies --coverage).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _coverage_collector(
    coverage: bool,
    reports: tuple[str, ...],
    data: str | None,
    fail_under: float | None,
    *,
    as_json: bool,
) -> CoverageCollector | None:
    """The collector `--coverage` asks for, with the counts of `--coverage-data`; None
    without coverage. Bad report kinds fail before any case runs."""
    if not (coverage or reports or data or fail_under is not None):
        return None
    from jsrt.coverage import CoverageCollector
    from jsrt.coverage.report import report_spec

    try:
        for text in reports:
            report_spec(text)
        collector = CoverageCollector()
        if data is not None and Path(data).exists():
            collector.merge(CoverageCollector.load(Path(data)))
    except JsrtError as error:
        _fail(error, as_json=as_json)
    return collector


def _include_script(collector: CoverageCollector, script: Path) -> None:
    """List a script a case file names at 0% when no case ran it (filtered out by -k);
    one that cannot be read is left out (its cases say why)."""
    try:
        source = script.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return
    collector.include(str(script), source)


def _report_coverage(
    collector: CoverageCollector,
    reports: tuple[str, ...],
    data: str | None,
    fail_under: float | None,
    *,
    as_json: bool,
) -> tuple[list[str], bool]:
    """Save the counts (`--coverage-data`) and write the reports asked for; the lines to
    print (the table, the reports written, the threshold's verdict) and whether the
    coverage reaches `--coverage-fail-under`."""
    from jsrt.coverage.report import report_spec, terminal_table, total_percent, write_reports

    try:
        if data is not None:
            collector.save(Path(data))
        written = write_reports(collector, dict(report_spec(text) for text in reports))
    except (JsrtError, OSError) as error:
        failure = error if isinstance(error, JsrtError) else InputError(f"coverage: {error}")
        _fail(failure, as_json=as_json)
    lines = [terminal_table(collector), *(f"coverage report: {path}" for path in written)]
    if fail_under is None:
        return lines, True
    total = total_percent(collector)
    reached = total >= fail_under
    verdict = f"coverage {total:.1f}% is below" if not reached else f"coverage {total:.1f}% reaches"
    lines.append(f"{'' if reached else 'FAIL: '}{verdict} --coverage-fail-under {fail_under:g}")
    return lines, reached


# --- jsrt flow ------------------------------------------------------------------------------


@main.group("flow")
def flow_group() -> None:
    """Run a whole flow of a world locally: every page, every step, every hook."""


@flow_group.command("run", cls=RunsHooks)
@_project(watch=True)
@click.argument("flow", metavar="FLOW")
@click.option(
    "--world",
    type=click.Path(),
    help="The world holding the flow: a world file, an integration download (.zip or "
    "folder), or a folder holding world.json (what jsrt import and jsrt pull write); "
    "default: world.yaml, world.yml or world.json here.",
)
@click.option(
    "--pages",
    type=click.IntRange(min=1),
    metavar="N",
    help="Run only the first N pages of each page generator (default: every page).",
)
@click.option(
    "--data",
    "data_path",
    metavar="FILE|-",
    help="JSON/YAML records the page generators export instead of their mockOutput: a "
    "list (the flow's one page generator), or {export _id or name: [records]}; paged by "
    "each export's pageSize.",
)
@click.option(
    "--trace",
    "trace_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write each record's journey (the steps it went through, and the record after "
    "each) to FILE as JSON.",
)
@_run_limit_options
@_cap_options(for_cases=False)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the run as one JSON object: per step its counts and stages[] of {name, "
    "input, output, errors}, in the cloud test run's vocabulary.",
)
@_backend_options
@_coverage_options
def flow_run(
    flow: str,
    world: str | None,
    pages: int | None,
    data_path: str | None,
    trace_path: str | None,
    timeout: float,
    memory: int,
    max_log_lines: int,
    max_log_chars: int,
    max_calls: int,
    as_json: bool,
    coverage: bool,
    coverage_reports: tuple[str, ...],
    coverage_data: str | None,
    coverage_fail_under: float | None,
    **backend: Any,
) -> None:
    """Run FLOW (its _id or name) of the world as integrator.io runs it: each page
    generator's pages, then every page processor, router and branch, each hook, the
    filters, mappings and response mappings.

    Nothing is sent: page generators export their mockOutput (or --data), lookups answer
    with their own mockOutput, imports with their mockResponse. Prints per step the
    records in, out, ignored and failed and each hook's runs. Exit 0 when every record
    went through, 1 when a record failed or a hook broke its contract, 2 on bad input.
    """
    from jsrt.runner import Runtime

    collector = _coverage_collector(
        coverage, coverage_reports, coverage_data, coverage_fail_under, as_json=as_json
    )
    try:
        given = None if data_path is None else _flow_data(data_path)
        runtime = Runtime(
            _world_path(world, example="jsrt flow run FLOW --world world.yaml (or a download)"),
            coverage=collector,
            timeout_s=timeout,
            memory_mb=memory,
            max_log_lines=max_log_lines,
            max_log_chars=max_log_chars,
            max_calls=max_calls,
            backend=_backend_choice(backend),
        )
        _warn(runtime.world_warnings)
        with Progress("pages") as shown:
            result = runtime.run_flow(
                flow,
                pages=pages,
                data=given,
                trace=trace_path is not None,
                on_progress=None if as_json else _flow_progress(shown),
            )
        if trace_path is not None:
            _write_trace(Path(trace_path), result.to_json())
    except JsrtError as error:
        _fail(error, as_json=as_json, extra={"flow": flow})
    if as_json:
        out = result.to_json()
        out.pop("records", None)  # the journeys go to --trace, not to the summary
        click.echo(indented(out))
    else:
        click.echo(_flow_summary(result))
    covered_enough = True
    if collector is not None:
        coverage_lines, covered_enough = _report_coverage(
            collector, coverage_reports, coverage_data, coverage_fail_under, as_json=as_json
        )
        click.echo("\n".join(coverage_lines), err=as_json)
    sys.exit(EXIT_OK if result.ok and covered_enough else EXIT_HOOK_FAILED)


def _flow_data(path: str) -> Any:
    """`--data`: records, or records per page generator."""
    from jsrt.inputs import load_data_file

    data = load_data_file(path, what="data")
    if not isinstance(data, list | dict):
        raise InputError(
            f"{path}: the flow's data must be a list of records, or a mapping of a page "
            f"generator's export (_id or name) to its records; got {describe(data)}",
            file=path,
            hint='e.g. [{"id": 1}, {"id": 2}] or {"Get orders": [{"id": 1}]}',
        )
    return data


def _flow_progress(shown: Progress) -> Callable[[FlowProgress], None]:
    """Each page of a step drawn on `shown` (nothing in CI or into a file)."""

    def show(progress: FlowProgress) -> None:
        total = progress.pages or progress.page
        shown.update(progress.page, total, f"pages of step {progress.step}")

    return show


def _write_trace(path: Path, run: dict[str, Any]) -> None:
    """`--trace FILE`: the flow, then each record's journey."""
    from jsrt.files import write_atomically

    document = {"flow": run["flow"], "records": run.get("records", [])}
    try:
        write_atomically(path, indented(document).encode())
    except OSError as exc:
        raise InputError(f"{path}: cannot write the trace: {exc}", file=str(path)) from None


def _flow_summary(result: FlowResult) -> str:
    """The text `jsrt flow run` prints: a row per step, the errors, a verdict."""
    rows: list[tuple[str, ...]] = [("STEP", "IN", "OUT", "IGNORED", "FAILED", "HOOKS, BRANCHES")]
    for step in result.steps:
        name = step.name or step.resource_id or step.place
        done = [
            f"{hook} x{count.runs}" + (f" ({count.failed} failed)" if count.failed else "")
            for hook, count in step.hooks.items()
        ]
        if step.kind == "router":  # the records each branch took, in the branches' order
            done.append("branches " + " + ".join(f"{n:,}" for n in step.branches))
        hooks = ", ".join(done)
        counts = (step.received, step.passed, step.ignored, step.failed)
        rows.append((f"{step.index} {step.kind} {name}", *(f"{n:,}" for n in counts), hooks))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.rjust(width) if 0 < column < 5 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    lines.extend(f"note: {note}" for note in result.notes)
    shown = [str(failure.get("message", failure)) for failure in result.failures]
    for failure, message in zip(result.failures, shown, strict=True):
        where = ", ".join(
            f"{key} {failure[key]}" for key in ("step", "stage", "page") if key in failure
        )
        lines.append(f"failed ({where}): {message}" if where else f"failed: {message}")
    alike: dict[tuple[Any, Any, str], int] = {}  # the same error of many records: one line
    for error in result.errors:
        message = str(error.get("message"))
        if message not in shown:
            key = (error.get("step"), error.get("code"), message)
            alike[key] = alike.get(key, 0) + 1
    for (step, code, message), count in list(alike.items())[:_ERRORS_SHOWN]:
        records = f" ({counted(count, 'record')})" if count > 1 else ""
        lines.append(f"error at step {step}{records}: {code}: {message}")
    if len(alike) > _ERRORS_SHOWN:
        lines.append(f"… and {len(alike) - _ERRORS_SHOWN} more errors (see --json)")
    label = result.flow_name or result.flow_id
    failed = sum(step.failed for step in result.steps)
    verdict = "ok" if result.ok else f"{counted(failed, 'record')} failed" if failed else "failed"
    steps = counted(len(result.steps), "step")
    lines.append(f"flow {label!r}: {counted(result.pages, 'page')}, {steps}: {verdict}")
    return "\n".join(lines)


_ERRORS_SHOWN = 10
"""Distinct per-record errors the summary lists; --json has them all."""


class _ShardValue(click.ParamType):
    """`--shard I/N` (`jsrt.cases.sharding.Shard`), refused with what is expected."""

    name = "I/N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from jsrt.cases.sharding import Shard

        if isinstance(value, Shard):
            return value
        try:
            return Shard.parse(str(value))
        except UsageError as error:
            self.fail(f"{error} ({error.hint})" if error.hint else str(error), param, ctx)


_SHARD_OPTION = click.option(
    "--shard",
    type=_ShardValue(),
    help="Run only shard I of N (e.g. 2/3): cases split by a stable hash of their file "
    "(relative to the project root) and name, so N CI machines run each case once.",
)
"""`jsrt test --shard`; the project root is the nearest folder up with jsrt.toml,
pyproject.toml or .git (`jsrt.cases.sharding`)."""


@main.command("test", cls=RunsHooks)
@_project(watch=True)
@click.argument("paths", nargs=-1, type=click.Path())
@_SHARD_OPTION
@click.option(
    "-k",
    "keyword",
    metavar="EXPR",
    help="Run only cases whose file::name contains EXPR (any case).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object with every case and the counts."
)
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Also write JUnit XML for CI here.",
)
@click.option(
    "--timeout",
    type=_LimitValue(TIMEOUT),
    help=f"Wall-clock limit for cases that set none ({TIMEOUT.accepted}; default "
    f"{TIMEOUT.default:g}).",
)
@_cap_options(for_cases=True)
@_backend_options
@_coverage_options
def test(
    paths: tuple[str, ...],
    shard: Shard | None,
    keyword: str | None,
    as_json: bool,
    junit_path: str | None,
    timeout: float | None,
    max_log_lines: int | None,
    max_log_chars: int | None,
    max_calls: int | None,
    coverage: bool,
    coverage_reports: tuple[str, ...],
    coverage_data: str | None,
    coverage_fail_under: float | None,
    **backend: Any,
) -> None:
    """Run the test cases in PATHS (*.case.yaml, *.case.yml, *.case.json; default: .):
    hooks, and the mappings and filters of `mapping:` and `filter:` cases.

    Exit 0 when every case passed, 1 when a case failed, 2 when a case file (or an input it
    names) could not be used or no case was found. The backend options apply to every case,
    over what its case file says.
    """
    from jsrt.backends.cassette import CassetteLibrary
    from jsrt.cases import discover, load_case_file, run_case
    from jsrt.reporting import (
        BadFile,
        Report,
        bad_file_line,
        render_details,
        render_json,
        render_junit,
        status_line,
    )

    report = Report()
    collector = _coverage_collector(
        coverage, coverage_reports, coverage_data, coverage_fail_under, as_json=as_json
    )
    given = {"max_log_lines": max_log_lines, "max_log_chars": max_log_chars, "max_calls": max_calls}
    caps = {name: value for name, value in given.items() if value is not None}
    cases: list[Case] = []
    every_case: list[Case] = []  # before -k: the scripts coverage lists
    cassettes = CassetteLibrary()
    try:
        chosen = _backend_choice(backend)
        files = discover(paths or ["."])
        if not files:
            raise InputError(
                f"no case files found in {', '.join(paths or ['.'])}",
                hint="name hook test files *.case.yaml, *.case.yml or *.case.json",
            )
        for path in files:
            try:
                cases.extend(load_case_file(path).cases)
            except InputError as error:
                report.bad_files.append(BadFile(path, error.to_dict()))
        every_case = list(cases)
        if keyword is not None:
            found = len(cases)
            cases = [case for case in cases if keyword.lower() in case.id.lower()]
            if not cases and not report.bad_files:
                raise UsageError(
                    f"no case matches -k {keyword!r} ({found} cases found)",
                    hint="check the spelling",
                )
        if shard is not None:
            cases = _cases_of_shard(shard, cases, report)
    except JsrtError as error:
        _fail(error, as_json=as_json)
    if not as_json:
        for bad in report.bad_files:
            click.echo(bad_file_line(bad))
    with Progress("cases", len(cases)) as shown:
        for case in cases:
            report.outcomes.append(
                run_case(
                    case,
                    timeout_s=timeout,
                    caps=caps,
                    backend=chosen,
                    cassettes=cassettes,
                    coverage=collector,
                )
            )
            shown.advance()
            if not as_json:
                outcome = report.outcomes[-1]
                line = status_line(outcome)
                label = line.split(" ", 1)[0]
                colour = "green" if outcome.status == "passed" else "red"
                shown.echo(paint(label, colour) + line[len(label) :])
    coverage_lines: list[str] = []
    covered_enough = True
    if collector is not None:
        for script in sorted({case.script for case in every_case if case.script is not None}):
            _include_script(collector, script)
        coverage_lines, covered_enough = _report_coverage(
            collector, coverage_reports, coverage_data, coverage_fail_under, as_json=as_json
        )
    if junit_path is not None:
        try:
            Path(junit_path).write_text(render_junit(report), encoding="utf-8")
        except OSError as exc:
            _fail(
                InputError(f"{junit_path}: cannot write the JUnit report: {exc}", file=junit_path),
                as_json=as_json,
            )
    click.echo(indented(render_json(report)) if as_json else render_details(report))
    if coverage_lines:
        click.echo("\n".join(coverage_lines), err=as_json)
    sys.exit(report.exit_code or (EXIT_OK if covered_enough else EXIT_HOOK_FAILED))


def _cases_of_shard(shard: Shard, cases: list[Case], report: Report) -> list[Case]:
    """The cases `shard` runs; the report counts the others and names the shard. A case
    file that could not be loaded is reported by the shard its path falls in."""
    from jsrt.cases.sharding import case_key, file_key
    from jsrt.files import project_root

    root = project_root()
    kept = [case for case in cases if shard.holds(case_key(case.file, case.name, root))]
    report.bad_files = [bad for bad in report.bad_files if shard.holds(file_key(bad.path, root))]
    report.shard, report.other_shards = shard.label, len(cases) - len(kept)
    return kept


@main.command()
@_project()
@click.option(
    "--world",
    type=click.Path(),
    help="World file: the account's documents, state, lookup caches, and My APIs (apis:); "
    "or an integration download (.zip or folder), or a folder holding world.json.",
)
@click.option("--state-dir", type=click.Path(file_okay=False), help="Keep the world here.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7420,
    show_default=True,
    help="Port to listen on (0: a free one).",
)
@click.option(
    "--token",
    envvar="JSRT_SERVE_TOKEN",
    help="Bearer token clients must send (default $JSRT_SERVE_TOKEN, else a new one, "
    "printed); an empty one is refused.",
)
@click.option(
    "--throttle",
    type=click.FloatRange(min=0.1),
    metavar="N",
    help="Answer 429 (with Retry-After) beyond N requests a second.",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 1000),
    help="Documents per page of a list, the next page in its Link header (default 100).",
)
@click.option(
    "--max-body",
    type=click.FloatRange(0.001, 1024),
    default=8.0,
    show_default=True,
    metavar="MB",
    help="Largest request body in MiB; a larger one gets 413 and is not kept.",
)
@click.option(
    "--read-timeout",
    type=click.FloatRange(0.01, 3600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a request's headers may take, and its body may pause (then 408 or "
    "the connection is closed).",
)
@click.option(
    "--max-faults",
    type=click.IntRange(1, 1_000_000),
    default=1000,
    show_default=True,
    help="How many faults POST /_jsrt/faults may leave pending.",
)
@click.option(
    "--max-requests",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="Requests in flight at once; more get 503.",
)
@click.option(
    "--api-timeout",
    type=click.FloatRange(0.01, 3600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Time limit of one My API run (then 504). My APIs run one at a time, off the "
    "server's loop: other requests are answered meanwhile.",
)
def serve(
    world: str | None,
    state_dir: str | None,
    host: str,
    port: int,
    token: str | None,
    throttle: float | None,
    page_size: int | None,
    max_body: float,
    read_timeout: float,
    max_faults: int,
    max_requests: int,
    api_timeout: float,
) -> None:
    """Serve the local backend over HTTP with integrator.io's paths, status codes and bodies.

    Point the REST backend at it: --backend rest --base-url http://127.0.0.1:PORT, with the
    token in INTEGRATOR_IO_TOKEN. Stop it with Ctrl-C.
    """
    if token is not None and not _BEARER_TOKEN.fullmatch(token):
        what = "empty" if not token.strip() else "not a bearer token"
        _fail(
            UsageError(
                f"--token is {what}: a bearer token is visible ASCII without spaces",
                hint="give a token, or leave --token (and $JSRT_SERVE_TOKEN) out "
                "to have one made and printed",
            ),
            as_json=False,
        )
    from jsrt import server
    from jsrt.backends.local import StateDir, World

    limits = server.ServeLimits(
        max_body_bytes=round(max_body * 1024 * 1024),
        read_timeout_s=read_timeout,
        max_pending_faults=max_faults,
        max_requests=max_requests,
        api_timeout_s=api_timeout,
    )
    try:
        seeded, apis, warnings = (
            server.load_served_world(world) if world else server.ServedWorld(World(), (), [])
        )
        _warn(warnings)
        store = StateDir(state_dir) if state_dir else None
        account = server.Account(
            store.open(seeded) if store else seeded,
            apis=apis,
            state_dir=store,
            throttle=throttle,
            limits=limits,
            **({"page_size": page_size} if page_size else {}),
        )
    except JsrtError as error:
        _fail(error, as_json=False)
    shown = token is None
    if token is None:
        import secrets  # only `jsrt serve` needs it; every command pays for a top-level import

        token = secrets.token_urlsafe(24)
    if not server.is_loopback(host):
        click.echo(
            f"warning: listening on {host}, reachable from other machines; "
            "anyone with the token can read and change this world",
            err=True,
        )

    def announce(url: str) -> None:
        click.echo(f"jsrt serve: integrator.io API on {url} ({len(apis)} My APIs)")
        if shown:
            click.echo(f"token: {token}")
        click.echo(
            f"run hooks against it: INTEGRATOR_IO_TOKEN=<token> jsrt run --backend rest "
            f"--base-url {url} --allow-writes ..."
        )

    try:
        server.serve_forever(
            server.create_app(account, token=token),
            host=host,
            port=port,
            announce=announce,
            limits=limits,
        )
    except JsrtError as error:
        _fail(error, as_json=False)


# --- the transformation engine: mappings and templates ------------------------------------


def _records_file(path: str) -> list[Any]:
    """The records `--data` names: a JSON or YAML list of records, or one record."""
    from jsrt.inputs import load_data_file

    return _as_records(load_data_file(path, what="data"), path)


def _as_records(records: Any, path: str) -> list[Any]:
    """What a `--data` file holds, as a list of records (one record is a list of one)."""
    if isinstance(records, dict):
        return [records]
    if not isinstance(records, list):
        raise InputError(
            f"{path}: data must be a list of records (or one record), got {type(records).__name__}",
            file=path,
            hint='give the records the mapping receives, e.g. [{"id": 1}, {"id": 2}]',
        )
    return records


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
"""One step of an engine's node path: a key (`mappings`) or an index (`[2]`)."""


def _place_in(positions: dict[Any, tuple[int, int]], path: str, listed: bool) -> str:
    """`line:column` of a node path (`mappings[2].mappings[0]`) in the mapping file whose
    `positions` they are ('' when unknown); `listed`: the file is the bare list of
    mappings, so the path's leading `mappings` is the file's top."""
    from jsrt.inputs import position_of

    parts: list[str | int] = [
        int(index) if index else key for key, index in _PATH_PART.findall(path)
    ]
    if listed and parts[:1] == ["mappings"]:
        parts = parts[1:]
    found = position_of(positions, tuple(parts)) if parts else None
    return f"{found[0]}:{found[1]}" if found else ""


def _context_file(path: str) -> dict[str, Any]:
    """The object `jsrt map --context` names."""
    from jsrt.inputs import load_data_file

    context = load_data_file(path, what="context")
    if not isinstance(context, dict):
        raise InputError(
            f"{path}: the context must be an object, got {type(context).__name__}",
            file=path,
            hint='give e.g. {"operation": "update"}',
        )
    return context


def _mapping_to_run(
    mapping_file: str | None, world: str | None, import_id: str | None
) -> tuple[dict[str, Any], Any, Callable[[str], str]]:
    """The mapping `jsrt map` applies, the world that answers its lookups (or None), and
    where a node path of it is written (`file:line:column: `, or '' when unknown): an
    import or mapping file, or an import of the world named by `--import`."""
    from jsrt.cases.definitions import mapping_of
    from jsrt.inputs import parse_document, read_text
    from jsrt.integration.steps import find_document
    from jsrt.runner import world_from_path

    if (mapping_file is None) == (import_id is None):
        raise UsageError(
            "give either an import or mapping FILE, or --world W --import ID",
            hint="jsrt map import.json --data records.json, or jsrt map --world world.yaml "
            "--import 'Put orders' --data records.json",
        )
    if import_id is not None and world is None:
        raise UsageError(
            "--import names an import of a world; no --world given",
            hint="add --world world.yaml (the world file that holds the import)",
        )
    seeded = None
    if world is not None:
        seeded, warnings = world_from_path(Path(world))
        _warn(warnings)
    if import_id is not None:
        assert seeded is not None, "--import needs --world (checked above)"
        document = find_document(seeded, "imports", import_id)
        return mapping_of(document, source=import_id), seeded, lambda _path: ""
    assert mapping_file is not None
    source = "<stdin>" if mapping_file == "-" else mapping_file
    text = read_text(mapping_file, what="mapping")
    document, positions = parse_document(
        text, source=source, what="mapping", refuse_repeated_keys=False
    )
    listed = isinstance(document, list)

    def place(path: str) -> str:
        found = _place_in(positions, path, listed)
        return f"{source}:{found}: " if found else ""

    return mapping_of(document, source=source), seeded, place


@main.command("map")
@_project()
@click.argument("mapping_file", metavar="[IMPORT_OR_MAPPING_FILE]", required=False)
@click.option(
    "--data",
    "data_path",
    required=True,
    metavar="FILE",
    help="The records to map: a JSON or YAML list of records (or one record).",
)
@click.option(
    "--world",
    type=click.Path(),
    help="World whose lookup caches and dynamic lookups' mocks answer the lookups; with "
    "--import, the world that holds the import.",
)
@click.option(
    "--import",
    "import_id",
    metavar="ID",
    help="Map with this import of --world (its _id or name) instead of a FILE.",
)
@click.option(
    "--context",
    "context_path",
    metavar="FILE",
    help="What the mapping knows besides the record, a JSON or YAML object: operation "
    "(create or update, for conditional.when), inputContext (record or envelope), job, "
    "settings, import, connection.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with everything.")
def map_command(
    mapping_file: str | None,
    data_path: str,
    world: str | None,
    import_id: str | None,
    context_path: str | None,
    as_json: bool,
) -> None:
    """Map records as an import's mapping would, and list the problems integrator.io's
    editor would flag in the mapping.

    IMPORT_OR_MAPPING_FILE (JSON or YAML; - reads standard input) is an import document
    (Mapper 2.0 `mappings` and `lookups`, or Mapper 1.0 `mapping`), a `{mappings,
    lookups}` object, or a list of Mapper 2.0 mappings. Prints the mapped records as a
    JSON list (null for a record that failed; its errors go to stderr). Exit 0 when every
    record mapped, 1 when one failed, 2 for a bad file or mapping.
    """
    from jsrt.cases.definitions import apply_mapping
    from jsrt.transform.mapping import check_mapping

    try:
        definition, seeded, place = _mapping_to_run(mapping_file, world, import_id)
        context = _context_file(context_path) if context_path is not None else None
        problems = check_mapping(definition)
        if as_json:
            records = _records_file(data_path)
            outcomes = apply_mapping(definition, records, world=seeded, context=context)
        else:
            page = _mapped_page(data_path, definition, seeded, context)
    except JsrtError as error:
        _fail(error, as_json=as_json)
    if as_json:
        click.echo(indented(_mapped_json(outcomes, problems, place)))
        sys.exit(EXIT_OK if all(outcome.ok for outcome in outcomes) else EXIT_HOOK_FAILED)
    for problem in problems:
        at = place(problem.path)
        click.echo(f"problem: {at}{problem.path}: {problem.message} ({problem.code})", err=True)
    for index, errors in sorted(page.failures.items()):
        for reported in errors:
            code, message = reported.get("code"), reported.get("message")
            click.echo(f"error: record {index}: {message} ({code})", err=True)
    click.echo(page.text)
    sys.exit(EXIT_OK if page.ok else EXIT_HOOK_FAILED)


def _mapped_page(
    data_path: str, definition: dict[str, Any], world: World | None, context: dict[str, Any] | None
) -> MappedPage:
    """`jsrt map`'s page, mapped text to text: a JSON file that holds a list goes to the
    engine as it is, never parsed in Python (a page of 100,000 records maps in the time
    V8 takes); YAML, one record, or text that is not JSON are read by `parse_by_name`,
    which says where the file is wrong."""
    from jsrt.cases.definitions import apply_mapping_text
    from jsrt.inputs import is_yaml_name, parse_by_name, read_text
    from jsrt.transform import TransformError

    text = read_text(data_path, what="data")
    if not is_yaml_name(data_path) and text.lstrip().startswith("["):
        try:
            return apply_mapping_text(definition, text, world=world, context=context, indent=2)
        except TransformError as error:
            if error.details.get("path") != "records":
                raise
    source = "<stdin>" if data_path == "-" else data_path
    records = _as_records(parse_by_name(text, source=source, what="data"), data_path)
    return apply_mapping_text(
        definition, orjson.dumps(records), world=world, context=context, indent=2
    )


def _mapped_json(
    outcomes: list[RecordOutcome], problems: list[MappingProblem], place: Callable[[str], str]
) -> dict[str, Any]:
    """`jsrt map --json`: each record's data or errors, and the mapping's problems with
    where the file writes each (`at`, when known)."""
    records = []
    for index, outcome in enumerate(outcomes):
        entry: dict[str, Any] = {"index": index, "ok": outcome.ok}
        if outcome.ok:
            entry["data"] = outcome.data
        else:
            entry["errors"] = [dict(error) for error in outcome.errors]
        records.append(entry)
    found = []
    for problem in problems:
        about = {"path": problem.path, "code": problem.code, "message": problem.message}
        if place(problem.path):
            about["at"] = place(problem.path).removesuffix(": ")
        found.append(about)
    ok = all(outcome.ok for outcome in outcomes)
    return {"ok": ok, "records": records, "problems": found}


_STAGES = ("context", "import", "lookup")
"""What `jsrt render --context` holds: the context itself, or the record an import's or a
lookup's templates see in the context that stage builds (`jsrt.transform.handlebars`)."""

_ESCAPES = ("body", "uri", "none")
"""How `{{x}}` is escaped where a template is rendered: in a request body, in a
relativeURI (URL-encoded), or nowhere (`jsrt.transform.handlebars.render`)."""


def _template_text(template_file: str | None, inline: str | None) -> str:
    """The template `jsrt render` renders: a file's text (- reads standard input), or
    `--template` text."""
    from jsrt.inputs import read_text

    if (template_file is None) == (inline is None):
        raise UsageError(
            "give either a TEMPLATE file (- reads standard input) or --template TEXT",
            hint="jsrt render body.hbs --context record.json, or jsrt render "
            "--template '{{id}}' --context record.json",
        )
    if inline is not None:
        return inline
    assert template_file is not None
    return read_text(template_file, what="template")


@main.command("render")
@click.argument("template_file", metavar="[TEMPLATE]", required=False)
@click.option(
    "--template",
    "-t",
    "inline",
    metavar="TEXT",
    help="The template itself, instead of a TEMPLATE file.",
)
@click.option(
    "--context",
    "context_path",
    metavar="FILE",
    help="The JSON or YAML object the template reads ({{record.id}}, {{data.0.id}}, ...); "
    "default {}.",
)
@click.option(
    "--stage",
    type=click.Choice(_STAGES),
    default="context",
    show_default=True,
    help="What --context holds: the whole context the template reads (context), or one "
    "record, which an import's or a lookup's templates see inside the context "
    "integrator.io builds for that stage ({{record.x}}, {{data.0.x}}, {{settings.import.x}}).",
)
@click.option(
    "--escape",
    type=click.Choice(_ESCAPES),
    default="body",
    show_default=True,
    help="How {{x}} is escaped: as in a request body, URL-encoded as in a relativeURI, or "
    "not at all ({{{x}}} is never escaped).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the output.")
def render_command(
    template_file: str | None,
    inline: str | None,
    context_path: str | None,
    stage: str,
    escape: Escape,
    as_json: bool,
) -> None:
    """Render a Handlebars TEMPLATE (a file; - reads standard input) with integrator.io's
    helpers and escaping, and print the text.

    Exit 0 when it rendered, 1 when it failed on the context's data (a helper refused a
    value), 2 when the template does not compile or the context file cannot be used.
    """
    from jsrt.inputs import load_data_file
    from jsrt.transform.handlebars import import_context, lookup_context, render

    try:
        template = _template_text(template_file, inline)
        given = {} if context_path is None else load_data_file(context_path, what="context")
        if stage == "lookup" and not isinstance(given, dict):
            raise InputError(
                f"{context_path}: a lookup's record must be an object, got {type(given).__name__}",
                file=context_path,
                hint='give the record the lookup runs for, e.g. {"id": 1}',
            )
        if stage == "import":
            context = import_context(given)
        elif stage == "lookup":
            context = lookup_context(given)
        else:
            context = given
        output = render(template, context, escape=escape)
    except JsrtError as error:
        _fail(error, as_json=as_json)
    if as_json:
        click.echo(indented({"ok": True, "output": output}))
    else:
        click.echo(output, nl=not output.endswith("\n"))  # a template's own last newline


@main.command("check")
@_project(watch=True)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--world",
    type=click.Path(),
    help="Check the world's scripts as its flows wire them (a world file, a folder holding "
    "world.json, or an integration download), and its hook references.",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["human", "json", "github", "junit", "sarif"]),
    default="human",
    show_default=True,
    help="human (code frames), json, github (Actions annotations), junit or sarif.",
)
@click.option(
    "--disable",
    "disabled",
    multiple=True,
    metavar="RULE",
    help="Turn a rule off everywhere (repeat for several); --rules lists them.",
)
@click.option("--hook", help="The script type of the files' hooks, where names do not say it.")
@click.option("--function", help="The function of each file that runs as the hook.")
@click.option("--run", is_flag=True, help="Also run each hook once on its type's sample options.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to a file.")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
def check(
    paths: tuple[str, ...],
    world: str | None,
    form: str,
    disabled: tuple[str, ...],
    hook: str | None,
    function: str | None,
    run: bool,
    output: str | None,
    list_rules: bool,
) -> None:
    """Check hook scripts without running them: syntax, imports, globals integrator.io
    lacks, entry functions, integrator-api names and arguments, calls hooks may not make,
    and what each script type returns.

    PATHS are script files or folders of them (default: the current folder, unless
    --world is given). Exit 1 on any error-level finding, 0 otherwise (warnings too),
    2 on bad input. Turn a rule off on a line with `// jsrt-disable-line RULE`, on the
    next line with `// jsrt-disable-next-line RULE`, in a file with `// jsrt-disable
    RULE` before its first statement.
    """
    from jsrt import check as checking

    if list_rules:
        for rule in checking.RULES:
            click.echo(f"{rule.id:<26} {rule.severity:<8} {rule.summary}")
        return
    chosen: list[str] = list(paths) or ([] if world else ["."])
    try:
        with Progress("files") as shown:
            report = checking.check_paths(
                chosen,
                world=world,
                disabled=disabled,
                function=function,
                hook=hook,
                run=run,
                on_checked=shown.update,
                typed=_script_types(),
            )
    except JsrtError as error:
        _fail(error, as_json=form == "json")
    color = form == "human" and output is None and use_color()
    text = checking.render(report, checking.FORMATS[checking.FORMATS.index(form)], color=color)
    if output is not None:
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            _fail(
                InputError(f"{output}: cannot write the report: {exc}", file=output), as_json=False
            )
    elif text:
        click.echo(text, color=color)
    sys.exit(report.exit_code)


@main.command("types")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write the declarations here (default: .jsrt/types).",
)
@click.option("--no-jsconfig", "no_jsconfig", is_flag=True, help="Write only the declarations.")
@click.option("--force", is_flag=True, help="Replace an existing jsconfig.json.")
def types(out: str | None, no_jsconfig: bool, force: bool) -> None:
    """Write TypeScript declarations so an editor checks plain .js hooks as you type.

    Into DIR: `integrator-api` (every runtime object and function, each script type's
    options and result, e.g. PreSavePageOptions), dayjs's and sjcl's declarations, and
    the globals integrator.io has; into the current folder, the project root: a
    jsconfig.json with checkJs and no timers, fetch or DOM. A jsconfig.json jsrt did not
    write is left alone (exit 2) unless --force is given. Name the types in JSDoc:
    `@param {import('integrator-api').PreSavePageOptions} options`.
    """
    from jsrt import typings

    try:
        written = typings.write_types(
            Path(),
            Path(out) if out is not None else None,
            with_jsconfig=not no_jsconfig,
            force=force,
        )
    except JsrtError as error:
        _fail(error, as_json=False)
    for item in written:
        click.echo(f"{item.status:<9} {item.path}")
