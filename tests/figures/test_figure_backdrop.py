"""On a template's coloured slide, a figure drops its white box where its marks and text still read there.

Issue 14: matplotlib figures were white boxes on a coloured slide. A figure is now drawn without a box of
its own (transparent PNG and SVG) when every text keeps 4.5:1 and every mark 3:1 on the slide's colour
under it, which the PowerPoint geometry gives its box; elsewhere, and on the designed master's white
slides, it keeps its box.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor

from generator.deck import FigureBox
from generator.demos.registry import get_kind
from generator.figure_boxes import FigurePlace, slide_box
from generator.figures.drawing import draw_figure
from generator.resolve import deck_theme
from tests.smoke import smoke_results

CREAM = "#FFF8E7"  # a light warm slide: the palette's colours keep 3:1 on it
NAVY = "#1F2A44"  # a dark one: black text and the palette do not read on it


def corner_alpha(png: bytes) -> int:
    return Image.open(io.BytesIO(png)).convert("RGBA").getpixel((1, 1))[3]


def drawn(kind: str, figure: str, background: str):
    return draw_figure(get_kind(kind), figure, "demo", smoke_results()[kind], box=FigureBox("full", 8, 4.5, background))


@pytest.mark.parametrize(("kind", "figure"), [("activations", "functions"), ("depth_sweep", "accuracy_vs_depth"),
                                              ("cnn_digits", "cnn_vs_dense")])
def test_a_figure_whose_colours_read_on_a_light_slide_shows_the_slide_through(kind, figure):
    clear = drawn(kind, figure, CREAM)
    assert corner_alpha(clear.png) == 0
    assert corner_alpha(drawn(kind, figure, "").png) == 255  # a white slide: the figure's own white, as before


@pytest.mark.parametrize(("kind", "figure", "background"), [
    ("activations", "functions", NAVY),  # black text on navy
    ("exploding_gradients", "gradient_norms", CREAM),  # its lightest colour is 3:1 on white only
    ("cnn_digits", "confusion_matrix", CREAM),  # colours chosen against its own cells
])
def test_a_figure_that_would_not_read_on_the_slide_keeps_its_white_box(kind, figure, background):
    kept = drawn(kind, figure, background)
    assert corner_alpha(kept.png) == 255
    assert Image.open(io.BytesIO(kept.png)).convert("RGB").getpixel((1, 1)) == (255, 255, 255)


def test_the_box_of_a_figure_on_a_templates_coloured_layout_carries_the_layouts_colour(tmp_path):
    template = tmp_path / "cream.pptx"
    prs = Presentation()
    for layout in prs.slide_layouts:
        layout.background.fill.solid()
        layout.background.fill.fore_color.rgb = RGBColor.from_string(CREAM.lstrip("#"))
    prs.save(template)
    content = tmp_path / "lecture.yaml"
    content.write_text(f"lecture: {{title: Cream}}\ntheme: {{pptx_template: {template.name}}}\n"
                       "sections: [{title: A, slides: [{title: B, bullets: [c]}]}]\n")
    from generator.content.loader import load_lecture

    theme = deck_theme(load_lecture(content))
    assert slide_box(theme, FigurePlace("figure", False)).background == CREAM
    plain = tmp_path / "plain.yaml"
    plain.write_text("lecture: {title: Plain}\nsections: [{title: A, slides: [{title: B, bullets: [c]}]}]\n")
    assert slide_box(deck_theme(load_lecture(plain)), FigurePlace("figure", False)).background == ""
