"""Every figure of every registered kind, drawn for every box a layout gives it, reads from the back row.

The boxes come from the layout table and the renderers' geometry (generator/figure_boxes.py), for
both slide shapes, plus the report's column; the figures from the registry with each kind's smoke
run (tests/smoke.py). The checks (tests/figures/legibility.py): no text under 12 pt at the figure's
scale in its box and none outside the figure, 3:1 for every mark and 4.5:1 for every text against
what it is drawn on, and series told apart by more than colour.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from generator.deck import MARKER_ORDER, FigureBox, Theme
from generator.figure_boxes import FigurePlace, report_box, slide_box
from generator.figures import style
from generator.figures.chart_data import marker_shape
from generator.figures.cnn_digits import ConfusionMatrixDisplay
from generator.render.contrast import NON_TEXT_CONTRAST, TEXT_CONTRAST, WHITE, contrast_ratio, hex_to_rgb
from generator.slide_layouts import LAYOUTS
from tests.figures.legibility import (
    contrast_problems,
    legibility_problems,
    series_problems,
    smallest_text_pt,
    text_problems,
)
from tests.smoke import drawn_figures, smoke_results


def _theme(aspect: str) -> Theme:
    return Theme("#0072B2", "DejaVu Sans", "Noto Sans CJK SC", "DejaVu Sans Mono", aspect)


def layout_boxes() -> list[FigureBox]:
    """Every distinct box a figure can be drawn for: each content layout, alone and (where it has
    two columns) beside text, on both slide shapes, and the report's column."""
    boxes = []
    for aspect in ("16:9", "4:3"):
        for name, layout in LAYOUTS.items():
            if not layout.content_may_name:
                continue
            for two_columns in ((False, True) if layout.two_columns else (False,)):
                box = slide_box(_theme(aspect), FigurePlace(name, two_columns))
                box = FigureBox(f"{box.name} {aspect}", box.width_in, box.height_in)
                if all((box.width_in, box.height_in) != (seen.width_in, seen.height_in) for seen in boxes):
                    boxes.append(box)
    return [*boxes, report_box()]


BOXES = layout_boxes()

# Figures that fail because of code in their own module, which is being changed elsewhere; each
# reason says what to change. strict: they fail the suite once they pass, so the mark comes off.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _cases():
    cases = []
    for kind, figure in drawn_figures():
        for box in BOXES:
            reason = KNOWN_FAILURES.get((kind.name, figure.name))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(kind, figure, box, id=f"{kind.name}.{figure.name}-{box.name}", marks=marks))
    return cases


@pytest.fixture(scope="module")
def results():
    return smoke_results()


@pytest.mark.parametrize(("kind", "figure", "box"), _cases())
def test_every_figure_reads_from_the_back_row_in_every_box(results, kind, figure, box):
    with style.figure_style(box):
        display = figure.display_class().from_result(results[kind.name]).plot()
        problems = legibility_problems(display.figure_, box)
    assert problems == []
    # Drawn for its box, so shown at its drawn size: the smallest text is the style's, not a scaled-down one.
    assert smallest_text_pt(display.figure_, box) >= style.MIN_TEXT_PT


def test_the_boxes_are_the_layouts_regions():
    names = [box.name for box in BOXES]
    assert names == ["full 16:9", "beside 16:9", "full 4:3", "beside 4:3", "report"]
    full, beside = BOXES[0], BOXES[1]
    assert full.height_in == beside.height_in and beside.width_in < full.width_in / 2 + 0.5
    assert 4 < full.height_in < 5  # the content region less a caption's two lines


# -- the checks can fail: the old look fails each of them ------------------------------------------


def _old_look() -> Figure:
    """A figure drawn the old way: once at 10 x 5.625 in with 14 pt ticks, in the old light colours,
    two series told apart by colour alone."""
    figure = Figure(figsize=(10.0, 5.625), layout="constrained")
    ax = figure.add_subplot()
    ax.plot([0, 1, 2], [1, 2, 3], color="#E69F00", label="CNN")  # Okabe-Ito orange, 2.2:1 on white
    ax.plot([0, 1, 2], [3, 2, 1], color="#56B4E9", label="dense")  # sky blue, 2.3:1
    ax.tick_params(labelsize=14)
    ax.legend(fontsize=15)
    return figure


def test_the_checks_fail_the_old_look_in_the_box_beside_bullets():
    figure = _old_look()
    figure.draw_without_rendering()
    beside = BOXES[1]
    too_small = text_problems(figure, beside)
    assert too_small and all("under 12 pt" in problem for problem in too_small)  # 14 pt shown at 65%: 9 pt
    assert smallest_text_pt(figure, beside) < 10
    faint = contrast_problems(figure)
    assert any("#E69F00" in problem for problem in faint) and any("#56B4E9" in problem for problem in faint)
    assert series_problems(figure)  # same line style, no markers


def test_the_checks_pass_the_same_figure_drawn_for_its_box_in_the_palette():
    box = BOXES[1]
    with style.figure_style(box):
        figure, ax = style.new_axes()
        ax.plot([0, 1, 2], [1, 2, 3], color=style.MODEL_COLOURS["cnn"], label="CNN")
        ax.plot([0, 1, 2], [3, 2, 1], color=style.MODEL_COLOURS["dense"], label="dense")  # the cycle adds style
        ax.legend()
        assert legibility_problems(figure, box) == []


