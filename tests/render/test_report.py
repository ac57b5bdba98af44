"""The lecture notes (report.html) as text: structure, numbering, escaping,
provenance, templates. Fast; tests/browser/test_report_browser.py opens it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.deck import Code, Deck, DemoRun, Run, Table, plain_text
from generator.errors import BuildError
from generator.render.html import content_security_policy, format_wall_time, render_report_html, render_slides_html

from .test_html import (
    ATTRIBUTE_BREAKER,
    HOSTILE,
    RESOURCE_ATTRIBUTES,
    RESOURCE_TAGS,
    Elements,
    bullets,
    deck,
    every_kind_deck,
    figure,
    hostile_deck,
    slide,
    svg,  # noqa: F401  (the module-scoped fixture)
    text,
    write,
)

VERSIONS = (("numpy", "2.1.1"), ("torch", "2.4.1"))


def runs() -> tuple[DemoRun, ...]:
    return (
        DemoRun(
            name="sweep", kind="depth_sweep", device="cuda", device_name="NVIDIA H100", seed=1234, wall_s=83.4,
            from_cache=False, params=(("depths", "[2, 4]"), ("epochs", "5")), versions=VERSIONS,
        ),
        DemoRun(
            name="curves", kind="activation_curves", device="cpu", device_name="", seed=0, wall_s=0.0421,
            from_cache=True, params=(), versions=(("numpy", "2.0.0"), ("matplotlib", "3.9.2")),
        ),
    )


def report_deck(svg: str) -> Deck:
    """every_kind_deck with a second section and provenance records."""
    base = every_kind_deck(svg)
    slides = list(base.slides)
    slides.insert(6, replace(slide("Results", layout="section", kind="section", notes=("Now the numbers.", "Two paragraphs.")), section="Results"))
    return replace(
        base,
        slides=tuple(replace(s, number=n) for n, s in enumerate(slides, start=1)),
        demo_runs=runs(),
        profile="quick",
    )


class Outline(HTMLParser):
    """Headings (level, id, text) and TOC links (href, text), in page order."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str]] = []
        self.toc: list[tuple[str, str]] = []
        self._heading: list | None = None
        self._link: list | None = None
        self._in_nav = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._in_nav = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), attrs.get("id") or "", ""]
        elif tag == "a" and self._in_nav:
            self._link = [attrs["href"], ""]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif re.fullmatch(r"h[1-6]", tag) and self._heading:
            self.headings.append(tuple(self._heading))
            self._heading = None
        elif tag == "a" and self._link:
            self.toc.append(tuple(self._link))
            self._link = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[2] += data
        if self._link is not None:
            self._link[1] += data


