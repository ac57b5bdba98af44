"""A slide with more text than fits even at the smallest type still shows all of it.

PowerPoint continues such a list on "(cont.)" slides; the HTML deck shrinks the
type down to a readable floor and, past it, lets the slide's body scroll on
screen and run onto further pages in print, rather than cutting the rest off.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.deck import Bullet, Bullets, Slide
from generator.render.html import render_slides_html
from generator.render.revealjs import render_revealjs_html, reveal_location
from tests.conftest import REPO
from tests.decks import deck, text

pytestmark = pytest.mark.browser

BULLET_COUNT = 40
REVEAL_PACKAGE = REPO / "tests" / "js" / "node_modules" / "reveal.js"


def long_list_deck():
    items = tuple(
        Bullet(text(f"point {index:02d} of a list far too long for one slide")) for index in range(1, BULLET_COUNT + 1)
    )
    return deck(
        Slide(kind="content", layout="bullets", title=text("Too many points"), blocks=(Bullets(items),)),
        Slide(kind="content", layout="bullets", title=text("After"), blocks=(Bullets((Bullet(text("next")),)),)),
    )


@pytest.fixture
def long_list_file(tmp_path: Path) -> Path:
    path = tmp_path / "slides.html"
    path.write_text(render_slides_html(long_list_deck()), encoding="utf-8")
    return path


def test_the_last_point_can_be_scrolled_into_view(browser, long_list_file: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(long_list_file.as_uri() + "#1")
    page.wait_for_function("document.fonts.status === 'loaded'")
    text_, last_box, slide_box = last_point_after_scrolling(page)
    assert text_ == f"point {BULLET_COUNT} of a list far too long for one slide"
    assert (
        slide_box["y"] <= last_box["y"] and last_box["y"] + last_box["height"] <= slide_box["y"] + slide_box["height"]
    )
    # Scrolling the list must not move to another slide.
    assert page.evaluate("location.hash") == "#1"
    assert errors == []
    context.close()


def test_print_keeps_every_point(browser, long_list_file: Path, tmp_path: Path):
    context = browser.new_context()
    page = context.new_page()
    page.goto(long_list_file.as_uri())
    page.wait_for_function("document.fonts.status === 'loaded'")
    pdf = tmp_path / "slides.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    context.close()
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    points = [line for line in printed.splitlines() if "of a list far too long" in line]
    assert len(points) == BULLET_COUNT
    assert "After" in printed


def last_point_after_scrolling(page) -> tuple[str, dict, dict]:
    """Wheel over the slide; the last point's text, its box and the slide's box."""
    page.mouse.move(640, 400)
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)  # wheel scrolling is animated
    last = page.locator("#slide-1 li").last
    return last.inner_text(), last.bounding_box(), page.locator("#slide-1").bounding_box()


def test_the_last_point_can_be_scrolled_into_view_in_reveal(browser, tmp_path: Path):
    path = tmp_path / "slides.reveal.html"
    root = reveal_location(str(REVEAL_PACKAGE), tmp_path)
    path.write_text(render_revealjs_html(long_list_deck(), reveal_root=root), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    text_, last_box, slide_box = last_point_after_scrolling(page)
    context.close()
    assert text_ == f"point {BULLET_COUNT} of a list far too long for one slide"
    assert (
        slide_box["y"] <= last_box["y"] and last_box["y"] + last_box["height"] <= slide_box["y"] + slide_box["height"]
    )
