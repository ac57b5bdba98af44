"""Native tables: column widths and a font size that fit the box."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from generator.deck import (
    Inline,
    Table,
    plain_text,
)
from generator.render.pptx.geometry import pt
from generator.render.pptx.style import (
    BOLD_WIDTH,
    CAPTION_PT,
    EMU_PER_PT,
    INSET_X_PT,
    INSET_Y_PT,
    LATIN_EM,
    LINE_HEIGHT,
    TABLE_SIZES_PT,
    WRAP_SLACK,
)
from generator.render.pptx.text import (
    PLAIN_TEXT,
    Para,
    em_width,
    estimated_height_pt,
)


@dataclass(frozen=True)
class TablePlan:
    """A table's font size and geometry, chosen so its (estimated) text fits the cells."""

    size_pt: float
    column_widths: tuple[int, ...]
    row_heights: tuple[int, ...]
    caption_height: int

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
    """Header and rows, padded to one width: a short row still gets its cells."""
    rows = [table.header, *table.rows]
    columns = max(len(row) for row in rows)
    return [tuple(row) + ((),) * (columns - len(row)) for row in rows]


def plan_table(table: Table, width: int, max_height: int | None = None) -> TablePlan:
    """The largest font size at which the table fits `max_height` (the smallest if none does).

    Rows never shrink below their text, so a table that is merely given less height runs
    into whatever is placed under it."""
    rows = table_cells(table)
    width = _comfortable_table_width(rows, width)
    for size in TABLE_SIZES_PT:
        plan = _table_plan_at(rows, table.caption, width, size)
        if max_height is None or plan.total_height <= max_height:
            break
    return plan


def _comfortable_table_width(rows: Sequence[Sequence[Inline]], available: int) -> int:
    # Three short columns stretched over a widescreen slide are hard to read across.
    widest = [max(em_width(plain_text(row[c])) for row in rows) for c in range(len(rows[0]))]
    wanted_pt = sum(em * TABLE_SIZES_PT[0] + 2 * INSET_X_PT for em in widest)
    return min(available, max(available // 2, pt(wanted_pt * 1.6)))


def _table_plan_at(rows: Sequence[Sequence[Inline]], caption: Inline, width: int, size: float) -> TablePlan:
    widths = _column_widths(rows, width, size)
    heights = tuple(_table_row_height(row, widths, size) for row in rows)
    caption_height = 0
    if caption:
        caption_height = pt(estimated_height_pt([Para(caption, size_pt=CAPTION_PT)], width, PLAIN_TEXT))
    return TablePlan(size, widths, heights, caption_height)


def _table_row_height(row: Sequence[Inline], widths: Sequence[int], size: float) -> int:
    lines = max(_wrapped_lines(plain_text(inline), width, size) for inline, width in zip(row, widths))
    return pt(lines * size * LINE_HEIGHT + 2 * INSET_Y_PT)


def _wrapped_lines(text: str, width: int, size: float) -> int:
    usable = max(width / EMU_PER_PT - 2 * INSET_X_PT, size)
    return max(1, math.ceil(em_width(text) * size * BOLD_WIDTH * WRAP_SLACK / usable))


def _column_widths(rows: Sequence[Sequence[Inline]], total: int, size: float) -> tuple[int, ...]:
    """Each column at least as wide as its longest word; the rest shared by how much text
    a column holds, so a column of "91%" does not get as much as a column of sentences."""
    padding = 2 * INSET_X_PT
    texts = [[plain_text(row[c]) for row in rows] for c in range(len(rows[0]))]
    minimum = [max(_longest_word_em(text) for text in column) * size * BOLD_WIDTH + padding for column in texts]
    wanted = [max(em_width(text) for text in column) * size * WRAP_SLACK + padding for column in texts]
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
    return tuple(widths)


def _longest_word_em(text: str) -> float:
    # CJK text breaks between any two characters, so each one is a word of its own.
    longest = current = 0.0
    for ch in text:
        if ch.isspace():
            current = 0.0
        elif unicodedata.east_asian_width(ch) in "WF":
            current = 0.0
            longest = max(longest, 1.0)
        else:
            current += LATIN_EM
            longest = max(longest, current)
    return longest
