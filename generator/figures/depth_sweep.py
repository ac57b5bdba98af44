"""Figures of the ``depth_sweep`` demo.

Colour says which activation, line style says which initialisation, in every
figure: the reader learns the code once. Values over seeds are summarised by
their mean (geometric for gradient norms, which span many decades) and their
range, from the lowest to the highest seed: bars on the accuracy, a shaded band
under the gradient norms and the loss curves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from generator.deck import ChartSeries, ChartSpec
from generator.demos.registry import DemoResult
from generator.figures.alt_numbers import loss_path, over_seeds, spoken
from generator.figures.chart_data import category_labels, chart_values, line_style, marker_shape
from generator.demos.over_seeds import geometric_mean, nan_extreme, nan_mean, positive_extreme
from generator.figures.style import (
    ACTIVATION_COLOURS,
    ACTIVATION_LABELS,
    ACTIVATION_MARKERS,
    INIT_LINESTYLES,
    NEUTRAL,
    new_axes,
    seed_band,
)
from generator.figures.words import FIGURE_ENGLISH, FigureWords


def _label(activation: str, init: str, words: FigureWords = FIGURE_ENGLISH) -> str:
    # Alt texts keep the English default; drawn labels take the content's words.
    return f"{ACTIVATION_LABELS.get(activation, activation)} ({words.init_label(init)})"


def _plot_each(ax, x, series: np.ndarray, activations, inits, words: FigureWords, markers: bool = True,
               low: np.ndarray | None = None, high: np.ndarray | None = None, **style) -> None:
    """One line per (activation, init): colour and marker from the activation, line style from the init;
    the seeds' range (``low`` to ``high``) shaded under each."""
    for a, activation in enumerate(activations):
        for i, init in enumerate(inits):
            if low is not None and high is not None:
                seed_band(ax, x, low[a, i], high[a, i], ACTIVATION_COLOURS.get(activation))
            ax.plot(x, series[a, i], color=ACTIVATION_COLOURS.get(activation), ls=INIT_LINESTYLES.get(init, "-"),
                    marker=ACTIVATION_MARKERS.get(activation) if markers else None,
                    label=_label(activation, init, words), **style)


def _legends(ax, activations, inits, words: FigureWords) -> None:
    """Two small legends, colour = activation and style = init, instead of one per line."""
    colour_handles = [Line2D([], [], color=ACTIVATION_COLOURS.get(a), lw=3, marker=ACTIVATION_MARKERS.get(a), markersize=8,
                             label=ACTIVATION_LABELS.get(a, a)) for a in activations]
    style_handles = [Line2D([], [], color=NEUTRAL, lw=2.5, ls=INIT_LINESTYLES.get(i, "-"), label=words.init_label(i)) for i in inits]
    first = ax.legend(handles=colour_handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                      title=words.activation_legend)
    ax.add_artist(first)
    if len(inits) > 1:
        ax.legend(handles=style_handles, loc="upper left", bbox_to_anchor=(1.01, 0.5), frameon=False,
                  title=words.initialisation_legend)


def _when(epoch: int, words: FigureWords) -> str:
    return words.at_initialisation if epoch == 0 else words.say("after_epoch", epoch=epoch)


