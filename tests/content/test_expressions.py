"""Results expressions: formatting filters, and a sandbox that refuses tricks."""

from __future__ import annotations

import pytest

from generator.content.expressions import ExpressionError, check_template, pct, render_text, sci

RESULTS = {"act": {"max_derivative": {"sigmoid": 0.25, "relu": 1.0}, "depths": [2, 4, 8]}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(9.5367e-7, "9.5 × 10⁻⁷"), (0.25, "0.25"), (123456.0, "1.2 × 10⁵"), (9.96e-7, "1.0 × 10⁻⁶"), (0.0, "0"),
     (652.3, "652"), (1.53, "1.5"), (1024.0, "1,024"), (-0.5, "-0.50")],
)
def test_sci(value, expected):
    assert sci(value) == expected


def test_count_agrees_the_noun_with_the_number():
    assert render_text("{{ 1 | count('seed') }}, {{ 3 | count('seed') }}, {{ 1200 | count('image') }}", RESULTS) == (
        "1 seed, 3 seeds, 1,200 images")
    assert render_text("{{ 2 | count('child', 'children') }} and {{ 1 | count('child', 'children') }}", RESULTS) == (
        "2 children and 1 child")


def test_pct_thousands_and_arithmetic():
    assert pct(0.25) == "25%"
    assert render_text("{{ 6090 | thousands }}", RESULTS) == "6,090"
    assert render_text("{{ results.act.max_derivative.sigmoid | pct(1) }}", RESULTS) == "25.0%"
    assert render_text("{{ (results.act.max_derivative.sigmoid ** 10) | sci }}", RESULTS) == "9.5 × 10⁻⁷"
    assert render_text("{{ results.act.depths | join(', ') }}", RESULTS) == "2, 4, 8"


def test_text_without_expressions_is_returned_as_is():
    assert render_text("50% of {results}", RESULTS) == "50% of {results}"


def test_a_missing_result_names_what_exists():
    with pytest.raises(ExpressionError) as error:
        render_text("{{ results.act.max_derivative.sigmod }}", RESULTS)
    assert str(error.value) == (
        "results.act.max_derivative has no 'sigmod'; did you mean 'sigmoid'? (it has: relu, sigmoid)"
    )


@pytest.mark.parametrize(
    "payload",
    [
        "{{ results.__class__ }}",
        "{{ results.act.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ results.act.max_derivative.sigmoid.__class__.__init__.__globals__ }}",
        "{{ 2 ** 100000 }}",
        "{{ 'x' * 100000000 }}",
        "{% include '/etc/passwd' %}",
        "{{ self._TemplateReference__context }}",
        "{{ results.update({'a': 1}) }}",
    ],
)
def test_sandbox_refuses_tricks(payload):
    with pytest.raises(ExpressionError):
        render_text(payload, RESULTS)


def test_check_template_before_anything_runs():
    assert check_template("{{ results.act.max_derivative.relu }}", ["act"]) == []
    assert check_template("{{ results.ac.x }}", ["act"]) == ["results.ac: no demo named 'ac'; did you mean 'act'?"]
    assert check_template("{{ os.system('ls') }}", ["act"]) == [
        "unknown name 'os' in an expression; expressions can only use `results.<demo>.<value>`"
    ]
    assert check_template("{{ results.act | nope }}", ["act"]) == ["unknown filter 'nope'"]
    assert check_template("{{ results.act", ["act"])[0].startswith("expression syntax error:")
