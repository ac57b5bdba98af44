"""Text that fits: measured with the theme's font files, shrunk to a floor, else continued on "(cont.)" slides.

The LibreOffice checks turn shrink-on-overflow off before converting, so the PDF shows the
sizes the renderer chose, and then look for any word printed outside every shape on its page.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import ImageFont
from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Pt

from generator.build import BuildOptions, build
from generator.cli import main
from generator.deck import Bullet, Bullets, Deck, Figure, Run, Slide, plain_text
from generator.errors import Location, Problem
from generator.render.pptx import render_pptx_with_problems
from generator.render.pptx.fonts import Face, _matplotlib_match, font_file, text_width_pt
from generator.render.pptx.style import BODY_FLOOR_PT, BODY_LEVEL_PT, EMU_PER_PT
from generator.render.pptx.text import Para, wrapped_line_count
from tests.conftest import DEFAULT_LECTURE, MINIMAL
from tests.decks import meta, text, theme
from tests.office import pptx_to_pdf
from tests.render.test_pptx import TALL

DEJAVU = Face("DejaVu Sans")
CJK = Face("Noto Sans CJK SC")
SOURCE = Location("content.yaml", 120, 5)
SENTENCE = "gradients shrink by the derivative of every layer they pass on their way back to the input"


def bullets(count: int, sentence: str = SENTENCE) -> Bullets:
    return Bullets(tuple(Bullet(text(f"Point {i}: {sentence}")) for i in range(1, count + 1)))


def deck_of(*slides: Slide, font_east_asian: str = "Noto Sans CJK SC", font: str = "DejaVu Sans") -> Deck:
    numbered = tuple(replace(slide, number=n) for n, slide in enumerate(slides, start=1))
    return Deck(meta=meta(), theme=replace(theme(), font=font, font_east_asian=font_east_asian), slides=numbered)


def bullet_slide(title: str, *blocks, notes=(), layout: str = "bullets") -> Slide:
    return Slide(
        kind="content",
        layout=layout,
        title=text(title),
        blocks=blocks,
        notes=notes,
        source=SOURCE,
        source_path="sections[2].slides[3]",
    )


def reopened(data: bytes):
    return Presentation(io.BytesIO(data))


def body_paragraphs(slide):
    """The bullet paragraphs of a generated slide: the body placeholder's."""
    body = next(ph for ph in slide.placeholders if ph.placeholder_format.idx == 1)
    return list(body.text_frame.paragraphs)


def written_size(paragraph, level_sizes=BODY_LEVEL_PT) -> float:
    """The size a run shows: its own, else the master's for the paragraph's level."""
    sizes = {run.font.size.pt if run.font.size is not None else level_sizes[paragraph.level] for run in paragraph.runs}
    assert len(sizes) == 1, sizes
    return sizes.pop()


# --- measuring --------------------------------------------------------------------------------


def test_font_files_are_the_ones_fontconfig_names_including_the_face_inside_a_collection():
    bold = font_file(Face("DejaVu Sans", bold=True))
    assert Path(bold.path).name == "DejaVuSans-Bold.ttf"
    cjk = font_file(CJK)
    assert cjk.path.endswith(".ttc")
    loaded = ImageFont.truetype(cjk.path, 20, index=cjk.index)
    assert loaded.getname()[0] == "Noto Sans CJK SC"


def test_without_fontconfig_matplotlib_finds_the_font_or_a_sans_serif_stand_in():
    # The path taken where fc-match is absent (the lent GPU machine has none): a family given as a bare
    # string was read as a fontconfig pattern there, so the stand-in "sans-serif" crashed every build.
    bold = _matplotlib_match(Face("DejaVu Sans", bold=True))
    assert Path(bold.path).name == "DejaVuSans-Bold.ttf" and bold.family == "DejaVu Sans"
    for missing in ("No Such Font", "No-Such-Font:Bold"):
        stand_in = _matplotlib_match(Face(missing))
        assert stand_in.family != missing and ImageFont.truetype(stand_in.path, 20).getname()[0] == stand_in.family


