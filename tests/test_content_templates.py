"""`theme.templates`: a folder of HTML templates that comes with the content file.

It must stay inside the content file's folder (like images), it is searched
after `--templates` and before the built-in templates, and a mistake in one of
its templates names that file and line. tests/fixtures/bad/html_templates.yaml
covers a `..` path.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

LECTURE = """\
lecture:
  title: Own templates
theme:
  templates: {templates}
sections:
  - title: One
    slides:
      - title: A slide
        bullets: [a point]
"""

# The theme.templates value is on line 4, after "  templates: ".
WHERE = "lecture.yaml:4:14: theme.templates: "

ONE_LINE_SLIDES = '{{% extends "base.html.j2" %}}{{% block body %}}<p>{text}</p>{{% endblock %}}\n'


def lecture_in(folder: Path, templates: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    content = folder / "lecture.yaml"
    content.write_text(LECTURE.format(templates=templates), encoding="utf-8")
    return content


def validate(content: Path, monkeypatch) -> tuple[int, str]:
    monkeypatch.chdir(content.parent)
    result = CliRunner().invoke(main, ["validate", content.name])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def test_absolute_path_is_refused(tmp_path, monkeypatch):
    content = lecture_in(tmp_path / "lecture", str(tmp_path / "elsewhere"))
    code, stderr = validate(content, monkeypatch)
    assert code == 2
    assert stderr.splitlines()[0] == (
        f"{WHERE}templates folder {str(tmp_path / 'elsewhere')!r} is outside the content file's folder; "
        "it must be in that folder or below it"
    )


def test_link_to_a_folder_outside_is_refused(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    content = lecture_in(tmp_path / "lecture", "theme")
    (content.parent / "theme").symlink_to(outside, target_is_directory=True)
    code, stderr = validate(content, monkeypatch)
    assert code == 2
    assert stderr.splitlines()[0] == (
        f"{WHERE}templates folder 'theme' is outside the content file's folder; it must be in that folder or below it"
    )


def test_link_inside_the_folder_that_leads_outside_is_refused(tmp_path, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("not a template", encoding="utf-8")
    content = lecture_in(tmp_path / "lecture", "theme")
    (content.parent / "theme" / "partials").mkdir(parents=True)
    (content.parent / "theme" / "partials" / "blocks.html.j2").symlink_to(secret)
    code, stderr = validate(content, monkeypatch)
    assert code == 2
    assert stderr.splitlines()[0] == (
        f"{WHERE}templates folder 'theme' holds 'partials/blocks.html.j2', a link to a place outside the content "
        "file's folder; copy the file in instead"
    )


def test_link_that_stays_inside_is_fine(tmp_path, monkeypatch):
    content = lecture_in(tmp_path / "lecture", "theme")
    (content.parent / "shared.html.j2").write_text("shared\n", encoding="utf-8")
    (content.parent / "theme").mkdir()
    (content.parent / "theme" / "slides.html.j2").symlink_to(content.parent / "shared.html.j2")
    code, stderr = validate(content, monkeypatch)
    assert (code, stderr) == (0, "")


def test_missing_folder_is_refused(tmp_path, monkeypatch):
    content = lecture_in(tmp_path / "lecture", "theme")
    code, stderr = validate(content, monkeypatch)
    assert code == 2
    assert stderr.splitlines()[0] == f"{WHERE}templates folder 'theme' not found (looked in {content.parent.resolve()})"


def test_a_file_is_refused(tmp_path, monkeypatch):
    content = lecture_in(tmp_path / "lecture", "slides.html.j2")
    (content.parent / "slides.html.j2").write_text("<p>hello</p>\n", encoding="utf-8")
    code, stderr = validate(content, monkeypatch)
    assert code == 2
    assert stderr.splitlines()[0] == (
        f"{WHERE}templates folder 'slides.html.j2' is a file; name the folder that holds the templates"
    )


def build(content: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(content), "-o", str(out), "--format", "html,report", "-q", *extra])


def test_search_order_is_cli_then_content_then_built_in(tmp_path):
    content = lecture_in(tmp_path / "lecture", "theme")
    (content.parent / "theme").mkdir()
    (content.parent / "theme" / "slides.html.j2").write_text(
        ONE_LINE_SLIDES.format(text="from the content's templates"), encoding="utf-8"
    )
    cli_templates = tmp_path / "cli-templates"
    cli_templates.mkdir()
    (cli_templates / "slides.html.j2").write_text(ONE_LINE_SLIDES.format(text="from --templates"), encoding="utf-8")

    result = build(content, tmp_path / "out")
    assert result.exit_code == 0, result.output
    lecture_dir = tmp_path / "out" / "own-templates"
    assert "<p>from the content's templates</p>" in (lecture_dir / "slides.html").read_text(encoding="utf-8")
    # The folder overrides one file; the report still comes from the built-in templates.
    assert 'id="report-main"' in (lecture_dir / "report.html").read_text(encoding="utf-8")

    result = build(content, tmp_path / "out", "--templates", str(cli_templates))
    assert result.exit_code == 0, result.output
    slides = (lecture_dir / "slides.html").read_text(encoding="utf-8")
    assert "<p>from --templates</p>" in slides
    assert "from the content's templates" not in slides


@pytest.mark.parametrize(
    ("template", "line", "message"),
    [
        (
            '{% extends "base.html.j2" %}\n{% block body %}\n<p>{{ no_such_thing }}</p>\n{% endblock %}\n',
            3,
            "'no_such_thing' is undefined",
        ),
        ('{% extends "base.html.j2" %}\n{% block body %}\n\n<p>{{ x }</p>\n{% endblock %}\n', 4, "unexpected '}'"),
    ],
    ids=["undefined-variable", "syntax-error"],
)
def test_template_mistake_names_the_file_and_line(tmp_path, template, line, message):
    content = lecture_in(tmp_path / "lecture", "theme")
    (content.parent / "theme").mkdir()
    (content.parent / "theme" / "slides.html.j2").write_text(template, encoding="utf-8")
    result = build(content, tmp_path / "out")
    assert result.exit_code == 1
    template_file = (content.parent / "theme" / "slides.html.j2").resolve()
    assert result.stderr == f"error: {template_file}:{line}: {message}\n"
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
