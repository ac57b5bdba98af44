"""--format revealjs as text: slides and notes in reveal.js markup, where reveal.js comes from, bad locations.

Fast tests without a browser; tests/browser/test_revealjs_browser.py runs the
page on the reveal.js that tests/js installs from npm.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.deck import plain_text
from generator.errors import UsageError
from generator.render.revealjs import DEFAULT_REVEALJS_URL, render_revealjs_html, reveal_location
from tests.conftest import MINIMAL, REPO
from tests.decks import deck, matplotlib_figure, theme

from .test_html import (
    RESOURCE_ATTRIBUTES,
    RESOURCE_TAGS,
    Elements,
    bullets,
    every_kind_deck,
    hostile_deck,
    slide,
    write,
)

REVEAL_PACKAGE = REPO / "tests" / "js" / "node_modules" / "reveal.js"
CDN = "https://cdn.jsdelivr.net/npm/reveal.js@6.0.2"


@pytest.fixture(scope="module")
def svg() -> str:
    return matplotlib_figure()[0]


def sections(page: str) -> list[str]:
    """The top-level <section> elements inside reveal's .slides, as text."""
    slides = page.split('<div class="slides">', 1)[1]
    return re.findall(r"<section\b.*?</section>", slides, flags=re.DOTALL)


def inline_script(page: str) -> str:
    (script,) = [text for text in Elements(page).raw_text["script"] if text.strip()]
    return script


def reveal_config(page: str) -> dict:
    script = inline_script(page)
    return json.loads(re.search(r"var config = (\{.*?\});", script).group(1))


def policy(page: str) -> str:
    (value,) = [
        m["content"] for m in Elements(page).with_tag("meta") if m.get("http-equiv") == "Content-Security-Policy"
    ]
    return value


# --------------------------------------------------------------------------
# Structure


def test_one_section_per_slide_in_order_with_its_title(svg):
    d = every_kind_deck(svg)
    page = render_revealjs_html(d)
    found = sections(page)
    assert len(found) == len(d.slides)
    for number, (section, spec) in enumerate(zip(found, d.slides), start=1):
        assert f'id="slide-{number}"' in section
        assert f">{plain_text(spec.title)}</h" in section  # the title slide's <h1>, the others' <h2>


def test_title_slide_and_section_divider_have_their_kinds(svg):
    found = sections(render_revealjs_html(every_kind_deck(svg)))
    assert 'class="slide kind-title' in found[0] and '<h1 class="deck-title">Deep Nets</h1>' in found[0]
    assert '<p class="series">Lecture 3</p>' in found[0] and "Ada Lovelace" in found[0]
    assert 'class="slide kind-section' in found[1] and '<h2 class="slide-title">Activations</h2>' in found[1]
    assert 'class="slide kind-closing' in found[-1]


def test_speaker_notes_are_asides_for_the_notes_plugin(svg):
    found = sections(render_revealjs_html(every_kind_deck(svg)))
    notes = [re.findall(r'<aside class="notes"[^>]*>(.*?)</aside>', s, flags=re.DOTALL) for s in found]
    assert re.findall(r"<p>(.*?)</p>", notes[2][0]) == ["Say this.", "Then that."]
    assert re.findall(r"<p>(.*?)</p>", notes[0][0]) == ["Welcome."]
    assert notes[1] == []  # no notes, no empty aside


def test_blocks_render_as_in_the_html_deck(svg):
    page = render_revealjs_html(every_kind_deck(svg))
    assert len(re.findall(r'<svg [^>]*id="s4b0-svg" class="figure-svg" role="img"', page)) == 1  # inline SVG
    assert 'src="data:image/png;base64,' in page
    assert '<td class="num">95.1%</td>' in page
    assert '<div class="highlight"><pre><span></span><span class="k">def</span>' in page
    assert ".highlight .k {" in page  # the Pygments colours come with the code
    assert "<blockquote><p>Depth is hard.</p></blockquote>" in page


def test_reveal_is_started_with_notes_hash_and_the_deck_size(svg):
    page = render_revealjs_html(every_kind_deck(svg))
    config = reveal_config(page)
    assert (config["width"], config["height"]) == (1280, 720)
    assert config["hash"] is True and config["margin"] == 0
    script = inline_script(page)
    assert "config.plugins = [RevealNotes];" in script and "Reveal.initialize(config);" in script


