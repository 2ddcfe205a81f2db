"""The declarations checked by the real TypeScript compiler, as VS Code checks a user's
hooks: the sample hooks and the stubs are clean, annotated with their script type's
function type too, and the mistakes the declarations exist for are reported."""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from jsrt.cli import main
from jsrt.hooks.kinds import SCRIPT_TYPES
from jsrt.typings.ts import type_name

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_HOOKS = ROOT / "sample_hooks"
README_EXAMPLE = "<!-- editor-types-example -->"
DIAGNOSTIC = re.compile(
    r"^(?P<file>[^(\n]+)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<text>.*)$", re.M
)


def _project(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["types"])
    assert result.exit_code == 0, result.output
    return folder


def _errors(tsc: Path, project: Path) -> list[dict[str, str]]:
    """tsc's errors over the project, as VS Code would show them."""
    run = subprocess.run(
        ["node", str(tsc), "-p", str(project / "jsconfig.json"), "--pretty", "false"],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=300,
    )
    errors = [match.groupdict() for match in DIAGNOSTIC.finditer(run.stdout)]
    assert run.returncode == (2 if errors else 0), run.stdout + run.stderr
    return errors


def _annotate(source: str, script_type: str) -> str:
    """The script with its entry function typed as its script type's function."""
    entry = re.compile(rf"^function {script_type} ?\(", re.M)
    annotation = f"/** @type {{import('integrator-api').{type_name(script_type)}Hook}} */\n"
    annotated, count = entry.subn(lambda match: annotation + match.group(0), source)
    assert count == 1, f"no entry function {script_type} to annotate"
    return annotated


def test_the_sample_hooks_stubs_and_readme_example_type_check_with_no_errors(
    tsc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declarations_cache: Path
) -> None:
    project = _project(tmp_path / "project", monkeypatch)
    shutil.copytree(SAMPLE_HOOKS, project / "sample_hooks")
    stubs = resources.files("jsrt.hooks.stubs")
    for script_type in SCRIPT_TYPES:
        stub = stubs.joinpath(f"{script_type}.js").read_text(encoding="utf-8")
        (project / "stubs").mkdir(exist_ok=True)
        (project / "stubs" / f"{script_type}.js").write_text(stub)
        (project / "typed" / "stubs").mkdir(parents=True, exist_ok=True)
        (project / "typed" / "stubs" / f"{script_type}.js").write_text(_annotate(stub, script_type))
    samples = sorted(SAMPLE_HOOKS.glob("*/*.js"))
    for sample in samples:
        script_type = sample.parent.name
        typed = project / "typed" / script_type / sample.name
        typed.parent.mkdir(parents=True, exist_ok=True)
        typed.write_text(_annotate(sample.read_text(encoding="utf-8"), script_type))

    readme = (ROOT / "README.md").read_text(encoding="utf-8").split(README_EXAMPLE, 1)[1]
    example = re.match(r"\s*```js\n(.*?)\n```", readme, re.S)
    assert example, f"README.md: no ```js block after {README_EXAMPLE}"
    (project / "readme_example.js").write_text(example.group(1))

    assert {sample.parent.name for sample in samples} == set(SCRIPT_TYPES)
    assert _errors(tsc, project) == []


MISTAKES = {
    # integrator.io's runtime objects have no integrations.find (runtime objects spec)
    "find.js": (
        "import { integrations } from 'integrator-api'\n"
        "function step (options) { return integrations.find({}) }\n",
        "TS2339",
        "Property 'find' does not exist on type 'IntegrationsApi'.",
    ),
    # postResponseMapData is an array of records, one per record of the page
    "array.js": (
        "/** @param {import('integrator-api').PostResponseMapOptions} options */\n"
        "function postResponseMap (options) {\n"
        "  const merged = options.postResponseMapData.foo\n"
        "  return options.postResponseMapData\n"
        "}\n",
        "TS2339",
        "Property 'foo' does not exist on type 'JsonObject[]'.",
    ),
    # exports.get( _id ): _id <String, required>
    "id.js": (
        "import { exports } from 'integrator-api'\n"
        "function preMap (options) { return [exports.get({ _id: 'e1' })] }\n",
        "TS2345",
        "Argument of type '{ _id: string; }' is not assignable to parameter of type 'string'.",
    ),
    # preSavePage returns {data, errors, ...}, not the bare array
    "bare.js": (
        "/** @type {import('integrator-api').PreSavePageHook} */\n"
        "function preSavePage (options) { return options.data }\n",
        "TS2741",
        "Property 'data' is missing in type 'JsonObject[]' but required in type",
    ),
    # no timers in integrator.io: hooks are synchronous
    "timer.js": (
        "function filter (options) { setTimeout(() => {}, 10); return true }\n",
        "TS2304",
        "Cannot find name 'setTimeout'.",
    ),
    "fetch.js": (
        "function transform (options) { fetch('https://example.com'); return options.record }\n",
        "TS2304",
        "Cannot find name 'fetch'.",
    ),
    "process.js": (
        "function step (options) { return process.env.TOKEN }\n",
        "TS2339",
        "Property 'env' does not exist on type '\"integrator.io scripts have no process object",
    ),
    "window.js": (
        "function update (options) { window.alert('done') }\n",
        "TS2304",
        "Cannot find name 'window'.",
    ),
    # dayjs's own declarations: format takes a string
    "dayjs.js": (
        "import dayjs from 'dayjs'\n"
        "function transform (options) { return { at: dayjs().format(42) } }\n",
        "TS2345",
        "Argument of type 'number' is not assignable to parameter of type 'string'.",
    ),
    # @types/sjcl: hash.sha256.hash returns bits, not a string
    "sjcl.js": (
        "import sjcl from 'sjcl'\n"
        "function transform (options) {\n"
        "  return { digest: sjcl.hash.sha256.hash('a').toUpperCase() }\n"
        "}\n",
        "TS2339",
        "Property 'toUpperCase' does not exist on type 'BitArray'.",
    ),
}


def test_each_mistake_gets_the_expected_compiler_error(
    tsc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declarations_cache: Path
) -> None:
    project = _project(tmp_path / "project", monkeypatch)
    for name, (source, _code, _text) in MISTAKES.items():
        (project / name).write_text(source)

    errors = _errors(tsc, project)

    found = {error["file"]: (error["code"], error["text"]) for error in errors}
    assert len(errors) == len(found) == len(MISTAKES), errors
    for name, (_source, code, text) in MISTAKES.items():
        assert found[name][0] == code, (name, found[name])
        assert found[name][1].startswith(text), (name, found[name])
