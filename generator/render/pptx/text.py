"""Paragraphs and runs: writing styled text into frames, and sizing it to fit.

Fitting measures each paragraph with the theme's font files (fonts.py), wraps it the way
PowerPoint and LibreOffice do (at spaces; between any two CJK characters; inside a word only
when the word alone is wider than the line), and shrinks the text in steps, never below the
floor its kind of text has. Text that does not fit even at its floor is noted for the
caller (paginate.py continues bullets on another slide, or reports the overflow)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Pt

from generator.deck import (
    Inline,
    Run,
    Theme,
)
from generator.render.math_text import tex_to_unicode
from generator.render.pptx.fonts import Face, is_east_asian, line_pitch_em, text_width_pt
from generator.render.pptx.oxml import set_east_asian_typeface
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
    colour: RGBColor | None = None
    align: PP_ALIGN | None = None
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


def write_paragraphs(text_frame, paras: Sequence[Para], theme: Theme) -> None:
    text_frame.clear()
    for index, para in enumerate(paras):
        paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
        if para.level:
            paragraph.level = para.level
        if para.align is not None:
            paragraph.alignment = para.align
        for run in para.inline:
            _add_run(paragraph, run, para, theme)


def _add_run(paragraph, run: Run, para: Para, theme: Theme) -> None:
    added = paragraph.add_run()
    # PowerPoint runs cannot hold typeset math; show its Unicode reading.
    added.text = tex_to_unicode(run.text) if run.math else run.text
    style_font(
        added,
        latin=theme.font_code if run.code else theme.font,
        east_asian=theme.font_east_asian,
        size_pt=para.size_pt,
        bold=run.bold or para.bold,
        italic=run.italic or para.italic,
        colour=None if run.href else para.colour,  # links keep the theme's link colour
    )
    if run.href:
        added.hyperlink.address = run.href


def style_font(
    run,
    *,
    latin: str,
    east_asian: str,
    size_pt=None,
    bold=False,
    italic=False,
    colour=None,
) -> None:
    font = run.font
    font.name = latin
    _set_east_asian_font(run, east_asian)
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold:
        font.bold = True
    if italic:
        font.italic = True
    if colour is not None:
        font.color.rgb = colour


def _set_east_asian_font(run, typeface: str) -> None:
    run_properties = run._r.get_or_add_rPr()
    run_properties.get_or_add_latin()  # a:ea sits beside a:latin
    set_east_asian_typeface(run_properties, typeface)


def add_text_shape(
    slide,
    box: Box,
    paras: Sequence[Para],
    theme: Theme,
    name: str,
    middle: bool = False,
):
    """A text box holding `paras`, shrunk to fit the box."""
    shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    shape.name = name
    shape.text_frame.word_wrap = True
    if middle:
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    write_paragraphs(shape.text_frame, paras, theme)
    fit_text(shape.text_frame, paras, box, PLAIN_TEXT, theme)
    return shape


def em_width(text: str, latin_em: float = LATIN_EM) -> float:
    """A font-free width estimate, for code listings sized before any font is chosen."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else latin_em for ch in text)


# --- measuring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """A stretch of a paragraph that line breaking treats as one: a word, a run of spaces, or
    one CJK character. `parts` are its (latin face, East Asian face, text) in style order."""

    parts: tuple[tuple[Face, Face, str], ...]
    is_space: bool

    def width_pt(self, size_pt: float) -> float:
        return sum(text_width_pt(text, size_pt, latin, east_asian) for latin, east_asian, text in self.parts)

    def characters(self) -> Iterator[_Piece]:
        for latin, east_asian, text in self.parts:
            for ch in text:
                yield _Piece(((latin, east_asian, ch),), False)


def _styled_characters(para: Para, theme: Theme) -> Iterator[tuple[Face, Face, str]]:
    for run in para.inline:
        bold, italic = run.bold or para.bold, run.italic or para.italic
        latin = Face(theme.font_code if run.code else theme.font, bold, italic)
        east_asian = Face(theme.font_east_asian, bold, italic)
        shown = tex_to_unicode(run.text) if run.math else run.text
        for ch in shown:
            yield latin, east_asian, ch


def _pieces(para: Para, theme: Theme) -> list[_Piece]:
    pieces: list[_Piece] = []
    current: list[tuple[Face, Face, str]] = []
    current_is_space = False

    def close() -> None:
        if current:
            pieces.append(_Piece(tuple(current), current_is_space))
            current.clear()

    for latin, east_asian, ch in _styled_characters(para, theme):
        if is_east_asian(ch):
            close()
            pieces.append(_Piece(((latin, east_asian, ch),), False))
            continue
        is_space = ch.isspace()
        if current and is_space != current_is_space:
            close()
        current_is_space = is_space
        if current and current[-1][:2] == (latin, east_asian):
            current[-1] = (latin, east_asian, current[-1][2] + ch)
        else:
            current.append((latin, east_asian, ch))
    close()
    return pieces


def wrapped_line_count(para: Para, width_pt: float, size_pt: float, theme: Theme) -> int:
    """How many lines the paragraph takes in a line `width_pt` wide, breaking as a viewer does."""
    lines, used = 1, 0.0
    for piece in _pieces(para, theme):
        width = piece.width_pt(size_pt)
        if piece.is_space or used + width <= width_pt:
            used += width  # spaces at the end of a line hang past the margin
            continue
        if used > 0:
            lines, used = lines + 1, 0.0
        if width <= width_pt:
            used = width
            continue
        for character in piece.characters():  # a word wider than the line breaks anywhere
            ch_width = character.width_pt(size_pt)
            if used > 0 and used + ch_width > width_pt:
                lines, used = lines + 1, 0.0
            used += ch_width
    return lines


def one_line_width_pt(para: Para, theme: Theme) -> float:
    """The paragraph's width set on one line, at its own size."""
    return sum(piece.width_pt(para.size_pt or 0) for piece in _pieces(para, theme))


