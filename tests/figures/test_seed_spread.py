"""Honest statistics: where a figure or a quotable value is a mean over seeds, its spread is there too.

Each built-in kind runs its smoke parameters with two seeds; the spread between them must reach the
results text can quote (a ``*_range`` beside each mean), the picture (a shaded band around each line,
from the lowest to the highest seed) and the native chart (error bars from the same numbers).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from generator.demos.registry import get_kind
from generator.figures import style
from generator.figures.drawing import chart_for
from tests.smoke import CPU

# (kind, figure) whose lines are means over seeds.
BANDED = [("depth_sweep", "gradient_norms"), ("depth_sweep", "loss_curves"),
          ("exploding_gradients", "gradient_norms"), ("exploding_gradients", "loss_curves"),
          ("cnn_digits", "training_curves")]


@pytest.fixture(scope="module")
def two_seed_results():
    results = {}
    for name in {kind for kind, _ in BANDED}:
        kind = get_kind(name)
        smoke = kind.smoke_params()
        params = smoke.model_copy(update={"seeds": [0, 1], "epochs": max(smoke.epochs, 2)})  # a curve, not a point
        results[name] = kind.run(params, CPU)
    return results


def _within(low, value, high) -> bool:
    known = np.isfinite(value)
    return bool(np.all(low[known] <= value[known] * (1 + 1e-9)) and np.all(value[known] <= high[known] * (1 + 1e-9)))


def test_every_ratio_quoted_as_a_mean_has_its_seeds_range(two_seed_results):
    sweep = two_seed_results["depth_sweep"].values
    widths = []
    for name in ("grad_shrink", "grad_spread"):
        for activation, by_init in sweep[name].items():
            for init, by_depth in by_init.items():
                for depth, mean in by_depth.items():
                    spread = sweep[f"{name}_range"][activation][init][depth]
                    assert (mean is None) == (spread is None)
                    if mean is not None:
                        assert spread["low"] <= mean * (1 + 1e-9) and mean <= spread["high"] * (1 + 1e-9)
                        widths.append(spread["high"] / spread["low"])
    assert max(widths) > 1.01  # two seeds' networks differ: the range is not the mean written twice
    explode = two_seed_results["exploding_gradients"].values
    for scale, growth in explode["growth"].items():
        spread = explode["growth_range"][scale]
        if growth is not None:
            assert spread["low"] <= growth * (1 + 1e-9) and growth <= spread["high"] * (1 + 1e-9)


@pytest.mark.parametrize(("kind_name", "figure"), BANDED)
def test_each_line_of_a_mean_is_drawn_over_a_band_from_the_lowest_to_the_highest_seed(two_seed_results, kind_name,
                                                                                     figure):
    kind = get_kind(kind_name)
    with style.figure_style():
        display = kind.figure(figure).display_class().from_result(two_seed_results[kind_name]).plot()
    ax = display.ax_
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_") and len(line.get_xdata()) > 1]
    bands = [collection for collection in ax.collections if isinstance(collection, PolyCollection)]
    assert lines and len(bands) == len(lines)
    wide = 0
    for line, band in zip(lines, bands):
        # The band is drawn in the line's colour, translucent, under it.
        assert band.get_facecolor()[0][:3] == pytest.approx(plt.matplotlib.colors.to_rgba(line.get_color())[:3])
        assert band.get_facecolor()[0][3] < 1 and band.get_zorder() < line.get_zorder()
        x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        edges = band.get_paths()[0].vertices if band.get_paths() else np.empty((0, 2))
        low = np.array([edges[np.isclose(edges[:, 0], at), 1].min() if np.isclose(edges[:, 0], at).any() else np.nan
                        for at in x])
        high = np.array([edges[np.isclose(edges[:, 0], at), 1].max() if np.isclose(edges[:, 0], at).any() else np.nan
                         for at in x])
        drawn = np.isfinite(low)
        assert _within(low[drawn], y[drawn], high[drawn]), (line.get_label(), low, y, high)
        wide += int(np.any(high[drawn] > low[drawn] * 1.001))
    assert wide, "every band has no width: the seeds' spread is not drawn"
    assert "seeds, with a shaded band from the lowest to the highest seed" in display.alt_text()
    plt.close(display.figure_)


@pytest.mark.parametrize(("kind_name", "figure"), [pair for pair in BANDED if get_kind(pair[0]).figure(pair[1]).has_chart])
def test_the_native_chart_carries_the_same_spread_as_error_bars(two_seed_results, kind_name, figure):
    spec = chart_for(get_kind(kind_name), figure, two_seed_results[kind_name])
    spread = [series for series in spec.series if series.low]
    assert spread
    for series in spread:
        values, low, high = (np.array([np.nan if v is None else v for v in column], float)
                             for column in (series.values, series.low, series.high))
        assert _within(low, values, high)


def test_the_cnn_against_dense_bars_carry_the_seeds_range(two_seed_results):
    result = two_seed_results["cnn_digits"]
    kind = get_kind("cnn_digits")
    with style.figure_style():
        display = kind.figure("cnn_vs_dense").display_class().from_result(result).plot()
    caps = [line for line in display.ax_.get_lines() if line.get_marker() == "_"]
    assert len(caps) == 2  # the error bar's two caps: lowest and highest seed's error
    for name, position in (("cnn", 0), ("dense", 1)):
        spread = result.values[f"{name}_test_acc_range"]
        expected = sorted([(1 - spread["high"]) * 100, (1 - spread["low"]) * 100])
        drawn = sorted(cap.get_ydata()[position] for cap in caps)
        assert drawn == pytest.approx(expected)
    assert "mean over 2 seeds, with bars from the lowest to the highest seed" in display.alt_text()
    plt.close(display.figure_)
    chart = chart_for(kind, "cnn_vs_dense", result)
    assert chart.series[0].low and chart.series[0].range_colour
