"""The presentation every slide is built on: the designed master, or the user's own template.

The designed master is made by code each time: python-pptx's default package supplies the
parts (master, theme, notes master), and its master placeholders, text styles, theme and all
layouts are rewritten from `layouts.LAYOUTS`. A user's .pptx/.potx is used as it is, minus any
slides it already holds.
"""

from __future__ import annotations

import io
import re
import zipfile

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from generator.deck import Theme
from generator.errors import BuildError
from generator.render.contrast import FULL_LIGHTNESS, NON_TEXT_CONTRAST, fill_lum_mod
from generator.render.pptx.geometry import move
from generator.render.pptx.layouts import LAYOUTS, design_grid, layout_xml
from generator.render.pptx.oxml import (
    drop_slide_size_type,
    remove_shape,
    replace_layouts,
    set_master_text_styles,
    set_placeholder_alignment,
    set_placeholder_anchor,
    set_theme,
    theme_body_fonts,
)
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
    return template_for(theme)[0]


def template_for(theme: Theme):
    """The theme's template, opened and repaired, and the repairs (template_boxes.BoxRepair) made to it."""
    try:
        return repaired_template(theme.pptx_template)
    except TemplateError as error:
        raise BuildError(f"the PowerPoint template cannot be used: {error}") from None


def designed_presentation(theme: Theme):
    prs = Presentation()
    width, height = SLIDE_SIZES[theme.aspect]
    prs.slide_width = width
    prs.slide_height = height
    if width != TEMPLATE_WIDTH:
        drop_slide_size_type(prs)
    grid = design_grid(width, height)
    _place_master_placeholders(prs.slide_master, grid)
    mark_lum_mod = fill_lum_mod(theme.accent, NON_TEXT_CONTRAST)
    set_master_text_styles(prs.slide_master, TITLE_PT, BODY_LEVEL_PT, mark_lum_mod, FULL_LIGHTNESS)
    accent_lum_mod = fill_lum_mod(theme.accent)
    replace_layouts(prs.slide_master, [layout_xml(spec, grid, accent_lum_mod, mark_lum_mod) for spec in LAYOUTS])
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
            remove_shape(placeholder)  # the date: a lecture shows none
            continue
        move(placeholder, regions[kind])
        if kind == PP_PLACEHOLDER.TITLE:
            set_placeholder_anchor(placeholder, "b")
        if kind == PP_PLACEHOLDER.FOOTER:
            set_placeholder_alignment(placeholder, "l")


def _set_theme(prs, theme: Theme) -> None:
    # Text a user types later inherits the theme's fonts and accent, not Calibri and blue.
    set_theme(prs.slide_master.part.part_related_by(RT.THEME), "lecturegen", theme.font, theme.font_east_asian,
              {"a:accent1": _hex(theme.accent), "a:dk1": TEXT_COLOUR})


# --- the user's template -------------------------------------------------------------------


def template_presentation(data: bytes):
    """The user's template, opened, with any slides it came with removed."""
    return repaired_template(data)[0]


def repaired_template(data: bytes):
    """The user's template without its slides, its unusable placeholder boxes replaced by the design grid's,
    and what was replaced (template_boxes.py)."""
    from generator.render.pptx.template_boxes import repair_placeholder_boxes

    prs = open_template(data)
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):
        slide_ids.remove(slide_id)
        prs.part.drop_rel(slide_id.rId)
    return prs, repair_placeholder_boxes(prs)


def open_template(data: bytes):
    """A .pptx or .potx as a python-pptx Presentation; TemplateError when it is not one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise TemplateError("it is not a zip archive, so not a .pptx or .potx file") from None
    if "[Content_Types].xml" not in names:
        raise TemplateError("it is a zip archive but not an Office file (no [Content_Types].xml)")
    _check_parts(archive)
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


# A template is a few megabytes of XML and pictures; more, or a part that inflates far beyond its packed
# size, is a zip bomb, refused before anything is inflated.
MAX_TEMPLATE_UNPACKED_BYTES = 200_000_000
MAX_PART_RATIO = 200
_XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def _check_parts(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    if total > MAX_TEMPLATE_UNPACKED_BYTES:
        raise TemplateError(f"it unpacks to {total / 1e6:,.0f} MB; a template may unpack to at most "
                            f"{MAX_TEMPLATE_UNPACKED_BYTES / 1e6:,.0f} MB")
    for entry in entries:
        if entry.file_size > 1_000_000 and entry.file_size > MAX_PART_RATIO * max(entry.compress_size, 1):
            raise TemplateError(f"its part {entry.filename} inflates {entry.file_size // max(entry.compress_size, 1):,} "
                                "times, as only a zip bomb does")
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as part:
                head = part.read(4096)
            if any(declaration in head for declaration in _XML_DECLARATIONS):
                # Office never writes one; a DOCTYPE in a template is an attempt to read files or expand entities.
                raise TemplateError(f"its part {entry.filename} declares a DOCTYPE, which Office files never do")
        if entry.filename.endswith(".rels"):
            _check_relationships(entry.filename, archive.read(entry))
        if entry.filename.lower().endswith("vbaproject.bin"):
            raise TemplateError("it carries macros (vbaProject.bin), which would go into every deck; save it as a "
                                ".pptx or .potx without macros")


_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")


def _check_relationships(name: str, rels: bytes) -> None:
    """Refuse what would reach outside the deck when it is opened: linked pictures, objects, macros."""
    for relationship in _RELATIONSHIP.findall(rels):
        kind = re.search(rb'Type="([^"]*)"', relationship)
        kind_name = kind.group(1).decode(errors="replace").rsplit("/", 1)[-1] if kind else "?"
        if kind_name == "vbaProject":
            raise TemplateError("it carries macros (vbaProject), which would go into every deck; save it as a "
                                ".pptx or .potx without macros")
        if b'TargetMode="External"' in relationship and kind_name != "hyperlink":
            target = re.search(rb'Target="([^"]*)"', relationship)
            shown = target.group(1).decode(errors="replace")[:80] if target else "?"
            raise TemplateError(f"its part {name} links a {kind_name} from outside the file ({shown}), which every "
                                "deck would fetch when opened; embed it instead")


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
    part = theme_part(open_template(data).slide_master)
    return theme_body_fonts(part) if part is not None else ("", "")


def template_colours(data: bytes) -> dict[str, str]:
    """The colour scheme of a template's (first master's) theme: "accent1" -> "#RRGGBB", and so on."""
    from generator.render.pptx.oxml import theme_colours

    part = theme_part(open_template(data).slide_master)
    return theme_colours(part) if part is not None else {}


def theme_part(master):
    """A slide master's theme part; None for a master without one, which a hand-made file may be."""
    return next((rel.target_part for rel in master.part.rels.values() if rel.reltype == RT.THEME), None)


def layout_names(prs) -> list[str]:
    return [layout.name for layout in all_layouts(prs)]


def designed_layout_names() -> list[str]:
    return [spec.name for spec in LAYOUTS]


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(_hex(colour))
