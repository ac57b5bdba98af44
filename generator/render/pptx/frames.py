"""Where each layout puts things on a slide, as plain values: what planning a slide needs to know.

Pagination, figure boxes and the slides' plans (plan.py) read the layouts through these values,
never through python-pptx, so a build that makes no PowerPoint file does not load it:

- the designed master's are computed from its table (layouts.py) and grid, exactly as master.py
  writes them (a test compares the two);
- a user's template is opened with python-pptx once and read (its slides are drawn with it anyway).

A slide made from a layout gets a copy of each of the layout's placeholders except date, footer and
slide number (python-pptx's ``clone_layout_placeholders``), where the layout places them; a layout
without a title gets the master's title, where the master keeps it (slides.py). ``placeholders``
lists them as python-pptx's ``slide.placeholders`` does: by idx, in the order they were added.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from generator.deck import Slide, Theme
from generator.errors import BuildError
from generator.render.pptx.geometry import TITLES, Box, Frame, frame_from
from generator.render.pptx.style import SLIDE_SIZES

if TYPE_CHECKING:
    from generator.render.pptx.template_boxes import BoxRepair
    from generator.render.pptx.template_layouts import KindChoice

# The placeholders a new slide does not copy from its layout (python-pptx's "latent" kinds).
LATENT = frozenset({"DATE", "FOOTER", "SLIDE_NUMBER"})
TEXT_BODIES = frozenset({"BODY", "OBJECT"})
# A title slide's second line, a section's subtitle: a subtitle placeholder, else a body.
SUBTITLES = frozenset({"SUBTITLE", "BODY", "OBJECT"})

# What python-pptx names the copy of a placeholder on a new slide, before " <id - 1>" (ph_basename).
_CLONE_NAMES = {
    "BITMAP": "ClipArt Placeholder",
    "BODY": "Text Placeholder",
    "CENTER_TITLE": "Title",
    "CHART": "Chart Placeholder",
    "DATE": "Date Placeholder",
    "FOOTER": "Footer Placeholder",
    "HEADER": "Header Placeholder",
    "MEDIA_CLIP": "Media Placeholder",
    "OBJECT": "Content Placeholder",
    "ORG_CHART": "SmartArt Placeholder",
    "PICTURE": "Picture Placeholder",
    "SLIDE_NUMBER": "Slide Number Placeholder",
    "SUBTITLE": "Subtitle",
    "TABLE": "Table Placeholder",
    "TITLE": "Title",
}


@dataclass(frozen=True)
class Placeholder:
    """A placeholder: its kind (a PP_PLACEHOLDER member name), idx and box; on a slide, also its name."""

    kind: str
    idx: int
    box: Box
    name: str = ""
    vertical: bool = False


@dataclass(frozen=True)
class LayoutLook:
    """What a template's layout is besides its placeholders, for telling a cover from a content layout
    (template_layouts.py): read from a template only; the designed master's layouts are chosen by name."""

    type: str  # its OOXML type ("title", "obj", "secHead", ...); "" where it gives none
    master: int  # which slide master it belongs to, from 0
    position: int  # its position among that master's layouts, from 0
    background: str  # what its background is (its own, else its master's), as a key to compare; "" for none
    colour: str = "#FFFFFF"  # the colour of that background, as near as one colour can say ("#RRGGBB")
    subtitle_align: str = ""  # how its subtitle's text is aligned ("l", "ctr", "r"); "" where it does not say


@dataclass(frozen=True)
class LayoutGeometry:
    index: int  # its position among all the masters' layouts
    name: str
    own: tuple[Placeholder, ...]  # the layout's own placeholders, in document order
    frame: Frame
    placeholders: tuple[Placeholder, ...]  # those of a slide made from it (see the module's docstring)
    marks_bullets: bool  # the layout, its master's body or the master's text styles say how bullets are marked
    look: LayoutLook | None = None  # a template's layout only

    @property
    def unique_indices(self) -> bool:
        """Whether a slide's placeholders have an idx each (LibreOffice may give several idx 0: slides.py pins them)."""
        indices = [placeholder.idx for placeholder in self.placeholders]
        return len(set(indices)) == len(indices)

    def has(self, kinds) -> bool:
        """Whether the layout itself has a placeholder of these kinds."""
        return any(placeholder.kind in kinds for placeholder in self.own)

    def first(self, kinds) -> Placeholder | None:
        """A slide's first placeholder of these kinds (python-pptx's order: by idx)."""
        return next((placeholder for placeholder in self.placeholders if placeholder.kind in kinds), None)

    def body(self) -> Placeholder | None:
        """A slide's text body: the largest, because a layout's small text placeholders are headings or
        captions ("Comparison", "Content with Caption")."""
        bodies = [placeholder for placeholder in self.placeholders if placeholder.kind in TEXT_BODIES]
        return max(bodies, key=lambda placeholder: placeholder.box.area, default=None)


@dataclass(frozen=True)
class DeckGeometry:
    width: int
    height: int
    layouts: tuple[LayoutGeometry, ...]  # every master's, in order
    template: bool  # a user's template, not the designed master
    # Placeholders of the template whose boxes could not be used and were replaced (template_boxes.py).
    repairs: tuple[BoxRepair, ...] = ()

    def choose(self, theme: Theme, slide: Slide) -> LayoutGeometry:
        """The slide layout a slide is built on: the one the slide names, else its kind's."""
        from generator.render.pptx.layouts import LAYOUT_NAMES

        named = slide.pptx_layout or dict(theme.pptx_layouts).get(slide.layout)
        if not named and self.template:
            return self.kind_choices[slide.layout].layout
        wanted = named or LAYOUT_NAMES[slide.layout]
        found = [layout for layout in self.layouts if layout.name == wanted]
        if not found:
            listed = ", ".join(repr(name) for name in dict.fromkeys(layout.name for layout in self.layouts))
            raise BuildError(f"slide {slide.number}: no layout named {wanted!r}; the layouts are: {listed}")
        if len(found) == 1 or not self.template:
            return found[0]
        # LibreOffice writes every layout name once per master: the one that suits the slide's kind.
        from generator.render.pptx.template_layouts import best_for

        return best_for(slide.layout, found, self).layout

    @functools.cached_property
    def kind_choices(self) -> dict[str, KindChoice]:
        """A template's layout for each kind of slide, by name or by its placeholders (template_layouts.py)."""
        from generator.render.pptx.template_layouts import choose_layouts

        return choose_layouts(self)


