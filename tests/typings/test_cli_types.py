"""`jsrt types` through the CLI: what it writes, where, and a user's jsconfig.json left alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jsrt import modules
from jsrt.cli import main

WRITTEN = [
    ".jsrt/types/integrator-api.d.ts",
    ".jsrt/types/globals.d.ts",
    ".jsrt/types/dayjs/index.d.ts",
    ".jsrt/types/dayjs/locale/index.d.ts",
    ".jsrt/types/dayjs/locale/types.d.ts",
    ".jsrt/types/sjcl/index.d.ts",
    "jsconfig.json",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declarations_cache: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def _types(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["types", *args])
    return result.exit_code, result.output


def test_writes_the_declarations_and_a_jsconfig_and_says_so(project: Path) -> None:
    code, output = _types()

    assert code == 0, output
    assert output.splitlines() == [f"wrote     {path}" for path in WRITTEN]
    declared = (project / ".jsrt/types/integrator-api.d.ts").read_text()
    assert declared.startswith("// Written by `jsrt types`")
    assert "declare module 'integrator-api' {" in declared
    config = json.loads((project / "jsconfig.json").read_text())
    options = config["compilerOptions"]
    assert options["checkJs"] is True
    assert options["lib"] == ["es2022"]  # no dom: no window, document, fetch, timers
    assert options["types"] == []  # no @types/node from a node_modules folder
    assert options["paths"]["dayjs"] == ["./.jsrt/types/dayjs/index.d.ts"]
    assert config["include"] == ["**/*.js", "./.jsrt/types/*.d.ts"]
    assert config["typeAcquisition"] == {"enable": False}


def test_a_second_run_finds_everything_unchanged(project: Path) -> None:
    _types()

    code, output = _types()

    assert code == 0
    assert output.splitlines() == [f"unchanged {path}" for path in WRITTEN]


def test_the_libraries_declarations_are_the_pinned_packages_own(project: Path) -> None:
    _types()

    dayjs = (project / ".jsrt/types/dayjs/index.d.ts").read_text()
    assert "export = dayjs;" in dayjs
    assert '/// <reference path="./locale/index.d.ts" />' in dayjs
    sjcl = (project / ".jsrt/types/sjcl/index.d.ts").read_text()
    assert "declare namespace sjcl {" in sjcl  # DefinitelyTyped's @types/sjcl
    assert modules.library_declarations("sjcl")[0] == "@types/sjcl"


def test_out_puts_the_declarations_elsewhere_and_the_jsconfig_points_there(
    project: Path,
) -> None:
    code, output = _types("--out", "editor/types")

    assert code == 0, output
    assert (project / "editor/types/integrator-api.d.ts").is_file()
    assert not (project / ".jsrt").exists()
    config = json.loads((project / "jsconfig.json").read_text())
    assert config["compilerOptions"]["paths"]["sjcl"] == ["./editor/types/sjcl/index.d.ts"]


def test_a_users_jsconfig_is_left_alone_and_nothing_is_written(project: Path) -> None:
    own = '{"compilerOptions": {"checkJs": false}}\n'
    (project / "jsconfig.json").write_text(own)

    code, output = _types()

    assert code == 2
    assert "jsconfig.json exists and is not the one jsrt writes" in output
    assert "--force replaces it; --no-jsconfig writes only the declarations" in output
    assert (project / "jsconfig.json").read_text() == own
    assert not (project / ".jsrt").exists()


def test_no_jsconfig_writes_only_the_declarations(project: Path) -> None:
    own = '{"compilerOptions": {"checkJs": false}}\n'
    (project / "jsconfig.json").write_text(own)

    code, output = _types("--no-jsconfig")

    assert code == 0, output
    assert "jsconfig.json" not in output
    assert (project / "jsconfig.json").read_text() == own
    assert (project / ".jsrt/types/globals.d.ts").is_file()


def test_force_replaces_a_users_jsconfig(project: Path) -> None:
    (project / "jsconfig.json").write_text("{}\n")

    code, output = _types("--force")

    assert code == 0, output
    assert "wrote     jsconfig.json" in output
    assert json.loads((project / "jsconfig.json").read_text())["compilerOptions"]["checkJs"]


def test_declarations_come_from_the_cache_offline(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(modules.REGISTRY_ENV, "http://127.0.0.1:9")  # refused at once

    code, output = _types()

    assert code == 0, output


def test_without_the_cache_or_a_registry_it_says_how_to_get_them(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(modules.CACHE_DIR_ENV, str(tmp_path / "empty-cache"))
    monkeypatch.setenv(modules.REGISTRY_ENV, "http://127.0.0.1:9")

    code, output = _types()

    assert code == 2
    assert "error: cannot get dayjs@1.11.23: could not download" in output
    assert "Traceback" not in output
    assert not (project / ".jsrt").exists()


def test_a_cached_declaration_that_was_changed_is_fetched_again(
    project: Path, declarations_cache: Path
) -> None:
    cached = declarations_cache / "types" / "@types" / "sjcl@1.0.34" / "index.d.ts"
    cached.write_text("declare const tampered: 1;\n")

    _types()

    assert "declare namespace sjcl {" in cached.read_text()
    assert "tampered" not in (project / ".jsrt/types/sjcl/index.d.ts").read_text()


def test_declarations_come_from_a_local_node_modules_folder(
    project: Path, tmp_path: Path, declarations_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    node_modules = tmp_path / "node_modules"
    for package, version in (("dayjs", "1.11.23"), ("@types/sjcl", "1.0.34")):
        shutil.copytree(
            declarations_cache / "types" / f"{package}@{version}", node_modules / package
        )
        (node_modules / package / "index.d.ts").write_text(f"// local {package}\n")
        (node_modules / package / "package.json").write_text(json.dumps({"version": version}))
    monkeypatch.setenv(modules.MODULES_DIR_ENV, str(node_modules))
    monkeypatch.setenv(modules.REGISTRY_ENV, "http://127.0.0.1:9")

    code, output = _types()

    assert code == 0, output
    assert (project / ".jsrt/types/sjcl/index.d.ts").read_text() == "// local @types/sjcl\n"


def test_a_local_node_modules_folder_without_the_package_is_named(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(modules.MODULES_DIR_ENV, str(tmp_path / "node_modules"))

    code, output = _types()

    assert code == 2
    assert "cannot use dayjs/package.json" in output
    assert "npm install dayjs@1.11.23" in output


def test_modules_fetch_also_caches_the_declarations_for_offline_use(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched = CliRunner().invoke(main, ["modules", "fetch"])
    assert fetched.exit_code == 0, fetched.output
    assert "dayjs types: dayjs" in fetched.output
    assert "sjcl types: @types/sjcl" in fetched.output
    monkeypatch.setenv(modules.REGISTRY_ENV, "http://127.0.0.1:9")  # refused at once

    code, output = _types()

    assert code == 0, output
