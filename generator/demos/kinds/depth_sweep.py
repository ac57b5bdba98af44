"""Demo kind ``depth_sweep``: one network at many depths, three activations, three initialisations.

Every combination trains under one budget (the same epochs, batch size,
learning rate and momentum) on the handwritten digits, so the only
differences are the ones the lecture is about. The result shows the
vanishing gradient twice: directly, as the gradient norm of every layer at
initialisation, and by its consequence, accuracy against depth.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from generator.demos.registry import DemoKind, DemoResult, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, KeyedBy, ListOf, Number, Optional, Result, Text
from generator.wording import count as counted

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
    epochs: int = Field(20, ge=1, le=1000, description="Training epochs (the shared budget).")
    batch_size: int = Field(32, ge=1, le=4096, description="Minibatch size.")
    lr: float = Field(0.01, gt=0, le=10, description="SGD learning rate.")
    momentum: float = Field(0.9, ge=0, lt=1, description="SGD momentum.")
    grad_norm_epochs: list[int] | None = Field(
        None, description="Epochs after which to measure per-layer gradient norms; default [0, 1, epochs] (0 = at init)."
    )
    focus_depth: int | None = Field(None, description="Depth shown by single-depth figures; default 16 if swept, else the deepest.")
    dataset: Literal["digits", "mnist"] = Field("digits", description="digits ships with scikit-learn; mnist is read from DATA_DIR/MNIST/raw (or downloaded).")

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
    import torch

    from generator.demos.data import load
    from generator.demos.ensemble import Member, TrainConfig, train_ensemble

    split = load(params.dataset, ctx.data_dir)
    device = torch.device(ctx.device)
    train_x = torch.from_numpy(split.flat(split.train_images)).to(device)
    train_y = torch.from_numpy(split.train_labels).to(device)
    test_x = torch.from_numpy(split.flat(split.test_images)).to(device)
    test_y = torch.from_numpy(split.test_labels).to(device)

    shape = (len(params.activations), len(params.inits), len(params.seeds))
    members = [Member(a, i, ctx.seed + s) for a in params.activations for i in params.inits for s in params.seeds]
    epochs_measured = params.resolved_grad_norm_epochs
    deepest_layers = params.depths[-1] + 1
    depth_count = len(params.depths)

    test_acc = np.full(shape[:2] + (depth_count,) + shape[2:], np.nan)
    train_acc = np.full_like(test_acc, np.nan)
    diverged = np.full(test_acc.shape, -1)
    loss_curve = np.full(test_acc.shape + (params.epochs,), np.nan)
    acc_curve = np.full_like(loss_curve, np.nan)
    grad_norms = np.full(test_acc.shape + (len(epochs_measured), deepest_layers), np.nan)

    label = f"{counted(len(members), 'network')} x {counted(depth_count, 'depth')}"
    ctx.progress.start(depth_count * params.epochs, label)
    for d, depth in enumerate(params.depths):
        config = TrainConfig(
            depth=depth, width=params.width, epochs=params.epochs, batch_size=params.batch_size,
            lr=params.lr, momentum=params.momentum, grad_norm_epochs=epochs_measured,
        )
        history = train_ensemble(members, config, train_x, train_y, test_x, test_y,
                                 on_epoch=lambda epoch: ctx.progress.advance())

        def grid(values: np.ndarray) -> np.ndarray:
            # members are ordered activation, init, seed: back to that grid
            return values.reshape(shape + values.shape[1:])

        test_acc[:, :, d] = grid(history.final_test_accuracy)
        train_acc[:, :, d] = grid(history.final_train_accuracy)
        diverged[:, :, d] = grid(history.diverged_epoch)
        loss_curve[:, :, d] = grid(history.train_loss)
        acc_curve[:, :, d] = grid(history.test_accuracy)
        grad_norms[:, :, d, :, :, : depth + 1] = grid(history.grad_norms)

    values = _summary(params, test_acc, diverged, grad_norms, split.name)
    values.update(train_images=len(split.train_labels), test_images=len(split.test_labels))
    return DemoResult(values=values, arrays={
        "depths": np.array(params.depths),
        "grad_norm_epochs": np.array(epochs_measured),
        "test_acc": test_acc,
        "train_acc": train_acc,
        "diverged_epoch": diverged,
        "loss_curve": loss_curve,
        "test_acc_curve": acc_curve,
        "grad_norms": grad_norms,
    })


def _summary(params: DepthSweepParams, test_acc, diverged, grad_norms, dataset: str) -> dict:
    """The numbers slide text cites, keyed by name: results.sweep.test_acc.relu.he["16"]."""
    at_init = grad_norms[..., 0, :]  # (A, I, D, S, layers)
    accuracy, ratio, spread, failures = (
        {activation: {init: {} for init in params.inits} for activation in params.activations} for _ in range(4)
    )
    for a, activation in enumerate(params.activations):
        for i, init in enumerate(params.inits):
            for d, depth in enumerate(params.depths):
                layers = at_init[a, i, d][:, : depth + 1]  # (seeds, layers)
                key = str(depth)
                accuracy[activation][init][key] = _finite_mean(test_acc[a, i, d])
                # last layer over first: how many times smaller the gradient is at the input end
                with np.errstate(divide="ignore", invalid="ignore"):  # a gradient that underflowed to 0
                    ratio[activation][init][key] = _finite_mean(layers[:, -1] / layers[:, 0])
                    spread[activation][init][key] = _finite_mean(layers.max(axis=1) / layers.min(axis=1))
                failures[activation][init][key] = int((diverged[a, i, d] >= 0).sum())
    return {
        "dataset": dataset,
        "activations": list(params.activations),
        "inits": list(params.inits),
        "depths": list(params.depths),
        "seeds": len(params.seeds),
        "epochs": params.epochs,
        "width": params.width,
        "lr": params.lr,
        "momentum": params.momentum,
        "batch_size": params.batch_size,
        "focus_depth": params.resolved_focus_depth,
        "grad_norm_epochs": list(params.resolved_grad_norm_epochs),
        "chance": CHANCE,
        "networks": int(np.prod(test_acc.shape)),
        "test_acc": accuracy,
        "grad_shrink": ratio,
        "grad_spread": spread,
        "diverged": failures,
    }


def _finite_mean(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None


def _per_network(of):
    """Activation, then initialisation, then depth ("16"): the grid every network of the sweep lies on."""
    by_depth = KeyedBy("depth", lambda params: params.depths, of)
    return KeyedBy("activation", lambda params: params.activations,
                   KeyedBy("initialisation", lambda params: params.inits, by_depth))


EVERY_SEED_DIVERGED = "every seed of that network diverged"
UNDERFLOWED = "the gradient underflowed to zero in every seed"

RESULTS = {
    "dataset": Result(Text(), "The data trained on: digits (8x8, scikit-learn) or mnist (28x28)."),
    "activations": Result(ListOf(Text()), "The activations swept, in the order given."),
    "inits": Result(ListOf(Text()), "The initialisations swept, in the order given."),
    "depths": Result(ListOf(Integer()), "The depths (hidden layers) swept, smallest first."),
    "seeds": Result(Integer(), "How many seeds each network was trained with."),
    "epochs": Result(Integer(), "Training epochs, the same for every network."),
    "width": Result(Integer(), "Units per hidden layer."),
    "lr": Result(Number(), "SGD learning rate."),
    "momentum": Result(Number(), "SGD momentum."),
    "batch_size": Result(Integer(), "Minibatch size."),
    "focus_depth": Result(Integer(), "The depth the single-depth figures show."),
    "grad_norm_epochs": Result(ListOf(Integer()), "Epochs after which gradient norms were measured (0 = at initialisation)."),
    "chance": Result(Fraction(), "Accuracy of guessing among the ten classes (0.1)."),
    "networks": Result(Integer(), "Networks trained in all: activations x initialisations x depths x seeds."),
    "test_acc": Result(_per_network(Optional(Fraction(), EVERY_SEED_DIVERGED)),
                       "Final test accuracy, mean over the seeds that did not diverge."),
    "grad_shrink": Result(_per_network(Optional(Number(), UNDERFLOWED)),
                          "Gradient norm of the last layer over the first, at initialisation; mean over seeds."),
    "grad_spread": Result(_per_network(Optional(Number(), UNDERFLOWED)),
                          "Largest over smallest per-layer gradient norm at initialisation; mean over seeds."),
    "diverged": Result(_per_network(Integer()), "How many seeds of that network diverged (loss not finite)."),
    "train_images": Result(Integer(), "Training images."),
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
            Figure("accuracy_vs_depth", "Test accuracy against depth, mean and range over seeds.",
                   display=f"{FIGURES}:AccuracyVsDepthDisplay", chart=f"{FIGURES}:chart_accuracy_vs_depth"),
            Figure("loss_curves", "Training loss per epoch at the focus depth.",
                   display=f"{FIGURES}:LossCurvesDisplay", chart=f"{FIGURES}:chart_loss_curves"),
        ),
        smoke={"activations": ["sigmoid", "relu"], "inits": ["default", "xavier", "he"], "depths": [1, 2, 6],
               "seeds": [0, 1], "width": 16, "epochs": 2},
        code_modules=("generator.demos.ensemble", "generator.demos.data", "generator.demos.cuda_graphs"),
    )
)
