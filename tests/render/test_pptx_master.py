"""The designed master: built by code, one named layout per kind of slide, typed placeholders,
the theme's fonts and accent, a footer and slide numbers PowerPoint manages."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from lxml import etree
from PIL import Image as PILImage
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

from generator.deck import plain_text
from generator.slide_layouts import LAYOUT_ORDER
from generator.render.pptx import render_pptx
from tests.office import page_images, pptx_to_pdf
from tests.render.test_pptx import full_deck, opened

DESIGNED = [
    "Title",
    "Section",
    "Title and Bullets",
    "Title and Figure",
    "Figure and Bullets",
    "Table",
    "Code",
    "Quote",
    "Closing",
]


@pytest.fixture(scope="module")
def deck():
    return full_deck()


@pytest.fixture(scope="module")
def prs(deck):
    return opened(deck)


def types(owner) -> list[PP_PLACEHOLDER]:
    return [placeholder.placeholder_format.type for placeholder in owner.placeholders]


def layout_named(prs, name: str):
    return next(layout for layout in prs.slide_layouts if layout.name == name)


def theme_root(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("ppt/theme/theme1.xml"))


def test_the_master_has_exactly_one_named_layout_per_kind_of_slide(prs):
    assert [layout.name for layout in prs.slide_layouts] == DESIGNED
    assert len(LAYOUT_ORDER) == len(DESIGNED)


def test_no_unused_default_layout_is_left_in_the_file(deck):
    with zipfile.ZipFile(io.BytesIO(render_pptx(deck))) as archive:
        layouts = [name for name in archive.namelist() if name.startswith("ppt/slideLayouts/slideLayout")]
    assert len(layouts) == len(DESIGNED)


def test_each_kind_of_slide_is_built_on_its_layout(deck, prs):
    expected = dict(zip(LAYOUT_ORDER, DESIGNED))
    assert [slide.slide_layout.name for slide in prs.slides] == [expected[slide.layout] for slide in deck.slides]


def test_layouts_carry_typed_placeholders(prs):
    assert types(layout_named(prs, "Title")) == [PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.SUBTITLE]
    assert PP_PLACEHOLDER.BODY in types(layout_named(prs, "Title and Bullets"))
    assert PP_PLACEHOLDER.PICTURE in types(layout_named(prs, "Title and Figure"))
    assert PP_PLACEHOLDER.TABLE in types(layout_named(prs, "Table"))
    beside = {ph.placeholder_format.type: ph for ph in layout_named(prs, "Figure and Bullets").placeholders}
    assert beside[PP_PLACEHOLDER.BODY].left + beside[PP_PLACEHOLDER.BODY].width < beside[PP_PLACEHOLDER.PICTURE].left
    for layout in prs.slide_layouts:
        if layout.name != "Title":
            assert {PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER} <= set(types(layout)), layout.name


def test_content_layouts_share_one_grid(prs):
    titles = {
        (layout.placeholders[0].left, layout.placeholders[0].top, layout.placeholders[0].width)
        for layout in prs.slide_layouts
        if layout.name not in ("Title", "Section")
    }
    assert len(titles) == 1
    ((left, top, width),) = titles
    for layout in prs.slide_layouts:
        for placeholder in layout.placeholders:
            assert placeholder.left + placeholder.width <= prs.slide_width, (layout.name, placeholder.name)
        if layout.name in ("Title and Bullets", "Table", "Code", "Closing"):
            body = layout.placeholders[1]
            assert (body.left, body.width) == (left, width) and body.top > top, layout.name


def test_placeholders_are_filled_by_type(deck, prs):
    title_slide = prs.slides[0]
    placeholders = {ph.placeholder_format.type: ph for ph in title_slide.placeholders}
    assert placeholders[PP_PLACEHOLDER.CENTER_TITLE].text_frame.text == "Deep Nets"
    assert placeholders[PP_PLACEHOLDER.SUBTITLE].text_frame.text.splitlines()[0] == "Why depth is hard"
    bullets = {ph.placeholder_format.type: ph for ph in prs.slides[2].placeholders}
    assert bullets[PP_PLACEHOLDER.TITLE].text_frame.text == plain_text(deck.slides[2].title)
    assert bullets[PP_PLACEHOLDER.BODY].text_frame.paragraphs[0].runs[0].text == "Depth "
    section = {ph.placeholder_format.type: ph.text_frame.text for ph in prs.slides[1].placeholders}
    assert (section[PP_PLACEHOLDER.TITLE], section[PP_PLACEHOLDER.BODY]) == ("Activations", "Part 1")


def test_no_placeholder_is_left_empty_on_a_slide(prs):
    # An empty one shows "Click to add text" in PowerPoint and an empty frame in LibreOffice.
    for number, slide in enumerate(prs.slides, start=1):
        for placeholder in slide.placeholders:
            assert placeholder.text_frame.text.strip(), (number, placeholder.name)


def test_footer_and_slide_number_are_the_layouts_placeholders(prs):
    for number, slide in enumerate(prs.slides, start=1):
        kinds = {ph.placeholder_format.type: ph for ph in slide.placeholders}
        if number == 1:
            assert PP_PLACEHOLDER.FOOTER not in kinds and PP_PLACEHOLDER.SLIDE_NUMBER not in kinds
            continue
        assert kinds[PP_PLACEHOLDER.FOOTER].text_frame.text == "Deep Nets"
        field = kinds[PP_PLACEHOLDER.SLIDE_NUMBER]._element.find(f".//{qn('a:fld')}")
        assert field.get("type") == "slidenum" and field.findtext(qn("a:t")) == str(number)


def test_theme_part_holds_the_fonts_and_the_accent(deck):
    styled = replace(
        deck, theme=replace(deck.theme, accent="#D55E00", font="Liberation Sans", font_east_asian="Noto Sans CJK JP")
    )
    root = theme_root(render_pptx(styled))
    for scheme in ("a:majorFont", "a:minorFont"):
        font = root.find(f".//{qn(scheme)}")
        assert font.find(qn("a:latin")).get("typeface") == "Liberation Sans"
        assert font.find(qn("a:ea")).get("typeface") == "Noto Sans CJK JP"
    assert root.find(f".//{qn('a:accent1')}/{qn('a:srgbClr')}").get("val") == "D55E00"


def test_master_title_and_body_styles_are_set(prs):
    styles = prs.slide_master._element.find(qn("p:txStyles"))
    title = styles.find(f"{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
    assert (title.get("algn"), title.find(qn("a:defRPr")).get("b")) == ("l", "1")
    sizes = [
        int(styles.find(f"{qn('p:bodyStyle')}/{qn(f'a:lvl{level}pPr')}/{qn('a:defRPr')}").get("sz")) // 100
        for level in (1, 2, 3)
    ]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[2]


def test_a_4_3_deck_gets_the_same_layouts_on_a_narrower_grid():
    prs = opened(full_deck("4:3"))
    assert [layout.name for layout in prs.slide_layouts] == DESIGNED
    for layout in prs.slide_layouts:
        for placeholder in layout.placeholders:
            assert placeholder.left + placeholder.width <= prs.slide_width, (layout.name, placeholder.name)


# --- what a viewer sees ---------------------------------------------------------------------


def rendered_pages(data: bytes, folder) -> list[PILImage.Image]:
    source = folder / "deck.pptx"
    source.write_bytes(data)
    return page_images(pptx_to_pdf(source, folder), folder)


def near(colour, wanted, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, wanted))


@pytest.mark.slow
def test_libreoffice_shows_the_accent_on_the_section_divider_and_under_titles(deck, tmp_path):
    accent = (0xD5, 0x5E, 0x00)
    pages = rendered_pages(render_pptx(replace(deck, theme=replace(deck.theme, accent="#D55E00"))), tmp_path)
    assert len(pages) == len(deck.slides)
    section, bullets = pages[1], pages[2]
    width, height = section.size
    # The divider's background: the accent darkened just enough for its white text (render/contrast.py).
    assert near(section.getpixel((width // 2, height // 8)), (0xC0, 0x55, 0x00))
    assert near(bullets.getpixel((width // 2, height // 8)), (255, 255, 255))  # content slides stay white
    # The short rule under a content slide's title: somewhere on the title's left, below it.
    rule = [bullets.getpixel((x, y)) for x in range(width // 20, width // 8) for y in range(height // 6, height // 4)]
    assert any(near(pixel, accent) for pixel in rule)