@pytest.mark.parametrize("sample", ["Vanishing gradients", "W·x + b ≤ 1/4", "iiiiii", "WWWWWW"])
@pytest.mark.parametrize("size", [12, 24, 37.5])
def test_measured_widths_match_pillow_at_the_size_itself(sample, size):
    path = font_file(DEJAVU).path
    # Pillow at 100 times the size, so its whole-pixel advances are finer than the comparison;
    # without kerning, as fitting measures, so a deck fits alike with or without libraqm.
    at_100x = ImageFont.truetype(path, round(size * 100), layout_engine=ImageFont.Layout.BASIC)
    expected = at_100x.getlength(sample) / 100
    assert text_width_pt(sample, size, DEJAVU, CJK) == pytest.approx(expected, rel=0.005)


def test_narrow_and_wide_letters_measure_differently():
    assert text_width_pt("WWWWWW", 20, DEJAVU, CJK) > 2.5 * text_width_pt("iiiiii", 20, DEJAVU, CJK)


def test_cjk_characters_are_measured_with_the_east_asian_font():
    cjk = font_file(CJK)
    at_100x = ImageFont.truetype(cjk.path, 2000, index=cjk.index, layout_engine=ImageFont.Layout.BASIC)
    expected = at_100x.getlength("深度学习") / 100
    assert text_width_pt("深度学习", 20, DEJAVU, CJK) == pytest.approx(expected, rel=0.005)
    mixed = text_width_pt("ReLU 激活", 20, DEJAVU, CJK)
    assert mixed == pytest.approx(text_width_pt("ReLU ", 20, DEJAVU, CJK) + text_width_pt("激活", 20, DEJAVU, CJK))


def para(s: str, size: float = 20) -> Para:
    return Para(text(s), size_pt=size)


def test_lines_break_at_spaces_and_never_inside_a_word_that_fits_a_line():
    words = "alpha beta gamma"
    one_line = text_width_pt(words, 20, DEJAVU, CJK)
    assert wrapped_line_count(para(words), one_line + 1, 20, deck_of().theme) == 1
    # A hair too narrow: "gamma" moves down whole rather than splitting.
    assert wrapped_line_count(para(words), one_line - 1, 20, deck_of().theme) == 2
    longest = text_width_pt("gamma", 20, DEJAVU, CJK)
    assert wrapped_line_count(para(words), longest + 1, 20, deck_of().theme) == 3


def test_a_word_wider_than_the_line_breaks_inside_it():
    word = "Donaudampfschifffahrtsgesellschaft"
    width = text_width_pt(word, 20, DEJAVU, CJK)
    assert wrapped_line_count(para(word), width / 2.5, 20, deck_of().theme) == 3


def test_cjk_text_breaks_between_any_two_characters():
    sentence = "深度网络的梯度在反向传播时逐层相乘" * 2  # 34 characters, no spaces
    per_character = text_width_pt("深", 20, DEJAVU, CJK)
    assert wrapped_line_count(para(sentence), per_character * 10 + 0.5, 20, deck_of().theme) == 4


# --- shrinking and continuing -----------------------------------------------------------------


def test_many_long_bullets_shrink_but_stay_on_one_slide_at_16pt_or_more():
    deck = deck_of(bullet_slide("Many long bullets", bullets(9)))
    rendered = render_pptx_with_problems(deck)
    assert rendered.problems == ()
    prs = reopened(rendered.data)
    assert len(prs.slides) == 1
    sizes = {written_size(paragraph) for paragraph in body_paragraphs(prs.slides[0])}
    assert len(sizes) == 1
    assert BODY_FLOOR_PT <= sizes.pop() < BODY_LEVEL_PT[0]


def test_bullets_that_fit_keep_the_masters_size_and_set_none_of_their_own():
    prs = reopened(render_pptx_with_problems(deck_of(bullet_slide("Few bullets", bullets(3)))).data)
    for paragraph in body_paragraphs(prs.slides[0]):
        assert all(run.font.size is None for run in paragraph.runs)


