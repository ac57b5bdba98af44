"""Demo kind `regularisation_gap`: dropout and weight decay against a network that memorises.

A small fully connected network (64 -> 128 -> 128 -> 10, ReLU) learns from a few hundred of
scikit-learn's 8x8 digits, a fifth of them with a wrong label, so that memorising the training set
costs test accuracy. Four configurations train side by side: no regularisation, dropout (Srivastava
et al. 2014), weight decay (Krogh & Hertz 1992) and both. Each is trained from several seeds, and a
seed fixes the initial weights, the batch order and the dropout masks, so the configurations of one
seed differ in their regulariser and nothing else.

Every configuration x seed is one member of a single batched model: each member's parameters are
one row of a (members, parameters) tensor, each layer's weights are views of it stacked along the
leading "member" axis, and a layer is one ``torch.baddbmm`` for all members. The loss is the sum of
the members' mean losses, so each member's gradient is its own, and the update (SGD with momentum,
with a per-member weight decay and dropout rate) is applied elementwise to the whole tensor, which
is the same as one optimiser per member, in a handful of operations per step.

Written only against lecturegen's public demo API (docs/DEMOS.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from generator.deck import ChartSeries, ChartSpec
from generator.demos.registry import DemoKind, DemoResult, DistinctSeeds, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, KeyedBy, Number, Optional, Record, Result, Text
from generator.figures.style import new_axes
from generator.figures.words import FIGURE_ENGLISH, FigureWords

Configuration = Literal["none", "dropout", "weight_decay", "both"]
CONFIGURATIONS: tuple[str, ...] = ("none", "dropout", "weight_decay", "both")
LABELS = {"none": "no regularisation", "dropout": "dropout", "weight_decay": "weight decay",
          "both": "dropout + weight decay"}
SHORT_LABELS = {"none": "none", "dropout": "dropout", "weight_decay": "weight decay", "both": "both"}
# Okabe-Ito colours, and a marker each, so the lines can be told apart in greyscale too.
COLOURS = {"none": "#D55E00", "dropout": "#0072B2", "weight_decay": "#009E73", "both": "#CC79A7"}
MARKERS = {"none": "o", "dropout": "s", "weight_decay": "^", "both": "D"}
CLASSES = 10
PIXELS = 64
MASK_SEED_OFFSET = 10_000  # the dropout masks' stream, apart from the weights' and the batch order's
ORDER_SEED_OFFSET = 20_000


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    configurations: list[Configuration] = Field(default_factory=lambda: list(CONFIGURATIONS), min_length=1,
                                                description="Which regularisers to compare: none, dropout, "
                                                            "weight_decay, both.")
    train_size: int = Field(200, ge=20, le=1300, description="Training images (a stratified subset of the "
                                                              "digits' 1,347).")
    label_noise: float = Field(0.2, ge=0, le=0.8, description="Share of training labels replaced by a wrong digit.")
    hidden: int = Field(128, ge=1, le=2048, description="Units in each of the two hidden layers.")
    epochs: int = Field(100, ge=1, le=2000, description="Passes over the training images.")
    batch_size: int = Field(50, ge=1, le=1300, description="Minibatch size.")
    lr: float = Field(0.05, gt=0, le=10, description="SGD learning rate.")
    momentum: float = Field(0.9, ge=0, lt=1, description="SGD momentum.")
    dropout: float = Field(0.5, ge=0, lt=1, description="Dropout rate of the hidden units (dropout configurations).")
    input_dropout: float = Field(0.2, ge=0, lt=1, description="Dropout rate of the input pixels (dropout "
                                                              "configurations).")
    weight_decay: float = Field(0.01, ge=0, le=1, description="Weight decay coefficient (weight_decay "
                                                              "configurations); biases are not decayed.")
    seeds: DistinctSeeds = Field(default_factory=lambda: [0, 1, 2, 3, 4], min_length=1,
                                 description="Seeds per configuration (added to the demo's seed).")
    data_seed: int = Field(0, ge=0, description="Chooses the training subset and which labels are wrong.")
    cpu_threads: int = Field(1, ge=0, le=256, description="CPU threads while training (0: PyTorch's default). These "
                                                           "networks are small: one thread is as fast as two on a "
                                                           "quiet machine and far faster on a busy one.")

    @field_validator("configurations")
    @classmethod
    def _distinct(cls, configurations: list[str]) -> list[str]:
        if len(set(configurations)) != len(configurations):
            raise ValueError("each configuration may be named once")
        return configurations


@dataclass(frozen=True)
class Digits:
    train_x: np.ndarray  # (n, 64) float32 in [0, 1]
    train_y: np.ndarray  # the labels the network is taught, some of them wrong
    true_y: np.ndarray  # the right labels of the training images
    test_x: np.ndarray
    test_y: np.ndarray


def load_digits_subset(train_size: int, label_noise: float, data_seed: int) -> Digits:
    """The digits split 75/25 (stratified, fixed); ``train_size`` training images, ``label_noise`` of them
    given a wrong label."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    pixels = (bunch.data / 16.0).astype(np.float32)
    labels = bunch.target.astype(np.int64)
    train_x, test_x, train_y, test_y = train_test_split(pixels, labels, test_size=0.25, random_state=0,
                                                        stratify=labels)
    if train_size < len(train_x):
        train_x, _, train_y, _ = train_test_split(train_x, train_y, train_size=train_size, random_state=data_seed,
                                                  stratify=train_y)
    generator = np.random.default_rng(data_seed)
    wrong = generator.permutation(len(train_y))[: round(label_noise * len(train_y))]
    taught = train_y.copy()
    taught[wrong] = (train_y[wrong] + generator.integers(1, CLASSES, size=len(wrong))) % CLASSES  # never the right one
    return Digits(train_x, taught, train_y, test_x, test_y)


