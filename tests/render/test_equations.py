"""Display equations: a picture typeset by mathtext in PowerPoint, block MathML in the HTML outputs."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from generator.cli import main
from generator.render.pptx.style import BODY_LEVEL_PT
from tests.office import pptx_to_pdf

CHAIN_RULE = (
    r"\frac{\partial L}{\partial x_1} = \frac{\partial L}{\partial x_L} \prod_{k=1}^{L-1} \sigma^\prime(z_k)\, w_{k+1}"
)
SIGMOID = r"\sigma(z) = \frac{1}{1 + e^{-z}}"
SLOPE = r"\sigma^\prime(z) = \sigma(z)\,(1 - \sigma(z)) \leq \frac{1}{4}"
CAPITALS = r"\mathrm{HH}"

LECTURE = f"""\
lecture:
  title: Equations
  slug: equations
sections:
  - title: Chain rule
    slides:
      - title: Bullets and an equation
        bullets:
          - Back-propagation multiplies one factor per layer
          - 'Each factor holds the slope $\\sigma(z)$'
        equation: '{CHAIN_RULE}'
      - title: Two equations
        equation:
          - '{SIGMOID}'
          - '{SLOPE}'
      - title: Letters as tall as the text
        equation: '{CAPITALS}'
"""
# Slide numbers in the deck: 1 title, 2 section divider, then the three slides above.
CHAIN_SLIDE, PAIR_SLIDE, CAPITALS_SLIDE = 3, 4, 5
SLIDE_COUNT = 5
# DejaVu Sans (the default theme font): capital letters are 0.729 em tall.
DEJAVU_CAP_HEIGHT_EM = 0.729


def build(content: Path, out: Path, formats: str = "pptx,html,report"):
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(out), "--format", formats])
    assert result.exit_code == 0, result.output
    return out / "equations"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("equations")
    content = folder / "equations.yaml"
    content.write_text(LECTURE, encoding="utf-8")
    return build(content, folder / "out")


def equation_pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.name.startswith("Equation")]


def descr(shape) -> str:
    return shape._element._nvXxPr.cNvPr.get("descr")


def test_each_equation_is_a_picture_whose_alt_text_is_its_tex(built):
    prs = Presentation(built / "slides.pptx")
    by_slide = {number: equation_pictures(prs.slides[number - 1]) for number in (CHAIN_SLIDE, PAIR_SLIDE)}
    assert [descr(shape) for shape in by_slide[CHAIN_SLIDE]] == [CHAIN_RULE]
    assert [descr(shape) for shape in by_slide[PAIR_SLIDE]] == [SIGMOID, SLOPE]
    for shapes in by_slide.values():
        assert all(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in shapes)


def test_picture_keeps_the_png_aspect_on_a_transparent_background(built):
    prs = Presentation(built / "slides.pptx")
    for number in (CHAIN_SLIDE, PAIR_SLIDE, CAPITALS_SLIDE):
        for shape in equation_pictures(prs.slides[number - 1]):
            picture = PILImage.open(io.BytesIO(shape.image.blob))
            assert picture.format == "PNG" and picture.mode == "RGBA"
            width_px, height_px = picture.size
            # Sizes are whole EMUs: the aspect may be off by that rounding only.
            assert shape.width / shape.height == pytest.approx(width_px / height_px, rel=1e-4)
            corners = [picture.getpixel(corner)[3] for corner in ((0, 0), (width_px - 1, height_px - 1))]
            assert corners == [0, 0]


def test_letters_are_as_tall_as_first_level_bullet_text(built):
    shape = equation_pictures(Presentation(built / "slides.pptx").slides[CAPITALS_SLIDE - 1])[0]
    picture = PILImage.open(io.BytesIO(shape.image.blob))
    alpha = picture.getchannel("A")
    inked_rows = [y for y in range(picture.height) if alpha.crop((0, y, picture.width, y + 1)).getbbox()]
    ink_height_pt = (inked_rows[-1] - inked_rows[0] + 1) / picture.height * Emu(shape.height).pt
    assert ink_height_pt == pytest.approx(DEJAVU_CAP_HEIGHT_EM * BODY_LEVEL_PT[0], abs=1.0)


def test_equation_sits_below_the_bullets_and_centred(built):
    slide = Presentation(built / "slides.pptx").slides[CHAIN_SLIDE - 1]
    body = next(shape for shape in slide.placeholders if shape.placeholder_format.idx == 1)
    (equation,) = equation_pictures(slide)
    assert equation.top >= body.top + body.height
    slide_width = Presentation(built / "slides.pptx").slide_width
    assert abs((equation.left + equation.width / 2) - slide_width / 2) <= Emu(12700)  # within a point


def png_chunk_types(data: bytes) -> list[bytes]:
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


def test_same_content_gives_identical_bytes_and_the_png_carries_no_time_or_software(built, tmp_path):
    # Another process: nothing typeset in this one may be reused.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            str(built.parent.parent / "equations.yaml"),
            "-o",
            str(tmp_path / "again"),
            "--format",
            "pptx",
            "--quiet",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "again" / "equations" / "slides.pptx").read_bytes() == (built / "slides.pptx").read_bytes()
    shape = equation_pictures(Presentation(built / "slides.pptx").slides[CHAIN_SLIDE - 1])[0]
    chunks = png_chunk_types(shape.image.blob)
    assert b"tIME" not in chunks and b"tEXt" not in chunks and b"iTXt" not in chunks


def test_html_slides_and_report_hold_block_mathml(built):
    for name in ("slides.html", "report.html"):
        html = (built / name).read_text(encoding="utf-8")
        blocks = re.findall(r'<div class="block block-equation">(.*?)</div>', html, re.DOTALL)
        assert [len(re.findall(r'<math [^>]*display="block"', block)) for block in blocks] == [1, 2, 1], name
        # The chain rule's product sign and prime, typeset rather than left as TeX.
        assert "<mo>∏</mo>" in blocks[0] and "\\prod" not in blocks[0]


@pytest.mark.slow
def test_libreoffice_shows_the_equation_picture(built, tmp_path):
    pdf = pptx_to_pdf(built / "slides.pptx", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1) == str(SLIDE_COUNT)
    listed = subprocess.run(
        ["pdfimages", "-list", "-f", str(PAIR_SLIDE), "-l", str(PAIR_SLIDE), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    # Each equation arrives as an image with its transparency kept as a soft mask.
    assert [line.split()[2] for line in listed] == ["image", "smask", "image", "smask"]

    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            str(CHAIN_SLIDE),
            "-l",
            str(CHAIN_SLIDE),
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
        capture_output=True,
    )
    page = PILImage.open(next(tmp_path.glob("page-*.png"))).convert("L")
    prs = Presentation(built / "slides.pptx")
    (shape,) = equation_pictures(prs.slides[CHAIN_SLIDE - 1])
    scale = page.width / prs.slide_width
    region = page.crop(
        tuple(round(v * scale) for v in (shape.left, shape.top, shape.left + shape.width, shape.top + shape.height))
    )
    dark = sum(region.histogram()[:128])
    assert dark > 0.03 * region.width * region.height  # ink where the equation is, on white paper


BAD_TEX = r"\left( \frac{\partial L}{\partial x}"


def test_bad_tex_is_a_located_error_and_nothing_is_written(tmp_path):
    content = tmp_path / "bad.yaml"
    content.write_text(
        "lecture:\n  title: Bad\nsections:\n  - title: S\n    slides:\n      - title: T\n"
        f"        equation: '{BAD_TEX}'\n      - title: U\n        equation: ['x^2', '\\sigmoid(z)']\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{content}:7:19: sections[0].slides[0].equation: cannot typeset the equation:"
        " expected '\\right' before the end; check its braces and commands",
        f"{content}:9:27: sections[0].slides[1].equation[1]: cannot typeset the equation:"
        " unknown command \\sigmoid at character 1; check its braces and commands",
        "2 problems found; nothing was written.",
    ]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_equation_letters_follow_the_theme_font_where_it_is_installed():
    from generator.render.pptx.equations import equation_picture

    assert "Liberation Sans" in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    default = equation_picture(SIGMOID, "DejaVu Sans")
    assert equation_picture(SIGMOID, "Liberation Sans").png != default.png
    # A theme font this machine lacks must not turn into matplotlib's serif default.
    assert equation_picture(SIGMOID, "No Such Font Family").png == default.png