def test_far_too_much_text_continues_on_cont_slides_with_a_located_warning():
    notes = (text("Say this once, on the first slide."),)
    deck = deck_of(bullet_slide("Too much text", bullets(45), notes=notes))
    rendered = render_pptx_with_problems(deck)
    prs = reopened(rendered.data)
    slides = list(prs.slides)
    extra = len(slides) - 1
    assert extra >= 2
    assert [slide.shapes.title.text for slide in slides] == ["Too much text"] + ["Too much text (cont.)"] * extra
    shown = [paragraph.text for slide in slides for paragraph in body_paragraphs(slide)]
    assert shown == [f"Point {i}: {SENTENCE}" for i in range(1, 46)]
    for slide in slides:
        sizes = {written_size(paragraph) for paragraph in body_paragraphs(slide)}
        assert len(sizes) == 1 and BODY_FLOOR_PT <= sizes.pop() < BODY_LEVEL_PT[0]
    # The parts share the bullets evenly: no stub of a bullet or two on the last slide.
    counts = [len(body_paragraphs(slide)) for slide in slides]
    assert max(counts) - min(counts) <= 1
    assert slides[0].notes_slide.notes_text_frame.text == "Say this once, on the first slide."
    assert all(not slide.has_notes_slide or not slide.notes_slide.notes_text_frame.text for slide in slides[1:])
    assert [str(problem) for problem in rendered.problems] == [
        "content.yaml:120:5: sections[2].slides[3]: the text does not fit on one slide at 16 pt; "
        f"continued on {extra} more slides"
    ]


def test_one_more_slide_is_said_in_the_singular():
    deck = deck_of(bullet_slide("A little too much", bullets(20)))
    rendered = render_pptx_with_problems(deck)
    assert len(reopened(rendered.data).slides) == 2
    assert rendered.problems == (
        Problem(
            SOURCE,
            "sections[2].slides[3]",
            "the text does not fit on one slide at 16 pt; continued on 1 more slide",
        ),
    )


def test_the_figure_stays_with_the_first_part_and_nested_bullets_move_with_their_parent():
    items = tuple(
        Bullet(text(f"Point {i}: {SENTENCE}"), children=(Bullet(text(f"detail of point {i}")),)) for i in range(1, 11)
    )
    slide = bullet_slide(
        "Beside a figure", Bullets(items), Figure(TALL, 1, text("Derivatives")), layout="figure_bullets"
    )
    prs = reopened(render_pptx_with_problems(deck_of(slide)).data)
    slides = list(prs.slides)
    assert len(slides) >= 2
    pictures = [sum(1 for shape in slide.shapes if shape.shape_type == 13) for slide in slides]
    assert pictures == [1] + [0] * (len(slides) - 1)
    for later in slides[1:]:
        first = body_paragraphs(later)[0]
        assert first.level == 0 and first.text.startswith("Point ")  # a part starts with a whole bullet
    levels = [(paragraph.level, paragraph.text) for slide in slides for paragraph in body_paragraphs(slide)]
    assert levels == [
        pair for i in range(1, 11) for pair in ((0, f"Point {i}: {SENTENCE}"), (1, f"detail of point {i}"))
    ]


def test_a_long_title_shrinks_to_its_floor_and_wraps_but_stays_in_its_box():
    long_title = "A title that goes on " + "and on " * 8 + "until it reaches the edge"
    rendered = render_pptx_with_problems(deck_of(bullet_slide(long_title, bullets(2))))
    assert rendered.problems == ()
    title = reopened(rendered.data).slides[0].shapes.title
    size = title.text_frame.paragraphs[0].runs[0].font.size
    assert size is not None and 24 <= size.pt < 36


def test_a_title_too_long_even_at_its_floor_is_reported():
    endless = " ".join(["unreasonably"] * 60)
    rendered = render_pptx_with_problems(deck_of(bullet_slide(endless, bullets(1))))
    assert [str(problem) for problem in rendered.problems] == [
        "content.yaml:120:5: sections[2].slides[3]: the title does not fit its box even at 24 pt; shorten it"
    ]