def initial_weights(sizes: list[int], seed: int):
    """One network's parameters as one flat vector: each layer's weights, then its biases.

    PyTorch's nn.Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), from a CPU generator of ``seed``.
    """
    import torch

    generator = torch.Generator().manual_seed(seed)
    parts = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / math.sqrt(fan_in)
        parts.append((torch.rand(fan_in * fan_out, generator=generator) * 2 - 1) * bound)
        parts.append((torch.rand(fan_out, generator=generator) * 2 - 1) * bound)
    return torch.cat(parts)


def layers(flat, sizes: list[int]):
    """The (weights, biases) of each layer as views of the stacked flat parameters (members, count)."""
    members, offset, views = flat.shape[0], 0, []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        weights = flat[:, offset:offset + fan_in * fan_out].view(members, fan_in, fan_out)
        offset += fan_in * fan_out
        views.append((weights, flat[:, offset:offset + fan_out].view(members, 1, fan_out)))
        offset += fan_out
    return views


def run(params: Params, ctx: RunContext) -> DemoResult:
    import torch

    previous = torch.get_num_threads()
    if params.cpu_threads:
        torch.set_num_threads(params.cpu_threads)
    try:
        return train(params, ctx)
    finally:
        torch.set_num_threads(previous)


def train(params: Params, ctx: RunContext) -> DemoResult:
    import torch
    import torch.nn.functional as F

    device = ctx.device
    data = load_digits_subset(params.train_size, params.label_noise, params.data_seed)
    train_x, train_y, test_x, test_y = (torch.from_numpy(array).to(device) for array in
                                        (data.train_x, data.train_y, data.test_x, data.test_y))
    configurations, seeds = params.configurations, [ctx.seed + seed for seed in params.seeds]
    C, S = len(configurations), len(seeds)
    M = C * S  # members, configuration-major: member m is configuration m // S, seed m % S
    seed_of = torch.arange(M, device=device) % S
    sizes = [PIXELS, params.hidden, params.hidden, CLASSES]

    # Every member's parameters are one row of a (members, count) tensor; a seed's row is the same in every
    # configuration. Few, large tensors mean few operations per step, whatever the number of layers.
    per_seed = [initial_weights(sizes, seed) for seed in seeds]
    flat = torch.stack([per_seed[m % S] for m in range(M)]).to(device)
    # Each layer's weights and biases are views of it; autograd treats them as the parameters, and their
    # gradients are laid out like ``flat`` again for the update (cheaper than differentiating through slices).
    views = layers(flat, sizes)
    parameters = [tensor.requires_grad_() for pair in views for tensor in pair]

    def flat_gradient(loss: torch.Tensor) -> torch.Tensor:
        return torch.cat([gradient.reshape(M, -1) for gradient in torch.autograd.grad(loss, parameters)], dim=1)
    velocity = torch.zeros_like(flat)

    def per_member(value_of) -> torch.Tensor:
        return torch.tensor([value_of(configuration) for configuration in configurations for _ in seeds],
                            dtype=torch.float32, device=device).view(M, 1)

    dropping = any(configuration in ("dropout", "both") for configuration in configurations)
    input_rate = per_member(lambda c: params.input_dropout if c in ("dropout", "both") else 0.0)
    hidden_rate = per_member(lambda c: params.dropout if c in ("dropout", "both") else 0.0)
    # Each member's dropout rate for the input pixels and for the units of each hidden layer, side by side.
    widths = [PIXELS, params.hidden, params.hidden]
    drop_rate = torch.cat([input_rate.expand(M, PIXELS), hidden_rate.expand(M, 2 * params.hidden)], dim=1)[:, None]
    # Weight decay on the weights only: each member's coefficient where its row holds a weight, 0 at a bias.
    is_weight = torch.cat([torch.full((count,), float(is_w), device=device) for fan_in, fan_out in zip(sizes, sizes[1:])
                           for count, is_w in ((fan_in * fan_out, True), (fan_out, False))])
    decay = per_member(lambda c: params.weight_decay if c in ("weight_decay", "both") else 0.0) * is_weight
    mask_streams = [torch.Generator(device=device).manual_seed(seed + MASK_SEED_OFFSET) for seed in seeds]
    order_streams = [torch.Generator().manual_seed(seed + ORDER_SEED_OFFSET) for seed in seeds]

    def masks(rows: int) -> list[torch.Tensor]:
        # One uniform draw per seed, shared by that seed's configurations; inverted dropout keeps the mean.
        uniform = torch.stack([torch.rand(rows, sum(widths), generator=stream, device=device)
                               for stream in mask_streams])
        keep = (uniform[seed_of] >= drop_rate).float() / (1 - drop_rate)
        return list(keep.split(widths, dim=2))

    def forward(x: torch.Tensor, keep: list[torch.Tensor] | None = None) -> torch.Tensor:
        if keep is not None:
            x = x * keep[0]
        for layer, (weights, biases) in enumerate(views):
            x = torch.baddbmm(biases, x, weights)
            if layer < len(views) - 1:
                x = torch.relu(x)
                if keep is not None:
                    x = x * keep[layer + 1]
        return x

    def member_losses(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits.transpose(1, 2), labels, reduction="none").mean(dim=1)

    @torch.no_grad()
    def evaluate(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        logits = forward(x.expand(M, -1, -1))
        predictions = logits.argmax(dim=-1)
        return member_losses(logits, y.expand(M, -1)), (predictions == y).float().mean(dim=1), predictions

    n, batch = len(train_x), min(params.batch_size, len(train_x))
    steps = n // batch
    curves = {name: np.full((M, params.epochs), np.nan)
              for name in ("train_loss", "test_loss", "train_acc", "test_acc")}
    ctx.progress.start(params.epochs, "dropout and weight decay")
    epochs_run = 0
    for epoch in range(params.epochs):
        orders = torch.stack([torch.randperm(n, generator=stream) for stream in order_streams]).to(device)[seed_of]
        for step in range(steps):
            rows = orders[:, step * batch:(step + 1) * batch]  # (M, batch): each seed its own order
            logits = forward(train_x[rows], masks(batch) if dropping else None)
            gradient = flat_gradient(member_losses(logits, train_y[rows]).sum())
            with torch.no_grad():
                gradient += decay * flat  # weight decay: the gradient of (decay / 2) |W|^2
                velocity.mul_(params.momentum).add_(gradient)  # momentum, as torch.optim.SGD
                flat.sub_(params.lr * velocity)
        for split, (x, y) in (("train", (train_x, train_y)), ("test", (test_x, test_y))):
            losses, accuracy, _ = evaluate(x, y)
            curves[f"{split}_loss"][:, epoch] = losses.cpu().numpy()
            curves[f"{split}_acc"][:, epoch] = accuracy.cpu().numpy()
        epochs_run = epoch + 1
        ctx.progress.advance()
        if ctx.should_stop():  # the build is being cancelled: end at a clean point (at least one epoch run)
            break

    # What each network predicts for the training images whose label is wrong: the wrong label (memorised)?
    _, _, predictions = evaluate(train_x, train_y)
    wrong = torch.from_numpy(data.train_y != data.true_y).to(device)
    memorised = ((predictions == train_y) & wrong).float().sum(dim=1) / max(int(wrong.sum()), 1)

    grid = {name: values[:, :epochs_run].reshape(C, S, epochs_run) for name, values in curves.items()}
    return summarise(params, grid, memorised.cpu().numpy().reshape(C, S), int(wrong.sum()), n, len(data.test_y))


def summarise(params: Params, curves: dict[str, np.ndarray], memorised: np.ndarray, wrong: int, train_size: int,
              test_size: int) -> DemoResult:
    """The quotable numbers (means over seeds, at the last epoch) and the arrays the figures draw."""
    configurations = params.configurations
    final = {name: values[:, :, -1] for name, values in curves.items()}
    gap = final["train_acc"] - final["test_acc"]  # (C, S)
    mean_test_loss = curves["test_loss"].mean(axis=1)  # (C, epochs)
    mean_test_acc = curves["test_acc"].mean(axis=1)

    def keyed(values: np.ndarray, kind=float) -> dict:
        return {configuration: kind(values[c]) for c, configuration in enumerate(configurations)}

    def spread(values: np.ndarray) -> dict:
        return {configuration: {"low": float(values[c].min()), "high": float(values[c].max())}
                for c, configuration in enumerate(configurations)}

    test_acc = final["test_acc"].mean(axis=1)
    values = {
        "train_size": train_size,
        "test_size": test_size,
        "wrong_labels": wrong,
        "label_noise": params.label_noise,
        "hidden": params.hidden,
        "epochs": int(curves["test_acc"].shape[-1]),
        "seeds": len(params.seeds),
        "networks": len(configurations) * len(params.seeds),
        "lr": params.lr,
        "momentum": params.momentum,
        "batch_size": params.batch_size,
        "dropout": params.dropout,
        "input_dropout": params.input_dropout,
        "weight_decay": params.weight_decay,
        "train_acc": keyed(final["train_acc"].mean(axis=1)),
        "test_acc": keyed(test_acc),
        "test_acc_range": spread(final["test_acc"]),
        "gap": keyed(gap.mean(axis=1)),
        "gap_range": spread(gap),
        "train_loss": keyed(final["train_loss"].mean(axis=1)),
        "test_loss": keyed(final["test_loss"].mean(axis=1)),
        "lowest_test_loss": keyed(mean_test_loss.min(axis=1)),
        "lowest_test_loss_epoch": keyed(mean_test_loss.argmin(axis=1) + 1, int),
        "peak_test_acc": keyed(mean_test_acc.max(axis=1)),
        "peak_test_acc_epoch": keyed(mean_test_acc.argmax(axis=1) + 1, int),
        "memorised": keyed(memorised.mean(axis=1)) if wrong else dict.fromkeys(configurations),
        "best": configurations[int(np.argmax(test_acc))],
    }
    arrays = {name: values_ for name, values_ in curves.items()} | {"memorised": memorised}
    return DemoResult(values=values, arrays=arrays)


# -- figures: drawn from the result alone -------------------------------------------------------------------------


def _mean_curves(result: DemoResult, kind: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Configurations, and the train and test curves of ``kind`` ("loss" or "acc"), mean over seeds: (C, epochs)."""
    return (list(result.values["train_acc"]), result.arrays[f"train_{kind}"].mean(axis=1),
            result.arrays[f"test_{kind}"].mean(axis=1))


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _curve_legend(ax, configurations: list[str]) -> None:
    """One legend beside the plot (under it in a narrow box), never over the curves: a colour and marker per
    configuration, then the line styles. The figure's constrained layout leaves room for it."""
    from matplotlib.lines import Line2D

    width, height = ax.figure.get_size_inches()
    names = LABELS if width >= 5.5 else SHORT_LABELS  # a narrow box (beside bullets on a 4:3 slide): short names
    handles = [Line2D([], [], color=COLOURS[c], marker=MARKERS[c], ls="-", lw=3, label=names[c])
               for c in configurations]
    handles += [Line2D([], [], color="#555555", lw=2.5, ls="-", marker="", label="test (solid)"),
                Line2D([], [], color="#555555", lw=2.5, ls="--", marker="", label="training (dashed)")]
    if width >= 1.6 * height:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    else:
        ax.figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, handlelength=1.6,
                         columnspacing=1.0)


def _plot_curves(ax, configurations: list[str], train: np.ndarray, test: np.ndarray, scale: float) -> None:
    epochs = np.arange(1, train.shape[-1] + 1)
    every = max(1, len(epochs) // 8)
    for c, configuration in enumerate(configurations):
        style = dict(color=COLOURS[configuration], marker=MARKERS[configuration], markevery=(c * every // 4, every))
        ax.plot(epochs, test[c] * scale, ls="-", **style)
        ax.plot(epochs, train[c] * scale, ls="--", lw=2, alpha=0.85, **style)


@dataclass
class AccuracyCurvesDisplay:
    configurations: list[str]
    train: np.ndarray  # (C, epochs), mean over seeds, against the labels taught
    test: np.ndarray
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> AccuracyCurvesDisplay:
        configurations, train, test = _mean_curves(result, "acc")
        return cls(configurations, train, test, int(result.values["seeds"]), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        _plot_curves(ax, self.configurations, self.train, self.test, 100)
        ax.set_xlabel(self.words.epoch_axis)
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(0, 101)
        _curve_legend(ax, self.configurations)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = []
        for c, configuration in enumerate(self.configurations):
            test = self.test[c]
            peak = int(np.argmax(test))
            parts.append(f"{LABELS[configuration]}: training accuracy ends at {self.train[c, -1]:.0%}, test accuracy "
                         f"peaks at {test[peak]:.0%} in epoch {peak + 1} and ends at {test[-1]:.0%}")
        return (f"Line chart of training (dashed) and test (solid) accuracy per epoch over {self.train.shape[-1]} "
                f"epochs, mean of {self.seeds} seeds. " + _sentence(parts))


@dataclass
class LossCurvesDisplay:
    configurations: list[str]
    train: np.ndarray  # (C, epochs) cross-entropy, mean over seeds
    test: np.ndarray
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> LossCurvesDisplay:
        configurations, train, test = _mean_curves(result, "loss")
        return cls(configurations, train, test, int(result.values["seeds"]), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        _plot_curves(ax, self.configurations, self.train, self.test, 1)
        ax.set_yscale("log")
        ax.set_xlabel(self.words.epoch_axis)
        ax.set_ylabel("cross-entropy (log scale)")
        _curve_legend(ax, self.configurations)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = []
        for c, configuration in enumerate(self.configurations):
            test = self.test[c]
            low = int(np.argmin(test))
            rise = "then rises to" if test[-1] > 1.1 * test[low] else "and ends at"
            parts.append(f"{LABELS[configuration]}: training loss falls to {self.train[c, -1]:.2f}; test loss is "
                         f"lowest, {test[low]:.2f}, in epoch {low + 1}, {rise} {test[-1]:.2f}")
        return (f"Log-scale line chart of training (dashed) and test (solid) cross-entropy per epoch over "
                f"{self.train.shape[-1]} epochs, mean of {self.seeds} seeds. " + _sentence(parts))


@dataclass
class GapDisplay:
    configurations: list[str]
    gap: np.ndarray  # (C, seeds): training minus test accuracy at the last epoch
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> GapDisplay:
        arrays = result.arrays
        return cls(list(result.values["gap"]), arrays["train_acc"][:, :, -1] - arrays["test_acc"][:, :, -1], words)

    def points(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, lowest and highest gap over seeds, in percentage points."""
        return self.gap.mean(axis=1) * 100, self.gap.min(axis=1) * 100, self.gap.max(axis=1) * 100

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        mean, low, high = self.points()
        x = np.arange(len(self.configurations))
        hatches = {"none": "", "dropout": "//", "weight_decay": "..", "both": "xx"}
        ax.bar(x, mean, color=[COLOURS[c] for c in self.configurations], edgecolor="white",
               hatch=[hatches[c] for c in self.configurations], width=0.6)
        ax.errorbar(x, mean, yerr=[mean - low, high - mean], fmt="none", ecolor="#222222", capsize=8, lw=2)
        for xi, value, top in zip(x, mean, np.maximum(high, 0)):
            ax.annotate(f"{value:+.1f}", (xi, top), xytext=(0, 6), textcoords="offset points", ha="center")
        ax.axhline(0, color="#222222", lw=1)
        if figure.get_figwidth() < 5.5:  # a narrow box (beside bullets on a 4:3 slide): short names, a word a line
            names = [SHORT_LABELS[c].replace(" ", "\n") for c in self.configurations]
        else:
            names = [LABELS[c].replace(" + ", " +\n") for c in self.configurations]
        ax.set_xticks(x, names)
        ax.set_ylabel("training − test accuracy (points)")
        ax.grid(axis="x", visible=False)
        ax.margins(y=0.15)
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        mean, low, high = self.points()
        parts = [f"{LABELS[c]} {m:+.1f} (seeds {lo:+.1f} to {hi:+.1f})"
                 for c, m, lo, hi in zip(self.configurations, mean, low, high)]
        return (f"Bar chart of the gap between training and test accuracy after the last epoch, in percentage points, "
                f"mean and range of {self.gap.shape[1]} seeds: " + "; ".join(parts) + ".")


# -- native charts: the same numbers and colours, editable in PowerPoint ------------------------------------------


def _values(series: np.ndarray) -> tuple[float | None, ...]:
    return tuple(float(value) if math.isfinite(value) else None for value in series)


def _curve_chart(display, scale: float, y_title: str, y_log: bool) -> ChartSpec:
    series = []
    for c, configuration in enumerate(display.configurations):
        series.append(ChartSeries(f"{LABELS[configuration]}, test", _values(display.test[c] * scale),
                                  COLOURS[configuration], "solid", markers=False))
        series.append(ChartSeries(f"{LABELS[configuration]}, training", _values(display.train[c] * scale),
                                  COLOURS[configuration], "dashed", markers=False))
    return ChartSpec(kind="line", categories=tuple(str(epoch) for epoch in range(1, display.train.shape[-1] + 1)),
                     series=tuple(series), x_title=display.words.epoch_axis, y_title=y_title, y_log=y_log)


def chart_accuracy_curves(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    return _curve_chart(AccuracyCurvesDisplay.from_result(result, words), 100, "accuracy (%)", False)


def chart_loss_curves(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    return _curve_chart(LossCurvesDisplay.from_result(result, words), 1, "cross-entropy loss", True)


def chart_gap(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = GapDisplay.from_result(result, words)
    mean, low, high = display.points()
    return ChartSpec(kind="bar", categories=tuple(SHORT_LABELS[c] for c in display.configurations),
                     series=(ChartSeries("training − test accuracy", _values(mean), "#555555",
                                         point_colours=tuple(COLOURS[c] for c in display.configurations),
                                         low=_values(low), high=_values(high)),),
                     y_title="training − test accuracy (points)", axis_number_format="0",
                     value_label_format="+0.0;-0.0")


# -- the declaration -------------------------------------------------------------------------------------------------


def _configurations(params: Params) -> list[str]:
    return list(params.configurations)


def _per_configuration(of) -> KeyedBy:
    return KeyedBy("configuration", _configurations, of)


RANGE = Record({"low": Result(Number(), "Lowest over seeds."), "high": Result(Number(), "Highest over seeds.")})

KIND = register(DemoKind(
    name="regularisation_gap",
    summary="An MLP on a few hundred digits with some wrong labels: no regularisation, dropout, weight decay "
            "and both, every configuration x seed trained as one batched model.",
    params=Params,
    run=run,
    results={
        "train_size": Result(Integer(), "Training images."),
        "test_size": Result(Integer(), "Test images (never mislabelled)."),
        "wrong_labels": Result(Integer(), "Training images given a wrong label."),
        "label_noise": Result(Fraction(), "Share of training labels made wrong."),
        "hidden": Result(Integer(), "Units in each hidden layer."),
        "epochs": Result(Integer(), "Epochs trained."),
        "seeds": Result(Integer(), "Seeds per configuration."),
        "networks": Result(Integer(), "Networks trained: configurations x seeds."),
        "lr": Result(Number(), "SGD learning rate."),
        "momentum": Result(Number(), "SGD momentum."),
        "batch_size": Result(Integer(), "Minibatch size."),
        "dropout": Result(Fraction(), "Dropout rate of the hidden units."),
        "input_dropout": Result(Fraction(), "Dropout rate of the input pixels."),
        "weight_decay": Result(Number(), "Weight decay coefficient."),
        "train_acc": Result(_per_configuration(Fraction()),
                            "Final training accuracy against the labels taught (wrong ones included), mean over "
                            "seeds."),
        "test_acc": Result(_per_configuration(Fraction()), "Final test accuracy, mean over seeds."),
        "test_acc_range": Result(_per_configuration(RANGE), "Final test accuracy, lowest and highest over seeds."),
        "gap": Result(_per_configuration(Number()),
                      "Training minus test accuracy at the end, mean over seeds (a share: print with pct)."),
        "gap_range": Result(_per_configuration(RANGE), "Training minus test accuracy, lowest and highest over seeds."),
        "train_loss": Result(_per_configuration(Number()), "Final training cross-entropy, mean over seeds."),
        "test_loss": Result(_per_configuration(Number()), "Final test cross-entropy, mean over seeds."),
        "lowest_test_loss": Result(_per_configuration(Number()), "Lowest test cross-entropy of the mean curve."),
        "lowest_test_loss_epoch": Result(_per_configuration(Integer()), "Epoch of the lowest mean test loss."),
        "peak_test_acc": Result(_per_configuration(Fraction()), "Highest test accuracy of the mean curve."),
        "peak_test_acc_epoch": Result(_per_configuration(Integer()), "Epoch of the highest mean test accuracy."),
        "memorised": Result(_per_configuration(Optional(Fraction(), when="no training label was made wrong")),
                            "Share of the mislabelled training images predicted with their wrong label, mean "
                            "over seeds."),
        "best": Result(Text(), "The configuration with the highest mean final test accuracy."),
    },
    figures=(
        Figure("accuracy_curves", "Training (dashed) and test (solid) accuracy per epoch, one colour per "
                                  "configuration, mean over seeds.",
               display=AccuracyCurvesDisplay, chart=chart_accuracy_curves),
        Figure("loss_curves", "Training (dashed) and test (solid) cross-entropy per epoch (log scale), mean over "
                              "seeds.",
               display=LossCurvesDisplay, chart=chart_loss_curves),
        Figure("gap", "Training minus test accuracy after the last epoch per configuration, mean and range over seeds.",
               display=GapDisplay, chart=chart_gap),
    ),
    smoke={"train_size": 60, "hidden": 16, "epochs": 3, "seeds": [0, 1], "batch_size": 20},
))
