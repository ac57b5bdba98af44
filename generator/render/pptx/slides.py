"""One function per kind of slide: which layout it uses and what goes into its placeholders."""

from __future__ import annotations

from collections.abc import Sequence

from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches

from generator.deck import (
    Bullets,
    Deck,
    Inline,
    Meta,
    Slide,
    Theme,
)
from generator.render.pptx.blocks import ContentPainter, is_visual
from generator.render.pptx.geometry import Box, Grid, box_of
from generator.render.pptx.style import (
    COLUMN_GAP,
    CONTENT_SUBTITLE_HEIGHT,
    CONTENT_SUBTITLE_PT,
    CREDIT_PT,
    FOOTER_PT,
    GAP,
    MUTED,
    QUOTE_PT,
    SECTION_SUBTITLE_PT,
    SECTION_TITLE_PT,
    SLIDE_NUMBER_FIELD_ID,
    SUBTITLE_PT,
    TEXT_COLUMN_SHARE,
    TITLE_SLIDE_DETAIL_PT,
)
from generator.render.pptx.text import (
    PLAIN_TEXT,
    TITLE_TEXT,
    Inherited,
    Para,
    add_text_shape,
    fit_text,
    unstyled,
    write_paragraphs,
)


def add_slide(prs, grid: Grid, deck: Deck, slide: Slide):
    if slide.layout == "title":
        return _add_title_slide(prs, deck, slide)
    if slide.layout == "section":
        return _add_section_slide(prs, deck, slide)
    return _add_content_slide(prs, grid, deck, slide)


def _layout(prs, name: str):
    return prs.slide_layouts.get_by_name(name)


def _remove(shape) -> None:
    element = shape._element
    element.getparent().remove(element)


def _fill_placeholder(placeholder, paras: Sequence[Para], theme: Theme, inherited: Inherited) -> None:
    if not paras:
        _remove(placeholder)  # an empty placeholder shows "Click to add text" while editing
        return
    write_paragraphs(placeholder.text_frame, paras, theme)
    fit_text(placeholder.text_frame, paras, box_of(placeholder), inherited)


def _add_title_slide(prs, deck: Deck, slide: Slide):
    added = prs.slides.add_slide(_layout(prs, "Title Slide"))
    title = slide.title or unstyled(deck.meta.title)
    _fill_placeholder(added.shapes.title, [Para(title)] if title else [], deck.theme, TITLE_TEXT)
    subtitle = added.placeholders[1]
    subtitle_box = box_of(subtitle)
    _fill_placeholder(subtitle, _title_slide_lines(slide, deck.meta), deck.theme, PLAIN_TEXT)
    if deck.meta.credit:
        # The source a lecture is based on, set apart from who gives it.
        top = subtitle_box.bottom + Inches(0.1)
        box = Box(
            subtitle_box.left,
            top,
            subtitle_box.width,
            max(prs.slide_height - Inches(0.3) - top, Inches(0.4)),
        )
        credit = Para(
            unstyled(deck.meta.credit),
            size_pt=CREDIT_PT,
            colour=MUTED,
            align=PP_ALIGN.CENTER,
            italic=True,
        )
        add_text_shape(added, box, [credit], deck.theme, "Credit")
    return added


def _title_slide_lines(slide: Slide, meta: Meta) -> list[Para]:
    paras = []
    subtitle = slide.subtitle or unstyled(meta.subtitle)
    if subtitle:
        paras.append(Para(subtitle, size_pt=SUBTITLE_PT))
    details = [
        meta.author,
        meta.affiliation,
        " · ".join(part for part in (meta.series, meta.date) if part),
    ]
    paras.extend(Para(unstyled(line), size_pt=TITLE_SLIDE_DETAIL_PT) for line in details if line)
    return paras


def _add_section_slide(prs, deck: Deck, slide: Slide):
    added = prs.slides.add_slide(_layout(prs, "Section Header"))
    title = [Para(slide.title)] if slide.title else []
    _fill_placeholder(added.shapes.title, title, deck.theme, Inherited((SECTION_TITLE_PT,)))
    subtitle = [Para(slide.subtitle)] if slide.subtitle else []
    _fill_placeholder(added.placeholders[1], subtitle, deck.theme, Inherited((SECTION_SUBTITLE_PT,)))
    return added


def _add_content_slide(prs, grid: Grid, deck: Deck, slide: Slide):
    has_bullets = any(isinstance(block, Bullets) for block in slide.blocks)
    added = prs.slides.add_slide(_layout(prs, "Title and Content" if has_bullets else "Title Only"))
    _fill_placeholder(
        added.shapes.title,
        [Para(slide.title)] if slide.title else [],
        deck.theme,
        TITLE_TEXT,
    )
    region = grid.body
    if slide.subtitle and not slide.blocks:
        # A closing "Questions?" is the slide's message, not a line under its title.
        message = Para(slide.subtitle, size_pt=QUOTE_PT, align=PP_ALIGN.CENTER)
        add_text_shape(added, region, [message], deck.theme, "Subtitle", middle=True)
    elif slide.subtitle:
        subtitle_box, region = region.split_top(CONTENT_SUBTITLE_HEIGHT, GAP // 2)
        subtitle = Para(slide.subtitle, size_pt=CONTENT_SUBTITLE_PT, colour=MUTED)
        add_text_shape(added, subtitle_box, [subtitle], deck.theme, "Subtitle")
    painter = ContentPainter(added, deck.theme, grid.body)
    text_blocks = [block for block in slide.blocks if not is_visual(block)]
    visual_blocks = [block for block in slide.blocks if is_visual(block)]
    if slide.layout == "figure_bullets" and text_blocks and visual_blocks:
        text_column, visual_column = region.columns((TEXT_COLUMN_SHARE, 1 - TEXT_COLUMN_SHARE), COLUMN_GAP)
        painter.stack(text_blocks, text_column)
        painter.stack(visual_blocks, visual_column)
    else:
        painter.stack(slide.blocks, region)
    return added


def add_footer(added, grid: Grid, deck: Deck, number: int) -> None:
    footer = Para(
        unstyled(deck.meta.title),
        size_pt=FOOTER_PT,
        colour=MUTED,
        align=PP_ALIGN.CENTER,
    )
    add_text_shape(added, grid.footer, [footer], deck.theme, "Footer", middle=True)
    slide_number = Para(unstyled(str(number)), size_pt=FOOTER_PT, colour=MUTED, align=PP_ALIGN.RIGHT)
    shape = add_text_shape(added, grid.number, [slide_number], deck.theme, "Slide Number", middle=True)
    _make_slide_number_field(shape.text_frame.paragraphs[0].runs[0])


def _make_slide_number_field(run) -> None:
    # A field, not literal text: the number follows the slide when slides are reordered.
    element = run._r
    element.tag = qn("a:fld")
    element.set("id", SLIDE_NUMBER_FIELD_ID)
    element.set("type", "slidenum")


def write_notes(added, notes: Sequence[Inline], theme: Theme) -> None:
    if notes:
        write_paragraphs(
            added.notes_slide.notes_text_frame,
            [Para(paragraph) for paragraph in notes],
            theme,
        )
