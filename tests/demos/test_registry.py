"""Every registered demo kind keeps its own declarations: results, figures and smoke parameters agree with its run."""

from __future__ import annotations

import inspect
import json

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.demos.registry import demo_kinds
from generator.figures.drawing import chart_for, draw_figure
from tests.smoke import drawn_figures, smoke_results

KINDS = sorted(demo_kinds())


@pytest.mark.parametrize("name", KINDS)
def test_a_smoke_run_returns_exactly_the_declared_results(name):
    kind = demo_kinds()[name]
    assert kind.result_schema.problems(smoke_results()[name].values, kind.smoke_params(), "demo") == []


@pytest.mark.parametrize("name", KINDS)
def test_every_result_has_a_type_and_a_description(name):
    for result_name, result in demo_kinds()[name].results.items():
        assert result.description.strip(), result_name
        assert result.type.describe()


@pytest.mark.parametrize(("kind", "figure"), [(kind.name, figure.name) for kind, figure in drawn_figures()])
def test_every_declared_figure_draws_from_the_smoke_result_with_alt_text(kind, figure):
    declared = demo_kinds()[kind]
    display = declared.figure(figure).display_class()
    # One from_result signature for every Display: (result, words).
    assert list(inspect.signature(display.from_result).parameters)[:2] == ["result", "words"]
    asset = draw_figure(declared, figure, "demo", smoke_results()[kind])
    assert asset.png.startswith(b"\x89PNG") and "<svg" in asset.svg
    assert len(asset.alt) > 20
    if declared.figure(figure).has_chart:
        assert chart_for(declared, figure, smoke_results()[kind]).series


def test_a_schema_mismatch_is_reported_by_name():
    kind = demo_kinds()["activations"]
    values = dict(smoke_results()["activations"].values)
    values["max_derivative"] = {"sigmoid": "a quarter"}
    values["surprise"] = 1
    problems = kind.result_schema.problems(values, kind.smoke_params(), "act")
    assert "results.act has values its kind does not declare: surprise" in problems
    assert any(problem.startswith("results.act.max_derivative should have the keys ['sigmoid', 'tanh', 'relu']")
               for problem in problems)
    assert "results.act.max_derivative.sigmoid should be a number, got 'a quarter'" in problems


def test_lecturegen_demos_lists_each_kinds_results_with_types_and_descriptions():
    result = CliRunner().invoke(main, ["demos", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert sorted(listed) == sorted(demo_kinds())
    for name, kind in demo_kinds().items():
        for result_name, declared in kind.results.items():
            entry = listed[name]["results"][f"results.DEMO.{result_name}"]
            assert entry == {"type": declared.type.describe(), "description": declared.description}
        assert set(listed[name]["figures"]) == set(kind.figure_names)
    text = CliRunner().invoke(main, ["demos"]).output
    assert "    test_acc (mapping by activation of mapping by initialisation of mapping by depth of fraction 0-1 " \
           "(print with pct), or missing when every seed of that network diverged): " in text
    assert "    most_confused.count (whole number): How often." in text
    assert "    gradient_norms [native chart]: " in text
