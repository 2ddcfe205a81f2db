"""Worlds for the flow runner's focused tests: a world file written from a dict, its hooks
in a `.js` file beside it (the script document's `contentFile`)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flow_worlds import SCRIPT

from jsrt.runner import Runtime


@pytest.fixture
def flow_runtime(tmp_path: Path) -> Callable[..., Runtime]:
    """`flow_runtime(world, js)`: a Runtime over the world file written from `world`
    (its `scripts` gets the document whose code is `js`)."""

    def build(world: dict[str, Any], js: str = "", **runtime: Any) -> Runtime:
        code = tmp_path / "hooks.js"
        code.write_text(textwrap.dedent(js).lstrip("\n"), encoding="utf-8")
        script = {"_id": SCRIPT, "name": "Hooks", "contentFile": "hooks.js"}
        document: dict[str, Any] = {"scripts": [script]}
        document.update(world)
        path = tmp_path / "world.json"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        return Runtime(path, **runtime)

    return build
