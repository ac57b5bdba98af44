"""The HTML slide deck as text: structure, escaping, self-containment, templates.

Fast tests without a browser; tests/browser/ drives the same page in Chromium.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.deck import (
    Bullet,
    Bullets,
    Code,
    Deck,
    Figure,
    FigureAsset,
    Image,
    Quote,
    Run,
    Slide,
    Table,
)
from generator.errors import BuildError
from generator.render.html import (
    content_security_policy,
    inline_html,
    inline_svg,
    render_report_html,
    render_slides_html,
    safe_href,
    tex_to_mathml,
)
from tests.decks import deck, matplotlib_figure, meta, text, theme

HOSTILE = "<script>alert(1)</script>"
ATTRIBUTE_BREAKER = '" onerror="x'

# --------------------------------------------------------------------------
# Building decks by hand


def slide(title: str, *blocks, layout: str = "bullets", kind: str = "content", notes: tuple[str, ...] = (), subtitle: str = "") -> Slide:
    return Slide(
        kind=kind,
        layout=layout,
        title=text(title),
        blocks=blocks,
        subtitle=text(subtitle) if subtitle else (),
        notes=tuple(text(n) for n in notes),
        section="Basics",
    )


def bullets(*items: str | tuple[Run, ...]) -> Bullets:
    return Bullets(items=tuple(Bullet(text=text(i) if isinstance(i, str) else i) for i in items))


@pytest.fixture(scope="module")
def svg() -> str:
    return matplotlib_figure()[0]


def figure(svg: str, number: int = 1, alt: str = "A falling then rising line", caption: str = "A tiny chart.") -> Figure:
    asset = FigureAsset(name=f"demo.fig{number}", png=b"", svg=svg, width_px=200, height_px=150, alt=alt)
    return Figure(asset=asset, number=number, caption=text(caption))


PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5271b3a0000000049454e44ae426082"
)


def image(alt: str = "One pixel", caption: str = "A picture.") -> Image:
    return Image(data=PNG_1x1, filename="pixel.png", media_type="image/png", width_px=1, height_px=1, alt=alt, number=3, caption=text(caption))


def every_kind_deck(svg: str) -> Deck:
    return deck(
        slide("Deep Nets", layout="title", kind="title", subtitle="Why depth is hard", notes=("Welcome.",)),
        slide("Activations", layout="section", kind="section"),
        slide("Bullets first", bullets("one", "two"), notes=("Say this.", "Then that.")),
        slide("A figure", figure(svg, 1), layout="figure"),
        slide("Figure and bullets", figure(svg, 2), bullets("left"), layout="figure_bullets"),
        slide("A picture", image(), layout="figure"),
        slide(
            "A table",
            Table(header=(text("Model"), text("Accuracy")), rows=((text("relu"), text("95.1%")), (text("tanh"), text("90.0%"))), caption=text("Results.")),
            layout="table",
        ),
        slide("Some code", Code(source="def f(x):\n    return x < 1\n", language="python"), layout="code"),
        slide("A quote", Quote(text=text("Depth is hard."), attribution=text("Someone")), layout="quote"),
        slide("Thanks", bullets("Questions?"), layout="closing", kind="closing"),
    )


# --------------------------------------------------------------------------
# Looking at the output


class Elements(HTMLParser):
    """Every start tag with its attributes, plus the text of <style> and <script> elements."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw_text: dict[str, list[str]] = {"style": [], "script": []}
        self._in: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw_text:
            self._in = tag
            self.raw_text[tag].append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.raw_text[self._in][-1] += data

    def with_tag(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


def slide_titles_in_page_order(page: str) -> list[str]:
    return re.findall(r'<section class="slide[^"]*" id="slide-\d+"[^>]*aria-label="\d+ / \d+: ([^"]*)"', page)


# --------------------------------------------------------------------------
# Structure


def test_every_slide_in_order_with_ids_and_labels(svg):
    d = every_kind_deck(svg)
    page = render_slides_html(d)
    assert slide_titles_in_page_order(page) == [s.title[0].text for s in d.slides]
    ids = [attrs["id"] for attrs in Elements(page).with_tag("section")]
    assert ids == [f"slide-{n}" for n in range(1, len(d.slides) + 1)]
    positions = [page.index(f">{s.title[0].text}</h") for s in d.slides]
    assert positions == sorted(positions)


def test_page_frame(svg):
    page = render_slides_html(every_kind_deck(svg))
    assert page.startswith("<!DOCTYPE html>\n")
    assert '<html lang="en">' in page
    assert "<title>Deep Nets</title>" in page
    assert 'data-counter-total>10<' in page


def test_title_slide_carries_the_lecture_details(svg):
    page = render_slides_html(every_kind_deck(svg))
    title_slide = page[page.index('id="slide-1"') : page.index('id="slide-2"')]
    for expected in ("<h1", "Deep Nets", "Why depth is hard", "Ada Lovelace", "Engine Institute", "Lecture 3", '<time datetime="2025-03-14">', "Based on Glorot &amp; Bengio (2010)"):
        assert expected in title_slide


def test_speaker_notes_are_in_the_page():
    page = render_slides_html(deck(slide("Talk", bullets("x"), notes=("Say this.", "Then that."))))
    assert '<aside class="notes"' in page
    notes = page[page.index('<aside class="notes"') : page.index("</aside>")]
    assert "<p>Say this.</p>" in notes and "<p>Then that.</p>" in notes


def test_nested_bullets_become_nested_lists():
    nested = Bullets(items=(Bullet(text=text("outer"), children=(Bullet(text=text("inner")),)),))
    page = render_slides_html(deck(slide("Nesting", nested)))
    assert re.search(r"<li>outer<ul>\s*<li>inner</li>\s*</ul>\s*</li>", page)


def test_figure_is_inline_svg_with_number_caption_and_alt_text(svg):
    page = render_slides_html(deck(slide("Fig", figure(svg, 4, alt="Loss curve"), layout="figure")))
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    svg_roots = Elements(page).with_tag("svg")
    assert len(svg_roots) == 1
    assert svg_roots[0]["role"] == "img" and svg_roots[0]["aria-label"] == "Loss curve"
    assert "width" not in svg_roots[0]  # sized by CSS from the viewBox
    assert re.search(r'aria-label="Loss curve"[^>]*><title>Loss curve</title>', page)
    assert re.search(r'<figcaption><span class="figure-label">Figure 4\.</span> A tiny chart\.</figcaption>', page)


def test_a_drawn_figure_says_its_words_are_english_in_a_german_page(svg):
    # lecturegen draws axis titles and writes alt text in English: a screen reader on a German page
    # should read that alt text with an English voice, not a German one.
    page = render_slides_html(deck(slide("Abb", figure(svg, 1, alt="Loss curve"), layout="figure"), language="de"))
    assert '<html lang="de"' in page
    root = Elements(page).with_tag("svg")[0]
    assert root["lang"] == "en" and root["aria-label"] == "Loss curve"
    report = render_report_html(deck(slide("Abb", figure(svg, 1, alt="Loss curve"), layout="figure"), language="de"))
    assert Elements(report).with_tag("svg")[0]["lang"] == "en"


def test_two_figures_never_share_an_id_and_references_stay_inside_their_figure(svg):
    page = render_slides_html(deck(slide("One", figure(svg, 1), layout="figure"), slide("Two", figure(svg, 2), layout="figure")))
    ids = [attrs["id"] for _, attrs in Elements(page).tags if "id" in attrs]
    assert len(ids) == len(set(ids))
    references = re.findall(r'href="#([^"]+)"', page) + re.findall(r"url\(#([^)]+)\)", page)
    assert references  # matplotlib's glyphs and clip paths are used by reference
    assert set(references) <= set(ids)
    for n in (1, 2):
        figure_svg = page[page.index(f'id="slide-{n}"') :].split("</svg>")[0]
        assert all(r.startswith(f"s{n}b0-") for r in re.findall(r'href="#([^"]+)"', figure_svg))


def test_svg_style_is_scoped_to_its_figure(svg):
    inlined = inline_svg(svg, "p-", "alt")
    styles = re.findall(r"<style[^>]*>(.*?)</style>", str(inlined), re.DOTALL)
    assert styles and all(rule.strip().startswith("#p-svg ") for rule in styles)


def test_svg_root_without_viewbox_gets_one():
    inlined = str(inline_svg('<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt"><rect/></svg>', "q-", "x"))
    assert 'viewBox="0 0 100 50"' in inlined and 'width="100pt"' not in inlined


def test_picture_is_a_data_uri():
    page = render_slides_html(deck(slide("Pic", image(alt="One pixel"), layout="figure")))
    (img,) = Elements(page).with_tag("img")
    assert img["src"].startswith("data:image/png;base64,iVBORw0KGgo")
    assert img["alt"] == "One pixel"  # alt is the name; role="img" on <img> would be redundant (Nu checker)


def test_picture_with_a_strange_media_type_is_refused():
    odd = Image(data=b"x", filename="x", media_type="text/html", width_px=1, height_px=1, alt="x", number=1, caption=())
    with pytest.raises(BuildError, match="media type"):
        render_slides_html(deck(slide("Pic", odd, layout="figure")))


def test_table_has_column_headers_and_right_aligned_numbers():
    table = Table(header=(text("Model"), text("Acc")), rows=((text("relu"), text("95.1%")), (text("tanh"), text("-0.5"))))
    page = render_slides_html(deck(slide("T", table, layout="table")))
    headers = Elements(page).with_tag("th")
    assert [h["scope"] for h in headers] == ["col", "col"]
    assert headers[0].get("class") is None and headers[1]["class"] == "num"
    assert '<td class="num">95.1%</td>' in page and "<td>relu</td>" in page


def test_ragged_table_row_still_renders():
    table = Table(header=(text("a"), text("b")), rows=((text("1"), text("2"), text("3")),))
    assert "<td" in render_slides_html(deck(slide("T", table, layout="table")))


def test_code_is_highlighted_and_its_style_inlined_once():
    code = Code(source="x = '<b>'\n", language="python")
    page = render_slides_html(deck(slide("C1", code, layout="code"), slide("C2", code, layout="code")))
    assert page.count('<div class="highlight">') == 2
    assert "&lt;b&gt;" in page and "'<b>'" not in page
    assert page.count(".highlight .k {") == 1


def test_unknown_language_falls_back_to_plain_text():
    page = render_slides_html(deck(slide("C", Code(source="???", language="no-such-language"), layout="code")))
    assert "???" in page


def test_no_code_style_without_code():
    assert ".highlight .k {" not in render_slides_html(deck(slide("B", bullets("x"))))


def test_quote_is_a_blockquote_with_attribution():
    page = render_slides_html(deck(slide("Q", Quote(text=text("Depth is hard."), attribution=text("Someone")), layout="quote")))
    assert re.search(r"<blockquote><p>Depth is hard\.</p></blockquote>\s*<figcaption>— Someone</figcaption>", page)


def test_four_by_three_stage():
    d = Deck(meta=meta(), theme=theme(aspect="4:3"), slides=(slide("x", bullets("y")),))
    page = render_slides_html(d)
    assert "--slide-width: 960px;" in page and 'data-width="960"' in page


def test_empty_deck_renders():
    page = render_slides_html(Deck(meta=meta(), theme=theme(), slides=()))
    assert "data-counter-total>0<" in page


def test_theme_accent_and_fonts_become_css_properties():
    page = render_slides_html(deck(slide("x", bullets("y"))))
    assert "--accent: #0072B2;" in page
    body_fonts = re.search(r"--font-body: ([^;]*);", page).group(1)
    assert body_fonts.startswith('"DejaVu Sans"') and '"Noto Sans CJK SC"' in body_fonts
    assert body_fonts.endswith("sans-serif")
    assert re.search(r"--font-code: \"DejaVu Sans Mono\".*monospace;", page)


def test_japanese_lecture_falls_back_to_japanese_cjk_fonts():
    page = render_slides_html(deck(slide("x", bullets("y")), language="ja"))
    body_fonts = re.search(r"--font-body: ([^;]*);", page).group(1)
    # The theme's own East Asian font first (the user chose it), then Japanese forms.
    assert body_fonts.index('"Noto Sans CJK SC"') < body_fonts.index('"Noto Sans CJK JP"')
    assert "PingFang SC" not in body_fonts


def test_bad_accent_is_refused():
    d = Deck(meta=meta(), theme=theme(accent="red; background: url(x)"), slides=())
    with pytest.raises(BuildError, match="#RRGGBB"):
        render_slides_html(d)


# --------------------------------------------------------------------------
# Hostile content


def hostile_deck(svg: str) -> Deck:
    return deck(
        slide(HOSTILE, layout="title", kind="title", subtitle=HOSTILE, notes=(HOSTILE,)),
        slide(
            f"Bullets {HOSTILE}",
            bullets(HOSTILE, ATTRIBUTE_BREAKER, (Run(HOSTILE, bold=True, italic=True, code=True),)),
            notes=(ATTRIBUTE_BREAKER,),
        ),
        slide("Fig", figure(svg, 1, alt=f"{ATTRIBUTE_BREAKER} {HOSTILE}", caption=HOSTILE), layout="figure"),
        slide("Pic", image(alt=ATTRIBUTE_BREAKER, caption=HOSTILE), layout="figure"),
        slide("Tab", Table(header=(text(HOSTILE),), rows=((text(ATTRIBUTE_BREAKER),),), caption=text(HOSTILE)), layout="table"),
        slide("Code", Code(source=HOSTILE, language="html"), layout="code"),
        slide("Quote", Quote(text=text(HOSTILE), attribution=text(HOSTILE)), layout="quote"),
        title=HOSTILE,
        author=ATTRIBUTE_BREAKER,
        subtitle=HOSTILE,
        series=HOSTILE,
        credit=HOSTILE,
        affiliation=ATTRIBUTE_BREAKER,
    )


def test_hostile_text_is_escaped_everywhere(svg):
    page = render_slides_html(hostile_deck(svg))
    assert "<script>alert" not in page
    assert page.count("<script") == 1  # the deck's own navigation script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'onerror="x' not in page
    assert not any(name.startswith("on") for _, attrs in Elements(page).tags for name in attrs)


def test_hostile_theme_fonts_cannot_leave_their_css_string():
    d = Deck(
        meta=meta(),
        theme=theme(font='X"; } body { color: red } .y { font: "', font_code="</style><script>alert(1)</script>"),
        slides=(slide("x", bullets("y")),),
    )
    page = render_slides_html(d)
    assert "<script>alert" not in page and page.count("</style>") == page.count("<style")
    body_fonts = re.search(r"--font-body: (.*);\n", page).group(1)
    assert body_fonts.startswith('"X\\22 ')
    assert "body { color: red }" in body_fonts  # still inside the string, harmless


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/x",
        "relative/path.html",
        "http://",
        "",
    ],
)
def test_links_other_than_http_https_mailto_render_as_plain_text(href):
    assert safe_href(href) is None
    html = str(inline_html((Run("click me", href=href),)))
    assert html == "click me"


