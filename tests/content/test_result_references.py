"""`validate` checks every results reference against the cited kind's schema and the resolved parameters,
before anything trains; a missing value is an error that says why, never the word None."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.content.expressions import ExpressionError, render_text
from generator.demos.results import MissingValue
from tests.conftest import DEFAULT_LECTURE

LECTURE = """\
lecture: {{title: References, slug: references}}
demos:
  sweep:
    kind: depth_sweep
    params: {{depths: [1, 2], seeds: [0], epochs: 1, width: 8, activations: [relu], inits: [he]}}
  explode:
    kind: exploding_gradients
    params: {{scales: [0.5, 3.0], depth: 6, width: 16, epochs: 2, lrs: [0.5]}}
profiles:
  deeper:
    sweep: {{depths: [1, 2, 16]}}
sections:
  - title: Depth
    slides:
      - title: Numbers
        bullets:
          - '{text}'
"""


def write(tmp_path, text: str):
    path = tmp_path / "lecture.yaml"
    path.write_text(LECTURE.format(text=text))
    return path


def validate(path, *args):
    return CliRunner().invoke(main, ["validate", str(path), *args])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{{ results.sweep.test_accc.relu.he["1"] }}',
         "results.sweep has no 'test_accc'; did you mean 'test_acc'?"),
        ('{{ results.sweep.test_acc.relu.he["16"] | pct }}',
         "results.sweep.test_acc.relu.he has no '16'; did you mean '1'? (it has: 1, 2)"),
        ('{{ results.sweep.test_acc.sigmoid.he["1"] | pct }}',
         "results.sweep.test_acc has no 'sigmoid' (it has: relu)"),
        ('{{ results.explode.growth["2"] | sci }}',
         "results.explode.growth has no '2' (it has: 0.5, 3)"),
        ("{{ results.sweep.epochs.first }}", "results.sweep.epochs is a whole number; it has no 'first'"),
        ("{{ results.sweep.depths.last }}", "results.sweep.depths is a list; index it with a number"),
    ],
)
def test_validate_reports_a_wrong_reference_at_its_line(tmp_path, text, message):
    result = validate(write(tmp_path, text))
    assert result.exit_code == 2
    assert f"lecture.yaml:17:13: sections[0].slides[0].bullets[0]: {message}" in result.stderr


def test_keys_that_follow_parameters_are_checked_against_the_chosen_profile(tmp_path):
    path = write(tmp_path, '{{ results.sweep.test_acc.relu.he["16"] | pct }}')
    assert validate(path).exit_code == 2
    assert validate(path, "--profile", "deeper").exit_code == 0


def test_a_key_computed_by_the_text_is_left_to_the_build(tmp_path):
    text = "{{ results.sweep.test_acc.relu.he[results.sweep.depths[-1] | string] | pct }}"
    assert validate(write(tmp_path, text)).exit_code == 0
    wrong = "{{ results.sweep.test_acc.relu.hee[results.sweep.depths[-1] | string] | pct }}"
    assert "results.sweep.test_acc.relu has no 'hee'; did you mean 'he'?" in validate(write(tmp_path, wrong)).stderr


def test_build_reports_the_same_mistake_before_any_demo_trains(tmp_path):
    path = write(tmp_path, '{{ results.sweep.test_acc.relu.he["16"] | pct }}')
    checked = validate(path).stderr.splitlines()[0]
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"), "--cache-dir",
                                       str(tmp_path / "cache"), "--device", "cpu"])
    assert result.exit_code == 2
    assert checked in result.stderr
    assert "running on" not in result.output + result.stderr
    assert not (tmp_path / "cache").exists() and not (tmp_path / "out").exists()


def test_validating_the_default_lecture_under_each_profile_finds_nothing():
    for profile in ("default", "quick", "full"):
        started = time.perf_counter()
        result = validate(DEFAULT_LECTURE, "--profile", profile)
        assert result.exit_code == 0, result.output
        assert time.perf_counter() - started < 30  # a bound against hangs, not a speed target (see bench/)


MISSING = {"explode": {"test_acc": {"0.5": 0.9, "3": MissingValue("every seed at that weight scale diverged")}}}


@pytest.mark.parametrize("filter_", ["pct", "sci", "fixed", "thousands", "count('run')"])
def test_formatting_a_missing_value_says_which_and_why(filter_):
    with pytest.raises(ExpressionError) as error:
        render_text(f'{{{{ results.explode.test_acc["3"] | {filter_} }}}}', MISSING)
    message = str(error.value)
    assert message.startswith('results.explode.test_acc["3"] is missing: every seed at that weight scale diverged.')
    assert "| default('n/a')" in message


def test_a_missing_value_is_never_printed_as_none():
    with pytest.raises(ExpressionError, match="is missing"):
        render_text('{{ results.explode.test_acc["3"] }}', MISSING)
    with pytest.raises(ExpressionError, match="is missing: the demo gave no value here"):
        render_text("{{ results.explode.value }}", {"explode": {"value": None}})


def test_default_and_is_defined_print_something_else():
    assert render_text('{{ results.explode.test_acc["3"] | default("diverged") }}', MISSING) == "diverged"
    text = '{{ results.explode.test_acc["KEY"] | pct if results.explode.test_acc["KEY"] is defined else "diverged" }}'
    assert render_text(text.replace("KEY", "3"), MISSING) == "diverged"
    assert render_text(text.replace("KEY", "0.5"), MISSING) == "90%"


def test_a_diverged_run_in_a_real_build_gives_a_located_error_without_none(tmp_path):
    path = write(tmp_path, '{{ results.explode.test_acc["3"] | pct }}')
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"), "--format", "html",
                                       "--cache-dir", str(tmp_path / "cache"), "--device", "cpu"])
    assert result.exit_code == 2, result.output
    assert ('lecture.yaml:17:13: sections[0].slides[0].bullets[0]: results.explode.test_acc["3"] is missing: '
            "every seed at that weight scale diverged.") in result.stderr
    fixed = write(tmp_path, '{{ results.explode.test_acc["3"] | default("diverged") }}')
    result = CliRunner().invoke(main, ["build", str(fixed), "-o", str(tmp_path / "out"), "--format", "html",
                                       "--cache-dir", str(tmp_path / "cache"), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "references" / "slides.html").read_text()
    assert "diverged" in page and "None" not in page