def main_part(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


# --------------------------------------------------------------------------
# Structure


def test_every_section_and_slide_title_in_order(svg):
    d = report_deck(svg)
    outline = Outline(render_report_html(d))
    body = [(level, hid, title) for level, hid, title in outline.headings if hid.startswith("slide-")]
    expected = [
        (2 if s.kind in ("section", "closing") else 3, f"slide-{n}", plain_text(s.title))
        for n, s in enumerate(d.slides, start=1)
        if s.kind != "title"
    ]
    assert body == expected
    assert outline.headings[0] == (1, "", "Deep Nets")
    assert outline.headings[-3:] == [(2, "provenance", "Appendix: Provenance"), (3, "provenance-runs", "Demo runs"), (3, "provenance-packages", "Package versions")]


def test_toc_links_match_heading_ids(svg):
    outline = Outline(render_report_html(report_deck(svg)))
    ids = {hid: title for _, hid, title in outline.headings if hid}
    assert outline.toc, "no table of contents"
    for href, label in outline.toc:
        assert href.startswith("#") and href[1:] in ids
        assert ids[href[1:]] == label
    linked = [href[1:] for href, _ in outline.toc]
    assert linked == [hid for _, hid, _ in outline.headings if hid.startswith("slide-")] + ["provenance"]


def test_page_is_semantic_and_takes_its_language_from_meta(svg):
    page = render_report_html(report_deck(svg))
    tags = [tag for tag, _ in Elements(page).tags]
    for tag in ("header", "nav", "main", "section", "figure", "figcaption", "table"):
        assert tag in tags, tag
    assert '<html lang="en">' in page
    assert '<html lang="ja">' in render_report_html(deck(slide("x", bullets("y")), language="ja"))
    assert page.index("<header") < page.index("<nav") < page.index("<main")
    th = Elements(page).with_tag("th")
    assert th and all(attrs.get("scope") in ("col", "row") for attrs in th)


def test_title_block_has_credit_and_the_title_slides_notes(svg):
    page = render_report_html(report_deck(svg))
    header = page[page.index('<header class="title-block"') : page.index("</header>")]
    for piece in ("Lecture 3", "Deep Nets", "Why depth is hard", "Ada Lovelace", "Engine Institute", "2025-03-14", "Based on Glorot &amp; Bengio (2010)", "<p>Welcome.</p>"):
        assert piece in header, piece


def test_notes_become_paragraphs_after_their_slide(svg):
    page = main_part(render_report_html(report_deck(svg)))
    assert re.search(r'id="slide-3">Bullets first</h3>.*<li>two</li>.*<p>Say this\.</p>\s*<p>Then that\.</p>', page, re.DOTALL)
    # A section divider's notes open the section.
    assert re.search(r'id="slide-7">Results</h2>\s*<div class="intro">\s*<p>Now the numbers\.</p>\s*<p>Two paragraphs\.</p>', page)
    # The closing slide: its bullets, then its notes.
    d = deck(slide("Topic", layout="section", kind="section"), slide("Bye", bullets("Questions?"), layout="closing", kind="closing", notes=("Thank you.",)))
    assert re.search(r"<li>Questions\?</li>.*<p>Thank you\.</p>", render_report_html(d), re.DOTALL)


def test_content_before_any_section_still_appears():
    d = deck(slide("Loose one", bullets("a")), slide("Part", layout="section", kind="section"), slide("Inside", bullets("b")))
    outline = Outline(render_report_html(d))
    assert [(level, title) for level, hid, title in outline.headings if hid.startswith("slide-")] == [(2, "Loose one"), (2, "Part"), (3, "Inside")]
    assert [href for href, _ in outline.toc] == ["#slide-1", "#slide-2", "#slide-3", "#provenance"]


def test_figure_numbers_and_captions_equal_the_slides(svg):
    d = report_deck(svg)
    label = re.compile(r'<figure class="block block-figure" id="(figure-\d+)".*?<figcaption><span class="figure-label">(Figure \d+\.)</span>([^<]*)', re.DOTALL)
    in_report = label.findall(render_report_html(d))
    assert in_report == label.findall(render_slides_html(d))
    assert [number for _, number, _ in in_report] == ["Figure 1.", "Figure 2.", "Figure 3."]


def test_figures_are_inline_svg_with_unique_ids_and_pictures_data_uris(svg):
    page = render_report_html(report_deck(svg))
    elements = Elements(page)
    ids = [attrs["id"] for _, attrs in elements.tags if attrs.get("id")]
    assert len(ids) == len(set(ids))
    assert len(elements.with_tag("svg")) == 2
    (img,) = elements.with_tag("img")
    assert img["src"].startswith("data:image/png;base64,")


def test_tables_math_and_code(svg):
    d = deck(
        slide("T", Table(header=(text("Model"), text("Acc")), rows=((text("relu"), text("95.1%")),), caption=text("Results.")), layout="table"),
        slide("M", bullets((Run("x^2", math=True),))),
        slide("C", Code(source="def f(x):\n    return x < 1\n", language="python"), layout="code"),
    )
    page = render_report_html(d)
    assert '<th scope="col" class="num">Acc</th>' in page and '<td class="num">95.1%</td>' in page
    assert "<caption>Results.</caption>" in page
    assert "<math" in page and "<msup>" in page
    assert '<div class="highlight">' in page and '<span class="k">def</span>' in page
    assert page.count(".highlight .k {") == 1
    assert ".highlight .k {" not in render_report_html(deck(slide("x", bullets("y"))))


# --------------------------------------------------------------------------
# Provenance


def provenance_rows(page: str) -> list[list[str]]:
    table = page[page.index('<table class="provenance-runs">') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody>") :]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def test_provenance_table_rows_equal_the_demo_runs(svg):
    page = render_report_html(report_deck(svg))
    assert provenance_rows(page) == [
        ["sweep", "depth_sweep", "cuda NVIDIA H100", "1234", "1 min 23 s", "ran", "depths = [2, 4] epochs = 5"],
        ["curves", "activation_curves", "cpu", "0", "0.042 s", "from cache", "—"],
    ]
    appendix = page[page.index('<section class="appendix"') :]
    assert "<strong class=\"profile\">quick</strong> profile" in appendix
    assert "2 demos: 1 ran for this build, 1 came from the cache" in appendix
    packages = re.findall(r"<tr><th scope=\"row\"><code>([^<]*)</code></th><td>([^<]*)</td></tr>", appendix)
    assert packages == [("matplotlib", "3.9.2"), ("numpy", "2.1.1, 2.0.0"), ("torch", "2.4.1")]


def test_appendix_without_demos_says_so():
    page = render_report_html(deck(slide("x", bullets("y"))))
    assert "No demos were run for it." in page and "provenance-runs" not in page
    assert "<strong class=\"profile\">default</strong>" in page


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.0, "0.000 s"), (0.0421, "0.042 s"), (3.14159, "3.14 s"), (59.994, "59.99 s"), (83.4, "1 min 23 s"), (3725, "1 h 02 min"), (float("nan"), "unknown"), (-1, "unknown"), (float("inf"), "unknown")],
)
def test_wall_time_format(seconds, shown):
    assert format_wall_time(seconds) == shown


