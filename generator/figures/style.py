"""One look for every figure: colours, markers, fonts, sizes, and reproducible files.

Figures are drawn for the box they fill, not drawn once and scaled: the draw stage
(drawing.py) opens ``figure_style(box)`` with the box's physical size in inches (the
PowerPoint picture region of a layout, or the report's column), and ``new_axes`` and
``new_figure`` make figures of that size. Sizes in points are then sizes at slide scale:
every text is set at ``MIN_TEXT_PT`` (12 pt, 16 px on a 1280x720 screen) or more, with
room to spare (``SMALLEST_TEXT_PT``) for a picture fitted a little smaller than its box.

Colours: Okabe-Ito (safe for the common forms of colour blindness), the light ones darkened
(in HSL lightness, as render/contrast.py darkens accents) until every mark reaches WCAG's
non-text contrast of 3:1 on the white background, and colours drawn as text reach 4.5:1.
Series are told apart by line style and marker as well as colour, so they survive
greyscale and colour-vision deficiencies: each activation keeps its colour and marker in
every figure and chart, and series drawn without a style of their own take the palette's
colour, line style and marker in turn (the axes' property cycle).
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from contextvars import ContextVar

import matplotlib

matplotlib.use("Agg")  # no display: figures only go to files

import matplotlib.pyplot as plt  # noqa: E402
from cycler import cycler  # noqa: E402
from matplotlib.colors import to_hex, to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from generator.deck import FigureBox  # noqa: E402
from generator.render.contrast import NON_TEXT_CONTRAST, TEXT_CONTRAST, WHITE, contrast_ratio, hex_to_rgb  # noqa: E402

# -- colours -----------------------------------------------------------------------------------
# Okabe-Ito; those lighter than 3:1 on white darkened to about 3.3:1 (contrast.darkened), which
# keeps their hue. Contrast on white in the comments; tests/figures/test_figure_legibility.py checks them.
BLUE = "#0072B2"  # 5.2:1
VERMILLION = "#D55E00"  # 3.9:1
BLUISH_GREEN = "#009E73"  # 3.4:1
REDDISH_PURPLE = "#C870A1"  # 3.3:1 (#CC79A7 darkened)
ORANGE = "#BD8200"  # 3.3:1 (#E69F00 darkened)
SKY_BLUE = "#1C95D9"  # 3.3:1 (#56B4E9 darkened): blue's hue, lighter; beside orange only (MODEL_COLOURS)
OLIVE = "#998F0C"  # 3.3:1 (the yellow #F0E442 darkened)
INDIGO = "#332288"  # 12:1, from Paul Tol's muted scheme: a seventh hue Okabe-Ito lacks once sky blue is out
# Series in turn, no two of one hue.
PALETTE = (BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE, INDIGO, OLIVE)
# Markers and line styles that go with the palette's colours, in turn: no two series share both.
MARKERS = ("o", "s", "^", "D", "X", "*", "P")
LINESTYLES = ("-", "--", "-.", ":", "-", "--", "-.")

ACTIVATION_COLOURS = {"sigmoid": VERMILLION, "tanh": BLUISH_GREEN, "relu": BLUE}
ACTIVATION_MARKERS = {"sigmoid": "o", "tanh": "s", "relu": "^"}
ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
# The two networks of the CNN demo.
MODEL_COLOURS = {"cnn": ORANGE, "dense": SKY_BLUE}
MODEL_MARKERS = {"cnn": "o", "dense": "s"}
MODEL_LINESTYLES = {"cnn": "-", "dense": "--"}
# Initialisations are told apart by line style, so colour stays the activation's.
INIT_LINESTYLES = {"default": "-", "xavier": "--", "he": ":"}
NEUTRAL = "#555555"  # 7.5:1: reference lines and their labels
RANGE_BAR = "#222222"  # 16:1 on white, and over every palette colour at least 4:1: an error bar across a bar
BOUND_COLOUR = "#BC4F8B"  # 4.5:1 (reddish purple darkened): a bound and its label, which is text
# A sequential colormap for series (one colour per weight scale, say) keeps only the part of its
# range that reaches this contrast on white: viridis' yellow end would vanish on a projector.
SERIES_CONTRAST = NON_TEXT_CONTRAST

# -- sizes --------------------------------------------------------------------------------------
MIN_TEXT_PT = 12  # at slide scale: 16 px on a 1280x720 screen, and on the report's page
# The smallest size a figure sets, above MIN_TEXT_PT so that a picture fitted up to 14% smaller
# than the box it was drawn for (a long caption, the HTML deck's slightly different columns) still
# shows its text at 12 pt or more.
SMALLEST_TEXT_PT = 14
LABEL_PT = 15  # axis titles
TITLE_PT = 16  # axes titles
# A figure drawn outside any box (a plain ``new_axes()``: a notebook, a test) is this size.
FIGURE_SIZE_IN = (8.0, 5.0)
PNG_DPI = 160  # a full-width slide figure (about 12 x 4.5 in) is about 1940 pixels wide

# DejaVu Sans ships with matplotlib; the CJK font is used, where installed,
# for glyphs DejaVu lacks (matplotlib's per-glyph font fallback).
FONT_FAMILY = ["DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP"]

RC = {
    "font.family": FONT_FAMILY,
    "font.size": SMALLEST_TEXT_PT,  # annotations and anything else that sets no size
    "axes.titlesize": TITLE_PT,
    "axes.labelsize": LABEL_PT,
    "figure.titlesize": TITLE_PT,
    "legend.fontsize": SMALLEST_TEXT_PT,
    "legend.title_fontsize": SMALLEST_TEXT_PT,
    "xtick.labelsize": SMALLEST_TEXT_PT,
    "ytick.labelsize": SMALLEST_TEXT_PT,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "text.color": "black",
    "axes.labelcolor": "black",
    "xtick.color": "black",
    "ytick.color": "black",
    "axes.edgecolor": "black",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,  # a guide, not data: the one mark kept faint on purpose
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.prop_cycle": cycler(color=PALETTE, linestyle=LINESTYLES, marker=MARKERS),
    "svg.hashsalt": "lecturegen",  # fixed ids in SVG output, so files are reproducible
    "svg.fonttype": "path",  # text as paths: the SVG looks the same without the fonts
    "path.simplify": True,
}

_box: ContextVar[FigureBox | None] = ContextVar("figure_box", default=None)


@contextmanager
def figure_style(box: FigureBox | None = None):
    """Draw in the lecture's look, at the size of ``box`` (the default size without one)."""
    import logging

    # A missing CJK fallback font is normal on Latin-only machines; do not warn.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    token = _box.set(box)
    try:
        with plt.rc_context(RC):
            yield
    finally:
        _box.reset(token)


