"""The figure of the coin_flips recipe kind: a Display drawn from the result, and its native chart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.deck import ChartSeries, ChartSpec
from generator.demos.registry import DemoResult
from generator.figures.style import new_axes
from generator.figures.words import FIGURE_ENGLISH, FigureWords


@dataclass
class HeadsDisplay:
    counts: np.ndarray
    heads: np.ndarray
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> HeadsDisplay:
        return cls(np.asarray(result.arrays["counts"]), np.asarray(result.arrays["heads"]), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        ax.plot(self.counts, self.heads, marker="o")
        ax.set_xscale("log")
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        return f"Line chart: the share of heads is {self.heads[-1]:.0%} after {self.counts[-1]:,} flips."


def chart_heads(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = HeadsDisplay.from_result(result, words)
    return ChartSpec(kind="line", categories=tuple(str(count) for count in display.counts),
                     series=(ChartSeries("heads", tuple(float(v) * 100 for v in display.heads), "#0072B2"),),
                     y_title="heads (%)")
