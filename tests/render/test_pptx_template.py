"""The user's own PowerPoint template: one saved by LibreOffice (committed, see
tests/fixtures/templates/make_templates.py), the same as .potx, and python-pptx's default."""

from __future__ import annotations

import io
import shutil
import textwrap
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

from generator.build import BuildOptions, build
from generator.cli import main
from generator.errors import BuildError
from generator.render.pptx import render_pptx
from generator.render.pptx.fonts import Face, font_file
from tests.conftest import FIXTURES
from tests.office import page_texts, pptx_to_pdf
from tests.render.test_pptx import full_deck

TEMPLATES = FIXTURES / "templates"

LECTURE = """\
lecture:
  title: Templates
  subtitle: Someone else's look
  author: Ada Lovelace
theme:
{theme}
sections:
  - title: Part one
    subtitle: The first part
    slides:
      - title: Some bullets
        bullets:
          - First point
          - text: Second point
            bullets: [a detail]
      - title: A table
        table:
          columns: [Activation, Accuracy]
          rows: [[relu, 97%], [sigmoid, 11%]]
      - title: Some code
        code: |
          print("hello")
{extra}
closing:
  title: Summary
  bullets: [Templates work]
"""

TITLES = ["Templates", "Part one", "Some bullets", "A table", "Some code", "Summary"]


def write_lecture(folder: Path, template: str | None, theme_lines: str = "", extra: str = "") -> Path:
    theme = f"  pptx_template: {template}\n" if template else ""
    theme += textwrap.indent(theme_lines, "  ") if theme_lines else ""
    content = folder / "lecture.yaml"
    content.write_text(LECTURE.format(theme=theme or "  accent: '#0072B2'", extra=textwrap.indent(extra, "      ")))
    return content


def built(folder: Path, content: Path) -> Presentation:
    report = build(BuildOptions(content=content, output_dir=folder / "out", formats=("pptx",), device="cpu"))
    return Presentation(io.BytesIO((report.lecture_dir / "slides.pptx").read_bytes()))


def layouts_used(prs) -> list[str]:
    return [slide.slide_layout.name for slide in prs.slides]


@pytest.fixture
def libreoffice_template(tmp_path) -> Path:
    shutil.copy(TEMPLATES / "libreoffice.pptx", tmp_path / "brand.pptx")
    return tmp_path


@pytest.fixture
def python_pptx_template(tmp_path) -> Path:
    Presentation().save(tmp_path / "default.pptx")
    return tmp_path


def test_a_libreoffice_template_is_used_by_its_layout_names(libreoffice_template):
    prs = built(libreoffice_template, write_lecture(libreoffice_template, "brand.pptx"))
    assert layouts_used(prs) == [
        "Title Slide",
        "Title Only",
        "Title, Content",
        "Title Only",
        "Title Only",
        "Title, Content",
    ]
    assert [slide.shapes.title.text_frame.text for slide in prs.slides] == TITLES
    # The template's own look stays: its pale green master background.
    assert prs.slide_master.background.fill.fore_color.rgb == (0xE8, 0xF0, 0xE8)


def test_the_slides_a_template_came_with_are_dropped(libreoffice_template):
    prs = built(libreoffice_template, write_lecture(libreoffice_template, "brand.pptx"))
    assert len(prs.slides) == len(TITLES)
    texts = [shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame]
    assert not any("the template came with" in text for text in texts)


def test_a_potx_template_opens_like_a_pptx(tmp_path):
    shutil.copy(TEMPLATES / "libreoffice.potx", tmp_path / "brand.potx")
    prs = built(tmp_path, write_lecture(tmp_path, "brand.potx"))
    assert layouts_used(prs)[:3] == ["Title Slide", "Title Only", "Title, Content"]
    assert len(prs.slides) == len(TITLES)