@pytest.mark.parametrize("href", ["http://example.org", "https://example.org/a?b=1&c=2", "mailto:ada@example.org", "HTTPS://EXAMPLE.ORG"])
def test_web_and_mail_links_are_linked_with_noopener(href):
    html = str(inline_html((Run("site", href=href),)))
    assert html.startswith('<a href="') and 'rel="noopener"' in html and ">site</a>" in html
    assert "&amp;c=2" in html or "&c" not in href


def test_inline_styles_nest_and_escape():
    html = str(inline_html((Run("a<b", bold=True, italic=True, code=True), Run(" & "), Run("x", href="https://e.org", bold=True))))
    assert html == '<strong><em><code>a&lt;b</code></em></strong> &amp; <a href="https://e.org" rel="noopener" target="_blank"><strong>x</strong></a>'


# --------------------------------------------------------------------------
# Math


def test_math_becomes_inline_mathml():
    page = render_slides_html(deck(slide("M", bullets((Run("f = "), Run(r"\frac{1}{1+e^{-x}}", math=True))))))
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in page
    assert "<mfrac>" in page


def test_math_text_cannot_smuggle_markup():
    mathml = str(tex_to_mathml(r"a < b \text{<script>alert(1)</script> & <b>} \href{javascript:alert(1)}{x}"))
    assert "<script" not in mathml and "<b>" not in mathml and "javascript" not in mathml
    assert "&lt;script&gt;" in mathml and "&amp;" in mathml
    assert mathml.count("<math") == 1 and mathml.endswith("</math>")
    opened = re.findall(r"<(m[a-z]+|math)\b", mathml)
    closed = re.findall(r"</(m[a-z]+|math)>", mathml)
    assert sorted(opened) == sorted(closed)