def test_four_by_three_deck_gets_a_four_by_three_stage():
    page = render_revealjs_html(replace(deck(slide("x", bullets("y"))), theme=theme(aspect="4:3")))
    config = reveal_config(page)
    assert (config["width"], config["height"]) == (960, 720)


def test_theme_accent_colours_the_slides_and_reveals_controls():
    page = render_revealjs_html(deck(slide("x", bullets("y"))))
    css = "".join(Elements(page).raw_text["style"])
    assert "--accent: #0072B2;" in css
    assert "--r-link-color: var(--accent);" in css
    assert re.search(r"\.reveal \.progress \{\s*color: var\(--accent\);", css)


def test_same_deck_same_bytes(svg):
    assert render_revealjs_html(every_kind_deck(svg)) == render_revealjs_html(every_kind_deck(svg))


# --------------------------------------------------------------------------
# Where reveal.js comes from


def test_default_is_the_pinned_release_on_the_cdn_and_nothing_else_is_fetched(svg):
    assert DEFAULT_REVEALJS_URL == CDN
    page = render_revealjs_html(every_kind_deck(svg))
    elements = Elements(page)
    assert [link["href"] for link in elements.with_tag("link")] == [f"{CDN}/dist/reveal.css"]
    assert [s.get("src") for s in elements.with_tag("script")] == [
        f"{CDN}/dist/reveal.js",
        f"{CDN}/dist/plugin/notes.js",
        None,
    ]
    for tag, attrs in elements.tags:
        if tag in RESOURCE_TAGS and tag not in ("link", "script"):
            for name in RESOURCE_ATTRIBUTES:
                value = (attrs.get(name) or "").strip().lower()
                assert not value or value.startswith(("data:", "#")), (tag, name, value)
    for css in elements.raw_text["style"]:
        assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:|//)", css)


def test_policy_lets_the_page_fetch_from_the_reveal_location_only(svg):
    remote = policy(render_revealjs_html(every_kind_deck(svg)))
    assert remote.startswith("default-src 'none'; ")
    assert f"script-src {CDN}/ 'unsafe-inline';" in remote and f"style-src {CDN}/ 'unsafe-inline';" in remote
    assert "img-src data:;" in remote and "connect-src" not in remote  # default-src 'none' covers the rest
    local = policy(render_revealjs_html(every_kind_deck(svg), reveal_root="../reveal.js"))
    assert "script-src 'self' file: 'unsafe-inline';" in local and "https:" not in local


def test_a_local_folder_is_linked_from_the_page(svg):
    page = render_revealjs_html(every_kind_deck(svg), reveal_root="../node_modules/reveal.js")
    assert '<link rel="stylesheet" href="../node_modules/reveal.js/dist/reveal.css">' in page
    assert '<script src="../node_modules/reveal.js/dist/plugin/notes.js"></script>' in page


def test_web_addresses_are_used_as_given(tmp_path):
    assert reveal_location("https://example.org/reveal.js/", tmp_path) == "https://example.org/reveal.js"
    assert reveal_location("http://localhost:8000/reveal", tmp_path) == "http://localhost:8000/reveal"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a b",
        "https://example.org/x;script-src *",
        "javascript://alert(1)",
        "ftp://example.org/reveal",
    ],
)
def test_unusable_addresses_are_refused(url, tmp_path):
    with pytest.raises(UsageError) as caught:
        reveal_location(url, tmp_path)
    assert caught.value.message == (
        f"--revealjs-url {url}: not a usable web address; give an http(s) URL without spaces, quotes, "
        "commas or semicolons, or a folder holding reveal.js"
    )


def test_absolute_folder_becomes_a_file_uri(tmp_path):
    assert reveal_location(str(REVEAL_PACKAGE), tmp_path) == REVEAL_PACKAGE.resolve().as_uri()


def test_relative_folder_is_relative_to_the_page(tmp_path):
    page_folder = tmp_path / "out" / "lecture"
    page_folder.mkdir(parents=True)
    (tmp_path / "out" / "my reveal").symlink_to(REVEAL_PACKAGE)
    assert reveal_location("../my reveal/", page_folder) == "../my%20reveal"


