"""Any accent gives readable text: the shades derived for text reach WCAG AA (4.5:1).

The browser audit (tests/browser/test_accessibility.py) checks three hard
accents end to end; this checks the colour arithmetic over the whole cube.
"""

from __future__ import annotations

import itertools
import re

import pytest

from generator.deck import Theme
from generator.render.html import code_css, report_theme_css

PROPERTY = re.compile(r"--([a-z-]+): (#[0-9A-F]{6});")
TOKEN_COLOUR = re.compile(r"(?<![-\w])color: (#[0-9A-Fa-f]{6})\b")
CODE_PAPER = "#F5F7F9"


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def theme(accent: str) -> Theme:
    return Theme(
        accent=accent,
        font="DejaVu Sans",
        font_east_asian="Noto Sans CJK SC",
        font_code="DejaVu Sans Mono",
        aspect="16:9",
    )


def theme_colours(accent: str) -> dict[str, str]:
    return dict(PROPERTY.findall(str(report_theme_css(theme(accent), "en"))))


ACCENTS = ["#" + "".join(rgb) for rgb in itertools.product(("00", "33", "66", "99", "CC", "FF"), repeat=3)]


@pytest.mark.parametrize("accent", ACCENTS)
def test_text_shades_of_every_accent_read_at_4_5(accent):
    colours = theme_colours(accent)
    assert colours["accent"] == accent
    assert contrast(colours["accent-ink"], "#FFFFFF") >= 4.5
    assert contrast(colours["accent-ink"], colours["accent-tint"]) >= 4.5
    assert contrast(colours["on-accent"], colours["accent-fill"]) >= 4.5


def test_a_fill_that_already_reads_is_the_accent_itself():
    colours = theme_colours("#0072B2")
    assert colours["accent-fill"] == "#0072B2"
    assert colours["on-accent"] == "#FFFFFF"


def test_mid_tone_accent_gets_a_darker_fill_of_the_same_hue():
    colours = theme_colours("#D55E00")  # too light for white text, too dark for black
    fill = colours["accent-fill"]
    assert fill != "#D55E00"
    assert colours["on-accent"] == "#FFFFFF"
    red, green, blue = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    assert red > green > blue == 0 and red < 0xD5


def test_every_code_colour_reads_on_the_code_paper():
    css = str(code_css())
    assert f"--code-paper: {CODE_PAPER};" in str(report_theme_css(theme("#0072B2"), "en"))
    colours = TOKEN_COLOUR.findall(css)
    assert len(colours) > 20
    for colour in colours:
        assert contrast(colour, CODE_PAPER) >= 4.5, colour