def test_content_fills_placeholders_by_type_even_where_libreoffice_repeats_an_index(libreoffice_template):
    prs = built(libreoffice_template, write_lecture(libreoffice_template, "brand.pptx"))
    bullets = prs.slides[2]
    layout = {ph.placeholder_format.type: ph for ph in bullets.slide_layout.placeholders}
    on_slide = {ph.placeholder_format.type: ph for ph in bullets.placeholders}
    # The layout gives title and body the same idx 0; each must still sit where its own type says.
    assert layout[PP_PLACEHOLDER.TITLE].placeholder_format.idx == layout[PP_PLACEHOLDER.OBJECT].placeholder_format.idx
    for kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.OBJECT):
        assert (on_slide[kind].left, on_slide[kind].top) == (layout[kind].left, layout[kind].top)
    assert on_slide[PP_PLACEHOLDER.OBJECT].text_frame.text.splitlines() == ["First point", "Second point", "a detail"]
    title_slide = {ph.placeholder_format.type: ph.text_frame.text for ph in prs.slides[0].placeholders}
    assert title_slide[PP_PLACEHOLDER.SUBTITLE].startswith("Someone else's look")


def test_footer_and_number_go_into_the_templates_placeholders(libreoffice_template):
    prs = built(libreoffice_template, write_lecture(libreoffice_template, "brand.pptx"))
    for number, slide in enumerate(prs.slides, start=1):
        kinds = {ph.placeholder_format.type: ph.text_frame.text for ph in slide.placeholders}
        if number > 1:
            assert (kinds[PP_PLACEHOLDER.FOOTER], kinds[PP_PLACEHOLDER.SLIDE_NUMBER]) == ("Templates", str(number))


def test_a_section_layout_without_a_subtitle_placeholder_still_shows_the_subtitle(libreoffice_template):
    prs = built(libreoffice_template, write_lecture(libreoffice_template, "brand.pptx"))
    section = prs.slides[1]
    assert "The first part" in [shape.text_frame.text for shape in section.shapes if shape.has_text_frame]


def test_python_pptx_default_template_gets_its_usual_layout_names(python_pptx_template):
    prs = built(python_pptx_template, write_lecture(python_pptx_template, "default.pptx"))
    assert layouts_used(prs) == [
        "Title Slide",
        "Section Header",
        "Title and Content",
        "Title Only",
        "Title Only",
        "Title and Content",
    ]


def test_layouts_are_picked_by_the_content_mapping_and_per_slide(python_pptx_template):
    mapping = "pptx_layouts:\n  table: Title and Content\n  closing: Comparison\n"
    content = write_lecture(
        python_pptx_template,
        "default.pptx",
        mapping,
        extra="- title: Named directly\n  bullets: [here]\n  pptx_layout: Two Content\n",
    )
    prs = built(python_pptx_template, content)
    used = dict(zip([slide.shapes.title.text_frame.text for slide in prs.slides], layouts_used(prs)))
    assert used["A table"] == "Title and Content"
    assert used["Summary"] == "Comparison"
    assert used["Named directly"] == "Two Content"


def test_pptx_layout_names_a_layout_of_the_designed_master_too(tmp_path):
    content = write_lecture(tmp_path, None, extra="- title: As a quote\n  bullets: [here]\n  pptx_layout: Quote\n")
    prs = built(tmp_path, content)
    used = dict(zip([slide.shapes.title.text_frame.text for slide in prs.slides], layouts_used(prs)))
    assert (used["As a quote"], used["Some bullets"]) == ("Quote", "Title and Bullets")


