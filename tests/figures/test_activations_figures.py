"""Figures are checked by the data they draw, not by pixels."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from generator.demos.kinds.activations import ActivationsParams, run
from generator.demos.registry import RunContext, demo_kinds
from generator.figures.drawing import draw_figure
from generator.figures.activations import ActivationDerivativesDisplay, ActivationFunctionsDisplay, ChainBoundDisplay
from generator.figures import style
from generator.figures.style import ACTIVATION_COLOURS


@pytest.fixture(scope="module")
def result():
    return run(ActivationsParams(points=121), RunContext(device="cpu", seed=0))


def test_derivative_plot_draws_each_activation_in_its_colour_and_the_bound(result):
    display = ActivationDerivativesDisplay.from_result(result).plot()
    lines = {line.get_label(): line for line in display.ax_.get_lines()}
    assert {"sigmoid", "tanh", "ReLU"} <= set(lines)
    assert matplotlib.colors.to_hex(lines["sigmoid"].get_color()) == ACTIVATION_COLOURS["sigmoid"].lower()
    np.testing.assert_allclose(lines["tanh"].get_ydata(), result.arrays["df_tanh"])
    bound_lines = [line for line in display.ax_.get_lines() if line.get_linestyle() == "--"]
    assert len(bound_lines) == 1 and bound_lines[0].get_ydata()[0] == pytest.approx(0.25)
    assert "derivative" in display.ax_.get_ylabel()


def test_alt_text_is_written_from_the_data(result):
    alt = ActivationDerivativesDisplay.from_result(result).alt_text()
    assert "sigmoid peaks at 0.25" in alt and "ReLU peaks at 1.00" in alt
    chain = ChainBoundDisplay.from_result(result).alt_text()
    assert "1 to 30" in chain and "sigmoid falls to 8.7 × 10^-19" in chain


def test_chain_bound_uses_a_log_axis(result):
    display = ChainBoundDisplay.from_result(result).plot()
    assert display.ax_.get_yscale() == "log"
    sigmoid = next(line for line in display.ax_.get_lines() if line.get_label() == "sigmoid")
    np.testing.assert_allclose(sigmoid.get_ydata(), 0.25 ** np.arange(1, 31))


def test_plot_draws_on_a_given_axes(result):
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.add_subplot()
    display = ActivationFunctionsDisplay.from_result(result).plot(ax=ax)
    assert display.ax_ is ax and len(ax.get_lines()) == 3


def test_png_and_svg_are_reproducible(result):
    kind = demo_kinds()["activations"]
    first = draw_figure(kind, "derivatives", "act", result)
    second = draw_figure(kind, "derivatives", "act", result)
    assert first.png == second.png
    assert first.svg == second.svg
    assert first.png.startswith(b"\x89PNG") and "<svg" in first.svg
    # Drawn for no box: the default size, at the PNG resolution.
    assert (first.width_px, first.height_px) == tuple(round(side * style.PNG_DPI) for side in style.FIGURE_SIZE_IN)
    assert first.box is None