def reads_without_its_box(figure: Figure, background: str) -> bool:
    """Whether a drawn ``figure`` may go without its white box on a slide of colour ``background``: every
    text keeps 4.5:1 on that colour and every line, marker, bar and spine 3:1 (translucent shading is a guide,
    not a mark). A figure with a picture in it (digits, feature maps, a confusion matrix) keeps its box: its
    colours were chosen against the picture's own cells."""
    from matplotlib.collections import Collection
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    if not background or figure.findobj(AxesImage):
        return False
    under = hex_to_rgb(background)

    def reads(colour, needed: float) -> bool:
        red, green, blue, alpha = to_rgba(colour)
        if alpha < 1:
            return True  # none, or translucent shading
        return contrast_ratio((round(red * 255), round(green * 255), round(blue * 255)), under) >= needed

    figure.draw_without_rendering()
    texts = [text for text in figure.findobj(Text) if text.get_visible() and text.get_text().strip()]
    lines = [line for line in figure.findobj(Line2D) if line.get_visible()]
    drawn = [line.get_color() for line in lines if line.get_linestyle() not in ("None", "none", "", " ")
             and line.get_linewidth() > 0 and line.get_alpha() in (None, 1)]
    drawn += [line.get_markeredgecolor() for line in lines if line.get_marker() not in (None, "None", "none", "", " ")]
    for axes in figure.get_axes():
        drawn += [patch.get_facecolor() for patch in axes.patches if patch.get_visible() and patch.get_fill()]
        drawn += [spine.get_edgecolor() for spine in axes.spines.values() if spine.get_visible()]
    for collection in figure.findobj(Collection):
        if collection.get_visible() and (collection.get_alpha() is None or collection.get_alpha() >= 1):
            drawn += [tuple(face) for face in collection.get_facecolors()]
    return (all(reads(text.get_color(), TEXT_CONTRAST) for text in texts)
            and all(reads(colour, NON_TEXT_CONTRAST) for colour in drawn))


def figure_box() -> FigureBox | None:
    """The box being drawn for, inside ``figure_style(box)``; None outside one."""
    return _box.get()


def figure_size_in() -> tuple[float, float]:
    """Width and height, in inches, of the figure to draw: the box's, else the default."""
    box = _box.get()
    return (box.width_in, box.height_in) if box is not None else FIGURE_SIZE_IN


def new_figure() -> Figure:
    """An empty figure the size of the box being drawn for (constrained layout)."""
    return Figure(figsize=figure_size_in(), layout="constrained")


def new_axes(ax=None):
    """The axes to draw on: the caller's, or a fresh figure's, the size of the box being drawn for."""
    if ax is not None:
        return ax.figure, ax
    figure = new_figure()
    return figure, figure.add_subplot()


# The lowest to the highest seed, shaded behind the line of their mean: translucent, so the lines drawn
# over it keep their contrast, and light enough that overlapping bands of several series stay readable.
SEED_BAND_ALPHA = 0.15


def seed_band(ax, x, low, high, colour) -> None:
    """Shade the spread over seeds (``low`` to ``high`` at each ``x``) in the series' colour, under its line."""
    ax.fill_between(x, low, high, color=colour, alpha=SEED_BAND_ALPHA, lw=0, zorder=1.5)


def sequential_colours(count: int, colormap: str = "viridis", contrast: float = SERIES_CONTRAST) -> list[str]:
    """``count`` colours in order along ``colormap``, from the part of it that reaches ``contrast`` on white.

    Its longest stretch of at least that contrast is kept (viridis loses its light green and yellow
    end), so every series stays visible and their order still reads dark to light, in greyscale too.
    """
    palette = matplotlib.colormaps[colormap]
    samples = [to_hex(palette(index / 255)) for index in range(256)]
    readable = [contrast_ratio(hex_to_rgb(colour), WHITE) >= contrast for colour in samples]
    best, start = (0, -1), None
    for index, ok in enumerate([*readable, False]):
        if ok and start is None:
            start = index
        elif not ok and start is not None:
            best = max(best, (index - start, start))
            start = None
    length, first = best
    if length == 0:
        raise ValueError(f"no part of the colormap {colormap!r} reaches {contrast}:1 on white")
    last = first + length - 1
    return [samples[round(first + (last - first) * index / max(1, count - 1))] for index in range(count)]


def to_png(figure: Figure, transparent: bool = False) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None}, transparent=transparent)
    return buffer.getvalue()


def to_svg(figure: Figure, transparent: bool = False) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "lecturegen"}, transparent=transparent)
    return buffer.getvalue()
