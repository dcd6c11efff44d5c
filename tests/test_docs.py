"""The README documents every command, and every command's help reads like docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from builder.cli import app

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_every_stage_command_exists() -> None:
    expected = {"build", "extract", "validate", "evaluate", "release", "diff", "verify", "publish", "card"}
    assert expected <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_documents_command(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"`builder {command}\b", readme), f"README.md does not document `builder {command}`"


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_has_summary_and_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: builder " + command in " ".join(result.output.split())


def test_readme_quick_start_is_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.strip().splitlines()]
    assert commands == ["pip install -e . && builder build", "pip install -e '.[test]' && pytest"]


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install" in script and "-e '.[test]'" in script
    assert re.search(r"^python -m pytest", script, re.MULTILINE)
