"""Figures of the training demos, checked by the data they draw and the words they say."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from generator.demos.kinds.cnn_digits import CnnDigitsParams
from generator.demos.kinds.cnn_digits import run as run_cnn
from generator.demos.kinds.depth_sweep import DepthSweepParams
from generator.demos.kinds.depth_sweep import run as run_sweep
from generator.demos.kinds.exploding_gradients import ExplodingParams
from generator.demos.kinds.exploding_gradients import run as run_exploding
from generator.demos.registry import RunContext, get_kind
from generator.figures import cnn_digits as cnn_figures
from generator.figures import depth_sweep as sweep_figures
from generator.figures import exploding_gradients as exploding_figures
from generator.figures.drawing import draw_figure
from generator.figures.style import ACTIVATION_COLOURS, INIT_LINESTYLES

CPU = RunContext(device="cpu", seed=0)


@pytest.fixture(scope="module")
def sweep():
    params = DepthSweepParams(activations=["sigmoid", "relu"], inits=["default", "he"], depths=[1, 6], seeds=[0, 1],
                              width=16, epochs=2)
    return run_sweep(params, CPU)


@pytest.fixture(scope="module")
def exploding():
    return run_exploding(ExplodingParams(scales=[0.5, 1.0, 3.0], depth=6, width=16, epochs=2, lrs=[0.5]), CPU)


@pytest.fixture(scope="module")
def cnn():
    return run_cnn(CnnDigitsParams(epochs=2, seeds=[0, 1]), CPU)


def _lines(ax):
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 1]


def test_gradient_norms_draw_one_line_per_activation_and_init_on_a_log_axis(sweep):
    display = sweep_figures.GradientNormsDisplay.from_result(sweep).plot()
    lines = _lines(display.ax_)
    assert display.ax_.get_yscale() == "log"
    assert {line.get_label() for line in lines} == {"sigmoid (default init)", "sigmoid (He)", "ReLU (default init)", "ReLU (He)"}
    sigmoid_default = next(line for line in lines if line.get_label() == "sigmoid (default init)")
    assert sigmoid_default.get_color() == ACTIVATION_COLOURS["sigmoid"]
    assert sigmoid_default.get_linestyle() == INIT_LINESTYLES["default"]
    assert len(sigmoid_default.get_ydata()) == 7  # 6 hidden layers + output
    expected = np.exp(np.log(sweep.arrays["grad_norms"][0, 0, 1, :, 0, :7]).mean(axis=0))
    np.testing.assert_allclose(sigmoid_default.get_ydata(), expected, rtol=1e-9)
    assert "times smaller than the last layer's" in display.alt_text()


def test_accuracy_vs_depth_plots_means_in_percent_with_a_chance_line(sweep):
    display = sweep_figures.AccuracyVsDepthDisplay.from_result(sweep).plot()
    relu_he = next(line for line in _lines(display.ax_) if line.get_label() == "ReLU (He)")
    np.testing.assert_allclose(relu_he.get_ydata(), sweep.arrays["test_acc"][1, 1].mean(axis=1) * 100)
    assert any(line.get_ydata()[0] == pytest.approx(10) for line in display.ax_.get_lines())
    assert "Chance is 10%" in display.alt_text()


def test_loss_curves_show_the_focus_depth(sweep):
    display = sweep_figures.LossCurvesDisplay.from_result(sweep).plot()
    assert display.ax_.get_title(loc="left") == "6 hidden layers"
    assert len(_lines(display.ax_)) == 4


def test_exploding_figures_mark_divergence(exploding):
    grads = exploding_figures.ScaledGradientNormsDisplay.from_result(exploding).plot()
    assert [line.get_label() for line in _lines(grads.ax_)] == [
        "0.5\u00d7 the stable scale", "1\u00d7 the stable scale", "3\u00d7 the stable scale"]
    assert re.search(r"the gradient shrinks [\d,.]+-fold at 0\.5x, .* and grows [\d,.]+-fold at 3x\.$", grads.alt_text())
    loss = exploding_figures.ScaledLossCurvesDisplay.from_result(exploding).plot()
    crosses = [line for line in loss.ax_.get_lines() if line.get_marker() == "X"]
    assert len(crosses) == 1
    named = [text.get_text() for legend in loss.figure_.legends for text in legend.get_texts()]
    assert any(re.fullmatch(r"3\u00d7 the stable scale, diverged in epoch \d+", name) for name in named), named
    assert "at 3x the loss diverged in epoch" in loss.alt_text()


def test_cnn_figures_draw_their_data(cnn):
    curves = cnn_figures.TrainingCurvesDisplay.from_result(cnn).plot()
    labels = [line.get_label() for line in _lines(curves.ax_)]
    assert labels == ["CNN (6,090 parameters)", "dense network (6,085 parameters)"]
    bars = cnn_figures.CnnVsDenseDisplay.from_result(cnn).plot()
    heights = [patch.get_height() for patch in bars.ax_.patches]
    assert heights == pytest.approx([(1 - cnn.values["cnn_test_acc"]) * 100, (1 - cnn.values["dense_test_acc"]) * 100])
    assert bars.ax_.get_ylim()[0] == 0  # errors from zero: no truncated axis
    matrix = cnn_figures.ConfusionMatrixDisplay.from_result(cnn).plot()
    assert matrix.ax_.images[0].get_array().sum() == 450
    filters = cnn_figures.FiltersDisplay.from_result(cnn).plot()
    drawn = np.ma.filled(filters.axes_[0].images[0].get_array(), np.nan)
    assert np.sort(drawn[~np.isnan(drawn)]) == pytest.approx(np.sort(cnn.arrays["filters"].ravel()))
    assert "16 learned 3x3 filters" in filters.alt_text()


@pytest.mark.parametrize("channels", [5, 512])
def test_every_filter_is_drawn_whatever_the_channel_count(channels):
    # With one axes per filter, 512 filters (channels allows up to 512) gave a blank figure.
    filters = np.arange(channels * 9, dtype=float).reshape(channels, 3, 3) - channels * 4.5
    display = cnn_figures.FiltersDisplay(filters).plot()
    drawn = np.ma.filled(display.axes_[0].images[0].get_array(), np.nan)
    np.testing.assert_array_equal(np.sort(drawn[~np.isnan(drawn)]), filters.ravel())
    png = io.BytesIO()
    display.figure_.savefig(png, format="png", dpi=50)
    pixels = np.asarray(Image.open(png).convert("L"))
    assert (pixels < 250).mean() > 0.2  # the tiles are on the page, not a blank figure


@pytest.mark.parametrize(("responses", "words"), [
    ([1.0], "and the one feature map the first convolution layer makes of it; it responds to some of its strokes."),
    ([0.0], "and the one feature map the first convolution layer makes of it; it stays dark everywhere."),
    ([1.0, 0.0], "and the 2 feature maps the first convolution layer makes of it; 1 of them responds somewhere."),
    ([1.0, 2.0, 0.0], "and the 3 feature maps the first convolution layer makes of it; 2 of them respond somewhere,"),
])
def test_feature_map_alt_text_counts_maps_in_good_grammar(responses, words):
    maps = np.stack([np.full((8, 8), value) for value in responses])
    assert words in cnn_figures.FeatureMapsDisplay(np.zeros((8, 8)), maps, label=3).alt_text()


def test_one_filter_is_described_as_one():
    text = cnn_figures.FiltersDisplay(np.ones((1, 3, 3))).alt_text()
    assert text.startswith("The one learned 3x3 filter of the first convolution layer") and "filters" not in text


@pytest.mark.parametrize(("channels", "side", "grid"), [(16, 8, (4, 4)), (4, 28, (2, 2)), (32, 28, (4, 8)), (5, 8, (2, 3))])
def test_feature_maps_are_tiled_compactly_with_every_map_in_place(channels, side, grid):
    maps = np.arange(channels * side * side, dtype=float).reshape(channels, side, side)
    display = cnn_figures.FeatureMapsDisplay(np.zeros((side, side)), maps, label=3).plot()
    drawn = np.ma.filled(display.axes_[1].images[0].get_array(), np.nan)
    rows, columns = grid
    assert drawn.shape == (rows * (side + 1) - 1, columns * (side + 1) - 1)
    for index, expected in enumerate(maps):
        row, column = divmod(index, columns)
        top, left = row * (side + 1), column * (side + 1)
        np.testing.assert_array_equal(drawn[top : top + side, left : left + side], expected)
    assert np.isnan(drawn).sum() == drawn.size - maps.size  # only the gaps and empty cells are blank


@pytest.mark.parametrize("figure", ["training_curves", "filters", "feature_maps", "confusion_matrix", "cnn_vs_dense"])
def test_cnn_figures_render_reproducibly(cnn, figure):
    first = draw_figure(get_kind("cnn_digits"), figure, "cnn", cnn)
    second = draw_figure(get_kind("cnn_digits"), figure, "cnn", cnn)
    assert first.png == second.png and first.svg == second.svg
    assert first.alt
