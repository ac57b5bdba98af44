"""Inline markup goes through markdown-it-py into styled runs."""

from __future__ import annotations

import pytest

from generator.content.markup import MarkupError, parse_inline
from generator.deck import Run


def test_styles_become_runs():
    runs = parse_inline("plain **bold *both*** `code` $x^2$ [link](https://example.org)")
    assert runs == (
        Run("plain "),
        Run("bold ", bold=True),
        Run("both", bold=True, italic=True),
        Run(" "),
        Run("code", code=True),
        Run(" "),
        Run("x^2", math=True),
        Run(" "),
        Run("link", href="https://example.org"),
    )


def test_markup_that_is_not_inline_stays_text():
    assert parse_inline("# not a heading") == (Run("# not a heading"),)
    assert parse_inline("<b>html</b> stays text") == (Run("<b>html</b> stays text"),)
    assert parse_inline("costs $5 and $6") == (Run("costs $5 and $6"),)


@pytest.mark.parametrize("target", ["javascript:alert(1)", "data:text/html,<script>x</script>", "file:///etc/passwd", "vbscript:x"])
def test_dangerous_links_are_errors(target):
    with pytest.raises(MarkupError, match="is not allowed; use an http, https or mailto address"):
        parse_inline(f"[click]({target})")
