"""The demo registry: every demo kind, declared once, found by one mechanism.

A demo kind is one :class:`DemoKind`, handed to :func:`register`. It states
everything the rest of lecturegen needs to know about it:

- ``params``: a pydantic model of its parameters (what content may set);
- ``run(params, ctx) -> DemoResult``: the experiment;
- ``results``: the schema of the values text may quote (generator/demos/results.py);
- ``figures``: each figure's Display class, optional native chart and description;
- ``smoke``: small parameters that run in seconds, which the tests use for every kind.

Kinds come from three places, all through ``register``:

- built-in: the modules of ``generator.demos.kinds``, which :func:`demo_kinds` imports;
- a lecture's own Python files, named under ``code:`` in the content file (generator/demos/user_code.py);
- installed packages, through the ``lecturegen.demos`` entry point group: each entry names a
  module that registers its kinds when imported, or a DemoKind.

Registering does not import torch or matplotlib: kinds import torch inside ``run``, and a figure's
Display may be named as ``"module:Class"`` so it is imported only to draw. docs/DEMOS.md is the
guide to writing a kind; ``API_VERSION`` is what a kind states it was written for.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from pydantic import AfterValidator, BaseModel

from generator.demos.results import Result, ResultSchema

if TYPE_CHECKING:
    import numpy as np


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


# The version of what a kind is written against: DemoKind, RunContext, DemoResult, Figure and the result types.
# A kind states the version it was written for; one written for another is refused with a clear message.
API_VERSION = 1
ENTRY_POINT_GROUP = "lecturegen.demos"


@dataclass(frozen=True)
class RunContext:
    """What a demo's ``run`` gets besides its parameters.

    ``device``: "cpu", "cuda" or "mps", already chosen (put tensors there). ``seed``: the demo's seed;
    Python's, numpy's and torch's generators are seeded with it before ``run``, and ``rng()`` gives a
    numpy Generator of its own. ``progress``: report how far the run has got (``start``, ``advance``,
    ``note``); it drives the progress bar on a terminal and the lines in CI. ``data_dir``: where
    datasets are kept. ``should_stop()``: True once the build is being cancelled; a long run may
    check it between epochs and return early.
    """

    device: str
    seed: int
    deterministic: bool = True
    progress: Progress = field(default_factory=SilentProgress)
    data_dir: str = ""
    should_stop: Callable[[], bool] = lambda: False

    def rng(self, offset: int = 0) -> np.random.Generator:
        """A numpy generator seeded by the demo's seed (plus ``offset``, for independent streams)."""
        import numpy as np  # here: checking content needs the registry, and no numpy

        return np.random.default_rng(self.seed + offset)


@dataclass(frozen=True)
class DemoResult:
    """Plain data: JSON-able ``values`` (cited by slide text) and numpy ``arrays`` (drawn)."""

    values: Mapping[str, Any]
    arrays: Mapping[str, np.ndarray]


def _resolve(reference: Any) -> Any:
    """A class or function given as itself, or as "package.module:Name" to import only when needed."""
    if not isinstance(reference, str):
        return reference
    module_name, _, qualname = reference.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def _module_name(reference: Any) -> str:
    return reference.partition(":")[0] if isinstance(reference, str) else reference.__module__


@dataclass(frozen=True)
class Figure:
    """One figure a kind draws from its result.

    ``display`` is a class with ``from_result(result, words)`` (words: FigureWords),
    ``plot(ax=None)`` and ``alt_text()``; ``chart``, if the figure is lines or bars,
    a function ``(result, words) -> ChartSpec`` for an editable PowerPoint chart.
    Either may be the object itself or "module:Name".
    """

    name: str
    description: str
    display: Any
    chart: Any = None

    @property
    def has_chart(self) -> bool:
        return self.chart is not None

    def display_class(self) -> type:
        return _resolve(self.display)

    def chart_function(self) -> Callable:
        if self.chart is None:
            raise LookupError(f"figure {self.name!r} has no native chart")
        return _resolve(self.chart)

    def module_names(self) -> tuple[str, ...]:
        names = [_module_name(self.display)]
        if self.chart is not None:
            names.append(_module_name(self.chart))
        return tuple(names)


# eq=False: a kind is itself, hashed by identity (its tables are dicts).
@dataclass(frozen=True, eq=False)
class DemoKind:
    name: str
    summary: str
    params: type[BaseModel]
    run: Callable[[Any, RunContext], DemoResult]
    results: Mapping[str, Result]
    figures: tuple[Figure, ...]
    # Parameters small enough for tests to run this kind in seconds on a CPU.
    smoke: Mapping[str, Any] = field(default_factory=dict)
    # Modules whose source changes the numbers; their text is part of the cache key.
    code_modules: tuple[str, ...] = ()
    # The demo API this kind was written for (API_VERSION when it was written).
    api_version: int = API_VERSION
    # Where it comes from: "built-in", "file PATH" or "package NAME VERSION"; set by register.
    origin: str = ""

    @property
    def figure_names(self) -> tuple[str, ...]:
        return tuple(figure.name for figure in self.figures)

    def figure(self, name: str) -> Figure | None:
        return next((figure for figure in self.figures if figure.name == name), None)

    @property
    def result_schema(self) -> ResultSchema:
        return ResultSchema(self.results)

    def smoke_params(self) -> BaseModel:
        return self.params.model_validate(dict(self.smoke))

    def code_hash(self) -> str:
        # The source does not change while the process runs: read and hash it once per kind.
        # A package's version is part of it too: an upgrade reruns its demos even if a file kept its text.
        return _code_hash(self.run, self.code_modules, self.origin)


