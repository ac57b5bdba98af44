"""slides.pptx, slides.html, slides.reveal.html and slides.pdf show the same slides: an overfull slide is split
once, in the Deck, and no HTML slide then needs to scroll or clip."""

from __future__ import annotations

import html
import io
import re
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from generator.build import BuildOptions, build
from tests.conftest import DEFAULT_LECTURE, FIXTURES, MINIMAL, REPO
from tests.office import page_texts

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REVEAL_PACKAGE = REPO / "tests" / "js" / "node_modules" / "reveal.js"
LECTURES = {"deep_learning": DEFAULT_LECTURE, "minimal": MINIMAL, "overfull": FIXTURES / "good" / "overfull.yaml"}
SECTION_LABEL = re.compile(r'<section class="slide[^"]*"[^>]*aria-label="(\d+) / (\d+): ([^"]*)"')


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    output = tmp_path_factory.mktemp("agree")
    cache = tmp_path_factory.getbasetemp() / "lecturegen-cache"
    folders = {}
    for name, content in LECTURES.items():
        options = BuildOptions(content=content, output_dir=output, formats=("pptx", "html", "revealjs", "pdf"),
                               profile="quick", device="cpu", cache_dir=cache, revealjs_url=str(REVEAL_PACKAGE))
        folders[name] = build(options).lecture_dir
    return folders


def pptx_titles(folder: Path) -> list[str]:
    prs = Presentation(io.BytesIO((folder / "slides.pptx").read_bytes()))
    return [" ".join(slide.shapes.title.text_frame.text.split()) if slide.shapes.title is not None else ""
            for slide in prs.slides]


def html_titles(page: Path) -> list[str]:
    labels = SECTION_LABEL.findall(page.read_text(encoding="utf-8"))
    assert [int(number) for number, _, _ in labels] == list(range(1, len(labels) + 1))
    assert {int(total) for _, total, _ in labels} == {len(labels)}
    return [" ".join(html.unescape(title).split()) for _, _, title in labels]


@pytest.mark.parametrize("name", LECTURES)
def test_every_output_has_the_same_slides_in_the_same_order(built, name):
    folder = built[name]
    titles = pptx_titles(folder)
    assert html_titles(folder / "slides.html") == titles
    assert html_titles(folder / "slides.reveal.html") == titles
    pages = page_texts(folder / "slides.pdf")
    assert len(pages) == len(titles)
    for page, title in zip(pages, titles):
        assert title.split()[0] in page  # each printed page starts the slide of that title


def test_the_overfull_slide_is_continued_in_every_output(built):
    titles = pptx_titles(built["overfull"])
    assert "Thirty points" in titles and "Thirty points (cont.)" in titles
    printed = "\n".join(page_texts(built["overfull"] / "slides.pdf"))
    assert all(f"Point {i:02d}:" in printed for i in range(1, 31))


# Whether a slide's text stays inside it, and whether anything in it scrolls or clips its content.
MEASURE = """() => {
  const slide = document.querySelector('section.slide.is-current');
  const frame = slide.getBoundingClientRect();
  const outside = [];
  for (const element of slide.querySelectorAll('h1, h2, p, li, figcaption, td, th, pre, blockquote')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1 || box.bottom > frame.bottom + 1)
      outside.push(element.textContent.trim().slice(0, 40));
  }
  const scrolling = [...slide.querySelectorAll('*')].filter(
    (element) => element.scrollHeight > element.clientHeight + 2 && getComputedStyle(element).overflowY !== 'visible'
  ).map((element) => element.className || element.tagName);
  return {overflowing: slide.classList.contains('is-overflowing'), outside, scrolling};
}"""


@pytest.mark.parametrize("viewport", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("name", LECTURES)
def test_no_html_slide_scrolls_or_spills_out_of_its_frame(browser, built, name, viewport):
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
    page = context.new_page()
    page.goto((built[name] / "slides.html").as_uri() + "#1")
    page.wait_for_function("document.fonts.status === 'loaded'")
    count = page.locator("section.slide").count()
    problems = {}
    for number in range(1, count + 1):
        page.evaluate(f"location.hash = '#{number}'")
        page.wait_for_function(f"document.querySelector('section.slide.is-current').id === 'slide-{number}'")
        measured = page.evaluate(MEASURE)
        if measured["overflowing"] or measured["outside"] or measured["scrolling"]:
            problems[number] = measured
    context.close()
    assert problems == {}
