"""`lecturegen init FOLDER --demo NAME` on a folder that holds a lecture: the kind's file is written and the
lecture gains the lines that use it (a `code:` entry, a demo and a slide), added after what is there so the
user's own lines, comments and layout are kept as written."""

from __future__ import annotations

import difflib
import shutil

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.demos.registry import unregister
from generator.locations import content_dir
from generator.starter import with_demo

# A lecture written by hand in a layout of its own: comments, sequences flush with their keys, a demo with
# deeper indentation than the starter's, a folded note, and a comment after the last line.
OWN_LECTURE = """\
# My lecture, my comments.
lecture:
  title: Optimisers, by hand
demos:   # none yet
sections:
- title: Why steps matter
  notes: >-
    A note folded over
    two lines.
  slides:
  - title: A slide of mine
    bullets: ['my own point']   # keep me
# the end
"""


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


@pytest.fixture
def forget_kinds():
    yield
    for name in ("lr_race", "second_race"):
        unregister(name)


def only_added(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if any line of ``before`` was changed or removed."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "a line of the user's lecture was changed"
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_the_folder_s_lecture_gains_the_demo_and_a_slide_that_builds(tmp_path, fresh_cache, forget_kinds):
    folder = tmp_path / "mine"
    folder.mkdir()
    lecture = folder / "optimisers.yaml"
    lecture.write_text(OWN_LECTURE)

    written = run("init", folder, "--demo", "lr_race")
    assert written.exit_code == 0, written.output
    assert written.output == (f"wrote {folder}/demos/lr_race.py (the demo kind) and added demo 'lr_race' with a "
                              f"slide that shows it to {lecture}; build it with: lecturegen build {lecture}\n")
    assert not (folder / "lr_race.yaml").exists()
    added = only_added(OWN_LECTURE, lecture.read_text())
    assert added[0] == "code: [demos/lr_race.py]"
    assert "- title: Step sizes" in added  # the new section starts at the lecture's own dash column
    assert yaml.safe_load(lecture.read_text())["demos"] == {"lr_race": {"kind": "lr_race"}}

    checked = run("validate", lecture)
    assert checked.exit_code == 0, checked.output
    assert "demos/lr_race.py" in checked.output  # the lecture now brings code, and validate says so
    built = run("build", lecture, "-o", tmp_path / "out", "--format", "html", "--device", "cpu")
    assert built.exit_code == 0, built.output
    page = (tmp_path / "out" / "optimisers-by-hand" / "slides.html").read_text()
    assert "A slide of mine" in page and "Too large a step diverges" in page and "Rate 1.1: diverged" in page

    # A second kind joins the first: its own file, demo and slide, under its own name.
    second = run("init", folder, "--demo", "second_race")
    assert second.exit_code == 0, second.output
    data = yaml.safe_load(lecture.read_text())
    assert data["code"] == ["demos/lr_race.py", "demos/second_race.py"]
    assert list(data["demos"]) == ["lr_race", "second_race"]
    assert run("validate", lecture).exit_code == 0


def test_the_default_lecture_keeps_every_line(tmp_path, fresh_cache, forget_kinds):
    folder = tmp_path / "lecture"
    assert run("init", folder).exit_code == 0
    lecture = folder / "deep_learning.yaml"
    before = lecture.read_text()
    assert run("init", folder, "--demo", "lr_race").exit_code == 0
    after = lecture.read_text()
    added = only_added(before, after)
    assert len(added) == 10, added  # one code line, two demo lines, the seven lines of the section
    data = yaml.safe_load(after)
    assert data["sections"][-1]["slides"][0]["figure"] == "lr_race.loss_curves"
    assert data["demos"]["lr_race"] == {"kind": "lr_race"}
    checked = run("validate", lecture)
    assert checked.exit_code == 0, checked.output

    # --force writes the kind's file again and leaves a lecture that uses it as it is.
    again = run("init", folder, "--demo", "lr_race", "--force")
    assert again.exit_code == 0, again.output
    assert again.output == (f"wrote {folder}/demos/lr_race.py (the demo kind); {lecture} uses it already as demo "
                            "'lr_race'\n")
    assert lecture.read_text() == after


@pytest.mark.parametrize("text, keeps_lines", [
    # flow collections are added to inside their brackets, so those lines change
    ("lecture: {title: T}\ncode: [demos/other.py]\ndemos: {old: {kind: coin_flips}}\nsections: []\n", False),
    ("lecture:\n  title: T\ndemos:\nsections:\n    -   title: A\n        slides: []", True),
    ("lecture:\n  title: T\ncode:\n      - demos/other.py\nsections:\n  - title: A\n    notes: |\n      kept\n\n  # c\n", True),
    ("lecture:\n  title: T\n", True),
])
def test_every_layout_gets_exactly_the_additions(text, keeps_lines):
    changed, demo = with_demo(text, "lr_race", "demos/lr_race.py", "x.yaml")
    before, after = yaml.safe_load(text), yaml.safe_load(changed)
    assert demo == "lr_race"
    assert after["code"] == [*(before.get("code") or []), "demos/lr_race.py"]
    assert after["demos"] == {**(before.get("demos") or {}), "lr_race": {"kind": "lr_race"}}
    assert after["sections"][:-1] == (before.get("sections") or [])
    assert after["sections"][-1]["slides"][0]["figure"] == "lr_race.loss_curves"
    if keeps_lines:
        only_added(text, changed)


def test_a_taken_demo_name_gets_a_number():
    text = "lecture: {title: T}\ndemos:\n  lr_race: {kind: coin_flips}\nsections: []\n"
    changed, demo = with_demo(text, "lr_race", "demos/lr_race.py", "x.yaml")
    assert demo == "lr_race_2"
    assert yaml.safe_load(changed)["demos"]["lr_race_2"] == {"kind": "lr_race"}
    assert "results.lr_race_2.final_loss" in changed


def test_two_lectures_need_content_and_built_in_names_are_refused(tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(content_dir() / "deep_learning.yaml", folder / name)
    both = run("init", folder, "--demo", "lr_race")
    assert both.exit_code == 2
    assert (f"{folder} holds 2 lectures (a.yaml, b.yaml); name the one to add the demo to with --content, e.g. "
            f"--content {folder}/a.yaml") in both.stderr
    assert not (folder / "demos").exists()

    built_in = run("init", folder, "--demo", "depth_sweep", "--content", folder / "a.yaml")
    assert built_in.exit_code == 2
    assert "--demo depth_sweep: lecturegen has a built-in kind of that name; choose another name" in built_in.stderr

    broken = folder / "a.yaml"
    broken.write_text("lecture: [unclosed\n")
    refused = run("init", folder, "--demo", "lr_race", "--content", broken)
    assert refused.exit_code == 2
    assert f"{broken}: cannot add the demo, because the file is not valid YAML now" in refused.stderr
    assert broken.read_text() == "lecture: [unclosed\n" and not (folder / "demos").exists()
