"""The figure registry: for each (demo kind, figure name), how to build its Display.

Drawing a figure turns a demo result into a :class:`FigureAsset`: PNG bytes
(PowerPoint), SVG text (HTML) and alt text, all computed from the data. Every
figure a demo kind declares must have a drawer here (a test checks this).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable

from generator.deck import FigureAsset
from generator.demos.registry import DemoResult
from generator.figures import activations, style

DisplayFactory = Callable[[DemoResult], object]

DRAWERS: dict[tuple[str, str], DisplayFactory] = {
    ("activations", "functions"): lambda r: activations.ActivationCurvesDisplay.from_result(r, derivative=False),
    ("activations", "derivatives"): lambda r: activations.ActivationCurvesDisplay.from_result(r, derivative=True),
    ("activations", "chain_bound"): activations.ChainBoundDisplay.from_result,
}


def figure_code_hash(kind: str) -> str:
    """Hash of the code that draws a kind's figures (for the figure cache key)."""
    digest = hashlib.sha256()
    for module in (style, activations, inspect.getmodule(figure_code_hash)):
        digest.update(inspect.getsource(module).encode())
    digest.update(kind.encode())
    return digest.hexdigest()


def draw_figure(kind: str, figure: str, instance: str, result: DemoResult) -> FigureAsset:
    """Draw ``figure`` of demo ``instance`` (of ``kind``) from its result."""
    factory = DRAWERS[(kind, figure)]
    with style.figure_style():
        display = factory(result).plot()
        png = style.to_png(display.figure_)
        svg = style.to_svg(display.figure_)
    width, height = (round(side * style.PNG_DPI) for side in style.FIGURE_SIZE_IN)
    return FigureAsset(
        name=f"{instance}.{figure}",
        png=png,
        svg=svg,
        width_px=width,
        height_px=height,
        alt=display.alt_text(),
    )