def test_a_font_that_is_not_installed_is_named_with_its_stand_in():
    rendered = render_pptx_with_problems(deck_of(bullet_slide("Fonts", bullets(1)), font="Nonexistent Grotesk"))
    stand_in = font_file(Face("Nonexistent Grotesk")).family
    assert [str(problem) for problem in rendered.problems] == [
        f"content.yaml: theme.font: the font 'Nonexistent Grotesk' is not installed here, so text was fitted "
        f"with the metrics of {stand_in!r} and may not fit where 'Nonexistent Grotesk' is used; install it or "
        "name an installed font"
    ]


CROWDED_YAML = """\
lecture:
  title: Crowded
sections:
  - title: Part one
    slides:
      - title: Far too much
        bullets:
{bullets}
"""


def test_strict_build_of_text_that_does_not_fit_exits_2_and_writes_nothing(tmp_path):
    lines = "\n".join(f"          - 'Point {i}: {SENTENCE}'" for i in range(1, 31))
    content = tmp_path / "crowded.yaml"
    content.write_text(CROWDED_YAML.format(bullets=lines))
    output = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(output), "--format", "pptx", "--strict"])
    assert result.exit_code == 2, result.output
    pattern = (
        re.escape(f"{content}:6:9: sections[0].slides[0]: the text does not fit on one slide at 16 pt; continued on ")
        + r"\d+ more slides?\n1 problem found; nothing was written\.\n"
    )
    assert re.fullmatch(pattern, result.stderr), result.stderr
    assert not output.exists()
    relaxed = CliRunner().invoke(main, ["build", str(content), "-o", str(output), "--format", "pptx"])
    assert relaxed.exit_code == 0, relaxed.output
    assert "sections[0].slides[0]: the text does not fit on one slide at 16 pt" in relaxed.stderr
    assert len(Presentation(str(output / "crowded" / "slides.pptx")).slides) >= 3


# --- what LibreOffice shows -----------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float


def without_shrink_on_overflow(data: bytes) -> bytes:
    """The deck with autofit off, so a viewer shows the sizes the renderer chose."""
    prs = reopened(data)
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                shape.text_frame.auto_size = MSO_AUTO_SIZE.NONE
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def libreoffice_pages(data: bytes, tmp_path: Path) -> list[list[Word]]:
    source = tmp_path / "deck.pptx"
    source.write_bytes(data)
    pdf = pptx_to_pdf(source, tmp_path)
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in xhtml.split("<page ")[1:]:
        pages.append(
            [
                Word(html.unescape(word), float(x0), float(y0), float(x1), float(y1))
                for x0, y0, x1, y1, word in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
                )
            ]
        )
    return pages


def shape_boxes_pt(slide) -> list[tuple[float, float, float, float]]:
    return [
        (s.left / EMU_PER_PT, s.top / EMU_PER_PT, (s.left + s.width) / EMU_PER_PT, (s.top + s.height) / EMU_PER_PT)
        for s in slide.shapes
    ]


def assert_every_word_inside_a_shape(data: bytes, tmp_path: Path) -> None:
    """Every word LibreOffice prints lies inside one of its slide's shapes, and each slide's
    bullets are all on that slide's page."""
    prs = reopened(data)
    pages = libreoffice_pages(without_shrink_on_overflow(data), tmp_path)
    assert len(pages) == len(prs.slides)
    width, height = prs.slide_width / EMU_PER_PT, prs.slide_height / EMU_PER_PT
    slack = 2.0  # points: a glyph's ink may reach a little past the advance that was measured
    outside = []
    for number, (slide, words) in enumerate(zip(prs.slides, pages), start=1):
        boxes = shape_boxes_pt(slide)
        for word in words:
            # pdftotext's word boxes span the font's whole ascent and descent, about 1.3 em,
            # a little more than the line they sit on.
            rise = max(slack, 0.1 * (word.bottom - word.top))
            assert 0 <= word.left and word.right <= width + slack and 0 <= word.top and word.bottom <= height + rise
            if not any(
                left - slack <= word.left and word.right <= right + slack and top - rise <= word.top
                and word.bottom <= bottom + rise
                for left, top, right, bottom in boxes
            ):  # fmt: skip
                outside.append((number, word))
        body = [ph for ph in slide.placeholders if ph.placeholder_format.idx == 1]
        # Compared without spaces: a line ends between two words, and CJK has none to split at.
        printed = "".join(word.text for word in words)
        for paragraph in body[0].text_frame.paragraphs if body else []:
            assert "".join(paragraph.text.split()) in printed, (number, paragraph.text)
    assert outside == []


