"""Every kind of content has a limit, and content past it is a located error from `validate`, found fast.

Within the limits a build takes seconds (bench/content_scale.py prints how it grows).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

HEAD = "lecture: {title: Limits}\nsections:\n  - title: S\n    slides:\n      - title: Big\n"
CASES = {
    "bullets": (HEAD + "        bullets:\n" + "          - point\n" * 501,
                "6:9: sections[0].slides[0].bullets: the slide has 501 bullets; a slide may have at most 500 "
                "(they continue on further slides): split it into several"),
    "nested bullets": (HEAD + "        bullets:\n          - text: top\n            bullets:\n" + "              - sub\n" * 500,
                       "the slide has 501 bullets; a slide may have at most 500"),
    "a long bullet": (HEAD + "        bullets:\n          - " + "x" * 5001 + "\n",
                      "7:13: sections[0].slides[0].bullets[0]: the text is 5,001 characters long; it may be at most "
                      "5,000: shorten it or split it"),
    "table rows": (HEAD + "        table:\n          columns: [a]\n          rows:\n" + "            - [x]\n" * 101,
                   "8:11: sections[0].slides[0].table.rows: the table has 101 rows; a slide's table may have at most "
                   "100: split it, or show the data as a figure"),
    "table columns": (HEAD + "        table:\n          columns: [" + ", ".join(["a"] * 21) + "]\n          rows: []\n",
                      "7:11: sections[0].slides[0].table.columns: the table has 21 columns; a slide's table may have "
                      "at most 20"),
    "code lines": (HEAD + "        code: |\n" + "          x = 1\n" * 2001,
                   "6:9: sections[0].slides[0].code: the code has 2,001 lines; a slide may show at most 2,000: "
                   "show the part the slide is about"),
    "slides": ("lecture: {title: Limits}\nsections:\n  - title: S\n    slides:\n"
               + "      - {title: T, bullets: [x]}\n" * 1001,
               "2:1: sections: the lecture has 1,001 slides; a lecture may have at most 1,000: split it into several "
               "lectures"),
    "notes": (HEAD + "        bullets: [x]\n        notes: " + "y" * 50_001 + "\n",
              "the text is 50,001 characters long; it may be at most 50,000"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_content_past_a_limit_is_a_located_error(tmp_path: Path, case):
    text, message = CASES[case]
    path = tmp_path / "lecture.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_content_at_the_limits_is_accepted(tmp_path: Path):
    path = tmp_path / "lecture.yaml"
    path.write_text(HEAD + "        bullets:\n" + "          - point\n" * 500 + "        notes: " + "y" * 50_000 + "\n"
                    + "      - title: Table\n        table:\n          columns: [" + ", ".join(["a"] * 20) + "]\n"
                    + "          rows:\n" + ("            - [" + ", ".join(["x"] * 20) + "]\n") * 100
                    + "      - title: Code\n        code: |\n" + "          x = 1\n" * 2000)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
