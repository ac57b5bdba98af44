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


@pytest.mark.parametrize(
    ("template", "message"),
    [
        # Rounding would print "2 epochs" for 2.5 and "0 seeds" for 0.4: a count that is not the value.
        ("{{ 2.5 | count('epoch') }}", "expression error: count needs a whole number, got 2.5; round it first: "
         "`| round | count(...)`"),
        ("{{ 0.4 | count('seed') }}", "expression error: count needs a whole number, got 0.4; round it first: "
         "`| round | count(...)`"),
        ("{{ 'abc' | count('seed') }}", "expression error: count needs a number, got str ('abc')"),
        ("{{ 3 | count(5) }}", "expression error: count needs words for what is counted, e.g. count('seed'), got 5"),
        ("{{ 3 | count('') }}", "expression error: count needs words for what is counted, e.g. count('seed'), got ''"),
    ],
)
def test_count_refuses_what_it_cannot_count(template, message):
    with pytest.raises(ExpressionError) as error:
        render_text(template, RESULTS)
    assert str(error.value) == message


def test_count_of_a_whole_float_or_a_rounded_value():
    assert render_text("{{ 3.0 | count('seed') }}, {{ 2.6 | round | count('seed') }}", RESULTS) == "3 seeds, 3 seeds"


def test_filter_arguments_are_checked_before_the_demos_run():
    assert check_template("{{ results.act.depths | length | count }}", {"act": None}) == [
        "filter 'count' cannot take 0 arguments: write `count('seed') or count('child', 'children')`"
    ]
    assert check_template("{{ 3 | count('a', 'b', 'c') }} {{ 3 | fixed(1, 2) }} {{ 3 | pct(dig=1) }}", {}) == [
        "filter 'count' cannot take 3 arguments: write `count('seed') or count('child', 'children')`",
        "filter 'fixed' cannot take 2 arguments: write `fixed or fixed(3)`",
        "filter 'pct' cannot take 1 argument: write `pct or pct(1)`",
    ]
    assert check_template("{{ 3 | count('seed') }} {{ 3 | pct(digits=1) }} {{ 3 | sci }} {{ 3 | round(1) }}", {}) == []


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
    assert check_template("{{ results.act.max_derivative.relu }}", {"act": None}) == []
    assert check_template("{{ results.ac.x }}", {"act": None}) == ["results.ac: no demo named 'ac'; did you mean 'act'?"]
    assert check_template("{{ os.system('ls') }}", {"act": None}) == [
        "unknown name 'os' in an expression; expressions can only use `results.<demo>.<value>`"
    ]
    assert check_template("{{ results.act | nope }}", {"act": None}) == [
        "unknown filter 'nope' (the filters: abs, capitalize, count, d, default, e, escape, first, fixed, float, int, "
        "join, last, length, list, lower, max, min, pct, reverse, round, sci, sort, string, sum, thousands, title, "
        "trim, unique, upper)"
    ]
    assert check_template("{{ results.act", {"act": None})[0].startswith("expression syntax error:")
