"""The commands a user types, through click's CliRunner (and one real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import DEFAULT_LECTURE, MINIMAL, REPO


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["demos"], ["init"], ["schema"]])
def test_every_command_has_help_with_examples(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_default_and_minimal_lectures_validate():
    for path in (DEFAULT_LECTURE, MINIMAL):
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"{path}: OK (")


def test_demos_lists_kinds_params_and_figures():
    result = CliRunner().invoke(main, ["demos"])
    assert result.exit_code == 0
    assert "activations:" in result.output
    assert "    points (int, default 601): Number of evenly spaced inputs." in result.output
    assert "    chain_bound:" in result.output
    described = json.loads(CliRunner().invoke(main, ["demos", "--json"]).output)
    assert described["activations"]["params"]["functions"]["default"] == ["sigmoid", "tanh", "relu"]


def test_schema_is_json_schema_of_the_content_format(tmp_path):
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) == {"lecture", "sections"}
    assert schema["additionalProperties"] is False
    out = tmp_path / "schema.json"
    CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert json.loads(out.read_text()) == schema


def test_init_copies_the_default_lecture_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "mine"
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0
    copied = target / "deep_learning.yaml"
    assert copied.read_text() == DEFAULT_LECTURE.read_text()
    assert CliRunner().invoke(main, ["validate", str(copied)]).exit_code == 0
    again = CliRunner().invoke(main, ["init", str(target)])
    assert again.exit_code == 2
    assert "already exists; use --force" in again.stderr
    assert CliRunner().invoke(main, ["init", str(target), "--force"]).exit_code == 0


def test_python_dash_m_and_version():
    done = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0
    assert done.stdout.startswith("lecturegen, version ")


def test_unknown_command_is_usage_error():
    result = CliRunner().invoke(main, ["bild"])
    assert result.exit_code == 2
    assert "No such command 'bild'" in result.stderr
