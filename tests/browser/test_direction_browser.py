"""A lecture in a right-to-left language reads right to left; its code still reads left to right.

The page's direction comes from the lecture's language: Arabic text starts at the
slide's right edge, lists hang their bullets there, and a code block stays
left-to-right, as code is written whatever the lecture's language.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.deck import Bullet, Bullets, Code, Quote, Slide
from generator.render.html import render_report_html, render_slides_html
from tests.decks import deck, text

pytestmark = pytest.mark.browser

ARABIC_POINT = "الشبكة العصبية هي دالة من طبقات"


def lecture(language: str):
    return deck(
        Slide(
            kind="content",
            layout="bullets",
            title=text("ما هي الشبكة العصبية؟"),
            blocks=(Bullets((Bullet(text(ARABIC_POINT)),)),),
        ),
        Slide(
            kind="content",
            layout="code",
            title=text("شيفرة"),
            blocks=(Code(source="x = torch.ones(3)\n", language="python"),),
        ),
        Slide(
            kind="content",
            layout="quote",
            title=text("اقتباس"),
            blocks=(Quote(text=text("التدرج يتلاشى"), attribution=text("المحاضر")),),
        ),
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "direction"),
    [("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("en", "ltr"), ("zh", "ltr"), ("", "ltr")],
)
def test_the_page_direction_follows_the_language(language, direction):
    for page in (render_slides_html(lecture(language)), render_report_html(lecture(language))):
        attribute = ' dir="rtl"' if direction == "rtl" else ""  # left to right is HTML's default
        assert f'<html lang="{language or "en"}"{attribute}>' in page


def test_arabic_slides_start_at_the_right_and_code_at_the_left(browser, tmp_path: Path):
    path = tmp_path / "slides.html"
    path.write_text(render_slides_html(lecture("ar")), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(path.as_uri() + "#1")
    page.wait_for_function("document.fonts.status === 'loaded'")
    slide = page.locator("#slide-1").bounding_box()
    title = page.locator("#slide-1 h2").evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().toJSON(); }"
    )
    point = page.locator("#slide-1 li").bounding_box()
    marker = page.locator("#slide-1 li").evaluate("e => getComputedStyle(e.parentElement).paddingInlineStart")
    # Text ends at the right margin: the slide's right edge less its padding (72 px).
    assert abs(slide["x"] + slide["width"] - 72 - (title["x"] + title["width"])) < 2
    assert abs(slide["x"] + slide["width"] - 72 - (point["x"] + point["width"])) < 40 + float(marker.rstrip("px"))
    page.goto(path.as_uri() + "#2")
    code = page.locator("#slide-2 pre").evaluate("e => [getComputedStyle(e).direction, e.getBoundingClientRect().x]")
    assert code[0] == "ltr"
    quote = page.locator("#slide-3 .block-quote").evaluate(
        "e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]"
    )
    assert quote[0] != "0px" and quote[1] == "0px"  # the accent rule stands at the start of the lines: the right
    # "1 / 3" is a count, not Arabic text: it must not read "3 / 1".
    digits = page.locator(".counter").evaluate(
        """e => [...e.querySelectorAll('span:not(.visually-hidden)')].map(s => s.getBoundingClientRect().x)"""
    )
    assert digits == sorted(digits)
    context.close()


def test_the_english_appendix_of_an_arabic_report_reads_left_to_right(browser, tmp_path: Path):
    path = tmp_path / "report.html"
    path.write_text(render_report_html(lecture("ar")), encoding="utf-8")
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    page.goto(path.as_uri())
    appendix = page.locator("section.appendix").evaluate("e => [e.lang, getComputedStyle(e).direction]")
    context.close()
    assert appendix == ["en", "ltr"]
