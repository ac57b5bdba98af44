"""Each figure is drawn for the box it fills: the PowerPoint picture, the HTML slide's SVG and the
report's SVG each show the drawing made for their box, at that drawing's size."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from generator.cli import main
from generator.deck import Theme
from generator.figure_boxes import FigurePlace, report_box, slide_box
from generator.figures import style

LECTURE = """
lecture:
  title: Boxes
  date: 2024-05-01
  slug: boxes
demos:
  act:
    kind: activations
    params: {points: 41}
sections:
  - title: Figures
    slides:
      - title: Beside bullets
        figure: act.functions
        caption: The functions.
        bullets: [One, Two]
      - title: Alone
        figure: act.functions
        caption: The functions again, alone.
      - title: Another beside bullets
        figure: act.derivatives
        bullets: [Three]
"""

THEME = Theme("#0072B2", "DejaVu Sans", "Noto Sans CJK SC", "DejaVu Sans Mono", "16:9")
BESIDE = slide_box(THEME, FigurePlace("figure_bullets", True))
FULL = slide_box(THEME, FigurePlace("figure", False))
EMU_PER_INCH = 914400


def build(content: Path, out: Path):
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(out), "--format", "pptx,html,report"])
    assert result.exit_code == 0, result.output
    return out / "boxes"


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    folder = tmp_path_factory.mktemp("boxes")
    content = folder / "boxes.yaml"
    content.write_text(LECTURE)
    return content


@pytest.fixture(scope="module")
def built(lecture, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LECTUREGEN_CACHE_DIR", str(cache))
        first = build(lecture, tmp_path_factory.mktemp("first"))
        second = build(lecture, tmp_path_factory.mktemp("second"))
    return first, second, cache


def pictures(pptx: Path) -> list[tuple[str, object]]:
    prs = Presentation(pptx)
    found = []
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text
        found += [(title, shape) for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    return found


def drawn_inches(shape) -> tuple[float, float]:
    with PILImage.open(io.BytesIO(shape.image.blob)) as image:
        return image.width / style.PNG_DPI, image.height / style.PNG_DPI


def test_the_boxes_are_the_slide_regions_and_the_report_column():
    assert BESIDE.name == "beside" and FULL.name == "full"
    assert BESIDE.height_in == FULL.height_in
    assert BESIDE.width_in < FULL.width_in
    # The report's column: 46rem of 16 px, at 96 px to the inch.
    assert report_box().width_in == pytest.approx(46 * 16 / 96, abs=1e-3)


def test_each_powerpoint_picture_is_the_drawing_for_its_box_shown_at_its_drawn_size(built):
    first, _, _ = built
    shown = dict(pictures(first / "slides.pptx"))
    assert set(shown) == {"Beside bullets", "Alone", "Another beside bullets"}
    for title, box in (("Beside bullets", BESIDE), ("Alone", FULL), ("Another beside bullets", BESIDE)):
        picture = shown[title]
        width, height = drawn_inches(picture)
        assert (width, height) == pytest.approx((box.width_in, box.height_in), abs=1 / style.PNG_DPI), title
        # Fitted at its own size: a point in the figure is a point on the slide, so 14 pt text shows at 14 pt.
        scale = min(picture.width / EMU_PER_INCH / width, picture.height / EMU_PER_INCH / height)
        assert scale == pytest.approx(1, abs=0.01), title
        assert scale * style.SMALLEST_TEXT_PT >= style.MIN_TEXT_PT
    assert shown["Beside bullets"].image.blob != shown["Alone"].image.blob


def svg_sizes_pt(html: str) -> list[tuple[float, float]]:
    """The drawn size of each inline figure, in points: its viewBox (matplotlib draws in points)."""
    return [(float(width), float(height)) for width, height in
            re.findall(r'<svg[^>]*\bviewBox="0 0 ([\d.]+) ([\d.]+)"[^>]*class="figure-svg"', html)]


def test_the_html_slides_show_the_slide_drawings_and_the_report_its_own(built):
    first, _, _ = built
    slides = svg_sizes_pt((first / "slides.html").read_text())
    expected = [(BESIDE.width_in * 72, BESIDE.height_in * 72), (FULL.width_in * 72, FULL.height_in * 72),
                (BESIDE.width_in * 72, BESIDE.height_in * 72)]
    assert slides == [pytest.approx(size, abs=0.5) for size in expected]
    report_svgs = svg_sizes_pt((first / "report.html").read_text())
    box = report_box()
    assert report_svgs == [pytest.approx((box.width_in * 72, box.height_in * 72), abs=0.5)] * 3


def test_the_figures_folder_holds_each_figure_as_its_first_slide_shows_it(built):
    first, _, _ = built
    with PILImage.open(first / "figures" / "act-functions.png") as image:
        assert (image.width / style.PNG_DPI, image.height / style.PNG_DPI) == pytest.approx(
            (BESIDE.width_in, BESIDE.height_in), abs=1 / style.PNG_DPI)


def test_each_box_is_cached_on_its_own_and_builds_repeat_byte_for_byte(built):
    first, second, cache = built
    # act.functions: beside, alone, report; act.derivatives: beside, report.
    assert len(list(cache.glob("figures/*/*"))) == 5
    for name in ("slides.pptx", "slides.html", "figures/act-functions.png", "figures/act-functions.svg"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_on_a_users_template_figures_are_drawn_for_its_placeholders(lecture, tmp_path, monkeypatch):
    # python-pptx's default template: 10 x 7.5 in slides, "Two Content" beside bullets, "Title Only" alone.
    monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(tmp_path / "cache"))
    Presentation().save(tmp_path / "template.pptx")
    content = tmp_path / "boxes.yaml"
    content.write_text(lecture.read_text().replace("  slug: boxes\n", "  slug: boxes\ntheme:\n  pptx_template: template.pptx\n"))
    out = build(content, tmp_path / "out")
    shown = dict(pictures(out / "slides.pptx"))
    for title in ("Beside bullets", "Alone"):
        picture = shown[title]
        width, height = drawn_inches(picture)
        scale = min(picture.width / EMU_PER_INCH / width, picture.height / EMU_PER_INCH / height)
        assert scale == pytest.approx(1, abs=0.01), title
    # Narrower than the designed master's: the template's own regions, not copied numbers.
    assert drawn_inches(shown["Beside bullets"])[0] < BESIDE.width_in - 1
    assert drawn_inches(shown["Alone"])[0] < FULL.width_in - 2
