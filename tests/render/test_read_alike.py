"""A slide reads the same in every output: the checks that need no browser (slides.pptx read back with
python-pptx, LibreOffice's rendering of it, the HTML markup). tests/browser/test_read_alike_browser.py
measures the HTML side in Chromium."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches

from generator.deck import Bullet, Bullets, Equation, Slide, Table, plain_text
from generator.preview.pages import SlidePages
from generator.render.pptx.plan import title_scale
from generator.render.pptx.presentation import render_pptx
from generator.table_columns import (
    FIGURE_SPACE,
    PUNCTUATION_SPACE,
    TEXT_COLUMN,
    ColumnAlignment,
    aligned_rows,
    column_alignments,
)
from tests.decks import deck, text
from tests.office import page_words, pptx_to_pdf

LONG_TITLE = (
    "A very long slide title that goes on and on about how the vanishing gradient problem made deep "
    "networks with saturating activations hard to train for many years"
)
BULLETS = Bullets((Bullet(text("One point")), Bullet(text("Another point"))))


def test_a_long_titles_fitted_size_reaches_the_html_as_data():
    lecture = deck(
        Slide(kind="content", layout="bullets", title=text(LONG_TITLE), blocks=(BULLETS,)),
        Slide(kind="content", layout="bullets", title=text("Short"), blocks=(BULLETS,)),
    )
    scales = [title_scale(lecture, slide) for slide in lecture.slides]
    assert scales[0] < 1 and scales[1] == 1
    # The preview swaps slides by their markup in the page: a slide with a shrunk title is still found there.
    rendered = SlidePages().render(lecture, ())
    assert rendered.fragments is not None
    assert f'style="--title-fit: {scales[0]:.3f}"' in rendered.fragments[0]
    assert "--title-fit" not in rendered.fragments[1]


# --- numeric table columns -------------------------------------------------------------------------------

FACTORS = Table(
    header=(text("Factor"), text("Effect"), text("Accuracy")),
    rows=(
        (text("0.25"), text("vanishes"), text("91.2%")),
        (text("0.5"), text("vanishes"), text("64.0%")),
        (text("1"), text("stays"), text("11.3%")),
        (text("2.0"), text("explodes"), text("9.0%")),
    ),
)


def test_numbers_are_right_aligned_and_padded_to_a_common_decimal_point():
    alignments = column_alignments(FACTORS)
    assert [a.numeric for a in alignments] == [True, False, True]
    assert alignments[0].decimals == 2  # different decimals, one format: padded
    assert alignments[2].decimals is None  # the same decimals already line up
    factors = [plain_text(row[0]) for row in aligned_rows(FACTORS)]
    assert factors == ["0.25", "0.5" + FIGURE_SPACE, "1" + PUNCTUATION_SPACE + 2 * FIGURE_SPACE, "2.0" + FIGURE_SPACE]
    # A percentage column with different decimals is padded before its sign.
    percent = Table(header=(text("p"),), rows=((text("5%"),), (text("12.5%"),)))
    padded = ["5" + PUNCTUATION_SPACE + FIGURE_SPACE + "%", "12.5%"]
    assert [plain_text(row[0]) for row in aligned_rows(percent)] == padded
    # Numbers in different formats are right-aligned only; words make a column text.
    mixed = Table(header=(text("x"),), rows=((text("9.5 × 10⁻⁷"),), (text("0.35"),)))
    assert column_alignments(mixed) == (ColumnAlignment(numeric=True),)
    assert column_alignments(Table(header=(text("x"),), rows=((text("12"),), (text("n/a"),)))) == (TEXT_COLUMN,)


def factors_deck():
    return deck(Slide(kind="content", layout="table", title=text("Factors"), blocks=(FACTORS,)))


def test_powerpoint_right_aligns_numeric_columns_and_their_headers():
    prs = Presentation(io.BytesIO(render_pptx(factors_deck())))
    table = next(shape for shape in prs.slides[0].shapes if shape.has_table).table
    for r, row in enumerate(table.rows):
        aligns = [cell.text_frame.paragraphs[0].alignment for cell in row.cells]
        assert aligns == [PP_ALIGN.RIGHT, None, PP_ALIGN.RIGHT], r
    assert table.cell(3, 0).text == "1" + PUNCTUATION_SPACE + 2 * FIGURE_SPACE


@pytest.mark.slow
def test_libreoffice_shows_the_numbers_decimal_aligned(tmp_path: Path):
    """Rendered by LibreOffice: the factors (one digit before the point each) start at the same x, so their
    points line up; the percentages end at the same x."""
    pptx = tmp_path / "factors.pptx"
    pptx.write_bytes(render_pptx(factors_deck()))
    words = page_words(pptx_to_pdf(pptx, tmp_path))

    def column_under(heading: str):
        head = next(word for word in words if word.text == heading)
        table_bottom = max(word.bottom for word in words if word.text.endswith("%"))
        return [w for w in words if w.top > head.bottom - 1 and w.bottom <= table_bottom + 1
                and w.right > head.left and w.left < head.right and w is not head]

    factors = column_under("Factor")
    assert [w.text.strip(FIGURE_SPACE + PUNCTUATION_SPACE) for w in factors] == ["0.25", "0.5", "1", "2.0"], factors
    assert max(w.left for w in factors) - min(w.left for w in factors) < 1.0, factors
    percents = column_under("Accuracy")
    assert len(percents) == 4
    assert max(w.right for w in percents) - min(w.right for w in percents) < 1.0, percents


# --- display equations ------------------------------------------------------------------------------------

CHAIN_RULE = (
    Bullets((Bullet(text("Each layer multiplies the gradient")), Bullet(text("by its local derivative")))),
    Equation((r"\frac{\partial L}{\partial x} = \prod_l \sigma'(z_l) W_l",)),
)


def test_an_equation_after_bullets_follows_them_in_powerpoint():
    lecture = deck(
        Slide(kind="content", layout="bullets", title=text("The chain rule"), blocks=CHAIN_RULE),
        Slide(kind="content", layout="bullets", title=text("Alone"), blocks=CHAIN_RULE[1:]),
    )
    prs = Presentation(io.BytesIO(render_pptx(lecture)))
    shapes = {shape.name: shape for shape in prs.slides[0].shapes}
    bullets = next(s for s in prs.slides[0].shapes if s.has_text_frame and "local derivative" in s.text_frame.text)
    equation = shapes["Equation 1"]
    # Two lines of 28 pt bullets end about an inch below the box's top; the equation starts right after.
    gap = equation.top - (bullets.top + bullets.height)
    assert 0 <= gap <= Inches(0.5), Emu(gap).inches
    assert equation.top < bullets.top + Inches(1.6)
    # An equation alone is still centred in the content region.
    alone = next(s for s in prs.slides[1].shapes if s.name == "Equation 1")
    middle = alone.top + alone.height // 2
    assert abs(middle - prs.slide_height // 2) < Inches(0.8)


# --- tables using the slide -------------------------------------------------------------------------------


def test_a_short_tables_rows_stretch_to_use_the_slide_in_powerpoint():
    prs = Presentation(io.BytesIO(render_pptx(factors_deck())))
    frame = next(shape for shape in prs.slides[0].shapes if shape.has_table)
    rows = list(frame.table.rows)
    # Five one-line rows at 18 pt end in the upper half of the slide; stretched they reach into the lower half.
    assert (frame.top + sum(row.height for row in rows)) / prs.slide_height > 0.55
    assert max(row.height for row in rows) <= Inches(0.7)  # 1.5 times a row of 18 pt text, at most
    assert {cell.vertical_anchor for row in rows for cell in row.cells} == {MSO_ANCHOR.MIDDLE}


def test_the_html_draws_a_stretched_table_at_the_planned_height_and_the_preview_finds_it():
    rendered = SlidePages().render(factors_deck(), ())
    assert rendered.fragments is not None  # the preview can still swap the slide in place
    assert re.search(r'<table class="is-stretched" style="--planned-height: \d+px">', rendered.fragments[0])