@functools.lru_cache(maxsize=16)
def deck_geometry(theme: Theme) -> DeckGeometry:
    """The geometry of the presentation the theme's slides are built on (master.presentation_for)."""
    if not theme.pptx_template:
        return designed_geometry(theme.aspect)
    from generator.render.pptx.master import template_for

    prs, repairs = template_for(theme)
    return replace(geometry_of(prs, template=True), repairs=repairs)


def layout_geometry(
    index: int, name: str, own: list[Placeholder], masters: list[Placeholder], width: int, height: int,
    marks_bullets: bool, look: LayoutLook | None = None,
) -> LayoutGeometry:
    frame = frame_from(width, height, [(p.kind, p.box) for p in own], [(p.kind, p.box) for p in masters])
    cloned = []
    for number, placeholder in enumerate((p for p in own if p.kind not in LATENT), start=1):
        # Shape ids start at 2 (the shape tree is 1), and python-pptx names a copy "<kind name> <id - 1>".
        base = _CLONE_NAMES.get(placeholder.kind, "Placeholder")
        cloned.append(Placeholder(placeholder.kind, placeholder.idx, placeholder.box,
                                  f"{'Vertical ' if placeholder.vertical else ''}{base} {number}"))
    master_title = next((p for p in masters if p.kind in TITLES), None)
    if not any(p.kind in TITLES for p in own) and master_title is not None and frame.title is not None:
        cloned.append(Placeholder(master_title.kind, master_title.idx, frame.title, f"Title {len(cloned) + 1}"))
    placeholders = tuple(sorted(cloned, key=lambda placeholder: placeholder.idx))
    return LayoutGeometry(index, name, tuple(own), frame, placeholders, marks_bullets, look)


# --- the designed master, from its table ------------------------------------------------------------

_DESIGNED_KINDS = {
    "title": "TITLE",
    "ctrTitle": "CENTER_TITLE",
    "subTitle": "SUBTITLE",
    "body": "BODY",
    "pic": "PICTURE",
    "tbl": "TABLE",
    "ftr": "FOOTER",
    "sldNum": "SLIDE_NUMBER",
}


@functools.lru_cache(maxsize=4)
def designed_geometry(aspect: str) -> DeckGeometry:
    """The designed master's layouts (master.designed_presentation), computed from layouts.LAYOUTS."""
    from generator.render.pptx.layouts import LAYOUTS, design_grid

    width, height = SLIDE_SIZES[aspect]
    grid = design_grid(width, height)
    # master.py keeps the master's title, body, footer and number placeholders, in this order, on the grid.
    masters = [Placeholder("TITLE", 0, grid["title"]), Placeholder("BODY", 1, grid["body"]),
               Placeholder("FOOTER", 11, grid["footer"]), Placeholder("SLIDE_NUMBER", 12, grid["number"])]
    layouts = []
    for index, spec in enumerate(LAYOUTS):
        own = [Placeholder(_DESIGNED_KINDS[p.type], p.idx, grid[p.region]) for p in spec.placeholders]
        # The master's text styles mark body paragraphs with bullets (oxml.set_master_text_styles).
        layouts.append(layout_geometry(index, spec.name, own, masters, width, height, marks_bullets=True))
    return DeckGeometry(width, height, tuple(layouts), template=False)


# --- a presentation, read with python-pptx ------------------------------------------------------------


def geometry_of(prs, template: bool) -> DeckGeometry:
    """The geometry of a python-pptx Presentation's layouts (a user's template; the designed one in tests)."""
    from generator.render.pptx.geometry import box_of
    from generator.render.pptx.master import theme_part
    from generator.render.pptx.oxml import (
        background_colour,
        background_key,
        says_how_bullets_are_marked,
        subtitle_alignment,
        theme_colours,
    )

    def read(placeholder) -> Placeholder:
        element = placeholder.element
        return Placeholder(element.ph_type.name, element.ph_idx, box_of(placeholder),
                           vertical=str(element.ph_orient) == "vert")

    layouts = []
    width, height = prs.slide_width, prs.slide_height
    in_order = [(number, position, layout) for number, master in enumerate(prs.slide_masters)
                for position, layout in enumerate(master.slide_layouts)]  # as master.all_layouts lists them
    for index, (number, position, layout) in enumerate(in_order):
        master = layout.slide_master
        own = [read(placeholder) for placeholder in layout.placeholders]
        masters = [read(placeholder) for placeholder in master.placeholders]
        bodies = [placeholder for placeholder in (*layout.placeholders, *master.placeholders)
                  if placeholder.element.ph_type.name in TEXT_BODIES]
        look = None
        if template:
            theme = theme_part(master)
            scheme = theme_colours(theme) if theme is not None else {}
            look = LayoutLook(layout.element.get("type", ""), number, position, background_key(layout),
                              background_colour(layout, scheme), subtitle_alignment(layout))
        layouts.append(layout_geometry(index, layout.name, own, masters, width, height,
                                       says_how_bullets_are_marked(bodies, master), look))
    return DeckGeometry(width, height, tuple(layouts), template)
