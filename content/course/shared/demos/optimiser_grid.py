"""Demo kind `optimiser_grid`: SGD, SGD with momentum and Adam, each over one grid of learning rates.

A fully connected network (64 -> 128 -> 128 -> 10, ReLU) learns the digits for a fixed budget of
epochs. The digits are split 75/25 into training and test images (stratified, fixed), and a fifth of
the training images is held out as a validation set: each optimiser's best rate and its window of
good rates are chosen on validation accuracy, and the test set is only read to report the result.

Every optimiser x learning rate x seed is one member of a single batched model: each member's
parameters are one row of a (members, parameters) tensor, each layer's weights are views of it
stacked along the leading "member" axis, a layer is one ``torch.baddbmm`` for all members, and the
loss is the sum of the members' mean losses, so each member's gradient is its own. The update rules
are written out below, each on its optimiser's block of rows, with a per-member learning rate; being
elementwise, they are the same as one optimiser per member. A seed fixes the initial weights and the
batch order, so the members of one seed differ in their optimiser and rate only.

A member whose loss stops being finite is recorded as diverged and frozen (weights and optimiser
state zeroed, rate zero), so it cannot disturb the others; its accuracy counts as chance.

Written only against lecturegen's public demo API (docs/DEMOS.md).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from generator.deck import ChartSeries, ChartSpec
from generator.demos.registry import DemoKind, DemoResult, DistinctSeeds, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, KeyedBy, ListOf, Number, Optional, Record, Result
from generator.figures.style import new_axes
from generator.figures.words import FIGURE_ENGLISH, FigureWords

Optimiser = Literal["sgd", "momentum", "adam"]
LABELS = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam"}
COLOURS = {"sgd": "#D55E00", "momentum": "#009E73", "adam": "#0072B2"}  # Okabe-Ito
MARKERS = {"sgd": "o", "momentum": "s", "adam": "^"}
LINESTYLES = {"sgd": "-", "momentum": "--", "adam": "-."}
CHART_LINES = {"sgd": "solid", "momentum": "dashed", "adam": "dotted"}
CLASSES = 10
PIXELS = 64
ORDER_SEED_OFFSET = 20_000


def rate_key(rate: float) -> str:
    """How a learning rate is named in results: 0.001 -> "0.001", 1.0 -> "1"."""
    return f"{rate:g}"


def tick_label(rate: float) -> str:
    """A short axis label: 0.0003 -> "3e-4", 0.003 -> "0.003", 1.0 -> "1"."""
    if rate < 1e-3:
        mantissa, exponent = f"{rate:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return rate_key(rate)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    optimisers: list[Optimiser] = Field(default_factory=lambda: ["sgd", "momentum", "adam"], min_length=1,
                                        description="Optimisers to compare: sgd, momentum, adam.")
    learning_rates: list[float] = Field(default_factory=lambda: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0],
                                        min_length=1, description="The grid, in increasing order; every optimiser "
                                                                  "is trained at every rate.")
    hidden: int = Field(128, ge=1, le=2048, description="Units in each of the two hidden layers.")
    epochs: int = Field(10, ge=1, le=1000, description="Passes over the training images.")
    batch_size: int = Field(32, ge=1, le=1347, description="Minibatch size.")
    momentum: float = Field(0.9, ge=0, lt=1, description="Momentum coefficient of SGD + momentum.")
    betas: tuple[float, float] = Field((0.9, 0.999), description="Adam's decay rates of its two moment estimates.")
    eps: float = Field(1e-8, gt=0, description="Adam's epsilon.")
    tolerance: float = Field(0.02, gt=0, lt=1, description="A rate is 'good' when its mean validation accuracy is "
                                                           "within this of the optimiser's best.")
    validation_fraction: float = Field(0.2, gt=0, lt=0.9, description="Share of the training images held out to "
                                                                      "choose the rates on.")
    seeds: DistinctSeeds = Field(default_factory=lambda: [0, 1, 2], min_length=1,
                                 description="Seeds per optimiser and rate (added to the demo's seed).")
    cpu_threads: int = Field(1, ge=0, le=256, description="CPU threads while training (0: PyTorch's default). These "
                                                           "networks are small: one thread is as fast as two on a "
                                                           "quiet machine and far faster on a busy one.")

    @field_validator("optimisers")
    @classmethod
    def _distinct(cls, optimisers: list[str]) -> list[str]:
        if len(set(optimisers)) != len(optimisers):
            raise ValueError("each optimiser may be named once")
        return optimisers

    @field_validator("learning_rates")
    @classmethod
    def _increasing(cls, rates: list[float]) -> list[float]:
        if any(rate <= 0 or rate > 10 for rate in rates):
            raise ValueError("learning rates must lie in (0, 10]")
        if any(later <= earlier for earlier, later in zip(rates, rates[1:])):
            raise ValueError("learning rates must be given in increasing order, each once")
        if len({rate_key(rate) for rate in rates}) != len(rates):
            raise ValueError("two learning rates print the same; make them differ in their first 6 digits")
        return rates


def load_digits_split(validation_fraction: float):
    """Training, validation and test images and labels: the digits split 75/25 (stratified, fixed), then
    ``validation_fraction`` of the training images held out (stratified, fixed); pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    pixels = (bunch.data / 16.0).astype(np.float32)
    labels = bunch.target.astype(np.int64)
    train_x, test_x, train_y, test_y = train_test_split(pixels, labels, test_size=0.25, random_state=0,
                                                        stratify=labels)
    train_x, val_x, train_y, val_y = train_test_split(train_x, train_y, test_size=validation_fraction,
                                                      random_state=0, stratify=train_y)
    return train_x, train_y, val_x, val_y, test_x, test_y


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
    train_x, train_y, val_x, val_y, test_x, test_y = (
        torch.from_numpy(array).to(device) for array in load_digits_split(params.validation_fraction))
    optimisers, rates, seeds = params.optimisers, params.learning_rates, [ctx.seed + seed for seed in params.seeds]
    O, R, S = len(optimisers), len(rates), len(seeds)
    M = O * R * S  # members, optimiser-major, then rate, then seed
    seed_of = torch.arange(M, device=device) % S
    sizes = [PIXELS, params.hidden, params.hidden, CLASSES]

    # Every member's parameters are one row of a (members, count) tensor; a seed's row is the same for every
    # optimiser and rate. Each optimiser's members are a contiguous block of rows, updated by its own rule.
    per_seed = [initial_weights(sizes, seed) for seed in seeds]
    flat = torch.stack([per_seed[m % S] for m in range(M)]).to(device)
    # Each layer's weights and biases are views of it; autograd treats them as the parameters, and their
    # gradients are laid out like ``flat`` again for the update (cheaper than differentiating through slices).
    views = layers(flat, sizes)
    parameters = [tensor.requires_grad_() for pair in views for tensor in pair]

    def flat_gradient(loss: torch.Tensor) -> torch.Tensor:
        return torch.cat([gradient.reshape(M, -1) for gradient in torch.autograd.grad(loss, parameters)], dim=1)
    lr = torch.tensor([rate for _ in optimisers for rate in rates for _ in seeds], device=device).view(M, 1)
    group = {name: slice(o * R * S, (o + 1) * R * S) for o, name in enumerate(optimisers)}
    first_moment = torch.zeros_like(flat)  # momentum's velocity; Adam's m
    second_moment = torch.zeros_like(flat)  # Adam's v
    beta1, beta2 = params.betas
    order_streams = [torch.Generator().manual_seed(seed + ORDER_SEED_OFFSET) for seed in seeds]

    def forward(x: torch.Tensor) -> torch.Tensor:
        for layer, (weights, biases) in enumerate(views):
            x = torch.baddbmm(biases, x, weights)
            if layer < len(views) - 1:
                x = torch.relu(x)
        return x

    def member_losses(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits.transpose(1, 2), labels, reduction="none").mean(dim=1)

    @torch.no_grad()
    def step(t: int, gradient: torch.Tensor) -> None:
        for name, members in group.items():
            p, g, rate = flat[members], gradient[members], lr[members]
            if name == "sgd":  # w <- w - lr g
                p.sub_(rate * g)
            elif name == "momentum":  # v <- mu v + g; w <- w - lr v (as torch.optim.SGD)
                velocity = first_moment[members].mul_(params.momentum).add_(g)
                p.sub_(rate * velocity)
            else:  # Adam (Kingma & Ba 2015): moment estimates, bias-corrected, then a normalised step
                mean = first_moment[members].mul_(beta1).add_(g, alpha=1 - beta1)
                square = second_moment[members].mul_(beta2).addcmul_(g, g, value=1 - beta2)
                p.sub_(rate * (mean / (1 - beta1**t)) / ((square / (1 - beta2**t)).sqrt() + params.eps))

    n, batch = len(train_x), min(params.batch_size, len(train_x))
    steps = n // batch
    train_loss = np.full((M, params.epochs), np.nan)
    diverged_epoch = np.zeros(M, dtype=np.int64)  # 0: never
    chance = float(np.bincount(test_y.cpu().numpy()).max() / len(test_y))
    ctx.progress.start(params.epochs, "optimisers x learning rates")
    epochs_run, t = 0, 0
    for epoch in range(params.epochs):
        orders = torch.stack([torch.randperm(n, generator=stream) for stream in order_streams]).to(device)[seed_of]
        total = torch.zeros(M, device=device)
        for index in range(steps):
            rows = orders[:, index * batch:(index + 1) * batch]
            losses = member_losses(forward(train_x[rows]), train_y[rows])
            gradient = flat_gradient(losses.sum())
            t += 1
            step(t, gradient)
            total += losses.detach()
        epoch_loss = (total / steps).cpu().numpy()  # the one read from the device per epoch
        newly = ~np.isfinite(epoch_loss) & (diverged_epoch == 0)
        if newly.any():
            diverged_epoch[newly] = epoch + 1
            frozen = torch.from_numpy(newly).to(device)
            with torch.no_grad():
                for tensor in (flat, first_moment, second_moment):
                    tensor[frozen] = 0
                lr[frozen] = 0
        train_loss[:, epoch] = np.where(diverged_epoch == 0, epoch_loss, np.nan)
        epochs_run = epoch + 1
        ctx.progress.advance()
        if ctx.should_stop():  # the build is being cancelled: end at a clean point (at least one epoch run)
            break

    # Accuracy after training only (it is what the rates are judged by); a diverged network counts as chance.
    accuracy = {}
    with torch.no_grad():
        for split, (x, y) in (("val", (val_x, val_y)), ("test", (test_x, test_y))):
            correct = (forward(x.expand(M, -1, -1)).argmax(dim=-1) == y).float().mean(dim=1).cpu().numpy()
            accuracy[split] = np.where(diverged_epoch == 0, correct, chance).reshape(O, R, S)
    return summarise(params, train_loss[:, :epochs_run].reshape(O, R, S, epochs_run), accuracy,
                     diverged_epoch.reshape(O, R, S), chance, (n, len(val_y), len(test_y)))


