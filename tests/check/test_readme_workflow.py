"""README's "Checking hooks in CI" workflow runs as written: each `jsrt check` step
passes on the repository's sample hooks, and its outputs are what the later steps read."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from jsrt.cli import main

ROOT = Path(__file__).parent.parent.parent
MARKER = "<!-- check-workflow -->"


def _workflow() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8").split(MARKER, 1)[1]
    block = re.match(r"\s*```yaml\n(.*?)\n```", text, re.DOTALL)
    assert block, f"README.md: no yaml block right after {MARKER}"
    return yaml.safe_load(block.group(1))


def _check_steps() -> list[str]:
    steps = _workflow()["jobs"]["check"]["steps"]
    return [step["run"] for step in steps if str(step.get("run", "")).startswith("jsrt check")]


def test_the_workflow_checks_with_github_annotations_and_uploads_sarif() -> None:
    steps = _workflow()["jobs"]["check"]["steps"]
    commands = _check_steps()
    assert any("--format github" in command for command in commands)
    uploads = [
        s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")
    ]
    assert uploads and any("--output " + uploads[0]["with"]["sarif_file"] in c for c in commands)


@pytest.mark.parametrize("command", _check_steps())
def test_each_check_step_passes_on_the_sample_hooks(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = shlex.split(command)[2:]
    args = [str(ROOT / a) if a == "sample_hooks" else a for a in args]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", *args])
    assert result.exit_code == 0, result.output
    if "--output" in args:
        written = tmp_path / args[args.index("--output") + 1]
        assert json.loads(written.read_text(encoding="utf-8"))["runs"][0]["results"] == []