def test_a_symlink_that_leaves_the_content_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(TEMPLATES / "libreoffice.pptx", outside / "brand.pptx")
    folder = tmp_path / "lecture"
    folder.mkdir()
    (folder / "brand.pptx").symlink_to(outside / "brand.pptx")
    write_lecture(folder, "brand.pptx")
    result = CliRunner().invoke(main, ["build", str(folder / "lecture.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{folder / 'lecture.yaml'}:6:18: theme.pptx_template: template 'brand.pptx' is outside the content file's "
        "folder; templates must be in that folder or below it"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("template", ["libreoffice.pptx", "libreoffice.potx", "python-pptx default"])
def test_libreoffice_renders_a_deck_on_each_template_one_page_per_slide(tmp_path, template):
    if template == "python-pptx default":
        Presentation().save(tmp_path / "template.pptx")
        name = "template.pptx"
    else:
        shutil.copy(TEMPLATES / template, tmp_path / template)
        name = template
    built(tmp_path, write_lecture(tmp_path, name))
    deck = next((tmp_path / "out").rglob("slides.pptx"))
    pages = page_texts(pptx_to_pdf(deck, tmp_path), layout=True)
    assert len(pages) == len(TITLES)
    for page, title in zip(pages, TITLES):
        assert title.casefold() in " ".join(page.split()).casefold(), title


def test_a_deck_on_a_template_gives_identical_bytes_every_time():
    deck = full_deck()
    on_template = replace(deck, theme=replace(deck.theme, pptx_template=(TEMPLATES / "libreoffice.pptx").read_bytes()))
    assert render_pptx(on_template) == render_pptx(on_template)


def test_rendering_a_deck_that_names_a_missing_layout_says_which_exist():
    # The loader reports this with a location; a Deck built by other code gets a BuildError.
    deck = full_deck()
    slides = (replace(deck.slides[2], pptx_layout="Comparison"),)
    with pytest.raises(BuildError) as raised:
        render_pptx(replace(deck, slides=slides))
    assert str(raised.value) == (
        "slide 3: no layout named 'Comparison'; the layouts are: 'Title', 'Section', 'Title and Bullets', "
        "'Title and Figure', 'Figure and Bullets', 'Table', 'Code', 'Quote', 'Closing'"
    )


def test_a_damaged_template_in_a_deck_is_a_build_error_not_a_traceback():
    deck = full_deck()
    broken = replace(deck, theme=replace(deck.theme, pptx_template=b"PK\x03\x04 not really a zip"))
    with pytest.raises(BuildError) as raised:
        render_pptx(broken)
    assert str(raised.value) == (
        "the PowerPoint template cannot be used: it is not a zip archive, so not a .pptx or .potx file"
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: path.write_bytes(b""), "it is not a zip archive, so not a .pptx or .potx file"),
        (
            lambda path: zipfile.ZipFile(path, "w").writestr("word/document.xml", "<w:document/>"),
            "it is a zip archive but not an Office file (no [Content_Types].xml)",
        ),
        (
            lambda path: zipfile.ZipFile(path, "w").writestr(
                "[Content_Types].xml",
                '<Types><Override PartName="/word/document.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            ),
            "it has no presentation part; is it a Word or Excel file?",
        ),
    ],
    ids=["empty", "plain-zip", "word-file"],
)
def test_files_that_are_not_presentations_are_named_with_the_reason(tmp_path, make, reason):
    make(tmp_path / "brand.pptx")
    content = write_lecture(tmp_path, "brand.pptx")
    result = CliRunner().invoke(main, ["validate", str(content)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{content}:6:18: theme.pptx_template: 'brand.pptx' cannot be used as a template: {reason}; "
        "save it from PowerPoint or LibreOffice Impress as .pptx or .potx"
    )


def run_typefaces(prs) -> set[str]:
    """The Latin typefaces the slides' text runs name (the template's or the content's)."""
    return {
        run.font.name
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.text.strip() and not (run.font.name or "").endswith("Mono")
    }


def test_text_takes_the_templates_typeface_when_the_content_names_none(libreoffice_template):
    prs = built(libreoffice_template, write_lecture(libreoffice_template, "brand.pptx"))
    assert run_typefaces(prs) == {"Arial"}  # the LibreOffice template's body font


def test_a_font_the_content_names_wins_over_the_templates(libreoffice_template):
    content = write_lecture(libreoffice_template, "brand.pptx", theme_lines="font: DejaVu Serif\n")
    assert run_typefaces(built(libreoffice_template, content)) == {"DejaVu Serif"}


def bullet_marks(prs) -> list[str | None]:
    """The mark each body paragraph of the bullets slides sets itself (None: it inherits one)."""
    marks = []
    for slide in prs.slides:
        for shape in slide.placeholders:
            if shape.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT):
                for paragraph in shape.text_frame.paragraphs:
                    mark = paragraph._p.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}buChar")
                    marks.append(None if mark is None else mark.get("char"))
    return marks


def test_bullets_are_marked_on_a_template_whose_styles_define_no_marks(libreoffice_template):
    # LibreOffice's export keeps its outline bullets only on the master's sample text.
    marks = bullet_marks(built(libreoffice_template, write_lecture(libreoffice_template, "brand.pptx")))
    assert marks and all(mark in ("•", "–") for mark in marks)


def test_bullets_inherit_the_marks_of_a_template_that_defines_them(python_pptx_template):
    marks = bullet_marks(built(python_pptx_template, write_lecture(python_pptx_template, "default.pptx")))
    assert marks and all(mark is None for mark in marks)


def template_with_body_font(path: Path, typeface: str) -> None:
    """python-pptx's default template with its theme's body (minor) Latin font renamed."""
    buffer = io.BytesIO()
    Presentation().save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "ppt/theme/theme1.xml":
                data = data.replace(
                    b'<a:minorFont><a:latin typeface="Calibri"/>',
                    f'<a:minorFont><a:latin typeface="{typeface}"/>'.encode(),
                )
                assert typeface.encode() in data
            target.writestr(item, data)


def test_a_templates_font_that_is_not_installed_is_reported_as_the_templates(tmp_path):
    template_with_body_font(tmp_path / "brand.pptx", "Nonexistent Template Sans")
    content = write_lecture(tmp_path, "brand.pptx")
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(tmp_path / "out"), "--format", "pptx"])
    assert result.exit_code == 0, result.output
    stand_in = font_file(Face("Nonexistent Template Sans")).family
    template_line = content.read_text().splitlines().index("  pptx_template: brand.pptx") + 1
    assert (
        f"warning: {content}:{template_line}:18: theme.font: the template's font 'Nonexistent Template Sans' "
        "is not installed here, "
        f"so text was fitted with the metrics of {stand_in!r} and may not fit where 'Nonexistent Template Sans' is "
        "used; install it or name an installed font as theme.font\n"
    ) in result.output


