"""Paragraphs, and how much room they take: measuring text and sizing it to fit, without python-pptx.

Fitting measures each paragraph with the theme's font files (fonts.py), wraps it the way
PowerPoint and LibreOffice do (at spaces; between any two CJK characters; inside a word only
when the word alone is wider than the line), and shrinks the text in steps, never below the
floor its kind of text has (:func:`fit`). Each text is measured once; what does not fit even at
its floor is an :class:`Overflow` in the slide's plan (plan.py), which paginate.py continues on
another slide or reports. writing.py writes the paragraphs, at the sizes found, with python-pptx.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from generator.deck import (
    Inline,
    Run,
    Theme,
)
from generator.render.math_text import tex_to_unicode
from generator.render.pptx.fonts import Face, em_width_of, is_east_asian, line_pitch_em, script_chunks
from generator.render.pptx.geometry import Box
from generator.render.pptx.style import (
    BODY_FLOOR_PT,
    BODY_LEVEL_INDENT_PT,
    BODY_LEVEL_PT,
    EMU_PER_PT,
    FIT_STEP_PT,
    INSET_X_PT,
    INSET_Y_PT,
    LATIN_EM,
    LINE_HEIGHT,
    PARAGRAPH_SPACE,
    SMALL_PRINT_FLOOR_PT,
    TEXT_FLOOR_PT,
    TITLE_FLOOR_PT,
    TITLE_PT,
    WIDTH_SAFETY,
)


@dataclass(frozen=True)
class Para:
    """One paragraph to write: its runs and what it overrides of the inherited style."""

    inline: Inline
    level: int = 0
    size_pt: float | None = None  # None: the placeholder's (master's) size
    colour: Any = None  # "RRGGBB" (style.py's colours) or a python-pptx RGBColor; None: inherited
    align: Any = None  # "left", "center", "right" or a python-pptx PP_ALIGN; None: inherited
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Inherited:
    """What a text frame gives paragraphs that set nothing themselves, per outline level."""

    sizes_pt: tuple[float, ...]
    indents_pt: tuple[float, ...] = (0.0,)
    floor_pt: float = TEXT_FLOOR_PT  # shrinking stops here (text set smaller than this is never shrunk)

    def size(self, level: int) -> float:
        return self.sizes_pt[min(level, len(self.sizes_pt) - 1)]

    def indent(self, level: int) -> float:
        return self.indents_pt[min(level, len(self.indents_pt) - 1)]


BULLET_TEXT = Inherited(BODY_LEVEL_PT, BODY_LEVEL_INDENT_PT, BODY_FLOOR_PT)
TITLE_TEXT = Inherited((TITLE_PT,), floor_pt=TITLE_FLOOR_PT)
PLAIN_TEXT = Inherited((18,))  # python-pptx's text boxes; every Para here sets its size anyway


def unstyled(text: str) -> Inline:
    return (Run(text),) if text else ()


def em_width(text: str, latin_em: float = LATIN_EM) -> float:
    """A font-free width estimate, for code listings sized before any font is chosen."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else latin_em for ch in text)


def shown_text(run: Run) -> str:
    """A run's text as a slide shows it: PowerPoint runs cannot hold typeset math, so math is its Unicode reading."""
    return tex_to_unicode(run.text) if run.math else run.text


# --- measuring ---------------------------------------------------------------------------
#
# Each paragraph's text is measured once (per theme fonts): cut into the pieces line breaking
# treats as one, each with its advance in em. Line counts, heights and fits at any width and size
# are then arithmetic on those numbers, done in the same order as measuring them at that size
# would be, so they come out the same to the last bit.


@dataclass(frozen=True)
class _Piece:
    """A stretch of a paragraph that line breaking treats as one: a word, a run of spaces, or
    one CJK character. `parts` are its (latin face, East Asian face, text) in style order, and
    `ems` their advances in em."""

    parts: tuple[tuple[Face, Face, str], ...]
    is_space: bool
    ems: tuple[float, ...]

    def width_pt(self, size_pt: float) -> float:
        return sum(em * size_pt for em in self.ems)

    def character_widths_pt(self, size_pt: float) -> list[float]:
        return [_text_em(ch, latin, east_asian) * size_pt for latin, east_asian, text in self.parts for ch in text]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per measured text, cached
class Measured:
    pieces: tuple[_Piece, ...]
    pitch_em: float  # the line pitch in em: the tallest face on the line sets it


