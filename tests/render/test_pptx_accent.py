"""White text on the accent stays readable whatever `theme.accent` is: section slides and table headers.

A light accent is darkened for these fills just enough for white text to reach 4.5:1 (WCAG AA);
the section background does it with lumMod on the theme's accent, which LibreOffice honours, so
the check reads the colour off the page LibreOffice prints.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from generator.deck import Deck, Slide, Table
from generator.render.pptx import render_pptx
from generator.render.contrast import accent_fill, darkened
from tests.decks import meta, text, theme
from tests.office import page_images, pptx_to_pdf


def luminance(red: int, green: int, blue: int) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_with_white(rgb: tuple[int, int, int]) -> float:
    return 1.05 / (luminance(*rgb) + 0.05)


def deck_with_accent(accent: str) -> Deck:
    section = Slide(kind="section", layout="section", title=text("Part one"))
    table = Table(header=(text("Name"), text("Value")), rows=((text("a"), text("1")),))
    content = Slide(kind="content", layout="table", title=text("Numbers"), blocks=(table,))
    slides = tuple(replace(slide, number=n) for n, slide in enumerate((section, content), start=1))
    return Deck(meta=meta(), theme=theme(accent=accent), slides=slides)


def header_fill(data: bytes, tmp_path) -> tuple[int, int, int]:
    path = tmp_path / "deck.pptx"
    path.write_bytes(data)
    slide = Presentation(str(path)).slides[1]
    table = next(shape for shape in slide.shapes if shape.has_table).table
    return tuple(table.cell(0, 0).fill.fore_color.rgb)


@pytest.mark.parametrize("accent", ["#FFFF00", "#FFFFFF", "#009E73", "#E69F00", "#56B4E9", "#0072B2", "#000000"])
def test_table_headers_fill_reads_with_white_text(accent, tmp_path):
    assert contrast_with_white(header_fill(render_pptx(deck_with_accent(accent)), tmp_path)) >= 4.5


def test_a_dark_accent_is_used_as_it_is():
    assert accent_fill("#0072B2") == "#0072B2"
    assert accent_fill("#000000") == "#000000"


def test_a_light_accent_keeps_its_hue_when_darkened():
    assert accent_fill("#FFFF00") == "#737300"


def test_libreoffice_prints_the_section_slide_of_a_yellow_accent_dark_enough_for_white_text(tmp_path):
    path = tmp_path / "yellow.pptx"
    path.write_bytes(render_pptx(deck_with_accent("#FFFF00")))
    section = page_images(pptx_to_pdf(path, tmp_path), tmp_path)[0]
    background = section.getpixel((section.width * 3 // 4, section.height // 4))
    assert contrast_with_white(background) >= 4.5
    assert background[0] > background[2] + 60  # still a yellow, only darker


def test_libreoffice_shows_the_title_rule_of_a_white_accent_on_a_white_slide(tmp_path):
    path = tmp_path / "white.pptx"
    path.write_bytes(render_pptx(deck_with_accent("#FFFFFF")))
    content = page_images(pptx_to_pdf(path, tmp_path), tmp_path)[1]
    width, height = content.size
    # The short rule under the title: somewhere on the title's left, below it.
    rule = [content.getpixel((x, y)) for x in range(width // 20, width // 8) for y in range(height // 6, height // 4)]
    assert any(contrast_with_white(pixel) >= 3 for pixel in rule)


def test_bullet_marks_of_a_yellow_accent_are_darkened_only_as_far_as_marks_need():
    master = Presentation(io.BytesIO(render_pptx(deck_with_accent("#FFFF00")))).slide_master._element
    path = "/".join(qn(tag) for tag in ("p:txStyles", "p:bodyStyle", "a:lvl1pPr", "a:buClr", "a:schemeClr", "a:lumMod"))
    (lum_mod,) = master.findall(path)
    mark = darkened("#FFFF00", int(lum_mod.get("val")))
    assert 3 <= contrast_with_white(tuple(int(mark[i : i + 2], 16) for i in (1, 3, 5))) < 4.5