@lru_cache(maxsize=None)
def _code_hash(run: Callable, code_modules: tuple[str, ...], origin: str = "") -> str:
    from importlib.util import find_spec

    files = {Path(inspect.getfile(run))}
    for module_name in code_modules:
        # find_spec locates the file without running it: the helpers import torch, which a cached build never needs.
        files.add(Path(find_spec(module_name).origin))
    digest = hashlib.sha256()
    if origin.startswith("package "):
        digest.update(origin.encode())
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_KINDS: dict[str, DemoKind] = {}
BUILT_IN_KINDS = "generator.demos.kinds"


# Where the kinds being registered now come from (set while a lecture's file or a package loads), and the
# names registered from there so far.
_registering_from: contextvars.ContextVar[str] = contextvars.ContextVar("registering_from", default="")
_registered_here: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("registered_here", default=None)


def register(kind: DemoKind) -> DemoKind:
    """Make ``kind`` available to content files under ``kind.name``; returns it, for ``KIND = register(...)``."""
    if kind.api_version != API_VERSION:
        raise ValueError(f"demo kind {kind.name!r} was written for the lecturegen demo API version {kind.api_version}, "
                         f"and this lecturegen offers version {API_VERSION}; update the kind (docs/DEMOS.md, 'API "
                         "versions', says what changed) or use a lecturegen that offers its version")
    problems = _declaration_problems(kind)
    if problems:
        raise ValueError(f"demo kind {kind.name!r} cannot be registered: " + "; ".join(problems))
    origin = kind.origin or _registering_from.get() or _origin_of(kind)
    kind = dataclasses.replace(kind, origin=origin) if origin != kind.origin else kind
    existing = _KINDS.get(kind.name)
    # The same origin may register a name again (a lecture's file edited under `preview` runs again); two
    # lectures' files of the same name ("demos/x.py" in two folders) are two origins.
    if existing is not None and (existing.origin != kind.origin or existing.run.__module__ != kind.run.__module__):
        raise ValueError(f"demo kind {kind.name!r} is registered twice: by {_where(existing)} and by {_where(kind)}; "
                         "give one of them another name")
    _KINDS[kind.name] = kind
    here = _registered_here.get()
    if here is not None:
        here.append(kind.name)
    return kind


def _where(kind: DemoKind) -> str:
    if kind.origin.startswith("file "):
        return f"{kind.origin} ({inspect.getfile(kind.run)})"
    return kind.origin


def _origin_of(kind: DemoKind) -> str:
    return "built-in" if kind.run.__module__.startswith(f"{BUILT_IN_KINDS}.") else f"module {kind.run.__module__}"


@contextlib.contextmanager
def registering_from(origin: str):
    """Kinds registered inside this block come from ``origin`` (a lecture's file, a package); yields the list
    of the names registered in it, filled as they are."""
    registered: list[str] = []
    tokens = _registering_from.set(origin), _registered_here.set(registered)
    try:
        yield registered
    finally:
        _registering_from.reset(tokens[0])
        _registered_here.reset(tokens[1])


def registered_names() -> set[str]:
    """The names registered so far, without importing anything more (demo_kinds() imports the built-in kinds)."""
    return set(_KINDS)


def registered_kind(name: str) -> DemoKind | None:
    """The kind registered as ``name`` so far, without importing anything more."""
    return _KINDS.get(name)


def unregister(name: str) -> None:
    """Forget a kind (for tests that register kinds of their own)."""
    _KINDS.pop(name, None)


def _declaration_problems(kind: DemoKind) -> list[str]:
    problems = []
    names = kind.figure_names
    if len(set(names)) != len(names):
        problems.append("a figure name is given twice")
    if not isinstance(kind.params, type) or not issubclass(kind.params, BaseModel):
        problems.append("params must be a pydantic model class")
    if not all(isinstance(result, Result) for result in kind.results.values()):
        problems.append("each entry of results must be a Result(type, description)")
    for figure in kind.figures:
        if isinstance(figure.display, type):  # a "module:Name" reference is checked where it is imported
            missing = [name for name in ("from_result", "plot", "alt_text")
                       if not callable(getattr(figure.display, name, None))]
            if missing:
                problems.append(f"figure {figure.name!r}: its display {figure.display.__name__} has no "
                                + " and no ".join(f"{name}()" for name in missing)
                                + (" (alt_text() says what the figure shows, for screen readers and the report)"
                                   if "alt_text" in missing else ""))
        if figure.chart is not None and not isinstance(figure.chart, str) and not callable(figure.chart):
            problems.append(f"figure {figure.name!r}: chart must be a function (result, words) -> ChartSpec")
    return problems


def demo_kinds() -> Mapping[str, DemoKind]:
    _import_built_in_kinds()
    _import_installed_kinds()
    return dict(sorted(_KINDS.items()))


# Packages whose entry point could not be loaded, with why: said when a lecture names an unknown kind.
PACKAGE_PROBLEMS: dict[str, str] = {}


@lru_cache(maxsize=1)
def _import_installed_kinds() -> None:
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        distribution = entry.dist
        origin = f"package {distribution.name} {distribution.version}" if distribution else f"package {entry.value}"
        try:
            with registering_from(origin):
                loaded = entry.load()
                if isinstance(loaded, DemoKind):
                    register(loaded)
        except Exception as error:  # noqa: BLE001 - a broken package must not stop the built-in kinds
            PACKAGE_PROBLEMS[origin] = f"{type(error).__name__}: {error}"


@lru_cache(maxsize=1)
def _import_built_in_kinds() -> None:
    package = importlib.import_module(BUILT_IN_KINDS)
    for module in pkgutil.iter_modules(package.__path__):
        if f"{BUILT_IN_KINDS}.{module.name}" not in sys.modules:
            importlib.import_module(f"{BUILT_IN_KINDS}.{module.name}")


def get_kind(name: str) -> DemoKind | None:
    return demo_kinds().get(name)
