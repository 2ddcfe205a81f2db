"""pytest plugin for jsrt (registered through the `pytest11` entry point).

**Case files.** pytest collects `*.case.yaml`, `*.case.yml` and `*.case.json` files it is
pointed at (format: `jsrt.cases`), one test per case (a hook's, a whole flow's when it
names a `flow:` and no `step:` (`jsrt.cases.flow`), or a `mapping:` or `filter:` case's,
which the transformation engine runs), and reports a failing case with the same text as
`jsrt test`: the expectation, the paths where values part, the diff. A case
file that cannot be read is a collection error that names the file, line and column. A
run's warnings (a function whose name says no script type) are `JsrtRunWarning`s, shown
in pytest's warnings summary at the case's line.

**Fixtures** for hook tests written in Python:

* `jsrt_world`: a fresh local-backend `World` per test: empty, or seeded from the world
  file named by `@pytest.mark.jsrt_world("world.yaml")` (relative to the test file) or by
  the `jsrt_world` ini option (relative to the ini file's folder); an integration
  download (`.zip` or folder) or a folder holding `world.json` seeds it too.
* `jsrt_runtime`: a `Runtime` bound to `jsrt_world`.
* `jsrt_run`: `jsrt_run(script, function=None, options=None, hook=None, **kwargs)` runs a
  hook (a relative script path is taken from the test file's folder) and returns the
  `HookResult`; `jsrt_run.last` is the latest result. `jsrt_run.flow(flow, pages=...,
  data=...)` runs a whole flow of the world and returns its `FlowResult`.

**Helpers**, importable from this module: `assert_called(result, "state.putForResource",
count=1, args_subset={...})` and `assert_logged(result, contains="...")`. They fail with the
calls or logs the hook did make, and the closest call's diff.

**Options**: `--jsrt-timeout SECONDS` (or the `jsrt_timeout` ini option) is the wall-clock
limit for every hook run, case files included, unless a case sets its own (default 30).
`--jsrt-max-log-lines`, `--jsrt-max-log-chars` and `--jsrt-max-calls` (or the
`jsrt_max_log_lines`, ... ini options) cap what each run keeps of its logs and its calls,
and records into a cassette, the same way (`jsrt.run.limits` gives the ranges).

**The project config** (`jsrt.toml`, or `[tool.jsrt]` in pyproject.toml, found from
the session's root folder; `jsrt.config`) is the lowest layer of the limits, the backend
and the `jsrt_world` fixture's world, under the options and the ini options;
`--jsrt-env NAME` (the `jsrt_env` ini option, `$JSRT_ENV`) chooses its `[env.NAME]`.

**Backend options** choose what answers the integrator-api calls of every run, case files
and `jsrt_runtime` alike, over what case files say: `--jsrt-backend local|rest|replay`,
`--jsrt-base-url URL`, `--jsrt-region us|eu`, `--jsrt-token-env VAR`,
`--jsrt-allow-writes`, `--jsrt-record FILE` with `--jsrt-record-mode once|new|none|all`
and `--jsrt-secret-field NAME`, and `--jsrt-replay FILE`; each also as an ini option
(`jsrt_backend = rest`, ...; ini paths are relative to the ini file's folder). A
cassette is shared by the whole session; each test's calls are kept apart by its node id
(a case's by its file and name). Recording under xdist (`-n`) is refused, since workers
would each write the file; replaying is not.

**Shards**: `--jsrt-shard I/N` keeps the tests whose node id hashes into shard I of N
(`jsrt.cases.sharding`; a case's node id is its `jsrt test` key), so N CI machines run
each test once; each xdist worker deselects alike, the terminal summary says how many
tests the shard kept, and a JUnit report's suite is named `<name> (shard I of N)`.
**Coverage**: `--jsrt-cov` (or `jsrt_cov = true`) measures which statements, branches and
functions of the scripts every run ran, case files and `jsrt_runtime` alike, and prints
the table at the end; `--jsrt-cov-report KIND[:PATH]` (or the `jsrt_cov_report` lines)
also writes lcov, cobertura, html or json (Istanbul); `--jsrt-cov-fail-under N` (or
`jsrt_cov_fail_under`) fails the session below N percent (statements and branch paths
together). Under pytest-xdist each worker sends its counts to the controller, which
merges and reports them.

Nothing heavy is imported until a case file or a fixture is used, so the plugin costs
nothing in projects that have neither.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from jsrt.describe import counted
from jsrt.run.choice import (
    BACKEND_KINDS,
    RECORD_MODES,
    REGION_NAMES,
    BackendChoice,
    option_name,
)
from jsrt.run.limits import CAPS, TIMEOUT, Limit

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from jsrt.backends.cassette import CassetteLibrary
    from jsrt.backends.local import World
    from jsrt.cases import Case, CaseOutcome
    from jsrt.cases.sharding import Shard
    from jsrt.config.schema import ProjectConfig
    from jsrt.coverage import CoverageCollector
    from jsrt.errors import InputError
    from jsrt.flow import FlowResult
    from jsrt.runner import HookResult, Runtime

_NOT_GIVEN: Any = object()

_BACKEND_OPTIONS: dict[str, tuple[str | tuple[str, ...] | None, str]] = {
    "backend": (BACKEND_KINDS, "what answers integrator-api calls (default local)"),
    "base_url": ("URL", "API root for the rest backend (default $INTEGRATOR_IO_BASE_URL)"),
    "region": (REGION_NAMES, "integrator.io region for the rest backend"),
    "token_env": ("VAR", "environment variable holding the API token"),
    "allow_writes": (None, "let the rest backend change the account"),
    "record": ("FILE", "record every integrator-api call to this cassette"),
    "record_mode": (RECORD_MODES, "how --jsrt-record treats an existing cassette"),
    "replay": ("FILE", "answer every integrator-api call from this cassette"),
}
"""Each backend option: its value's metavar, or its closed set, or None for a flag."""
_SECRET_FIELDS_HELP = "also scrub this field from recorded cassettes (repeatable)"
_PATH_OPTIONS = ("record", "replay")
_CASSETTES = pytest.StashKey["CassetteLibrary"]()
_COVERAGE = pytest.StashKey["CoverageCollector"]()
_COVERAGE_LINES = pytest.StashKey[list[str]]()
_COVERAGE_OUTPUT = "jsrt_coverage"
"""The key of a worker's counts in its xdist `workeroutput` (to_data() as JSON text)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jsrt", "jsrt: integrator.io hook tests")
    group.addoption(
        "--jsrt-timeout",
        dest="jsrt_timeout",
        default=None,
        metavar="SECONDS",
        help=f"wall-clock limit for each hook run, {TIMEOUT.accepted} (default: the "
        f"jsrt_timeout ini option, or {TIMEOUT.default:g})",
    )
    parser.addini(
        "jsrt_timeout",
        f"wall-clock limit for each hook run, {TIMEOUT.accepted} (default {TIMEOUT.default:g})",
    )
    for name, cap in CAPS.items():
        text = f"{_CAP_HELP[name]}, {cap.accepted} (default {cap.default:.0f})"
        group.addoption(_flag(name), dest=f"jsrt_{name}", default=None, metavar="N", help=f"{text}")
        parser.addini(f"jsrt_{name}", text)
    for name, (values, text) in _BACKEND_OPTIONS.items():
        flag = _flag(name)
        if values is None:
            group.addoption(flag, dest=f"jsrt_{name}", action="store_true", default=None, help=text)
            parser.addini(f"jsrt_{name}", text, type="bool")
        elif isinstance(values, tuple):
            group.addoption(flag, dest=f"jsrt_{name}", choices=values, default=None, help=text)
            parser.addini(f"jsrt_{name}", text)
        else:
            group.addoption(flag, dest=f"jsrt_{name}", metavar=values, default=None, help=text)
            parser.addini(f"jsrt_{name}", text)
    group.addoption(
        "--jsrt-secret-field",
        dest="jsrt_secret_fields",
        action="append",
        default=None,
        metavar="NAME",
        help=_SECRET_FIELDS_HELP,
    )
    parser.addini("jsrt_secret_fields", _SECRET_FIELDS_HELP, type="linelist")
    parser.addini(
        "jsrt_world",
        "world file seeding the jsrt_world fixture, relative to the ini file's folder",
    )
    group.addoption(
        "--jsrt-shard",
        dest="jsrt_shard",
        default=None,
        metavar="I/N",
        help="run only shard I of N (e.g. 2/3): tests split by a stable hash of their node id, "
        "so N CI machines run each test once",
    )
    group.addoption(
        "--jsrt-cov",
        dest="jsrt_cov",
        action="store_true",
        default=None,
        help="measure the coverage of the hook scripts the tests run",
    )
    parser.addini("jsrt_cov", "measure the coverage of the hook scripts", type="bool")
    group.addoption(
        "--jsrt-cov-report",
        dest="jsrt_cov_report",
        action="append",
        default=None,
        metavar="KIND[:PATH]",
        help="coverage report: term, lcov, cobertura, html, json (repeatable; default term)",
    )
    parser.addini("jsrt_cov_report", "coverage reports, KIND[:PATH] a line", type="linelist")
    group.addoption(
        "--jsrt-cov-fail-under",
        dest="jsrt_cov_fail_under",
        default=None,
        metavar="N",
        help="fail when coverage (statements and branches) is below N percent",
    )
    parser.addini("jsrt_cov_fail_under", "fail when hook coverage is below this percent")
    group.addoption(
        "--jsrt-env",
        dest="jsrt_env",
        default=None,
        metavar="NAME",
        help="use the [env.NAME] section of the project config (jsrt.toml or [tool.jsrt]) "
        "over its top level (default: the jsrt_env ini option, else $JSRT_ENV)",
    )
    parser.addini("jsrt_env", "the project config's environment section to use")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "jsrt_world(path): seed the jsrt_world fixture from this world file "
        "(relative to the test file)",
    )
    _project(config)  # a bad project config stops the session before the first test
    _refuse_recording_under_xdist(config)
    _timeout(config)  # a bad limit stops the session before the first test
    _caps(config)
    _register_shard(config)
    _start_coverage(config)


# --- coverage -----------------------------------------------------------------------------


def _coverage(config: pytest.Config) -> CoverageCollector | None:
    return config.stash.get(_COVERAGE, None)


def _coverage_setting(config: pytest.Config, name: str) -> Any:
    given = config.getoption(f"jsrt_{name}")
    return given if given is not None else config.getini(f"jsrt_{name}")


def _start_coverage(config: pytest.Config) -> None:
    """A collector for the session when coverage is asked for; bad report kinds and
    thresholds stop the session before the first test."""
    reports = _coverage_setting(config, "cov_report") or []
    threshold = _coverage_setting(config, "cov_fail_under")
    if not (_coverage_setting(config, "cov") or config.getoption("jsrt_cov_report")):
        return
    from jsrt.coverage import CoverageCollector
    from jsrt.coverage.report import report_spec
    from jsrt.errors import UsageError

    try:
        for text in reports:
            report_spec(text)
    except UsageError as error:
        raise pytest.UsageError(f"--jsrt-cov-report: {error}") from None
    if threshold not in (None, ""):
        _fail_under(config)
    config.stash[_COVERAGE] = CoverageCollector()


def _fail_under(config: pytest.Config) -> float | None:
    """`--jsrt-cov-fail-under`, else the ini option, else the project config's
    `[coverage] fail_under`; None when none of them sets one."""
    threshold = _coverage_setting(config, "cov_fail_under")
    if threshold in (None, ""):
        project = _project(config)
        return None if project is None else project.document.coverage.fail_under
    try:
        value = float(threshold)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise pytest.UsageError(
            f"--jsrt-cov-fail-under: {threshold!r} is not a percentage; give a number from 0 to 100"
        )
    return value


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its counts to the controller (`pytest_testnodedown`)."""
    collector = _coverage(session.config)
    output = getattr(session.config, "workeroutput", None)
    if collector is not None and output is not None:
        import orjson

        output[_COVERAGE_OUTPUT] = orjson.dumps(collector.to_data()).decode()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The controller adds a finished xdist worker's counts to its own."""
    collector = _coverage(node.config)
    text = getattr(node, "workeroutput", {}).get(_COVERAGE_OUTPUT)
    if collector is None or text is None:
        return
    import orjson

    from jsrt.coverage import CoverageCollector

    collector.merge(CoverageCollector.from_data(orjson.loads(text), "an xdist worker"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Iterator[None]:
    """After the tests (on the controller, under xdist): write the reports, and fail the
    session below `--jsrt-cov-fail-under`."""
    yield
    collector = _coverage(session.config)
    if collector is None or hasattr(session.config, "workerinput"):
        return
    from jsrt.coverage.report import report_spec, terminal_table, total_percent, write_reports

    specs = dict(report_spec(t) for t in _coverage_setting(session.config, "cov_report") or [])
    lines = [terminal_table(collector)] if not specs or "term" in specs else []
    lines += [f"coverage report: {path}" for path in write_reports(collector, specs)]
    threshold = _fail_under(session.config)
    if threshold is not None:
        total = total_percent(collector)
        if total < threshold:
            session.testsfailed += 1
            lines.append(
                f"FAIL: hook coverage {total:.1f}% is below --jsrt-cov-fail-under {threshold:g}"
            )
        else:
            lines.append(f"hook coverage {total:.1f}% reaches --jsrt-cov-fail-under {threshold:g}")
    session.config.stash[_COVERAGE_LINES] = lines


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lines = config.stash.get(_COVERAGE_LINES, None)
    if lines:
        terminalreporter.section("jsrt coverage")
        for line in lines:
            terminalreporter.write_line(line)


def _refuse_recording_under_xdist(config: pytest.Config) -> None:
    """Recording writes the cassette at the end of the session; xdist workers would each
    write their own part over the others'. Replaying (or record mode `none`) is fine."""
    choice = _backend_choice(config)
    if choice.record is None or choice.record_mode == "none":
        return
    parallel = hasattr(config, "workerinput") or getattr(config.option, "numprocesses", None)
    if parallel:
        raise pytest.UsageError(
            "--jsrt-record cannot be used with pytest-xdist (-n): every worker would write "
            "the cassette over the others'. Record with -n 0 (or -p no:xdist), then replay "
            "with -n as you like (--jsrt-replay)"
        )


def _timeout(config: pytest.Config) -> float | None:
    """`--jsrt-timeout`, else the ini option, else None (the runtime's default), checked
    against the accepted range (`jsrt.run.limits`)."""
    seconds = _limit(config, "timeout", TIMEOUT)
    return None if seconds is None else float(seconds)


def _caps(config: pytest.Config) -> dict[str, int]:
    """The caps (`jsrt.run.limits.CAPS`) the options, else the ini options, give: each
    checked against its range; one given by neither is left to the case or the default."""
    given = {name: _limit(config, name, cap) for name, cap in CAPS.items()}
    return {name: int(value) for name, value in given.items() if value is not None}


def _limit(config: pytest.Config, name: str, limit: Limit) -> float | None:
    """The limit `name` (`--jsrt-<name>`, else the `jsrt_<name>` ini option, else None),
    checked against its accepted range; a bad one stops the session with a usage error."""
    given, spelled = config.getoption(f"jsrt_{name}"), _flag(name)
    if given is None:
        given, spelled = config.getini(f"jsrt_{name}") or None, f"jsrt_{name} (ini)"
    if given is None:
        project = _project(config)
        # the project config's limits were checked when it was read
        return None if project is None else project.defaults(_env(config)).get(name)
    value = limit.read(given)
    problem = limit.problem(value)
    if problem is not None:
        raise pytest.UsageError(f"{spelled} {problem}")
    assert isinstance(value, int | float)
    return value


_CAP_HELP = {
    "max_log_lines": "log lines each hook run keeps",
    "max_log_chars": "characters of log text each hook run keeps",
    "max_calls": "integrator-api calls each hook run keeps in its call log and records",
}


def _flag(field: str) -> str:
    """A backend choice field as this plugin's option (`secret_fields`: `--jsrt-secret-field`)."""
    return "--jsrt-" + option_name(field)


def _backend_choice(config: pytest.Config) -> BackendChoice:
    """The backend choice the options (else the ini options) make."""
    base = config.inipath.parent if config.inipath else config.rootpath
    chosen: dict[str, Any] = {}
    for name in _BACKEND_OPTIONS:
        value = config.getoption(f"jsrt_{name}")
        if value is None:
            value = config.getini(f"jsrt_{name}") or None
            if value is not None and name in _PATH_OPTIONS:
                value = base / value
        chosen[name] = value
    chosen["secret_fields"] = config.getoption("jsrt_secret_fields") or config.getini(
        "jsrt_secret_fields"
    )
    from jsrt.errors import UsageError

    try:
        choice = BackendChoice.of(chosen, spell=_flag)
    except UsageError as error:
        raise pytest.UsageError(str(error)) from None
    project = _project(config)
    if project is None:
        return choice
    return project.backend_choice(_env(config)).under(choice)


_PROJECT = pytest.StashKey["ProjectConfig | None"]()


def _project(config: pytest.Config) -> ProjectConfig | None:
    """The project config (`jsrt.config`) found from the session's root folder, the
    lowest layer under the options and ini options; read once per session."""
    if _PROJECT not in config.stash:
        from jsrt.config import load_config
        from jsrt.errors import JsrtError

        try:
            project = load_config(config.rootpath)
            if project is not None:
                project.environment(_env(config))  # an unknown name stops the session
        except JsrtError as error:
            raise pytest.UsageError(str(error)) from None
        config.stash[_PROJECT] = project
    return config.stash[_PROJECT]


def _env(config: pytest.Config) -> str | None:
    """The environment section chosen: `--jsrt-env`, the ini option, else $JSRT_ENV."""
    import os

    chosen = config.getoption("jsrt_env") or config.getini("jsrt_env") or os.environ.get("JSRT_ENV")
    return chosen or None


def _cassettes(config: pytest.Config) -> CassetteLibrary:
    """The session's cassettes: each file opened once, whichever test uses it first."""
    if _CASSETTES not in config.stash:
        from jsrt.backends.cassette import CassetteLibrary

        config.stash[_CASSETTES] = CassetteLibrary()
    return config.stash[_CASSETTES]


# --- shards -------------------------------------------------------------------------------


def _register_shard(config: pytest.Config) -> None:
    """With `--jsrt-shard I/N` (checked: a bad one stops the session with a usage error),
    the session's `ShardSelection`."""
    given = config.getoption("jsrt_shard")
    if given is None:
        return
    from jsrt.cases.sharding import Shard
    from jsrt.errors import UsageError

    try:
        shard = Shard.parse(given)
    except UsageError as error:
        raise pytest.UsageError(f"--jsrt-shard: {error} ({error.hint})") from None
    config.pluginmanager.register(ShardSelection(shard), "jsrt-shard")


class ShardSelection:
    """The hooks of `--jsrt-shard`: keep the items of this shard, say how many."""

    def __init__(self, shard: Shard) -> None:
        self.shard = shard
        self.counts: tuple[int, int] | None = None
        """(tests kept, tests left to the other shards), once collected."""

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Keep the items of this shard, by the hash of their node id (relative to the
        rootdir, so the same on every machine); a case's node id is its `jsrt test` key,
        `path/file.case.yaml::name`. Under xdist each worker collects and deselects alike."""
        kept = [item for item in items if self.shard.holds(item.nodeid)]
        others = [item for item in items if not self.shard.holds(item.nodeid)]
        items[:] = kept
        config.hook.pytest_deselected(items=others)
        self.counts = (len(kept), len(others))
        if hasattr(config, "workeroutput"):  # an xdist worker: the controller reports them
            config.workeroutput["jsrt_shard"] = list(self.counts)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """pytest-xdist's controller: a worker's counts (every worker has the same)."""
        counts = getattr(node, "workeroutput", {}).get("jsrt_shard")
        if counts is not None:
            self.counts = (counts[0], counts[1])

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """A shard's JUnit report names its suite `<name> (shard I of N)`, so the shards'
        reports merge with suites that stay apart."""
        from _pytest.junitxml import xml_key

        junit = session.config.stash.get(xml_key, None)
        if junit is not None:
            junit.suite_name = f"{junit.suite_name} ({self.shard.label})"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.counts is None:
            return
        kept, others = self.counts
        terminalreporter.write_line(
            f"jsrt {self.shard.label}: {counted(kept, 'test')} in this shard, {others:,} "
            "deselected for the other shards"
        )


# --- case files ---------------------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> JsrtCaseFile | None:
    if ".case." not in file_path.name:
        return None
    from jsrt.cases import is_case_file

    if not is_case_file(file_path):
        return None
    return JsrtCaseFile.from_parent(parent, path=file_path)


class BadCaseFile(Exception):
    """A case file could not be loaded; reported as its `InputError`, without a traceback."""

    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


class CaseFailed(Exception):
    """A case did not pass; reported with the same text as `jsrt test`."""

    def __init__(self, outcome: CaseOutcome) -> None:
        super().__init__(outcome.case.id)
        self.outcome = outcome


class JsrtCaseFile(pytest.File):
    """One case file: a test item per case."""

    def collect(self) -> Iterator[JsrtCase]:
        from jsrt.cases import load_case_file
        from jsrt.errors import InputError

        try:
            loaded = load_case_file(self.path)
        except InputError as error:
            raise BadCaseFile(error) from None
        for case in loaded.cases:
            yield JsrtCase.from_parent(self, name=case.name, case=case)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, BadCaseFile):
            return str(excinfo.value.error)
        return super().repr_failure(excinfo)  # a Collector's takes no style


_CASE_SETTINGS = pytest.StashKey[dict[str, Any]]()


def _case_settings(config: pytest.Config) -> dict[str, Any]:
    """What every case of the session runs with (`run_case`'s keywords): the options
    read once, not once per case."""
    if _CASE_SETTINGS not in config.stash:
        config.stash[_CASE_SETTINGS] = {
            "timeout_s": _timeout(config),
            "caps": _caps(config),
            "backend": _backend_choice(config),
            "cassettes": _cassettes(config),
            "coverage": _coverage(config),
        }
    return config.stash[_CASE_SETTINGS]


class JsrtRunWarning(UserWarning):
    """A warning of a case's run (`HookResult.warnings`): the run went on, but without
    something it could not know, such as the script type of a function's name."""


class JsrtCase(pytest.Item):
    """One case of a case file, run against a fresh Runtime."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from jsrt.cases import run_case

        outcome = run_case(self.case, **_case_settings(self.config))
        for text in outcome.warnings:
            warnings.warn_explicit(
                text, JsrtRunWarning, filename=str(self.case.file), lineno=self.case.line
            )
        if outcome.status != "passed":
            raise CaseFailed(outcome)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, CaseFailed):
            from jsrt.reporting import failure_text

            return failure_text(excinfo.value.outcome)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"case: {self.case.name}"


# --- fixtures -----------------------------------------------------------------------------


def _world_file(request: pytest.FixtureRequest) -> Path | None:
    """The world file the test's marker, or else the ini option, names."""
    marker = request.node.get_closest_marker("jsrt_world")
    if marker is not None:
        if len(marker.args) != 1:
            raise pytest.UsageError("use @pytest.mark.jsrt_world('path/to/world.yaml')")
        return Path(request.path).parent / marker.args[0]
    ini = request.config.getini("jsrt_world")
    if not ini:
        project = _project(request.config)
        world = None if project is None else project.defaults(_env(request.config)).get("world")
        return None if world is None else Path(world)
    base = request.config.inipath.parent if request.config.inipath else request.config.rootpath
    return base / ini


@pytest.fixture
def jsrt_world(request: pytest.FixtureRequest) -> World:
    """A fresh local-backend world for this test (seeded by the marker or ini option)."""
    from jsrt.backends.local import World
    from jsrt.errors import InputError
    from jsrt.runner import world_from_path

    path = _world_file(request)
    if path is None:
        return World()
    try:
        return world_from_path(path)[0]  # a world file, a download, or a layout's folder
    except InputError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def jsrt_runtime(jsrt_world: World, request: pytest.FixtureRequest) -> Runtime:
    """A Runtime running hooks against `jsrt_world` and the backend the options choose.

    With a backend other than local and no world file, the hook policy does not guess
    what the account holds (an empty world would refuse every lookup cache).
    """
    from jsrt.runner import DEFAULT_LIMITS, DEFAULT_TIMEOUT_S, Runtime

    config = request.config
    chosen = _backend_choice(config)
    caps = _caps(config)
    runtime = Runtime(
        jsrt_world,
        timeout_s=_timeout(config) or DEFAULT_TIMEOUT_S,
        max_log_lines=caps.get("max_log_lines", DEFAULT_LIMITS["max_log_lines"]),
        max_log_chars=caps.get("max_log_chars", DEFAULT_LIMITS["max_log_chars"]),
        max_calls=caps.get("max_calls", DEFAULT_LIMITS["max_calls"]),
        cassette_scope=request.node.nodeid,
        backend=chosen.with_cassettes(_cassettes(config)),
        policy_from_world=chosen.kind == "local" if _world_file(request) is None else None,
        world_file=_world_file(request),
        coverage=_coverage(config),
    )
    if runtime.coverage is not None:
        runtime.coverage.include_world(runtime)
    return runtime


class HookRunner:
    """Runs hooks for one test, keeping every result (`last` is the latest)."""

    def __init__(self, runtime: Runtime, folder: Path) -> None:
        self.runtime = runtime
        self.folder = folder
        self.results: list[HookResult] = []

    @property
    def last(self) -> HookResult | None:
        return self.results[-1] if self.results else None

    def __call__(
        self,
        script: str | Path,
        function: str | None = None,
        options: dict[str, Any] | None = None,
        hook: str | None = None,
        **kwargs: Any,
    ) -> HookResult:
        """`Runtime.run_hook`, with a relative `script` taken from the test file's folder."""
        path = Path(script)
        if not path.is_absolute() and kwargs.get("source") is None:
            path = self.folder / path
        result = self.runtime.run_hook(path, function, options, hook, **kwargs)
        self.results.append(result)
        return result

    def step(
        self,
        flow: str,
        step: str | int,
        hook: str | None = None,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> HookResult:
        """`Runtime.run_step`: the hook of a step of a flow of the test's world, as the
        world's documents wire it (`options` is the data part)."""
        result = self.runtime.run_step(flow, step, hook, options, **kwargs)
        self.results.append(result)
        return result

    def flow(
        self,
        flow: str,
        *,
        pages: int | None = None,
        data: Any = None,
        trace: bool = False,
    ) -> FlowResult:
        """`Runtime.run_flow`: the whole flow of the test's world, every page through
        every step (`data` the page generators' records, `pages` the first N pages)."""
        return self.runtime.run_flow(flow, pages=pages, data=data, trace=trace)


@pytest.fixture
def jsrt_run(jsrt_runtime: Runtime, request: pytest.FixtureRequest) -> HookRunner:
    """Call it like `Runtime.run_hook` (or `.step(flow, step, hook)` like
    `Runtime.run_step`); it returns the `HookResult` and keeps it as `.last`."""
    return HookRunner(jsrt_runtime, Path(request.path).parent)


# --- assertions ---------------------------------------------------------------------------


def assert_called(
    result: HookResult,
    name: str,
    *,
    count: int | None = None,
    args_subset: Any = _NOT_GIVEN,
) -> list[dict[str, Any]]:
    """Assert the hook called `name` ("object.method"), and return the matching calls.

    `args_subset` is the argument list (subset rule of `jsrt.expect`); anything but a list
    stands for the only argument. Without `count` at least one call must match; with it,
    exactly `count`. On failure the message lists the calls made and diffs the closest one.
    """
    from jsrt.expect import call_matches, calls_summary, missing_call

    obj, dot, method = name.partition(".")
    if not (obj and dot and method):
        raise ValueError(
            f"assert_called: {name!r} is not object.method (e.g. state.putForResource)"
        )
    pattern: dict[str, Any] = {"object": obj, "method": method}
    if args_subset is not _NOT_GIVEN:
        pattern["args"] = args_subset if isinstance(args_subset, list) else [args_subset]
    matching = [call for call in result.calls if call_matches(pattern, call)]
    if (count is None and matching) or count == len(matching):
        return matching
    with_args = " with matching arguments" if "args" in pattern else ""
    lines = (
        []
        if count is None
        else [f"expected {count} calls to {name}{with_args}, got {len(matching)}"]
    )
    if matching:
        lines.extend(calls_summary(result.calls))
    else:
        lines.append(missing_call(name, pattern, result.calls).render())
    raise AssertionError("\n".join(lines))


def assert_logged(
    result: HookResult,
    contains: str | None = None,
    *,
    text: str | None = None,
    level: str | None = None,
) -> dict[str, Any]:
    """Assert the hook logged a matching entry (`contains` a substring, `text` exact)."""
    from jsrt.expect import log_matches, missing_log

    pattern = {
        key: value
        for key, value in (("contains", contains), ("text", text), ("level", level))
        if value is not None
    }
    for entry in result.logs:
        if log_matches(pattern, entry):
            return entry
    raise AssertionError(missing_log("log", pattern, result.logs).render())
