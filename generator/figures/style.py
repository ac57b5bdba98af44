"""One look for every figure: colours, fonts, sizes, and reproducible files.

Colours are from the Okabe-Ito palette (safe for the common forms of colour
blindness) and each activation keeps its colour in every figure and chart.
Sizes are chosen for a projected 16:9 slide: a 16:9 canvas whose text is
still readable when the picture fills two thirds of the slide.
"""

from __future__ import annotations

import io
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")  # no display: figures only go to files

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

ACTIVATION_COLOURS = {
    "sigmoid": "#D55E00",  # vermillion
    "tanh": "#009E73",  # bluish green
    "relu": "#0072B2",  # blue
}
ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
# The two networks of the CNN demo (Okabe-Ito orange and sky blue).
MODEL_COLOURS = {"cnn": "#E69F00", "dense": "#56B4E9"}
# Initialisations are told apart by line style, so colour stays the activation's.
INIT_LINESTYLES = {"default": "-", "xavier": "--", "he": ":"}
NEUTRAL = "#555555"
BOUND_COLOUR = "#CC79A7"  # reddish purple, for reference lines and bounds

FIGURE_SIZE_IN = (10.0, 5.625)  # 16:9
PNG_DPI = 160  # 1600 x 900 pixels

# DejaVu Sans ships with matplotlib; the CJK font is used, where installed,
# for glyphs DejaVu lacks (matplotlib's per-glyph font fallback).
FONT_FAMILY = ["DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP"]

RC = {
    "font.family": FONT_FAMILY,
    "font.size": 16,
    "axes.titlesize": 18,
    "axes.labelsize": 17,
    "legend.fontsize": 15,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 3.0,
    "svg.hashsalt": "lecturegen",  # fixed ids in SVG output, so files are reproducible
    "svg.fonttype": "path",  # text as paths: the SVG looks the same without the fonts
    "path.simplify": True,
}


@contextmanager
def figure_style():
    import logging

    # A missing CJK fallback font is normal on Latin-only machines; do not warn.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with plt.rc_context(RC):
        yield


def new_axes(ax=None):
    """The axes to draw on: the caller's, or a fresh 16:9 figure's."""
    if ax is not None:
        return ax.figure, ax
    figure = Figure(figsize=FIGURE_SIZE_IN, layout="constrained")
    return figure, figure.add_subplot()


def to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buffer.getvalue()


def to_svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "lecturegen"})
    return buffer.getvalue()