# --------------------------------------------------------------------------
# Hostile content, self-containment


def hostile_report(svg: str) -> Deck:
    d = hostile_deck(svg)
    slides = (*d.slides, slide("Link", bullets((Run("click", href="javascript:alert(1)"),)), notes=(HOSTILE,)))
    hostile_run = replace(runs()[0], name=HOSTILE, kind=ATTRIBUTE_BREAKER, device_name=HOSTILE, params=((HOSTILE, ATTRIBUTE_BREAKER),), versions=((HOSTILE, ATTRIBUTE_BREAKER),))
    return replace(d, slides=tuple(replace(s, number=n) for n, s in enumerate(slides, start=1)), demo_runs=(hostile_run,), profile=HOSTILE)


def test_hostile_text_is_escaped_and_bad_links_unlinked(svg):
    page = render_report_html(hostile_report(svg))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'onerror="x' not in page
    assert "javascript:" not in page
    assert "<li>click</li>" in page  # the text stays, the link goes
    elements = Elements(page)
    assert not any(name.startswith("on") for _, attrs in elements.tags for name in attrs)
    assert all(a["href"].startswith(("#", "http://", "https://", "mailto:")) for a in elements.with_tag("a"))


def test_no_external_resources_and_no_script_allowed(svg):
    page = render_report_html(report_deck(svg))
    elements = Elements(page)
    for tag, attrs in elements.tags:
        if tag in RESOURCE_TAGS:
            for name in RESOURCE_ATTRIBUTES:
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("http:", "https:", "//")), (tag, name, value)
    assert not elements.with_tag("link") and not elements.with_tag("script")
    for css in elements.raw_text["style"]:
        assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:|//)", css)
    (policy,) = [m["content"] for m in elements.with_tag("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert policy == content_security_policy(()) and "script-src 'none'" in policy


def test_same_deck_same_bytes(svg):
    assert render_report_html(report_deck(svg)) == render_report_html(report_deck(svg))


def test_slides_page_is_unchanged_by_the_report_theme_refactor(svg):
    page = render_slides_html(report_deck(svg))
    assert "--slide-width: 1280px;" in page and "@page { size: 1280px 720px; margin: 0; }" in page
    assert re.search(r":root \{\n  --accent: #0072B2;\n  --accent-ink: ", page)


# --------------------------------------------------------------------------
# Templates


def test_undefined_variable_names_template_file_and_line(tmp_path):
    path = write(tmp_path, "report.html.j2", '{% extends "base.html.j2" %}\n{% block body %}\n\n<p>{{ no_such_thing }}</p>\n{% endblock %}\n')
    with pytest.raises(BuildError) as caught:
        render_report_html(deck(slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert re.match(rf"{re.escape(str(path))}:4: .*no_such_thing", caught.value.message)


def test_undefined_attribute_in_the_report_partial_names_it(tmp_path):
    path = write(tmp_path, "partials/report.html.j2", "{% macro title_block(t) %}\n{{ t.no_such_field }}\n{% endmacro %}\n")
    with pytest.raises(BuildError) as caught:
        render_report_html(deck(slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert caught.value.message.startswith(f"{path}:2: ") and "no_such_field" in caught.value.message


def test_override_block_and_stylesheet(tmp_path):
    write(tmp_path, "report.html.j2", '{% extends "base.html.j2" %}{% block body %}<p>{{ sections | length }} sections, profile {{ provenance.profile }}</p>{% endblock %}')
    write(tmp_path, "static/report.css", "/* house style */\n")
    page = render_report_html(deck(slide("A", layout="section", kind="section"), slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert "<p>1 sections, profile default</p>" in page and "/* house style */" in page


def test_stylesheet_that_would_close_its_element_is_refused(tmp_path):
    write(tmp_path, "static/report.css", "p { } </style><script>alert(1)</script>\n")
    with pytest.raises(BuildError, match="</style"):
        render_report_html(deck(), template_dirs=[tmp_path])


def test_bad_math_names_the_slide():
    with pytest.raises(BuildError, match=r"slide 2 \('Broken'\).*cannot typeset the math"):
        render_report_html(deck(slide("Fine", bullets("x")), slide("Broken", bullets((Run("{", math=True),)))))


def test_empty_deck_renders():
    page = render_report_html(deck())
    assert "<main" in page and "Appendix: Provenance" in page
