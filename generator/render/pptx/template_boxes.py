"""Placeholder boxes a user's template gets wrong, replaced by the design grid's.

PowerPoint never writes a placeholder with no width or height, or one off the slide, but other tools
and hand edits do. python-pptx reads a negative size but refuses to give one to a shape (a ValueError
that ended the build as an "internal error" when a slide's placeholder was pinned to its layout's box),
and a box of no height holds no text, so every title on it was reported as not fitting. Such a placeholder, on a master or on a layout, gets the box the designed master gives its
kind (layouts.design_grid) before anything reads the template: the slides, their plans and the deck's
own copy of the layout are then all alike, and the build warns naming the layout and the placeholder,
so that the template can be fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.render.pptx.geometry import Box
from generator.render.pptx.style import EMU_PER_INCH

# Smaller than this a box holds no line of text: a tenth of the smallest footer any template uses.
MIN_SIDE = EMU_PER_INCH // 20

# The designed master's region for each kind of placeholder (PP_PLACEHOLDER names); "body" for the rest.
_REGIONS = {
    "TITLE": "title",
    "CENTER_TITLE": "cover_title",
    "SUBTITLE": "cover_subtitle",
    "FOOTER": "footer",
    "DATE": "footer",
    "SLIDE_NUMBER": "number",
}
_KIND_WORDS = {
    "TITLE": "title",
    "CENTER_TITLE": "centre title",
    "SUBTITLE": "subtitle",
    "BODY": "text",
    "OBJECT": "content",
    "PICTURE": "picture",
    "TABLE": "table",
    "CHART": "chart",
    "FOOTER": "footer",
    "DATE": "date",
    "SLIDE_NUMBER": "slide number",
}


@dataclass(frozen=True)
class BoxRepair:
    """One placeholder whose box could not be used, and the box it was given instead."""

    owner: str  # "layout 'ML612 Text'", or "slide master 1"
    placeholder: str  # its name in the template, e.g. "Title 1"
    kind: str  # a PP_PLACEHOLDER member name
    problem: str  # what is wrong with its box, e.g. "has a height of -0.14 in"
    box: Box  # what it was given

    def message(self, template: str) -> str:
        box = self.box
        where = f"at {_inches(box.left)}, {_inches(box.top)} in, {_inches(box.width)} × {_inches(box.height)} in"
        return (
            f"the template {template!r}: the {_KIND_WORDS.get(self.kind, 'content')} placeholder "
            f"{self.placeholder!r} of {self.owner} {self.problem}, so it was given the box lecturegen's own master "
            f"gives it ({where}); fix its size and position in the template's slide master view"
        )


def repair_placeholder_boxes(prs) -> tuple[BoxRepair, ...]:
    """Gives each master and layout placeholder whose own box is unusable the design grid's box; what was replaced."""
    from generator.render.pptx.layouts import design_grid
    from generator.render.pptx.oxml import own_box_text, placeholder_elements, set_own_box

    width, height = prs.slide_width, prs.slide_height
    grid = design_grid(width, height)
    repairs = []
    for number, master in enumerate(prs.slide_masters, start=1):
        owners = [(f"slide master {number}", master)]
        owners += [(f"layout {layout.name!r}", layout) for layout in master.slide_layouts]
        for owner, part in owners:
            for shape in placeholder_elements(part):
                written = own_box_text(shape)
                problem = _problem(written, width, height) if written is not None else None
                if problem is None:
                    continue
                kind = shape.ph_type.name
                box = grid[_REGIONS.get(kind, "body")]
                set_own_box(shape, box.left, box.top, box.width, box.height)
                repairs.append(BoxRepair(owner, shape.nvSpPr.cNvPr.get("name", ""), kind, problem, box))
    return tuple(repairs)


def _problem(written: tuple[str, str, str, str], width: int, height: int) -> str | None:
    """What is wrong with a box as written (x, y, cx, cy), or None when it can be used."""
    try:
        left, top, cx, cy = (int(value) for value in written)
    except ValueError:
        return f"has a position or size that is not a whole number of EMU ({', '.join(map(repr, written))})"
    small = [f"a {side} of {_inches(value)} in" for side, value in (("width", cx), ("height", cy)) if value < MIN_SIDE]
    if small:
        return "has " + " and ".join(small)
    if left >= width or top >= height or left + cx <= 0 or top + cy <= 0:
        return (f"lies off the slide (from {_inches(left)}, {_inches(top)} in to {_inches(left + cx)}, "
                f"{_inches(top + cy)} in on a {_inches(width)} × {_inches(height)} in slide)")
    return None


def _inches(emu: int) -> str:
    return f"{emu / EMU_PER_INCH:.2f}".rstrip("0").rstrip(".")