def test_prime_sits_after_its_letter_not_in_a_superscript():
    mathml = str(tex_to_mathml(r"\sigma'(x) = x^2"))
    assert '<mrow><mi>σ</mi><mo lspace="0" rspace="0">′</mo></mrow>' in mathml
    assert "<msup><mi>x</mi><mn>2</mn></msup>" in mathml


def test_punctuation_after_math_stays_on_its_line():
    html = str(inline_html((Run("so "), Run("x", math=True), Run(", then"))))
    assert re.fullmatch(r'so <span class="nowrap"><math [^>]*>.*</math>,</span> then', html)


def test_bad_math_names_the_slide():
    with pytest.raises(BuildError, match=r"slide 2 \('Broken'\).*cannot typeset the math \$\{\$"):
        render_slides_html(deck(slide("Fine", bullets("x")), slide("Broken", bullets((Run("{", math=True),)))))


# --------------------------------------------------------------------------
# Self-contained: nothing fetched


RESOURCE_ATTRIBUTES = ("src", "href", "srcset", "data", "poster", "xlink:href", "background")
RESOURCE_TAGS = ("link", "script", "img", "iframe", "source", "video", "audio", "embed", "object", "image", "use", "track", "input")


def test_no_external_resources(svg):
    page = render_slides_html(every_kind_deck(svg))
    elements = Elements(page)
    for tag, attrs in elements.tags:
        if tag not in RESOURCE_TAGS:
            continue
        for name in RESOURCE_ATTRIBUTES:
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, name, value)
    assert not elements.with_tag("link")
    assert all("src" not in attrs for attrs in elements.with_tag("script"))
    for css in elements.raw_text["style"]:
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?(https?:|//)", css)


def test_external_links_in_content_are_still_links():
    page = render_slides_html(deck(slide("L", bullets((Run("paper", href="https://example.org/paper"),)))))
    assert [a["href"] for a in Elements(page).with_tag("a")] == ["https://example.org/paper"]


def test_content_security_policy_allows_exactly_the_inline_script(svg):
    page = render_slides_html(every_kind_deck(svg))
    elements = Elements(page)
    (policy,) = [m["content"] for m in elements.with_tag("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    (script,) = elements.raw_text["script"]
    assert policy == content_security_policy((script,))
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


# --------------------------------------------------------------------------
# Templates: search order, strictness, errors


def write(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def test_override_folder_is_searched_first(tmp_path):
    write(tmp_path, "slides.html.j2", '{% extends "base.html.j2" %}{% block body %}<p>custom {{ slide_count }}</p>{% endblock %}')
    page = render_slides_html(deck(slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert "<p>custom 1</p>" in page and '<section class="slide' not in page


def test_override_of_a_partial_is_used_by_the_built_in_page(tmp_path):
    write(tmp_path, "partials/blocks.html.j2", "{% macro block(b) %}<p>my block</p>{% endmacro %}")
    page = render_slides_html(deck(slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert "<p>my block</p>" in page and "<li>y</li>" not in page


def test_override_of_the_stylesheet(tmp_path):
    write(tmp_path, "static/slides.css", "/* house style */\n")
    page = render_slides_html(deck(slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert "/* house style */" in page and "lecturegen slides." not in page


def test_undefined_variable_names_template_file_and_line(tmp_path):
    path = write(tmp_path, "slides.html.j2", '{% extends "base.html.j2" %}\n{% block body %}\n<p>{{ no_such_thing }}</p>\n{% endblock %}\n')
    with pytest.raises(BuildError) as caught:
        render_slides_html(deck(slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert re.match(rf"{re.escape(str(path))}:3: .*no_such_thing", caught.value.message)


def test_undefined_attribute_in_a_partial_names_the_partial(tmp_path):
    path = write(tmp_path, "partials/blocks.html.j2", "{% macro block(b) %}\n\n{{ b.no_such_field }}\n{% endmacro %}\n")
    with pytest.raises(BuildError) as caught:
        render_slides_html(deck(slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert caught.value.message.startswith(f"{path}:3: ")
    assert "no_such_field" in caught.value.message


def test_syntax_error_names_template_file_and_line(tmp_path):
    path = write(tmp_path, "slides.html.j2", '{% extends "base.html.j2" %}\n\n{% block body %}{% if %}{% endblock %}\n')
    with pytest.raises(BuildError) as caught:
        render_slides_html(deck(slide("x", bullets("y"))), template_dirs=[tmp_path])
    assert caught.value.message.startswith(f"{path}:3: ")


def test_other_template_mistakes_name_file_and_line(tmp_path):
    path = write(tmp_path, "slides.html.j2", '{% extends "base.html.j2" %}\n{% block body %}{{ 1 // 0 }}{% endblock %}\n')
    with pytest.raises(BuildError) as caught:
        render_slides_html(deck(), template_dirs=[tmp_path])
    assert caught.value.message.startswith(f"{path}:2: ZeroDivisionError")


def test_missing_template_is_a_build_error(tmp_path):
    write(tmp_path, "slides.html.j2", '{% extends "no-such-base.html.j2" %}')
    with pytest.raises(BuildError, match="no-such-base.html.j2"):
        render_slides_html(deck(), template_dirs=[tmp_path])


def test_script_that_would_close_its_element_is_refused(tmp_path):
    write(tmp_path, "static/slides.js", "var s = '</script>';\n")
    with pytest.raises(BuildError, match="</script"):
        render_slides_html(deck(), template_dirs=[tmp_path])


def test_same_deck_same_bytes(svg):
    first = render_slides_html(every_kind_deck(svg))
    second = render_slides_html(every_kind_deck(svg))
    assert first == second
