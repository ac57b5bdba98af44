"""One function per kind of slide: which layout it uses and what goes into its placeholders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches

from generator.deck import (
    Deck,
    Inline,
    Meta,
    Slide,
    Theme,
)
from generator.errors import BuildError
from generator.render.pptx.blocks import ContentPainter, picture_room
from generator.render.pptx.geometry import TITLES, Box, Frame, box_of, frame_of, move
from generator.render.pptx.layouts import LAYOUT_NAMES, TEMPLATE_LAYOUT_DEFAULTS
from generator.slide_layouts import slide_columns
from generator.render.pptx.master import all_layouts, presentation_for
from generator.render.pptx.oxml import make_slide_number_field, remove_shape
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
    TITLE_SLIDE_PT,
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

# A title slide's second line, a section's subtitle: a subtitle placeholder, else a body.
SUBTITLES = (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)


def choose_layout(prs, theme: Theme, slide: Slide):
    """The slide layout a slide is built on: the one the slide names, else its kind's."""
    names: dict[str, object] = {}
    for layout in all_layouts(prs):
        names.setdefault(layout.name, layout)  # two masters may both have a "Title Slide": the first wins
    named = slide.pptx_layout or dict(theme.pptx_layouts).get(slide.layout)
    if named:
        wanted = [named]
    elif theme.pptx_template:
        wanted = list(TEMPLATE_LAYOUT_DEFAULTS[slide.layout])
    else:
        wanted = [LAYOUT_NAMES[slide.layout]]
    layout = next((names[name] for name in wanted if name in names), None)
    if layout is not None:
        return layout
    if named or not theme.pptx_template:
        listed = ", ".join(repr(name) for name in names)
        raise BuildError(f"slide {slide.number}: no layout named {wanted[0]!r}; the layouts are: {listed}")
    # A template with none of the usual names: a layout with a title, else the first one.
    return next((layout for layout in names.values() if _placeholder(layout, TITLES)), next(iter(names.values())))


def add_slide(prs, deck: Deck, slide: Slide):
    layout = choose_layout(prs, deck.theme, slide)
    frame = frame_of(prs, layout)
    added = prs.slides.add_slide(layout)
    _pin_placeholders_sharing_an_index(added, layout)
    _add_master_title_where_the_layout_has_none(added, layout, frame)
    if slide.layout == "title":
        _fill_title_slide(added, frame, prs, deck, slide)
    elif slide.layout == "section":
        _fill_section_slide(added, frame, deck, slide)
    else:
        _fill_content_slide(added, frame, deck, slide)
    _remove_empty_placeholders(added)
    return added, frame


def _pin_placeholders_sharing_an_index(added, layout) -> None:
    """Gives each cloned placeholder its layout placeholder's box when indices repeat.

    LibreOffice writes idx 0 on a layout's title and on its content placeholders alike; a slide
    placeholder finds its position by idx, so without this the content would sit on the title."""
    cloned = list(layout.iter_cloneable_placeholders())
    indices = [placeholder.placeholder_format.idx for placeholder in cloned]
    if len(set(indices)) == len(indices):
        return
    in_order = [shape for shape in added.shapes if shape.is_placeholder]  # .placeholders sorts by idx
    for placeholder, source in zip(in_order, cloned):
        move(placeholder, box_of(source))


def _add_master_title_where_the_layout_has_none(added, layout, frame: Frame) -> None:
    """Every slide has a title; on a layout without one ("Blank") it is the master's title placeholder,
    placed where the master keeps it, so the title still shows and still counts as the slide's title."""
    master_title = _placeholder(layout.slide_master, TITLES)
    if _placeholder(layout, TITLES) is not None or master_title is None or frame.title is None:
        return
    added.shapes.clone_placeholder(master_title)
    move(_placeholder(added, TITLES), frame.title)


def _placeholder(owner, kinds):
    return next((ph for ph in owner.placeholders if ph.placeholder_format.type in kinds), None)


def _remove_empty_placeholders(added) -> None:
    # An empty placeholder shows "Click to add text" (or "Click icon to add picture") while editing.
    for placeholder in list(added.placeholders):
        if placeholder.has_text_frame and not placeholder.text_frame.text.strip():
            remove_shape(placeholder)


def _fill_placeholder(placeholder, paras: Sequence[Para], theme: Theme, inherited: Inherited) -> None:
    if placeholder is None or not paras:
        return
    write_paragraphs(placeholder.text_frame, paras, theme)
    fit_text(placeholder.text_frame, paras, box_of(placeholder), inherited, theme)


def _fill_title_slide(added, frame: Frame, prs, deck: Deck, slide: Slide) -> None:
    title = slide.title or unstyled(deck.meta.title)
    title_size = Inherited((TITLE_SLIDE_PT,))
    _fill_placeholder(_placeholder(added, TITLES), [Para(title)] if title else [], deck.theme, title_size)
    subtitle = _placeholder(added, SUBTITLES)
    lines = _title_slide_lines(slide, deck.meta)
    if subtitle is None:
        below_title = frame.title.bottom if frame.title else prs.slide_height // 3
        subtitle_box = Box(frame.content.left, below_title + GAP, frame.content.width, Inches(2))
        if lines:
            add_text_shape(added, subtitle_box, lines, deck.theme, "Subtitle")
    else:
        subtitle_box = box_of(subtitle)
        _fill_placeholder(subtitle, lines, deck.theme, PLAIN_TEXT)
    if deck.meta.credit:
        # The source a lecture is based on, set apart from who gives it.
        top = subtitle_box.bottom + Inches(0.1)
        box = Box(
            subtitle_box.left,
            top,
            subtitle_box.width,
            max(prs.slide_height - Inches(0.3) - top, Inches(0.4)),
        )
        credit = Para(unstyled(deck.meta.credit), size_pt=CREDIT_PT, colour=MUTED, italic=True)
        add_text_shape(added, box, [credit], deck.theme, "Credit")


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
    paras.extend(Para(unstyled(line), size_pt=TITLE_SLIDE_DETAIL_PT, colour=MUTED) for line in details if line)
    return paras


