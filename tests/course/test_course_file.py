"""A course file: its lectures, a shared assets folder every lecture may name files in, theme defaults the
lectures inherit; `validate` and `build` take it, and every problem is located in the file it is in."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.course.loader import is_course_file, load_course
from generator.demos.registry import unregister
from tests.conftest import MINIMAL
from tests.course.conftest import COURSE, ONE, TWO, write_course


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def problems(result) -> list[str]:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    return lines[:-1]


def test_a_course_file_is_told_from_a_lecture_file_by_its_keys(course):
    assert is_course_file(course)
    assert not is_course_file(course.parent / "one" / "lecture.yaml")
    assert not is_course_file(MINIMAL)
    assert not is_course_file(course.parent / "no-such.yaml")


def test_validate_checks_the_course_and_every_lecture(course):
    result = run("validate", course)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{course}: OK (2 lectures, 4 content slides, 3 demos)"
    assert f"note: {course.parent / 'one' / 'lecture.yaml'} brings code, trusted as such: code " \
           "(../shared/demos/coins.py)" in result.output


def test_lectures_inherit_the_course_theme_and_override_it_key_by_key(course):
    one, two = load_course(course).lectures
    assert one.lecture.theme.accent == "#D55E00"  # the course's
    assert two.lecture.theme.accent == "#0072B2"  # its own
    assert one.lecture.theme.labels.contents == two.lecture.theme.labels.contents == "Overview"
    assert two.lecture.theme.labels.figure == "Fig. {number}:" and one.lecture.theme.labels.figure is None
    # An inherited value is located in the course file; a lecture's own in the lecture.
    assert str(one.where(("theme", "accent"))) == f"{course}:7:11"
    assert str(two.where(("theme", "accent"))) == f"{course.parent / 'two' / 'lecture.yaml'}:2:17"


def test_every_problem_is_located_in_the_file_it_is_in(tmp_path):
    course = write_course(
        tmp_path,
        course=COURSE.replace("  author: lecturegen\n", "  author: lecturegen\n  autor: typo\n")
                     .replace('accent: "#D55E00"', 'accent: "#12"')
                     + "  - missing.yaml\n  - ../elsewhere.yaml\n  - one/lecture.yaml\n",
        one=ONE.replace("figure: act.derivatives", "figure: act.derivatves"),
        two=TWO.replace("title: The functions", "title: ''"),
    )
    lecture_one, lecture_two = (f"{course.parent / name / 'lecture.yaml'}" for name in ("one", "two"))
    assert problems(run("validate", course)) == [
        f"{course}:5:3: course.autor: unknown key 'autor'; did you mean 'author'?",
        f"{course}:8:11: theme.accent: expected a colour as #RRGGBB, e.g. '#0072B2', got text ('#12')",
        f"{course}:13:5: lectures[2]: lecture file 'missing.yaml' not found (looked in {course.parent})",
        f"{course}:14:5: lectures[3]: lecture '../elsewhere.yaml' is outside the course file's folder; lectures "
        "must be in that folder or below it",
        f"{course}:15:5: lectures[4]: lecture 'one/lecture.yaml' is listed twice (first as lectures[0]); list it once",
        f"{lecture_one}:13:17: sections[0].slides[1].figure: unknown figure 'act.derivatves'; did you mean "
        "'act.derivatives'? (demo 'act' of kind 'activations' draws: functions, derivatives, chain_bound)",
        f"{lecture_two}:8:16: sections[0].slides[0].title: must not be empty",
    ]


def test_a_lecture_may_use_only_the_kinds_of_the_code_files_it_names_itself(tmp_path):
    # Lecture one's code registers coin_flips for the whole process; lecture two names the kind without the
    # file, which would work in the course and fail when two is built alone: refused, saying where it is.
    two = TWO.replace("  curves: {kind: activations, params: {points: 101}}",
                      "  curves: {kind: activations, params: {points: 101}}\n  coins: {kind: coin_flips}")
    course = write_course(tmp_path / "course", two=two)
    try:
        lines = problems(run("validate", course))
    finally:
        unregister("coin_flips")
    lecture = course.parent / "two" / "lecture.yaml"
    assert lines == [f"{lecture}:5:{two.splitlines()[4].index('coin_flips') + 1}: demos.coins.kind: demo kind "
                     f"'coin_flips' comes from {(course.parent / 'shared' / 'demos' / 'coins.py').resolve()}, a code "
                     "file of another lecture; name that file under `code:` (inside this lecture's folder or the "
                     "course's assets folder) to use its kinds here"]
    # Named by the lecture itself, the same kind is welcome.
    course = write_course(tmp_path / "again", two="code: [../shared/demos/coins.py]\n" + two)
    try:
        result = run("validate", course)
    finally:
        unregister("coin_flips")
    assert result.exit_code == 0, result.output


def test_two_lectures_whose_own_files_register_one_kind_name_are_told_to_rename_one(tmp_path):
    # Both files are "demos/coins.py" as their lectures write it, in two folders: two kinds, one name.
    one = ONE.replace("../shared/demos/coins.py", "demos/coins.py")
    two = "code: [demos/coins.py]\n" + TWO
    course = write_course(tmp_path / "course", one=one, two=two)
    for name in ("one", "two"):
        (course.parent / name / "demos").mkdir()
        (course.parent / name / "demos" / "coins.py").write_text((course.parent / "shared" / "demos" / "coins.py").read_text())
    try:
        lines = problems(run("validate", course))
    finally:
        unregister("coin_flips")
    first, second = (course.parent / name / "demos" / "coins.py" for name in ("one", "two"))
    assert len(lines) == 1
    assert lines[0].startswith("demos/coins.py:")
    assert (f"ValueError: demo kind 'coin_flips' is registered twice: by file demos/coins.py ({first.resolve()}) "
            f"and by file demos/coins.py ({second.resolve()}); give one of them another name") in lines[0]


def test_paths_may_be_in_the_lectures_folder_or_the_assets_folder_and_nowhere_else(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "neuron.png").write_bytes((MINIMAL.parent / "neuron.png").read_bytes())
    (tmp_path / "elsewhere" / "brand.pptx").write_bytes(b"")
    one = ONE.replace("image: ../shared/neuron.png", "image: ../../elsewhere/neuron.png")
    two = TWO.replace("theme: {", "code: [../../elsewhere/coins.py]\ntheme: {pptx_template: ../../elsewhere/brand.pptx, ")
    course = write_course(tmp_path / "course", one=one, two=two)
    shown = "the course's assets folder (shared)"
    assert problems(run("validate", course)) == [
        f"{course.parent / 'one' / 'lecture.yaml'}:10:16: sections[0].slides[0].image: image "
        f"'../../elsewhere/neuron.png' is outside the content file's folder and {shown}; images must be in one of "
        "them or below it",
        f"{course.parent / 'two' / 'lecture.yaml'}:2:8: code[0]: code file '../../elsewhere/coins.py' is outside the "
        f"content file's folder and {shown}; code files must be in one of them or below it",
        f"{course.parent / 'two' / 'lecture.yaml'}:3:24: theme.pptx_template: template '../../elsewhere/brand.pptx' "
        f"is outside the content file's folder and {shown}; templates must be in one of them or below it",
    ]


def test_a_lecture_built_alone_may_not_name_the_assets_folder(course):
    # The assets folder is the course's: outside a course the lecture's own folder is the only place.
    result = run("validate", course.parent / "one" / "lecture.yaml")
    assert problems(result)[0] == (
        f"{course.parent / 'one' / 'lecture.yaml'}:2:8: code[0]: code file '../shared/demos/coins.py' is outside "
        "the content file's folder; code files must be in that folder or below it")


def test_the_course_theme_names_files_only_in_the_assets_folder(tmp_path):
    course = write_course(tmp_path, course=COURSE.replace("theme:\n", "theme:\n  pptx_template: one/brand.pptx\n"
                                                                      "  templates: shared/no-such-folder\n"))
    (tmp_path / "one" / "brand.pptx").write_bytes(b"")
    assert problems(run("validate", course)) == [
        f"{course}:7:18: theme.pptx_template: template 'one/brand.pptx' is not inside the course's assets folder; "
        "a course's theme may name files only there",
        f"{course}:8:14: theme.templates: templates folder 'shared/no-such-folder' not found (looked in {tmp_path})",
    ]


def test_a_course_theme_template_folder_in_the_assets_serves_every_lecture(tmp_path, fresh_cache):
    course = write_course(tmp_path, course=COURSE.replace("theme:\n", "theme:\n  templates: shared/html\n"))
    (tmp_path / "shared" / "html").mkdir()
    (tmp_path / "shared" / "html" / "report.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}<main><h1>Course notes: {{ meta.title }}</h1></main>'
        '{% endblock %}')
    result = run("build", course, "-o", tmp_path / "out", "--format", "report", "--profile", "quick")
    assert result.exit_code == 0, result.output
    for slug, title in (("activations", "Activations"), ("functions", "Functions")):
        assert f"<h1>Course notes: {title}</h1>" in (tmp_path / "out" / slug / "report.html").read_text()


def test_two_lectures_with_one_output_folder_are_refused(tmp_path):
    course = write_course(tmp_path, two=TWO.replace("title: Functions", "title: Activations"))
    assert problems(run("validate", course)) == [
        f"{course}:11:5: lectures[1]: this lecture's output folder 'activations' is also lectures[0]'s; give one "
        "of them another `lecture.slug`",
    ]


def test_a_profile_no_lecture_defines_is_refused(course):
    result = run("validate", course, "--profile", "gpu")
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        f"--profile gpu: no lecture of {course} defines such a profile (available: default)")


def test_build_writes_a_folder_per_lecture_and_a_manifest_of_the_course(course, fresh_cache):
    out = course.parent / "out"
    result = run("build", course, "-o", out, "--format", "html,pptx", "--profile", "quick", "--device", "cpu")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir() if not path.name.startswith(".")) == ["activations", "functions", "index.html", "manifest.json"]
    slides = (out / "activations" / "slides.html").read_text()
    assert "Largest sigmoid slope: 0.25" in slides and "A drawing of a neuron" in slides
    assert "--accent: #D55E00;" in slides
    assert "--accent: #0072B2;" in (out / "functions" / "slides.html").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert [lecture["slug"] for lecture in manifest["lectures"]] == ["activations", "functions"]
    assert {entry["path"] for entry in manifest["lectures"][1]["outputs"]} == {
        "functions/slides.html", "functions/slides.pptx", "functions/figures/curves-functions.png",
        "functions/figures/curves-functions.svg"}
    # The two lectures' activations are one run: same kind, parameters and seed, whatever each calls it.
    assert manifest["demos"]["distinct_runs"] == 2 and manifest["demos"]["shared"] == 1
    shared = next(run for run in manifest["demos"]["runs"] if run["kind"] == "activations")
    assert shared["used_by"] == ["activations/act", "functions/curves"]
    assert [entry["path"] for entry in manifest["outputs"]] == ["index.html"]
