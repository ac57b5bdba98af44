"""A slide reads the same in slides.html as in slides.pptx: the HTML side in Chromium, the PowerPoint side
read back with python-pptx (tests/render/test_read_alike.py holds the PowerPoint-only checks).

These drive Debian's Chromium through Playwright (see conftest.py)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from pptx import Presentation

from generator.deck import Bullet, Bullets, DemoRun, Equation, Slide, Table, plain_text
from generator.render.html import render_report_html, render_slides_html
from generator.render.pptx.presentation import render_pptx
from generator.render.pptx.style import TITLE_PT
from tests.decks import deck, text
from tests.office import page_words, pptx_to_pdf

pytestmark = pytest.mark.browser

LONG_TITLE = (
    "A very long slide title that goes on and on about how the vanishing gradient problem made deep "
    "networks with saturating activations hard to train for many years"
)
HTML_TITLE_PX = 40  # slides.css: a content slide's title, unshrunk

# An element's font size and how many lines its text takes (the distinct tops of its text's boxes).
LINES_AND_SIZE = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
  return [parseFloat(getComputedStyle(element).fontSize), tops.size];
}"""


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(path: Path, hash_: str = "", width: int = 1280, height: int = 720):
        context = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        page.goto(path.as_uri() + hash_)
        page.wait_for_function("document.fonts.status === 'loaded'")
        return page

    yield opener
    for context in contexts:
        context.close()


def test_a_long_title_shrinks_in_html_as_in_powerpoint(open_page, tmp_path: Path):
    bullets = Bullets((Bullet(text("One point")), Bullet(text("Another point"))))
    lecture = deck(
        Slide(kind="content", layout="bullets", title=text(LONG_TITLE), blocks=(bullets,)),
        Slide(kind="content", layout="bullets", title=text("A short title"), blocks=(bullets,)),
    )
    prs = Presentation(io.BytesIO(render_pptx(lecture)))
    # A run with no size of its own takes the layout's title size.
    sizes = [slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size for slide in prs.slides]
    pptx_sizes = [size.pt if size is not None else TITLE_PT for size in sizes]
    assert pptx_sizes[0] < TITLE_PT and pptx_sizes[1] == TITLE_PT  # PowerPoint's plan shrank the long one

    path = tmp_path / "slides.html"
    path.write_text(render_slides_html(lecture), encoding="utf-8")
    page = open_page(path)
    for number, pptx_size in enumerate(pptx_sizes, start=1):
        page.keyboard.press("Home") if number == 1 else page.keyboard.press("ArrowRight")
        size_px, lines = page.eval_on_selector(f"#slide-{number} .slide-title", LINES_AND_SIZE)
        # The same share of the layout's title size in both outputs.
        assert size_px / HTML_TITLE_PX == pytest.approx(pptx_size / TITLE_PT, abs=0.01), number
        assert lines <= 3, f"slide {number}'s title takes {lines} lines"


def test_numbers_line_up_on_their_decimal_point_in_html(open_page, tmp_path: Path):
    table = Table(
        header=(text("Factor"), text("Effect"), text("Accuracy")),
        rows=(
            (text("0.25"), text("vanishes"), text("91.2%")),
            (text("0.5"), text("vanishes"), text("64.0%")),
            (text("1"), text("stays"), text("11.3%")),
            (text("2.0"), text("explodes"), text("9.0%")),
        ),
    )
    path = tmp_path / "slides.html"
    path.write_text(render_slides_html(deck(Slide(kind="content", layout="table", title=text("T"), blocks=(table,)))))
    page = open_page(path)
    # Each cell's text box: one digit before the point each, so equal left edges mean the points line up.
    boxes = page.eval_on_selector_all(
        "#slide-1 tbody tr",
        """rows => rows.map(row => Array.from(row.cells).map(cell => {
             const range = document.createRange();
             range.selectNodeContents(cell);
             const r = range.getBoundingClientRect();
             return [r.left, r.right, getComputedStyle(cell).textAlign];
           }))""",
    )
    factor_lefts = [row[0][0] for row in boxes]
    assert max(factor_lefts) - min(factor_lefts) < 0.5, factor_lefts
    percent_rights = [row[2][1] for row in boxes]
    assert max(percent_rights) - min(percent_rights) < 0.5, percent_rights
    assert {row[0][2] for row in boxes} == {"end"} and {row[1][2] for row in boxes} == {"start"}


def test_an_equation_after_bullets_follows_them_in_html(open_page, tmp_path: Path):
    blocks = (
        Bullets((Bullet(text("Each layer multiplies the gradient")), Bullet(text("by its local derivative")))),
        Equation((r"\frac{\partial L}{\partial x} = \prod_l \sigma'(z_l) W_l",)),
    )
    path = tmp_path / "slides.html"
    slide = Slide(kind="content", layout="bullets", title=text("Chain"), blocks=blocks)
    path.write_text(render_slides_html(deck(slide)))
    page = open_page(path)
    last_bullet = page.locator("#slide-1 li").last.bounding_box()
    equation = page.locator("#slide-1 .block-equation math").first.bounding_box()
    gap = equation["y"] - (last_bullet["y"] + last_bullet["height"])
    assert 0 <= gap < 40, gap  # about the column's gap (0.7 em), not the half slide below


