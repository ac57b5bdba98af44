"""The course site: OUTPUT/index.html with the course title and a card per lecture (title, date, a miniature of
its title slide, links to the outputs built), self-contained, and clean in Chromium, axe-core and the Nu checker."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import BuildOptions
from generator.course.build import build_course
from generator.demos.registry import unregister
from tests.browser.conftest import browser  # noqa: F401 - the Chromium fixture
from tests.course.conftest import write_course
from tests.test_html_validity import VNU, is_checker_gap


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    course = write_course(root / "course")
    options = BuildOptions(content=course, output_dir=root / "out", formats=("html", "report", "pptx"),
                           profile="quick", device="cpu", cache_dir=tmp_path_factory.getbasetemp() / "lecturegen-cache")
    build_course(options)
    unregister("coin_flips")
    return root / "out"


def cards(page: str) -> list[str]:
    return re.findall(r'<li class="card[^"]*">.*?</article>', page, re.S)


def test_the_index_names_the_course_and_has_a_card_per_lecture_in_order(site):
    page = (site / "index.html").read_text()
    assert "<title>Deep learning, the course</title>" in page
    assert "<h1>Deep learning, the course</h1>" in page and "Two short lectures" in page
    found = cards(page)
    assert len(found) == 2
    assert '<a href="activations/slides.html">Activations</a>' in found[0]
    assert '<time datetime="2024-01-02">2024-01-02</time>' in found[0]
    assert '<a href="functions/slides.html">Functions</a>' in found[1]


def test_each_card_links_to_the_outputs_built_and_no_others(site):
    page = (site / "index.html").read_text()
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)<span', page)
    assert links == [("activations/slides.html", "Slides"), ("activations/report.html", "Report"),
                     ("activations/slides.pptx", "PowerPoint"),
                     ("functions/slides.html", "Slides"), ("functions/report.html", "Report"),
                     ("functions/slides.pptx", "PowerPoint")]  # no PDF: this build made none
    for href, _ in links:
        assert (site / href).is_file()


def test_the_thumbnail_is_the_title_slide_in_miniature(site):
    page = (site / "index.html").read_text()
    first, second = cards(page)
    # The title slide's words, on its accent fill (the lecture's own, or the course's it inherits).
    assert '<p class="thumb-series">The course</p>' in first and '<p class="thumb-title">Activations</p>' in first
    fill_one = re.search(r"--thumb-fill: (#[0-9A-F]{6})", first).group(1)
    fill_two = re.search(r"--thumb-fill: (#[0-9A-F]{6})", second).group(1)
    slides_one = (site / "activations" / "slides.html").read_text()
    slides_two = (site / "functions" / "slides.html").read_text()
    assert f"--accent-fill: {fill_one};" in slides_one and f"--accent-fill: {fill_two};" in slides_two
    assert "aspect-ratio: 16 / 9;" in first


def test_the_index_is_self_contained(site):
    page = (site / "index.html").read_text()
    assert "<script" not in page
    assert "default-src &#39;none&#39;; img-src data:; font-src data:; style-src &#39;unsafe-inline&#39;; " \
           "script-src &#39;none&#39;" in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def test_the_manifest_lists_the_index(site):
    manifest = json.loads((site / "manifest.json").read_text())
    digest = manifest["outputs"][0]["sha256"]
    assert digest == hashlib.sha256((site / "index.html").read_bytes()).hexdigest()


@pytest.mark.slow
def test_the_index_has_no_html_errors(site):
    if shutil.which("java") is None:
        pytest.fail("java is not installed; the Nu HTML checker needs it (apt install default-jre-headless)")
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing; run `make tests/js/node_modules/.installed`")
    page = (site / "index.html").resolve()
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", str(page)],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr)
    lines_of = {page: page.read_text(encoding="utf-8").splitlines()}
    errors = [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")
              and not is_checker_gap(m, lines_of)]
    assert not errors, "\n".join(f"{m.get('lastLine')}: {m.get('message')}" for m in errors)


@pytest.mark.browser
def test_the_index_has_no_accessibility_violations_and_its_links_work(browser, site):
    from tests.browser.test_accessibility import blocking_violations, describe

    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri())
        page.wait_for_load_state("load")
        # Every impact counts: the page is small and all ours.
        violations = blocking_violations(page, impacts=("minor", "moderate", "serious", "critical"))
        assert not violations, describe(violations)
        # The miniature is drawn at the deck's aspect ratio, its title inside it.
        box = page.locator(".thumb").first.bounding_box()
        assert box["width"] / box["height"] == pytest.approx(16 / 9, rel=0.02)
        title = page.locator(".thumb-title").first.bounding_box()
        assert box["x"] < title["x"] and title["x"] + title["width"] < box["x"] + box["width"]
        assert page.locator(".thumb").first.get_attribute("style")
        # A screen reader hears each link with its lecture: "Slides (HTML slides) of lecture 2".
        assert page.get_by_role("link", name="Slides (HTML slides) of lecture 2", exact=True).count() == 1
        page.get_by_role("link", name="Activations").click()
        page.wait_for_load_state("load")
        assert page.url.split("#")[0].endswith("/activations/slides.html")
        assert page.title() == "Activations"
    finally:
        context.close()