def test_text_on_an_image_is_checked_against_its_cell():
    box = BOXES[1]
    with style.figure_style(box):
        figure, ax = style.new_axes()
        ax.imshow([[0, 10], [5, 10]], cmap="Blues")
        ax.text(1, 0, "10", color="black", ha="center", va="center")  # black on the darkest blue
        problems = contrast_problems(figure)
    assert any("'10'" in problem and "text" in problem for problem in problems)


# -- the palette ------------------------------------------------------------------------------------


def test_every_colour_of_the_palette_reaches_three_to_one_on_white():
    named = {
        **{f"PALETTE[{index}]": colour for index, colour in enumerate(style.PALETTE)},
        **{f"activation {name}": colour for name, colour in style.ACTIVATION_COLOURS.items()},
        **{f"model {name}": colour for name, colour in style.MODEL_COLOURS.items()},
    }
    ratios = {name: contrast_ratio(hex_to_rgb(colour), WHITE) for name, colour in named.items()}
    assert {name: ratio for name, ratio in ratios.items() if ratio < NON_TEXT_CONTRAST} == {}
    # Drawn as text too (a bound's label, a reference line's): those reach 4.5:1.
    for colour in (style.BOUND_COLOUR, style.NEUTRAL):
        assert contrast_ratio(hex_to_rgb(colour), WHITE) >= TEXT_CONTRAST


def test_the_palette_hues_are_distinct():
    hues = [matplotlib.colors.rgb_to_hsv(matplotlib.colors.to_rgb(colour))[0] * 360 for colour in style.PALETTE]
    for first in range(len(hues)):
        for second in range(first + 1, len(hues)):
            gap = abs(hues[first] - hues[second])
            assert min(gap, 360 - gap) >= 10, (style.PALETTE[first], style.PALETTE[second])


def test_markers_line_styles_and_colours_cycle_together_and_charts_use_the_same_markers():
    assert len(style.PALETTE) == len(style.MARKERS) == len(style.LINESTYLES)
    assert len(set(zip(style.LINESTYLES, style.MARKERS))) == len(style.MARKERS)
    assert tuple(marker_shape(marker) for marker in style.MARKERS) == MARKER_ORDER
    assert len(set(style.ACTIVATION_MARKERS.values())) == len(style.ACTIVATION_MARKERS)


@pytest.mark.parametrize("colormap", ["viridis", "magma", "Blues"])
@pytest.mark.parametrize("count", [1, 2, 5, 12])
def test_sequential_colours_keep_to_the_readable_part_of_a_colormap(colormap, count):
    colours = style.sequential_colours(count, colormap)
    assert len(colours) == count
    ratios = [contrast_ratio(hex_to_rgb(colour), WHITE) for colour in colours]
    assert min(ratios) >= NON_TEXT_CONTRAST
    if count > 1:
        assert ratios == sorted(ratios, reverse=True) or ratios == sorted(ratios)  # still in order, dark to light
        assert len(set(colours)) == count


def test_sequential_colours_span_the_readable_part():
    colours = style.sequential_colours(5, "viridis")
    assert colours[0] == "#440154"  # viridis' dark end
    assert contrast_ratio(hex_to_rgb(colours[-1]), WHITE) < NON_TEXT_CONTRAST + 0.2  # as light as still readable


# -- boxes and sizes --------------------------------------------------------------------------------


def test_a_plain_new_axes_is_the_default_size_and_one_inside_a_box_is_the_box():
    figure, _ = style.new_axes()
    assert tuple(figure.get_size_inches()) == pytest.approx(style.FIGURE_SIZE_IN)
    box = BOXES[1]
    with style.figure_style(box):
        figure, _ = style.new_axes()
        assert tuple(figure.get_size_inches()) == pytest.approx((box.width_in, box.height_in))
        assert style.figure_box() == box
    assert style.figure_box() is None


def test_a_plain_new_axes_inside_the_style_reads_at_its_default_size():
    with style.figure_style():
        figure, ax = style.new_axes()
        ax.plot([0, 1], [0, 1], label="a")
        ax.plot([0, 1], [1, 0], label="b")
        ax.legend()
        box = FigureBox("default", *style.FIGURE_SIZE_IN)
        assert legibility_problems(figure, box) == []


# -- the confusion matrix's counts -----------------------------------------------------------------


def test_confusion_counts_are_black_or_white_whichever_reads_on_their_cell():
    matrix = np.arange(100).reshape(10, 10)  # every shade of the colour scale
    box = BOXES[1]
    with style.figure_style(box):
        display = ConfusionMatrixDisplay(matrix).plot()
        display.figure_.draw_without_rendering()
    image = display.ax_.images[0]
    colours = set()
    for text in display.ax_.texts:
        cell = tuple(round(channel * 255) for channel in image.to_rgba(int(text.get_text()))[:3])
        ink = hex_to_rgb(matplotlib.colors.to_hex(text.get_color()))
        colours.add(ink)
        assert contrast_ratio(ink, cell) >= TEXT_CONTRAST, text.get_text()
        assert text.get_fontsize() >= style.MIN_TEXT_PT
    assert colours == {(0, 0, 0), (255, 255, 255)}
    assert contrast_problems(display.figure_) == []
