"""Demo kind ``exploding_gradients``: the same deep network with its weights scaled around the stable size.

He initialisation makes each ReLU layer pass gradients on at about their own
size. Multiply every initial weight by s and each layer multiplies the
gradient by about s instead, so across n layers it grows (s > 1) or shrinks
(s < 1) roughly like s**n. Training then shows what that does: a too-large
scale makes the loss blow up, and the divergence is recorded, not hidden.
As in the depth sweep, every scale trains at every rate of a grid and is
judged at the rate that scored best on held-out validation images, so a
scale is not blamed for a step size that did not suit it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from generator.demos.rate_grid import rate_key
from generator.demos.registry import DemoKind, DemoResult, DistinctSeeds, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, KeyedBy, ListOf, Number, Optional, Result, SeedRange, Text
from generator.wording import count as counted

if TYPE_CHECKING:  # numpy loads where arrays are made: checking content needs none
    import numpy as np


class ExplodingParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scales: list[float] = Field(default_factory=lambda: [0.5, 1.0, 1.5, 2.0], min_length=1,
                                description="Multipliers of the initial weights (1.0 = the stable size).")
    activation: Literal["sigmoid", "tanh", "relu"] = Field("relu", description="Activation of the hidden layers.")
    init: Literal["default", "xavier", "he"] = Field("he", description="The initialisation the scales multiply.")
    depth: int = Field(16, ge=1, le=128, description="Hidden layers.")
    width: int = Field(64, ge=2, le=4096, description="Units per hidden layer.")
    seeds: DistinctSeeds = Field(default_factory=lambda: [0, 1], min_length=1, description="Seeds per scale.")
    epochs: int = Field(15, ge=1, le=1000, description="Training epochs (the depth sweep's budget).")
    batch_size: int = Field(32, ge=1, le=4096, description="Minibatch size.")
    # Lower than the depth sweep's grid: a blown-up gradient is the one a smaller step might still tame.
    lrs: list[float] = Field(default_factory=lambda: [0.001, 0.01, 0.1], min_length=1,
                             description="SGD learning rates: each scale trains at every one, and is judged at the one "
                             "that scores best on the validation images.")
    validation_fraction: float = Field(0.2, gt=0, lt=1, description="Share of the training images held out to "
                                       "choose the learning rate on (never the test images).")
    momentum: float = Field(0.9, ge=0, lt=1, description="SGD momentum.")
    dataset: Literal["digits", "mnist"] = Field("digits", description="Training data.")


    @field_validator("scales")
    @classmethod
    def _positive_sorted(cls, scales: list[float]) -> list[float]:
        if any(scale <= 0 for scale in scales):
            raise ValueError("scales must be positive")
        return sorted(set(scales))

    @field_validator("lrs")
    @classmethod
    def _rates(cls, rates: list[float]) -> list[float]:
        if any(not 0 < rate <= 10 for rate in rates):
            raise ValueError("learning rates must be above 0 and at most 10")
        return sorted(set(rates))


def scale_key(scale: float) -> str:
    """How a scale is named in results: 2.0 -> "2", 0.5 -> "0.5"."""
    return f"{scale:g}"


def run(params: ExplodingParams, ctx: RunContext) -> DemoResult:
    import numpy as np
    import torch

    from generator.demos.data import hold_out, load
    from generator.demos.ensemble import Member, TrainConfig, train_ensemble
    from generator.demos.over_seeds import geometric_mean_of, mean_of, positive_range_of, range_of
    from generator.demos.rate_grid import at_rate, choose_rates

    held_out = hold_out(load(params.dataset, ctx.data_dir), params.validation_fraction)
    split = held_out.fit
    device = torch.device(ctx.device)
    tensors = [torch.from_numpy(array).to(device) for array in (
        split.flat(split.train_images), split.train_labels, split.flat(split.test_images), split.test_labels)]
    validation = tuple(torch.from_numpy(array).to(device) for array in (
        split.flat(held_out.validation_images), held_out.validation_labels))
    # Members are ordered scale, rate, seed.
    members = [Member(params.activation, params.init, ctx.seed + seed, weight_scale=scale, lr=lr)
               for scale in params.scales for lr in params.lrs for seed in params.seeds]
    config = TrainConfig(depth=params.depth, width=params.width, epochs=params.epochs, batch_size=params.batch_size,
                         lr=params.lrs[0], momentum=params.momentum, grad_norm_epochs=(0,),
                         grad_wrt="activations")
    label = (f"{counted(len(params.scales), 'weight scale')} x {counted(len(params.lrs), 'learning rate')} x "
             f"{counted(len(params.seeds), 'seed')}")
    ctx.progress.start(params.epochs, label)
    history = train_ensemble(members, config, *tensors, on_epoch=lambda epoch: ctx.progress.advance(),
                             validation=validation, should_stop=ctx.should_stop)

    grid = (len(params.scales), len(params.lrs), len(params.seeds))
    # choose_rates and at_rate work on (A, I, D, L, ...): the scales stand in for D.
    def on_grid(values: np.ndarray) -> np.ndarray:
        return values.reshape((1, 1) + grid + values.shape[1:])

    chosen = choose_rates(on_grid(history.final_validation_accuracy))
    grad_norms = at_rate(on_grid(history.grad_norms[:, 0]), chosen)[0, 0]  # (scales, seeds, layers)
    loss = at_rate(on_grid(history.train_loss), chosen)[0, 0]
    test_acc = at_rate(on_grid(history.final_test_accuracy), chosen)[0, 0]
    diverged = at_rate(on_grid(history.diverged_epoch), chosen)[0, 0]
    test_acc_by_lr = history.final_test_accuracy.reshape(grid)
    diverged_by_lr = history.diverged_epoch.reshape(grid)
    chosen = chosen[0, 0]

    (growth, growth_range, per_layer, accuracy, accuracy_range, divergences, chosen_lr, accuracy_by_lr,
     divergences_by_lr) = ({} for _ in range(9))
    for k, scale in enumerate(params.scales):
        key = scale_key(scale)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = grad_norms[k, :, 0] / grad_norms[k, :, -1]  # first layer over last: > 1 means growth toward the input
        growth[key] = geometric_mean_of(ratios)
        growth_range[key] = positive_range_of(ratios)
        per_layer[key] = float(growth[key] ** (1 / params.depth)) if growth[key] else None
        accuracy[key] = mean_of(test_acc[k])
        accuracy_range[key] = range_of(test_acc[k])
        divergences[key] = int((diverged[k] >= 0).sum())
        chosen_lr[key] = float(params.lrs[chosen[k]])
        accuracy_by_lr[key] = {rate_key(lr): mean_of(test_acc_by_lr[k, r]) for r, lr in enumerate(params.lrs)}
        divergences_by_lr[key] = {rate_key(lr): int((diverged_by_lr[k, r] >= 0).sum()) for r, lr in enumerate(params.lrs)}

    largest = scale_key(params.scales[-1])
    return DemoResult(
        values={
            "dataset": split.name,
            "scales": [scale_key(scale) for scale in params.scales],
            "activation": params.activation,
            "init": params.init,
            "depth": params.depth,
            "epochs": params.epochs,
            "seeds": len(params.seeds),
            "lrs": list(params.lrs),
            "growth": growth,
            "growth_range": growth_range,
            "per_layer_factor": per_layer,
            "chosen_lr": chosen_lr,
            "test_acc": accuracy,
            "test_acc_range": accuracy_range,
            "diverged": divergences,
            "test_acc_by_lr": accuracy_by_lr,
            "diverged_by_lr": divergences_by_lr,
            "largest_scale": largest,
            "growth_at_largest": growth[largest],
        },
        arrays={
            "scales": np.array(params.scales),
            "lrs": np.array(params.lrs),
            "chosen_lr_index": chosen,
            "grad_norms": grad_norms,
            "loss_curve": loss,
            "test_acc": test_acc,
            "diverged_epoch": diverged,
            "test_acc_by_lr": test_acc_by_lr,
            "diverged_by_lr": diverged_by_lr,
        },
    )


def _per_scale(of):
    """Keyed by weight scale as the text writes it: "0.5", "1", "2"."""
    return KeyedBy("weight scale", lambda params: [scale_key(scale) for scale in params.scales], of)


def _per_rate(of):
    return KeyedBy("learning rate", lambda params: [rate_key(rate) for rate in params.lrs], of)


EVERY_SEED_DIVERGED = "every seed at that weight scale diverged"
AT_CHOSEN = "at the scale's chosen learning rate (chosen_lr)"
NO_GROWTH = "the gradient underflowed to zero or overflowed in every seed at that scale"

RESULTS = {
    "dataset": Result(Text(), "The data trained on: digits or mnist."),
    "scales": Result(ListOf(Text()), "The weight scales, smallest first, as keys are written (\"0.5\", \"1\")."),
    "activation": Result(Text(), "Activation of the hidden layers."),
    "init": Result(Text(), "The initialisation the scales multiply."),
    "depth": Result(Integer(), "Hidden layers."),
    "epochs": Result(Integer(), "Training epochs."),
    "seeds": Result(Integer(), "How many seeds each scale was trained with."),
    "lrs": Result(ListOf(Number()), "The learning-rate grid every scale was trained at, smallest first."),
    "chosen_lr": Result(_per_scale(Number()), "The rate with the best mean validation accuracy over seeds (a diverged "
                        "seed counts as 0); the smaller rate on a tie."),
    "growth": Result(_per_scale(Optional(Number(), NO_GROWTH)),
                     "Gradient norm at the first layer over the last, at initialisation; geometric mean over seeds."),
    "growth_range": Result(_per_scale(Optional(SeedRange(Number()), NO_GROWTH)),
                           "Lowest and highest growth over the seeds."),
    "per_layer_factor": Result(_per_scale(Optional(Number(), NO_GROWTH)),
                               "growth to the power 1/depth: what each layer multiplies the gradient by."),
    "test_acc": Result(_per_scale(Optional(Fraction(), EVERY_SEED_DIVERGED)),
                       f"Final test accuracy {AT_CHOSEN}, mean over the seeds that did not diverge."),
    "test_acc_range": Result(_per_scale(Optional(SeedRange(Fraction()), EVERY_SEED_DIVERGED)),
                             f"Lowest and highest test accuracy over the seeds {AT_CHOSEN}."),
    "diverged": Result(_per_scale(Integer()), f"How many seeds at that scale diverged (loss not finite), {AT_CHOSEN}."),
    "test_acc_by_lr": Result(_per_scale(_per_rate(Optional(Fraction(), EVERY_SEED_DIVERGED))),
                             "Final test accuracy at every rate, mean over the seeds that did not diverge."),
    "diverged_by_lr": Result(_per_scale(_per_rate(Integer())), "How many seeds diverged at every rate."),
    "largest_scale": Result(Text(), "The largest scale, as its key is written."),
    "growth_at_largest": Result(Optional(Number(), NO_GROWTH), "growth at the largest scale."),
}

FIGURES = "generator.figures.exploding_gradients"

KIND = register(
    DemoKind(
        name="exploding_gradients",
        summary="One deep network with its initial weights scaled around the stable size: per-layer gradients "
        "grow or shrink geometrically, and too large a scale makes training diverge.",
        params=ExplodingParams,
        run=run,
        results=RESULTS,
        figures=(
            Figure("gradient_norms", "Gradient norm of every layer at initialisation, one line per weight scale (log scale).",
                   display=f"{FIGURES}:ScaledGradientNormsDisplay", chart=f"{FIGURES}:chart_gradient_norms"),
            Figure("loss_curves", "Training loss per epoch for each scale; divergence is marked.",
                   display=f"{FIGURES}:ScaledLossCurvesDisplay", chart=f"{FIGURES}:chart_loss_curves"),
        ),
        # lr 0.5 at three times the stable scale diverges at once: the smoke run shows a missing value and a gap.
        smoke={"scales": [0.5, 1.0, 3.0], "depth": 6, "width": 16, "epochs": 2, "lrs": [0.5]},
        code_modules=("generator.demos.ensemble", "generator.demos.data", "generator.demos.cuda_graphs",
                      "generator.demos.rate_grid", "generator.demos.over_seeds"),
    )
)
