"""How a table's columns are aligned, decided once for every renderer (PowerPoint, the HTML decks, the report).

A column whose cells are all numbers is right-aligned, its header too. Where its numbers also share a
format (plain decimals with the same sign, grouping and suffix, such as "0.25", "1.5", "2") but not the
same number of decimals, each number is padded on the right with figure spaces (U+2007, as wide as a
digit) and, where it has no decimal point, a punctuation space (U+2008, as wide as a point), so that
right-aligned they line up on the decimal point in every output. Numbers that already have the same
decimals line up by right alignment alone; numbers in different formats ("9.5 × 10⁻⁷" beside "0.35")
are right-aligned only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from generator.deck import Inline, Table, plain_text

FIGURE_SPACE = "\u2007"
PUNCTUATION_SPACE = "\u2008"

# A number as a cell shows it: a sign, digits with optional grouping (comma, thin or ordinary space), a
# decimal part, an exponent (e-notation or "× 10⁻⁷"), then an optional unit sign.
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
NUMBER = re.compile(
    r"^(?P<sign>[+\-\u2212]?)(?P<whole>\d[\d,\u202f ]*)?(?:\.(?P<decimals>\d+))?"
    rf"(?P<exponent>[eE][+\-]?\d+|\s*[×x]\s*10[{_SUPERSCRIPTS}]+)?(?P<suffix>\s*%?)$"
)


@dataclass(frozen=True)
class ColumnAlignment:
    numeric: bool  # every cell a number: right-aligned (header too), tabular figures
    decimals: int | None = None  # decimal-aligned: each number padded to this many decimals


TEXT_COLUMN = ColumnAlignment(numeric=False)


def column_count(table: Table) -> int:
    return max([len(table.header), *(len(row) for row in table.rows)])


def column_alignments(table: Table) -> tuple[ColumnAlignment, ...]:
    """Each column's alignment (a short row's missing cells are not looked at)."""
    return tuple(_alignment([row[c] for row in table.rows if c < len(row)]) for c in range(column_count(table)))


def aligned_rows(table: Table) -> tuple[tuple[Inline, ...], ...]:
    """The body rows as every renderer shows them: numbers padded where their column is decimal-aligned."""
    alignments = column_alignments(table)
    return tuple(
        tuple(_padded(cell, alignments[c].decimals) for c, cell in enumerate(row)) for row in table.rows
    )


def _alignment(cells: Sequence[Inline]) -> ColumnAlignment:
    matches = [NUMBER.match(plain_text(cell).strip()) for cell in cells]
    if not cells or not all(match and any(ch.isdigit() for ch in match.group(0)) for match in matches):
        return TEXT_COLUMN
    counts = {len(match.group("decimals") or "") for match in matches}
    formats = {(match.group("sign") != "", bool(match.group("exponent")), match.group("suffix")) for match in matches}
    plain = all(len(cell) == 1 for cell in cells)  # one run each: padding goes into its text
    if len(counts) > 1 and len(formats) == 1 and not any(exponent for _, exponent, _ in formats) and plain:
        return ColumnAlignment(numeric=True, decimals=max(counts))
    return ColumnAlignment(numeric=True)


def _padded(cell: Inline, decimals: int | None) -> Inline:
    if decimals is None or len(cell) != 1:
        return cell
    run = cell[0]
    match = NUMBER.match(run.text.strip())
    if match is None:
        return cell
    have = len(match.group("decimals") or "")
    pad = (PUNCTUATION_SPACE if have == 0 and decimals else "") + FIGURE_SPACE * (decimals - have)
    number = run.text.strip()
    suffix = match.group("suffix")
    text = number[: len(number) - len(suffix)] + pad + suffix if suffix else number + pad
    return (replace(run, text=text),)