def _text_em(text: str, latin: Face, east_asian: Face) -> float:
    """The advance of `text` in em, East Asian characters in the East Asian face."""
    if text.isascii():  # no East Asian character: one stretch in the Latin face
        return sum((em_width_of(latin, text),))
    return sum(em_width_of(face, chunk) for face, chunk in script_chunks(text, latin, east_asian))


_STRETCHES = re.compile(r"\s+|\S+")  # \s is exactly str.isspace()


def _stretches(text: str) -> list[str]:
    """`text` cut into stretches each all spaces or all other characters, and each East Asian
    character alone (an ASCII text has none: its stretches are its words and its spaces)."""
    return _STRETCHES.findall(text) if text.isascii() else list(text)


def measured(para: Para, theme: Theme) -> Measured:
    return _measure(para.inline, para.bold, para.italic, theme.font, theme.font_code, theme.font_east_asian)


@functools.lru_cache(maxsize=8192)
def _measure(inline: Inline, bold: bool, italic: bool, font: str, font_code: str, font_east_asian: str) -> Measured:
    styled: list[tuple[Face, Face, str]] = []  # (latin face, East Asian face, stretch)
    for run in inline:
        run_bold, run_italic = run.bold or bold, run.italic or italic
        latin = Face(font_code if run.code else font, run_bold, run_italic)
        east_asian = Face(font_east_asian, run_bold, run_italic)
        styled.extend((latin, east_asian, stretch) for stretch in _stretches(shown_text(run)))
    pieces: list[tuple[tuple[Face, Face, str], ...]] = []
    spaces: list[bool] = []
    current: list[tuple[Face, Face, str]] = []
    current_is_space = False

    def close() -> None:
        if current:
            pieces.append(tuple(current))
            spaces.append(current_is_space)
            current.clear()

    faces: set[Face] = set()
    for latin, east_asian, stretch in styled:
        if len(stretch) == 1 and is_east_asian(stretch):
            faces.add(east_asian)
            close()
            pieces.append(((latin, east_asian, stretch),))
            spaces.append(False)
            continue
        faces.add(latin)
        is_space = stretch[0].isspace()
        if current and is_space != current_is_space:
            close()
        current_is_space = is_space
        if current and current[-1][:2] == (latin, east_asian):
            current[-1] = (latin, east_asian, current[-1][2] + stretch)
        else:
            current.append((latin, east_asian, stretch))
    close()
    measured_pieces = tuple(
        _Piece(parts, is_space, tuple(_text_em(text, latin, east_asian) for latin, east_asian, text in parts))
        for parts, is_space in zip(pieces, spaces)
    )
    faces = faces or {Face(font)}
    return Measured(measured_pieces, max([LINE_HEIGHT, *(line_pitch_em(face) for face in faces)]))


def wrapped_line_count(para: Para, width_pt: float, size_pt: float, theme: Theme) -> int:
    """How many lines the paragraph takes in a line `width_pt` wide, breaking as a viewer does."""
    return _line_count(measured(para, theme), width_pt, size_pt)


@functools.lru_cache(maxsize=65536)
def _line_count(text: Measured, width_pt: float, size_pt: float) -> int:
    lines, used = 1, 0.0
    for piece in text.pieces:
        width = piece.width_pt(size_pt)
        if piece.is_space or used + width <= width_pt:
            used += width  # spaces at the end of a line hang past the margin
            continue
        if used > 0:
            lines, used = lines + 1, 0.0
        if width <= width_pt:
            used = width
            continue
        for ch_width in piece.character_widths_pt(size_pt):  # a word wider than the line breaks anywhere
            if used > 0 and used + ch_width > width_pt:
                lines, used = lines + 1, 0.0
            used += ch_width
    return lines


def one_line_width_pt(para: Para, theme: Theme) -> float:
    """The paragraph's width set on one line, at its own size."""
    return sum(piece.width_pt(para.size_pt or 0) for piece in measured(para, theme).pieces)


def longest_word_pt(para: Para, theme: Theme) -> float:
    """The widest piece a line cannot break inside, at the paragraph's own size."""
    pieces = measured(para, theme).pieces
    return max((piece.width_pt(para.size_pt or 0) for piece in pieces if not piece.is_space), default=0.0)


def _floor(size: float, inherited: Inherited) -> float:
    # Small print (a credit line, a footer) is already below the floor; it may shrink a little further.
    return inherited.floor_pt if size >= inherited.floor_pt else min(size, SMALL_PRINT_FLOOR_PT)


