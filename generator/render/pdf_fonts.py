"""Fonts the PDF embeds as fonts: text set in a CFF font is given to Chromium as TrueType first.

Chromium prints with Skia, which embeds a TrueType-outlined font (glyf) as a CID TrueType font but
writes the text of a CFF-outlined one (OpenType with PostScript outlines: Noto Sans CJK, Source Han
Sans, Latin Modern Math) as Type 3 fonts, many of them, which some viewers draw blurred and which
cannot be searched or copied reliably. A Chinese deck printed so held over a hundred.

So before the page is printed, every CFF font its text would be set in is added to the page as an
``@font-face`` of the same family name, which takes precedence over the installed font: only the
characters that font sets on the page (those of the page's text it has and no family before it in
the list has), with the outlines converted to TrueType (quadratic curves, fontTools' cu2qu), bold
beside regular. Chromium then embeds it as CID TrueType. Fonts with TrueType outlines are left as they
are, and a page whose text needs no CFF font (a Latin deck in DejaVu Sans) is printed unchanged.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
from dataclasses import dataclass

from generator.render.pptx.fonts import Face, font_file

# The font lists of the page's style sheets: `font-family: ...` and the custom properties holding them.
_DECLARATION = re.compile(r"(?:font-family|--font-[\w-]+)\s*:\s*([^;}]+)")
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-serif", "ui-sans-serif",
            "ui-monospace", "ui-rounded", "math", "emoji", "fangsong", "inherit", "initial", "unset"}
_NOT_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
WEIGHTS = ((400, False), (700, True))


@dataclass(frozen=True)
class _Font:
    path: str
    index: int


def with_embeddable_fonts(page: str) -> str:
    """``page`` with ``@font-face`` rules that replace each CFF font its text is set in by a TrueType copy."""
    characters = {ord(character) for character in html.unescape(_NOT_TEXT.sub(" ", page)) if not character.isspace()}
    rules: dict[tuple[str, int], str] = {}
    for families in _font_lists(page):
        left = set(characters)  # what no family before this one in the list has
        for family in families:
            if not left:
                break
            faces = {weight: _installed(family, bold) for weight, bold in WEIGHTS}
            if faces[400] is None:
                continue  # not on this machine: the browser passes over it too
            cmap = _cmap(faces[400])
            used = frozenset(left & cmap)
            left -= cmap
            if not used or not any(face is not None and _is_cff(face) for face in faces.values()):
                continue
            for weight, face in faces.items():
                if face is not None and (family, weight) not in rules:
                    rules[(family, weight)] = _font_face(family, weight, _truetype(face, used))
    if not rules:
        return page
    style = "<style>\n" + "\n".join(rules.values()) + "\n</style>\n"
    head_end = page.find("</head>")
    return page[:head_end] + style + page[head_end:] if head_end >= 0 else style + page


def _font_lists(page: str) -> list[tuple[str, ...]]:
    lists = []
    for declaration in _DECLARATION.findall(page):
        if "var(" in declaration:
            continue
        names = tuple(name.strip().strip("'\"") for name in html.unescape(declaration).split(","))
        names = tuple(name for name in names if name and name.lower() not in _GENERIC)
        if names and names not in lists:
            lists.append(names)
    return lists


def _installed(family: str, bold: bool) -> _Font | None:
    found = font_file(Face(family, bold=bold))
    if found.family.casefold() != family.casefold():
        return None
    if bold and found == font_file(Face(family)):
        return None  # no bold face: the browser makes the regular one bold
    return _Font(found.path, found.index)


@functools.lru_cache(maxsize=None)
def _cmap(font: _Font) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(font.path, fontNumber=font.index, lazy=True) as opened:
        return frozenset(opened.getBestCmap() or {})


@functools.lru_cache(maxsize=None)
def _is_cff(font: _Font) -> bool:
    from fontTools.ttLib import TTFont

    with TTFont(font.path, fontNumber=font.index, lazy=True) as opened:
        return "CFF " in opened or "CFF2" in opened


@functools.lru_cache(maxsize=64)
def _truetype(font: _Font, characters: frozenset[int]) -> bytes:
    """The font cut down to ``characters``, with TrueType outlines; the same bytes every time."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with TTFont(font.path, fontNumber=font.index, recalcTimestamp=False) as opened:
        options = subset.Options()  # the layout features browsers apply by default are kept
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(characters))
        subsetter.subset(opened)
        if "CFF " in opened or "CFF2" in opened:
            _to_truetype_outlines(opened)
        out = io.BytesIO()
        opened.save(out)
        return out.getvalue()


def _to_truetype_outlines(font) -> None:
    """Replace the CFF table by a glyf table of the same glyphs (cubic curves become quadratic ones)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    for table in ("CFF ", "CFF2", "VORG"):
        if table in font:
            del font[table]
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _font_face(family: str, weight: int, data: bytes) -> str:
    name = family.replace("\\", "\\\\").replace('"', '\\"')
    source = base64.b64encode(data).decode("ascii")
    return f'@font-face {{ font-family: "{name}"; font-weight: {weight}; src: url(data:font/ttf;base64,{source}); }}'