def good_window(accuracy: np.ndarray, tolerance: float) -> tuple[int, int]:
    """First and last index of the run of rates around the best whose accuracy is within ``tolerance`` of it."""
    best = int(np.argmax(accuracy))
    low = high = best
    while low > 0 and accuracy[low - 1] >= accuracy[best] - tolerance:
        low -= 1
    while high < len(accuracy) - 1 and accuracy[high + 1] >= accuracy[best] - tolerance:
        high += 1
    return low, high


def summarise(params: Params, train_loss: np.ndarray, accuracy: dict[str, np.ndarray], diverged_epoch: np.ndarray,
              chance: float, sizes: tuple[int, int, int]) -> DemoResult:
    """Quotable numbers (means over seeds, after the last epoch) and the arrays the figures draw.

    Rates are judged on validation accuracy; the test accuracy is reported, never used to choose.
    """
    optimisers, rates = params.optimisers, params.learning_rates
    test_acc = accuracy["test"]  # (O, R, S)
    final_val = accuracy["val"].mean(axis=-1)  # (O, R); a diverged seed counts as chance
    final_acc = test_acc.mean(axis=-1)
    final_loss = train_loss[..., -1]  # (O, R, S), NaN where diverged
    diverged = (diverged_epoch > 0).sum(axis=-1)  # (O, R)
    values: dict = {"val_acc": {}, "test_acc": {}, "train_loss": {}, "diverged": {}, "best_rate": {},
                    "best_test_acc": {},
                    "best_train_loss": {},
                    "best_test_acc_range": {}, "good_rates": {}, "good_window": {}, "good_decades": {},
                    "grid_range": {}}
    best_index = []
    for o, name in enumerate(optimisers):
        values["val_acc"][name] = {rate_key(rate): float(final_val[o, r]) for r, rate in enumerate(rates)}
        values["test_acc"][name] = {rate_key(rate): float(final_acc[o, r]) for r, rate in enumerate(rates)}
        values["train_loss"][name] = {
            rate_key(rate): (float(np.nanmean(final_loss[o, r])) if np.isfinite(final_loss[o, r]).any() else None)
            for r, rate in enumerate(rates)}
        values["diverged"][name] = {rate_key(rate): int(diverged[o, r]) for r, rate in enumerate(rates)}
        low, high = good_window(final_val[o], params.tolerance)
        best = int(np.argmax(final_val[o]))  # the first, smallest rate on a tie
        best_index.append(best)
        values["best_rate"][name] = rates[best]
        values["best_test_acc"][name] = float(final_acc[o, best])
        values["best_train_loss"][name] = values["train_loss"][name][rate_key(rates[best])]
        values["best_test_acc_range"][name] = {"low": float(test_acc[o, best].min()),
                                               "high": float(test_acc[o, best].max())}
        values["good_rates"][name] = high - low + 1
        values["good_window"][name] = {"low": rates[low], "high": rates[high]}
        values["good_decades"][name] = float(math.log10(rates[high] / rates[low]))
        values["grid_range"][name] = float(final_val[o].max() - final_val[o].min())
    values |= {
        "rates": list(rates),
        "grid_decades": float(math.log10(rates[-1] / rates[0])),
        "tolerance": params.tolerance,
        "chance": chance,
        "hidden": params.hidden,
        "epochs": int(train_loss.shape[-1]),
        "batch_size": params.batch_size,
        "momentum": params.momentum,
        "seeds": len(params.seeds),
        "networks": len(optimisers) * len(rates) * len(params.seeds),
        "train_size": sizes[0],
        "val_size": sizes[1],
        "test_size": sizes[2],
    }
    arrays = {"train_loss": train_loss, "val_acc": accuracy["val"], "test_acc": test_acc,
              "diverged_epoch": diverged_epoch,
              "rates": np.asarray(rates, dtype=float), "best_index": np.asarray(best_index)}
    return DemoResult(values=values, arrays=arrays)


