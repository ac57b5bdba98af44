"""Every registered demo kind, run with its own smoke parameters: what tests loop over instead of lists of kinds."""

from __future__ import annotations

from functools import lru_cache

from generator.demos.registry import DemoKind, DemoResult, Figure, RunContext, demo_kinds

CPU = RunContext(device="cpu", seed=0)


def run_smoke(kind: DemoKind) -> DemoResult:
    return kind.run(kind.smoke_params(), CPU)


def built_in_kinds() -> dict[str, DemoKind]:
    """The kinds lecturegen ships. A lecture's own kinds, registered by a test that built it earlier in
    the same process, are left out: whether they are there would depend on the order tests run in."""
    return {name: kind for name, kind in demo_kinds().items() if kind.origin == "built-in"}


@lru_cache(maxsize=1)
def smoke_results() -> dict[str, DemoResult]:
    """Kind name -> its smoke run's result, computed once per test process."""
    return {name: run_smoke(kind) for name, kind in built_in_kinds().items()}


def drawn_figures() -> list[tuple[DemoKind, Figure]]:
    return [(kind, figure) for kind in built_in_kinds().values() for figure in kind.figures]


def charted_figures() -> list[tuple[DemoKind, Figure]]:
    return [(kind, figure) for kind, figure in drawn_figures() if figure.has_chart]
