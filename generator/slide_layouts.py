"""The slide layouts: one table, the only list of them.

Each row says what a layout is for and everything the stages need to know about it:
which content keys a slide must give to use it, whether resolve picks it for a slide
that names no layout, how its blocks go into columns, and what PowerPoint calls it
(the designed master's layout name and type, and what other templates call the layout
that fits). The content schema's layout names, resolve's choice, the loader's checks,
both renderers' columns and the PowerPoint master all read this table.

Where the designed master puts each layout's placeholders is PowerPoint geometry and
stays with the PowerPoint renderer (render/pptx/layouts.py), keyed by these names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.deck import Block, Slide

# The content keys that hold pictures: a two-column layout puts their blocks beside the text.
PICTURE_KEYS = ("figure", "image")


@dataclass(frozen=True)
class SlideLayout:
    name: str
    description: str
    # A slide that names this layout must give one of these content keys; () accepts any slide.
    needs: tuple[str, ...] = ()
    # Picked, in table order, for a content slide that names no layout when this holds of its content.
    chosen_if: Callable[[Any], bool] | None = None
    # Text in one column, pictures in the other; otherwise every block stacks in one column.
    two_columns: bool = False
    # False for layouts given by a slide's place (the title slide, section slides, the closing slide).
    content_may_name: bool = True
    pptx_name: str = ""  # the layout's name in the designed PowerPoint master
    pptx_type: str = "titleOnly"  # its type (OOXML ST_SlideLayoutType), which other programs read
    template_names: tuple[str, ...] = ()  # what common templates call the layout that fits, best first


def _has_picture(spec: Any) -> bool:
    return bool(spec.figure or spec.image)


LAYOUTS: dict[str, SlideLayout] = {
    layout.name: layout
    for layout in (
        SlideLayout("title", "The lecture's title slide.", content_may_name=False, pptx_name="Title",
                    pptx_type="title", template_names=("Title Slide", "Title")),
        SlideLayout("section", "A part's opening slide: its title and subtitle.", content_may_name=False,
                    pptx_name="Section", pptx_type="secHead", template_names=("Section Header", "Section", "Title Only")),
        SlideLayout("figure_bullets", "A figure or picture beside bullets.", needs=PICTURE_KEYS,
                    chosen_if=lambda spec: _has_picture(spec) and bool(spec.bullets), two_columns=True,
                    pptx_name="Figure and Bullets", pptx_type="twoObj",
                    template_names=("Two Content", "Title and 2 Content", "Title, 2 Content", "Figure and Bullets")),
        SlideLayout("figure", "One figure or picture, large.", needs=PICTURE_KEYS, chosen_if=_has_picture,
                    pptx_name="Title and Figure", pptx_type="titleOnly",
                    template_names=("Title Only", "Title and Figure", "Title and Content", "Title, Content")),
        SlideLayout("table", "A table.", needs=("table",), chosen_if=lambda spec: bool(spec.table),
                    pptx_name="Table", pptx_type="titleOnly",
                    template_names=("Title Only", "Table", "Title and Content", "Title, Content")),
        SlideLayout("code", "A block of code.", needs=("code",), chosen_if=lambda spec: bool(spec.code),
                    pptx_name="Code", pptx_type="titleOnly",
                    template_names=("Title Only", "Code", "Title and Content", "Title, Content")),
        SlideLayout("quote", "A quotation, centred.", needs=("quote",),
                    chosen_if=lambda spec: bool(spec.quote) and not spec.bullets,
                    pptx_name="Quote", pptx_type="titleOnly",
                    template_names=("Title Only", "Quote", "Title and Content", "Title, Content")),
        SlideLayout("bullets", "Bullets, and whatever else the slide holds, stacked.", needs=("bullets",),
                    chosen_if=lambda spec: True, pptx_name="Title and Bullets", pptx_type="obj",
                    template_names=("Title and Content", "Title, Content", "Title and Bullets")),
        SlideLayout("closing", "The closing slide: summary bullets, references.", content_may_name=False,
                    pptx_name="Closing", pptx_type="titleOnly",
                    template_names=("Title and Content", "Title, Content", "Closing", "Title Only")),
    )
}

# In the order a deck uses them, for the PowerPoint master and for listings.
LAYOUT_ORDER = ("title", "section", "bullets", "figure", "figure_bullets", "table", "code", "quote", "closing")
assert sorted(LAYOUT_ORDER) == sorted(LAYOUTS), "LAYOUT_ORDER must list every layout once"

CONTENT_LAYOUTS = tuple(name for name in LAYOUT_ORDER if LAYOUTS[name].content_may_name)


def choose_layout(spec: Any) -> str:
    """The layout a content slide gets from what it holds, when the content names none."""
    return next(name for name, layout in LAYOUTS.items() if layout.chosen_if is not None and layout.chosen_if(spec))


def is_picture(block: Block) -> bool:
    from generator.deck import Figure, Image

    return isinstance(block, (Figure, Image))


def slide_columns(slide: Slide) -> tuple[tuple[Block, ...], ...]:
    """The slide's blocks by column: text first, then pictures, on a two-column layout that has both;
    otherwise one column in the content's order. Text first is also the reading order a screen reader follows."""
    if not slide.blocks:
        return ()
    text = tuple(block for block in slide.blocks if not is_picture(block))
    pictures = tuple(block for block in slide.blocks if is_picture(block))
    if LAYOUTS[slide.layout].two_columns and text and pictures:
        return (text, pictures)
    return (slide.blocks,)
