"""Demo kind ``depth_sweep``: one network at many depths, three activations, three initialisations.

Every combination trains under one budget (the same epochs, batch size and
momentum) on the handwritten digits, so the only differences are the ones the
lecture is about. A network that fails at one learning rate may train at
another, and blaming its depth would then be wrong; so each combination is
trained at every rate of a grid (one more batched dimension) and is judged at
the rate that scored best on validation images carved from the training set,
never on the test set. The result shows the vanishing gradient twice:
directly, as the gradient norm of every layer at initialisation, and by its
consequence, accuracy against depth at the best rate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from generator.demos.rate_grid import rate_key
from generator.demos.registry import DemoKind, DemoResult, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, KeyedBy, ListOf, Number, Optional, Result, SeedRange, Text
from generator.wording import count as counted

if TYPE_CHECKING:  # numpy loads where arrays are made: checking content needs none
    import numpy as np

Activation = Literal["sigmoid", "tanh", "relu"]
Init = Literal["default", "xavier", "he"]
CHANCE = 0.1  # ten balanced classes


class DepthSweepParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    activations: list[Activation] = Field(default_factory=lambda: ["sigmoid", "tanh", "relu"], min_length=1,
                                          description="Activation functions to compare.")
    inits: list[Init] = Field(default_factory=lambda: ["default", "xavier", "he"], min_length=1,
                              description="Weight initialisations: PyTorch's default, Xavier/Glorot, He/Kaiming.")
    depths: list[int] = Field(default_factory=lambda: [1, 2, 4, 8, 16], min_length=1,
                              description="Numbers of hidden layers to train.")
    seeds: list[int] = Field(default_factory=lambda: [0, 1], min_length=1, description="Seeds per combination (spread).")
    width: int = Field(64, ge=2, le=4096, description="Units per hidden layer.")
    epochs: int = Field(15, ge=1, le=1000, description="Training epochs (the shared budget).")
    batch_size: int = Field(32, ge=1, le=4096, description="Minibatch size.")
    lrs: list[float] = Field(default_factory=lambda: [0.01, 0.03, 0.1, 0.3], min_length=1,
                             description="SGD learning rates: each network trains at every one, and is judged at the "
                             "one that scores best on the validation images.")
    validation_fraction: float = Field(0.2, gt=0, lt=1, description="Share of the training images held out to "
                                       "choose the learning rate on (never the test images).")
    momentum: float = Field(0.9, ge=0, lt=1, description="SGD momentum.")
    grad_norm_epochs: list[int] | None = Field(
        None, description="Epochs after which to measure per-layer gradient norms; default [0, 1, epochs] (0 = at init)."
    )
    focus_depth: int | None = Field(None, description="Depth shown by single-depth figures; default 16 if swept, else the deepest.")
    dataset: Literal["digits", "mnist"] = Field("digits", description="digits ships with scikit-learn; mnist is read from DATA_DIR/MNIST/raw (or downloaded).")

    @field_validator("lrs")
    @classmethod
    def _rates(cls, rates: list[float]) -> list[float]:
        if any(not 0 < rate <= 10 for rate in rates):
            raise ValueError("learning rates must be above 0 and at most 10")
        return sorted(set(rates))

    @field_validator("depths", "seeds")
    @classmethod
    def _sorted_unique(cls, values: list[int]) -> list[int]:
        if any(value < 0 for value in values):
            raise ValueError("must not be negative")
        return sorted(set(values))

    @field_validator("depths")
    @classmethod
    def _positive_depths(cls, depths: list[int]) -> list[int]:
        if depths[0] < 1 or depths[-1] > 128:
            raise ValueError("depths must be between 1 and 128 hidden layers")
        return depths

    @model_validator(mode="after")
    def _focus_and_epochs(self) -> DepthSweepParams:
        if self.focus_depth is not None and self.focus_depth not in self.depths:
            raise ValueError(f"focus_depth {self.focus_depth} is not one of depths {self.depths}")
        if self.grad_norm_epochs is not None and any(not 0 <= e <= self.epochs for e in self.grad_norm_epochs):
            raise ValueError(f"grad_norm_epochs must lie between 0 and epochs ({self.epochs})")
        return self

    @property
    def resolved_focus_depth(self) -> int:
        if self.focus_depth is not None:
            return self.focus_depth
        return 16 if 16 in self.depths else self.depths[-1]

    @property
    def resolved_grad_norm_epochs(self) -> tuple[int, ...]:
        epochs = self.grad_norm_epochs if self.grad_norm_epochs is not None else [0, 1, self.epochs]
        return tuple(sorted(set(epochs)))


def run(params: DepthSweepParams, ctx: RunContext) -> DemoResult:
    import numpy as np
    import torch

    from generator.demos.data import hold_out, load
    from generator.demos.ensemble import Member, TrainConfig, train_ensemble
    from generator.demos.rate_grid import at_rate, choose_rates

    held_out = hold_out(load(params.dataset, ctx.data_dir), params.validation_fraction)
    split = held_out.fit
    device = torch.device(ctx.device)

    def tensor(array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(array).to(device)

    train_x, train_y = tensor(split.flat(split.train_images)), tensor(split.train_labels)
    test_x, test_y = tensor(split.flat(split.test_images)), tensor(split.test_labels)
    validation = (tensor(split.flat(held_out.validation_images)), tensor(held_out.validation_labels))

    # Members are ordered activation, init, rate, seed; every array below keeps that grid.
    grid = (len(params.activations), len(params.inits), len(params.lrs), len(params.seeds))
    members = [Member(a, i, ctx.seed + s, lr=lr)
               for a in params.activations for i in params.inits for lr in params.lrs for s in params.seeds]
    epochs_measured = params.resolved_grad_norm_epochs
    depth_count = len(params.depths)
    by_depth = grid[:2] + (depth_count,) + grid[2:]  # (A, I, D, L, S)

    test_acc = np.full(by_depth, np.nan)
    validation_acc = np.full(by_depth, np.nan)
    train_acc = np.full(by_depth, np.nan)
    diverged = np.full(by_depth, -1)
    loss_curve = np.full(by_depth + (params.epochs,), np.nan)
    acc_curve = np.full_like(loss_curve, np.nan)
    grad_norms = np.full(by_depth + (len(epochs_measured), params.depths[-1] + 1), np.nan)

    label = f"{counted(len(members), 'network')} x {counted(depth_count, 'depth')}"
    ctx.progress.start(depth_count * params.epochs, label)
    for d, depth in enumerate(params.depths):
        config = TrainConfig(
            depth=depth, width=params.width, epochs=params.epochs, batch_size=params.batch_size,
            lr=params.lrs[0], momentum=params.momentum, grad_norm_epochs=epochs_measured,
        )
        history = train_ensemble(members, config, train_x, train_y, test_x, test_y,
                                 on_epoch=lambda epoch: ctx.progress.advance(), validation=validation,
                                 should_stop=ctx.should_stop)
        if ctx.should_stop():
            break

        def on_grid(values: np.ndarray) -> np.ndarray:
            return values.reshape(grid + values.shape[1:])

        test_acc[:, :, d] = on_grid(history.final_test_accuracy)
        validation_acc[:, :, d] = on_grid(history.final_validation_accuracy)
        train_acc[:, :, d] = on_grid(history.final_train_accuracy)
        diverged[:, :, d] = on_grid(history.diverged_epoch)
        loss_curve[:, :, d] = on_grid(history.train_loss)
        acc_curve[:, :, d] = on_grid(history.test_accuracy)
        grad_norms[:, :, d, ..., : depth + 1] = on_grid(history.grad_norms)

    chosen = choose_rates(validation_acc)
    at_chosen = {name: at_rate(array, chosen) for name, array in (
        ("test_acc", test_acc), ("train_acc", train_acc), ("diverged_epoch", diverged), ("loss_curve", loss_curve),
        ("test_acc_curve", acc_curve), ("grad_norms", grad_norms), ("validation_acc", validation_acc))}
    values = _summary(params, at_chosen, chosen, test_acc, validation_acc, diverged, split.name)
    values.update(train_images=len(split.train_labels), validation_images=len(held_out.validation_labels),
                  test_images=len(split.test_labels))
    return DemoResult(values=values, arrays={
        "depths": np.array(params.depths),
        "lrs": np.array(params.lrs),
        "grad_norm_epochs": np.array(epochs_measured),
        "chosen_lr_index": chosen,
        "test_acc_by_lr": test_acc,
        "validation_acc_by_lr": validation_acc,
        "diverged_by_lr": diverged,
        **at_chosen,
    })


def _summary(params: DepthSweepParams, at_chosen: dict, chosen, test_acc_by_lr, validation_acc_by_lr, diverged_by_lr,
             dataset: str) -> dict:
    """The numbers slide text cites, keyed by name: results.sweep.test_acc.relu.he["16"]."""
    import numpy as np

    from generator.demos.over_seeds import geometric_mean_of, mean_of, positive_range_of, range_of

    test_acc, diverged = at_chosen["test_acc"], at_chosen["diverged_epoch"]
    at_init = at_chosen["grad_norms"][..., 0, :]  # (A, I, D, S, layers)
    tables = ("test_acc", "test_acc_range", "grad_shrink", "grad_shrink_range", "grad_spread", "grad_spread_range",
              "diverged", "chosen_lr", "test_acc_by_lr", "validation_acc_by_lr", "diverged_by_lr")
    table = {name: {activation: {init: {} for init in params.inits} for activation in params.activations}
             for name in tables}
    rates = [rate_key(rate) for rate in params.lrs]
    for a, activation in enumerate(params.activations):
        for i, init in enumerate(params.inits):
            for d, depth in enumerate(params.depths):
                layers = at_init[a, i, d][:, : depth + 1]  # (seeds, layers)

                def put(name: str, value) -> None:
                    table[name][activation][init][str(depth)] = value

                put("test_acc", mean_of(test_acc[a, i, d]))
                put("test_acc_range", range_of(test_acc[a, i, d]))
                with np.errstate(divide="ignore", invalid="ignore"):  # a gradient that underflowed to 0
                    # last layer over first: how many times smaller the gradient is at the input end
                    shrink = layers[:, -1] / layers[:, 0]
                    spread = layers.max(axis=1) / layers.min(axis=1)
                put("grad_shrink", geometric_mean_of(shrink))
                put("grad_shrink_range", positive_range_of(shrink))
                put("grad_spread", geometric_mean_of(spread))
                put("grad_spread_range", positive_range_of(spread))
                put("diverged", int((diverged[a, i, d] >= 0).sum()))
                put("chosen_lr", float(params.lrs[chosen[a, i, d]]))
                put("test_acc_by_lr", {key: mean_of(test_acc_by_lr[a, i, d, k]) for k, key in enumerate(rates)})
                put("validation_acc_by_lr",
                    {key: mean_of(validation_acc_by_lr[a, i, d, k]) for k, key in enumerate(rates)})
                put("diverged_by_lr", {key: int((diverged_by_lr[a, i, d, k] >= 0).sum()) for k, key in enumerate(rates)})
    return {
        "dataset": dataset,
        "activations": list(params.activations),
        "inits": list(params.inits),
        "depths": list(params.depths),
        "lrs": list(params.lrs),
        "seeds": len(params.seeds),
        "epochs": params.epochs,
        "width": params.width,
        "momentum": params.momentum,
        "batch_size": params.batch_size,
        "focus_depth": params.resolved_focus_depth,
        "grad_norm_epochs": list(params.resolved_grad_norm_epochs),
        "chance": CHANCE,
        "networks": int(np.prod(test_acc_by_lr.shape)),
        **table,
    }


def _per_network(of):
    """Activation, then initialisation, then depth ("16"): the grid every network of the sweep lies on."""
    by_depth = KeyedBy("depth", lambda params: params.depths, of)
    return KeyedBy("activation", lambda params: params.activations,
                   KeyedBy("initialisation", lambda params: params.inits, by_depth))


def _per_rate(of):
    """By learning rate as the text writes it: "0.01", "0.3"."""
    return KeyedBy("learning rate", lambda params: [rate_key(rate) for rate in params.lrs], of)


EVERY_SEED_DIVERGED = "every seed of that network diverged"
AT_CHOSEN = "at the learning rate chosen on the validation images (chosen_lr)"
UNDERFLOWED = "the gradient underflowed to zero in every seed"

RESULTS = {
    "dataset": Result(Text(), "The data trained on: digits (8x8, scikit-learn) or mnist (28x28)."),
    "activations": Result(ListOf(Text()), "The activations swept, in the order given."),
    "inits": Result(ListOf(Text()), "The initialisations swept, in the order given."),
    "depths": Result(ListOf(Integer()), "The depths (hidden layers) swept, smallest first."),
    "seeds": Result(Integer(), "How many seeds each network was trained with."),
    "epochs": Result(Integer(), "Training epochs, the same for every network."),
    "width": Result(Integer(), "Units per hidden layer."),
    "lrs": Result(ListOf(Number()), "The learning-rate grid every network was trained at, smallest first."),
    "momentum": Result(Number(), "SGD momentum."),
    "batch_size": Result(Integer(), "Minibatch size."),
    "focus_depth": Result(Integer(), "The depth the single-depth figures show."),
    "grad_norm_epochs": Result(ListOf(Integer()), "Epochs after which gradient norms were measured (0 = at initialisation)."),
    "chance": Result(Fraction(), "Accuracy of guessing among the ten classes (0.1)."),
    "networks": Result(Integer(), "Networks trained in all: activations x initialisations x depths x rates x seeds."),
    "chosen_lr": Result(_per_network(Number()), "The learning rate with the best mean validation accuracy over seeds "
                        "(a diverged seed counts as 0); the smaller rate on a tie."),
    "test_acc": Result(_per_network(Optional(Fraction(), EVERY_SEED_DIVERGED)),
                       f"Final test accuracy {AT_CHOSEN}, mean over the seeds that did not diverge."),
    "test_acc_range": Result(_per_network(Optional(SeedRange(Fraction()), EVERY_SEED_DIVERGED)),
                             f"Lowest and highest test accuracy over the seeds {AT_CHOSEN}."),
    "test_acc_by_lr": Result(_per_network(_per_rate(Optional(Fraction(), EVERY_SEED_DIVERGED))),
                             "Final test accuracy at every rate of the grid, mean over the seeds that did not "
                             "diverge: how much the rate matters."),
    "validation_acc_by_lr": Result(_per_network(_per_rate(Optional(Fraction(), EVERY_SEED_DIVERGED))),
                                   "Final accuracy on the validation images at every rate, mean over the seeds that "
                                   "did not diverge: what the rate was chosen on."),
    "diverged_by_lr": Result(_per_network(_per_rate(Integer())), "How many seeds diverged at every rate."),
    "grad_shrink": Result(_per_network(Optional(Number(), UNDERFLOWED)),
                          "Gradient norm of the output layer over the input layer (how many times smaller it is at "
                          "the input end), at initialisation; geometric mean over the seeds."),
    "grad_shrink_range": Result(_per_network(Optional(SeedRange(Number()), UNDERFLOWED)),
                                "Lowest and highest grad_shrink over the seeds."),
    "grad_spread": Result(_per_network(Optional(Number(), UNDERFLOWED)),
                          "Largest over smallest per-layer gradient norm at initialisation; geometric mean over the "
                          "seeds."),
    "grad_spread_range": Result(_per_network(Optional(SeedRange(Number()), UNDERFLOWED)),
                                "Lowest and highest grad_spread over the seeds."),
    "diverged": Result(_per_network(Integer()), f"How many seeds of that network diverged (loss not finite), {AT_CHOSEN}."),
    "train_images": Result(Integer(), "Training images (after the validation images were held out)."),
    "validation_images": Result(Integer(), "Training images held out to choose the learning rate on."),
    "test_images": Result(Integer(), "Test images the accuracies are measured on."),
}

FIGURES = "generator.figures.depth_sweep"

KIND = register(
    DemoKind(
        name="depth_sweep",
        summary="A fully connected net at several depths x {sigmoid, tanh, ReLU} x {default, Xavier, He} init, "
        "trained on the digits under one budget: vanishing gradients and accuracy vs depth.",
        params=DepthSweepParams,
        run=run,
        results=RESULTS,
        figures=(
            Figure("gradient_norms", "Gradient norm of every layer at initialisation, at the focus depth (log scale).",
                   display=f"{FIGURES}:GradientNormsDisplay", chart=f"{FIGURES}:chart_gradient_norms"),
            Figure("accuracy_vs_depth", "Test accuracy against depth at each network's chosen learning rate: mean and "
                   "range over seeds, and the range over the rate grid.",
                   display=f"{FIGURES}:AccuracyVsDepthDisplay", chart=f"{FIGURES}:chart_accuracy_vs_depth"),
            Figure("loss_curves", "Training loss per epoch at the focus depth.",
                   display=f"{FIGURES}:LossCurvesDisplay", chart=f"{FIGURES}:chart_loss_curves"),
        ),
        smoke={"activations": ["sigmoid", "relu"], "inits": ["default", "xavier", "he"], "depths": [1, 2, 6],
               "seeds": [0, 1], "width": 16, "epochs": 2, "lrs": [0.05, 0.5]},
        code_modules=("generator.demos.ensemble", "generator.demos.data", "generator.demos.cuda_graphs",
                      "generator.demos.rate_grid", "generator.demos.over_seeds"),
    )
)