# -- figures: drawn from the result alone -------------------------------------------------------------------------


@dataclass
class LossCurvesDisplay:
    """Training loss per epoch of each optimiser at its own best rate, mean over the seeds that did not diverge."""

    optimisers: list[str]
    rates: list[float]  # each optimiser's best rate
    loss: np.ndarray  # (O, epochs)
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> LossCurvesDisplay:
        arrays, values = result.arrays, result.values
        optimisers = list(values["best_rate"])
        best = arrays["best_index"]
        with warnings.catch_warnings():  # a rate where every seed diverged: its mean is NaN, drawn as a gap
            warnings.simplefilter("ignore", RuntimeWarning)
            loss = np.stack([np.nanmean(arrays["train_loss"][o, best[o]], axis=0) for o in range(len(optimisers))])
        return cls(optimisers, [values["best_rate"][name] for name in optimisers], loss, int(values["seeds"]), words)

    def label(self, o: int) -> str:
        return f"{LABELS[self.optimisers[o]]}, lr {rate_key(self.rates[o])}"

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        epochs = np.arange(1, self.loss.shape[-1] + 1)
        for o, name in enumerate(self.optimisers):
            ax.plot(epochs, self.loss[o], color=COLOURS[name], ls=LINESTYLES[name], marker=MARKERS[name],
                    label=self.label(o))
        ax.set_yscale("log")
        ax.set_xlabel(self.words.epoch_axis)
        ax.set_ylabel("training loss (log scale)")
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(frameon=False, loc="upper right")
        self.figure_, self.ax_ = figure, ax
        return self

    def alt_text(self) -> str:
        parts = [f"{self.label(o)} falls from {self.loss[o, 0]:.2f} to {self.loss[o, -1]:.3f}"
                 for o in range(len(self.optimisers))]
        return (f"Log-scale line chart of the training loss per epoch over {self.loss.shape[-1]} epochs, each "
                f"optimiser "
                f"at its best learning rate, mean of {self.seeds} seeds: " + "; ".join(parts) + ".")


