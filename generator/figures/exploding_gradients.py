"""Figures of the ``exploding_gradients`` demo: one colour per weight scale, dark to light.

Each line is the mean over seeds (geometric for gradient norms, which span many decades), over a shaded
band from the lowest to the highest seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from generator.deck import ChartSeries, ChartSpec
from generator.demos.registry import DemoResult
from generator.figures.alt_numbers import loss_path, over_seeds, spoken
from generator.figures.chart_data import category_labels, chart_values, hex_colour, marker_shape
from generator.demos.over_seeds import geometric_mean, nan_mean, positive_extreme
from generator.figures import style
from generator.figures.style import NEUTRAL, new_axes, seed_band
from generator.figures.words import FIGURE_ENGLISH, FigureWords


def scale_colours(scales) -> list[str]:
    # viridis is perceptually ordered and readable with colour blindness; its light end is left out.
    return style.sequential_colours(len(scales))


def scale_markers(scales) -> list[str]:
    # A shape per scale as well, so the series are told apart without their colours.
    return [style.MARKERS[index % len(style.MARKERS)] for index in range(len(scales))]


def _scale_label(scale: float, words: FigureWords) -> str:
    return words.say("weight_scale", scale=f"{scale:g}")


@dataclass
class ScaledGradientNormsDisplay:
    scales: np.ndarray
    norms: np.ndarray  # (K, layers), geometric mean over seeds
    low: np.ndarray  # (K, layers): the lowest seed's norm (above zero)
    high: np.ndarray  # the highest seed's
    depth: int
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ScaledGradientNormsDisplay:
        norms = result.arrays["grad_norms"]  # (K, S, layers)
        return cls(np.asarray(result.arrays["scales"]), geometric_mean(norms, axis=1),
                   positive_extreme(norms, axis=1, largest=False), positive_extreme(norms, axis=1, largest=True),
                   int(result.values["depth"]), int(result.values["seeds"]), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        layers = np.arange(1, self.norms.shape[1] + 1)
        for scale, colour, marker, series, low, high in zip(self.scales, scale_colours(self.scales),
                                                            scale_markers(self.scales), self.norms, self.low, self.high):
            seed_band(ax, layers, low, high, colour)
            ax.plot(layers, series, color=colour, marker=marker, markersize=6, label=_scale_label(scale, self.words))
        ax.set_yscale("log")
        ax.set_xlabel(self.words.say("layer_axis", output=self.depth + 1), wrap=True)
        ax.set_ylabel(self.words.signal_gradient_axis)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title=self.words.initial_weights_legend)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = []
        for scale, series in zip(self.scales, self.norms):
            ratio = series[0] / series[-1]
            direction = "grows" if ratio >= 1 else "shrinks"
            factor = ratio if ratio >= 1 else 1 / ratio
            parts.append(f"{direction} {spoken(factor)}-fold at {scale:g}x")
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return (f"Log-scale chart of per-layer gradient norms of a {self.depth}-layer network at initialisation, "
                f"{over_seeds(self.seeds, 'geometric mean')}; from the output back to the input layer, the gradient "
                f"{listed}.")


@dataclass
class ScaledLossCurvesDisplay:
    scales: np.ndarray
    loss: np.ndarray  # (K, epochs), mean over seeds still training
    low: np.ndarray  # (K, epochs): the lowest seed's loss
    high: np.ndarray  # the highest seed's
    diverged_epoch: np.ndarray  # (K,), first divergence among seeds, -1 if none
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ScaledLossCurvesDisplay:
        loss = result.arrays["loss_curve"]  # (K, S, epochs)
        diverged = result.arrays["diverged_epoch"]
        first = np.array([row[row >= 0].min() if (row >= 0).any() else -1 for row in diverged])
        return cls(np.asarray(result.arrays["scales"]), nan_mean(loss, axis=1),
                   positive_extreme(loss, axis=1, largest=False), positive_extreme(loss, axis=1, largest=True), first,
                   int(result.values["seeds"]), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        epochs = np.arange(1, self.loss.shape[1] + 1)
        top = np.nanmax(self.loss) if np.isfinite(self.loss).any() else 3.0
        marks = 0
        for scale, colour, marker, series, low, high, diverged in zip(
                self.scales, scale_colours(self.scales), scale_markers(self.scales), self.loss, self.low, self.high,
                self.diverged_epoch):
            seed_band(ax, epochs, low, high, colour)
            label = _scale_label(scale, self.words)
            if diverged >= 0:
                label = self.words.say("diverged_series", series=label, epoch=diverged)
            ax.plot(epochs, series, color=colour, marker=marker, markersize=6, label=label)
            if diverged >= 0:
                # Drawn honestly: where the loss stopped being a number, a cross above the curves in the
                # series' colour and shape (stacked, so runs that diverged in the same epoch stay apart).
                height = top * 1.4 * 1.3**marks
                marks += 1
                ax.plot([diverged], [height], marker="X", markersize=14, color=colour, markeredgecolor="white",
                        linestyle="none")
        ax.set_yscale("log")
        ax.set_xlabel(self.words.epoch_axis)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(self.words.training_loss_axis, wrap=True)
        # Below the axes, not beside them: a diverged run's name is long, and beside a narrow plot it
        # would squeeze the curves to nothing.
        wide = figure.get_figwidth() >= 7
        figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2 if wide else 1, frameon=False,
                      title=self.words.initial_weights_legend)
        # ln(10): the loss of a network that guesses uniformly among the ten digits.
        ax.axhline(np.log(10), color=NEUTRAL, lw=1, ls="--")
        ax.annotate(self.words.guessing, xy=(epochs[-1], np.log(10)), xytext=(0, 6), textcoords="offset points",
                    ha="right", va="bottom", color=NEUTRAL)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = []
        for scale, series, diverged in zip(self.scales, self.loss, self.diverged_epoch):
            if diverged >= 0:
                parts.append(f"at {scale:g}x the loss diverged in epoch {diverged}")
            else:
                parts.append(f"at {scale:g}x it went {loss_path(series)}")
        return (f"Log-scale chart of training loss per epoch for each weight scale, {over_seeds(self.seeds)}: "
                + "; ".join(parts) + ".")


# -- native charts: the same numbers and colours as the figures above ------------------------------


def _scale_series(scales, rows: np.ndarray, markers: bool, names: list[str], low: np.ndarray,
                  high: np.ndarray) -> tuple[ChartSeries, ...]:
    return tuple(
        ChartSeries(name, chart_values(row), hex_colour(colour), markers=markers, marker=marker_shape(marker),
                    low=chart_values(lowest), high=chart_values(highest))
        for name, colour, marker, row, lowest, highest in zip(names, scale_colours(scales), scale_markers(scales), rows,
                                                              low, high)
    )


def chart_gradient_norms(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = ScaledGradientNormsDisplay.from_result(result, words=words)
    return ChartSpec(
        kind="line",
        categories=category_labels(range(1, display.norms.shape[1] + 1)),
        series=_scale_series(display.scales, display.norms, markers=True,
                             names=[_scale_label(scale, words) for scale in display.scales], low=display.low,
                             high=display.high),
        x_title=words.say("layer_axis", output=display.depth + 1),
        y_title=words.signal_gradient_axis,
        y_log=True,
        axis_number_format="0E+0",
    )


def chart_loss_curves(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    # A diverged run's line stops where its loss stopped being a number; its legend entry says when,
    # as the figure's cross does.
    display = ScaledLossCurvesDisplay.from_result(result, words=words)
    names = [
        words.say("diverged_series", series=_scale_label(scale, words), epoch=diverged) if diverged >= 0
        else _scale_label(scale, words)
        for scale, diverged in zip(display.scales, display.diverged_epoch)
    ]
    return ChartSpec(
        kind="line",
        categories=category_labels(range(1, display.loss.shape[1] + 1)),
        series=_scale_series(display.scales, display.loss, markers=False, names=names, low=display.low,
                             high=display.high),
        x_title=words.epoch_axis,
        y_title=words.training_loss_axis,
        y_log=True,
    )
