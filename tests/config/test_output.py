"""Output conventions: a progress bar for a person at a terminal and none in CI or a
pipe, colour only on a terminal without NO_COLOR, shell completion, `python -m jsrt`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CASE = """script: hook.js
function: preSavePage
cases:
{cases}"""
ONE_CASE = """  - name: case {n}
    data: [{{id: {n}}}]
    expect:
      result: {{data: [{{id: {n}}}]}}
"""


def _cases(folder: Path, count: int = 3) -> None:
    (folder / "hook.js").write_text(
        "function preSavePage(options) { return { data: options.data }; }\n", encoding="utf-8"
    )
    body = "".join(ONE_CASE.format(n=n) for n in range(count))
    (folder / "hook.case.yaml").write_text(CASE.format(cases=body), encoding="utf-8")


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def test_jsrt_test_draws_a_progress_bar_on_a_terminal(
    tmp_path: Path, on_a_terminal: Callable[..., tuple[int, str]]
) -> None:
    _cases(tmp_path)
    code, shown = on_a_terminal("test", ".", cwd=tmp_path, env=_env())
    assert code == 0, shown
    assert "[####################] 3/3 cases" in shown
    assert shown.count("\x1b[32mPASS\x1b[0m ") == 3  # green on a terminal
    code, plain = on_a_terminal("test", ".", cwd=tmp_path, env=_env(NO_COLOR="1"))
    assert code == 0 and "\x1b[" not in plain and plain.count("PASS ") == 3


def test_jsrt_test_in_ci_or_a_pipe_prints_only_its_lines(
    tmp_path: Path, on_a_terminal: Callable[..., tuple[int, str]]
) -> None:
    _cases(tmp_path)
    code, shown = on_a_terminal("test", ".", cwd=tmp_path, env=_env(CI="true"))
    assert code == 0, shown
    assert "/3 cases" not in shown and "\r" not in shown.replace("\r\n", "\n")
    piped = subprocess.run(
        [sys.executable, "-m", "jsrt", "test", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert piped.returncode == 0
    assert "cases" not in piped.stderr and "\r" not in piped.stdout + piped.stderr
    assert piped.stdout.count("PASS ") == 3


BAD = "function preSavePage(options) { setTimeout(() => 1, 1); return options; }\n"


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_check_colours_a_terminal_unless_no_color(
    tmp_path: Path,
    no_color: str | None,
    coloured: bool,
    on_a_terminal: Callable[..., tuple[int, str]],
) -> None:
    (tmp_path / "bad.js").write_text(BAD, encoding="utf-8")
    code, shown = on_a_terminal("check", "bad.js", cwd=tmp_path, env=_env(NO_COLOR=no_color))
    assert code == 1, shown
    assert ("\x1b[" in shown) is coloured


def test_check_draws_its_progress_over_files_on_a_terminal(
    tmp_path: Path, on_a_terminal: Callable[..., tuple[int, str]]
) -> None:
    for n in range(3):
        (tmp_path / f"ok{n}.js").write_text(
            "function preSavePage(options) { return { data: options.data }; }\n",
            encoding="utf-8",
        )
    code, shown = on_a_terminal("check", ".", cwd=tmp_path, env=_env(NO_COLOR="1"))
    assert code == 0, shown
    assert "3/3 files" in shown


def test_python_m_jsrt_is_the_jsrt_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jsrt", "sample", "preMap"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"data"' in done.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "jsrt", "sample", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr


def test_completion_prints_a_script_and_completes_commands(tmp_path: Path) -> None:
    script = subprocess.run(
        [sys.executable, "-m", "jsrt", "completion", "bash"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "_JSRT_COMPLETE=bash_complete" in script
    jsrt = Path(sys.executable).with_name("jsrt")
    if not jsrt.exists():
        pytest.skip("the jsrt console script is not installed beside this Python")
    completed = subprocess.run(
        [str(jsrt)],
        env={
            **os.environ,
            "_JSRT_COMPLETE": "bash_complete",
            "COMP_WORDS": "jsrt ru",
            "COMP_CWORD": "1",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert "run" in completed.stdout.split()[0].split(",")
    options = subprocess.run(
        [str(jsrt)],
        env={
            **os.environ,
            "_JSRT_COMPLETE": "bash_complete",
            "COMP_WORDS": "jsrt test --wa",
            "COMP_CWORD": "2",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert "--watch" in options.stdout
