"""Reading case files: the format, its defaults, and errors that point into the file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from jsrt.cases import discover, is_case_file, load_case_file
from jsrt.errors import InputError
from jsrt.expect import ABSENT


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "hook.js").write_text("function preSavePage(options) { return options }\n")
    (tmp_path / "world.yaml").write_text("exports: []\n")
    return tmp_path


def write(folder: Path, text: str, name: str = "orders.case.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_case_file(path)
    return caught.value


def test_a_file_with_cases_applies_its_defaults_to_each_case(folder: Path) -> None:
    path = write(
        folder,
        """
        script: hook.js
        function: preSavePage
        world: world.yaml
        timeout: 5
        options: {_flowId: f1, settings: {a: 1}}
        cases:
          - name: first
            data: [{id: 1}]
            expect:
              result_subset: {data: [{id: 1}]}
              logs: [{contains: kept}]
          - name: second
            options: {_flowId: f2}
            record: {id: 2}
            timeout: 2
            memory: 64
            expect:
              error: {name: TypeError}
        """,
    )
    first, second = load_case_file(path).cases
    assert first.name == "first"
    assert first.id == f"{path}::first"
    assert first.line == 7
    assert first.script == folder / "hook.js"
    assert first.world == folder / "world.yaml"
    assert first.function == "preSavePage"
    assert first.timeout_s == 5.0
    assert first.memory_mb is None
    assert first.options == {"_flowId": "f1", "settings": {"a": 1}, "data": [{"id": 1}]}
    assert first.expect.result_subset == {"data": [{"id": 1}]}
    assert first.expect.result is ABSENT
    assert first.expect.logs == [{"contains": "kept"}]
    assert second.options == {"_flowId": "f2", "settings": {"a": 1}, "record": {"id": 2}}
    assert (second.timeout_s, second.memory_mb) == (2.0, 64)
    assert second.expect.error == {"name": "TypeError"}


def test_a_file_without_cases_is_one_case_named_after_the_file(folder: Path) -> None:
    path = write(
        folder,
        """
        {"script": "hook.js", "data": [], "expect": {"result": {"data": []}, "calls_count": 0}}
        """,
        name="empty-page.case.json",
    )
    (case,) = load_case_file(path).cases
    assert case.name == "empty-page"
    assert case.expect.result == {"data": []}
    assert case.expect.calls_count == 0
    assert case.world is None


def test_a_null_result_is_an_expectation_not_an_absence(folder: Path) -> None:
    path = write(folder, "script: hook.js\nexpect: {result: null}\n")
    assert load_case_file(path).cases[0].expect.result is None


@pytest.mark.parametrize(
    ("text", "where", "message", "hint"),
    [
        (
            "script: hook.js\ncases:\n  - name: a\n    expect:\n      reslt: 1\n",
            (5, 7),
            "unknown key 'reslt' in expect (at $.cases[0].expect.reslt)",
            "did you mean 'result'? allowed keys: ok, error, result,",
        ),
        (
            "script: hook.js\ncases:\n  - name: a\n    datta: []\n",
            (4, 5),
            "unknown key 'datta' in a case",
            "did you mean 'data'?",
        ),
        (
            "scrpt: hook.js\nexpect: {}\n",
            (1, 1),
            "unknown key 'scrpt' in a case file",
            "did you mean 'script'?",
        ),
        ("cases:\n  - name: a\n", (2, 5), "no script given", "add `script:"),
        (
            "script: hook.js\nhook: preSavePag\n",
            (2, 1),
            "unknown script type 'preSavePag'",
            "did you mean preSavePage?",
        ),
        (
            "script: missing.js\ncases:\n  - name: a\n",
            (1, 1),
            "script 'missing.js' not found",
            "relative to the case file",
        ),
        (
            "script: hook.js\ntimeout: soon\n",
            (2, 1),
            'timeout must be a number of seconds, got the string "soon"',
            "give timeout as",
        ),
        (
            "script: hook.js\ncases:\n  - name: a\n  - name: a\n",
            (4, 5),
            "two cases are named 'a'",
            "give each case its own name",
        ),
        (
            "script: hook.js\ncases:\n  - {name: a, expect: {calls: [{object: state}]}}\n",
            (3, 32),
            "call expectation without method",
            "{object: state, method: putForResource",
        ),
        (
            "script: hook.js\nexpect:\n  world:\n    state:\n      nope: {a: 1}\n",
            (5, 7),
            "state key 'nope' is not <resourceType>/<_id>",
            'write it as e.g. "exports/',
        ),
        (
            "script: hook.js\nexpect:\n  calls_count: {run: 2}\n",
            (3, 17),
            "'run' is not object.method",
            "per method",
        ),
        (
            "script: hook.js\nexpect: {ok: true, error: {name: TypeError}}\n",
            (2, 10),
            "ok: true contradicts the expected error",
            "remove ok",
        ),
        (
            "script: hook.js\nexpect: {logs: [{}]}\n",
            (2, 17),
            "empty log expectation",
            "contains (a substring)",
        ),
        ("script: hook.js\ncases: []\n", (2, 1), "`cases:` is empty", "add at least one case"),
        (
            "- script: hook.js\n",
            (1, 1),
            "a case file must be a mapping, got a list",
            "allowed keys",
        ),
        ("", (None, None), "the case file is empty", "give at least `script:`"),
        (
            "script: hook.js\nexpect: {}\nexpect: {ok: true}\n",
            (3, 1),
            "key 'expect' appears twice",
            "keep one of them",
        ),
    ],
)
def test_a_bad_case_file_names_file_line_column_and_what_is_allowed(
    folder: Path, text: str, where: tuple, message: str, hint: str
) -> None:
    path = write(folder, text)
    error = load_error(path)
    assert (error.line, error.column) == where
    assert error.file == str(path)
    assert message in error.message
    prefix = f"{path}:{where[0]}:{where[1]}: " if where[0] else f"{path}: "
    assert error.message.startswith(prefix)
    assert hint in error.hint


def test_yaml_syntax_error_has_its_position(folder: Path) -> None:
    path = write(folder, "script: hook.js\ncases:\n  - name: [unclosed\n")
    error = load_error(path)
    assert error.line is not None and error.line >= 3
    assert "invalid YAML in case file" in error.message


def test_json_syntax_error_has_line_column_and_offset(folder: Path) -> None:
    path = write(folder, '{"script": "hook.js",\n "cases": [}\n', name="x.case.json")
    error = load_error(path)
    assert (error.line, error.column) == (2, 12)
    assert error.position == 33
    assert "invalid JSON in case file" in error.message


def test_a_json_case_file_error_is_positioned_too(folder: Path) -> None:
    path = write(folder, '{\n  "script": "hook.js",\n  "expect": {"okk": true}\n}\n', "y.case.json")
    error = load_error(path)
    assert (error.line, error.column) == (3, 14)
    assert "unknown key 'okk' in expect" in error.message


def test_discovery_is_recursive_sorted_and_skips_hidden_folders(tmp_path: Path) -> None:
    for name in (
        "b/two.case.yml",
        "a/one.case.yaml",
        "a/three.case.json",
        ".git/x.case.yaml",
        "node_modules/m/y.case.yaml",
        "a/notes.yaml",
        "a/case.yaml",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["a/one.case.yaml", "a/three.case.json", "b/two.case.yml"]
    explicit = tmp_path / "a" / "notes.yaml"
    assert discover([explicit, explicit]) == [explicit]
    assert is_case_file("x.case.yml") and not is_case_file("x.yml")


def test_discovering_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        discover([tmp_path / "nope"])


def test_a_case_may_override_a_key_it_merges_from_an_anchor(folder: Path) -> None:
    path = write(
        folder,
        """
        script: hook.js
        cases:
          - &base
            name: a
            timeout: 3
          - <<: *base
            name: b
            timeout: 5
        """,
    )
    first, second = load_case_file(path).cases
    assert (first.name, first.timeout_s, second.name, second.timeout_s) == ("a", 3.0, "b", 5.0)
    assert second.line == 6
