"""The designed master's layouts, one table: their placeholders, regions and decoration.

What each layout is for and what it is called come from the one layout table,
generator/slide_layouts.py; this module adds where PowerPoint puts things.

Every position comes from one grid (`design_grid`) computed from the slide size, so the
layouts line up with each other on 16:9 and on 4:3. The layout XML is generated here from the
table rather than edited out of a binary template, so the design can be read and changed in
code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.deck import Layout
from generator.render.contrast import FULL_LIGHTNESS
from generator.render.pptx.geometry import Box
from generator.slide_layouts import LAYOUT_ORDER
from generator.slide_layouts import LAYOUTS as SLIDE_LAYOUTS
from generator.render.pptx.style import (
    COLUMN_GAP,
    FOOTER_PT,
    QUOTE_PT,
    SECTION_SUBTITLE_PT,
    SECTION_TITLE_PT,
    SLIDE_NUMBER_FIELD_ID,
    SUBTITLE_PT,
    TEXT_COLUMN_SHARE,
    TITLE_SLIDE_PT,
)

# The designed master's name for each layout, and what a user's template may call the one that fits:
# both from the one layout table (generator/slide_layouts.py).
LAYOUT_NAMES: dict[Layout, str] = {name: SLIDE_LAYOUTS[name].pptx_name for name in LAYOUT_ORDER}
TEMPLATE_LAYOUT_DEFAULTS: dict[Layout, tuple[str, ...]] = {name: SLIDE_LAYOUTS[name].template_names for name in LAYOUT_ORDER}

Region = Literal[
    "slide",
    "title",
    "body",
    "text_column",
    "visual_column",
    "footer",
    "number",
    "cover_title",
    "cover_subtitle",
    "section_title",
    "section_subtitle",
]
PlaceholderType = Literal["title", "ctrTitle", "subTitle", "body", "pic", "tbl", "ftr", "sldNum"]


@dataclass(frozen=True)
class PlaceholderSpec:
    type: PlaceholderType
    idx: int
    region: Region
    name: str
    prompt: str = ""
    size_pt: float | None = None  # None: the master's text style decides
    anchor: Literal["t", "ctr", "b"] | None = None
    on_accent: bool = False  # light text, for the accent-coloured section background
    align: Literal["l", "ctr", "r"] | None = None
    italic: bool = False


@dataclass(frozen=True)
class LayoutSpec:
    kind: Layout
    placeholders: tuple[PlaceholderSpec, ...]
    accent_background: bool = False
    title_rule: Region | None = "title"  # the short accent bar sits under this region

    @property
    def name(self) -> str:
        return LAYOUT_NAMES[self.kind]


def _title() -> PlaceholderSpec:
    return PlaceholderSpec("title", 0, "title", "Title", "Click to edit the title")


def _footer(on_accent: bool = False) -> tuple[PlaceholderSpec, ...]:
    return (
        PlaceholderSpec("ftr", 11, "footer", "Footer", size_pt=FOOTER_PT, on_accent=on_accent),
        PlaceholderSpec("sldNum", 12, "number", "Slide Number", size_pt=FOOTER_PT, on_accent=on_accent, align="r"),
    )


def _body(region: Region = "body", idx: int = 1, name: str = "Content") -> PlaceholderSpec:
    return PlaceholderSpec("body", idx, region, name, "Click to add text")


LAYOUTS: tuple[LayoutSpec, ...] = (
    LayoutSpec(
        "title",
        (
            PlaceholderSpec(
                "ctrTitle", 0, "cover_title", "Title", "Lecture title", size_pt=TITLE_SLIDE_PT, anchor="b", align="l"
            ),
            PlaceholderSpec(
                "subTitle", 1, "cover_subtitle", "Subtitle", "Subtitle, author, date", size_pt=SUBTITLE_PT, anchor="t"
            ),
        ),
        title_rule="cover_title",
    ),
    LayoutSpec(
        "section",
        (
            PlaceholderSpec(
                "title",
                0,
                "section_title",
                "Title",
                "Section title",
                size_pt=SECTION_TITLE_PT,
                anchor="b",
                on_accent=True,
            ),
            PlaceholderSpec(
                "body",
                1,
                "section_subtitle",
                "Subtitle",
                "Section subtitle",
                size_pt=SECTION_SUBTITLE_PT,
                anchor="t",
                on_accent=True,
            ),
            *_footer(on_accent=True),
        ),
        accent_background=True,
        title_rule="section_title",
    ),
    LayoutSpec("bullets", (_title(), _body(), *_footer())),
    LayoutSpec("figure", (_title(), PlaceholderSpec("pic", 1, "body", "Figure", "Figure"), *_footer())),
    LayoutSpec(
        "figure_bullets",
        (
            _title(),
            _body("text_column"),
            PlaceholderSpec("pic", 2, "visual_column", "Figure", "Figure"),
            *_footer(),
        ),
    ),
    LayoutSpec("table", (_title(), PlaceholderSpec("tbl", 1, "body", "Table", "Table"), *_footer())),
    LayoutSpec("code", (_title(), _body(name="Code"), *_footer())),
    LayoutSpec(
        "quote",
        (
            _title(),
            PlaceholderSpec(
                "body", 1, "body", "Quote", "Quotation", size_pt=QUOTE_PT, anchor="ctr", align="ctr", italic=True
            ),
            *_footer(),
        ),
    ),
    LayoutSpec("closing", (_title(), _body(), *_footer())),
)


# --- the grid ------------------------------------------------------------------------------

EMU_PER_INCH = 914400


def _inches(value: float) -> int:
    return round(value * EMU_PER_INCH)


MARGIN = _inches(0.6)
COVER_INDENT = _inches(1.0)
ACCENT_BAND = _inches(0.3)
RULE_WIDTH = _inches(1.2)
RULE_HEIGHT = _inches(0.06)
RULE_GAP = _inches(0.08)


def design_grid(width: int, height: int) -> dict[Region, Box]:
    """Every region of the designed layouts for a slide of that size, in EMU."""
    inner = width - 2 * MARGIN
    title = Box(MARGIN, _inches(0.3), inner, _inches(1.0))
    body_top = title.bottom + RULE_GAP + RULE_HEIGHT + _inches(0.25)
    footer = Box(MARGIN, height - _inches(0.5), inner - _inches(1.2), _inches(0.35))
    body = Box(MARGIN, body_top, inner, footer.top - _inches(0.2) - body_top)
    text_column, visual_column = body.columns((TEXT_COLUMN_SHARE, 1 - TEXT_COLUMN_SHARE), COLUMN_GAP)
    cover_width = width - COVER_INDENT - MARGIN
    cover_title = Box(COVER_INDENT, round(height * 0.22), cover_width, round(height * 0.30))
    cover_subtitle = Box(COVER_INDENT, cover_title.bottom + _inches(0.4), cover_width, _inches(1.9))
    section_title = Box(COVER_INDENT, round(height * 0.25), cover_width, round(height * 0.28))
    section_subtitle = Box(COVER_INDENT, section_title.bottom + _inches(0.4), cover_width, _inches(1.2))
    return {
        "slide": Box(0, 0, width, height),
        "title": title,
        "body": body,
        "text_column": text_column,
        "visual_column": visual_column,
        "footer": footer,
        "number": Box(width - MARGIN - _inches(1.0), footer.top, _inches(1.0), footer.height),
        "cover_title": cover_title,
        "cover_subtitle": cover_subtitle,
        "section_title": section_title,
        "section_subtitle": section_subtitle,
    }


# --- the layout XML ------------------------------------------------------------------------

_ON_ACCENT_TEXT = '<a:solidFill><a:schemeClr val="bg1"/></a:solidFill>'
_ON_ACCENT_MUTED = '<a:solidFill><a:schemeClr val="bg1"><a:alpha val="80000"/></a:schemeClr></a:solidFill>'


def layout_xml(
    spec: LayoutSpec, grid: dict[Region, Box], accent_lum_mod: int = FULL_LIGHTNESS, mark_lum_mod: int = FULL_LIGHTNESS
) -> bytes:
    """The p:sldLayout part of one designed layout. An accent background is darkened by `accent_lum_mod`
    and the accent band and rule on white by `mark_lum_mod` (render/contrast.py), so both show whatever the accent."""
    from lxml import etree  # here: planning slides reads this module's table, and loads no XML library
    from pptx.oxml.ns import nsdecls

    shapes = []
    next_id = 2
    if spec.kind == "title":
        band = Box(0, 0, ACCENT_BAND, grid["slide"].height)
        shapes.append(_rectangle(next_id, "Accent Band", band, lum_mod=mark_lum_mod))
        next_id += 1
    if spec.title_rule is not None:
        under = grid[spec.title_rule]
        rule = Box(under.left + RULE_GAP, under.bottom + RULE_GAP, RULE_WIDTH, RULE_HEIGHT)
        shapes.append(_rectangle(next_id, "Title Rule", rule, light=spec.accent_background, lum_mod=mark_lum_mod))
        next_id += 1
    for placeholder in spec.placeholders:
        shapes.append(_placeholder(next_id, placeholder, grid[placeholder.region]))
        next_id += 1
    # lumMod rather than a fixed colour: the background still follows the theme's accent when it is edited.
    darker = f'<a:lumMod val="{accent_lum_mod}"/>' if accent_lum_mod < FULL_LIGHTNESS else ""
    background = (
        f'<p:bg><p:bgPr><a:solidFill><a:schemeClr val="accent1">{darker}</a:schemeClr></a:solidFill>'
        "<a:effectLst/></p:bgPr></p:bg>"
        if spec.accent_background
        else ""
    )
    layout_type = SLIDE_LAYOUTS[spec.kind].pptx_type
    xml = (
        f'<p:sldLayout {nsdecls("a", "r", "p")} type="{layout_type}" preserve="1">'
        f'<p:cSld name="{spec.name}">{background}<p:spTree>'
        '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
        '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
        '<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>'
        f"{''.join(shapes)}</p:spTree></p:cSld>"
        "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )
    root = etree.fromstring(xml)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _xfrm(box: Box) -> str:
    return f'<a:xfrm><a:off x="{box.left}" y="{box.top}"/><a:ext cx="{box.width}" cy="{box.height}"/></a:xfrm>'


def _rectangle(shape_id: int, name: str, box: Box, light: bool = False, lum_mod: int = FULL_LIGHTNESS) -> str:
    colour = "bg1" if light else "accent1"
    darker = f'<a:lumMod val="{lum_mod}"/>' if lum_mod < FULL_LIGHTNESS and not light else ""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>'
        f'<p:spPr>{_xfrm(box)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:schemeClr val="{colour}">{darker}</a:schemeClr></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>'
    )


def _placeholder(shape_id: int, spec: PlaceholderSpec, box: Box) -> str:
    idx = f' idx="{spec.idx}"' if spec.idx else ""
    size = {"ftr": ' sz="quarter"', "sldNum": ' sz="quarter"'}.get(spec.type, "")
    anchor = f' anchor="{spec.anchor}"' if spec.anchor else ""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{spec.name} Placeholder"/>'
        '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f'<p:nvPr><p:ph type="{spec.type}"{size}{idx}/></p:nvPr></p:nvSpPr>'
        f"<p:spPr>{_xfrm(box)}</p:spPr>"
        f"<p:txBody><a:bodyPr{anchor}><a:normAutofit/></a:bodyPr><a:lstStyle>{_level_styles(spec)}</a:lstStyle>"
        f"{_prompt(spec)}</p:txBody></p:sp>"
    )


def _level_styles(spec: PlaceholderSpec) -> str:
    if spec.size_pt is None and not spec.on_accent and spec.align is None and not spec.italic:
        return ""
    muted = spec.type in ("ftr", "sldNum")
    fill = (_ON_ACCENT_MUTED if muted else _ON_ACCENT_TEXT) if spec.on_accent else ""
    bullet_free = spec.type in ("subTitle", "body") and spec.size_pt is not None
    align = f' algn="{spec.align}"' if spec.align else ""
    # A subtitle, section line or quote is not a list: no bullet mark, no hanging indent.
    indent = ' marL="0" indent="0"' if bullet_free else ""
    bullet = "<a:buNone/>" if bullet_free else ""
    size = f' sz="{round(spec.size_pt * 100)}"' if spec.size_pt else ""
    italic = ' i="1"' if spec.italic else ""
    return f"<a:lvl1pPr{indent}{align}>{bullet}<a:defRPr{size}{italic}>{fill}</a:defRPr></a:lvl1pPr>"


def _prompt(spec: PlaceholderSpec) -> str:
    if spec.type == "sldNum":
        return (
            f'<a:p><a:fld id="{SLIDE_NUMBER_FIELD_ID}" type="slidenum"><a:rPr lang="en-US"/>'
            "<a:t>‹#›</a:t></a:fld></a:p>"
        )
    if not spec.prompt:
        return '<a:p><a:endParaRPr lang="en-US"/></a:p>'
    return f'<a:p><a:r><a:rPr lang="en-US"/><a:t>{spec.prompt}</a:t></a:r></a:p>'