def size_at_step(para: Para, inherited: Inherited, step: int) -> float:
    """The paragraph's size after `step` shrinking steps: FIT_STEP_PT smaller each, down to its floor."""
    size = para.size_pt or inherited.size(para.level)
    return max(_floor(size, inherited), size - step * FIT_STEP_PT)


def steps_to_floor(paras: Sequence[Para], inherited: Inherited) -> int:
    sizes = [para.size_pt or inherited.size(para.level) for para in paras]
    return max((int(-(-(size - _floor(size, inherited)) // FIT_STEP_PT)) for size in sizes), default=0)


def text_height_pt(paras: Sequence[Para], width: int, inherited: Inherited, theme: Theme, step: int = 0) -> float:
    """The height the paragraphs take in a frame `width` EMU wide, insets included."""
    frame_width_pt = (width / EMU_PER_PT - 2 * INSET_X_PT) * WIDTH_SAFETY
    height = 2 * INSET_Y_PT
    for para in paras:
        size = size_at_step(para, inherited, step)
        line_width = max(frame_width_pt - inherited.indent(para.level), size)
        text = measured(para, theme)
        height += _paragraph_height_pt(text, _line_count(text, line_width, size), size)
    return height


def lines_height_pt(para: Para, lines: int, inherited: Inherited, theme: Theme) -> float:
    """The height ``lines`` lines of the paragraph take in a frame of their own, insets included
    (what text_height_pt gives the paragraph when it wraps to that many lines)."""
    size = size_at_step(para, inherited, 0)
    return 2 * INSET_Y_PT + _paragraph_height_pt(measured(para, theme), lines, size)


def _paragraph_height_pt(text: Measured, lines: int, size: float) -> float:
    return lines * (text.pitch_em * size) + size * PARAGRAPH_SPACE


def estimated_height_pt(paras: Sequence[Para], width: int, inherited: Inherited, theme: Theme) -> float:
    """The height the paragraphs want at their full size (how much room to offer them)."""
    return text_height_pt(paras, width, inherited, theme)


# Boxes are whole EMU: a box sized from a text's own height may come out a hair smaller.
_ROUNDING_PT = 0.05


def fits_at_floor(paras: Sequence[Para], box: Box, inherited: Inherited, theme: Theme) -> bool:
    step = steps_to_floor(paras, inherited)
    return text_height_pt(paras, box.width, inherited, theme, step) <= box.height / EMU_PER_PT + _ROUNDING_PT


# --- fitting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """The shrinking that fits paragraphs into a box: how many steps, and each paragraph's size then."""

    step: int
    fits: bool  # False: even at the floor the text is too tall (the sizes are the floor's)
    sizes: tuple[float, ...] = field(default=())

    @property
    def smallest(self) -> float:
        """The size the largest of the text was shrunk to."""
        return max(self.sizes, default=0.0)


def fit(paras: Sequence[Para], box: Box, inherited: Inherited, theme: Theme, title: bool = False) -> Fit:
    """The fewest shrinking steps at which the paragraphs fit the box, to their floor at most.

    A title is measured bold (masters usually set titles bold, and bold is wider: the safe guess)
    and never shrinks below the title floor."""
    return _fit(tuple(paras), box, inherited, theme, title)


@functools.lru_cache(maxsize=4096)  # pagination plans a slide, and the renderer plans it again to draw it
def _fit(paras: tuple[Para, ...], box: Box, inherited: Inherited, theme: Theme, title: bool) -> Fit:
    if title:
        paras = [replace(para, bold=True) for para in paras]
        inherited = replace(inherited, floor_pt=max(inherited.floor_pt, TITLE_FLOOR_PT))
    available = box.height / EMU_PER_PT + _ROUNDING_PT
    last = steps_to_floor(paras, inherited)
    step = next(
        (step for step in range(last + 1) if text_height_pt(paras, box.width, inherited, theme, step) <= available),
        None,
    )
    fits = step is not None
    if step is None:
        step = last
    return Fit(step, fits, tuple(size_at_step(para, inherited, step) for para in paras))


@dataclass(frozen=True)
class Overflow:
    """Text that does not fit its box even at its floor size."""

    what: str  # "bullets", "title", or the shape's name
    size_pt: float  # the size the largest of its text was shrunk to
    box: Box
    theme: Theme
