"""Tables, code listings and display equations too big for their slide are reported, not silently squeezed.

Bullets continue on "(cont.)" slides; these blocks stay whole, so a table that runs off the
bottom of the slide, a listing LibreOffice would shrink to a few points, or an equation scaled
down until it cannot be read is a located warning (an error with --strict).
"""

from __future__ import annotations

import io
from dataclasses import replace

from click.testing import CliRunner
from pptx import Presentation

from generator.cli import main
from generator.deck import Bullet, Bullets, Code, Deck, Equation, Slide, Table
from generator.errors import Location
from generator.render.pptx import render_pptx_with_problems
from generator.render.pptx.style import BODY_FLOOR_PT
from tests.decks import meta, text, theme

SOURCE = Location("content.yaml", 40, 7)


def slide_with(*blocks, layout: str = "bullets") -> Slide:
    return Slide(
        kind="content",
        layout=layout,
        title=text("A crowded slide"),
        blocks=blocks,
        source=SOURCE,
        source_path="sections[0].slides[2]",
    )


def problems_of(slide: Slide) -> list[str]:
    deck = Deck(meta=meta(), theme=theme(), slides=(replace(slide, number=1),))
    return [str(problem) for problem in render_pptx_with_problems(deck).problems]


def table(rows: int) -> Table:
    return Table(
        header=(text("n"), text("n squared")), rows=tuple((text(str(i)), text(str(i * i))) for i in range(rows))
    )


def code(lines: int, width: int = 20) -> Code:
    return Code("\n".join(f"x_{i} = {'1' * width}" for i in range(lines)), "python")


def test_a_table_taller_than_the_slide_even_at_its_smallest_size_is_reported():
    assert problems_of(slide_with(table(60), layout="table")) == [
        "content.yaml:40:7: sections[0].slides[2]: the table does not fit its box even at 10 pt; shorten it"
    ]


def test_a_table_that_fits_is_not_reported():
    assert problems_of(slide_with(table(8), layout="table")) == []


def test_a_listing_too_long_for_the_slide_at_9pt_is_reported():
    assert problems_of(slide_with(code(80), layout="code")) == [
        "content.yaml:40:7: sections[0].slides[2]: the code does not fit its box even at 9 pt; shorten it"
    ]


def test_a_line_of_code_too_wide_for_the_slide_at_9pt_is_reported():
    assert problems_of(slide_with(code(1, width=400), layout="code")) == [
        "content.yaml:40:7: sections[0].slides[2]: the code does not fit its box even at 9 pt; shorten it"
    ]


def test_a_listing_that_fits_is_not_reported():
    assert problems_of(slide_with(code(20), layout="code")) == []


def test_an_equation_shrunk_below_bullet_size_is_reported():
    endless = " + ".join(f"x_{{{i}}}^{{2}}" for i in range(60))
    assert problems_of(slide_with(Equation((endless,)))) == [
        "content.yaml:40:7: sections[0].slides[2]: the equation does not fit its box even at 16 pt; shorten it"
    ]


def test_an_equation_that_fits_is_not_reported():
    assert problems_of(slide_with(Equation((r"\sigma(x) = \frac{1}{1+e^{-x}}",)))) == []


LONG_TABLE_YAML = """\
lecture:
  title: Numbers
sections:
  - title: Data
    slides:
      - title: Every square
        table:
          columns: [n, n squared]
          rows:
{rows}
"""


def test_strict_build_of_a_table_that_runs_off_the_slide_exits_2_and_writes_nothing(tmp_path):
    content = tmp_path / "numbers.yaml"
    content.write_text(LONG_TABLE_YAML.format(rows="\n".join(f"            - [{i}, {i * i}]" for i in range(60))))
    output = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(output), "--format", "pptx", "--strict"])
    assert result.exit_code == 2, result.output
    assert result.output.endswith(
        f"{content}:6:9: sections[0].slides[0]: the table does not fit its box even at 10 pt; shorten it\n"
        "1 problem found; nothing was written.\n"
    )
    assert not output.exists()


TWO_BULLETS = Bullets((Bullet(text("Squares grow fast")), Bullet(text("Look at the last rows"))))


def test_bullets_over_a_long_table_both_shrink_and_share_one_slide():
    deck = Deck(meta=meta(), theme=theme(), slides=(replace(slide_with(TWO_BULLETS, table(13)), number=1),))
    rendered = render_pptx_with_problems(deck)
    assert rendered.problems == ()
    (slide,) = Presentation(io.BytesIO(rendered.data)).slides
    body = next(shape for shape in slide.placeholders if shape.placeholder_format.idx == 1)
    sizes = {run.font.size.pt for paragraph in body.text_frame.paragraphs for run in paragraph.runs if run.font.size}
    assert sizes and min(sizes) >= BODY_FLOOR_PT
    table_shape = next(shape for shape in slide.shapes if shape.has_table)
    assert body.top + body.height <= table_shape.top


def test_a_bullet_crowded_out_by_a_table_is_not_called_too_long_for_a_slide():
    problems = problems_of(slide_with(TWO_BULLETS, table(16)))
    assert (
        "content.yaml:40:7: sections[0].slides[2]: a bullet does not fit in the room the slide's other blocks "
        "leave, even at 16 pt; shorten it, or give the other blocks a slide of their own"
    ) in problems
    assert not any("too long for a whole slide" in problem for problem in problems)


def test_a_caption_too_long_for_its_box_is_named_by_its_figure_and_slide():
    from tests.decks import _figure

    long_caption = " ".join(["The test accuracy of every network after each epoch, averaged over the seeds."] * 12)
    crowded = slide_with(_figure("curves", "Training curves", 10, long_caption), layout="figure")
    plain = replace(slide_with(TWO_BULLETS), source=Location("content.yaml", 12, 7),
                    source_path="sections[0].slides[0]")
    deck = Deck(meta=meta(), theme=theme(), slides=tuple(
        replace(slide, number=number) for number, slide in enumerate([plain] * 11 + [crowded], start=1)))
    assert [str(problem) for problem in render_pptx_with_problems(deck).problems] == [
        "content.yaml:40:7: sections[0].slides[2]: Figure 10's caption (slide 12) does not fit its box even at 16 pt; "
        "shorten it"
    ]
