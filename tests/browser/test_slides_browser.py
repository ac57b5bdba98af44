"""The slide deck in a real browser: no requests, no errors, navigation, fit.

These drive Debian's Chromium through Playwright (see conftest.py). They are
marked ``browser``; CI runs them, ``-m "not browser"`` leaves them out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.deck import Bullet, Bullets, Deck, Meta, Run, Slide, Theme, plain_text
from generator.render.html import render_slides_html
from tests.browser.conftest import visible_slide_ids
from tests.browser.page_watch import PageWatch

pytestmark = pytest.mark.browser

# Screenshots of every slide land here for a person to look at.
SCREENSHOT_DIR = Path("/tmp/html-look")

# Sub-pixel rounding of a scaled stage; anything larger is a real overflow.
TOLERANCE_PX = 1.5


def assert_showing(page, number: int) -> None:
    assert visible_slide_ids(page) == [f"slide-{number}"]
    assert page.evaluate("location.hash") == f"#{number}"
    assert page.inner_text("[data-counter-current]") == str(number)


def test_makes_no_requests_but_for_the_file_itself(open_deck, deck_file: Path):
    page, watch = open_deck()
    page.keyboard.press("End")
    page.reload()
    page.wait_for_function("document.fonts.status === 'loaded'")
    others = [url for url in watch.requests if url.split("#")[0] != deck_file.as_uri()]
    assert others == []
    assert watch.requests  # the recorder works: the page itself was requested


def test_no_console_or_page_errors(open_deck, deck: Deck):
    page, watch = open_deck(reduced_motion="no-preference")
    for _ in deck.slides:
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)  # let the last fade finish
    assert watch.errors == []


def test_arrow_keys_step_through_every_slide_and_the_hash_follows(open_deck, deck: Deck):
    page, _ = open_deck()
    total = len(deck.slides)
    assert page.inner_text("[data-counter-total]") == str(total)
    assert_showing(page, 1)
    for number in range(2, total + 1):
        page.keyboard.press("ArrowRight")
        assert_showing(page, number)
    page.keyboard.press("ArrowRight")  # past the end stays on the last slide
    assert_showing(page, total)
    page.keyboard.press("ArrowLeft")
    assert_showing(page, total - 1)
    page.keyboard.press("Home")
    assert_showing(page, 1)
    page.keyboard.press("End")
    assert_showing(page, total)


def test_other_next_and_previous_keys(open_deck):
    page, _ = open_deck()
    for key, expected in [("Space", 2), ("PageDown", 3), ("ArrowDown", 4), ("ArrowUp", 3), ("PageUp", 2), ("Shift+Space", 1)]:
        page.keyboard.press(key)
        assert_showing(page, expected)


def test_visible_slide_has_its_title(open_deck, deck: Deck):
    page, _ = open_deck()
    for number, slide in enumerate(deck.slides, start=1):
        current = page.locator(f"#slide-{number}")
        assert current.is_visible()
        assert plain_text(slide.title) in current.inner_text()
        page.keyboard.press("ArrowRight")


def test_hash_deep_links_and_survives_reload(open_deck):
    page, _ = open_deck(hash_="#4")
    assert_showing(page, 4)
    page.keyboard.press("ArrowRight")
    page.reload()
    page.wait_for_function("document.fonts.status === 'loaded'")
    assert_showing(page, 5)


def test_hashchange_moves_to_the_slide(open_deck):
    page, _ = open_deck()
    page.evaluate("location.hash = '#3'")
    page.wait_for_function("document.querySelector('#slide-3').classList.contains('is-current')")
    assert_showing(page, 3)


def test_out_of_range_hash_is_clamped(open_deck, deck: Deck):
    page, _ = open_deck(hash_="#999")
    assert_showing(page, len(deck.slides))


def test_clicks_on_the_right_and_left_half_navigate(open_deck):
    page, _ = open_deck(hash_="#3")
    page.mouse.click(1100, 650)
    assert_showing(page, 4)
    page.mouse.click(100, 650)
    assert_showing(page, 3)


def test_notes_are_in_the_page_but_not_shown(open_deck):
    page, _ = open_deck(hash_="#3")
    notes = page.locator("#slide-3 aside.notes")
    assert notes.count() == 1
    assert "chain rule" in notes.inner_text() or "chain rule" in notes.text_content()
    assert not notes.is_visible()


OVERFLOW_SCRIPT = """
slide => {
    const box = slide.getBoundingClientRect();
    const problems = [];
    // Inside an <svg> or <math> the root's box is what counts; matplotlib's
    // glyph definitions and clip paths have boxes of their own that do not.
    const elements = Array.from(slide.querySelectorAll('*')).filter(
        el => !el.parentElement.closest('svg, math') || el.matches('svg, math'));
    for (const el of elements) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;  // display: none (notes)
        const tolerance = %(tolerance)s;
        if (r.left < box.left - tolerance || r.top < box.top - tolerance ||
            r.right > box.right + tolerance || r.bottom > box.bottom + tolerance) {
            problems.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}: ` +
                          `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.right)},${Math.round(r.bottom)}` +
                          ` outside ${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.right)},${Math.round(box.bottom)}`);
        }
    }
    return problems;
}
""" % {"tolerance": TOLERANCE_PX}


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_nothing_overflows_the_slide(open_deck, deck: Deck, width: int, height: int):
    page, _ = open_deck(width=width, height=height)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    overflowing = {}
    for number in range(1, len(deck.slides) + 1):
        slide = page.locator(f"#slide-{number}")
        box = slide.bounding_box()
        # The stage is scaled to fill the window along one side, keeping 16:9.
        assert box["width"] == pytest.approx(width, abs=TOLERANCE_PX)
        assert box["height"] == pytest.approx(height, abs=TOLERANCE_PX)
        problems = slide.evaluate(OVERFLOW_SCRIPT)
        if problems:
            overflowing[number] = problems
        page.screenshot(path=str(SCREENSHOT_DIR / f"slide-{number:02d}-{width}x{height}.png"))
        page.keyboard.press("ArrowRight")
    assert overflowing == {}


def test_stage_keeps_its_aspect_in_a_tall_window(open_deck):
    page, _ = open_deck(width=800, height=900)
    box = page.locator("#slide-1").bounding_box()
    assert box["width"] == pytest.approx(800, abs=TOLERANCE_PX)
    assert box["height"] == pytest.approx(450, abs=TOLERANCE_PX)
    assert box["y"] == pytest.approx((900 - 450) / 2, abs=TOLERANCE_PX)


def test_reduced_motion_turns_transitions_off(open_deck):
    page, _ = open_deck(reduced_motion="reduce")
    assert page.eval_on_selector("#slide-1", "s => getComputedStyle(s).transitionDuration") == "0s"


def test_math_renders_as_mathml(open_deck):
    page, _ = open_deck(hash_="#3")
    math = page.locator("#slide-3 math").first
    box = math.bounding_box()
    assert box is not None and box["width"] > 20


def test_print_gives_one_page_per_slide(open_deck, deck: Deck):
    page, _ = open_deck()
    page.emulate_media(media="print")
    boxes = page.eval_on_selector_all(
        ".slide",
        "slides => slides.map(s => [s.getBoundingClientRect().top, getComputedStyle(s).visibility])",
    )
    assert [visibility for _, visibility in boxes] == ["visible"] * len(deck.slides)
    assert [round(top) for top, _ in boxes] == [720 * i for i in range(len(deck.slides))]
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == len(deck.slides)


def hostile_deck() -> Deck:
    hostile = '<img src=x onerror="window.__pwned=1">'
    return Deck(
        meta=Meta(title=hostile, subtitle="", author=hostile, affiliation="", date="", series="", credit="", language="en", slug="x"),
        theme=Theme(accent="#0072B2", font=hostile, font_east_asian="x", font_code="x", aspect="16:9"),
        slides=(
            Slide(kind="title", layout="title", title=(Run(hostile),), notes=((Run(hostile),),)),
            Slide(
                kind="content",
                layout="bullets",
                title=(Run("links"),),
                blocks=(
                    Bullets(
                        items=(
                            Bullet(text=(Run("click", href="javascript:window.__pwned=1"),)),
                            Bullet(text=(Run(r"\text{" + hostile + "}", math=True),)),
                            Bullet(text=(Run(hostile, code=True),)),
                        )
                    ),
                ),
            ),
        ),
    )


def test_hostile_content_runs_nothing_and_fetches_nothing(browser, tmp_path: Path):
    path = tmp_path / "hostile.html"
    path.write_text(render_slides_html(hostile_deck()), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        watch = PageWatch(page)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri())
        page.keyboard.press("ArrowRight")
        page.locator("#slide-2 li").first.click()  # the would-be javascript: link is plain text
        assert page.evaluate("window.__pwned") is None
        assert dialogs == [] and watch.errors == []
        assert [url for url in watch.requests if url.split("#")[0] != path.as_uri()] == []
        assert page.locator("#slide-2 a").count() == 0
    finally:
        context.close()
