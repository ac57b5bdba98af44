"""The demo registry: demo kinds by name, with typed parameters and figures.

A demo kind is a function ``run(params, ctx) -> DemoResult`` plus a pydantic
model of its parameters and the names of the figures drawn from its result.
Registering a kind does not import torch: kinds import it inside ``run`` so
that validating content, listing demos and fully cached builds stay light.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Protocol

import numpy as np
from pydantic import AfterValidator, BaseModel


def _distinct(seeds: list[int]) -> list[int]:
    # A repeated seed trains the very same network again, and the text would count it as another seed.
    repeated = sorted({seed for seed in seeds if seeds.count(seed) > 1})
    if repeated:
        listed = " and ".join(map(str, repeated))
        verb = "is" if len(repeated) == 1 else "are"
        raise ValueError(f"seeds must differ; {listed} {verb} given more than once")
    return seeds


# The seeds parameter of a demo whose runs are one per seed.
DistinctSeeds = Annotated[list[int], AfterValidator(_distinct)]


class Progress(Protocol):
    """How a demo reports how far it has got (a bar on a terminal, log lines in CI)."""

    def start(self, total: int, label: str) -> None: ...

    def advance(self, steps: int = 1) -> None: ...

    def note(self, message: str) -> None: ...


class SilentProgress:
    def start(self, total: int, label: str) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass


@dataclass(frozen=True)
class RunContext:
    """What a demo needs besides its parameters."""

    device: str  # "cpu", "cuda" or "mps", already resolved
    seed: int
    deterministic: bool = True
    progress: Progress = field(default_factory=SilentProgress)
    data_dir: str = ""  # where downloadable datasets are kept


@dataclass(frozen=True)
class DemoResult:
    """Plain data: JSON-able ``values`` (cited by slide text) and numpy ``arrays`` (drawn)."""

    values: Mapping[str, Any]
    arrays: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class FigureInfo:
    name: str
    description: str


@dataclass(frozen=True)
class DemoKind:
    name: str
    summary: str
    params: type[BaseModel]
    run: Callable[[Any, RunContext], DemoResult]
    figures: tuple[FigureInfo, ...]
    # Modules whose source changes the numbers; their text is part of the cache key.
    code_modules: tuple[str, ...] = ()

    @property
    def figure_names(self) -> tuple[str, ...]:
        return tuple(figure.name for figure in self.figures)

    def code_hash(self) -> str:
        # The source does not change while the process runs: read and hash it once per kind.
        return _code_hash(self.run, self.code_modules)


@lru_cache(maxsize=None)
def _code_hash(run: Callable, code_modules: tuple[str, ...]) -> str:
    from importlib.util import find_spec

    files = {Path(inspect.getfile(run))}
    for module_name in code_modules:
        # find_spec locates the file without running it: the helpers import torch, which a cached build never needs.
        files.add(Path(find_spec(module_name).origin))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_KINDS: dict[str, DemoKind] = {}


def register(kind: DemoKind) -> DemoKind:
    if kind.name in _KINDS:
        raise ValueError(f"demo kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def demo_kinds() -> Mapping[str, DemoKind]:
    # Importing the package registers the built-in kinds.
    import generator.demos  # noqa: F401

    return dict(sorted(_KINDS.items()))


def get_kind(name: str) -> DemoKind | None:
    return demo_kinds().get(name)
