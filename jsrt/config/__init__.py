"""The project config: `jsrt.toml`, or `[tool.jsrt]` in `pyproject.toml`, found by walking
up from the current folder, read into the defaults every command starts from.

It names what a project's commands would otherwise repeat on every command line: the
world (a world file or an integration download), the scripts whose hook type or entry
function their names do not say, the backend, named environments (`[env.NAME]`, chosen
with `--env NAME`), the limits of each run, the `jsrt check` rules turned off, and the
coverage threshold. The precedence is one rule: the file's top level, under the chosen
environment's section, under the command line's flags. The backend fields combine as
`BackendChoice.under` combines a case file's with the command line's: a target (backend,
URL, region, token variable, cassette to replay) given closer replaces the farther one's.

A config that cannot be used is refused whole, naming the file, line and column, the key
and what is wrong; the schema is pydantic, worded through `jsrt.document_schema` like the
other documents users write. TOML gives no positions, so `toml_positions` finds where each
key is written (table headers and `key =` lines; keys inside an inline table or a
multi-line array point at the key that holds them).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from jsrt.files import nearest_up

if TYPE_CHECKING:
    from jsrt.config.schema import ProjectConfig

CONFIG_FILE = "jsrt.toml"
PYPROJECT_FILE = "pyproject.toml"


def find_config(start: Path | None = None) -> Path | None:
    """The config that applies in `start` (default the current folder): the nearest
    `jsrt.toml`, or `pyproject.toml` with a `[tool.jsrt]` table, walking up."""

    def config_in(folder: Path) -> Path | None:
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT_FILE
        return pyproject if pyproject.is_file() and _has_jsrt_table(pyproject) else None

    return nearest_up(start, config_in)


_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*jsrt\s*[\].]", re.MULTILINE)


def _has_jsrt_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml has `[tool.jsrt]` (a cheap look before it is parsed)."""
    try:
        return bool(_TOOL_TABLE.search(pyproject.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def load_config(start: Path | None = None) -> ProjectConfig | None:
    """The project config that applies in `start` (see `find_config`), read and checked;
    None when there is none."""
    found = find_config(start)
    return None if found is None else read_config(found)


def read_config(path: Path) -> ProjectConfig:
    """Read and check one config file (a `jsrt.toml`, or a pyproject.toml's
    `[tool.jsrt]`); anything wrong is an `InputError` naming file, line, column and key.
    The schema (pydantic) loads here, so a project without a config never pays for it."""
    from jsrt.config.schema import read_config_file

    return read_config_file(path)
