"""Figures of the ``activations`` demo.

Display objects in the scikit-learn manner: built once from a result
(``from_result``), drawn on request (``plot(ax=None)``), and able to describe
what they show in words (``alt_text``), computed from the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from generator.demos.registry import DemoResult
from generator.figures.alt_numbers import spoken
from generator.figures.style import ACTIVATION_COLOURS, ACTIVATION_LABELS, ACTIVATION_MARKERS, BOUND_COLOUR, new_axes
from generator.figures.words import FIGURE_ENGLISH, FigureWords


# A figure at least this wide (a full-width slide's) holds the derivatives' legend on one line, one at
# least MEDIUM_FIGURE_IN wide (beside bullets on 16:9, the report) in two columns; a narrower one in one.
WIDE_FIGURE_IN = 9.0
MEDIUM_FIGURE_IN = 5.5


def _label(name: str) -> str:
    return ACTIVATION_LABELS.get(name, name)


@dataclass
class ActivationCurvesDisplay:
    """f(x) or f'(x) of each activation over one input range."""

    x: np.ndarray
    curves: dict[str, np.ndarray]
    derivative: bool
    sigmoid_bound: float | None  # the sigmoid's largest slope, marked on the derivative plot
    words: FigureWords = FIGURE_ENGLISH

    # Which curves from_result reads: the subclasses below choose.
    shows_derivative: ClassVar[bool] = False

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ActivationCurvesDisplay:
        derivative = cls.shows_derivative
        prefix = "df_" if derivative else "f_"
        names = result.values["functions"]
        bound = result.values["max_derivative"].get("sigmoid") if derivative else None
        return cls(
            x=np.asarray(result.arrays["x"]),
            curves={name: np.asarray(result.arrays[prefix + name]) for name in names},
            derivative=derivative,
            sigmoid_bound=bound,
            words=words,
        )

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        for name, values in self.curves.items():
            # A marker every few centimetres tells the curves apart without colour; the curves are dense.
            ax.plot(self.x, values, color=ACTIVATION_COLOURS.get(name), linestyle="-",
                    marker=ACTIVATION_MARKERS.get(name), markevery=0.08, label=_label(name))
        ax.set_xlabel(self.words.input_axis)
        ax.set_ylabel(self.words.derivative_axis if self.derivative else self.words.output_axis)
        if self.sigmoid_bound is not None:
            # Named in the legend rather than beside the line, where it would cross the curves.
            ax.axhline(self.sigmoid_bound, color=BOUND_COLOUR, linestyle="--", linewidth=2,
                       label=self.words.say("sigmoid_bound", bound=f"{self.sigmoid_bound:.2f}"))
        if self.derivative:
            # Above the plot: the derivatives fill its upper half, and the bound's entry is long. In as many
            # columns as the figure's width holds.
            entries, width = len(ax.get_legend_handles_labels()[0]), figure.get_figwidth()
            columns = entries if width >= WIDE_FIGURE_IN else 2 if width >= MEDIUM_FIGURE_IN else 1
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), frameon=False, ncols=columns)
        else:
            ax.legend(loc="upper left", frameon=False)  # the functions leave the upper left empty
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        span = f"for inputs from {self.x[0]:g} to {self.x[-1]:g}"
        names = ", ".join(_label(name) for name in self.curves)
        if not self.derivative:
            return f"Line chart of the activation functions {names} {span}."
        parts = [f"{_label(name)} peaks at {values.max():.2f}" for name, values in self.curves.items()]
        text = f"Line chart of the derivatives of {names} {span}: " + "; ".join(parts) + "."
        if self.sigmoid_bound is not None:
            text += f" A dashed line marks the sigmoid's bound of {self.sigmoid_bound:.2f}."
        return text


class ActivationFunctionsDisplay(ActivationCurvesDisplay):
    """f(x) of each activation."""

    shows_derivative = False


class ActivationDerivativesDisplay(ActivationCurvesDisplay):
    """f'(x) of each activation, with the sigmoid's bound marked."""

    shows_derivative = True


@dataclass
class ChainBoundDisplay:
    """max|f'|**n against n: the most a chain of n layers can pass a gradient on."""

    depth: np.ndarray
    bounds: dict[str, np.ndarray]
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChainBoundDisplay:
        names = result.values["functions"]
        return cls(
            depth=np.asarray(result.arrays["depth"]),
            bounds={name: np.asarray(result.arrays["chain_" + name]) for name in names},
            words=words,
        )

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        for name, values in self.bounds.items():
            ax.plot(self.depth, values, color=ACTIVATION_COLOURS.get(name), label=_label(name), linestyle="-",
                    marker=ACTIVATION_MARKERS.get(name))
        ax.set_yscale("log")
        ax.set_xlabel(self.words.layer_count_axis)
        ax.set_ylabel(self.words.chain_factor_axis)
        ax.legend(loc="lower left", frameon=False)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        deepest = int(self.depth[-1])
        parts = [f"{_label(name)} falls to {spoken(values[-1])}" if values[-1] < 0.5 else f"{_label(name)} stays at {values[-1]:.2g}"
                 for name, values in self.bounds.items()]
        return (
            f"Log-scale line chart of the largest factor by which a gradient can pass through 1 to {deepest} "
            f"stacked layers: at {deepest} layers " + "; ".join(parts) + "."
        )
