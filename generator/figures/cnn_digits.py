"""Figures of the ``cnn_digits`` demo.

Both networks are trained over several seeds: curves and bars show the mean, with the lowest to the
highest seed as a shaded band or an error bar. The filters, feature maps and confusion matrix are one
network's, the first seed's CNN, and say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.ticker import MaxNLocator

from generator.wording import count as counted
from generator.deck import ChartSeries, ChartSpec
from generator.demos.registry import DemoResult
from generator.figures.alt_numbers import over_seeds
from generator.figures.chart_data import category_labels, chart_values, line_style, marker_shape
from generator.demos.over_seeds import nan_extreme, nan_mean
from generator.figures.style import (
    MIN_TEXT_PT,
    MODEL_COLOURS,
    MODEL_LINESTYLES,
    MODEL_MARKERS,
    RANGE_BAR,
    SMALLEST_TEXT_PT,
    figure_size_in,
    new_axes,
    new_figure,
    seed_band,
)
from generator.render.contrast import text_colour_on
from generator.figures.words import FIGURE_ENGLISH, FigureWords


def _named(name: str, parameters: int, words: FigureWords, stacked: bool = False) -> str:
    """'CNN (6,090 parameters)', or 'CNN' over '6,090 parameters' (stacked) for a bar's tick."""
    count = words.say("parameter_count", count=f"{parameters:,}")
    return f"{words.model_label(name)}\n{count}" if stacked else f"{words.model_label(name)} ({count})"


@dataclass
class TrainingCurvesDisplay:
    accuracy: dict[str, np.ndarray]  # model -> (epochs,), mean over seeds
    low: dict[str, np.ndarray]  # model -> (epochs,), the lowest seed
    high: dict[str, np.ndarray]  # the highest seed
    params: dict[str, int]
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> TrainingCurvesDisplay:
        arrays, values = result.arrays, result.values
        models = ("cnn", "dense")
        return cls(
            {name: nan_mean(arrays[f"{name}_acc"], axis=0) for name in models},
            {name: nan_extreme(arrays[f"{name}_acc"], axis=0, largest=False) for name in models},
            {name: nan_extreme(arrays[f"{name}_acc"], axis=0, largest=True) for name in models},
            {name: int(values[f"{name}_params"]) for name in models},
            int(values["seeds"]),
            words,
        )

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        for name, series in self.accuracy.items():
            epochs = np.arange(1, len(series) + 1)
            seed_band(ax, epochs, self.low[name] * 100, self.high[name] * 100, MODEL_COLOURS[name])
            ax.plot(epochs, series * 100, color=MODEL_COLOURS[name], linestyle=MODEL_LINESTYLES[name],
                    marker=MODEL_MARKERS[name], label=_named(name, self.params[name], self.words))
        ax.set_xlabel(self.words.epoch_axis)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if len(next(iter(self.accuracy.values()))) == 1:
            ax.set_xticks([1])  # one epoch: one tick, not a crowd of fractions around it
        ax.set_ylabel(self.words.test_accuracy_axis)
        low = min(float(np.nanmin(series)) for series in self.low.values()) * 100
        ax.set_ylim(max(0.0, min(90.0, low - 2)), 100)
        ax.legend(loc="lower right", frameon=False)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = [f"the {_named(name, self.params[name], FIGURE_ENGLISH)} ends at {series[-1]:.1%}"
                 for name, series in self.accuracy.items()]
        return (f"Line chart of test accuracy per epoch over {counted(len(self.accuracy['cnn']), 'epoch')}, "
                f"{over_seeds(self.seeds)}: " + "; ".join(parts) + ".")


TITLE_ROOM_IN = 0.5  # a panel's title line above its tiles
MAPS_WIDTH_RATIO = 2.4  # the feature maps' panel against the input digit's


