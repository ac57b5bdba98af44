"""slides.html on a phone: a reading view, every slide one under the other at the window's width.

A 1280x720 slide scaled into a 375 px wide window is 375x211, with body text at 8 px. On small and
portrait screens slides.css lays the slides out as a page instead (its reading view); the slideshow
stays for larger windows. These drive Debian's Chromium through Playwright (see conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.deck import Deck, plain_text
from tests.browser.conftest import visible_slide_ids

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path("/tmp/phone-look")

PHONE = (375, 812)
PHONE_ON_ITS_SIDE = (812, 375)

# Nothing a reader must read is smaller than this.
SMALLEST_TEXT_PX = 14

# The font size of every element that holds text of its own and is shown; figures' drawings aside
# (their words are drawn at the figure's size and scale with it).
TEXT_SIZES = """() => {
  const sizes = [];
  for (const el of document.querySelectorAll('.slide *')) {
    if (el.closest('svg, .notes, .visually-hidden, math')) continue;
    const own = Array.from(el.childNodes).some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    sizes.push([parseFloat(getComputedStyle(el).fontSize), el.tagName + '.' + el.className + ': '
      + el.textContent.trim().slice(0, 40)]);
  }
  return sizes;
}"""


@pytest.fixture
def phone_deck(open_deck):
    """open_deck (tests/browser/conftest.py) on a touch screen, sized by a (width, height) pair."""
    return lambda size, hash_="": open_deck(*size, hash_=hash_, touch=True)


@pytest.mark.parametrize("size", [PHONE, PHONE_ON_ITS_SIDE], ids=["portrait", "landscape"])
def test_a_phone_reads_every_slide_one_under_the_other(phone_deck, deck: Deck, size: tuple[int, int]):
    width, height = size
    page, watch = phone_deck(size)
    assert visible_slide_ids(page) == [f"slide-{n}" for n in range(1, len(deck.slides) + 1)]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"

    too_small = [(size_px, what) for size_px, what in page.evaluate(TEXT_SIZES) if size_px < SMALLEST_TEXT_PX]
    assert not too_small, too_small
    body_size = page.eval_on_selector(".kind-content .block-bullets li",
                                      "li => parseFloat(getComputedStyle(li).fontSize)")
    assert body_size >= 16

    # The slides follow each other down the page at the window's width, not scaled down.
    boxes = page.eval_on_selector_all(".slide", "ss => ss.map(s => s.getBoundingClientRect().toJSON())")
    for above, below in zip(boxes, boxes[1:]):
        assert below["top"] >= above["bottom"] - 1
    assert all(box["width"] == pytest.approx(width, abs=1) for box in boxes)

    # Each slide's title is on screen, whole and uncovered, when its slide is scrolled to.
    for number, slide in enumerate(deck.slides, start=1):
        page.locator(f"#slide-{number}").scroll_into_view_if_needed()
        page.eval_on_selector(f"#slide-{number}", "s => s.scrollIntoView({block: 'start'})")
        title = page.locator(f"#slide-{number} :is(.slide-title, .deck-title)")
        box = title.bounding_box()
        assert box is not None and box["height"] > 0
        assert 0 <= box["y"] and box["y"] + box["height"] <= height, (number, box)
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, (number, box)
        on_top = title.evaluate(
            "t => { const r = t.getBoundingClientRect();"
            " const hit = document.elementFromPoint(r.left + 4, r.top + r.height / 2);"
            " return t.contains(hit); }"
        )
        assert on_top, f"slide {number}'s title is covered"
        assert plain_text(slide.title) in title.inner_text().replace("\n", " ")

    # Figures (drawn ones and pictures) scale to the width: inside the window and filling most of it
    # or, on a phone on its side, most of its height.
    figures = page.eval_on_selector_all(".figure-media", "ms => ms.map(m => m.getBoundingClientRect().toJSON())")
    assert figures
    for box in figures:
        assert box["left"] >= 0 and box["right"] <= width + 0.5, box
        assert box["width"] >= 0.8 * (width - 40) or box["height"] >= 0.6 * height, box
        assert box["height"] <= height, box
    assert watch.errors == []
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"deck-{width}x{height}.png"), full_page=True)


def test_a_desktop_window_still_shows_one_slide_at_a_time(phone_deck):
    page, _ = phone_deck((1280, 720))
    assert visible_slide_ids(page) == ["slide-1"]
    assert page.evaluate("document.documentElement.scrollHeight") <= 720
    page.keyboard.press("ArrowRight")
    assert visible_slide_ids(page) == ["slide-2"]
    assert page.inner_text("[data-counter-current]") == "2"


def test_on_a_phone_the_keys_scroll_the_page_and_a_tap_changes_nothing(phone_deck, deck: Deck):
    page, _ = phone_deck(PHONE)
    page.keyboard.press("PageDown")
    page.wait_for_function("() => window.scrollY > 0")
    before = -1
    while page.evaluate("window.scrollY") != before:  # PageDown scrolls smoothly; wait until it stops
        before = page.evaluate("window.scrollY")
        page.wait_for_timeout(150)
    page.mouse.click(PHONE[0] * 0.8, PHONE[1] / 2)  # in the slideshow: "next slide"
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == before
    assert len(visible_slide_ids(page)) == len(deck.slides)


def test_a_link_to_a_slide_opens_the_reading_view_there(phone_deck):
    page, _ = phone_deck(PHONE, "#6")
    top = page.eval_on_selector("#slide-6", "s => s.getBoundingClientRect().top")
    assert top == pytest.approx(0, abs=2)


def test_turning_the_phone_to_a_large_screen_keeps_the_place(phone_deck):
    """A reader who scrolled to a slide and then widens the window is shown that slide, and back."""
    page, _ = phone_deck(PHONE)
    page.eval_on_selector("#slide-5", "s => s.scrollIntoView({block: 'start'})")
    page.wait_for_function("() => location.hash === '#5'")  # the hash follows the reader
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function("() => getComputedStyle(document.querySelector('#slide-1')).visibility === 'hidden'")
    assert visible_slide_ids(page) == ["slide-5"]
    assert page.evaluate("location.hash") == "#5"
    page.keyboard.press("ArrowRight")
    assert visible_slide_ids(page) == ["slide-6"]
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.wait_for_function("() => Math.abs(document.querySelector('#slide-6').getBoundingClientRect().top) < 2")


def test_the_presenter_view_keeps_its_layout_in_a_small_window(phone_deck, deck: Deck):
    page, watch = phone_deck(PHONE_ON_ITS_SIDE, "#2?presenter")
    assert page.locator(".presenter-panel").is_visible()
    # The current and the next slide are placed on the presenter's boxes, the others hidden.
    assert visible_slide_ids(page) == ["slide-2", "slide-3"]
    current = page.eval_on_selector("#slide-2", "s => s.getBoundingClientRect().toJSON()")
    assert current["width"] < PHONE_ON_ITS_SIDE[0] * 0.7
    assert page.evaluate("document.documentElement.scrollHeight") <= PHONE_ON_ITS_SIDE[1]
    assert watch.errors == []


def test_a_phone_sized_window_keeps_the_slideshows_fit_for_printing(phone_deck, deck: Deck):
    """slides.pdf is printed from a headless window small enough for the reading view (780x437): the slides
    must still be shrunk to fit as the slideshow shrinks them, or print would cut text off."""
    fits = "() => Array.from(document.querySelectorAll('.slide-body')).map(b => b.style.getPropertyValue('--fit'))"
    desktop, _ = phone_deck((1280, 720))
    expected = desktop.evaluate(fits)
    assert any(expected), "the deck should have a slide that needs shrinking"
    phone, _ = phone_deck((780, 437))
    assert phone.evaluate(fits) == expected
    phone.emulate_media(media="print")
    assert len(visible_slide_ids(phone)) == len(deck.slides)
    assert phone.evaluate("document.querySelectorAll('.slide.is-overflowing').length") == 0