def test_relative_folder_is_found_before_the_page_folder_exists(tmp_path):
    # The first build: the lecture's folder is made only when the page is written.
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "reveal").symlink_to(REVEAL_PACKAGE)
    assert reveal_location("../reveal", tmp_path / "out" / "lecture") == "../reveal"


def test_first_build_links_a_reveal_folder_beside_the_lecture_folder(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "reveal").symlink_to(REVEAL_PACKAGE)
    options = ["--format", "revealjs", "--profile", "quick", "--revealjs-url", "../reveal"]
    result = CliRunner().invoke(main, ["build", str(MINIMAL), "-o", str(out), *options, "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    page = (out / "minimal" / "slides.reveal.html").read_text()
    assert '<script src="../reveal/dist/reveal.js"></script>' in page


def test_missing_folder_says_where_it_looked(tmp_path):
    with pytest.raises(UsageError) as caught:
        reveal_location("../reveal.js", tmp_path / "out" / "lecture")
    assert caught.value.message == (
        f"--revealjs-url ../reveal.js (relative to slides.reveal.html, so {tmp_path}/out/lecture/../reveal.js): "
        "no such folder; give the reveal.js package folder (npm install reveal.js puts it in "
        "node_modules/reveal.js) or leave the option out to use the CDN"
    )


def test_folder_without_reveal_says_what_is_missing(tmp_path):
    write(tmp_path, "dist/reveal.css", "")
    with pytest.raises(UsageError) as caught:
        reveal_location(str(tmp_path), tmp_path)
    assert caught.value.message == (
        f"--revealjs-url {tmp_path}: dist/reveal.js, dist/plugin/notes.js missing; point it at the reveal.js "
        "package folder, the one that holds dist/ (npm install reveal.js puts it in node_modules/reveal.js)"
    )


# --------------------------------------------------------------------------
# Hostile content


def test_hostile_text_stays_text(svg):
    page = render_revealjs_html(hostile_deck(svg))
    assert "<script>alert" not in page
    assert page.count("<script") == 3  # reveal.js, the notes plugin and the script that starts them
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'onerror="x' not in page
    assert not any(name.startswith("on") for _, attrs in Elements(page).tags for name in attrs)


# --------------------------------------------------------------------------
# Through the command line


def build(*args: str):
    return CliRunner().invoke(main, ["build", str(MINIMAL), "--profile", "quick", "--format", "revealjs", *args])


def test_build_writes_the_reveal_page_with_the_same_bytes_each_time(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = build("-o", str(out), "--revealjs-url", str(REVEAL_PACKAGE))
        assert result.exit_code == 0, result.output
    page = first / "minimal" / "slides.reveal.html"
    assert page.read_bytes() == (second / "minimal" / "slides.reveal.html").read_bytes()
    assert f'<script src="{REVEAL_PACKAGE.as_uri()}/dist/reveal.js"></script>' in page.read_text()
    manifest = json.loads((first / "minimal" / "manifest.json").read_text())
    assert "slides.reveal.html" in {entry["path"] for entry in manifest["outputs"]}
    assert not (first / "minimal" / "slides.html").exists()  # only the formats asked for


def test_build_with_a_folder_that_is_not_reveal_fails_before_writing(tmp_path):
    empty = tmp_path / "not-reveal"
    empty.mkdir()
    out = tmp_path / "out"
    result = build("-o", str(out), "-q", "--revealjs-url", str(empty))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --revealjs-url {empty}: dist/reveal.js, dist/reveal.css, dist/plugin/notes.js missing; point it at "
        "the reveal.js package folder, the one that holds dist/ (npm install reveal.js puts it in "
        "node_modules/reveal.js)\n"
    )
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_bad_absolute_folder_is_reported_before_any_demo_runs(tmp_path, fresh_cache):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(MINIMAL), "-o", str(out), "-q", "--format", "revealjs", "--revealjs-url", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --revealjs-url {tmp_path / 'nope'}: no such folder")
    # The minimal lecture has a demo; nothing ran, so nothing was cached.
    assert not fresh_cache.exists() or not any(fresh_cache.rglob("*.json"))
    assert not out.exists()
