"""The theme's fonts as files on this machine, and the widths and heights of text set in them.

Fitting measures text with the very font files a viewer here would draw it with. fontconfig
(``fc-match``) finds them, because that is what LibreOffice asks too, and it names the face
inside a font collection (.ttc); where fontconfig is absent, matplotlib's font manager does.
A family that is not installed is replaced by the font fontconfig would substitute, and the
caller is told, so a deck fitted with stand-in metrics never passes for a measured one.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass

from PIL import ImageFont

from generator.deck import Theme

# Glyphs are measured once at this size (in pixels, read as points) and scaled linearly:
# large enough that rounding of advances to whole pixels is far below what fitting needs.
MEASURE_PX = 2048


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int  # the face inside a collection (.ttc); 0 for a single font
    family: str  # the family actually found, which differs from the one asked for on a fallback


@dataclass(frozen=True)
class Face:
    """One family at one weight and slant, as asked for."""

    family: str
    bold: bool = False
    italic: bool = False


@functools.lru_cache(maxsize=None)
def font_file(face: Face) -> FontFile:
    if shutil.which("fc-match"):
        return _fc_match(face)
    return _matplotlib_match(face)


# Characters a fontconfig pattern gives a meaning (size after "-", properties after ":", a list at ",").
_PATTERN_SYNTAX = str.maketrans({"\\": "\\\\", "-": "\\-", ":": "\\:", ",": "\\,"})


def _fc_match(face: Face) -> FontFile:
    # The family is a name from the content or a template: escaped, and after "--" so no name reads as an option.
    pattern = face.family.translate(_PATTERN_SYNTAX) + (":bold" if face.bold else "") + (":italic" if face.italic else "")
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{family}\t%{file}\t%{index}", "--", pattern],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        families, path, index = found.split("\t")
    except (subprocess.SubprocessError, OSError, ValueError):
        return _matplotlib_match(face)
    names = [name.strip() for name in families.split(",")]
    family = next((name for name in names if name.casefold() == face.family.casefold()), names[0])
    return FontFile(path, int(index or 0), family)


def _matplotlib_match(face: Face) -> FontFile:
    from matplotlib import font_manager

    properties = font_manager.FontProperties(
        family=[face.family], weight="bold" if face.bold else "normal", style="italic" if face.italic else "normal"
    )
    try:
        path = font_manager.findfont(properties, fallback_to_default=False)
        return FontFile(path, 0, face.family)
    except ValueError:
        # A list, not a string: a lone string is read as a fontconfig pattern, where "-" starts a size.
        path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
        return FontFile(path, 0, font_manager.get_font(path).family_name)


def is_installed(family: str) -> bool:
    return font_file(Face(family)).family.casefold() == family.casefold()


# Fonts designed with the same advance widths as a proprietary one (fontconfig's own metric
# aliases): text measured with the twin breaks exactly where it will in the original.
METRIC_TWINS = {
    "Arial": "Liberation Sans",
    "Helvetica": "Liberation Sans",
    "Times New Roman": "Liberation Serif",
    "Courier New": "Liberation Mono",
    "Calibri": "Carlito",
    "Cambria": "Caladea",
}


def missing_font_messages(theme: Theme) -> list[tuple[str, str]]:
    """(theme key, message) for each theme font that is not installed and what stands in for it,
    unless the stand-in is its metric twin."""
    messages = []
    from_template = _template_fonts(theme)
    for key, family in (
        ("font", theme.font),
        ("font_east_asian", theme.font_east_asian),
        ("font_code", theme.font_code),
    ):
        if not is_installed(family):
            stand_in = font_file(Face(family)).family
            if METRIC_TWINS.get(family) == stand_in:
                continue
            # A font the content never named came from the template; say so, or the user looks for it in vain.
            whose, remedy = (
                ("the template's font", f"name an installed font as theme.{key}")
                if family in from_template
                else ("the font", "name an installed font")
            )
            messages.append(
                (
                    f"theme.{key}",
                    f"{whose} {family!r} is not installed here, so text was fitted with the metrics of "
                    f"{stand_in!r} and may not fit where {family!r} is used; install it or {remedy}",
                )
            )
    return messages


def _template_fonts(theme: Theme) -> tuple[str, ...]:
    if not theme.pptx_template:
        return ()
    from generator.render.pptx.master import template_fonts  # python-pptx: only for a template

    return tuple(face for face in template_fonts(theme.pptx_template) if face)


@functools.lru_cache(maxsize=None)
def _loaded(font: FontFile) -> ImageFont.FreeTypeFont:
    # BASIC layout: the same widths whether or not this Pillow was built with libraqm.
    return ImageFont.truetype(font.path, MEASURE_PX, index=font.index, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=65536)
def em_width_of(face: Face, text: str) -> float:
    """The advance of ``text`` set in ``face``, in em."""
    return _loaded(font_file(face)).getlength(text) / MEASURE_PX


@functools.lru_cache(maxsize=None)
def line_pitch_em(face: Face) -> float:
    """Ascent plus descent in em: the distance between baselines at single line spacing."""
    ascent, descent = _loaded(font_file(face)).getmetrics()
    return (ascent + descent) / MEASURE_PX


def is_east_asian(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def text_width_pt(text: str, size_pt: float, latin: Face, east_asian: Face) -> float:
    """The advance of `text` at `size_pt`, East Asian characters in the East Asian font."""
    return sum(em_width_of(face, chunk) for face, chunk in script_chunks(text, latin, east_asian)) * size_pt


def script_chunks(text: str, latin: Face, east_asian: Face) -> list[tuple[Face, str]]:
    """`text` cut where it changes between East Asian and other characters, each with its face."""
    chunks: list[tuple[Face, str]] = []
    for ch in text:
        face = east_asian if is_east_asian(ch) else latin
        if chunks and chunks[-1][0] == face:
            chunks[-1] = (face, chunks[-1][1] + ch)
        else:
            chunks.append((face, ch))
    return chunks