def test_a_font_the_content_names_is_reported_at_its_line(tmp_path):
    content = write_lecture(tmp_path, None, theme_lines="accent: '#0072B2'\nfont: Nonexistent Grotesk\n")
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(tmp_path / "out"), "--format", "pptx"])
    assert result.exit_code == 0, result.output
    font_line = content.read_text().splitlines().index("  font: Nonexistent Grotesk") + 1
    assert f"warning: {content}:{font_line}:9: theme.font: the font 'Nonexistent Grotesk' is not installed" in (
        result.output)


def test_bullets_beside_a_picture_on_a_content_over_content_layout_keep_to_their_column(libreoffice_template):
    # The layout's first content placeholder spans the slide; left where it is, the bullets run under the picture.
    PILImage.new("RGB", (400, 300), "navy").save(libreoffice_template / "photo.png")
    extra = """\
- title: Beside a picture
  layout: figure_bullets
  pptx_layout: Title, Content over Content
  image: photo.png
  alt: A navy rectangle
  bullets: [A point about the picture, Another point about it]
"""
    prs = built(libreoffice_template, write_lecture(libreoffice_template, "brand.pptx", extra=extra))
    slide = next(slide for slide in prs.slides if slide.shapes.title.text_frame.text == "Beside a picture")
    (body,) = [shape for shape in slide.placeholders if shape.placeholder_format.type == PP_PLACEHOLDER.OBJECT]
    (picture,) = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert body.left + body.width <= picture.left


