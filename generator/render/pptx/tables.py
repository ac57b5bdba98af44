"""Native tables: column widths and a font size that fit the box."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from generator.deck import (
    Inline,
    Table,
    Theme,
)
from generator.render.pptx.geometry import pt
from generator.render.pptx.style import (
    CAPTION_PT,
    EMU_PER_PT,
    INSET_X_PT,
    TABLE_SIZES_PT,
    WIDTH_SAFETY,
)
from generator.render.pptx.text import (
    PLAIN_TEXT,
    Para,
    estimated_height_pt,
    longest_word_pt,
    one_line_width_pt,
)
from generator.table_columns import aligned_rows, column_alignments, column_count


@dataclass(frozen=True)
class TablePlan:
    """A table's font size and geometry, chosen so its (estimated) text fits the cells."""

    size_pt: float
    column_widths: tuple[int, ...]
    row_heights: tuple[int, ...]
    caption_height: int
    breaks_words: bool  # some column is narrower than its longest word
    stretched: bool = False  # rows taller than their text, to use the slide (text centred in them)

    @property
    def width(self) -> int:
        return sum(self.column_widths)

    @property
    def height(self) -> int:
        return sum(self.row_heights)

    @property
    def total_height(self) -> int:
        return self.height + self.caption_height


def table_cells(table: Table) -> list[tuple[Inline, ...]]:
    """Header and rows, padded to one width: a short row still gets its cells. Numbers are padded for
    decimal alignment as every output pads them (generator/table_columns.py)."""
    rows = [table.header, *aligned_rows(table)]
    columns = column_count(table)
    return [tuple(row) + ((),) * (columns - len(row)) for row in rows]


def cell_align(table: Table) -> tuple[str | None, ...]:
    """Each column's paragraph alignment: numbers (and their header) right, the rest as the text goes."""
    return tuple("right" if alignment.numeric else None for alignment in column_alignments(table))


@functools.lru_cache(maxsize=512)  # a slide's plan asks for its tables' heights, and pagination plans it again
def plan_table(table: Table, width: int, theme: Theme, max_height: int | None = None) -> TablePlan:
    """The largest font size at which the table fits `max_height` (the smallest if none does),
    preferring one at which no word has to break inside a cell ("Col|umn") to one that is larger.

    Rows never shrink below their text, so a table that is merely given less height runs
    into whatever is placed under it."""
    rows = _cell_paras(table_cells(table))
    width = _comfortable_table_width(rows, width, theme)
    plans = [_table_plan_at(rows, table.caption, width, size, theme) for size in TABLE_SIZES_PT]
    fitting = [plan for plan in plans if max_height is None or plan.total_height <= max_height]
    whole_words = [plan for plan in fitting if not plan.breaks_words]
    return (whole_words or fitting or plans[-1:])[0]


# A table with room to spare gets rows up to this much taller than its text, so a short table uses the
# slide rather than leaving its lower half empty, without turning into a grid of mostly empty boxes.
MOST_ROW_STRETCH = 1.5


def stretched_rows(plan: TablePlan, height: int) -> TablePlan:
    """The plan with rows as much taller (alike, to MOST_ROW_STRETCH) as fills ``height``, caption included.
    The HTML decks draw the table at the same height (html/slides.with_plan_sizes)."""
    factor = min(MOST_ROW_STRETCH, (height - plan.caption_height) / plan.height) if plan.height else 1.0
    if factor <= 1.0:
        return plan
    return replace(plan, row_heights=tuple(round(row * factor) for row in plan.row_heights), stretched=True)


def _cell_paras(rows: Sequence[Sequence[Inline]]) -> list[list[Para]]:
    # Measured as the cells are written: the header row bold.
    return [[Para(inline, bold=r == 0) for inline in row] for r, row in enumerate(rows)]


def _at(para: Para, size: float) -> Para:
    return Para(para.inline, size_pt=size, bold=para.bold)


def _comfortable_table_width(rows: Sequence[Sequence[Para]], available: int, theme: Theme) -> int:
    # Three short columns stretched over a widescreen slide are hard to read across.
    size = TABLE_SIZES_PT[0]
    widest = [max(one_line_width_pt(_at(row[c], size), theme) for row in rows) for c in range(len(rows[0]))]
    wanted_pt = sum(width + 2 * INSET_X_PT for width in widest)
    return min(available, max(available // 2, pt(wanted_pt * 1.6)))


def _table_plan_at(rows: Sequence[Sequence[Para]], caption: Inline, width: int, size: float, theme: Theme) -> TablePlan:
    widths, breaks_words = _column_widths(rows, width, size, theme)
    heights = tuple(_table_row_height(row, widths, size, theme) for row in rows)
    caption_height = 0
    if caption:
        caption_height = pt(estimated_height_pt([Para(caption, size_pt=CAPTION_PT)], width, PLAIN_TEXT, theme))
    return TablePlan(size, widths, heights, caption_height, breaks_words)


def _table_row_height(row: Sequence[Para], widths: Sequence[int], size: float, theme: Theme) -> int:
    return max(pt(estimated_height_pt([_at(para, size)], width, PLAIN_TEXT, theme)) for para, width in zip(row, widths))


def _column_widths(
    rows: Sequence[Sequence[Para]], total: int, size: float, theme: Theme
) -> tuple[tuple[int, ...], bool]:
    """Each column at least as wide as its longest word; the rest shared by how much text
    a column holds, so a column of "91%" does not get as much as a column of sentences.
    Also says whether the longest words did not fit, so some break inside."""
    padding = 2 * INSET_X_PT / WIDTH_SAFETY
    columns = [[_at(row[c], size) for row in rows] for c in range(len(rows[0]))]
    minimum = [max(longest_word_pt(para, theme) for para in column) / WIDTH_SAFETY + padding for column in columns]
    wanted = [max(one_line_width_pt(para, theme) for para in column) / WIDTH_SAFETY + padding for column in columns]
    total_pt = total / EMU_PER_PT
    if sum(wanted) <= total_pt:
        points = [w * total_pt / sum(wanted) for w in wanted]
    elif sum(minimum) < total_pt:
        spare = total_pt - sum(minimum)
        extra = [w - m for w, m in zip(wanted, minimum)]
        points = [m + spare * e / sum(extra) for m, e in zip(minimum, extra)]
    else:
        points = [m * total_pt / sum(minimum) for m in minimum]
    widths = [pt(p) for p in points]
    widths[-1] = total - sum(widths[:-1])
    return tuple(widths), sum(minimum) > total_pt
