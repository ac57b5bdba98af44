"""A template folder that replaces a partial but leaves out one of its macros gets an error saying so."""

from __future__ import annotations

import pytest

from generator.deck import Bullet, Bullets, Slide
from generator.errors import BuildError
from generator.locations import templates_dir
from generator.render.html import render_slides_html
from tests.decks import deck, text


def test_a_partial_without_a_macro_the_slides_call_is_named(tmp_path):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "blocks.html.j2").write_text("{% macro bullets(b) %}{% endmacro %}\n")
    lecture = deck(Slide(kind="content", layout="bullets", title=text("x"), blocks=(Bullets((Bullet(text("y")),)),)))
    with pytest.raises(BuildError) as caught:
        render_slides_html(lecture, (tmp_path,))
    caller = templates_dir() / "html" / "partials" / "slide.html.j2"
    assert caught.value.message.startswith(f"{caller}:")
    assert caught.value.message.endswith(
        ": an imported template has no macro 'block'; a template that replaces a built-in one must define all "
        "of its macros (copy the built-in file and change it)"
    )
