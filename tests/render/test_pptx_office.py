"""The shipped lectures' decks as LibreOffice shows them: one page per slide, each title on its
page, every picture and chart drawn. A few pages are kept as PNGs in test-artifacts/pptx/ for a
person to look at."""

from __future__ import annotations

import subprocess

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from tests.conftest import REPO
from tests.office import page_texts, pptx_to_pdf

ARTIFACTS = REPO / "test-artifacts" / "pptx"


def pictures_per_page(pdf) -> dict[int, int]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    counts: dict[int, int] = {}
    for line in listing.splitlines()[2:]:
        fields = line.split()
        if fields[2] == "image":  # soft masks (transparency) are listed as "smask"
            counts[int(fields[0])] = counts.get(int(fields[0]), 0) + 1
    return counts


def words(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.mark.slow
@pytest.mark.parametrize("lecture", ["deep_learning", "minimal"])
def test_libreoffice_shows_every_slide_title_picture_and_chart(built_lectures, lecture, tmp_path):
    source = built_lectures[lecture] / "slides.pptx"
    prs = Presentation(str(source))
    pdf = pptx_to_pdf(source, tmp_path)
    pages = page_texts(pdf)
    assert len(pages) == len(prs.slides)
    pictures = pictures_per_page(pdf)
    charts_seen = 0
    for number, (slide, page) in enumerate(zip(prs.slides, pages), start=1):
        title = slide.shapes.title.text_frame.text
        # pdftotext breaks long titles over lines and the section layout may set capitals.
        assert words(title) in words(page), (number, title)
        placed = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert pictures.get(number, 0) >= len(placed), f"slide {number}: a picture is missing from the page"
        for frame in (shape for shape in slide.shapes if shape.has_chart):
            charts_seen += 1
            chart = frame.chart
            # A drawn chart prints its series names (legend) and axis titles as text on the page.
            for series in chart.plots[0].series:
                assert words(series.name) in words(page), (number, series.name)
    if lecture == "deep_learning":
        assert charts_seen == 3  # the slides that say `chart: native`
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{lecture}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-l", str(min(len(pages), 12)), str(pdf),
         str(ARTIFACTS / lecture)],
        check=True,
    )  # fmt: skip
    assert len(list(ARTIFACTS.glob(f"{lecture}-*.png"))) == min(len(pages), 12)
