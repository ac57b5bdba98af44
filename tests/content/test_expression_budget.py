"""Every expression runs under a budget: no loops, bounded repetition, integers, widths, digits, nesting and
output. What can be seen before the demos run is refused by `validate`; the rest is a located error at build.

The hostile expressions are evaluated in a child process with capped memory and time, so a budget that
stopped working fails this test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.content.expressions import check_template, render_text
from tests.conftest import REPO

# (expression, what validate says, or None when only evaluation can tell, what evaluation says)
HOSTILE = {
    "nested loops": ("{% for a in 'x'*100000 %}{% for b in 'x'*100000 %}{% endfor %}{% endfor %}",
                     "{% for %} is not allowed in content text", "{% for %} is not allowed"),
    "centred to a gigabyte": ("{{ 'x'|center(1000000000) }}", "unknown filter 'center'", "No filter named 'center'"),
    "printf width": ("{{ '%0999999999d' % 1 }}", "text formatting with % is not allowed",
                     "text formatting with % is not allowed"),
    "fixed digits": ("{{ 1 | fixed(999999999) }}", "filter 'fixed' takes 0 to 20 digits, not 999999999",
                     "give between 0 and 20 digits"),
    "too many digits": ("{{ 1 | fixed(25) }}", "filter 'fixed' takes 0 to 20 digits, not 25",
                        "give between 0 and 20 digits"),
    "format width": ("{{ '{:>999999999}'.format(1) }}", "the text method format() is not allowed",
                     "the text method format() is not allowed"),
    "tower of powers": ("{{ ((10**1000)**1000)**1000 }}", "would have more than 1,233 digits",
                        "would have more than 1,233 digits"),
    "deep parentheses": ("{{ " + "(" * 70 + "1" + ")" * 70 + " }}", "nests more than 30 levels deep",
                         "nests more than 30 levels deep"),
    "joined repetitions": ("{{ (['x' * 100000] * 100000) | join }}", None, "the repeated text would be too long"),
    "concatenated repetitions": ("{{ ('x' * 60000) ~ ('x' * 60000) }}", None, "the repeated text would be too long"),
    "padded by a method": ("{{ 'x'.rjust(10**9) }}", "the text method rjust() is not allowed",
                           "the text method rjust() is not allowed"),
    "power of a result": ("{{ results.act.max_depth ** 5000 }}", None, "larger than 1000"),
}
EVALUATE = """
import json, sys
from generator.content.expressions import ExpressionError, render_text
outcomes = {}
for name, text in json.loads(sys.stdin.read()).items():
    try:
        outcomes[name] = "rendered " + str(len(render_text(text, {"act": {"max_depth": 30}})))
    except ExpressionError as error:
        outcomes[name] = str(error)
print(json.dumps(outcomes))
"""


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


@pytest.fixture(scope="module")
def evaluated() -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", EVALUATE], input=json.dumps({k: v[0] for k, v in HOSTILE.items()}),
                            capture_output=True, text=True, timeout=60, env=environment, preexec_fn=_limited)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_validate_refuses_what_can_be_seen_before_the_demos_run(case):
    text, static, _ = HOSTILE[case]
    problems = check_template(text, {"act": None})
    if static is None:
        assert problems == []
    else:
        assert any(static in problem for problem in problems), problems


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_evaluation_stops_at_the_budget_with_an_error(evaluated, case):
    assert HOSTILE[case][2] in evaluated[case]


def test_the_budget_leaves_room_for_real_lectures():
    assert render_text("{{ (16 * 28 * 28) | thousands }} {{ (0.25 ** 10) | sci }} {{ 2 ** 64 }}", {}) == (
        "12,544 9.5 × 10⁻⁷ 18446744073709551616")
    assert render_text("{{ ('ab' * 50000) | length }} {{ 0.5 | pct(2) }} {{ 'x'.upper() }}", {}) == "100000 50.00% X"
    assert render_text("{{ results.a.b | default(20000) }} {{ [20000, 3] | max }} {{ results.a.get('c', 50000) }}",
                       {"a": {"b": None}}) == "20000 20000 50000"


def test_validate_names_the_field_of_a_hostile_expression(tmp_path):
    content = tmp_path / "lecture.yaml"
    content.write_text("lecture: {title: Budget}\nsections:\n  - title: S\n    slides:\n      - title: T\n"
                       "        bullets:\n          - \"{{ '%09999d' % 1 }}\"\n")
    result = CliRunner().invoke(main, ["validate", str(content)])
    assert result.exit_code == 2
    assert ("lecture.yaml:7:13: sections[0].slides[0].bullets[0]: text formatting with % is not allowed; "
            "format numbers with pct, fixed, sci or thousands") in result.stderr