@dataclass
class SensitivityDisplay:
    """Final validation accuracy against the learning rate (log x), one line per optimiser, with the seeds' range."""

    optimisers: list[str]
    rates: np.ndarray
    mean: np.ndarray  # (O, R)
    low: np.ndarray
    high: np.ndarray
    windows: list[tuple[float, float]]
    tolerance: float
    seeds: int
    words: FigureWords = FIGURE_ENGLISH

    @classmethod
    def from_result(cls, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> SensitivityDisplay:
        final = result.arrays["val_acc"]  # (O, R, S)
        values = result.values
        optimisers = list(values["best_rate"])
        windows = [(values["good_window"][name]["low"], values["good_window"][name]["high"]) for name in optimisers]
        return cls(optimisers, result.arrays["rates"], final.mean(axis=-1), final.min(axis=-1), final.max(axis=-1),
                   windows, float(values["tolerance"]), int(values["seeds"]), words)

    def plot(self, ax=None):
        figure, ax = new_axes(ax)
        for o, name in enumerate(self.optimisers):
            mean = self.mean[o] * 100
            ax.errorbar(self.rates, mean, yerr=[mean - self.low[o] * 100, self.high[o] * 100 - mean],
                        color=COLOURS[name], ls=LINESTYLES[name], marker=MARKERS[name], capsize=4,
                        label=LABELS[name])
            # The good window: a thick band in the strip above 100%, one row per optimiser, in its colour and line
            # style, reaching a little past its end rates so that a window of one rate shows too.
            low, high = self.windows[o]
            ax.plot([low / self.half_step(), high * self.half_step()], [104 + 5 * o] * 2, color=COLOURS[name],
                    ls=LINESTYLES[name], marker="", lw=8, solid_capstyle="butt", dash_capstyle="butt")
        ax.set_xscale("log")
        ax.set_xticks(self.rates, [tick_label(rate) for rate in self.rates])
        if len(self.rates) > 6:  # side by side, "0.001" and "0.003" would run together
            ax.tick_params(axis="x", labelrotation=35)
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("right")
                label.set_rotation_mode("anchor")
        ax.minorticks_off()
        ax.set_yticks(range(0, 101, 20))
        ax.set_ylim(0, 106 + 5 * len(self.optimisers))
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("validation accuracy (%)")
        # Above the plot, where no curve runs (at the low rates the curves fill the left side).
        wide = figure.get_figwidth() >= 5.5
        ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.01), ncols=len(self.optimisers) if wide else 1)
        self.figure_, self.ax_ = figure, ax
        return self

    def half_step(self) -> float:
        """A third of the way to the next rate of the grid, as a factor (the grid is even on a log scale)."""
        if len(self.rates) < 2:
            return 1.2
        return float((self.rates[-1] / self.rates[0]) ** (1 / (len(self.rates) - 1))) ** (1 / 3)

    def alt_text(self) -> str:
        parts = []
        for o, name in enumerate(self.optimisers):
            best = int(np.argmax(self.mean[o]))
            low, high = self.windows[o]
            window = (f"only at {rate_key(low)}" if low == high
                      else f"from {rate_key(low)} to {rate_key(high)}")
            parts.append(f"{LABELS[name]} peaks at {self.mean[o, best]:.1%} with rate {rate_key(self.rates[best])} and "
                         f"stays within {self.tolerance * 100:g} points of that {window}")
        return (f"Line chart of final validation accuracy against learning rate on a log scale from "
                f"{rate_key(self.rates[0])} to {rate_key(self.rates[-1])}, mean and range of {self.seeds} seeds; "
                f"thick bands above 100% mark each optimiser's good rates. " + "; ".join(parts) + ".")


