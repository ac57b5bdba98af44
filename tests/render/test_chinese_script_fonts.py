"""A Chinese lecture's HTML falls back to fonts with its own script's forms of the Han characters.

Traditional Chinese is tagged by script (zh-Hant) as often as by region (zh-TW, zh-HK, zh-MO);
either way it must not get the Simplified fonts, whose forms differ.
"""

from __future__ import annotations

import re

import pytest

from generator.deck import Bullet, Bullets, Slide
from generator.render.html import render_slides_html
from tests.decks import deck, text

# One font only each variant's fallback list names.
VARIANT_FONTS = {"Simplified": "PingFang SC", "Traditional": "PingFang TC", "Hong Kong": "PingFang HK"}


def body_fonts(language: str) -> str:
    slide = Slide(kind="content", layout="bullets", title=text("x"), blocks=(Bullets((Bullet(text("y")),)),))
    return re.search(r"--font-body: ([^;]*);", render_slides_html(deck(slide, language=language))).group(1)


@pytest.mark.parametrize(
    ("language", "variant"),
    [
        ("zh", "Simplified"),
        ("zh-CN", "Simplified"),
        ("zh-Hans-TW", "Simplified"),
        ("zh-TW", "Traditional"),
        ("zh-Hant", "Traditional"),
        ("zh-Hant-TW", "Traditional"),
        ("zh-HK", "Hong Kong"),
        ("zh-Hant-HK", "Hong Kong"),
        ("zh-MO", "Hong Kong"),
    ],
)
def test_the_fallback_fonts_follow_the_script_and_region(language, variant):
    fonts = body_fonts(language)
    assert [name for name, font in VARIANT_FONTS.items() if f'"{font}"' in fonts] == [variant]