# The parameters of the default lecture's widest demo, as the provenance appendix lists them.
LONG_PARAMETERS = (
    ("depths", "[2, 4, 8, 16, 32]"),
    ("weight_scales", "[0.5, 1.0, 1.5, 2.0]"),
    ("lrs", "[0.001, 0.01, 0.1]"),
    ("activations", '["sigmoid", "tanh", "relu"]'),
    ("initialisations", '["default", "xavier", "kaiming"]'),
    ("dataset", '"digits"'),
)


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_provenance_table_shows_every_parameter_on_a_desktop(open_page, tmp_path: Path, width: int):
    run = DemoRun(name="exploding_gradients", kind="exploding_gradients", device="cuda", device_name="NVIDIA H200",
                  seed=1234, wall_s=83.4, from_cache=False, params=LONG_PARAMETERS, versions=(("torch", "2.5.1"),))
    lecture = replace(deck(Slide(kind="content", layout="bullets", title=text("T"), blocks=())), demo_runs=(run,))
    path = tmp_path / "report.html"
    path.write_text(render_report_html(lecture), encoding="utf-8")
    page = open_page(path, width=width, height=800)
    box = page.locator(".table-scroll:has(> .provenance-runs)")
    scroll_width, client_width = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert scroll_width <= client_width + 1, "the demo runs scroll sideways: some of the table is hidden"
    right = box.bounding_box()["x"] + box.bounding_box()["width"]
    params = page.locator(".params li").evaluate_all("lis => lis.map(li => li.getBoundingClientRect().right)")
    assert len(params) == len(LONG_PARAMETERS) and max(params) <= right + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# Tables of the default lecture: a short one, sentences in three columns, and numbers in six.
TABLES = {
    "Accuracy by depth": Table(
        header=(text("Activation"), text("Depth 4"), text("Depth 8"), text("Depth 16")),
        rows=tuple(tuple(text(c) for c in row) for row in (
            ("sigmoid", "91.2%", "64.0%", "11.3%"),
            ("tanh", "93.5%", "90.1%", "71.8%"),
            ("ReLU", "95.1%", "95.8%", "94.9%"),
        )),
    ),
    "Classic and deep": Table(
        header=(text("Aspect"), text("Classic machine learning"), text("Deep learning")),
        rows=tuple(tuple(text(cell) for cell in row) for row in (
            ("Features", "Designed by experts", "Learned from data"),
            ("Data needed", "Often hundreds to thousands of examples", "Usually many thousands or more"),
            ("Hardware", "An ordinary CPU", "GPUs, fast storage, large RAM"),
            ("Changing behaviour", "Often means rewriting the method", "Retrain or fine-tune the parameters"),
            ("Prior knowledge", "Encoded in features and rules", "Only through data and architecture"),
            ("Interpretability", "Often readable (trees, linear weights)", "Largely a black box"),
        )),
    ),
    "Rates": Table(
        header=tuple(text(h) for h in ("Network", "Hidden layers", "lr 0.01", "lr 0.03", "lr 0.1", "lr 0.3")),
        rows=tuple(tuple(text(c) for c in (name, depth, "91.2%", "93.0%", "95.5%", "12.0%"))
                   for name in ("sigmoid (default)", "relu (he)") for depth in ("2", "4", "8")),
    ),
}


@pytest.mark.slow
def test_a_table_takes_the_same_share_of_the_slide_in_powerpoint_and_html(open_page, tmp_path: Path):
    """Where each table's last row ends, as a share of the slide's height: LibreOffice's rendering of
    slides.pptx against Chromium's of slides.html."""
    lecture = deck(*(Slide(kind="content", layout="table", title=text(title), blocks=(table,))
                     for title, table in TABLES.items()))
    pptx = tmp_path / "tables.pptx"
    pptx.write_bytes(render_pptx(lecture))
    slide_height_pt = Presentation(io.BytesIO(pptx.read_bytes())).slide_height.pt
    words = page_words(pptx_to_pdf(pptx, tmp_path))
    path = tmp_path / "slides.html"
    path.write_text(render_slides_html(lecture), encoding="utf-8")
    page = open_page(path)
    for number, table in enumerate(TABLES.values(), start=1):
        last_row = {plain_text(cell) for cell in table.rows[-1]}
        on_page = [w for w in words if w.page == number]
        bottom = max(w.bottom for w in on_page if w.text in " ".join(last_row).split())
        pptx_share = bottom / slide_height_pt
        page.goto(path.as_uri() + f"#{number}")
        html_share = page.eval_on_selector(
            f"#slide-{number}",
            """slide => {
                 const row = slide.querySelector('tbody tr:last-child');
                 const range = document.createRange();
                 range.selectNodeContents(row);
                 const s = slide.getBoundingClientRect();
                 return (range.getBoundingClientRect().bottom - s.top) / s.height;
               }""",
        )
        assert pptx_share == pytest.approx(html_share, abs=0.06), (number, pptx_share, html_share)
        # Rows stretched to use the slide: no table ends in the upper half (a short one did, at 47%).
        assert pptx_share > 0.55 and html_share > 0.55, (number, pptx_share, html_share)