def test_a_template_of_another_shape_than_the_aspect_asked_for_is_a_located_warning(python_pptx_template):
    content = write_lecture(python_pptx_template, "default.pptx", theme_lines="aspect: '16:9'\n")
    out = python_pptx_template / "out"
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(out), "--format", "pptx"])
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {content}:7:11: theme.aspect: the template 'default.pptx' has 10 × 7.5 in slides, not 16:9; "
        "slides.pptx keeps the template's size (HTML outputs are 16:9): use a 16:9 template, or remove `aspect`\n"
    ) in result.output
    prs = Presentation(str(out / "templates" / "slides.pptx"))
    assert (prs.slide_width, prs.slide_height) == (9144000, 6858000)


@pytest.mark.parametrize("theme_lines", ["aspect: '4:3'\n", ""])
def test_a_template_matching_or_not_asked_about_its_shape_is_not_reported(python_pptx_template, theme_lines):
    content = write_lecture(python_pptx_template, "default.pptx", theme_lines=theme_lines)
    result = CliRunner().invoke(
        main, ["build", str(content), "-o", str(python_pptx_template / "out"), "--format", "pptx"]
    )
    assert result.exit_code == 0, result.output
    assert "theme.aspect" not in result.output


def overlaps(a, b) -> bool:
    return (
        a.left < b.left + b.width
        and b.left < a.left + a.width
        and a.top < b.top + b.height
        and b.top < a.top + a.height
    )


CAPTIONED_LAYOUTS = """\
pptx_layouts:
  bullets: Comparison
  closing: Content with Caption
"""


def test_layouts_with_headings_or_captions_put_the_content_in_their_main_placeholder_clear_of_the_title(
    python_pptx_template,
):
    PILImage.new("RGB", (400, 300), "navy").save(python_pptx_template / "photo.png")
    extra = """\
- title: A captioned picture
  pptx_layout: Picture with Caption
  image: photo.png
  alt: A navy rectangle
  caption: The picture's caption
"""
    content = write_lecture(python_pptx_template, "default.pptx", theme_lines=CAPTIONED_LAYOUTS, extra=extra)
    prs = built(python_pptx_template, content)
    slides = {slide.shapes.title.text_frame.text: slide for slide in prs.slides}
    # Comparison: the bullets go into the large content placeholder, not the small bold heading above it.
    (bullets,) = [
        shape
        for shape in slides["Some bullets"].placeholders
        if shape.has_text_frame and "First" in shape.text_frame.text
    ]
    assert bullets.placeholder_format.type == PP_PLACEHOLDER.OBJECT
    for title in ("Summary", "A captioned picture"):
        slide = slides[title]
        others = [
            shape
            for shape in slide.shapes
            if shape != slide.shapes.title and shape.name not in ("Footer", "Slide Number")
        ]
        assert others and not any(overlaps(shape, slide.shapes.title) for shape in others), title


def test_a_slide_on_a_layout_without_a_title_still_shows_its_title_where_the_master_keeps_it(python_pptx_template):
    extra = """\
- title: A slide on a blank layout
  pptx_layout: Blank
  bullets: [The bullets sit under the title]
"""
    content = write_lecture(python_pptx_template, "default.pptx", extra=extra)
    prs = built(python_pptx_template, content)
    slide = next(slide for slide in prs.slides if slide.slide_layout.name == "Blank")
    title = slide.shapes.title
    assert title is not None and title.text_frame.text == "A slide on a blank layout"
    (master_title,) = [
        shape for shape in prs.slide_master.placeholders if shape.placeholder_format.type == PP_PLACEHOLDER.TITLE
    ]
    assert (title.left, title.top, title.width, title.height) == (
        master_title.left,
        master_title.top,
        master_title.width,
        master_title.height,
    )
    (bullets,) = [
        shape for shape in slide.shapes if shape.has_text_frame and "under the title" in shape.text_frame.text
    ]
    assert bullets.top >= title.top + title.height
    pdf = pptx_to_pdf(python_pptx_template / "out" / "templates" / "slides.pptx", python_pptx_template)
    (page,) = [page for page in page_texts(pdf) if "under the title" in page]
    assert "A slide on a blank layout" in page
