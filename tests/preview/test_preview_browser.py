"""`lecturegen preview` in a real browser: an edit appears on the slide being shown, problems show over
the last good deck and go when fixed, the presenter view follows, and nothing leaves the machine.

Chromium as the other browser tests drive it (tests/browser/conftest.py), with the page's own
Content-Security-Policy in force: waiting uses Playwright's locators, which run no page script.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.browser.page_watch import PageWatch
from tests.conftest import REPO

pytestmark = pytest.mark.browser

WAIT_MS = 60_000  # a refresh takes well under a second; the margin is for a busy test machine


@pytest.fixture
def context(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context
    context.close()


def open_deck(context, preview, slide: int):
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(f"{preview.url}#{slide}")
    page.locator(f"#slide-{slide}.is-current").wait_for(timeout=WAIT_MS)
    return page, watch


def current_title(page) -> str:
    return page.locator(".slide.is-current .slide-title").inner_text()


def edit(preview, old: str, new: str) -> None:
    text = preview.content.read_text()
    assert old in text
    preview.content.write_text(text.replace(old, new, 1))


def test_an_edit_appears_on_the_same_slide_without_a_reload(start_preview, context):
    preview = start_preview()
    page, watch = open_deck(context, preview, 3)
    assert current_title(page) == "Inline markup in nested bullets"
    page.evaluate("window.stillTheSamePage = true")
    edit(preview, "title: Inline markup in nested bullets", "title: Inline markup, edited")
    page.locator("#slide-3.is-current .slide-title", has_text="Inline markup, edited").wait_for(timeout=WAIT_MS)
    assert page.evaluate("location.hash") == "#3"
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in place: the page did not load again
    assert page.locator(".slide.is-current").count() == 1
    # A change to the page around the slides (one slide more: the counter says so) loads it again, same slide.
    count = page.locator(".slide").count()
    edit(preview, "      - title: A quote\n",
         "      - title: One more slide\n        bullets: [new]\n\n      - title: A quote\n")
    page.locator("[data-counter-total]", has_text=str(count + 1)).wait_for(state="attached", timeout=WAIT_MS)
    page.locator("#slide-3.is-current").wait_for(timeout=WAIT_MS)
    assert page.evaluate("location.hash") == "#3"
    assert page.evaluate("window.stillTheSamePage") is None
    assert "updated in" in "\n".join(preview.lines)
    # Nothing left the machine, and the page's policy allowed everything the preview does.
    assert watch.requests and all(url.startswith(preview.origin + "/") for url in watch.requests), watch.requests
    assert watch.errors == []


def test_the_presenter_view_follows(start_preview, context):
    preview = start_preview()
    audience, _ = open_deck(context, preview, 4)
    with context.expect_page() as opened:
        audience.keyboard.press("s")
    presenter = opened.value
    presenter.locator(".pv-current").wait_for(timeout=WAIT_MS)
    edit(preview, "title: A figure drawn by a demo", "title: A figure, edited")
    audience.locator("#slide-4.is-current .slide-title", has_text="A figure, edited").wait_for(timeout=WAIT_MS)
    presenter.locator("#slide-4.is-current .slide-title", has_text="A figure, edited").wait_for(timeout=WAIT_MS)
    assert presenter.evaluate("location.hash") == "#4?presenter"


def validate_lines(content) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(content), "--profile", "quick"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    return result.stderr.strip().splitlines()


def test_a_content_error_shows_over_the_last_good_deck_and_fixing_it_clears_it(start_preview, context):
    preview = start_preview()
    page, watch = open_deck(context, preview, 3)
    good = preview.content.read_text()
    edit(preview, "kind: activations", "kind: activationz")
    expected = validate_lines(preview.content)
    assert any("demos.act.kind" in line for line in expected)
    problems = page.locator("lecturegen-preview .problems")
    problems.wait_for(state="visible", timeout=WAIT_MS)
    shown = problems.locator("pre").inner_text().splitlines()
    assert shown == expected  # the lines `lecturegen validate` prints, located in the file
    assert current_title(page) == "Inline markup in nested bullets"  # the last good deck stays underneath
    assert page.locator("#slide-3.is-current").is_visible()
    terminal = "\n".join(preview.lines)
    assert all(line in terminal for line in expected)
    preview.content.write_text(good)
    problems.wait_for(state="hidden", timeout=WAIT_MS)
    assert page.evaluate("location.hash") == "#3"
    assert watch.errors == []


def test_the_p_key_writes_slides_pptx(start_preview, context):
    preview = start_preview()
    page, _ = open_deck(context, preview, 2)
    page.keyboard.press("p")
    page.locator("lecturegen-preview .status", has_text="wrote slides.pptx").wait_for(timeout=WAIT_MS)
    assert (preview.output / "minimal" / "slides.pptx").stat().st_size > 10_000
    assert page.evaluate("location.hash") == "#2"
