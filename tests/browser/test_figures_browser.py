"""Figures in the browser show their text at 12 pt (16 px) or more: on 1280x720 slides and in the report.

Each figure is drawn for its box with no text under SMALLEST_TEXT_PT (generator/figures/style.py);
here the drawn SVG's rendered width against its own width in points says how large a point of the
drawing shows, for the built lectures (default and minimal). Marked ``browser``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.figures.style import MIN_TEXT_PT, SMALLEST_TEXT_PT

pytestmark = pytest.mark.browser

CSS_PX_PER_PT = 96 / 72
MIN_TEXT_PX = MIN_TEXT_PT * CSS_PX_PER_PT  # 16 px
SCREENSHOT_DIR = Path("/tmp/figures-look")

# Each figure's drawn width in points (its viewBox) and rendered width in CSS pixels, in the stage's own
# pixels: the slides' stage is scaled to the window, so its scale is divided out.
MEASURE = """() => {
  const stage = document.querySelector('.stage');
  const scale = stage ? stage.getBoundingClientRect().width / stage.offsetWidth : 1;
  return [...document.querySelectorAll('svg.figure-svg')].map(svg => {
    const box = svg.viewBox.baseVal;
    const slide = svg.closest('[id^="slide-"]');
    return {id: slide ? slide.id : svg.id, drawn_pt: box.width, shown_px: svg.getBoundingClientRect().width / scale};
  });
}"""


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(path: Path, width: int, height: int):
        context = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("document.fonts.status === 'loaded'")
        return page

    yield opener
    for context in contexts:
        context.close()


def smallest_text_px(figure: dict) -> float:
    return SMALLEST_TEXT_PT * figure["shown_px"] / figure["drawn_pt"]


@pytest.mark.parametrize("lecture", ["deep_learning", "minimal"])
def test_slide_figures_show_text_at_16_px_or_more_on_a_1280_by_720_stage(open_page, built_lectures, lecture):
    page = open_page(built_lectures[lecture] / "slides.html", 1280, 720)
    figures = page.evaluate(MEASURE)
    assert figures, "no figure in the deck"
    small = {figure["id"]: round(smallest_text_px(figure), 1) for figure in figures
             if smallest_text_px(figure) < MIN_TEXT_PX}
    assert small == {}


@pytest.mark.parametrize("lecture", ["deep_learning", "minimal"])
def test_report_figures_fill_the_column_and_show_text_at_16_px_or_more(open_page, built_lectures, lecture):
    page = open_page(built_lectures[lecture] / "report.html", 1280, 800)
    figures = page.evaluate(MEASURE)
    assert figures
    for figure in figures:
        # Drawn for the column, at 96 px to the inch: shown at the size it was drawn.
        assert figure["shown_px"] == pytest.approx(figure["drawn_pt"] * CSS_PX_PER_PT, abs=1.5), figure
        assert smallest_text_px(figure) >= MIN_TEXT_PX


def test_screenshots_of_figure_slides_for_a_person_to_look_at(open_page, built_lectures):
    page = open_page(built_lectures["deep_learning"] / "slides.html", 1280, 720)
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    ids = page.evaluate("() => [...document.querySelectorAll('svg.figure-svg')].map(s => s.closest('section').id)")
    for slide_id in ids:
        page.goto(page.url.split("#")[0] + "#" + slide_id.removeprefix("slide-"))
        page.wait_for_timeout(100)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{slide_id}.png"))