@dataclass
class GradientNormsDisplay:
    """Per-layer gradient norm at one depth, at initialisation (or a later measured epoch)."""

    depth: int
    epoch: int
    activations: list[str]
    inits: list[str]
    norms: np.ndarray  # (A, I, layers), geometric mean over seeds
    low: np.ndarray  # (A, I, layers): the lowest seed's norm (above zero)
    high: np.ndarray  # the highest seed's
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH, *, epoch_index: int = 0) -> GradientNormsDisplay:
        values = result.values
        depth = values["focus_depth"]
        d = list(values["depths"]).index(depth)
        norms = result.arrays["grad_norms"][:, :, d, :, epoch_index, : depth + 1]  # (A, I, S, layers)
        return cls(depth, int(result.arrays["grad_norm_epochs"][epoch_index]), values["activations"], values["inits"],
                   geometric_mean(norms, axis=2), positive_extreme(norms, axis=2, largest=False),
                   positive_extreme(norms, axis=2, largest=True), int(values["seeds"]), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        _plot_each(ax, np.arange(1, self.depth + 2), self.norms, self.activations, self.inits, self.words,
                   low=self.low, high=self.high, markersize=6)
        ax.set_yscale("log")
        ax.set_xlabel(self.words.say("layer_axis", output=self.depth + 1), wrap=True)
        ax.set_ylabel(self.words.weight_gradient_axis)
        ax.set_title(f"{self.words.say('hidden_layers_title', depth=self.depth)}, {_when(self.epoch, self.words)}", loc="left")
        _legends(ax, self.activations, self.inits, self.words)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = []
        for a, activation in enumerate(self.activations):
            for i, init in enumerate(self.inits):
                first, last = self.norms[a, i, 0], self.norms[a, i, -1]
                if not (np.isfinite(first) and np.isfinite(last)) or first <= 0:
                    continue
                ratio = last / first
                if ratio >= 10:
                    parts.append(f"{_label(activation, init)}: the first layer's gradient is {spoken(ratio)} times smaller than the last layer's")
                else:
                    parts.append(f"{_label(activation, init)}: all layers within {np.nanmax(self.norms[a, i]) / np.nanmin(self.norms[a, i]):.1f}x of each other")
        when = "at initialisation" if self.epoch == 0 else f"after epoch {self.epoch}"
        return (f"Log-scale chart of the gradient norm of each of {self.depth + 1} layers {when}, "
                f"{over_seeds(self.seeds, 'geometric mean')}. " + "; ".join(parts) + ".")


@dataclass
class AccuracyVsDepthDisplay:
    """Accuracy against depth at each network's chosen learning rate; how much the rate mattered, shaded."""

    depths: list[int]
    activations: list[str]
    inits: list[str]
    mean: np.ndarray  # (A, I, D): mean over seeds at the chosen rate
    low: np.ndarray  # (A, I, D): lowest seed at the chosen rate
    high: np.ndarray
    rate_low: np.ndarray  # (A, I, D): the worst rate of the grid (mean over seeds)
    rate_high: np.ndarray  # the best rate of the grid, on the test images
    rates: list[float]
    seeds: int
    chance: float
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> AccuracyVsDepthDisplay:
        values = result.values
        accuracy = result.arrays["test_acc"]  # (A, I, D, S)
        per_rate = nan_mean(result.arrays["test_acc_by_lr"], axis=4)  # (A, I, D, L)
        return cls(list(values["depths"]), values["activations"], values["inits"], nan_mean(accuracy, axis=3),
                   nan_extreme(accuracy, axis=3, largest=False), nan_extreme(accuracy, axis=3, largest=True),
                   nan_extreme(per_rate, axis=3, largest=False), nan_extreme(per_rate, axis=3, largest=True),
                   list(values["lrs"]), int(values["seeds"]), values["chance"], words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        for a, activation in enumerate(self.activations):
            colour = ACTIVATION_COLOURS.get(activation)
            for i, init in enumerate(self.inits):
                if len(self.rates) > 1:
                    ax.fill_between(self.depths, self.rate_low[a, i] * 100, self.rate_high[a, i] * 100,
                                    color=colour, alpha=0.06, lw=0)
                ax.plot(self.depths, self.mean[a, i] * 100, color=colour, ls=INIT_LINESTYLES.get(init, "-"),
                        marker=ACTIVATION_MARKERS.get(activation), markersize=6, label=_label(activation, init, self.words))
                # Bars from the lowest to the highest seed at the chosen rate.
                spread = np.stack([self.mean[a, i] - self.low[a, i], self.high[a, i] - self.mean[a, i]])
                ax.errorbar(self.depths, self.mean[a, i] * 100, yerr=np.abs(spread) * 100, fmt="none", ecolor=colour,
                            capsize=3, elinewidth=1.2)
        ax.axhline(self.chance * 100, color=NEUTRAL, ls="--", lw=1.5)
        ax.annotate(self.words.chance, xy=(self.depths[0], self.chance * 100), xytext=(0, 4), textcoords="offset points",
                    color=NEUTRAL)
        ax.set_xscale("log", base=2)
        ax.set_xticks(self.depths, [str(depth) for depth in self.depths])
        ax.minorticks_off()
        ax.set_ylim(0, 100)
        ax.set_xlabel(self.words.hidden_layers_axis)
        ax.set_ylabel(self.words.test_accuracy_axis)
        _legends(ax, self.activations, self.inits, self.words)
        if len(self.rates) > 1:
            ax.set_title(self.words.say("best_rate_title", rates=", ".join(f"{rate:g}" for rate in self.rates)),
                         loc="left", wrap=True)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = []
        for a, activation in enumerate(self.activations):
            for i, init in enumerate(self.inits):
                series = self.mean[a, i]
                failing = [depth for depth, value in zip(self.depths, series) if not value >= 2 * self.chance]
                if not failing:
                    parts.append(f"{_label(activation, init)} stays at or above {np.nanmin(series):.0%} up to depth {self.depths[-1]}")
                elif failing == list(self.depths):
                    parts.append(f"{_label(activation, init)} is near chance at every depth")
                else:
                    parts.append(f"{_label(activation, init)} falls to chance from depth {failing[0]}")
        rates = ""
        if len(self.rates) > 1:
            rates = (f" Each network is shown at the learning rate, of {', '.join(f'{rate:g}' for rate in self.rates)}, "
                     "that scored best on held-out validation images; a shaded band spans the accuracy at every rate.")
        return (f"Line chart of test accuracy against depth ({', '.join(map(str, self.depths))} hidden layers), "
                f"mean over {self.seeds} seed{'s' if self.seeds != 1 else ''} with bars from the lowest to the highest seed: "
                + "; ".join(parts) + f". Chance is {self.chance:.0%}." + rates)


@dataclass
class LossCurvesDisplay:
    depth: int
    activations: list[str]
    inits: list[str]
    loss: np.ndarray  # (A, I, epochs), mean over seeds that did not diverge
    low: np.ndarray  # (A, I, epochs): the lowest seed's loss
    high: np.ndarray  # the highest seed's
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> LossCurvesDisplay:
        values = result.values
        depth = values["focus_depth"]
        d = list(values["depths"]).index(depth)
        loss = result.arrays["loss_curve"][:, :, d]  # (A, I, S, epochs)
        return cls(depth, values["activations"], values["inits"], nan_mean(loss, axis=2),
                   positive_extreme(loss, axis=2, largest=False), positive_extreme(loss, axis=2, largest=True),
                   int(values["seeds"]), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        epochs = self.loss.shape[-1]
        # A marker every few epochs: enough to tell the activations apart without colour, not a crowd.
        _plot_each(ax, np.arange(1, epochs + 1), self.loss, self.activations, self.inits, self.words,
                   low=self.low, high=self.high, markersize=6, markevery=max(1, epochs // 5))
        ax.set_yscale("log")
        ax.set_xlabel(self.words.epoch_axis)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(self.words.training_loss_axis)
        ax.set_title(self.words.say("hidden_layers_title", depth=self.depth), loc="left")
        _legends(ax, self.activations, self.inits, self.words)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = []
        for a, activation in enumerate(self.activations):
            for i, init in enumerate(self.inits):
                series = self.loss[a, i]
                if np.isfinite(series[-1]):
                    parts.append(f"{_label(activation, init)} {loss_path(series)}")
                else:
                    parts.append(f"{_label(activation, init)} diverged")
        return (f"Log-scale chart of training loss per epoch at {self.depth} hidden layers, "
                f"{over_seeds(self.seeds, 'mean')}: " + "; ".join(parts) + ".")


# -- native charts: the same numbers, colours and line styles as the figures above --------------


def _chart_series(series: np.ndarray, activations, inits, words: FigureWords, markers: bool = True, low=None,
                  high=None) -> list[ChartSeries]:
    return [
        ChartSeries(_label(activation, init, words), chart_values(series[a, i]), ACTIVATION_COLOURS.get(activation, NEUTRAL),
                    line_style(INIT_LINESTYLES.get(init, "-")), markers,
                    marker=marker_shape(ACTIVATION_MARKERS.get(activation, "o")),
                    low=chart_values(low[a, i]) if low is not None else (),
                    high=chart_values(high[a, i]) if high is not None else ())
        for a, activation in enumerate(activations)
        for i, init in enumerate(inits)
    ]


def chart_gradient_norms(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = GradientNormsDisplay.from_result(result, words=words)
    return ChartSpec(
        kind="line",
        categories=category_labels(range(1, display.depth + 2)),
        series=tuple(_chart_series(display.norms, display.activations, display.inits, words, low=display.low,
                                   high=display.high)),
        title=f"{words.say('hidden_layers_title', depth=display.depth)}, {_when(display.epoch, words)}",
        x_title=words.say("layer_axis", output=display.depth + 1),
        y_title=words.weight_gradient_axis,
        y_log=True,
        axis_number_format="0E+0",
    )


def chart_accuracy_vs_depth(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = AccuracyVsDepthDisplay.from_result(result, words=words)
    chance = ChartSeries(words.chance, (display.chance * 100,) * len(display.depths), NEUTRAL, "dashed", markers=False)
    return ChartSpec(
        kind="line",
        categories=category_labels(display.depths),
        series=(*_chart_series(display.mean * 100, display.activations, display.inits, words,
                               low=display.low * 100, high=display.high * 100), chance),
        x_title=words.hidden_layers_axis,
        y_title=words.test_accuracy_axis,
        y_min=0.0,
        y_max=100.0,
        axis_number_format="0",
    )


def chart_loss_curves(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = LossCurvesDisplay.from_result(result, words=words)
    return ChartSpec(
        kind="line",
        categories=category_labels(range(1, display.loss.shape[-1] + 1)),
        series=tuple(_chart_series(display.loss, display.activations, display.inits, words, markers=False,
                                   low=display.low, high=display.high)),
        title=words.say("hidden_layers_title", depth=display.depth),
        x_title=words.epoch_axis,
        y_title=words.training_loss_axis,
        y_log=True,
    )
