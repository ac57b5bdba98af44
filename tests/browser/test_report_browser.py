"""The lecture notes (report.html) in a real browser: no requests, no errors,
fits a phone and a desktop, prints.

Driven like the slide tests (see conftest.py); marked ``browser``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from generator.deck import Bullet, Bullets, Deck, DemoRun, Equation, Run, Slide, Table
from generator.render.html import render_report_html
from tests.browser.page_watch import PageWatch
from tests.decks import deck as small_deck
from tests.decks import every_layout_deck

pytestmark = pytest.mark.browser

# Screenshots for a person to look at.
SCREENSHOT_DIR = Path("/tmp/report-look")

HOSTILE = "<script>window.__pwned = 1</script>"
IMG_BREAKER = '"><img src=x onerror="window.__pwned = 1">'

VERSIONS = (("matplotlib", "3.9.2"), ("numpy", "2.1.1"), ("torch", "2.4.1"))


def _t(text: str) -> tuple[Run, ...]:
    return (Run(text),)


def report_deck() -> Deck:
    """Every layout, a table far wider than a phone, and provenance records."""
    deck = every_layout_deck()
    wide = Slide(
        kind="content",
        layout="table",
        title=_t("Every depth, every activation"),
        section="Activations",
        blocks=(
            Table(
                header=(_t("Activation"), *(_t(f"Depth {d} layers") for d in range(2, 14))),
                rows=tuple((_t(name), *(_t(f"{90 - d * i:.1f}%") for d in range(2, 14))) for i, name in enumerate(("sigmoid", "tanh", "ReLU"))),
                caption=_t("A table too wide for a phone: it scrolls inside its own box."),
            ),
        ),
        notes=(_t("Read the table column by column."),),
    )
    slides = (*deck.slides[:8], wide, *deck.slides[8:])
    runs = (
        DemoRun(
            name="sweep",
            kind="depth_sweep",
            device="cuda",
            device_name="NVIDIA H100 80GB HBM3",
            seed=1234,
            wall_s=83.4,
            from_cache=False,
            params=(("depths", "[2, 4, 8, 16]"), ("activations", '["sigmoid", "tanh", "relu"]'), ("epochs", "5")),
            versions=VERSIONS,
        ),
        DemoRun(
            name="curves",
            kind="activation_curves",
            device="cpu",
            device_name="x86_64",
            seed=0,
            wall_s=0.0421,
            from_cache=True,
            params=(("points", "201"),),
            versions=VERSIONS,
        ),
    )
    return replace(
        deck,
        slides=tuple(replace(s, number=n) for n, s in enumerate(slides, start=1)),
        demo_runs=runs,
        profile="default",
    )


def hostile_report_deck() -> Deck:
    deck = report_deck()
    slides = tuple(
        replace(
            s,
            title=(*s.title, Run(HOSTILE)),
            notes=(*s.notes, _t(IMG_BREAKER), (Run("click", href="javascript:window.__pwned=1"),)),
        )
        for s in deck.slides
    )
    runs = tuple(replace(r, name=HOSTILE, device_name=IMG_BREAKER, params=(("p", HOSTILE),)) for r in deck.demo_runs)
    return replace(deck, slides=slides, demo_runs=runs, meta=replace(deck.meta, title=HOSTILE, credit=IMG_BREAKER))


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report_html(report_deck()), encoding="utf-8")
    return path


@pytest.fixture
def open_report(browser):
    contexts = []

    def opener(path: Path, width: int = 1280, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(path.as_uri())
        page.wait_for_function("document.fonts.status === 'loaded'")
        return page, watch

    yield opener
    for context in contexts:
        context.close()


# Elements whose right edge passes the viewport, leaving out those inside a
# box that scrolls sideways (the table wrappers) and the skip link's own
# off-screen resting place.
OVERFLOWING = """
(tolerance) => {
  const width = document.documentElement.clientWidth;
  const scrollsSideways = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && a !== document.documentElement && a !== document.body) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + tolerance || box.left < -tolerance) {
      if (scrollsSideways(el) || el.classList.contains('skip-link')) continue;
      out.push(el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className + ' ' + Math.round(box.left) + '..' + Math.round(box.right));
    }
  }
  return out;
}
"""


def test_makes_no_requests_and_no_errors(open_report, report_file: Path):
    page, watch = open_report(report_file)
    page.reload()
    page.wait_for_function("document.fonts.status === 'loaded'")
    assert [url for url in watch.requests if url.split("#")[0] != report_file.as_uri()] == []
    assert watch.requests
    assert watch.errors == []


@pytest.mark.parametrize("width", [375, 1280])
def test_nothing_wider_than_the_screen_but_inside_scrolling_tables(open_report, report_file: Path, width: int):
    page, watch = open_report(report_file, width=width, height=800)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWING, 1.5) == []
    # The wide table really is wider than the phone, and scrolls inside its box.
    if width == 375:
        assert page.evaluate("""() => [...document.querySelectorAll('.block-table')].some(b => b.scrollWidth > b.clientWidth)""")
    # Figures fill the text column.
    widths = page.eval_on_selector_all(".figure-media svg", "els => els.map(e => e.getBoundingClientRect().width)")
    column = page.eval_on_selector("main", "m => m.getBoundingClientRect().width")
    assert widths and all(w > 0.8 * (column - 40) for w in widths)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"report-{width}.png"), full_page=True)
    assert watch.errors == []


def test_table_of_contents_links_lead_to_their_headings(open_report, report_file: Path):
    page, _ = open_report(report_file, width=375)
    targets = page.eval_on_selector_all("nav.toc a", "as => as.map(a => a.getAttribute('href'))")
    assert targets and all(page.locator(target).count() == 1 for target in targets)
    page.click("nav.toc a[href='#provenance']")
    assert page.evaluate("location.hash") == "#provenance"
    top = page.eval_on_selector("#provenance", "h => h.getBoundingClientRect().top")
    assert 0 <= top < 100


def test_prints_to_several_pages_without_the_contents(open_report, report_file: Path):
    page, watch = open_report(report_file)
    page.emulate_media(media="print")
    assert page.eval_on_selector("nav.toc", "n => getComputedStyle(n).display") == "none"
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages > 1
    (SCREENSHOT_DIR / "report.pdf").write_bytes(pdf)
    assert watch.errors == []


def test_hostile_report_runs_no_script(open_report, tmp_path: Path):
    path = tmp_path / "report.html"
    path.write_text(render_report_html(hostile_report_deck()), encoding="utf-8")
    page, watch = open_report(path)
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("img[onerror]").count() == 0
    assert HOSTILE in page.inner_text("h1")
    assert [url for url in watch.requests if url.split("#")[0] != path.as_uri()] == []
    for link in page.locator("a").all():  # nothing to follow but anchors and web links
        href = link.get_attribute("href")
        assert href.startswith(("#", "https://", "http://", "mailto:"))


LONG_SUM = " + ".join(f"a_{{{index}}}" for index in range(1, 31))


def test_a_formula_wider_than_a_phone_scrolls_inside_itself(open_report, tmp_path: Path):
    formulas = small_deck(
        Slide(kind="content", layout="equation", title=_t("Display"), blocks=(Equation((LONG_SUM,)),)),
        Slide(
            kind="content",
            layout="bullets",
            title=_t("Inline"),
            blocks=(Bullets((Bullet((Run("The sum "), Run(LONG_SUM, math=True), Run(" is long."))),)),),
        ),
    )
    path = tmp_path / "report.html"
    path.write_text(render_report_html(formulas), encoding="utf-8")
    page, watch = open_report(path, width=375, height=800)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate(OVERFLOWING, 1.5) == []
    scrolling = page.eval_on_selector_all("math", "all => all.map(m => m.scrollWidth > m.clientWidth)")
    assert scrolling == [True, True]  # each formula is really wider than the phone, and scrolls
    # ...sideways only: its subscripts fit its height, so no vertical scroll bar and nothing cut off.
    assert page.eval_on_selector_all("math", "all => all.filter(m => m.scrollHeight > m.clientHeight).length") == 0
    assert watch.errors == []
