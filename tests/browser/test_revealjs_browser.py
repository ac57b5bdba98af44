"""slides.reveal.html in Chromium, on the reveal.js that tests/js installs from npm.

The minimal example and the default lecture are built through the pipeline
(quick profile) with --revealjs-url pointing at that folder; the checks are
reveal.js's own API: it starts, counts every slide, steps with the keyboard,
and finds each slide's notes.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import generator.build
from generator.build import BuildOptions, build
from generator.deck import Deck, Inline
from generator.render.revealjs import render_revealjs_html, reveal_location
from tests.browser.page_watch import PageWatch
from tests.conftest import DEFAULT_LECTURE, MINIMAL, REPO
from tests.decks import every_layout_deck

from .test_slides_browser import hostile_deck

pytestmark = pytest.mark.browser

REVEAL_PACKAGE = REPO / "tests" / "js" / "node_modules" / "reveal.js"
LECTURES = {"minimal": MINIMAL, "deep_learning": DEFAULT_LECTURE}

# Text of an element without its formulas: MathML's text is not the TeX it came from.
TEXT_WITHOUT_MATH = """element => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll("math").forEach(m => m.remove());
    return copy.textContent.replace(/\\s+/g, " ").trim();
}"""


SPILLS = """slide => [slide, ...slide.querySelectorAll(".slide-body")]
    .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
    .map(e => e.className)"""


def text_without_math(inline: Inline) -> str:
    return " ".join("".join(run.text for run in inline if not run.math).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, Deck]]:
    """Each lecture's reveal page and the Deck it was rendered from.

    build() does not hand back its Deck, so the real render_formats() is wrapped to
    note the Deck it is given; the expectations then come from the Deck and
    not from the page under test.
    """
    output = tmp_path_factory.mktemp("reveal")
    cache = tmp_path_factory.getbasetemp() / "lecturegen-cache"
    render = generator.build.render_formats
    decks: list[Deck] = []

    def noting_render(request, *args, **kwargs):
        decks.append(request.deck)
        return render(request, *args, **kwargs)

    pages = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generator.build, "render_formats", noting_render)
        for name, content in LECTURES.items():
            options = BuildOptions(
                content=content,
                output_dir=output,
                formats=("revealjs",),
                profile="quick",
                device="cpu",
                cache_dir=cache,
                revealjs_url=str(REVEAL_PACKAGE),
            )
            report = build(options)
            pages[name] = (report.lecture_dir / "slides.reveal.html", decks[-1])
    return pages


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(path: Path, width: int = 1280, height: int = 720):
        context = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(path.as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def go_to(page, index: int) -> None:
    page.evaluate("index => Reveal.slide(index)", index)
    page.wait_for_function("index => Reveal.getIndices().h === index", arg=index)


@pytest.mark.parametrize("lecture", LECTURES)
def test_reveal_starts_with_every_slide_and_fetches_only_reveal(open_page, built, lecture):
    path, deck = built[lecture]
    page, watch = open_page(path)
    assert page.evaluate("Reveal.isReady()") is True
    assert page.evaluate("Reveal.getTotalSlides()") == len(deck.slides)
    assert watch.errors == []
    others = [url for url in watch.requests if url.split("#")[0] != path.as_uri()]
    assert others and all(url.startswith(REVEAL_PACKAGE.as_uri() + "/dist/") for url in others), others


@pytest.mark.parametrize("lecture", LECTURES)
def test_arrow_right_steps_through_the_slides_and_the_hash_follows(open_page, built, lecture):
    path, deck = built[lecture]
    page, watch = open_page(path)
    steps = min(len(deck.slides), 6)
    for index in range(1, steps):
        page.keyboard.press("ArrowRight")
        page.wait_for_function("index => Reveal.getIndices().h === index", arg=index)
        page.wait_for_function("hash => window.location.hash === hash", arg=f"#/slide-{index + 1}")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("index => Reveal.getIndices().h === index", arg=steps - 2)
    assert watch.errors == []


def test_hash_opens_that_slide(open_page, built):
    path, deck = built["minimal"]
    page, _ = open_page(path)
    page.goto(path.as_uri() + "#/slide-4")
    page.reload()
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getIndices().h") == 3


@pytest.mark.parametrize("lecture", LECTURES)
def test_each_slide_shows_its_title_and_nothing_spills_off_it(open_page, built, lecture):
    path, deck = built[lecture]
    page, watch = open_page(path)
    for index, slide in enumerate(deck.slides):
        go_to(page, index)
        current = page.evaluate_handle("Reveal.getCurrentSlide()")
        title = current.as_element().query_selector(".deck-title, .slide-title")
        assert title.evaluate(TEXT_WITHOUT_MATH) == text_without_math(slide.title), index
        assert title.is_visible()
        box = title.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280, (index, box)
        spill = current.evaluate(SPILLS)
        assert spill == [], (index, spill)
    assert watch.errors == []


@pytest.mark.parametrize("lecture", LECTURES)
def test_reveal_finds_every_slides_speaker_notes(open_page, built, lecture):
    path, deck = built[lecture]
    page, _ = open_page(path)
    found = page.evaluate(
        f"""() => Reveal.getSlides().map(slide => {{
               const notes = Reveal.getSlideNotes(slide);
               if (!notes) return null;
               const holder = document.createElement("div");
               holder.innerHTML = notes;
               return Array.from(holder.querySelectorAll("p")).map({TEXT_WITHOUT_MATH});
           }})"""
    )
    expected = [[text_without_math(p) for p in slide.notes] or None for slide in deck.slides]
    assert found == expected
    assert any(expected)


def test_s_opens_reveals_speaker_view_with_the_notes(open_page, built):
    path, deck = built["minimal"]
    page, watch = open_page(path)
    index = next(i for i, slide in enumerate(deck.slides) if slide.kind == "content" and slide.notes)
    go_to(page, index)
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    speaker.wait_for_function(
        "text => (document.querySelector('.speaker-controls-notes') || {}).innerText?.includes(text)",
        arg=text_without_math(deck.slides[index].notes[0])[:60],
    )
    speaker.close()
    assert watch.errors == []


def rgb(hex_colour: str) -> str:
    value = hex_colour.strip().lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i : i + 2], 16) for i in (0, 2, 4)))


def test_accent_colours_the_progress_bar_and_title_slide(open_page, built):
    path, deck = built["deep_learning"]
    page, _ = open_page(path)
    assert page.eval_on_selector(".reveal .progress", "e => getComputedStyle(e).color") == rgb(deck.theme.accent)
    fill = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent-fill')")
    assert page.eval_on_selector("section.kind-title", "e => getComputedStyle(e).backgroundColor") == rgb(fill)


@pytest.mark.parametrize(("aspect", "width"), [("16:9", 1280), ("4:3", 960)])
def test_every_layout_fits_its_stage_a_long_list_by_shrinking(open_page, tmp_path, aspect, width):
    deck = every_layout_deck()
    deck = replace(deck, theme=replace(deck.theme, aspect=aspect))
    path = tmp_path / "slides.reveal.html"
    root = reveal_location(str(REVEAL_PACKAGE), tmp_path)
    path.write_text(render_revealjs_html(deck, reveal_root=root), encoding="utf-8")
    page, watch = open_page(path, width=width, height=720)
    assert page.evaluate("[Reveal.getConfig().width, Reveal.getConfig().height]") == [width, 720]
    box = page.eval_on_selector("section.kind-title", "e => e.getBoundingClientRect().toJSON()")
    assert (round(box["width"]), round(box["height"])) == (width, 720)
    full = next(i for i, slide in enumerate(deck.slides) if "full slide" in slide.title[0].text)
    for index in range(len(deck.slides)):
        go_to(page, index)
        assert page.evaluate_handle("Reveal.getCurrentSlide()").evaluate(SPILLS) == [], index
    fit = page.eval_on_selector(f"#slide-{full + 1} .slide-body", "e => e.style.getPropertyValue('--fit')")
    assert 0.6 <= float(fit) < 1  # it fits because its type was made smaller
    assert watch.errors == []


def test_hostile_content_stays_text_and_runs_nothing(open_page, tmp_path):
    path = tmp_path / "hostile.reveal.html"
    root = reveal_location(str(REVEAL_PACKAGE), tmp_path)
    path.write_text(render_revealjs_html(hostile_deck(), reveal_root=root), encoding="utf-8")
    page, watch = open_page(path)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    assert (
        page.eval_on_selector("section.kind-title h1", "e => e.textContent") == '<img src=x onerror="window.__pwned=1">'
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1")
    assert page.locator("#slide-2 a").count() == 0  # the javascript: link is plain text
    assert page.evaluate("window.__pwned") is None
    assert dialogs == [] and watch.errors == []
    others = [url for url in watch.requests if url.split("#")[0] != path.as_uri()]
    assert all(url.startswith(REVEAL_PACKAGE.as_uri() + "/dist/") for url in others), others


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # access logs would only clutter the test output
        pass


@pytest.fixture
def reveal_over_http():
    """The npm package served over HTTP on this machine, as the CDN would serve it."""
    handler = partial(QuietHandler, directory=str(REVEAL_PACKAGE.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/reveal.js"
    server.shutdown()
    server.server_close()


def test_reveal_linked_by_web_address_loads_under_the_page_policy(open_page, tmp_path, reveal_over_http):
    deck = every_layout_deck()
    root = reveal_location(reveal_over_http + "/", tmp_path)
    path = tmp_path / "slides.reveal.html"
    path.write_text(render_revealjs_html(deck, reveal_root=root), encoding="utf-8")
    page, watch = open_page(path)
    assert page.evaluate("Reveal.getTotalSlides()") == len(deck.slides)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1")
    assert watch.errors == []
    others = [url for url in watch.requests if url.split("#")[0] != path.as_uri()]
    assert sorted(others) == [f"{root}/dist/plugin/notes.js", f"{root}/dist/reveal.css", f"{root}/dist/reveal.js"]


AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("lecture", LECTURES)
def test_no_slide_has_serious_accessibility_violations(open_page, built, lecture):
    path, deck = built[lecture]
    page, _ = open_page(path)
    page.add_script_tag(path=str(AXE))  # the page's policy allows inline scripts, so axe can be added
    found = []
    for index in range(len(deck.slides)):
        go_to(page, index)  # axe judges what is shown: one slide at a time
        violations = page.evaluate(
            """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
                   .filter(v => v.impact === "serious" || v.impact === "critical")
                   .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))"""
        )
        found += [f"slide {index + 1}: {violation}" for violation in violations]
    assert found == []
