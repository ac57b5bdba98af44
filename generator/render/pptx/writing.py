"""Paragraphs and runs written into python-pptx text frames, at the sizes their fit found (text.py)."""

from __future__ import annotations

from collections.abc import Sequence

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Pt

from generator.deck import Run, Theme
from generator.render.pptx.geometry import Box
from generator.render.pptx.oxml import set_east_asian_typeface
from generator.render.pptx.text import Fit, Para, shown_text

_ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}


def rgb(colour) -> RGBColor | None:
    """A colour as python-pptx takes it: "RRGGBB" or "#RRGGBB" (or an RGBColor already)."""
    if colour is None or isinstance(colour, RGBColor):
        return colour
    return RGBColor.from_string(colour.lstrip("#").upper())


def write_paragraphs(text_frame, paras: Sequence[Para], theme: Theme) -> None:
    text_frame.clear()
    for index, para in enumerate(paras):
        paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
        if para.level:
            paragraph.level = para.level
        if para.align is not None:
            paragraph.alignment = _ALIGN.get(para.align, para.align)
        for run in para.inline:
            _add_run(paragraph, run, para, theme)


def _add_run(paragraph, run: Run, para: Para, theme: Theme) -> None:
    added = paragraph.add_run()
    added.text = shown_text(run)
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
        font.color.rgb = rgb(colour)


def _set_east_asian_font(run, typeface: str) -> None:
    run_properties = run._r.get_or_add_rPr()
    run_properties.get_or_add_latin()  # a:ea sits beside a:latin
    set_east_asian_typeface(run_properties, typeface)


def write_fit(text_frame, fitted: Fit) -> None:
    """The sizes the fit found, written into the runs, so every viewer shows what was measured; the
    frame keeps shrink-on-overflow, so text a user adds later in PowerPoint still fits."""
    text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    if fitted.step > 0:
        for paragraph, size_pt in zip(text_frame.paragraphs, fitted.sizes):
            size = Pt(size_pt)
            for run in paragraph.runs:
                run.font.size = size


def fill_frame(text_frame, paras: Sequence[Para], fitted: Fit, theme: Theme) -> None:
    write_paragraphs(text_frame, paras, theme)
    write_fit(text_frame, fitted)


def add_text_shape(slide, box: Box, paras: Sequence[Para], fitted: Fit, theme: Theme, name: str, middle: bool = False):
    """A text box holding `paras`, at the sizes that fit the box."""
    shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    shape.name = name
    shape.text_frame.word_wrap = True
    if middle:
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    fill_frame(shape.text_frame, paras, fitted, theme)
    return shape
