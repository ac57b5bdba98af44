"""A wide table is set smaller rather than break its words inside ("Col|umn"), where a smaller size lets it."""

from __future__ import annotations

import re
from dataclasses import replace

from generator.deck import Deck, Slide, Table
from generator.render.pptx import render_pptx
from generator.render.pptx.style import TABLE_SIZES_PT
from generator.render.pptx.tables import plan_table
from tests.decks import meta, text, theme
from tests.office import page_texts, pptx_to_pdf

COLUMNS = 12


def wide_table() -> Table:
    header = tuple(text(f"Column {c}") for c in range(COLUMNS))
    rows = tuple(tuple(text(f"v{r}{c}") for c in range(COLUMNS)) for r in range(4))
    return Table(header=header, rows=rows)


def test_twelve_headed_columns_are_set_small_enough_to_keep_every_word_whole(tmp_path):
    slide = Slide(kind="content", layout="table", title=text("Twelve columns"), blocks=(wide_table(),), number=1)
    path = tmp_path / "wide.pptx"
    path.write_bytes(render_pptx(Deck(meta=meta(), theme=theme(), slides=(slide,))))
    (page,) = page_texts(pptx_to_pdf(path, tmp_path))
    assert len(re.findall(r"\bColumn\b", page)) == COLUMNS


def test_a_table_whose_words_fit_at_the_largest_size_keeps_it():
    narrow = replace(wide_table(), header=wide_table().header[:3], rows=tuple(row[:3] for row in wide_table().rows))
    assert plan_table(narrow, 10_000_000, theme()).size_pt == TABLE_SIZES_PT[0]
