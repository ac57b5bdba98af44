"""The figure registry: for each (demo kind, figure name), how to build its Display.

Drawing a figure turns a demo result into a :class:`FigureAsset`: PNG bytes
(PowerPoint), SVG text (HTML) and alt text, all computed from the data. Every
figure a demo kind declares must have a drawer here (a test checks this).
"""

from __future__ import annotations

import hashlib
import inspect
import sys
from collections.abc import Callable
from functools import lru_cache

from generator.deck import ChartSpec, FigureAsset
from generator.demos.registry import DemoResult
from generator.figures import activations, alt_numbers, cnn_digits, depth_sweep, exploding_gradients, style
from generator.figures import words as words_module
from generator.figures.words import FIGURE_ENGLISH, FigureWords

DisplayFactory = Callable[[DemoResult, FigureWords], object]

# The module that draws each demo kind's figures; its source is part of the figure cache key.
FIGURE_MODULES = {
    "activations": activations,
    "depth_sweep": depth_sweep,
    "exploding_gradients": exploding_gradients,
    "cnn_digits": cnn_digits,
}

DRAWERS: dict[tuple[str, str], DisplayFactory] = {
    ("activations", "functions"): lambda r, w: activations.ActivationCurvesDisplay.from_result(r, False, w),
    ("activations", "derivatives"): lambda r, w: activations.ActivationCurvesDisplay.from_result(r, True, w),
    ("activations", "chain_bound"): activations.ChainBoundDisplay.from_result,
    ("depth_sweep", "gradient_norms"): lambda r, w: depth_sweep.GradientNormsDisplay.from_result(r, words=w),
    ("depth_sweep", "accuracy_vs_depth"): depth_sweep.AccuracyVsDepthDisplay.from_result,
    ("depth_sweep", "loss_curves"): depth_sweep.LossCurvesDisplay.from_result,
    ("exploding_gradients", "gradient_norms"): exploding_gradients.ScaledGradientNormsDisplay.from_result,
    ("exploding_gradients", "loss_curves"): exploding_gradients.ScaledLossCurvesDisplay.from_result,
    ("cnn_digits", "training_curves"): cnn_digits.TrainingCurvesDisplay.from_result,
    ("cnn_digits", "filters"): cnn_digits.FiltersDisplay.from_result,
    ("cnn_digits", "feature_maps"): cnn_digits.FeatureMapsDisplay.from_result,
    ("cnn_digits", "confusion_matrix"): cnn_digits.ConfusionMatrixDisplay.from_result,
    ("cnn_digits", "cnn_vs_dense"): cnn_digits.CnnVsDenseDisplay.from_result,
}


# Figures that are lines or bars can also be drawn as native, editable charts (`chart: native`).
CHARTS: dict[tuple[str, str], Callable[[DemoResult, FigureWords], ChartSpec]] = {
    ("depth_sweep", "gradient_norms"): depth_sweep.chart_gradient_norms,
    ("depth_sweep", "accuracy_vs_depth"): depth_sweep.chart_accuracy_vs_depth,
    ("depth_sweep", "loss_curves"): depth_sweep.chart_loss_curves,
    ("exploding_gradients", "gradient_norms"): exploding_gradients.chart_gradient_norms,
    ("exploding_gradients", "loss_curves"): exploding_gradients.chart_loss_curves,
    ("cnn_digits", "training_curves"): cnn_digits.chart_training_curves,
    ("cnn_digits", "cnn_vs_dense"): cnn_digits.chart_cnn_vs_dense,
}


def has_chart(kind: str, figure: str) -> bool:
    return (kind, figure) in CHARTS


def chart_for(kind: str, figure: str, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    """The native chart of ``figure`` (of a demo of ``kind``), from the same result its picture is drawn from."""
    return CHARTS[(kind, figure)](result, words)


@lru_cache(maxsize=None)
def figure_code_hash(kind: str) -> str:
    """Hash of the code that draws a kind's figures (for the figure cache key)."""
    digest = hashlib.sha256()
    for module in (style, words_module, alt_numbers, FIGURE_MODULES[kind], sys.modules[__name__]):
        digest.update(inspect.getsource(module).encode())
    digest.update(kind.encode())
    return digest.hexdigest()


def draw_figure(kind: str, figure: str, instance: str, result: DemoResult,
                words: FigureWords = FIGURE_ENGLISH) -> FigureAsset:
    """Draw ``figure`` of demo ``instance`` (of ``kind``) from its result, in ``words``."""
    factory = DRAWERS[(kind, figure)]
    with style.figure_style():
        display = factory(result, words).plot()
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
