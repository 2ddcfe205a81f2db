"""`jsrt new TYPE [PATH]`: a new script from the type's stub and a case file that passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from jsrt.cli import main
from jsrt.hooks import CONTRACTS, contract_for

README = Path(__file__).resolve().parents[1] / "README.md"


def jsrt(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("script_type", sorted(CONTRACTS))
def test_new_writes_the_stub_and_a_case_that_passes(script_type: str) -> None:
    made = jsrt("new", script_type)
    assert made.exit_code == 0, made.output
    script, case_file = Path(f"{script_type}.js"), Path(f"{script_type}.case.yaml")
    assert script.read_text(encoding="utf-8") == contract_for(script_type).stub
    assert made.output.splitlines() == [
        f"wrote {script}  ({script_type} stub)",
        f"wrote {case_file}  (1 case: the stub on sample input)",
        f"next: edit {script}, then run  jsrt test {case_file}",
    ]
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    assert case["script"] == f"{script_type}.js"
    assert case["function"] == script_type
    assert "result" in case["cases"][0]["expect"]
    tested = jsrt("test", str(case_file))
    assert tested.exit_code == 0, tested.output
    assert tested.output.splitlines()[-1] == "1 passed, 0 failed"


def readme_block(marker: str) -> str:
    """The fenced block right after `<!-- marker -->` in the README's tutorial."""
    text = README.read_text(encoding="utf-8")
    assert text.count(f"<!-- {marker} -->") == 1, f"README.md must hold <!-- {marker} --> once"
    after = text.split(f"<!-- {marker} -->", 1)[1]
    return after.split("```", 2)[1].split("\n", 1)[1]


def test_the_readme_tutorial_goes_from_new_to_a_passing_test() -> None:
    assert jsrt("new", "preMap").exit_code == 0
    Path("preMap.js").write_text(readme_block("tutorial-script"), encoding="utf-8")

    command = readme_block("tutorial-run")
    assert command.rstrip().endswith("| jsrt run preMap.js --options -")
    ran = CliRunner().invoke(
        main, ["run", "preMap.js", "--options", "-"], input=command.split("'")[1]
    )
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout) == [
        {
            "data": {
                "id": "SO-1",
                "customer": {"email": " AP@Acme.example"},
                "email": "ap@acme.example",
            }
        },
        {
            "errors": [
                {"code": "NO_EMAIL", "message": "order SO-2 has no e-mail", "source": "preMap"}
            ]
        },
    ]

    stale = jsrt("test", "preMap.case.yaml")
    assert stale.exit_code == 1
    assert 'at $[0].data: unexpected key "email"' in stale.output
    assert '+      "email": "ap@acme.example",' in stale.output

    case_file = Path("preMap.case.yaml")
    text = case_file.read_text(encoding="utf-8")
    case_file.write_text(
        text[: text.index("\ncases:") + 1] + readme_block("tutorial-cases"), encoding="utf-8"
    )
    tested = jsrt("test", "preMap.case.yaml")
    assert tested.exit_code == 0, tested.output
    assert tested.output.splitlines()[-1] == "1 passed, 0 failed"


def test_new_refuses_to_overwrite_and_keeps_the_files(in_tmp: Path) -> None:
    assert jsrt("new", "filter").exit_code == 0
    Path("filter.js").write_text("function filter (options) { return false }\n", encoding="utf-8")
    again = jsrt("new", "filter")
    assert again.exit_code == 2
    assert "error: filter.js and filter.case.yaml already exist; nothing was written" in (
        again.output
    )
    assert "--force" in again.output
    assert Path("filter.js").read_text(encoding="utf-8") == (
        "function filter (options) { return false }\n"
    )


def test_new_refuses_when_only_the_case_file_exists() -> None:
    Path("orders.case.yaml").write_text("# mine\n", encoding="utf-8")
    refused = jsrt("new", "preSavePage", "orders.js")
    assert refused.exit_code == 2
    assert "orders.case.yaml already exists; nothing was written" in refused.output
    assert not Path("orders.js").exists()
    assert Path("orders.case.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_force_overwrites_both_files() -> None:
    assert jsrt("new", "transform").exit_code == 0
    Path("transform.js").write_text("// edited\n", encoding="utf-8")
    Path("transform.case.yaml").write_text("# edited\n", encoding="utf-8")
    forced = jsrt("new", "transform", "--force")
    assert forced.exit_code == 0, forced.output
    assert Path("transform.js").read_text(encoding="utf-8") == contract_for("transform").stub
    assert jsrt("test", "transform.case.yaml").exit_code == 0


def test_path_names_the_script_and_its_case_file_and_makes_folders() -> None:
    made = jsrt("new", "postSubmit", "hooks/orders/rememberIds.js")
    assert made.exit_code == 0, made.output
    script = Path("hooks/orders/rememberIds.js")
    case_file = Path("hooks/orders/rememberIds.case.yaml")
    assert script.is_file() and case_file.is_file()
    assert yaml.safe_load(case_file.read_text(encoding="utf-8"))["script"] == "rememberIds.js"
    assert f"next: edit {script}, then run  jsrt test {case_file}" in made.output
    assert jsrt("test", "hooks").exit_code == 0


def test_a_folder_path_gets_the_type_name_and_router_means_branching() -> None:
    Path("routers").mkdir()
    made = jsrt("new", "router", "routers")
    assert made.exit_code == 0, made.output
    assert Path("routers/branching.js").read_text(encoding="utf-8") == (
        contract_for("branching").stub
    )
    assert Path("routers/branching.case.yaml").is_file()


def test_a_path_that_is_not_a_js_file_is_refused() -> None:
    refused = jsrt("new", "preMap", "hooks/preMap.ts")
    assert refused.exit_code == 2
    assert "hooks/preMap.ts: a script's file name must end in .js" in refused.output
    assert "hooks/preMap.js" in refused.output
    assert not Path("hooks").exists()


def test_an_unknown_type_is_refused_with_the_valid_ones() -> None:
    refused = jsrt("new", "preMapp")
    assert refused.exit_code == 2
    assert "unknown script type 'preMapp'" in refused.output
    assert "did you mean preMap?" in refused.output
    assert list(Path().iterdir()) == []
