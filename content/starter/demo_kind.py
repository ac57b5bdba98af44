"""Demo kind `$name`: gradient descent on a bowl, at several learning rates.

Written by `lecturegen init --demo $name` as a starting point: it builds as it is, and every part
is yours to change. docs/DEMOS.md explains each piece. This file runs as code whenever the lecture
is validated or built.
"""

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from generator.demos.registry import DemoKind, DemoResult, Figure, RunContext, register
from generator.demos.results import KeyedBy, Number, Optional, Result


# 1. The parameters a lecture may set (and `lecturegen demos` lists, with these descriptions).
class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    learning_rates: list[float] = Field(default_factory=lambda: [0.1, 0.5, 0.9, 1.1], min_length=1,
                                        description="Step sizes to compare.")
    steps: int = Field(30, ge=1, le=10_000, description="Gradient steps for each learning rate.")


# 2. The experiment. Return numbers; never print. (Import torch inside, if you use it, and put
#    tensors on ctx.device.)
def run(params: Params, ctx: RunContext) -> DemoResult:
    start = ctx.rng().normal(size=2) * 3  # the same start for every rate, from the demo's seed
    curves, final = [], {}
    ctx.progress.start(len(params.learning_rates), "learning rates")
    for rate in params.learning_rates:
        point, losses = start.copy(), []
        for _ in range(params.steps):
            losses.append(float(point @ point))  # the bowl f(x) = |x|^2; its gradient is 2x
            point = point - rate * 2 * point
        curves.append(losses)
        # A rate above 1 makes each step overshoot further: that run has no final loss to speak of.
        final[f"{rate:g}"] = losses[-1] if losses[-1] < losses[0] else None
        ctx.progress.advance()
    return DemoResult(values={"final_loss": final},
                      arrays={"rates": np.array(params.learning_rates), "losses": np.array(curves)})


# 3. A figure, drawn from the result alone (never from training), with alt text.
class LossCurvesDisplay:
    def __init__(self, rates, losses):
        self.rates, self.losses = rates, losses

    @classmethod
    def from_result(cls, result, words=None):
        return cls(result.arrays["rates"], result.arrays["losses"])

    def plot(self, ax=None):
        from generator.figures.style import new_axes

        self.figure_, self.ax_ = new_axes(ax)
        for rate, losses in zip(self.rates, self.losses):
            self.ax_.plot(losses, label=f"learning rate {rate:g}")
        self.ax_.set_yscale("log")
        self.ax_.set_xlabel("step")
        self.ax_.set_ylabel("loss")
        self.ax_.legend(frameon=False)
        return self

    def alt_text(self):
        parts = [f"rate {rate:g} ends at {losses[-1]:.2g}" for rate, losses in zip(self.rates, self.losses)]
        return "Log-scale line chart of the loss at each step: " + "; ".join(parts) + "."


# 4. The declaration: what the kind is called, what text may quote, which figures it draws.
KIND = register(DemoKind(
    name="$name",
    summary="Gradient descent on a bowl at several learning rates: too large a step diverges.",
    params=Params,
    run=run,
    results={
        "final_loss": Result(
            KeyedBy("learning rate", lambda params: [f"{rate:g}" for rate in params.learning_rates],
                    Optional(Number(), when="that learning rate diverged")),
            "Loss after the last step, for each learning rate."),
    },
    figures=(Figure("loss_curves", "Loss at each step, one line per learning rate (log scale).",
                    display=LossCurvesDisplay),),
    smoke={"steps": 5},
))
