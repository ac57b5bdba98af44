"""The slide deck's own words (the presenter view, the overview, the figure labels) in the lecture's language,
as Chromium shows them. Marked ``browser``, like the other tests here (see conftest.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from generator.interface_words import LabelOverrides, interface_words
from generator.render.html import render_slides_html
from tests.decks import every_layout_deck

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path("/tmp/interface-words-look")


def deck_in(language: str, **labels: str):
    deck = every_layout_deck()
    words = interface_words(language, LabelOverrides.model_validate(labels))
    return replace(deck, meta=replace(deck.meta, language=language, labels=words))


def deck_page(browser, tmp_path: Path, html: str, fragment: str):
    path = tmp_path / "slides.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(path.as_uri() + fragment)
    page.wait_for_function("document.fonts.status === 'loaded'")
    return context, page, errors


def presenter_words(page) -> dict[str, str]:
    return {
        "labels": page.locator(".pv-label").all_text_contents(),  # as written: CSS shows them in capitals
        "reset": page.inner_text(".pv-reset"),
        "clock": page.get_attribute(".pv-clock", "aria-label"),
        "side": page.get_attribute(".pv-side", "aria-label"),
        "notes": page.get_attribute(".pv-notes", "aria-label"),
        "position": page.inner_text(".pv-position"),
        "title": page.title(),
    }


def test_the_german_presenter_view_speaks_german(browser, tmp_path):
    deck = deck_in("de")
    context, page, errors = deck_page(browser, tmp_path, render_slides_html(deck), "#3?presenter")
    page.wait_for_function("/^#3\\?presenter$/.test(location.hash)")
    assert presenter_words(page) == {
        "labels": ["Nächste Folie", "Notizen"],
        "reset": "Zurücksetzen",
        "clock": "Verstrichene Zeit",
        "side": "Nächste Folie und Notizen",
        "notes": "Notizen des Vortragenden",
        "position": f"Folie 3 / {len(deck.slides)}",
        "title": f"Referentenansicht: {deck.meta.title}",
    }
    page.keyboard.press("ArrowLeft")  # slide 2, a section divider without notes
    assert page.inner_text(".pv-notes") == "Keine Notizen zu dieser Folie."
    page.keyboard.press("End")
    assert page.locator(".pv-end").inner_text() == "Ende der Präsentation"
    assert page.locator(".pv-end").is_visible()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "presenter-de.png"))
    assert errors == []
    context.close()


def test_the_chinese_deck_labels_its_figures_and_overview_in_chinese(browser, tmp_path):
    deck = deck_in("zh-CN")
    context, page, errors = deck_page(browser, tmp_path, render_slides_html(deck), "")
    captions = page.locator("figcaption:has(.figure-label)").all_text_contents()
    assert captions and all(re.match(r"图 \d+(\u3000|$)", caption) for caption in captions)
    assert page.inner_text(".counter .visually-hidden") == "幻灯片"  # the trailing space is collapsed
    assert page.get_attribute("#slide-1", "aria-roledescription") == "幻灯片"
    page.keyboard.press("o")
    assert page.get_attribute(".overview", "aria-label") == "全部幻灯片"
    assert page.get_attribute(".overview .thumb >> nth=0", "aria-label").startswith("幻灯片 1: ")
    page.keyboard.press("Escape")
    figure_slide = next(slide.number for slide in deck.slides if slide.layout == "figure_bullets")
    page.evaluate(f"location.hash = '#{figure_slide}'")
    page.wait_for_function(f"location.hash === '#{figure_slide}'")
    # what the audience sees under the figure, as laid out
    shown = page.inner_text(".slide.is-current figcaption")
    assert re.fullmatch(r"图 \d+\u3000\S.*", shown), shown
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "figure-zh.png"))
    assert errors == []
    context.close()


def test_labels_from_the_content_reach_the_presenter_view(browser, tmp_path):
    deck = deck_in("de", next="Gleich danach", presenter_title="Vortrag – {title}")
    context, page, errors = deck_page(browser, tmp_path, render_slides_html(deck), "#1?presenter")
    words = presenter_words(page)
    assert words["labels"] == ["Gleich danach", "Notizen"]
    assert words["title"] == f"Vortrag – {deck.meta.title}"
    assert errors == []
    context.close()


def test_a_page_without_the_words_keeps_the_english_ones(browser, tmp_path):
    # A slides.html.j2 copied from an older version has no data-words: the script falls back to English.
    html = re.sub(r' data-words="[^"]*"', "", render_slides_html(deck_in("de")), count=1)
    assert ' data-words="' not in html
    context, page, errors = deck_page(browser, tmp_path, html, "#1?presenter")
    words = presenter_words(page)
    assert words["labels"] == ["Next", "Notes"]
    assert words["reset"] == "Reset"
    assert words["title"].startswith("Presenter: ")
    assert errors == []
    context.close()
