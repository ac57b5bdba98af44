"""The boxes figures are drawn for, read from the renderers' own geometry.

A figure is drawn at the physical size and shape of the box it fills, not drawn once and
scaled, so the sizes it sets in points (generator/figures/style.py: no text under 12 pt)
are its sizes where it is shown:

- on a slide, the picture region of the slide's layout (``full``: a figure slide's content
  region; ``beside``: the picture column next to bullets), less the room a caption is
  planned: the PowerPoint renderer's geometry (render/pptx/plan.picture_region), from the
  designed master or the user's template. The HTML decks lay their slides out like the
  PowerPoint deck and show the same drawing.
- in the report, its text column (render/html/report.report_figure_size_in), 16:10.

Which box a slide's figure gets is decided here once, from the slide's content
(``place_of``), for the draw stage (which boxes to draw) and for resolve (which drawing each
Figure block shows). Each drawing is cached with its box in the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from generator.deck import FigureBox, Theme
from generator.slide_layouts import LAYOUTS, choose_layout

EMU_PER_INCH = 914400


@dataclass(frozen=True)
class FigurePlace:
    """What decides the box a slide's figure fills: the slide's layout and whether text sits beside it."""

    layout: str
    two_columns: bool
    pptx_layout: str = ""


def place_of(spec: Any, closing: bool = False) -> FigurePlace:
    """The place of a content slide's figure, from the slide as the content writes it (a SlideSpec).

    Resolve gives the slide the same layout, and the renderers put text and pictures in two
    columns (slide_layouts.slide_columns) exactly when the layout has two and the slide holds a
    block that is not a picture: one of the keys below, each of which resolve turns into a block."""
    layout = "closing" if closing else (spec.layout or choose_layout(spec))
    holds_text = bool(spec.bullets or spec.equation or spec.table or spec.code or spec.quote or spec.added_blocks)
    return FigurePlace(layout, LAYOUTS[layout].two_columns and holds_text, spec.pptx_layout or "")


@lru_cache(maxsize=64)
def slide_box(theme: Theme, place: FigurePlace) -> FigureBox:
    """The box a figure fills on a slide at ``place``, in inches, from the PowerPoint geometry."""
    from generator.render.pptx.plan import picture_background, picture_region

    region = picture_region(theme, place.layout, two_columns=place.two_columns, subtitle=False,
                            pptx_layout=place.pptx_layout)
    return FigureBox("beside" if place.two_columns else "full", _inches(region.width), _inches(region.height),
                     picture_background(theme, place.layout, place.pptx_layout))


def report_box() -> FigureBox:
    """The box a figure fills in the report: its text column."""
    from generator.render.html.report import report_figure_size_in

    width, height = report_figure_size_in()
    return FigureBox("report", round(width, 4), round(height, 4))


def boxes_to_draw(lecture: Any, theme: Theme) -> dict[str, tuple[FigureBox, ...]]:
    """Each figure the slides show ('demo.figure'), in order, with the boxes it is shown in: the box
    of each slide that shows it, in slide order, then the report's."""
    specs = [(spec, False) for section in lecture.sections for spec in section.slides]
    if lecture.closing is not None:
        specs.append((lecture.closing, True))
    boxes: dict[str, list[FigureBox]] = {}
    for spec, closing in specs:
        if spec.figure:
            drawn = boxes.setdefault(spec.figure, [])
            box = slide_box(theme, place_of(spec, closing))
            if box not in drawn:
                drawn.append(box)
    report = report_box()
    return {name: (*drawn, report) for name, drawn in boxes.items()}


def _inches(emu: int) -> float:
    return round(emu / EMU_PER_INCH, 4)
