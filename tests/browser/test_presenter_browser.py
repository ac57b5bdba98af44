"""The overview grid, click and swipe navigation and the presenter view in a real browser.

Like test_slides_browser.py these drive Debian's Chromium through Playwright
(see conftest.py) and are marked ``browser``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.deck import Deck, plain_text
from tests.browser.page_watch import PageWatch

pytestmark = pytest.mark.browser

# Screenshots of the presenter window and the overview grid land here for a person to look at.
SCREENSHOT_DIR = Path("/tmp/presenter-look")


def foreign_requests(watch: PageWatch, deck_file: Path) -> list[str]:
    """Requests for anything but the deck file itself (hash and query aside)."""
    return [url for url in watch.requests if re.split(r"[?#]", url)[0] != deck_file.as_uri()]


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion="reduce", has_touch=True)
    yield context
    context.close()


@pytest.fixture
def audience(context, deck_file: Path):
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(deck_file.as_uri())
    page.wait_for_function("document.fonts.status === 'loaded'")
    return page, watch


def current_number(page) -> int:
    return int(page.eval_on_selector(".slide.is-current", "s => s.id").split("-")[1])


def wait_for_hash(page, number: int) -> None:
    page.wait_for_function(f"/^#{number}(\\?presenter)?$/.test(location.hash)", timeout=3000)


def test_overview_shows_every_slide_and_a_thumbnail_click_goes_there(audience, deck: Deck):
    page, watch = audience
    page.keyboard.press("o")
    grid = page.locator(".overview")
    assert grid.is_visible()
    thumbs = page.locator(".overview .thumb")
    assert thumbs.count() == len(deck.slides)
    # every slide is visible, each one placed on its own thumbnail
    for number in range(1, len(deck.slides) + 1):
        slide_box = page.locator(f"#slide-{number}").bounding_box()
        thumb_box = thumbs.nth(number - 1).bounding_box()
        assert page.locator(f"#slide-{number}").is_visible()
        assert slide_box["width"] == pytest.approx(thumb_box["width"], abs=1.5)
        assert slide_box["x"] == pytest.approx(thumb_box["x"], abs=1.5)
        assert slide_box["y"] == pytest.approx(thumb_box["y"], abs=1.5)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "overview.png"))
    thumbs.nth(2).click()
    assert not grid.is_visible()
    assert current_number(page) == 3
    assert page.evaluate("location.hash") == "#3"
    assert page.locator("#slide-3").bounding_box()["width"] == pytest.approx(1280, abs=1.5)
    assert page.locator("#slide-2").is_hidden()
    assert watch.errors == []


def test_overview_closes_with_escape_and_enter_opens_the_focused_slide(audience):
    page, _ = audience
    page.keyboard.press("o")
    assert page.locator(".overview").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator(".overview").is_visible()
    assert current_number(page) == 1
    page.keyboard.press("O")
    page.locator(".overview .thumb").nth(4).focus()
    page.keyboard.press("Enter")
    assert not page.locator(".overview").is_visible()
    assert page.evaluate("location.hash") == "#5"


def test_click_on_the_right_goes_on_and_on_the_left_back(audience):
    page, _ = audience
    page.evaluate("location.hash = '#3'")
    wait_for_hash(page, 3)
    page.mouse.click(1280 * 0.4, 650)  # right two thirds, though left of the middle
    assert page.evaluate("location.hash") == "#4"
    page.mouse.click(1280 * 0.25, 650)  # left third
    assert page.evaluate("location.hash") == "#3"
    page.touchscreen.tap(1000, 650)
    assert page.evaluate("location.hash") == "#4"


def test_click_on_a_link_does_not_change_the_slide(audience):
    page, _ = audience
    page.evaluate("location.hash = '#3'")
    wait_for_hash(page, 3)
    link = page.locator("#slide-3 a").first
    # keep the browser from following the link (it would be a network request)
    link.evaluate("a => a.addEventListener('click', e => e.preventDefault())")
    link.click()
    assert page.evaluate("location.hash") == "#3"


def swipe(page, from_x: int, to_x: int, y: int = 400) -> None:
    page.evaluate(
        """([fromX, toX, y]) => {
            const target = document.querySelector('.slide.is-current');
            const touch = x => new Touch({identifier: 1, target, clientX: x, clientY: y});
            target.dispatchEvent(new TouchEvent('touchstart', {touches: [touch(fromX)], changedTouches: [touch(fromX)], bubbles: true}));
            target.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: [touch(toX)], bubbles: true}));
        }""",
        [from_x, to_x, y],
    )


def test_horizontal_swipes_navigate(audience):
    page, _ = audience
    swipe(page, 900, 300)
    assert page.evaluate("location.hash") == "#2"
    swipe(page, 900, 600)
    assert page.evaluate("location.hash") == "#3"
    swipe(page, 300, 900)
    assert page.evaluate("location.hash") == "#2"
    swipe(page, 300, 330)  # too short: nothing
    assert page.evaluate("location.hash") == "#2"


def test_presenter_view_shows_notes_next_slide_and_clock_and_stays_in_step(audience, context, deck: Deck, deck_file: Path):
    page, watch = audience
    page.evaluate("location.hash = '#3'")
    wait_for_hash(page, 3)
    with context.expect_page() as popup:
        page.keyboard.press("s")
    presenter = popup.value
    presenter_watch = PageWatch(presenter)
    presenter.wait_for_load_state()
    presenter.wait_for_function("document.fonts.status === 'loaded'")
    assert "presenter" in presenter.url
    wait_for_hash(presenter, 3)

    notes = presenter.locator(".pv-notes")
    assert "chain rule" in notes.inner_text()
    assert "Second paragraph of notes." in notes.inner_text()
    next_slide = presenter.locator(".slide.is-next")
    assert next_slide.is_visible()
    assert plain_text(deck.slides[3].title) in next_slide.inner_text()
    assert presenter.locator("#slide-3").is_visible()
    assert re.fullmatch(r"\d\d:\d\d", presenter.inner_text(".pv-clock"))
    presenter.click(".pv-reset")
    assert presenter.inner_text(".pv-clock") == "00:00"

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    presenter.screenshot(path=str(SCREENSHOT_DIR / "presenter.png"))

    # presenter -> audience
    presenter.keyboard.press("ArrowRight")
    wait_for_hash(presenter, 4)
    wait_for_hash(page, 4)
    assert current_number(page) == 4
    # audience -> presenter
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_for_hash(presenter, 6)
    assert current_number(presenter) == 6
    assert "No notes" in presenter.inner_text(".pv-notes")
    page.keyboard.press("End")
    wait_for_hash(presenter, len(deck.slides))
    assert "Questions?" in presenter.inner_text(".pv-notes")
    assert presenter.locator(".pv-end").is_visible()

    assert watch.errors == [] and presenter_watch.errors == []
    assert foreign_requests(watch, deck_file) == []
    assert foreign_requests(presenter_watch, deck_file) == []


def test_blocked_popup_shows_a_message(audience):
    page, watch = audience
    page.evaluate("window.open = () => null")
    page.keyboard.press("s")
    message = page.locator(".deck-message")
    assert message.is_visible()
    assert "presenter view" in message.inner_text()
    assert watch.errors == []


def test_reduced_motion_means_no_transitions(audience):
    page, _ = audience
    page.keyboard.press("o")
    durations = page.eval_on_selector_all(".slide", "slides => slides.map(s => getComputedStyle(s).transitionDuration)")
    assert set(durations) == {"0s"}
