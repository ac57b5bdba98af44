"""Figure data as chart series: the numbers a native (editable) chart shows, in the figure's look.

A chart cell holds a number or nothing, so a point that is NaN or infinite in
the figure (a run that diverged) becomes a gap, not a misleading zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from matplotlib.colors import to_hex

# matplotlib's line styles and markers as the renderer-neutral names a ChartSeries uses.
LINE_STYLES = {"-": "solid", "--": "dashed", ":": "dotted", "-.": "dashdot"}
MARKER_SHAPES = {"o": "circle", "s": "square", "^": "triangle", "D": "diamond", "X": "x", "x": "x", "*": "star",
                 "P": "plus", "+": "plus"}


def chart_values(values: Iterable[float]) -> tuple[float | None, ...]:
    return tuple(float(value) if math.isfinite(value) else None for value in values)


def hex_colour(colour) -> str:
    """Any matplotlib colour (name, hex, RGBA tuple) as "#RRGGBB"."""
    return to_hex(colour, keep_alpha=False).upper()


def line_style(matplotlib_style: str) -> str:
    return LINE_STYLES.get(matplotlib_style, "solid")


def marker_shape(matplotlib_marker: str) -> str | None:
    """The chart's name for a matplotlib marker; None for one a chart cannot draw (it then picks one)."""
    return MARKER_SHAPES.get(matplotlib_marker)


def category_labels(values: Iterable) -> tuple[str, ...]:
    return tuple(str(value) for value in values)
