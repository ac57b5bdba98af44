"""The shipped example course, content/course/: the default lecture and the two examples, sharing one assets
folder. Its lectures are copies of the originals but for the paths into that folder, and must stay so."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import DEFAULT_LECTURE, MINIMAL, REPO

COURSE = REPO / "content" / "course" / "course.yaml"
REGULARISATION = REPO / "content" / "examples" / "regularization"
SHARED = COURSE.parent / "shared"

# Each copy in the course, its original, and the lines that differ: (original's, copy's).
COPIES = [
    ("deep-learning/lecture.yaml", DEFAULT_LECTURE, []),
    ("minimal/lecture.yaml", MINIMAL, [("image: neuron.png", "image: ../shared/neuron.png")]),
    ("regularisation/lecture.yaml", REGULARISATION / "lecture.yaml",
     [("- demos/regularisation_gap.py", "- ../shared/demos/regularisation_gap.py"),
      ("- demos/optimiser_grid.py", "- ../shared/demos/optimiser_grid.py")]),
    ("shared/neuron.png", MINIMAL.parent / "neuron.png", None),
    ("shared/demos/regularisation_gap.py", REGULARISATION / "demos" / "regularisation_gap.py", None),
    ("shared/demos/optimiser_grid.py", REGULARISATION / "demos" / "optimiser_grid.py", None),
]


@pytest.mark.parametrize(("copy", "original", "changed"), COPIES, ids=[copy for copy, _, _ in COPIES])
def test_the_course_copies_its_lectures_but_for_the_shared_paths(copy, original, changed):
    path = COURSE.parent / copy
    resync = f"update it: the original is {original.relative_to(REPO)}"
    if changed is None:
        assert path.read_bytes() == original.read_bytes(), f"{path.relative_to(REPO)} differs from its original; {resync}"
        return
    expected = original.read_text()
    for before, after in changed:
        assert expected.count(before) == 1, f"{original.relative_to(REPO)} no longer has {before!r}"
        expected = expected.replace(before, after)
    assert path.read_text() == expected, (f"{path.relative_to(REPO)} is no longer its original with the shared paths; "
                                          f"{resync}, with {changed} changed" if changed else resync)


def test_the_example_course_validates_and_its_lectures_use_the_shared_folder():
    result = CliRunner().invoke(main, ["validate", str(COURSE)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{COURSE}: OK (3 lectures, ")
    assert "../shared/demos/regularisation_gap.py" in result.output  # its code comes from the assets folder
    assert {path.name for path in SHARED.iterdir()} == {"neuron.png", "demos"}


@pytest.mark.slow
def test_the_example_course_builds_on_the_quick_profile(tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", str(COURSE), "-o", str(out), "--format", "html",
                                       "--profile", "quick", "--device", "cpu", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    slugs = [lecture["slug"] for lecture in manifest["lectures"]]
    assert slugs == ["deep-learning", "minimal", "regularisation"]
    assert all(lecture["built"] for lecture in manifest["lectures"])
    index = (out / "index.html").read_text()
    for slug in slugs:
        assert (out / slug / "slides.html").is_file() and f'href="{slug}/slides.html"' in index
    assert manifest["demos"]["uses"] == 7
