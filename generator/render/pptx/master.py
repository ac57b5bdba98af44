"""The presentation every slide is built on: the designed master, or the user's own template.

The designed master is made by code each time: python-pptx's default package supplies the
parts (master, theme, notes master), and its master placeholders, text styles, theme and all
layouts are rewritten from `layouts.LAYOUTS`. A user's .pptx/.potx is used as it is, minus any
slides it already holds.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn

from generator.deck import Theme
from generator.errors import BuildError
from generator.render.contrast import FULL_LIGHTNESS, NON_TEXT_CONTRAST, fill_lum_mod
from generator.render.pptx.geometry import move
from generator.render.pptx.layouts import LAYOUTS, design_grid, layout_xml
from generator.render.pptx.style import (
    BODY_LEVEL_PT,
    SLIDE_SIZES,
    TEMPLATE_WIDTH,
    TITLE_PT,
)

TEXT_COLOUR = "1F2328"  # near-black: softer than pure black on a projector, still high contrast
PRESENTATION_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"


class TemplateError(Exception):
    """A template file that cannot be used; the message says why, for the user."""


def presentation_for(theme: Theme):
    if not theme.pptx_template:
        return designed_presentation(theme)
    try:
        return template_presentation(theme.pptx_template)
    except TemplateError as error:
        raise BuildError(f"the PowerPoint template cannot be used: {error}") from None


def designed_presentation(theme: Theme):
    prs = Presentation()
    width, height = SLIDE_SIZES[theme.aspect]
    prs.slide_width = width
    prs.slide_height = height
    if width != TEMPLATE_WIDTH:
        # "screen4x3" would make PowerPoint's Slide Size dialog claim 4:3.
        prs.part._element.sldSz.attrib.pop("type", None)
    grid = design_grid(width, height)
    _place_master_placeholders(prs.slide_master, grid)
    mark_lum_mod = fill_lum_mod(theme.accent, NON_TEXT_CONTRAST)
    _set_master_text_styles(prs.slide_master, mark_lum_mod)
    _replace_layouts(prs.slide_master, grid, fill_lum_mod(theme.accent), mark_lum_mod)
    _set_theme(prs, theme)
    return prs


def _place_master_placeholders(master, grid) -> None:
    # Slides on a layout that omits a placeholder, and slides a user adds, inherit these.
    regions = {
        PP_PLACEHOLDER.TITLE: grid["title"],
        PP_PLACEHOLDER.BODY: grid["body"],
        PP_PLACEHOLDER.FOOTER: grid["footer"],
        PP_PLACEHOLDER.SLIDE_NUMBER: grid["number"],
    }
    for placeholder in list(master.placeholders):
        kind = placeholder.placeholder_format.type
        if kind not in regions:
            placeholder._element.getparent().remove(placeholder._element)  # the date: a lecture shows none
            continue
        move(placeholder, regions[kind])
        body_pr = placeholder._element.txBody.bodyPr
        if kind == PP_PLACEHOLDER.TITLE:
            body_pr.set("anchor", "b")
        if kind == PP_PLACEHOLDER.FOOTER:
            level = placeholder._element.txBody.find(f"{qn('a:lstStyle')}/{qn('a:lvl1pPr')}")
            if level is not None:
                level.set("algn", "l")


def _set_master_text_styles(master, mark_lum_mod: int) -> None:
    styles = master._element.find(qn("p:txStyles"))
    title_level = styles.find(f"{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
    title_level.set("algn", "l")
    title_run = title_level.find(qn("a:defRPr"))
    title_run.set("sz", str(TITLE_PT * 100))
    title_run.set("b", "1")
    body = styles.find(qn("p:bodyStyle"))
    for level, size in enumerate(BODY_LEVEL_PT, start=1):
        paragraph = body.find(qn(f"a:lvl{level}pPr"))
        if paragraph is None:
            continue
        paragraph.find(qn("a:defRPr")).set("sz", str(size * 100))
        if level == 1:
            # The one touch of accent in running text: the first-level bullet marks.
            _set_bullet_colour(paragraph, mark_lum_mod)


# Children of a:lvlNpPr that must come after a:buClr (the schema fixes their order).
_AFTER_BULLET_COLOUR = (
    "a:buSzTx",
    "a:buSzPct",
    "a:buSzPts",
    "a:buFontTx",
    "a:buFont",
    "a:buNone",
    "a:buAutoNum",
    "a:buChar",
    "a:buBlip",
    "a:tabLst",
    "a:defRPr",
    "a:extLst",
)


def _set_bullet_colour(paragraph, lum_mod: int) -> None:
    existing = paragraph.find(qn("a:buClr"))
    if existing is not None:
        paragraph.remove(existing)
    colour = etree.Element(qn("a:buClr"))
    scheme = etree.SubElement(colour, qn("a:schemeClr"), val="accent1")
    if lum_mod < FULL_LIGHTNESS:
        etree.SubElement(scheme, qn("a:lumMod"), val=str(lum_mod))
    later = next((child for child in paragraph if child.tag in {qn(tag) for tag in _AFTER_BULLET_COLOUR}), None)
    if later is None:
        paragraph.append(colour)
    else:
        later.addprevious(colour)


def _replace_layouts(master, grid, accent_lum_mod: int, mark_lum_mod: int) -> None:
    """Rewrites the default package's layouts as the designed ones and drops the rest.

    python-pptx cannot add a layout, but each default layout is already a registered part
    (relationship + sldLayoutId), so its XML is replaced in place; unused ones are unlinked
    and so not saved."""
    id_list = master._element.get_or_add_sldLayoutIdLst()
    entries = list(id_list)
    if len(entries) < len(LAYOUTS):
        raise RuntimeError("python-pptx's default template has fewer layouts than the designed master needs")
    for entry, spec in zip(entries, LAYOUTS):
        part = master.part.related_part(entry.get(qn("r:id")))
        part._element = parse_xml(layout_xml(spec, grid, accent_lum_mod, mark_lum_mod))
    for entry in entries[len(LAYOUTS) :]:
        rel_id = entry.get(qn("r:id"))
        id_list.remove(entry)
        master.part.drop_rel(rel_id)


def _set_theme(prs, theme: Theme) -> None:
    # Text a user types later inherits the theme's fonts and accent, not Calibri and blue.
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    root.set("name", "lecturegen")
    for font in root.iter(qn("a:majorFont"), qn("a:minorFont")):
        font.find(qn("a:latin")).set("typeface", theme.font)
        font.find(qn("a:ea")).set("typeface", theme.font_east_asian)
    _set_scheme_colour(root, "a:accent1", _hex(theme.accent))
    _set_scheme_colour(root, "a:dk1", TEXT_COLOUR)
    # python-pptx keeps parts it has no class for (the theme is one) as bytes only.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_scheme_colour(theme_root, tag: str, value: str) -> None:
    slot = theme_root.find(f".//{qn(tag)}")
    for child in list(slot):
        slot.remove(child)
    etree.SubElement(slot, qn("a:srgbClr"), val=value)


# --- the user's template -------------------------------------------------------------------


def template_presentation(data: bytes):
    """The user's template, opened, with any slides it came with removed."""
    prs = open_template(data)
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):
        slide_ids.remove(slide_id)
        prs.part.drop_rel(slide_id.rId)
    return prs