def _fill_section_slide(added, frame: Frame, deck: Deck, slide: Slide) -> None:
    title = [Para(slide.title)] if slide.title else []
    _fill_placeholder(_placeholder(added, TITLES), title, deck.theme, Inherited((SECTION_TITLE_PT,)))
    subtitle = [Para(slide.subtitle)] if slide.subtitle else []
    placeholder = _placeholder(added, SUBTITLES)
    if placeholder is not None:
        _fill_placeholder(placeholder, subtitle, deck.theme, Inherited((SECTION_SUBTITLE_PT,)))
    elif subtitle:
        # A template's section layout may be a bare "Title Only": the subtitle goes under the title.
        box, _ = frame.content.split_top(CONTENT_SUBTITLE_HEIGHT, 0)
        para = replace(subtitle[0], size_pt=SECTION_SUBTITLE_PT, colour=MUTED)
        add_text_shape(added, box, [para], deck.theme, "Subtitle")


def _fill_content_slide(added, frame: Frame, deck: Deck, slide: Slide) -> None:
    _fill_placeholder(
        _placeholder(added, TITLES),
        [Para(slide.title)] if slide.title else [],
        deck.theme,
        TITLE_TEXT,
    )
    region = frame.content
    if slide.subtitle and not slide.blocks:
        # A closing "Questions?" is the slide's message, not a line under its title.
        message = Para(slide.subtitle, size_pt=QUOTE_PT, align=PP_ALIGN.CENTER)
        add_text_shape(added, region, [message], deck.theme, "Subtitle", middle=True)
    elif slide.subtitle:
        subtitle_box, _ = region.split_top(CONTENT_SUBTITLE_HEIGHT, GAP // 2)
        subtitle = Para(slide.subtitle, size_pt=CONTENT_SUBTITLE_PT, colour=MUTED)
        add_text_shape(added, subtitle_box, [subtitle], deck.theme, "Subtitle")
    columns = slide_columns(slide)
    painter = ContentPainter(added, deck.theme, deck.meta.labels)
    for blocks, box in zip(columns, column_boxes(frame, bool(slide.subtitle), two_columns=len(columns) == 2)):
        painter.stack(blocks, box)


def column_boxes(frame: Frame, subtitle: bool, two_columns: bool) -> tuple[Box, ...]:
    """Where a content slide's columns go: the layout's two content placeholders, or its content region
    (below the subtitle, if any) split into text and picture columns; one column, the region."""
    region = frame.content
    if subtitle:
        _, region = region.split_top(CONTENT_SUBTITLE_HEIGHT, GAP // 2)
    if not two_columns:
        return (region,)
    if frame.columns and not subtitle:
        return frame.columns
    return tuple(region.columns((TEXT_COLUMN_SHARE, 1 - TEXT_COLUMN_SHARE), COLUMN_GAP))


def picture_region(theme: Theme, layout: str, *, two_columns: bool, subtitle: bool, pptx_layout: str = "") -> Box:
    """The box a figure is drawn for on a content slide of ``layout``: its column of the slide (the
    picture column beside text, else the whole content region), less the room a caption is given.
    The same geometry the slides are built with, read from the master or the user's template."""
    prs = presentation_for(theme)
    slide = Slide(kind="content", layout=layout, title=(), pptx_layout=pptx_layout)
    frame = frame_of(prs, choose_layout(prs, theme, slide))
    return picture_room(column_boxes(frame, subtitle, two_columns)[-1], theme)


def add_footer(added, frame: Frame, deck: Deck, number: int) -> None:
    """The lecture title and the slide number, in the layout's footer and number placeholders
    where it has them (so PowerPoint's Header & Footer dialog manages them), else in text boxes
    where the master keeps them."""
    layout = added.slide_layout
    footer = Para(unstyled(deck.meta.title))
    slide_number = Para(unstyled(str(number)))
    for kind, para, box, name in (
        (PP_PLACEHOLDER.FOOTER, footer, frame.footer, "Footer"),
        (PP_PLACEHOLDER.SLIDE_NUMBER, slide_number, frame.number, "Slide Number"),
    ):
        source = _placeholder(layout, {kind})
        if source is not None:
            added.shapes.clone_placeholder(source)
            shape = added.placeholders[source.placeholder_format.idx]
            write_paragraphs(shape.text_frame, [para], deck.theme)
        else:
            align = PP_ALIGN.RIGHT if kind == PP_PLACEHOLDER.SLIDE_NUMBER else PP_ALIGN.LEFT
            styled = replace(para, size_pt=FOOTER_PT, colour=MUTED, align=align)
            shape = add_text_shape(added, box, [styled], deck.theme, name, middle=True)
        shape.name = name
        if kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            make_slide_number_field(shape.text_frame.paragraphs[0].runs[0], SLIDE_NUMBER_FIELD_ID)


def write_notes(added, notes: Sequence[Inline], theme: Theme) -> None:
    if notes:
        write_paragraphs(
            added.notes_slide.notes_text_frame,
            [Para(paragraph) for paragraph in notes],
            theme,
        )
