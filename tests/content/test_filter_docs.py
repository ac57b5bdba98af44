"""Every filter text may use is documented with its arguments, in `lecturegen schema` and in the README,
from the one source: the filter functions' own signatures and docstrings."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from generator.cli import main
from generator.content.expressions import _environment, filter_docs, render_text
from tests.conftest import REPO

BEGIN = ("<!-- filters: from the filters' own signatures and docstrings (generator/content/expressions.py); "
         "tests/content/test_filter_docs.py keeps this in step -->")
END = "<!-- /filters -->"
JINJA_FILTERS = "https://jinja.palletsprojects.com/en/stable/templates/#builtin-filters"


def readme_block() -> str:
    """The README's table of filters, as the filters describe themselves."""
    docs = filter_docs()
    rows = [f"| `{doc.usage}` | {doc.description.replace('|', '&#124;')} |" for doc in docs if doc.own]
    jinja = ", ".join(f"`{doc.usage}`" + "".join(f" (or `{alias}`)" for alias in doc.aliases)
                      for doc in docs if not doc.own)
    return "\n".join([
        BEGIN,
        "| filter | what it does |",
        "|---|---|",
        *rows,
        "",
        f"and Jinja's own, with [Jinja's arguments]({JINJA_FILTERS}): {jinja}.",
        END,
    ])


def test_the_readme_lists_every_filter_with_its_arguments():
    readme = (REPO / "README.md").read_text()
    found = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), readme, re.S)
    assert found, "README.md has no table of filters"
    assert found.group(0) == readme_block(), f"replace the README's table of filters with:\n{readme_block()}"


def test_the_schema_lists_every_filter_with_its_arguments():
    listed = json.loads(CliRunner().invoke(main, ["schema"]).output)["x-lecturegen-filters"]
    named = set(listed) | {alias for doc in listed.values() for alias in doc["aliases"]}
    assert named == set(_environment().filters)  # every filter text may use, and no other
    assert listed["pct"]["usage"] == "pct(digits=0)"
    assert "`pct(1)` → 25.0%" in listed["pct"]["description"]
    assert listed["count"]["usage"] == "count(noun, plural=None)"
    assert listed["round"]["usage"] == "round(precision=0, method='common')"


def test_the_documented_examples_are_what_the_filters_print():
    # Each of lecturegen's own filters shows what it prints; those examples are right.
    results = {"r": {"quarter": 0.25, "pi": 3.14159, "small": 9.5e-7, "params": 6090, "seeds": 3, "one": 1}}
    assert render_text("{{ results.r.quarter | pct }}, {{ results.r.quarter | pct(1) }}", results) == "25%, 25.0%"
    assert render_text("{{ results.r.pi | fixed }}, {{ results.r.pi | fixed(0) }}", results) == "3.14, 3"
    assert render_text("{{ results.r.small | sci }}, {{ results.r.quarter | sci }}", results) == "9.5 × 10⁻⁷, 0.25"
    assert render_text("{{ results.r.params | thousands }}", results) == "6,090"
    assert render_text("{{ results.r.seeds | count('seed') }}, {{ results.r.one | count('seed') }}", results) == \
        "3 seeds, 1 seed"
    descriptions = {doc.name: doc.description for doc in filter_docs()}
    examples = ("0.25 → 25%", "`pct(1)` → 25.0%", "3.14159 → 3.14", "`fixed(0)` → 3", "9.5e-7 → 9.5 × 10⁻⁷",
                "0.25 → 0.25", "6090 → 6,090", "3 → 3 seeds", "1 → 1 seed")
    for example in examples:
        assert any(example in text for text in descriptions.values()), example