@pytest.mark.slow
def test_continued_and_crowded_slides_print_inside_their_boxes_in_libreoffice(tmp_path):
    cjk_bullets = Bullets(
        tuple(Bullet(text(f"要点{i}：深度网络的梯度在反向传播时逐层相乘，因此可能消失或爆炸。")) for i in range(1, 16))
    )
    deck = deck_of(
        bullet_slide("Too much text", bullets(30)),
        bullet_slide("Many long bullets", bullets(9)),
        bullet_slide("中文要点", cjk_bullets),
        bullet_slide("Beside a figure", bullets(10), Figure(TALL, 1, text("Derivatives")), layout="figure_bullets"),
    )
    assert_every_word_inside_a_shape(render_pptx_with_problems(deck).data, tmp_path)


@pytest.mark.slow
def test_cjk_bullets_wrap_and_fit_at_a_size_no_smaller_than_the_floor(tmp_path):
    sentence = "深度网络的梯度在反向传播时逐层相乘，因此可能消失或爆炸，也可能变得非常大。"
    deck = deck_of(bullet_slide("中文", Bullets(tuple(Bullet(text(f"{i}. {sentence}")) for i in range(1, 8)))))
    rendered = render_pptx_with_problems(deck)
    slides = list(reopened(rendered.data).slides)
    for slide in slides:
        for paragraph in body_paragraphs(slide):
            assert written_size(paragraph) >= BODY_FLOOR_PT
    assert_every_word_inside_a_shape(rendered.data, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("content", [MINIMAL, DEFAULT_LECTURE], ids=["minimal", "deep_learning"])
def test_every_slide_of_the_shipped_lectures_prints_inside_its_boxes(content, tmp_path):
    options = BuildOptions(
        content=content, output_dir=tmp_path / "out", formats=("pptx",), profile="quick", device="cpu"
    )
    report = build(options)
    assert [warning for warning in report.warnings if "does not fit" in warning] == []
    data = (report.lecture_dir / "slides.pptx").read_bytes()
    assert_every_word_inside_a_shape(data, tmp_path)


def test_sizes_written_are_whole_points():
    prs = reopened(render_pptx_with_problems(deck_of(bullet_slide("Many", bullets(9)))).data)
    for paragraph in body_paragraphs(prs.slides[0]):
        assert written_size(paragraph) == Pt(written_size(paragraph)).pt
        assert float(written_size(paragraph)).is_integer()


def test_the_same_deck_renders_to_the_same_bytes_after_continuing():
    deck = deck_of(bullet_slide("Too much text", bullets(30)))
    assert render_pptx_with_problems(deck).data == render_pptx_with_problems(deck).data


def test_plain_text_of_a_continued_title_keeps_its_runs():
    styled = replace(bullet_slide("", bullets(30)), title=(Run("Bold", bold=True), Run(" words")))
    prs = reopened(render_pptx_with_problems(deck_of(styled)).data)
    runs = prs.slides[1].shapes.title.text_frame.paragraphs[0].runs
    assert [run.text for run in runs] == ["Bold", " words", " (cont.)"]
    assert runs[0].font.bold is True
    assert plain_text(styled.title) + " (cont.)" == prs.slides[1].shapes.title.text


def test_a_font_measured_with_its_metric_twin_is_not_reported():
    # fonts-liberation stands in for Arial with identical advance widths (CI installs it with LibreOffice).
    assert font_file(Face("Arial")).family == "Liberation Sans"
    rendered = render_pptx_with_problems(deck_of(bullet_slide("Fonts", bullets(1)), font="Arial"))
    assert rendered.problems == ()
