"""Draw a demo's figure, or compute its native chart, from the demo's result.

Which Display draws which figure is declared by the demo kind itself
(``DemoKind.figures``, generator/demos/registry.py); this module only turns a
result into a :class:`FigureAsset`: PNG bytes (PowerPoint), SVG text (HTML)
and alt text, all computed from the data, drawn for one box (``FigureBox``: the
size of the region it fills on a slide or in the report, generator/figure_boxes.py).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import sys
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path

from generator import memo
from generator.deck import ChartSeries, ChartSpec, FigureAsset, FigureBox
from generator.demos.registry import DemoKind, DemoResult, Figure
from generator.figures.words import FIGURE_ENGLISH, FigureWords

SHARED_FIGURES_PACKAGE = "generator.figures."
# Modules whose code, used by a figure module, changes what it draws: lecturegen's figure modules, the
# colour maths (contrast.py chooses text colours and clips colormaps) and the summaries over seeds.
SHARED_FIGURE_MODULES = (SHARED_FIGURES_PACKAGE, "generator.render.contrast", "generator.demos.over_seeds")


def chart_for(kind: DemoKind, figure: str, result: DemoResult, words: FigureWords = FIGURE_ENGLISH) -> ChartSpec:
    """The native chart of ``figure``, from the same result its picture is drawn from.

    Remembered between runs (generator/memo.py) by the result's numbers, the words and the code that makes
    the chart (figure_code_hash), so a build whose figures come from the cache loads no matplotlib."""
    declared = _declared(kind, figure)
    if not declared.has_chart:
        declared.chart_function()  # says it has none
    key = memo.digest(kind.name, figure, _result_digest(result), json.dumps(asdict(words), sort_keys=True))
    return memo.remembered_json("chart-spec", figure_code_hash(kind), key,
                                lambda: _checked_chart(declared.chart_function(), result, words), _chart_json,
                                _chart_from_json)


def _checked_chart(function, result: DemoResult, words: FigureWords) -> ChartSpec:
    spec = function(result, words)
    if not isinstance(spec, ChartSpec):
        raise TypeError(f"{function.__name__}() returned {type(spec).__name__}, not a ChartSpec")
    return spec


def _result_digest(result: DemoResult) -> str:
    parts = [json.dumps(result.values, default=str)]  # key order included: a figure may draw in that order
    stored = getattr(result.arrays, "digest", None)  # arrays from the cache: named by their file, left unread
    if isinstance(stored, str):
        return memo.digest(*parts, "arrays file", stored)
    for name in sorted(result.arrays):
        array = result.arrays[name]
        parts.extend((name, str(array.dtype), repr(array.shape), array.tobytes()))
    return memo.digest(*parts)


def _chart_json(spec: ChartSpec) -> dict:
    return asdict(spec)


def _chart_from_json(data: dict) -> ChartSpec:
    def tupled(value):
        return tuple(value) if isinstance(value, list) else value

    series = tuple(ChartSeries(**{key: tupled(value) for key, value in item.items()}) for item in data["series"])
    rest = {field.name: tupled(data[field.name]) for field in fields(ChartSpec) if field.name != "series"}
    return ChartSpec(series=series, **rest)


def _declared(kind: DemoKind, figure: str) -> Figure:
    declared = kind.figure(figure)
    if declared is None:
        raise LookupError(f"demo kind {kind.name!r} draws no figure {figure!r} (it draws: {', '.join(kind.figure_names)})")
    return declared


@lru_cache(maxsize=None)
def figure_code_hash(kind: DemoKind) -> str:
    """Hash of the code that draws a kind's figures (for the figure cache key).

    The modules that hold its Displays and charts, the lecturegen figure modules they import (style,
    words, chart data...), and this module: their source files, read without importing them, so that
    finding a figure in the cache loads no matplotlib.
    """
    modules = {__name__}
    for figure in kind.figures:
        for name in figure.module_names():
            modules.add(name)
            modules.update(_figure_modules_imported_by(name))
    digest = hashlib.sha256()
    for name in sorted(modules):
        digest.update(name.encode())
        digest.update(_source(name).encode())
    digest.update(kind.name.encode())
    return digest.hexdigest()


def _source_file(name: str) -> Path | None:
    # A lecture's own code is loaded under a name of its own, with no spec to find it by: it is loaded already.
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__file__", None):
        return Path(module.__file__)
    spec = importlib.util.find_spec(name)
    return Path(spec.origin) if spec is not None and spec.origin and spec.has_location else None


def _source(name: str) -> str:
    file = _source_file(name)
    return file.read_text(encoding="utf-8") if file is not None else ""


def _figure_modules_imported_by(name: str) -> frozenset[str]:
    """The shared figure modules (SHARED_FIGURE_MODULES) that module ``name`` imports, or imports names from."""
    return _imports_in(name, _source(name))


@lru_cache(maxsize=256)  # by the source itself: a lecture's own code file edited under `preview` is read again
def _imports_in(name: str, source: str) -> frozenset[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset()
    package = name.rpartition(".")[0]
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            if not f"{base}.".startswith(SHARED_FIGURE_MODULES):
                continue
            # `from generator.figures import style` names a module; `from generator.figures.style import x` its module.
            found = [f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base for alias in node.names]
        else:
            continue
        used.update(module for module in found if module.startswith(SHARED_FIGURE_MODULES))
    return frozenset(used)


@lru_cache(maxsize=None)
def _is_module(name: str) -> bool:
    """Whether ``name`` is a module (not a name inside one), found without importing the module it would be in."""
    if name in sys.modules:
        return True
    try:
        parent = importlib.util.find_spec(name.rpartition(".")[0])
        if parent is None or parent.submodule_search_locations is None:
            return False  # inside a plain module: a name, not a module
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def draw_figure(kind: DemoKind, figure: str, instance: str, result: DemoResult,
                words: FigureWords = FIGURE_ENGLISH, box: FigureBox | None = None) -> FigureAsset:
    """Draw ``figure`` of demo ``instance`` (of ``kind``) from its result, in ``words``, for ``box``.

    The figure is drawn at the box's size (``style.figure_style(box)``), so its text, set in points,
    shows at that size where the box is filled; without a box, at the default size."""
    from generator.figures import style

    display_class = _declared(kind, figure).display_class()
    with style.figure_style(box):
        display = display_class.from_result(result, words).plot()
        # On a coloured slide (a template's), without a white box of its own where it still reads there.
        clear = box is not None and style.reads_without_its_box(display.figure_, box.background)
        png = style.to_png(display.figure_, transparent=clear)
        svg = style.to_svg(display.figure_, transparent=clear)
    width, height = _png_size(png)
    alt = display.alt_text()
    if not isinstance(alt, str) or not alt.strip():
        # A figure without it is a blank to a screen reader; every Display must say what it shows.
        raise ValueError(f"{display_class.__name__}.alt_text() gave no text; say what the figure shows")
    return FigureAsset(
        name=f"{instance}.{figure}",
        png=png,
        svg=svg,
        width_px=width,
        height_px=height,
        alt=alt,
        box=box,
    )


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header (IHDR follows the 8-byte signature)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
