"""The commands a user types, through click's CliRunner (and one real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    assert "activations (built-in):" in result.output
    assert "    points (int, default 601): Number of evenly spaced inputs." in result.output
    assert "    chain_bound:" in result.output
    # A fixed-length parameter reads as the list it is written as, not "list of any, default (16, 32)".
    assert "    channels ([int, int], default [16, 32]): Filters in the first" in result.output
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


def test_init_into_a_file_says_so_without_a_traceback(tmp_path):
    occupied = tmp_path / "notes.txt"
    occupied.write_text("mine\n")
    result = CliRunner().invoke(main, ["init", str(occupied)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {occupied} is a file, not a folder; name a new or existing folder\n"
    assert occupied.read_text() == "mine\n"
    below = CliRunner().invoke(main, ["init", str(occupied / "lecture")])
    assert below.exit_code == 2
    assert below.stderr == f"error: cannot write {occupied / 'lecture' / 'deep_learning.yaml'}: Not a directory\n"


@pytest.mark.parametrize("where", ["missing/schema.json", "."])
def test_schema_to_an_unwritable_place_names_it(tmp_path, where):
    target = tmp_path / where
    result = CliRunner().invoke(main, ["schema", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {target}: ")
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("below", ["", "sub"])
def test_build_into_a_file_is_refused_before_anything_runs(tmp_path, below):
    occupied = tmp_path / "out"
    occupied.write_text("mine\n")
    target = occupied / below if below else occupied
    result = CliRunner().invoke(main, ["build", str(MINIMAL), "-o", str(target), "--format", "html"])
    assert result.exit_code == 2
    assert result.stderr == f"error: {occupied} is a file, not a folder; choose another -o folder\n"
    assert occupied.read_text() == "mine\n"


def tiny_lecture(tmp_path) -> Path:
    """A lecture without demos or figures, in a folder of its own."""
    content = tmp_path / "lecture" / "tiny.yaml"
    content.parent.mkdir()
    content.write_text(
        "lecture:\n  title: Tiny\nsections:\n  - title: S\n    slides:\n      - title: A\n        bullets: [a]\n"
    )
    return content


def test_validate_counts_in_plain_english(tmp_path):
    content = tiny_lecture(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(content)])
    assert result.output == f"{content}: OK (1 section, 1 content slide, 0 demos)\n"


def test_build_counts_what_it_wrote_in_plain_english(tmp_path):
    content = tiny_lecture(tmp_path)
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(tmp_path / "out"), "--format", "html"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith(f"wrote 1 file to {tmp_path / 'out' / 'tiny'}/\n")


def test_command_list_says_what_each_command_does_without_cutting_it_short():
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    commands = result.output.split("Commands:\n", 1)[1].splitlines()
    assert len(commands) == 6
    assert not [line for line in commands if line.endswith("...")]


def test_format_names_are_read_whatever_their_case(tmp_path):
    content = tiny_lecture(tmp_path)
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(tmp_path / "out"), "--format", "HTML, Report"])
    assert result.exit_code == 0, result.stderr
    written = sorted(path.name for path in (tmp_path / "out" / "tiny").iterdir())
    assert written == ["manifest.json", "report.html", "slides.html"]


def test_a_repeated_format_option_adds_outputs(tmp_path):
    # Click keeps only the last value of a plain option: `--format html --format report` gave the report alone.
    content = tiny_lecture(tmp_path)
    args = ["build", str(content), "-o", str(tmp_path / "out"), "--format", "html", "--format", "report,pptx"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    written = sorted(path.name for path in (tmp_path / "out" / "tiny").iterdir())
    assert written == ["manifest.json", "report.html", "slides.html", "slides.pptx"]


def test_build_is_refused_where_the_lecture_folder_would_be_the_content_folder(tmp_path):
    # The lecture, titled "Tiny", goes into OUTPUT/tiny/: with -o the folder above, that is the content's folder.
    folder = tiny_lecture(tmp_path).parent.rename(tmp_path / "tiny")
    before = sorted(path.name for path in folder.iterdir())
    result = CliRunner().invoke(main, ["build", str(folder / "tiny.yaml"), "-o", str(tmp_path), "--format", "html"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"error: refusing to write the lecture into the content file's own folder ({folder}); choose another -o folder\n"
    )
    assert sorted(path.name for path in folder.iterdir()) == before
