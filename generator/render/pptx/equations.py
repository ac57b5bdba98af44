"""Display equations as pictures: matplotlib's mathtext typesets the TeX, the slide shows the PNG.

PowerPoint text cannot hold typeset math that LibreOffice also shows, so a display equation is a
picture whose alt text is its TeX source. It is drawn at the size of first-level bullet text, so an
equation under the bullets reads as part of the same text, and only ever shrunk to fit its box.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from generator import memo
from generator.deck import Equation
from generator.render.math_text import space_big_operators
from generator.render.pptx.geometry import Box
from generator.render.pptx.style import BODY_LEVEL_PT, EMU_PER_PT

EQUATION_PT = BODY_LEVEL_PT[0]
# 300 dpi keeps the strokes sharp on a projector even when the picture is enlarged by hand.
EQUATION_DPI = 300
EQUATION_INK = "#000000"  # the master's text colour (tx1)
# Between the lines of a multi-line equation, in multiples of the font size.
EQUATION_LINE_GAP = 0.5
# A little transparent margin, so antialiased edges of the outermost glyphs are not cut off.
EQUATION_PAD_IN = 0.03
POINTS_PER_INCH = 72
# matplotlib's own fontset for its bundled DejaVu Sans: symbols and letters designed together.
BUNDLED_FONT = "DejaVu Sans"


@dataclass(frozen=True)
class EquationPicture:
    png: bytes
    width_px: int
    height_px: int

    @property
    def width_emu(self) -> int:
        return _pixels_to_emu(self.width_px)

    @property
    def height_emu(self) -> int:
        return _pixels_to_emu(self.height_px)


def _pixels_to_emu(pixels: int) -> int:
    return round(pixels * POINTS_PER_INCH / EQUATION_DPI * EMU_PER_PT)


@lru_cache(maxsize=128)
def equation_picture(tex: str, font: str) -> EquationPicture:
    """The TeX typeset in ``font`` (where installed) as a transparent PNG; the same bytes every time.

    Remembered between runs (generator/memo.py) for this matplotlib, this code and the font files the
    font is found in, so a build whose equations did not change loads no matplotlib."""
    version = _typesetting_version(font)
    key = memo.digest(tex, font)
    png = memo.get("equation-picture", version, key)
    if png is None or not png.startswith(_PNG_SIGNATURE):
        png = _typeset(tex, font)
        memo.put("equation-picture", version, key, png)
    # Width and height from the PNG's header (IHDR follows the 8-byte signature).
    return EquationPicture(png=png, width_px=int.from_bytes(png[16:20], "big"), height_px=int.from_bytes(png[20:24], "big"))


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@lru_cache(maxsize=16)
def _typesetting_version(font: str) -> str:
    """What an equation's picture depends on besides its TeX and font name: matplotlib, this code and the files
    fontconfig finds the font in (matplotlib is made to follow fontconfig, generator/fonts.py)."""
    from importlib.metadata import version

    from generator.render import math_text
    from generator.render.pptx.fonts import Face, font_file

    files = [repr(font_file(Face(font, bold, italic))) for bold, italic in ((False, False), (False, True), (True, False))]
    return memo.digest(version("matplotlib"), memo.source_digest(__file__, math_text.__file__), *files)


def _typeset(tex: str, font: str) -> bytes:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_mathtext_fonts(font)):
        figure = Figure()
        figure.text(0, 0, f"${_display_style(tex)}$", fontsize=EQUATION_PT, color=EQUATION_INK)
        buffer = io.BytesIO()
        # No "Software" text chunk: it names the matplotlib version, and the bytes must not depend on it.
        figure.savefig(
            buffer,
            format="png",
            dpi=EQUATION_DPI,
            transparent=True,
            bbox_inches="tight",
            pad_inches=EQUATION_PAD_IN,
            metadata={"Software": None},
        )
    return buffer.getvalue()


_FRACTION = re.compile(r"\\frac(?![A-Za-z])")


def _display_style(tex: str) -> str:
    """``tex`` spaced and sized as TeX sets display math (between $$ signs).

    mathtext sets every fraction in text style (small, as inside a line of prose); a display
    equation's top-level fractions should be full size."""
    tex = space_big_operators(tex)
    parts = []
    depth = 0
    position = 0
    for match in re.finditer(r"\\.|[{}]", tex):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and _FRACTION.match(tex, match.start()):
            parts.append(tex[position : match.start()] + "\\dfrac")
            position = match.start() + len("\\frac")
    return "".join(parts) + tex[position:]


def _mathtext_fonts(font: str) -> dict[str, str]:
    if font == BUNDLED_FONT or not _installed(font):
        return {"mathtext.fontset": "dejavusans"}
    # Letters and digits in the theme's font, like the text around the equation; symbols the font
    # lacks (integrals, big operators) come from STIX sans rather than serif Computer Modern.
    return {
        "mathtext.fontset": "custom",
        "mathtext.rm": font,
        "mathtext.it": f"{font}:italic",
        "mathtext.bf": f"{font}:bold",
        "mathtext.sf": font,
        "mathtext.cal": font,
        "mathtext.fallback": "stixsans",
    }


def _installed(font: str) -> bool:
    from matplotlib.font_manager import FontProperties, findfont

    # findfont logs a warning for every miss; a theme font that is not installed here is not an error.
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        # A list, not a string: a lone string is read as a fontconfig pattern ("Fira-Code" would not parse).
        findfont(FontProperties(family=[font]), fallback_to_default=False)
        return True
    except ValueError:
        return False
    finally:
        logger.setLevel(level)


def equation_height(equation: Equation, font: str) -> int:
    """The height the equation asks for on a slide: its lines at body-text size, half a line above and below."""
    return _stack_height([equation_picture(tex, font) for tex in equation.lines]) + 2 * _line_gap()


def _line_gap() -> int:
    return round(EQUATION_PT * EQUATION_LINE_GAP * EMU_PER_PT)


def _stack_height(pictures: list[EquationPicture]) -> int:
    return sum(picture.height_emu for picture in pictures) + _line_gap() * (len(pictures) - 1)


def equation_scale(equation: Equation, font: str, box: Box) -> float:
    """How much the equation's lines are shrunk to fit ``box``: 1 where they fit at body-text size."""
    pictures = [equation_picture(tex, font) for tex in equation.lines]
    stack_width = max(picture.width_emu for picture in pictures)
    return min(1.0, box.width / stack_width, box.height / _stack_height(pictures))


def add_equation(slide, equation: Equation, font: str, box: Box, name: str) -> list:
    """The equation's lines, each a picture, stacked and centred in ``box`` at body-text size
    (the whole stack shrunk alike where it does not fit)."""
    from generator.render.pptx.oxml import set_alt_text

    pictures = [equation_picture(tex, font) for tex in equation.lines]
    gap = _line_gap()
    stack_height = _stack_height(pictures)
    scale = equation_scale(equation, font, box)
    top = box.top + (box.height - round(stack_height * scale)) // 2
    shapes = []
    for number, (tex, picture) in enumerate(zip(equation.lines, pictures), start=1):
        width, height = round(picture.width_emu * scale), round(picture.height_emu * scale)
        shape = slide.shapes.add_picture(
            io.BytesIO(picture.png), box.left + (box.width - width) // 2, top, width, height
        )
        shape.name = name if len(pictures) == 1 else f"{name}.{number}"
        # Screen readers and the PowerPoint accessibility checker read the TeX, which is also what a
        # reader needs to copy the equation.
        set_alt_text(shape, tex)
        shapes.append(shape)
        top += height + round(gap * scale)
    return shapes