def open_template(data: bytes):
    """A .pptx or .potx as a python-pptx Presentation; TemplateError when it is not one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise TemplateError("it is not a zip archive, so not a .pptx or .potx file") from None
    if "[Content_Types].xml" not in names:
        raise TemplateError("it is a zip archive but not an Office file (no [Content_Types].xml)")
    content_types = archive.read("[Content_Types].xml")
    if TEMPLATE_MAIN.encode() in content_types:
        # python-pptx opens only presentations; a template differs in this one content type.
        data = _with_content_types(archive, content_types.replace(TEMPLATE_MAIN.encode(), PRESENTATION_MAIN.encode()))
    elif PRESENTATION_MAIN.encode() not in content_types:
        raise TemplateError("it has no presentation part; is it a Word or Excel file?")
    try:
        prs = Presentation(io.BytesIO(data))
        names = layout_names(prs)
    except Exception as error:  # python-pptx raises many kinds on a damaged package
        raise TemplateError(f"python-pptx cannot read it ({type(error).__name__})") from None
    if not names:
        raise TemplateError("it has no slide layouts")
    return prs


def _with_content_types(archive: zipfile.ZipFile, content_types: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in archive.infolist():
            body = content_types if entry.filename == "[Content_Types].xml" else archive.read(entry.filename)
            target.writestr(entry.filename, body)
    return out.getvalue()


def all_layouts(prs) -> list:
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


def template_fonts(data: bytes) -> tuple[str, str]:
    """The body (minor) Latin and East Asian typefaces of a template's theme; "" where it names none."""
    prs = open_template(data)
    theme_part = prs.slide_master.part.part_related_by(RT.THEME)
    scheme = etree.fromstring(theme_part.blob).find(f".//{qn('a:fontScheme')}/{qn('a:minorFont')}")
    if scheme is None:
        return "", ""

    def typeface(tag: str) -> str:
        element = scheme.find(qn(tag))
        face = element.get("typeface", "") if element is not None else ""
        return "" if face.startswith("+") else face  # "+mj-lt" and the like point elsewhere in the theme

    return typeface("a:latin"), typeface("a:ea")


def layout_names(prs) -> list[str]:
    return [layout.name for layout in all_layouts(prs)]


def designed_layout_names() -> list[str]:
    return [spec.name for spec in LAYOUTS]


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(_hex(colour))
