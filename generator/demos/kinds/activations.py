"""Demo kind ``activations``: sigmoid, tanh and ReLU and their derivatives.

The derivatives come from torch autograd, not from the textbook formulas, so
the figure shows what back-propagation actually multiplies by. The headline
number is the sigmoid's largest derivative, 1/4 (at x = 0): a chain of n
sigmoid layers scales a gradient by at most 4**-n unless the weights make up
for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from generator.demos.registry import DemoKind, DemoResult, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, KeyedBy, ListOf, Number, Result, Text

if TYPE_CHECKING:  # numpy loads where arrays are made: checking content needs none
    import numpy as np

ActivationName = Literal["sigmoid", "tanh", "relu"]

# Below this derivative a unit passes on less than 1/20 of the gradient it
# receives: "saturated" for the purposes of the slide text.
SATURATION_THRESHOLD = 0.05


class ActivationsParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    functions: list[ActivationName] = Field(
        default_factory=lambda: ["sigmoid", "tanh", "relu"],
        min_length=1,
        description="Activation functions to evaluate.",
    )
    x_min: float = Field(-6.0, description="Left end of the input range.")
    x_max: float = Field(6.0, description="Right end of the input range.")
    points: int = Field(601, ge=11, le=100_001, description="Number of evenly spaced inputs.")
    max_depth: int = Field(30, ge=1, le=200, description="Deepest chain for the chain-bound figure.")

    @model_validator(mode="after")
    def _range_is_ordered(self) -> ActivationsParams:
        if self.x_min >= self.x_max:
            raise ValueError("x_min must be smaller than x_max")
        return self


def run(params: ActivationsParams, ctx: RunContext) -> DemoResult:
    # torch is imported here, not at module level, so that validating content
    # or a fully cached build never pays for loading it.
    import numpy as np
    import torch

    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
    x = torch.linspace(params.x_min, params.x_max, params.points, dtype=torch.float64, device=ctx.device)

    arrays: dict[str, np.ndarray] = {"x": x.cpu().numpy()}
    max_derivative: dict[str, float] = {}
    argmax_derivative: dict[str, float] = {}
    derivative_at_zero: dict[str, float] = {}
    saturated_fraction: dict[str, float] = {}
    for name in params.functions:
        ctx.progress.note(f"autograd through {name}")
        inputs = x.clone().requires_grad_(True)
        outputs = functions[name](inputs)
        # Each output depends only on its own input, so the gradient of the sum
        # is the elementwise derivative.
        (derivative,) = torch.autograd.grad(outputs.sum(), inputs)
        values = outputs.detach().cpu().numpy()
        slopes = derivative.cpu().numpy()
        arrays[f"f_{name}"] = values
        arrays[f"df_{name}"] = slopes
        best = int(np.argmax(slopes))
        max_derivative[name] = float(slopes[best])
        argmax_derivative[name] = float(arrays["x"][best])
        zero = torch.zeros(1, dtype=torch.float64, device=ctx.device, requires_grad=True)
        (at_zero,) = torch.autograd.grad(functions[name](zero).sum(), zero)
        derivative_at_zero[name] = float(at_zero.item())
        saturated_fraction[name] = float(np.mean(slopes < SATURATION_THRESHOLD))

    depths = np.arange(1, params.max_depth + 1)
    arrays["depth"] = depths
    for name in params.functions:
        arrays[f"chain_{name}"] = max_derivative[name] ** depths.astype(np.float64)

    return DemoResult(
        values={
            "functions": list(params.functions),
            "x_min": params.x_min,
            "x_max": params.x_max,
            "max_derivative": max_derivative,
            "argmax_derivative": argmax_derivative,
            "derivative_at_zero": derivative_at_zero,
            "saturated_fraction": saturated_fraction,
            "saturation_threshold": SATURATION_THRESHOLD,
            "max_depth": params.max_depth,
        },
        arrays=arrays,
    )


def _by_function(of):
    return KeyedBy("function", lambda params: params.functions, of)


RESULTS = {
    "functions": Result(ListOf(Text()), "The activation functions evaluated, in the order given."),
    "x_min": Result(Number(), "Left end of the input range."),
    "x_max": Result(Number(), "Right end of the input range."),
    "max_derivative": Result(_by_function(Number()), "Largest derivative over the input range (sigmoid: 0.25)."),
    "argmax_derivative": Result(_by_function(Number()), "Input at which the derivative is largest."),
    "derivative_at_zero": Result(_by_function(Number()), "Derivative at x = 0, from autograd."),
    "saturated_fraction": Result(_by_function(Fraction()),
                                 "Share of the input range where the derivative is below saturation_threshold."),
    "saturation_threshold": Result(Number(), "Derivative below which a unit counts as saturated (0.05)."),
    "max_depth": Result(Integer(), "Deepest chain in the chain-bound figure."),
}

FIGURES = "generator.figures.activations"

KIND = register(
    DemoKind(
        name="activations",
        summary="Sigmoid, tanh and ReLU with their derivatives from torch autograd; the sigmoid's 1/4 bound.",
        params=ActivationsParams,
        run=run,
        results=RESULTS,
        figures=(
            Figure("functions", "The activation functions over the input range.",
                   display=f"{FIGURES}:ActivationFunctionsDisplay"),
            Figure("derivatives", "Their derivatives, with the sigmoid's maximum of 1/4 marked.",
                   display=f"{FIGURES}:ActivationDerivativesDisplay"),
            Figure("chain_bound", "Largest gradient factor through n stacked layers, max|f'|^n (log scale).",
                   display=f"{FIGURES}:ChainBoundDisplay"),
        ),
        smoke={"points": 101, "max_depth": 10},
    )
)