def grid_columns(count: int, width: float, height: float) -> int:
    """Columns that show ``count`` square images about as large as a width x height area allows.

    Among grids within 15% of the largest image size, the one with the fewest empty cells wins:
    in a 7 x 5.2 area, 32 maps fill 8 x 4 rather than 7 x 5 with three holes.
    """
    def image_size(columns: int) -> float:
        return min(width / columns, height / -(-count // columns))

    def empty_cells(columns: int) -> int:
        return -(-count // columns) * columns - count

    largest = max(image_size(columns) for columns in range(1, count + 1))
    near_largest = [columns for columns in range(1, count + 1) if image_size(columns) >= 0.85 * largest]
    return min(near_largest, key=lambda columns: (empty_cells(columns), -image_size(columns)))


def tile(images: np.ndarray, columns: int) -> np.ndarray:
    """(count, h, w) images side by side, ``columns`` to a row, one NaN pixel between them (drawn white)."""
    count, height, width = images.shape
    rows = -(-count // columns)
    tiled = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), np.nan)
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        tiled[row * (height + 1): row * (height + 1) + height, column * (width + 1): column * (width + 1) + width] = image
    return tiled


@dataclass
class FiltersDisplay:
    filters: np.ndarray  # (count, 3, 3)
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> FiltersDisplay:
        return cls(np.asarray(result.arrays["filters"]), words)

    def plot(self, ax=None):
        # One tiled image, like the feature maps: an axes per filter left 512 filters a blank figure
        # (constrained layout gives up) after seconds of drawing.
        figure = new_figure()
        width, height = figure_size_in()
        tiles = figure.add_subplot()
        # Less the title's line above the tiles.
        tiled = tile(self.filters, grid_columns(len(self.filters), width=width, height=height - TITLE_ROOM_IN))
        limit = float(np.abs(self.filters).max()) or 1.0
        palette = matplotlib.colormaps["RdBu_r"].with_extremes(bad="white")
        tiles.imshow(tiled, cmap=palette, vmin=-limit, vmax=limit)
        tiles.set_axis_off()
        tiles.set_title(self.words.filters_title, wrap=True)
        self.figure_, self.axes_ = figure, np.array([tiles])
        return self

    def alt_text(self) -> str:
        side = self.filters.shape[-1]
        if len(self.filters) == 1:
            return (f"The one learned {side}x{side} filter of the first convolution layer, shown as red (positive) "
                    "and blue (negative) weights.")
        return (f"Grid of the {len(self.filters)} learned {side}x{side} filters of the first convolution layer, "
                "shown as red (positive) and blue (negative) weights; many look like small edge and stroke detectors.")


@dataclass
class FeatureMapsDisplay:
    image: np.ndarray
    maps: np.ndarray  # (channels, side, side)
    label: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> FeatureMapsDisplay:
        return cls(np.asarray(result.arrays["example_image"]), np.asarray(result.arrays["feature_maps"]),
                   int(result.values["example_label"]), words)

    def plot(self, ax=None):
        figure = new_figure()
        width, height = figure_size_in()
        left, right = figure.subfigures(1, 2, width_ratios=[1, MAPS_WIDTH_RATIO])
        digit = left.add_subplot()
        digit.imshow(self.image, cmap="gray_r")
        digit.set_axis_off()
        digit.set_title(self.words.input_digit_title, wrap=True)
        # One tiled image rather than an axes per map: separate axes of fixed aspect leave wide
        # gaps between rows, and the maps should sit together. The grid is chosen for the right panel's
        # share of the figure, less the title's line.
        panel_width = width * MAPS_WIDTH_RATIO / (1 + MAPS_WIDTH_RATIO)
        maps = tile(self.maps, grid_columns(len(self.maps), width=panel_width, height=height - TITLE_ROOM_IN))
        tiles = right.add_subplot()
        palette = matplotlib.colormaps["magma"].with_extremes(bad="white")
        tiles.imshow(maps, cmap=palette, vmin=0, vmax=float(np.nanmax(maps)) or 1.0)
        tiles.set_axis_off()
        tiles.set_title(self.words.feature_maps_title, wrap=True)
        self.figure_, self.axes_ = figure, np.array([digit, tiles])
        return self

    def alt_text(self) -> str:
        active = int((self.maps.reshape(len(self.maps), -1).max(axis=1) > 0).sum())
        if len(self.maps) == 1:
            response = "it responds to some of its strokes" if active else "it stays dark everywhere"
            return (f"A test image of the digit {self.label} and the one feature map the first convolution layer "
                    f"makes of it; {response}.")
        response = ("1 of them responds somewhere" if active == 1 else
                    f"{active} of them respond somewhere, each to different strokes of the digit")
        return (f"A test image of the digit {self.label} and the {len(self.maps)} feature maps the first convolution "
                f"layer makes of it; {response}.")


@dataclass
class ConfusionMatrixDisplay:
    """The confusion matrix of one trained CNN: the one of seed ``seed``, not a sum over seeds."""

    matrix: np.ndarray
    seed: int | None = None
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ConfusionMatrixDisplay:
        return cls(np.asarray(result.arrays["confusion"]), result.values.get("confusion_seed"), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        classes = len(self.matrix)
        image = ax.imshow(self.matrix, cmap="Blues")
        ax.grid(False)
        size = _count_size_pt(int(self.matrix.max()), classes, figure.get_size_inches())
        for true in range(classes):
            for predicted in range(classes):
                count = self.matrix[true, predicted]
                if count:
                    # Text: black or white, whichever reads at 4.5:1 or more on the cell's own colour.
                    cell = tuple(round(channel * 255) for channel in image.to_rgba(count)[:3])
                    colour = "#%02x%02x%02x" % text_colour_on(cell)
                    ax.text(predicted, true, str(count), ha="center", va="center", fontsize=size, color=colour)
        ax.set_xticks(range(classes))
        ax.set_yticks(range(classes))
        ax.set_xlabel(self.words.predicted_digit_axis)
        ax.set_ylabel(self.words.true_digit_axis)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        total = int(self.matrix.sum())
        errors = total - int(np.trace(self.matrix))
        off = self.matrix - np.diag(np.diag(self.matrix))
        which = "the CNN" if self.seed is None else f"the CNN trained with seed {self.seed}"
        text = f"Confusion matrix of {which} on {total:,} test digits: {errors:,} mistake{'' if errors == 1 else 's'}"
        if errors:
            true, predicted = np.unravel_index(np.argmax(off), off.shape)
            # "8s read as 1s", not "a 8 read as a 1": the plural needs no article that depends on the digit.
            times = int(off[true, predicted])
            text += f"; the most common are {true}s read as {predicted}s ({times} time{'' if times == 1 else 's'})"
        return text + "."


# The room the axis labels and tick labels take beside and below the confusion matrix, in inches.
MATRIX_LABEL_ROOM_IN = 0.9
DIGIT_WIDTH_EM = 0.64  # a digit's advance in DejaVu Sans


def _count_size_pt(largest: int, classes: int, figure_size_in) -> float:
    """The size of the counts in the cells: the figures' smallest text where the largest count fits its
    cell, else the least size text may have (a count may then run to its cell's edge)."""
    cell_pt = min(side - MATRIX_LABEL_ROOM_IN for side in figure_size_in) / classes * 72
    width_em = len(str(largest)) * DIGIT_WIDTH_EM
    return SMALLEST_TEXT_PT if width_em * SMALLEST_TEXT_PT <= 0.85 * cell_pt else MIN_TEXT_PT


@dataclass
class CnnVsDenseDisplay:
    accuracy: dict[str, float]  # mean over seeds
    accuracy_range: dict[str, dict[str, float]]  # {"low": ..., "high": ...} over seeds
    params: dict[str, int]
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> CnnVsDenseDisplay:
        values = result.values
        models = ("cnn", "dense")
        return cls({name: float(values[f"{name}_test_acc"]) for name in models},
                   {name: values[f"{name}_test_acc_range"] for name in models},
                   {name: int(values[f"{name}_params"]) for name in models}, int(values["seeds"]), words)

    def error_range(self, name: str) -> tuple[float, float]:
        """The lowest and highest seed's test error, in percent (the best seed makes the fewest errors)."""
        spread = self.accuracy_range[name]
        return (1 - spread["high"]) * 100, (1 - spread["low"]) * 100

    def plot(self, ax=None):
        # Errors, not accuracies, on an axis from zero: bars of 98.7% and 98.0% on a
        # truncated accuracy axis would exaggerate; 1.3% against 2.0% mistakes is the honest view.
        figure, ax = new_axes(ax)
        names = list(self.accuracy)
        positions = np.arange(len(names))
        errors = [(1 - self.accuracy[name]) * 100 for name in names]
        bars = ax.bar(positions, errors, color=[MODEL_COLOURS[name] for name in names], width=0.55)
        tops = [max(error, self.error_range(name)[1]) for name, error in zip(names, errors)]
        if self.seeds > 1:
            # The lowest to the highest seed's error, as a bar in a dark neutral (it crosses the coloured bar).
            below = [error - self.error_range(name)[0] for name, error in zip(names, errors)]
            above = [top - error for top, error in zip(tops, errors)]
            ax.errorbar(positions, errors, yerr=np.abs([below, above]), fmt="none", ecolor=RANGE_BAR, capsize=8,
                        elinewidth=2)
        for bar, name, error, top in zip(bars, names, errors, tops):
            ax.annotate(f"{error:.1f}% {self.words.wrong}\n({self.accuracy[name]:.1%} {self.words.right})",
                        xy=(bar.get_x() + bar.get_width() / 2, top), xytext=(0, 6), textcoords="offset points",
                        ha="center", fontsize=16)
        ax.set_xticks(positions, [_named(name, self.params[name], self.words, stacked=True) for name in names])
        ax.set_ylim(0, max(tops) * 1.35 if max(tops) > 0 else 1)
        ax.set_ylabel(self.words.test_error_axis)
        ax.grid(axis="x", visible=False)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        def spread(name: str) -> str:
            if self.seeds == 1:
                return ""
            low, high = self.accuracy_range[name]["low"], self.accuracy_range[name]["high"]
            return f" (seeds from {low:.1%} to {high:.1%})"

        mean = "one seed" if self.seeds == 1 else f"mean over {self.seeds} seeds, with bars from the lowest to the highest seed"
        return f"Bar chart of test error, {mean}: " + "; ".join(
            f"{FIGURE_ENGLISH.model_label(name)} with {self.params[name]:,} parameters reaches {self.accuracy[name]:.1%} "
            f"test accuracy{spread(name)}" for name in self.accuracy) + "."


# -- native charts: the same numbers and colours as the figures above ------------------------------


def chart_training_curves(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = TrainingCurvesDisplay.from_result(result, words=words)
    epochs = len(next(iter(display.accuracy.values())))
    return ChartSpec(
        kind="line",
        categories=category_labels(range(1, epochs + 1)),
        series=tuple(
            ChartSeries(_named(name, display.params[name], words), chart_values(series * 100), MODEL_COLOURS[name],
                        line_style(MODEL_LINESTYLES[name]), marker=marker_shape(MODEL_MARKERS[name]),
                        low=chart_values(display.low[name] * 100), high=chart_values(display.high[name] * 100))
            for name, series in display.accuracy.items()
        ),
        x_title=words.epoch_axis,
        y_title=words.test_accuracy_axis,
        y_max=100.0,
        axis_number_format="0",
    )


def chart_cnn_vs_dense(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    # Errors from zero, as in the figure: the honest comparison of two high accuracies.
    display = CnnVsDenseDisplay.from_result(result, words=words)
    names = list(display.accuracy)
    errors = ChartSeries(
        words.test_error_axis,
        chart_values((1 - display.accuracy[name]) * 100 for name in names),
        MODEL_COLOURS[names[0]],
        point_colours=tuple(MODEL_COLOURS[name] for name in names),
        low=chart_values(display.error_range(name)[0] for name in names) if display.seeds > 1 else (),
        high=chart_values(display.error_range(name)[1] for name in names) if display.seeds > 1 else (),
        range_colour=RANGE_BAR,
    )
    return ChartSpec(
        kind="bar",
        categories=tuple(_named(name, display.params[name], words) for name in names),
        series=(errors,),
        y_title=words.test_error_axis,
        y_min=0.0,
        axis_number_format="0.0",
        # Quoted text in a number format; a quote inside the word would end it early.
        value_label_format=f'0.0"% {words.wrong.replace(chr(34), "")}"',
    )
