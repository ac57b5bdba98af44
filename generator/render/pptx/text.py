"""Paragraphs and runs: writing styled text into frames, and sizing it to fit."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Pt

from generator.deck import (
    Inline,
    Run,
    Theme,
    plain_text,
)
from generator.render.math_text import tex_to_unicode
from generator.render.pptx.geometry import Box
from generator.render.pptx.style import (
    BODY_LEVEL_INDENT_PT,
    BODY_LEVEL_PT,
    EMU_PER_PT,
    FIT_STEPS,
    INSET_X_PT,
    INSET_Y_PT,
    LATIN_EM,
    LINE_HEIGHT,
    PARAGRAPH_SPACE,
    TITLE_PT,
    WRAP_SLACK,
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

    def size(self, level: int) -> float:
        return self.sizes_pt[min(level, len(self.sizes_pt) - 1)]

    def indent(self, level: int) -> float:
        return self.indents_pt[min(level, len(self.indents_pt) - 1)]


BULLET_TEXT = Inherited(BODY_LEVEL_PT, BODY_LEVEL_INDENT_PT)
TITLE_TEXT = Inherited((TITLE_PT,))
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
    # Without an a:ea typeface, PowerPoint draws CJK text in a fallback font, or as boxes.
    rpr = run._r.get_or_add_rPr()
    east_asian = rpr.find(qn("a:ea"))
    if east_asian is None:
        east_asian = OxmlElement("a:ea")
        rpr.get_or_add_latin().addnext(east_asian)
    east_asian.set("typeface", typeface)


def add_text_shape(
    slide,
    box: Box,
    paras: Sequence[Para],
    theme: Theme,
    name: str,
    middle: bool = False,
):
    """A text box holding `paras`, shrunk (by estimate) to fit the box."""
    shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    shape.name = name
    shape.text_frame.word_wrap = True
    if middle:
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    write_paragraphs(shape.text_frame, paras, theme)
    fit_text(shape.text_frame, paras, box, PLAIN_TEXT)
    return shape


# Fitting is an estimate: it picks a shrink factor and writes it as normAutofit, which
# PowerPoint honours when it opens the file and recomputes once the text is edited.


def em_width(text: str, latin_em: float = LATIN_EM) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else latin_em for ch in text)


def estimated_height_pt(paras: Sequence[Para], width: int, inherited: Inherited, scale: float = 1.0) -> float:
    width_pt = width / EMU_PER_PT - 2 * INSET_X_PT
    reduction = _line_spacing_reduction(scale)
    height = 2 * INSET_Y_PT
    for para in paras:
        size = (para.size_pt or inherited.size(para.level)) * scale
        usable = max(width_pt - inherited.indent(para.level), size)
        lines = max(1, math.ceil(em_width(plain_text(para.inline)) * size * WRAP_SLACK / usable))
        height += lines * size * LINE_HEIGHT * (1 - reduction) + size * PARAGRAPH_SPACE
    return height


def _line_spacing_reduction(scale: float) -> float:
    if scale >= 1:
        return 0.0
    return 0.1 if scale >= 0.7 else 0.2


def fit_text(text_frame, paras: Sequence[Para], box: Box, inherited: Inherited) -> None:
    text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    available = box.height / EMU_PER_PT
    fitting = (step for step in FIT_STEPS if estimated_height_pt(paras, box.width, inherited, step) <= available)
    scale = next(fitting, FIT_STEPS[-1])
    if scale < 1:
        autofit = text_frame._txBody.bodyPr.find(qn("a:normAutofit"))
        autofit.set("fontScale", str(round(scale * 100000)))
        autofit.set("lnSpcReduction", str(round(_line_spacing_reduction(scale) * 100000)))