def longest_word_pt(para: Para, theme: Theme) -> float:
    """The widest piece a line cannot break inside, at the paragraph's own size."""
    return max((piece.width_pt(para.size_pt or 0) for piece in _pieces(para, theme) if not piece.is_space), default=0.0)


def _line_pitch_pt(para: Para, size_pt: float, theme: Theme) -> float:
    # The tallest font on the line sets the pitch; CJK fonts have much taller ascent + descent.
    faces = {east_asian if is_east_asian(ch) else latin for latin, east_asian, ch in _styled_characters(para, theme)}
    faces = faces or {Face(theme.font)}
    return max([LINE_HEIGHT, *(line_pitch_em(face) for face in faces)]) * size_pt


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
        height += _paragraph_height_pt(para, wrapped_line_count(para, line_width, size, theme), size, theme)
    return height


def lines_height_pt(para: Para, lines: int, inherited: Inherited, theme: Theme) -> float:
    """The height ``lines`` lines of the paragraph take in a frame of their own, insets included
    (what text_height_pt gives the paragraph when it wraps to that many lines)."""
    size = size_at_step(para, inherited, 0)
    return 2 * INSET_Y_PT + _paragraph_height_pt(para, lines, size, theme)


def _paragraph_height_pt(para: Para, lines: int, size: float, theme: Theme) -> float:
    return lines * _line_pitch_pt(para, size, theme) + size * PARAGRAPH_SPACE


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
class Overflow:
    """Text that does not fit its box even at its floor size."""

    what: str  # "bullets", "title", or the shape's name
    size_pt: float  # the size the largest of its text was shrunk to
    box: Box
    theme: Theme


_overflows: ContextVar[list[Overflow] | None] = ContextVar("_overflows", default=None)


@contextmanager
def recording_overflows() -> Iterator[list[Overflow]]:
    """Collects every Overflow that fit_text meets while the block runs."""
    found: list[Overflow] = []
    token = _overflows.set(found)
    try:
        yield found
    finally:
        _overflows.reset(token)


def report_overflow(overflow: Overflow) -> None:
    """Notes a block that does not fit even at its smallest size, for recording_overflows()."""
    found = _overflows.get()
    if found is not None:
        found.append(overflow)


def fit_text(text_frame, paras: Sequence[Para], box: Box, inherited: Inherited, theme: Theme) -> bool:
    """Shrinks the written paragraphs until they fit the box, to their floor at most.

    The sizes are written into the runs, so every viewer shows what was measured; the frame
    keeps shrink-on-overflow, so text a user adds later in PowerPoint still fits. Says whether
    the text fits; when it does not, the overflow is recorded for recording_overflows()."""
    text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    if _is_title(text_frame):
        # Masters usually set titles bold, and bold is wider: measuring bold is the safe guess.
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
    if step > 0:
        for paragraph, para in zip(text_frame.paragraphs, paras):
            size = Pt(size_at_step(para, inherited, step))
            for run in paragraph.runs:
                run.font.size = size
    if not fits:
        smallest = max((size_at_step(para, inherited, step) for para in paras), default=0.0)
        report_overflow(Overflow(_what(text_frame, inherited), smallest, box, theme))
    return fits


def _placeholder_kind(text_frame):
    shape = text_frame._parent
    return shape.placeholder_format.type if getattr(shape, "is_placeholder", False) else None


def _is_title(text_frame) -> bool:
    return _placeholder_kind(text_frame) in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)


def _what(text_frame, inherited: Inherited) -> str:
    if inherited is BULLET_TEXT:
        return "bullets"
    if _is_title(text_frame):
        return "title"
    if _placeholder_kind(text_frame) == PP_PLACEHOLDER.SUBTITLE:
        return "subtitle"
    return text_frame._parent.name.lower()
