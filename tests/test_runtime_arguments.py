"""The Python API refuses wrong-typed arguments and numbers JSON cannot hold with a
UsageError that says what was expected and what was given, never a bare TypeError or a
silent change of the user's data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jsrt.cli import main
from jsrt.errors import UsageError
from jsrt.runner import Runtime

HOOK = "function preSavePage(options) { return {data: options.data, errors: [], abort: false}; }\n"


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "hook.js"
    path.write_text(HOOK)
    return path


EXPECTED = {
    "world": "a World, a path to a world file or an integration download, or None",
    "state_dir": "a folder path, or None",
    "executor": "a Supervisor, an InlineExecutor, or None",
    "record": "a path to a cassette file, a Cassette, or None",
    "replay": "a path to a cassette file, a Cassette, or None",
    "secret_fields": "a tuple of field names",
    "cassette_scope": "a string, or None",
    "policy_from_world": "True, False or None",
    "timeout_s": "a number of seconds from 0.001 to 3600",
    "memory_mb": "a whole number of MiB from 16 to 2048",
    "function": "a function name, or None",
    "options": 'the options object, a dict such as {"data": [...]}, or None',
    "hook": "a script type such as 'preSavePage', or None",
    "source": "the script's text, or None",
}
"""What each argument must be, as the UsageError says it."""


@pytest.mark.parametrize(
    ("name", "value", "given"),
    [
        ("world", 123, "the number 123"),
        ("state_dir", 5, "the number 5"),
        ("executor", "x", 'the string "x"'),
        ("record", 5, "the number 5"),
        ("replay", ["c.yaml"], "an array of 1 element"),
        ("secret_fields", "apiKey", 'the string "apiKey"'),
        ("secret_fields", 5, "the number 5"),
        ("cassette_scope", 5, "the number 5"),
        ("policy_from_world", "yes", 'the string "yes"'),
        ("timeout_s", "5", 'the string "5"'),
        ("memory_mb", True, "the boolean true"),
    ],
)
def test_runtime_refuses_wrong_typed_arguments(name: str, value: Any, given: str) -> None:
    arguments = {name: value, **({"record": "c.yaml"} if name == "secret_fields" else {})}
    with pytest.raises(UsageError) as refused:
        Runtime(**arguments)
    assert refused.value.message == f"{name} must be {EXPECTED[name]}, got {given}"


@pytest.mark.parametrize(
    ("name", "value", "given"),
    [
        ("function", 5, "the number 5"),
        ("options", [1], "an array of 1 element"),
        ("options", "abc", 'the string "abc"'),
        ("hook", 5, "the number 5"),
        ("source", b"x", "a bytes"),
        ("timeout_s", "5", 'the string "5"'),
        ("memory_mb", "64", 'the string "64"'),
    ],
)
def test_run_hook_refuses_wrong_typed_arguments(
    script: Path, name: str, value: Any, given: str
) -> None:
    with pytest.raises(UsageError) as refused:
        Runtime().run_hook(script, **{name: value})
    assert refused.value.message == f"{name} must be {EXPECTED[name]}, got {given}"


def test_a_wrong_typed_world_file_is_refused_before_the_state_dir_is_made(
    tmp_path: Path,
) -> None:
    state_dir = tmp_path / "state"
    with pytest.raises(UsageError) as refused:
        Runtime(state_dir=state_dir, world_file=5)  # type: ignore[arg-type]
    assert refused.value.message == "world_file must be a path, or None, got the number 5"
    assert not state_dir.exists()


def test_an_empty_state_dir_is_refused_not_taken_as_the_current_folder() -> None:
    result = CliRunner().invoke(main, ["run", "hook.js", "--state-dir", "", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["message"].startswith("state_dir is empty")


def test_run_hook_refuses_a_script_that_is_not_a_path() -> None:
    with pytest.raises(UsageError) as refused:
        Runtime().run_hook(123)  # type: ignore[arg-type]
    assert refused.value.message == (
        "script must be a path to a .js file, or a PreparedScript, got the number 123"
    )


@pytest.mark.parametrize(
    ("options", "place", "number"),
    [
        ({"data": [{"id": 1, "total": float("nan")}]}, "$.data[0].total", "NaN"),
        (
            {"data": [{"id": None, "x": {"a b": [1, float("inf")]}}]},
            '$.data[0].x["a b"][1]',
            "Infinity",
        ),
        ({"data": [], "settings": {"rate": float("-inf")}}, "$.settings.rate", "-Infinity"),
    ],
)
def test_nan_and_infinity_in_options_are_refused_at_their_path(
    script: Path, options: dict[str, Any], place: str, number: str
) -> None:
    with pytest.raises(UsageError) as refused:
        Runtime().run_hook(script, options=options)
    assert refused.value.message.startswith(f"the options hold the number {number} at {place};")
    assert refused.value.details["path"] == place


def test_nan_in_an_options_file_is_refused_by_jsrt_run(script: Path, tmp_path: Path) -> None:
    """Python's JSON reader accepts `NaN`; the hook would have received null."""
    options = tmp_path / "options.json"
    options.write_text('{"data": [{"id": 1, "total": NaN}]}')
    result = CliRunner().invoke(main, ["run", str(script), "--options", str(options), "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "UsageError" and error["path"] == "$.data[0].total"
