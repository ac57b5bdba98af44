"""A real Chromium for the slide deck tests, and the deck that uses every layout as a page.

The browser is Debian's /usr/bin/chromium driven by Playwright; the tests skip
only where that binary is missing (CI installs it). The launch flags switch
off Chromium's own background traffic so that any request the tests see came
from the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.deck import Deck
from generator.render.html import render_slides_html
from tests.browser.page_watch import PageWatch
from tests.decks import every_layout_deck

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# The one Chromium of a test session. Other test folders use this fixture by importing it into their
# conftest, which makes it a fixture of theirs too; Playwright's sync API runs one instance per
# process, so whichever of them starts first launches it and the others share it.
_running: list = []


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    if _running:
        yield _running[0]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        _running.append(browser)
        try:
            yield browser
        finally:
            _running.clear()
            browser.close()


@pytest.fixture(scope="session")
def deck() -> Deck:
    return every_layout_deck()


@pytest.fixture(scope="session")
def deck_file(deck: Deck, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slides") / "slides.html"
    path.write_text(render_slides_html(deck), encoding="utf-8")
    return path


@pytest.fixture
def open_deck(browser, deck_file: Path):
    """Open the deck (optionally at a hash) in a fresh context; yields (page, watch)."""
    contexts = []

    def opener(width: int = 1280, height: int = 720, hash_: str = "", reduced_motion: str = "reduce",
               touch: bool = False):
        context = browser.new_context(viewport={"width": width, "height": height}, reduced_motion=reduced_motion,
                                      has_touch=touch)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(deck_file.as_uri() + hash_)
        page.wait_for_function("document.fonts.status === 'loaded'")
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def visible_slide_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        ".slide",
        """slides => slides.filter(s => {
               const style = getComputedStyle(s);
               return style.visibility === 'visible' && style.display !== 'none' && style.opacity !== '0';
           }).map(s => s.id)""",
    )
