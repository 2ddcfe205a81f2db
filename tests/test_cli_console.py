"""The `jsrt` entry point forks its engine worker before click loads, and keeps it for
the commands the CLI marks as running hooks."""

from __future__ import annotations

import inspect

import click
import pytest

from jsrt import cli


@pytest.mark.parametrize(
    ("args", "runs"),
    [
        (["run", "hook.js"], True),
        (["test"], True),
        (["new", "preMap"], True),
        (["import", "download.zip"], True),
        (["pull", "654e6568a34a1e27b19aa591"], True),
        (["push"], False),
        (["sample", "preMap"], False),
        (["serve"], False),
        (["modules", "fetch"], False),
        (["no-such-command"], False),
        ([], False),
    ],
)
def test_the_cli_says_which_commands_run_hooks(args: list[str], runs: bool) -> None:
    assert cli.runs_hooks(args) is runs


def test_every_command_that_builds_a_runtime_is_marked() -> None:
    for name, command in cli.main.commands.items():
        if isinstance(command, click.Group):
            continue
        source = inspect.getsource(command.callback)
        # scaffold_cases runs each hook of an imported integration in a Runtime.
        builds = any(call in source for call in ("Runtime(", "run_case(", "scaffold_cases("))
        assert isinstance(command, cli.RunsHooks) is builds, name
