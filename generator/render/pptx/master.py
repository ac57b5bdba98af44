"""The template: the master and layouts every slide is built on, and the theme's fonts and accent."""

from __future__ import annotations

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn

from generator.deck import (
    Theme,
)
from generator.render.pptx.style import (
    BODY_LEVEL_PT,
    SLIDE_SIZES,
    TEMPLATE_WIDTH,
    TITLE_PT,
)


def presentation_for(theme: Theme):
    prs = Presentation()
    width, height = SLIDE_SIZES[theme.aspect]
    _widen_template(prs, width / TEMPLATE_WIDTH)
    prs.slide_width = width
    prs.slide_height = height
    if width != TEMPLATE_WIDTH:
        # "screen4x3" would make PowerPoint's Slide Size dialog claim 4:3.
        prs.part._element.sldSz.attrib.pop("type", None)
    _set_master_text_sizes(prs.slide_master)
    _set_theme_fonts_and_accent(prs, theme)
    return prs


def _widen_template(prs, ratio: float) -> None:
    # Placeholders without an xfrm of their own inherit from the master, which is widened too.
    if ratio == 1:
        return
    for owner in (prs.slide_master, *prs.slide_layouts):
        for shape in owner.shapes:
            if shape._element.xfrm is not None:
                left, width = shape.left, shape.width
                shape.left = round(left * ratio)
                shape.width = round(width * ratio)


def _set_master_text_sizes(master) -> None:
    styles = master._element.find(qn("p:txStyles"))
    title = styles.find(f"{qn('p:titleStyle')}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}")
    title.set("sz", str(TITLE_PT * 100))
    body = styles.find(qn("p:bodyStyle"))
    for level, size in enumerate(BODY_LEVEL_PT, start=1):
        run_defaults = body.find(f"{qn(f'a:lvl{level}pPr')}/{qn('a:defRPr')}")
        if run_defaults is not None:
            run_defaults.set("sz", str(size * 100))


def _set_theme_fonts_and_accent(prs, theme: Theme) -> None:
    # Text a user types later inherits the theme's fonts and accent, not Calibri and blue.
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    for font in root.iter(qn("a:majorFont"), qn("a:minorFont")):
        font.find(qn("a:latin")).set("typeface", theme.font)
        font.find(qn("a:ea")).set("typeface", theme.font_east_asian)
    accent = root.find(f".//{qn('a:accent1')}")
    for child in list(accent):
        accent.remove(child)
    etree.SubElement(accent, qn("a:srgbClr"), val=_hex(theme.accent))
    # python-pptx keeps parts it has no class for (the theme is one) as bytes only.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(_hex(colour))
