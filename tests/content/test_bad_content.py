"""Every bad content file fails with exactly its expected message, exit code 2, no traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"
CASES = sorted(path.stem for path in BAD.glob("*.yaml"))


def _expected(case: str) -> str:
    # `{folder}`: the fixtures' folder, absolute, as messages name the folder a missing file was looked for in.
    return (BAD / f"{case}.expected").read_text().replace("{folder}", str(BAD.resolve()))


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_every_problem_exactly(case, monkeypatch):
    monkeypatch.chdir(BAD)
    result = CliRunner().invoke(main, ["validate", f"{case}.yaml"])
    expected = _expected(case)
    assert result.exit_code == 2, result.output
    assert result.stderr == expected
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CASES)
def test_build_of_bad_content_writes_nothing(case, monkeypatch, tmp_path):
    monkeypatch.chdir(BAD)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", f"{case}.yaml", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert not out.exists() or not any(out.rglob("*"))
    # The same problems as `validate`; a build adds that it stopped before writing.
    expected = _expected(case)
    assert result.stderr == expected.removesuffix(" found.\n") + " found; nothing was written.\n"


def test_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "nope.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "nope.yaml: no such file; check the path (`lecturegen init DIR` creates a lecture to start from)"
    )


def test_directory_instead_of_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lecture").mkdir()
    result = CliRunner().invoke(main, ["build", "lecture", "-o", "out"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "lecture: this is a folder; name the lecture's .yaml file inside it"
    assert not (tmp_path / "out").exists()


def test_binary_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blob.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    result = CliRunner().invoke(main, ["validate", "blob.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "blob.yaml: this is a binary file, not a YAML text file"


def test_byte_order_mark_is_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "lecture:\n  title: BOM\nsections:\n  - title: S\n    slides:\n      - title: A\n        bullets: [a]\n"
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = CliRunner().invoke(main, ["validate", "bom.yaml"])
    assert result.exit_code == 0, result.output


def test_alias_bomb_stops_quickly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["validate", "bomb.yaml"])
    assert result.exit_code == 2
    assert "refusing to load: the document expands to more than 200,000 nodes" in result.stderr


def test_deep_nesting_is_an_error_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    result = CliRunner().invoke(main, ["validate", "deep.yaml"])
    assert result.exit_code == 2
    assert "deep.yaml" in result.stderr and "nesting is deeper" in result.stderr


def test_a_huge_file_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "huge.yaml").write_text("lecture:\n  title: " + "x" * 50_000_000 + "\n")
    result = CliRunner().invoke(main, ["validate", "huge.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "huge.yaml: the file is 50.0 MB; a content file may be at most 5 MB (put large data in demos, not in the text)"
    )


def test_a_missing_image_names_the_folder_it_was_looked_for_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lecture.yaml").write_text(
        "lecture: {title: Pictures}\nsections:\n  - title: S\n    slides:\n"
        "      - title: A neuron\n        image: pictures/neuron.png\n        alt: A neuron\n"
    )
    result = CliRunner().invoke(main, ["validate", "lecture.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "lecture.yaml:6:16: sections[0].slides[0].image: image file 'pictures/neuron.png' not found "
        f"(looked in {tmp_path.resolve() / 'pictures'}, a folder that does not exist)"
    )
