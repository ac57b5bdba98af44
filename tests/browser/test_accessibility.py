"""axe-core audits of the built slide deck and report in Chromium.

The lectures are real builds (the default lecture with the quick profile and
the minimal example, whose green accent is too light for text on white). A
slide deck shows one slide at a time and axe only judges what is rendered, so
each deck is audited with the slideshow styling switched off, which puts every
slide in the page one under the other, and then as a slideshow (the audience
view with its counter, the presenter view, the overview grid with its
thumbnail buttons). Violations of impact "serious" or "critical" fail the test; the
audience and presenter views may have none at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from tests.conftest import MINIMAL, REPO

pytestmark = pytest.mark.browser

AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
LECTURES = ("deep_learning", "minimal")

# Runs axe on the whole document and keeps what a failure message needs.
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({ target: node.target.join(" "), summary: node.failureSummary })),
  }));
}"""


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(path: Path, fragment: str = ""):
        # bypass_csp: the page's policy allows only its own script; axe is injected from the test.
        context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(path.as_uri() + fragment)
        page.wait_for_load_state("load")
        return page

    yield opener
    for context in contexts:
        context.close()


def blocking_violations(page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing; run `make tests/js/node_modules/.installed`")
    page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in impacts]


def show_every_slide(page) -> None:
    # Without the "js" class the deck falls back to its no-script layout: every slide visible, in order.
    page.evaluate("document.documentElement.classList.remove('js')")


def plain_table_paper(page) -> None:
    # The report's wide tables draw scroll shadows with gradients, and axe does not judge text
    # on a gradient ("incomplete"); on plain paper it checks every cell's contrast.
    page.add_style_tag(content=".table-scroll { background: var(--paper) !important; }")


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:10]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.mark.parametrize("lecture", LECTURES)
def test_every_slide_has_no_serious_violations(open_page, built_lectures, lecture):
    page = open_page(built_lectures[lecture] / "slides.html")
    show_every_slide(page)
    visible = page.locator(".slide").evaluate_all(
        "slides => slides.filter(s => getComputedStyle(s).visibility === 'visible' && s.getBoundingClientRect().height > 0).length"
    )
    assert visible == page.locator(".slide").count() > 1
    violations = blocking_violations(page)
    assert not violations, f"{lecture}/slides.html:\n{describe(violations)}"


@pytest.mark.parametrize("lecture", LECTURES)
@pytest.mark.parametrize("view", ["audience", "presenter"])
def test_slideshow_view_has_no_violations(open_page, built_lectures, lecture, view):
    # Slide 3 is a content slide in both lectures: white paper under the slide counter.
    page = open_page(built_lectures[lecture] / "slides.html", "#3?presenter" if view == "presenter" else "#3")
    assert page.locator("#slide-3").is_visible()
    # The two views a lecturer actually presents with are held to every impact, moderate and minor included
    # (the presenter's bar and side panel once sat outside any landmark).
    violations = blocking_violations(page, impacts=("minor", "moderate", "serious", "critical"))
    assert not violations, f"{lecture}/slides.html, {view} view:\n{describe(violations)}"


@pytest.mark.parametrize("lecture", LECTURES)
def test_overview_has_no_serious_violations(open_page, built_lectures, lecture):
    page = open_page(built_lectures[lecture] / "slides.html")
    page.keyboard.press("o")
    assert page.locator(".overview").is_visible()
    violations = blocking_violations(page)
    assert not violations, f"{lecture}/slides.html with the overview open:\n{describe(violations)}"


@pytest.mark.parametrize("lecture", LECTURES)
def test_report_has_no_serious_violations(open_page, built_lectures, lecture):
    page = open_page(built_lectures[lecture] / "report.html")
    plain_table_paper(page)
    violations = blocking_violations(page)
    assert not violations, f"{lecture}/report.html:\n{describe(violations)}"


# Accents a lecturer might pick that are hard to put text on or next to: an
# orange too dark for black text and too light for white, a yellow far too
# light for text on white, a sky blue in between.
HARD_ACCENTS = ("#D55E00", "#F0E442", "#56B4E9")


@pytest.mark.parametrize("accent", HARD_ACCENTS)
def test_hard_accents_still_give_readable_text(open_page, tmp_path, accent):
    lecture = tmp_path / "lecture"
    lecture.mkdir()
    text = MINIMAL.read_text(encoding="utf-8")
    assert 'accent: "#009E73"' in text
    (lecture / "minimal.yaml").write_text(text.replace('accent: "#009E73"', f'accent: "{accent}"'), encoding="utf-8")
    for picture in MINIMAL.parent.glob("*.png"):
        (lecture / picture.name).write_bytes(picture.read_bytes())
    options = BuildOptions(
        content=lecture / "minimal.yaml",
        output_dir=tmp_path / "out",
        formats=("html", "report"),
        profile="quick",
        device="cpu",
    )
    folder = build(options).lecture_dir

    slides = open_page(folder / "slides.html")
    show_every_slide(slides)
    violations = blocking_violations(slides)
    assert not violations, f"slides.html with accent {accent}:\n{describe(violations)}"
    report = open_page(folder / "report.html")
    plain_table_paper(report)
    violations = blocking_violations(report)
    assert not violations, f"report.html with accent {accent}:\n{describe(violations)}"


def test_presenter_notes_scroll_from_the_keyboard(open_page, built_lectures):
    page = open_page(built_lectures["deep_learning"] / "slides.html", "#3?presenter")
    page.set_viewport_size({"width": 900, "height": 500})
    notes = page.locator(".pv-notes")
    assert notes.evaluate("n => n.scrollHeight > n.clientHeight + 20"), "slide 3's notes should overflow here"
    for _ in range(20):  # the notes are reached with Tab like any other control
        page.keyboard.press("Tab")
        if notes.evaluate("n => n === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the speaker notes")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("document.querySelector('.pv-notes').scrollTop > 0")
    assert page.evaluate("location.hash") == "#3?presenter"
    # The other keys still move the lecture on.
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash === '#4?presenter'")
