"""A template's colours are respected: the lines lecturegen colours itself read on the layout's own
background, the credit line follows the template's alignment, and tables take the template's accent
unless the content names one."""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.text import PP_ALIGN

from generator.cli import main
from generator.render.contrast import accent_fill, contrast_ratio, hex_to_rgb
from tests.conftest import FIXTURES
from tests.render.test_pptx_template_layouts import NAVY, brand_template

LECTURE = """\
lecture:
  title: Colours
  subtitle: On someone else's background
  author: Ada Lovelace
  affiliation: Analytical Engines Ltd
  series: Notes, Lecture 1
  date: 2024-05-01
  source: After Menabrea's sketch
theme:
  pptx_template: {template}
{theme}sections:
  - title: Part one
    subtitle: The first part
    slides:
      - title: A table
        table:
          columns: [Activation, Accuracy]
          rows: [[relu, 97%], [sigmoid, 11%]]
"""
GREY = "595959"  # lecturegen's own grey for secondary lines (render/pptx/style.MUTED)
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def build(folder: Path, template: str, theme: str = "") -> Presentation:
    content = folder / "lecture.yaml"
    content.write_text(LECTURE.format(template=template, theme=textwrap.indent(theme, "  ")))
    out = folder / "out"
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(out), "--format", "pptx"])
    assert result.exit_code == 0, result.output
    return Presentation(str(out / "colours" / "slides.pptx"))


def coloured_runs(slide) -> list[tuple[str, str]]:
    """(text, "RRGGBB") of every run on the slide that sets its own colour."""
    return [(run.text, str(run.font.color.rgb)) for shape in slide.shapes if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs for run in paragraph.runs
            if run.text.strip() and run.font.color.type is not None]


def contrast(colour: str, background: str) -> float:
    return contrast_ratio(hex_to_rgb(colour), hex_to_rgb(background))


def test_the_cover_lines_lecturegen_colours_read_on_a_navy_cover(tmp_path):
    brand_template(tmp_path / "brand.pptx")
    cover = build(tmp_path, "brand.pptx").slides[0]
    coloured = dict(coloured_runs(cover))
    assert set(coloured) == {"Ada Lovelace", "Analytical Engines Ltd", "Notes, Lecture 1 · 2024-05-01",
                             "After Menabrea's sketch"}
    for text, colour in coloured.items():
        # Was lecturegen's grey, 2.0:1 on navy.
        assert contrast(colour, str(NAVY)) >= 4.5, (text, colour)
    (credit,) = [shape for shape in cover.shapes if shape.name == "Credit"]
    assert credit.text_frame.paragraphs[0].alignment == PP_ALIGN.CENTER  # as the template centres its subtitle


def test_a_section_subtitle_under_a_bare_title_reads_on_libreoffices_navy_master(tmp_path):
    shutil.copy(FIXTURES / "templates" / "libreoffice-masters.pptx", tmp_path / "masters.pptx")
    section = build(tmp_path, "masters.pptx").slides[1]
    layout = section.slide_layout
    assert layout.name == "Title Only" and layout.slide_master.background.fill.fore_color.rgb == NAVY
    (line,) = [(text, colour) for text, colour in coloured_runs(section) if text == "The first part"]
    assert contrast(line[1], str(NAVY)) >= 4.5


def test_lecturegens_grey_stays_where_it_reads(tmp_path):
    shutil.copy(FIXTURES / "templates" / "libreoffice.pptx", tmp_path / "brand.pptx")  # a pale green background
    cover = build(tmp_path, "brand.pptx").slides[0]
    assert {colour for _, colour in coloured_runs(cover)} == {GREY}
    credit = next(shape for shape in cover.shapes if shape.name == "Credit")
    assert credit.text_frame.paragraphs[0].alignment == PP_ALIGN.CENTER


def header_fill(prs) -> str:
    table_slide = next(slide for slide in prs.slides if slide.shapes.title.text_frame.text == "A table")
    (table,) = [shape.table for shape in table_slide.shapes if shape.has_table]
    return "#" + str(table.cell(0, 0).fill.fore_color.rgb)


@pytest.mark.parametrize(("theme", "accent"), [("", "#4F81BD"), ("accent: '#D55E00'\n", "#D55E00")],
                         ids=["the template's", "the content's"])
def test_tables_take_the_templates_accent_unless_the_content_names_one(tmp_path, theme, accent):
    brand_template(tmp_path / "brand.pptx")  # python-pptx's theme: accent 1 is #4F81BD
    assert header_fill(build(tmp_path, "brand.pptx", theme)) == accent_fill(accent)


def brand_template_with_a_picture_cover(path: Path, picture: bytes) -> None:
    """The brand template with a picture, not a colour, behind its cover (and a colour Office could not read
    on its text layout, which must not stop the build)."""
    prs = Presentation()
    cover = prs.slide_layouts[0]
    _, relationship = cover.part.get_or_add_image_part(io.BytesIO(picture))
    background = etree.fromstring(
        f'<p:bg xmlns:p="{P}" xmlns:a="{A}" xmlns:r="{R}"><p:bgPr><a:blipFill><a:blip r:embed="{relationship}"/>'
        "<a:stretch><a:fillRect/></a:stretch></a:blipFill><a:effectLst/></p:bgPr></p:bg>")
    cover.element.cSld.insert(0, background)
    odd = etree.fromstring(f'<p:bg xmlns:p="{P}" xmlns:a="{A}"><p:bgPr><a:solidFill><a:srgbClr val="navy">'
                           '<a:lumMod val="half"/></a:srgbClr></a:solidFill><a:effectLst/></p:bgPr></p:bg>')
    prs.slide_layouts[1].element.cSld.insert(0, odd)
    prs.save(path)


def test_the_cover_lines_read_on_a_picture_behind_the_cover(tmp_path):
    wine = (0x5A, 0x0F, 0x1E)
    picture = io.BytesIO()
    PILImage.new("RGB", (160, 90), wine).save(picture, "PNG")
    brand_template_with_a_picture_cover(tmp_path / "brand.pptx", picture.getvalue())
    cover = build(tmp_path, "brand.pptx").slides[0]
    coloured = coloured_runs(cover)
    assert len(coloured) == 4
    for text, colour in coloured:
        assert contrast(colour, "".join(f"{channel:02X}" for channel in wine)) >= 4.5, (text, colour)
