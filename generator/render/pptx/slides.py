"""A slide's plan (plan.py) drawn with python-pptx: the layout, its placeholders filled, the shapes added.

Every decision (which layout, where each shape goes, what size its text is) is in the plan; this
module only draws it, in the plan's order, once per slide.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.deck import Deck, Inline, Theme
from generator.render.pptx.blocks import ContentPainter
from generator.render.pptx.geometry import TITLES, Box, Frame, box_of, frame_from, move  # noqa: F401
from generator.render.pptx.master import all_layouts
from generator.render.pptx.oxml import make_slide_number_field, remove_shape
from generator.render.pptx.frames import LayoutGeometry
from generator.render.pptx.plan import FooterText, PlaceholderText, SlidePlan, column_boxes, picture_region  # noqa: F401
from generator.render.pptx.style import SLIDE_NUMBER_FIELD_ID
from generator.render.pptx.text import Para
from generator.render.pptx.writing import add_text_shape, fill_frame, write_paragraphs


def add_slide(prs, deck: Deck, plan: SlidePlan, layouts: Sequence | None = None, found: dict | None = None):
    """The slide drawn as planned, less its speaker notes (write_notes). ``found`` keeps, from slide to slide
    of one presentation, its layouts' footer placeholders (looked up once per layout, not once per slide)."""
    layout = (layouts or all_layouts(prs))[plan.layout.index]
    added = prs.slides.add_slide(layout)
    # Shape ids counted once, not looked up for every shape added (python-pptx's own switch); counted again
    # once empty placeholders are gone, so the footers get the ids they always had.
    added.shapes.turbo_add_enabled = True
    geometry = plan.layout
    if not geometry.unique_indices:
        _pin_placeholders_sharing_an_index(added, layout)
    if not geometry.has(TITLES):
        _add_master_title_where_the_layout_has_none(added, layout, geometry.frame)
    painter = ContentPainter(added, deck.theme, geometry)
    for shape in plan.shapes:
        if isinstance(shape, PlaceholderText):
            fill_frame(_slide_placeholder(added, geometry, shape.kinds).text_frame, shape.paras, shape.fit, deck.theme)
        else:
            painter.paint(shape)
    _remove_empty_placeholders(added)
    added.shapes.turbo_add_enabled = True
    for part in plan.footer:
        _add_footer_part(added, part, deck.theme, layout, {} if found is None else found, geometry.index)
    return added


def _slide_placeholder(added, geometry: LayoutGeometry, kinds):
    """The slide's first placeholder of these kinds: by its idx where each placeholder has its own."""
    if geometry.unique_indices:
        return added.placeholders[geometry.first(kinds).idx]
    return _placeholder(added, kinds)


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
    return next((ph for ph in owner.placeholders if ph.placeholder_format.type.name in kinds), None)


def _remove_empty_placeholders(added) -> None:
    # An empty placeholder shows "Click to add text" (or "Click icon to add picture") while editing.
    for placeholder in list(added.placeholders):
        if placeholder.has_text_frame and not placeholder.text_frame.text.strip():
            remove_shape(placeholder)


def _add_footer_part(added, part: FooterText, theme: Theme, layout, found: dict, index: int) -> None:
    if part.fit is None:
        key = (index, part.kind)
        if key not in found:
            found[key] = _placeholder(layout, {part.kind})
        source = found[key]
        added.shapes.clone_placeholder(source)
        shape = added.placeholders[source.placeholder_format.idx]
        write_paragraphs(shape.text_frame, [part.para], theme)
    else:
        shape = add_text_shape(added, part.box, [part.para], part.fit, theme, part.name, middle=True)
    shape.name = part.name
    if part.kind == "SLIDE_NUMBER":
        make_slide_number_field(shape.text_frame.paragraphs[0].runs[0], SLIDE_NUMBER_FIELD_ID)


def write_notes(added, notes: Sequence[Inline], theme: Theme) -> None:
    if notes:
        write_paragraphs(
            added.notes_slide.notes_text_frame,
            [Para(paragraph) for paragraph in notes],
            theme,
        )
