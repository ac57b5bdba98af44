"""The PowerPoint renderer, checked the way a user would open the deck."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu

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
    plain_text,
)
from generator.errors import BuildError
from generator.render.pptx import render_pptx
from tests.decks import meta, png, text, theme
from tests.office import page_texts, pptx_to_pdf

SIXTEEN_NINE = (Emu(12192000), Emu(6858000))
FOUR_THREE = (Emu(9144000), Emu(6858000))


# --- building decks by hand ---------------------------------------------------------------


def asset(name: str, width: int, height: int, alt: str) -> FigureAsset:
    return FigureAsset(name=name, png=png(width, height), svg="<svg/>", width_px=width, height_px=height, alt=alt)


WIDE = asset("sweep.accuracy", 600, 400, "Accuracy against depth for three activations")
TALL = asset("act.derivatives", 300, 600, "Derivatives of sigmoid, tanh and ReLU")

BULLETS = Bullets(
    items=(
        Bullet(
            text=(Run("Depth "), Run("helps", bold=True), Run(" until "), Run("gradients vanish", italic=True)),
            children=(
                Bullet(text=(Run("sigmoid saturates at "), Run("\\sigma'(x) \\le 1/4", math=True)),
                       children=(Bullet(text=(Run("call "), Run("torch.sigmoid", code=True))),)),
            ),
        ),
        Bullet(text=(Run("Read "), Run("the paper", href="https://example.org/glorot10"))),
    )
)

PYTHON = Code(
    source="def relu(x):\n    # keep the positive part\n    return max(0.0, x)\n\nprint(relu(-2))\n",
    language="python",
)


def content(layout: str, title: str, *blocks, notes=(), kind: str = "content") -> Slide:
    return Slide(kind=kind, layout=layout, title=text(title), blocks=blocks, notes=notes)


ACCURACY = Table(
    header=(text("Activation"), text("Depth 4"), text("Depth 16")),
    rows=((text("sigmoid"), text("91%"), text("11%")), (text("relu"), text("97%"), text("96%"))),
    caption=text("Test accuracy, mean of 3 seeds"),
)


def full_deck(aspect: str = "16:9", **meta_overrides) -> Deck:
    """One slide of every layout, in a deliberate order."""
    title = Slide(kind="title", layout="title", title=text("Deep Nets"), subtitle=text("Why depth is hard"))
    section = Slide(kind="section", layout="section", title=text("Activations"), subtitle=text("Part 1"))
    two_bullets = Bullets(items=(Bullet(text("Sigmoid peaks at 1/4")), Bullet(text("ReLU is 1 or 0"))))
    slides = (
        title,
        section,
        content("bullets", "Why depth is hard", BULLETS,
                notes=(text("Start with the picture."), (Run("Then ask: "), Run("why?", italic=True)))),
        content("figure", "Accuracy falls with depth", Figure(WIDE, 1, text("Accuracy after 10 epochs"))),
        content("figure_bullets", "Derivatives", two_bullets, Figure(TALL, 2, text("Derivatives"))),
        content("table", "Final accuracy", ACCURACY),
        content("code", "ReLU in Python", PYTHON),
        content("quote", "A warning",
                Quote(text("Deep networks are hard to train."), attribution=text("Glorot & Bengio, 2010"))),
        content("closing", "Summary", Bullets(items=(Bullet(text("Use ReLU")), Bullet(text("Initialise with care")))),
                notes=(text("Questions?"),), kind="closing"),
    )
    numbered = tuple(replace(slide, number=i) for i, slide in enumerate(slides, start=1))
    return Deck(meta=meta(**meta_overrides), theme=theme(aspect=aspect), slides=numbered, figures=(WIDE, TALL))


def crowded_deck(aspect: str = "16:9") -> Deck:
    """Slides holding more than fits comfortably, where layouts collide if they are going to."""
    sentence = "a sentence long enough to need most of a line on a wide slide"
    many = Bullets(items=tuple(
        Bullet(text(f"Point {i}: {sentence}"), children=(Bullet(text("a nested remark")),) if i % 3 == 0 else ())
        for i in range(14)
    ))
    wide_table = Table(
        header=(text("Activation"), text("Depth 4"), text("Depth 16"), text("Notes")),
        rows=tuple((text(f"act{i}"), text("91%"), text("11%"), text(sentence)) for i in range(6)),
        caption=text("Accuracy"),
    )
    long_code = Code("\n".join(f"for epoch in range({i}):  # {sentence}" for i in range(30)), "python")
    slides = (
        content("bullets", "A title long enough to wrap onto a second line on any slide size at all", many),
        content("bullets", "Bullets, table and code", BULLETS, wide_table, PYTHON),
        content("code", "Long code", long_code),
        content("figure", "Text above two figures", Bullets(items=(Bullet(text("Context")),)),
                Figure(WIDE, 1, text("wide")), Figure(TALL, 2, text("tall"))),
        content("figure_bullets", "Many bullets beside a figure", many, Figure(TALL, 3, text("tall"))),
    )
    return Deck(meta=meta(), theme=theme(aspect=aspect), slides=slides)


def one_slide_deck(slide: Slide, aspect: str = "16:9") -> Deck:
    return Deck(meta=meta(), theme=theme(aspect=aspect), slides=(slide,))


def opened(deck: Deck):
    return Presentation(io.BytesIO(render_pptx(deck)))


@pytest.fixture(scope="module", autouse=True)
def no_source_date_epoch():
    # A CI job that exports SOURCE_DATE_EPOCH must not change what these tests see; module
    # scope, because the module's rendered deck is built before any function fixture runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        yield


@pytest.fixture(scope="module")
def deck() -> Deck:
    return full_deck()


@pytest.fixture(scope="module")
def prs(deck):
    return opened(deck)


def slide_titled(prs, title: str):
    return next(s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text_frame.text == title)


def slide_index(prs, title: str) -> int:
    return list(prs.slides).index(slide_titled(prs, title))


def pictures(slide):
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def runs_of(shape):
    return [run for paragraph in shape.text_frame.paragraphs for run in paragraph.runs]


def run_with_text(slide, wanted: str):
    for shape in slide.shapes:
        if shape.has_text_frame:
            for run in runs_of(shape):
                if run.text == wanted:
                    return run
    raise AssertionError(f"no run {wanted!r} on the slide")


def shape_named(slide, name: str):
    return next(shape for shape in slide.shapes if shape.name == name)


def all_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


# --- the deck as a whole ------------------------------------------------------------------


def test_one_slide_per_deck_slide_with_its_title_in_order(deck, prs):
    assert len(prs.slides) == len(deck.slides)
    assert [s.shapes.title.text_frame.text for s in prs.slides] == [plain_text(s.title) for s in deck.slides]


def test_each_kind_of_slide_uses_the_matching_layout(prs):
    layouts = [s.slide_layout.name for s in prs.slides]
    assert layouts == ["Title", "Section", "Title and Bullets", "Title and Figure", "Figure and Bullets", "Table",
                       "Code", "Quote", "Closing"]
    # The Code layout's body placeholder is not left empty ("Click to add text") on the slide.
    code = prs.slides[slide_index(prs, "ReLU in Python")]
    assert [shape.placeholder_format.type for shape in code.placeholders if not shape.text_frame.text] == []


@pytest.mark.parametrize(("aspect", "size"), [("16:9", SIXTEEN_NINE), ("4:3", FOUR_THREE)])
def test_slide_size_follows_the_theme_aspect(aspect, size):
    prs = opened(full_deck(aspect))
    assert (prs.slide_width, prs.slide_height) == size


def test_widescreen_deck_does_not_declare_itself_4_3():
    xml = zipfile.ZipFile(io.BytesIO(render_pptx(full_deck()))).read("ppt/presentation.xml")
    assert b"screen4x3" not in xml


EVERY_DECK = [
    pytest.param(make, aspect, id=f"{make.__name__}-{aspect}")
    for make in (full_deck, crowded_deck)
    for aspect in ("16:9", "4:3")
]


@pytest.mark.parametrize(("make", "aspect"), EVERY_DECK)
def test_every_shape_lies_within_the_slide(make, aspect):
    prs = opened(make(aspect))
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (number, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (number, shape.name)


def overlap(a, b) -> bool:
    return (a.left < b.left + b.width and b.left < a.left + a.width
            and a.top < b.top + b.height and b.top < a.top + a.height)


@pytest.mark.parametrize(("make", "aspect"), EVERY_DECK)
def test_no_two_shapes_on_a_slide_overlap(make, aspect):
    prs = opened(make(aspect))
    for number, slide in enumerate(prs.slides, start=1):
        shapes = list(slide.shapes)
        for i, first in enumerate(shapes):
            for second in shapes[i + 1:]:
                assert not overlap(first, second), (number, first.name, second.name)


def test_master_and_layouts_are_widened_for_16_9(prs):
    # A 4:3 leftover would span at most 9 of the 13.33 inches.
    wide = prs.slide_width * 0.85
    for owner in (prs.slide_master, *prs.slide_layouts):
        for shape in owner.placeholders:
            assert shape.left + shape.width <= prs.slide_width, (owner.name, shape.name)
    master_title = next(p for p in prs.slide_master.placeholders if p.placeholder_format.idx == 0)
    assert master_title.width >= wide
    for slide in prs.slides:
        if slide.slide_layout.name in ("Title and Bullets", "Code"):
            assert slide.shapes.title.width >= wide


def test_title_slide_shows_the_lecture_details(prs):
    text_on_slide = all_text(prs.slides[0])
    for detail in ("Why depth is hard", "Ada Lovelace", "Engine Institute", "Lecture 3",
                   "2025-03-14", "Glorot & Bengio"):
        assert detail in text_on_slide


def test_section_slide_keeps_its_subtitle_and_drops_an_empty_one(prs):
    assert "Part 1" in all_text(prs.slides[1])
    bare = opened(one_slide_deck(Slide(kind="section", layout="section", title=text("Results"))))
    placeholders = bare.slides[0].placeholders
    assert [shape.text_frame.text for shape in placeholders if shape.name not in ("Footer", "Slide Number")] == [
        "Results"
    ]


def test_content_slides_have_footer_and_slide_number_but_title_slide_does_not(prs):
    assert all("Slide Number" != shape.name for shape in prs.slides[0].shapes)
    for number, slide in enumerate(prs.slides, start=1):
        if number == 1:
            continue
        assert shape_named(slide, "Slide Number").text_frame.text == str(number)
        assert shape_named(slide, "Footer").text_frame.text == "Deep Nets"


# --- text ---------------------------------------------------------------------------------


def test_nested_bullets_become_deeper_paragraph_levels(prs):
    body = slide_titled(prs, "Why depth is hard").placeholders[1]
    levels = [(p.level, "".join(r.text for r in p.runs)) for p in body.text_frame.paragraphs]
    assert levels == [
        (0, "Depth helps until gradients vanish"),
        (1, "sigmoid saturates at σ'(x) ≤ 1/4"),
        (2, "call torch.sigmoid"),
        (0, "Read the paper"),
    ]


def test_inline_styles_reach_the_runs(prs):
    slide = slide_titled(prs, "Why depth is hard")
    assert run_with_text(slide, "helps").font.bold is True
    assert run_with_text(slide, "gradients vanish").font.italic is True
    assert not run_with_text(slide, "Depth ").font.bold
    assert run_with_text(slide, "the paper").hyperlink.address == "https://example.org/glorot10"
    assert run_with_text(slide, "torch.sigmoid").font.name == "DejaVu Sans Mono"
    assert run_with_text(slide, "Depth ").font.name == "DejaVu Sans"
    # TeX is shown as its Unicode reading, never as backslash source.
    assert run_with_text(slide, "σ'(x) ≤ 1/4")
    assert "\\sigma" not in "".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_east_asian_font_is_set_on_every_run():
    cjk = Slide(kind="content", layout="bullets", title=text("激活函数"),
                blocks=(Bullets(items=(Bullet(text("梯度消失 with sigmoid")),)),), notes=(text("先看图"),))
    prs = opened(one_slide_deck(cjk))
    slide = prs.slides[0]
    runs = [run for shape in slide.shapes if shape.has_text_frame for run in runs_of(shape)]
    runs += runs_of(slide.notes_slide.notes_placeholder)
    assert {run.text for run in runs} >= {"激活函数", "梯度消失 with sigmoid", "先看图"}
    for run in runs:
        east_asian = run._r.rPr.find(qn("a:ea"))
        assert east_asian is not None and east_asian.get("typeface") == "Noto Sans CJK SC", run.text


def test_speaker_notes_are_written_one_paragraph_each(prs):
    notes = slide_titled(prs, "Why depth is hard").notes_slide.notes_text_frame
    assert [p.text for p in notes.paragraphs] == ["Start with the picture.", "Then ask: why?"]
    assert slide_titled(prs, "Summary").notes_slide.notes_text_frame.text == "Questions?"
    assert not slide_titled(prs, "ReLU in Python").has_notes_slide


def test_long_bullet_list_is_told_to_shrink_and_a_short_one_is_not():
    many = Bullets(items=tuple(Bullet(text(f"Point {i}: a sentence long enough to need most of a line"))
                               for i in range(16)))
    long_slide = Slide(kind="content", layout="bullets", title=text("Too much"), blocks=(many,))
    short_slide = Slide(kind="content", layout="bullets", title=text("Enough"), blocks=(BULLETS,))
    prs = opened(Deck(meta=meta(), theme=theme(), slides=(long_slide, short_slide)))
    # Shrunk text carries its size in its runs (so every viewer shows what was measured) and
    # the frames keep shrink-on-overflow for text typed later.
    long_frame, short_frame = (prs.slides[i].placeholders[1].text_frame for i in (0, 1))
    long_sizes = {run.font.size for paragraph in long_frame.paragraphs for run in paragraph.runs}
    assert len(long_sizes) == 1 and 16 <= long_sizes.pop().pt < 24
    assert {run.font.size for paragraph in short_frame.paragraphs for run in paragraph.runs} == {None}
    for frame in (long_frame, short_frame):
        assert frame._txBody.bodyPr.find(qn("a:normAutofit")) is not None


# --- pictures -----------------------------------------------------------------------------


def test_every_picture_carries_its_alt_text_and_figure_name(prs):
    expected = {"Figure 1": WIDE.alt, "Figure 2": TALL.alt}
    found = {picture.name: picture._element._nvXxPr.cNvPr.get("descr") for s in prs.slides for picture in pictures(s)}
    assert found == expected


@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
def test_pictures_keep_their_aspect_ratio(aspect):
    prs = opened(full_deck(aspect))
    sources = {"Figure 1": WIDE, "Figure 2": TALL}
    for slide in prs.slides:
        for picture in pictures(slide):
            source = sources[picture.name]
            shown = picture.width / picture.height
            assert shown == pytest.approx(source.width_px / source.height_px, rel=0.01), picture.name


def test_figure_fills_its_slide_and_caption_sits_under_it(prs):
    slide = slide_titled(prs, "Accuracy falls with depth")
    (picture,) = pictures(slide)
    caption = shape_named(slide, "Caption 1")
    assert caption.text_frame.text == "Figure 1. Accuracy after 10 epochs"
    assert caption.top >= picture.top + picture.height - Emu(12700)
    assert picture.top >= slide.shapes.title.top + slide.shapes.title.height
    assert picture.height >= prs.slide_height * 0.5  # not a thumbnail
    centre = picture.left + picture.width / 2
    assert centre == pytest.approx(prs.slide_width / 2, rel=0.02)


def test_figure_bullets_puts_bullets_left_and_figure_right(prs):
    slide = slide_titled(prs, "Derivatives")
    body = slide.placeholders[1]
    (picture,) = pictures(slide)
    assert body.left + body.width <= picture.left
    assert body.width < prs.slide_width * 0.5


def test_svg_image_is_announced_on_the_slide_not_dropped():
    svg = Image(data=b"<svg xmlns='http://www.w3.org/2000/svg'/>", filename="diagram.svg", media_type="image/svg+xml",
                width_px=400, height_px=300, alt="A block diagram", number=4, caption=text("The model"))
    prs = opened(one_slide_deck(Slide(kind="content", layout="figure", title=text("Model"), blocks=(svg,))))
    slide = prs.slides[0]
    assert pictures(slide) == []
    assert "diagram.svg" in shape_named(slide, "Figure 4").text_frame.text
    assert shape_named(slide, "Caption 4").text_frame.text == "Figure 4. The model"


def test_png_image_is_embedded_like_a_figure():
    photo = Image(data=png(200, 100), filename="photo.png", media_type="image/png", width_px=200, height_px=100,
                  alt="A photo of the lab", number=5, caption=())
    prs = opened(one_slide_deck(Slide(kind="content", layout="figure", title=text("Lab"), blocks=(photo,))))
    (picture,) = pictures(prs.slides[0])
    assert picture._element._nvXxPr.cNvPr.get("descr") == "A photo of the lab"
    assert picture.width / picture.height == pytest.approx(2.0, rel=0.01)


# --- tables, code, quotes, stacking -------------------------------------------------------


def test_table_is_native_with_a_bold_accent_header(prs):
    slide = slide_titled(prs, "Final accuracy")
    (frame,) = [shape for shape in slide.shapes if shape.has_table]
    table = frame.table
    cells = [[table.cell(r, c).text_frame.text for c in range(3)] for r in range(3)]
    assert cells == [["Activation", "Depth 4", "Depth 16"], ["sigmoid", "91%", "11%"], ["relu", "97%", "96%"]]
    header = table.cell(0, 1)
    assert all(run.font.bold for run in header.text_frame.paragraphs[0].runs)
    assert header.fill.fore_color.rgb == (0x00, 0x72, 0xB2)
    assert "Test accuracy, mean of 3 seeds" in all_text(slide)


def code_runs(slide):
    return runs_of(shape_named(slide, "Code"))


def test_code_is_monospace_and_highlighted_in_several_colours(prs):
    slide = slide_titled(prs, "ReLU in Python")
    runs = code_runs(slide)
    assert {run.font.name for run in runs} == {"DejaVu Sans Mono"}
    colours = {str(run.font.color.rgb) for run in runs if run.font.color and run.font.color.type is not None}
    assert len(colours) > 1
    lines = [p.text for p in shape_named(slide, "Code").text_frame.paragraphs]
    assert lines == ["def relu(x):", "    # keep the positive part", "    return max(0.0, x)", "", "print(relu(-2))"]


@pytest.mark.parametrize("language", [None, "no-such-language"])
def test_code_in_an_unknown_language_is_plain(language):
    code = Code(source=PYTHON.source, language=language)
    prs = opened(one_slide_deck(Slide(kind="content", layout="code", title=text("Code"), blocks=(code,))))
    runs = code_runs(prs.slides[0])
    assert runs and all(run.font.color.type is None for run in runs)
    assert {run.font.name for run in runs} == {"DejaVu Sans Mono"}


def test_quote_is_centred_with_its_attribution(prs):
    quote = shape_named(slide_titled(prs, "A warning"), "Quote")
    paragraphs = quote.text_frame.paragraphs
    assert [p.text for p in paragraphs] == ["Deep networks are hard to train.", "— Glorot & Bengio, 2010"]
    assert all(p.alignment == PP_ALIGN.CENTER for p in paragraphs)
    assert paragraphs[0].runs[0].font.size.pt >= 24


def test_bullets_and_table_on_one_slide_are_stacked_without_overlap():
    table = Table(header=(text("a"), text("b")), rows=((text("1"), text("2")),))
    slide = Slide(kind="content", layout="bullets", title=text("Both"), blocks=(BULLETS, table, PYTHON))
    prs = opened(one_slide_deck(slide))
    body = prs.slides[0].placeholders[1]
    (frame,) = [shape for shape in prs.slides[0].shapes if shape.has_table]
    code = shape_named(prs.slides[0], "Code")
    assert body.top + body.height <= frame.top
    assert frame.top + frame.height <= code.top
    assert code.top + code.height <= prs.slide_height


def test_two_figures_on_one_slide_share_a_row():
    slide = Slide(kind="content", layout="figure", title=text("Two"),
                  blocks=(Figure(WIDE, 1, text("left")), Figure(TALL, 2, text("right"))))
    prs = opened(one_slide_deck(slide))
    left, right = sorted(pictures(prs.slides[0]), key=lambda p: p.left)
    assert left.left + left.width <= right.left


# --- reproducible bytes and document properties -------------------------------------------


def test_same_deck_gives_identical_bytes(deck):
    assert render_pptx(deck) == render_pptx(deck)


def test_source_date_epoch_changes_the_bytes_and_the_stamps(deck, monkeypatch):
    plain = render_pptx(deck)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    first = render_pptx(deck)
    assert first == render_pptx(deck)
    assert first != plain
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert Presentation(io.BytesIO(first)).core_properties.modified.year == 2023


def test_a_malformed_source_date_epoch_is_reported(deck, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        render_pptx(deck)


def test_zip_entries_are_stamped_with_the_lecture_date_or_1980(deck):
    with zipfile.ZipFile(io.BytesIO(render_pptx(deck))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2025, 3, 14, 0, 0, 0)}
    undated = full_deck(date="")
    with zipfile.ZipFile(io.BytesIO(render_pptx(undated))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_core_properties_describe_the_lecture(prs):
    props = prs.core_properties
    assert (props.title, props.author, props.subject, props.language) == (
        "Deep Nets", "Ada Lovelace", "Lecture 3", "en")
    assert props.last_modified_by == "lecturegen"
    assert props.revision == 1
    assert props.created == props.modified == props.last_printed
    assert props.created.date().isoformat() == "2025-03-14"


# --- what LibreOffice makes of it ---------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_renders_one_page_per_slide_with_each_title(deck, tmp_path):
    source = tmp_path / "lecture.pptx"
    source.write_bytes(render_pptx(deck))
    pages = page_texts(pptx_to_pdf(source, tmp_path), layout=True)
    assert len(pages) == len(deck.slides)
    for page, slide in zip(pages, deck.slides):
        title = plain_text(slide.title)
        # The Section Header layout sets titles in capitals.
        assert title.casefold() in " ".join(page.split()).casefold(), title