# -- native charts ------------------------------------------------------------------------------------------------


def _values(series) -> tuple[float | None, ...]:
    return tuple(float(value) if math.isfinite(value) else None for value in series)


def chart_loss_curves(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = LossCurvesDisplay.from_result(result, words)
    series = tuple(ChartSeries(display.label(o), _values(display.loss[o]), COLOURS[name], CHART_LINES[name])
                   for o, name in enumerate(display.optimisers))
    return ChartSpec(kind="line", categories=tuple(str(epoch) for epoch in range(1, display.loss.shape[-1] + 1)),
                     series=series, x_title=words.epoch_axis, y_title="training loss", y_log=True)


def chart_sensitivity(result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    display = SensitivityDisplay.from_result(result, words)
    series = tuple(ChartSeries(LABELS[name], _values(display.mean[o] * 100), COLOURS[name], CHART_LINES[name],
                               low=_values(display.low[o] * 100), high=_values(display.high[o] * 100))
                   for o, name in enumerate(display.optimisers))
    return ChartSpec(kind="line", categories=tuple(rate_key(rate) for rate in display.rates), series=series,
                     x_title="learning rate (log scale)", y_title="validation accuracy (%)", y_min=0.0, y_max=100.0,
                     axis_number_format="0")


# -- the declaration -------------------------------------------------------------------------------------------------


def _optimisers(params: Params) -> list[str]:
    return list(params.optimisers)


def _rates(params: Params) -> list[str]:
    return [rate_key(rate) for rate in params.learning_rates]


def _per_optimiser(of) -> KeyedBy:
    return KeyedBy("optimiser", _optimisers, of)


def _per_rate(of) -> KeyedBy:
    return _per_optimiser(KeyedBy("learning rate", _rates, of))


KIND = register(DemoKind(
    name="optimiser_grid",
    summary="SGD, SGD with momentum and Adam on the digits, each at every rate of one learning-rate grid, "
            "every optimiser x rate x seed trained as one batched model.",
    params=Params,
    run=run,
    results={
        "val_acc": Result(_per_rate(Fraction()),
                          "Final validation accuracy, mean over seeds (a diverged seed counts as chance)."),
        "test_acc": Result(_per_rate(Fraction()),
                           "Final test accuracy, mean over seeds (a diverged seed counts as chance)."),
        "train_loss": Result(_per_rate(Optional(Number(), when="every seed diverged at that rate")),
                             "Final epoch's mean training loss, mean over the seeds that did not diverge."),
        "diverged": Result(_per_rate(Integer()), "Seeds whose loss stopped being finite."),
        "best_rate": Result(_per_optimiser(Number()), "The rate with the highest mean final validation accuracy."),
        "best_test_acc": Result(_per_optimiser(Fraction()), "Mean final test accuracy at the best rate."),
        "best_train_loss": Result(_per_optimiser(Optional(Number(), when="every seed diverged at the best rate")),
                                  "Final epoch's mean training loss at the best rate."),
        "best_test_acc_range": Result(_per_optimiser(Record({"low": Result(Fraction(), "Lowest over seeds."),
                                                             "high": Result(Fraction(), "Highest over seeds.")})),
                                      "Final test accuracy at the best rate, lowest and highest over seeds."),
        "good_rates": Result(_per_optimiser(Integer()),
                             "Grid rates in the unbroken run around the best whose mean validation accuracy is "
                             "within the tolerance of the best."),
        "good_window": Result(_per_optimiser(Record({"low": Result(Number(), "Smallest good rate."),
                                                     "high": Result(Number(), "Largest good rate.")})),
                              "The smallest and largest good rate."),
        "good_decades": Result(_per_optimiser(Number()), "Width of the good window in decades: log10(high / low)."),
        "grid_range": Result(_per_optimiser(Number()),
                             "Best minus worst mean final validation accuracy over the grid (a share: print with "
                             "pct)."),
        "rates": Result(ListOf(Number()), "The learning-rate grid."),
        "grid_decades": Result(Number(), "Width of the grid in decades."),
        "tolerance": Result(Fraction(), "How far below the best a good rate may be."),
        "chance": Result(Fraction(), "Accuracy of always answering the commonest test digit."),
        "hidden": Result(Integer(), "Units in each hidden layer."),
        "epochs": Result(Integer(), "Epochs trained."),
        "batch_size": Result(Integer(), "Minibatch size."),
        "momentum": Result(Number(), "Momentum coefficient."),
        "seeds": Result(Integer(), "Seeds per optimiser and rate."),
        "networks": Result(Integer(), "Networks trained: optimisers x rates x seeds."),
        "train_size": Result(Integer(), "Training images."),
        "val_size": Result(Integer(), "Validation images (held out from the training split, to choose rates on)."),
        "test_size": Result(Integer(), "Test images."),
    },
    figures=(
        Figure("loss_curves", "Training loss per epoch of each optimiser at its best rate (log scale), mean over "
                              "seeds.",
               display=LossCurvesDisplay, chart=chart_loss_curves),
        Figure("sensitivity", "Final validation accuracy against the learning rate (log scale), one line per "
                              "optimiser, "
                              "mean and range over seeds.",
               display=SensitivityDisplay, chart=chart_sensitivity),
    ),
    smoke={"learning_rates": [0.01, 0.1], "hidden": 16, "epochs": 2, "seeds": [0]},
))
