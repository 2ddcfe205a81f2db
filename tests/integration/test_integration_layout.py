"""The editable layout (`jsrt.integration.layout`): a world file and the scripts' code as
files, written and read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jsrt.backends.local import load_world
from jsrt.errors import InputError
from jsrt.integration.layout import (
    WORLD_FILE,
    file_stem,
    read_layout,
    script_file,
    write_layout,
)

SCRIPT_ID = "65784c4d4778cd4f3a89b32f"


def _world() -> dict[str, Any]:
    """A world shaped as integrator.io's documents are (keys in integrator.io's order)."""
    return {
        "scripts": [
            {
                "_id": SCRIPT_ID,
                "lastModified": "2023-12-12T10:11:12.000Z",
                "name": "pdf doc add",
                "content": "function postResponseMap(options) {\n"
                "  return options.postResponseMapData\n}\n",
                "sandbox": False,
            },
            {"_id": "6576302bdf8b184f3121cc3f", "name": "trs", "sandbox": False},
        ],
        "integrations": [{"_id": "654e6568a34a1e27b19aa591", "name": "EverBright ⛔ API"}],
        "exports": [
            {
                "_id": "6575beaa38791f4f52925c69",
                "name": "Site",
                "hooks": {"preSavePage": {"_scriptId": SCRIPT_ID, "function": "preSavePage"}},
            }
        ],
    }


def test_a_script_file_is_named_as_a_download_names_it() -> None:
    # DL: `flows/-Project-Interface-Creation-v3-0-1-656f….json` for the flow named
    # "⛔Project Interface Creation - v3.0.1", `exports/Get-Projects--656f….json` for
    # "Get Projects ".
    assert file_stem({"name": "⛔Project Interface Creation - v3.0.1", "_id": "656f"}) == (
        "-Project-Interface-Creation-v3-0-1-656f"
    )
    assert file_stem({"name": "Get Projects ", "_id": "656f"}) == "Get-Projects--656f"
    assert script_file({"name": "pdf doc add", "_id": SCRIPT_ID}) == (
        f"scripts/pdf-doc-add-{SCRIPT_ID}.js"
    )
    # Underscores are kept (QA templates: `scripts/presave_page-65fa….js`).
    assert file_stem({"name": "presave_page", "_id": "65fa"}) == "presave_page-65fa"
    assert file_stem({"name": "../../etc", "_id": "../x"}) == "-etc--x"


def test_a_written_layout_reads_back_as_the_documents_written(tmp_path: Path) -> None:
    world = _world()
    written = write_layout(world, tmp_path)

    code_file = tmp_path / "scripts" / f"pdf-doc-add-{SCRIPT_ID}.js"
    assert written == [tmp_path / WORLD_FILE, code_file]
    assert code_file.read_text(encoding="utf-8") == world["scripts"][0]["content"]
    on_disk = json.loads((tmp_path / WORLD_FILE).read_text(encoding="utf-8"))
    # Collections in the layout's order; the script names its file where `content` was.
    assert list(on_disk) == ["integrations", "exports", "scripts"]
    assert list(on_disk["scripts"][0]) == ["_id", "lastModified", "name", "contentFile", "sandbox"]
    assert on_disk["scripts"][0]["contentFile"] == f"scripts/pdf-doc-add-{SCRIPT_ID}.js"
    assert on_disk["scripts"][1] == world["scripts"][1]  # no code: kept as it was
    assert on_disk["integrations"][0]["name"] == "EverBright ⛔ API"

    back = read_layout(tmp_path)
    assert back == world
    assert list(back["scripts"][0]) == list(world["scripts"][0])


def test_an_edited_script_file_is_what_reading_the_layout_gives(tmp_path: Path) -> None:
    write_layout(_world(), tmp_path)
    edited = "function postResponseMap(options) { return [] }\n"
    (tmp_path / "scripts" / f"pdf-doc-add-{SCRIPT_ID}.js").write_text(edited, encoding="utf-8")
    assert read_layout(tmp_path)["scripts"][0]["content"] == edited


def test_the_world_file_of_a_layout_loads_as_a_world(tmp_path: Path) -> None:
    write_layout(_world(), tmp_path)
    world = load_world(tmp_path / WORLD_FILE)
    assert world.get("scripts", SCRIPT_ID)["contentFile"] == f"scripts/pdf-doc-add-{SCRIPT_ID}.js"
    assert world.get("exports", "6575beaa38791f4f52925c69")["name"] == "Site"


def test_two_scripts_of_one_name_and_no_id_get_two_files(tmp_path: Path) -> None:
    world = {"scripts": [{"name": "a", "content": "1"}, {"name": "a", "content": "2"}]}
    write_layout(world, tmp_path)
    assert (tmp_path / "scripts" / "a.js").read_text() == "1"
    assert (tmp_path / "scripts" / "a-2.js").read_text() == "2"
    assert read_layout(tmp_path) == world


def test_a_missing_script_file_is_named(tmp_path: Path) -> None:
    write_layout(_world(), tmp_path)
    (tmp_path / "scripts" / f"pdf-doc-add-{SCRIPT_ID}.js").unlink()
    with pytest.raises(InputError, match=f"pdf-doc-add-{SCRIPT_ID}.js: no such script file"):
        read_layout(tmp_path)


def test_a_content_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / WORLD_FILE).write_text(
        json.dumps({"scripts": [{"_id": "s1", "name": "x", "contentFile": "../secret.js"}]})
    )
    with pytest.raises(InputError, match=r"'\.\./secret\.js' is outside the folder"):
        read_layout(tmp_path)


def test_bad_json_in_the_world_file_names_its_line_and_column(tmp_path: Path) -> None:
    (tmp_path / WORLD_FILE).write_text('{\n  "flows": [,]\n}\n')
    with pytest.raises(InputError) as caught:
        read_layout(tmp_path)
    assert caught.value.details["line"] == 2
    assert caught.value.details["column"] == 13
    assert str(tmp_path / WORLD_FILE) in str(caught.value)
