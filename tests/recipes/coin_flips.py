"""A demo kind written the way docs/ARCHITECTURE.md says: this file and its figures module, nothing else.

It flips seeded coins and reports how far the share of heads strays from one half.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from generator.demos.registry import DemoKind, DemoResult, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, KeyedBy, Result


class CoinFlipsParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    counts: list[int] = Field(default_factory=lambda: [10, 100, 1000], min_length=1, description="Flips per run.")


def run(params: CoinFlipsParams, ctx: RunContext) -> DemoResult:
    generator = np.random.default_rng(ctx.seed)
    ctx.progress.start(len(params.counts), "coins")
    heads = {}
    for count in params.counts:
        heads[str(count)] = float(generator.integers(0, 2, size=count).mean())
        ctx.progress.advance()
    return DemoResult(values={"runs": len(params.counts), "heads": heads},
                      arrays={"counts": np.array(params.counts), "heads": np.array(list(heads.values()))})


KIND = register(DemoKind(
    name="coin_flips",
    summary="Seeded coin flips: the share of heads settles towards one half.",
    params=CoinFlipsParams,
    run=run,
    results={
        "runs": Result(Integer(), "How many runs."),
        "heads": Result(KeyedBy("flip count", lambda params: params.counts, Fraction()), "Share of heads per run."),
    },
    figures=(Figure("heads", "Share of heads against the number of flips.",
                    display="tests.recipes.coin_flips_figures:HeadsDisplay",
                    chart="tests.recipes.coin_flips_figures:chart_heads"),),
    smoke={"counts": [10, 20]},
))
