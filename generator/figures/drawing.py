"""Draw a demo's figure, or compute its native chart, from the demo's result.

Which Display draws which figure is declared by the demo kind itself
(``DemoKind.figures``, generator/demos/registry.py); this module only turns a
result into a :class:`FigureAsset`: PNG bytes (PowerPoint), SVG text (HTML)
and alt text, all computed from the data, drawn for one box (``FigureBox``: the
size of the region it fills on a slide or in the report, generator/figure_boxes.py).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import sys
from functools import lru_cache

from generator.deck import ChartSpec, FigureAsset, FigureBox
from generator.demos.registry import DemoKind, DemoResult, Figure
from generator.figures import style
from generator.figures.words import FIGURE_ENGLISH, FigureWords

SHARED_FIGURES_PACKAGE = "generator.figures."
# Modules whose code, used by a figure module, changes what it draws: lecturegen's figure modules and
# the colour maths (contrast.py chooses text colours and clips colormaps).
SHARED_FIGURE_MODULES = (SHARED_FIGURES_PACKAGE, "generator.render.contrast")


def chart_for(kind: DemoKind, figure: str, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    """The native chart of ``figure``, from the same result its picture is drawn from."""
    return _declared(kind, figure).chart_function()(result, words)


def _declared(kind: DemoKind, figure: str) -> Figure:
    declared = kind.figure(figure)
    if declared is None:
        raise LookupError(f"demo kind {kind.name!r} draws no figure {figure!r} (it draws: {', '.join(kind.figure_names)})")
    return declared


@lru_cache(maxsize=None)
def figure_code_hash(kind: DemoKind) -> str:
    """Hash of the code that draws a kind's figures (for the figure cache key).

    The modules that hold its Displays and charts, the lecturegen figure modules
    they use (style, words, chart data...), and this module.
    """
    modules = {sys.modules[__name__]}
    for figure in kind.figures:
        for name in figure.module_names():
            module = importlib.import_module(name)
            modules.add(module)
            modules.update(_figure_modules_used_by(module))
    digest = hashlib.sha256()
    for module in sorted(modules, key=lambda module: module.__name__):
        digest.update(module.__name__.encode())
        digest.update(inspect.getsource(module).encode())
    digest.update(kind.name.encode())
    return digest.hexdigest()


def _figure_modules_used_by(module) -> set:
    used = set()
    for value in vars(module).values():
        owner = value if inspect.ismodule(value) else sys.modules.get(getattr(value, "__module__", "") or "")
        if owner is not None and owner.__name__.startswith(SHARED_FIGURE_MODULES):
            used.add(owner)
    return used


def draw_figure(kind: DemoKind, figure: str, instance: str, result: DemoResult,
                words: FigureWords = FIGURE_ENGLISH, box: FigureBox | None = None) -> FigureAsset:
    """Draw ``figure`` of demo ``instance`` (of ``kind``) from its result, in ``words``, for ``box``.

    The figure is drawn at the box's size (``style.figure_style(box)``), so its text, set in points,
    shows at that size where the box is filled; without a box, at the default size."""
    display_class = _declared(kind, figure).display_class()
    with style.figure_style(box):
        display = display_class.from_result(result, words).plot()
        png = style.to_png(display.figure_)
        svg = style.to_svg(display.figure_)
    width, height = _png_size(png)
    alt = display.alt_text()
    if not isinstance(alt, str) or not alt.strip():
        # A figure without it is a blank to a screen reader; every Display must say what it shows.
        raise ValueError(f"{display_class.__name__}.alt_text() gave no text; say what the figure shows")
    return FigureAsset(
        name=f"{instance}.{figure}",
        png=png,
        svg=svg,
        width_px=width,
        height_px=height,
        alt=alt,
        box=box,
    )


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header (IHDR follows the 8-byte signature)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
