"""docs/DEMOS.md stays in step with the demo API: every public name is documented there, has a docstring,
and the guide's example kind builds as written."""

from __future__ import annotations

import re

import generator.deck as deck
import generator.demos.registry as registry
import generator.demos.results as results
import generator.figures.style as style
import generator.figures.words as words
from tests.conftest import REPO

DOC = (REPO / "docs" / "DEMOS.md").read_text()
API = {
    registry: ["register", "DemoKind", "RunContext", "DemoResult", "Figure", "Progress", "DistinctSeeds", "API_VERSION"],
    results: ["Result", "Number", "Integer", "Fraction", "Text", "ListOf", "Record", "KeyedBy", "Optional"],
    style: ["new_axes", "new_figure", "PALETTE", "sequential_colours", "MIN_TEXT_PT"],
    deck: ["ChartSpec", "ChartSeries"],
    words: ["FigureWords", "FIGURE_ENGLISH"],
}


def test_every_public_name_is_in_the_reference_and_explains_itself():
    for module, names in API.items():
        for name in names:
            assert f"`{name}`" in DOC, name
            value = getattr(module, name)
            if callable(value) and not isinstance(value, type(registry.DistinctSeeds)):
                assert (value.__doc__ or "").strip(), f"{module.__name__}.{name} has no docstring"
    assert f"`API_VERSION` (now {registry.API_VERSION})" in DOC


def test_the_chart_types_fields_are_all_named_in_the_reference():
    import dataclasses

    for cls in (deck.ChartSpec, deck.ChartSeries):
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{cls.__name__}` |"))
        for field in dataclasses.fields(cls):
            assert f"`{field.name}`" in row, f"{cls.__name__}.{field.name} is not in docs/DEMOS.md"


def test_the_guides_example_builds_as_written(tmp_path, fresh_cache):
    from click.testing import CliRunner

    from generator.cli import main
    from generator.demos.registry import unregister

    example = re.search(r"## A whole kind\n\n```python\n(.*?)```", DOC, re.S).group(1)
    yaml = re.search(r"```yaml\n(.*?)```", DOC, re.S).group(1)
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "coins.py").write_text(example)
    (tmp_path / "lecture.yaml").write_text(
        "lecture: {title: Guide, slug: guide}\n" + yaml + "sections:\n  - title: S\n    slides:\n"
        "      - title: Heads\n        figure: coins.heads\n"
        "        bullets: ['{{ results.coins.heads[\"1000\"] | pct }} heads']\n")
    try:
        result = CliRunner().invoke(main, ["build", str(tmp_path / "lecture.yaml"), "-o", str(tmp_path / "out"),
                                           "--format", "html", "--device", "cpu"])
    finally:
        unregister("coin_flips")
    assert result.exit_code == 0, result.output
    assert "% heads" in (tmp_path / "out" / "guide" / "slides.html").read_text()


def documented_names() -> dict[str, set[str]]:
    """The reference's tables: each ``From `module``` line and the names in the table under it."""
    documented: dict[str, set[str]] = {}
    names: set[str] | None = None
    for line in DOC.splitlines():
        heading = re.match(r"From `([\w.]+)`", line)
        if heading:
            names = documented.setdefault(heading.group(1), set())
        elif line.startswith("#"):
            names = None
        elif names is not None and line.startswith("| `"):
            names.update(re.findall(r"`(\w+)`", line.split("|")[1]))  # a row may name several: `Number`, `Text`
    return documented


def test_the_built_in_kinds_import_only_what_the_reference_lists():
    """The built-in kinds have no private shortcuts: every name they take from lecturegen is documented."""
    import ast
    import importlib

    documented = documented_names()
    for module, names in documented.items():
        for name in names:
            value = getattr(importlib.import_module(module), name)  # the reference names what exists
            if callable(value) and not isinstance(value, type(registry.DistinctSeeds)):
                assert (value.__doc__ or "").strip(), f"{module}.{name} has no docstring"
    kinds = sorted((REPO / "generator" / "demos" / "kinds").glob("*.py"))
    assert len(kinds) >= 4
    for path in kinds:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                for alias in node.names:
                    assert alias.name in documented.get(node.module, set()), (
                        f"{path.name} imports {node.module}.{alias.name}, which docs/DEMOS.md does not list")
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("generator") for alias in node.names), path.name
