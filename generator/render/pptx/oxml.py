"""Every raw OOXML edit the PowerPoint renderer makes: what python-pptx has no API for.

The rest of the renderer works with python-pptx objects and calls these functions; none of it
builds or searches XML itself. The schema fixes the order of an element's children, and a child
put in the wrong place makes PowerPoint refuse the file ("needs repair") while LibreOffice shrugs:
the order of each parent we insert into is declared once, in CHILD_ORDER, and `insert_child`
is the only way a child is added. (The designed master's layouts are generated as whole XML
documents from their table, in layouts.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lxml import etree
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Pt

# CT_TextParagraphProperties: a:pPr and a:lvl1pPr ... a:lvl9pPr.
_PARAGRAPH_PROPERTIES = (
    "a:lnSpc", "a:spcBef", "a:spcAft", "a:buClrTx", "a:buClr", "a:buSzTx", "a:buSzPct", "a:buSzPts",
    "a:buFontTx", "a:buFont", "a:buNone", "a:buAutoNum", "a:buChar", "a:buBlip", "a:tabLst", "a:defRPr",
    "a:extLst",
)  # fmt: skip
# CT_TextCharacterProperties: a:rPr, a:defRPr, a:endParaRPr.
_RUN_PROPERTIES = (
    "a:ln", "a:noFill", "a:solidFill", "a:gradFill", "a:blipFill", "a:pattFill", "a:grpFill", "a:effectLst",
    "a:effectDag", "a:highlight", "a:uLnTx", "a:uLn", "a:uFillTx", "a:uFill", "a:latin", "a:ea", "a:cs", "a:sym",
    "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst",
)  # fmt: skip
CHILD_ORDER: dict[str, tuple[str, ...]] = {
    "a:pPr": _PARAGRAPH_PROPERTIES,
    **{f"a:lvl{level}pPr": _PARAGRAPH_PROPERTIES for level in range(1, 10)},
    "a:rPr": _RUN_PROPERTIES,
    "a:defRPr": _RUN_PROPERTIES,
    "a:endParaRPr": _RUN_PROPERTIES,
    # CT_Scaling
    "c:scaling": ("c:logBase", "c:orientation", "c:max", "c:min", "c:extLst"),
    # CT_LineSer and CT_BarSer agree on where error bars go: after the labels, before the categories.
    "c:ser": ("c:idx", "c:order", "c:tx", "c:spPr", "c:invertIfNegative", "c:pictureOptions", "c:marker",
              "c:dPt", "c:dLbls", "c:trendline", "c:errBars", "c:cat", "c:val", "c:smooth", "c:shape", "c:extLst"),
    # CT_Chart
    "c:chart": ("c:title", "c:autoTitleDeleted", "c:pivotFmts", "c:view3D", "c:floor", "c:sideWall", "c:backWall",
                "c:plotArea", "c:legend", "c:plotVisOnly", "c:dispBlanksAs", "c:showDLblsOverMax", "c:extLst"),
}  # fmt: skip
_PREFIXES = {"http://schemas.openxmlformats.org/drawingml/2006/main": "a",
             "http://schemas.openxmlformats.org/drawingml/2006/chart": "c",
             "http://schemas.openxmlformats.org/presentationml/2006/main": "p"}  # fmt: skip


def _prefixed(tag: str) -> str:
    namespace, _, local = tag[1:].partition("}")
    return f"{_PREFIXES[namespace]}:{local}"


def insert_child(parent, child):
    """Put ``child`` where the schema wants it among ``parent``'s children, replacing one of its kind."""
    order = CHILD_ORDER[_prefixed(parent.tag)]
    name = _prefixed(child.tag)
    existing = parent.find(child.tag)
    if existing is not None:
        parent.remove(existing)
    later = {qn(tag) for tag in order[order.index(name) + 1 :]}
    successor = next((sibling for sibling in parent if sibling.tag in later), None)
    if successor is None:
        parent.append(child)
    else:
        successor.addprevious(child)
    return child


def element(tag: str, children: Iterable = (), **attributes: str):
    made = OxmlElement(tag)
    for key, value in attributes.items():
        made.set(key, value)
    for child in children:
        made.append(child)
    return made


# -- shapes -----------------------------------------------------------------------------------


def set_alt_text(shape, text: str) -> None:
    """The description a screen reader says for a picture, chart or equation (cNvPr/@descr)."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def remove_shape(shape) -> None:
    shape._element.getparent().remove(shape._element)


def make_slide_number_field(run, field_id: str) -> None:
    """Turn a run into PowerPoint's slide-number field, so the number follows the slide when slides move."""
    run._r.tag = qn("a:fld")
    run._r.set("id", field_id)
    run._r.set("type", "slidenum")


# -- text -------------------------------------------------------------------------------------


def set_east_asian_typeface(run_properties, typeface: str) -> None:
    """a:ea beside a:latin: without it PowerPoint draws CJK text in a fallback font, or as boxes."""
    existing = run_properties.find(qn("a:ea"))
    if existing is not None:
        existing.set("typeface", typeface)
        return
    insert_child(run_properties, element("a:ea", typeface=typeface))


def add_east_asian_typeface_where_latin(tree, typeface: str) -> None:
    """a:ea for every run-properties element under ``tree`` that names a Latin font and no East Asian one."""
    for run_defaults in tree.iter(qn("a:defRPr"), qn("a:rPr")):
        if run_defaults.find(qn("a:latin")) is not None and run_defaults.find(qn("a:ea")) is None:
            set_east_asian_typeface(run_defaults, typeface)


def add_bullet_char(paragraph, char: str, margin_emu: int, indent_emu: int) -> None:
    """A bullet mark on a paragraph of a text box (which has no bullets of its own)."""
    properties = paragraph._p.get_or_add_pPr()
    properties.set("marL", str(margin_emu))
    properties.set("indent", str(indent_emu))
    insert_child(properties, element("a:buChar", char=char))


_BULLET_MARKS = frozenset(qn(tag) for tag in ("a:buChar", "a:buAutoNum", "a:buBlip", "a:buNone"))


def says_how_bullets_are_marked(placeholders: Sequence, master) -> bool:
    """Whether the first-level list style of these placeholders, or the master's body text style, marks bullets."""
    levels = [level for placeholder in placeholders
              for level in placeholder._element.iterfind(f".//{qn('a:lstStyle')}/{qn('a:lvl1pPr')}")]
    levels.extend(master._element.iterfind(f"{qn('p:txStyles')}/{qn('p:bodyStyle')}/{qn('a:lvl1pPr')}"))
    return any(child.tag in _BULLET_MARKS for level in levels for child in level)


# -- the master -------------------------------------------------------------------------------


def drop_slide_size_type(prs) -> None:
    # "screen4x3" would make PowerPoint's Slide Size dialog claim 4:3 for any other size.
    prs.part._element.sldSz.attrib.pop("type", None)


def set_placeholder_anchor(placeholder, anchor: str) -> None:
    placeholder._element.txBody.bodyPr.set("anchor", anchor)


def set_placeholder_alignment(placeholder, align: str) -> None:
    level = placeholder._element.txBody.find(f"{qn('a:lstStyle')}/{qn('a:lvl1pPr')}")
    if level is not None:
        level.set("algn", align)


def set_master_text_styles(master, title_pt: int, body_level_pt: Sequence[int], first_mark_lum_mod: int,
                           full_lightness: int) -> None:
    """Title: left, bold, ``title_pt``; body levels their sizes; first-level marks in the accent at that lumMod."""
    styles = master._element.find(qn("p:txStyles"))
    title_level = styles.find(f"{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
    title_level.set("algn", "l")
    title_run = title_level.find(qn("a:defRPr"))
    title_run.set("sz", str(title_pt * 100))
    title_run.set("b", "1")
    body = styles.find(qn("p:bodyStyle"))
    for level, size in enumerate(body_level_pt, start=1):
        paragraph = body.find(qn(f"a:lvl{level}pPr"))
        if paragraph is None:
            continue
        paragraph.find(qn("a:defRPr")).set("sz", str(size * 100))
        if level == 1:
            # The one touch of accent in running text: the first-level bullet marks.
            modifier = [element("a:lumMod", val=str(first_mark_lum_mod))] if first_mark_lum_mod < full_lightness else []
            insert_child(paragraph, element("a:buClr", [element("a:schemeClr", modifier, val="accent1")]))


def replace_layouts(master, layout_documents: Sequence[bytes]) -> None:
    """Rewrites the package's layouts as the given documents, in order, and drops the rest.

    python-pptx cannot add a layout, but each default layout is already a registered part
    (relationship + sldLayoutId), so its XML is replaced in place; unused ones are unlinked
    and so not saved."""
    id_list = master._element.get_or_add_sldLayoutIdLst()
    entries = list(id_list)
    if len(entries) < len(layout_documents):
        raise RuntimeError("python-pptx's default template has fewer layouts than the designed master needs")
    for entry, document in zip(entries, layout_documents):
        master.part.related_part(entry.get(qn("r:id")))._element = parse_xml(document)
    for entry in entries[len(layout_documents) :]:
        rel_id = entry.get(qn("r:id"))
        id_list.remove(entry)
        master.part.drop_rel(rel_id)


# Templates come from users: their XML is parsed without DTDs, entities or network access.
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def set_theme(part, name: str, font: str, east_asian_font: str, colours: dict[str, str]) -> None:
    """The theme part's name, its major and minor fonts, and scheme colours ("a:accent1" -> "RRGGBB")."""
    root = etree.fromstring(part.blob, _SAFE_PARSER)
    root.set("name", name)
    for scheme_font in root.iter(qn("a:majorFont"), qn("a:minorFont")):
        scheme_font.find(qn("a:latin")).set("typeface", font)
        scheme_font.find(qn("a:ea")).set("typeface", east_asian_font)
    for tag, value in colours.items():
        slot = root.find(f".//{qn(tag)}")
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, qn("a:srgbClr"), val=value)
    # python-pptx keeps parts it has no class for (the theme is one) as bytes only.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def theme_body_fonts(part) -> tuple[str, str]:
    """The body (minor) Latin and East Asian typefaces a theme part names; "" where it names none."""
    scheme = etree.fromstring(part.blob, _SAFE_PARSER).find(f".//{qn('a:fontScheme')}/{qn('a:minorFont')}")
    if scheme is None:
        return "", ""

    def typeface(tag: str) -> str:
        found = scheme.find(qn(tag))
        face = found.get("typeface", "") if found is not None else ""
        return "" if face.startswith("+") else face  # "+mj-lt" and the like point elsewhere in the theme

    return typeface("a:latin"), typeface("a:ea")


# -- a template's layouts, read and repaired ----------------------------------------------------


def background_key(layout) -> str:
    """The layout's background (its own, else its master's) as text that equal backgrounds share; "" for none."""
    for owner in (layout, layout.slide_master):
        background = owner._element.find(f"{qn('p:cSld')}/{qn('p:bg')}")
        if background is not None:
            return etree.tostring(background, method="c14n", exclusive=True).decode()
    return ""


def theme_colours(part) -> dict[str, str]:
    """A theme part's colour scheme: "dk1", "lt1", "accent1", ... -> "#RRGGBB"; {} for a theme it cannot read."""
    try:
        scheme = etree.fromstring(part.blob, _SAFE_PARSER).find(f".//{qn('a:clrScheme')}")
    except etree.XMLSyntaxError:
        return {}
    colours = {}
    for slot in scheme if scheme is not None else ():
        colour = _colour(next(iter(slot), None), {}, {})
        if colour:
            colours[etree.QName(slot).localname] = colour
    return colours


_HEX = re.compile(r"[0-9A-Fa-f]{6}")


def background_colour(layout, scheme: dict[str, str]) -> str:
    """The colour a layout's slides show behind their text, "#RRGGBB", as near as one colour can say: a solid
    fill's, a gradient's stops' mean, a picture's mean pixel, a theme background's colour; white for none.
    ``scheme`` is the master's theme colours (theme_colours)."""
    master = layout.slide_master
    mapping = master._element.find(qn("p:clrMap"))
    colour_map = dict(mapping.attrib) if mapping is not None else {}
    override = layout._element.find(f"{qn('p:clrMapOvr')}/{qn('a:overrideClrMapping')}")
    if override is not None:
        colour_map = dict(override.attrib)
    for owner in (layout, master):
        background = owner._element.find(f"{qn('p:cSld')}/{qn('p:bg')}")
        if background is None:
            continue
        reference = background.find(qn("p:bgRef"))
        if reference is not None:
            return _colour(next(iter(reference), None), scheme, colour_map) or "#FFFFFF"
        properties = background.find(qn("p:bgPr"))
        fill = properties[0] if properties is not None and len(properties) else None
        return _fill_colour(fill, owner, scheme, colour_map) or "#FFFFFF"
    return "#FFFFFF"


def _fill_colour(fill, owner, scheme: dict[str, str], colour_map: dict[str, str]) -> str:
    if fill is None:
        return ""
    tag = etree.QName(fill).localname
    if tag == "solidFill":
        return _colour(next(iter(fill), None), scheme, colour_map)
    if tag in ("gradFill", "pattFill"):
        stops = fill.findall(f"{qn('a:gsLst')}/{qn('a:gs')}") if tag == "gradFill" else list(fill)
        return _mean([_colour(next(iter(stop), None), scheme, colour_map) for stop in stops])
    if tag == "blipFill":
        blip = fill.find(qn("a:blip"))
        relationship = blip.get(qn("r:embed")) if blip is not None else None
        if relationship not in owner.part.rels:
            return ""
        return _picture_colour(owner.part.related_part(relationship).blob)
    return "#FFFFFF" if tag == "noFill" else ""


def _picture_colour(data: bytes) -> str:
    """A picture's mean colour; "" when Pillow cannot read it."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.draft("RGB", (64, 64))  # JPEG decodes at a fraction of its size
            red, green, blue = picture.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    except Exception:  # noqa: BLE001 - any picture Pillow cannot read leaves the colour unknown
        return ""
    return f"#{red:02X}{green:02X}{blue:02X}"


def _mean(colours: Sequence[str]) -> str:
    known = [colour for colour in colours if colour]
    if not known:
        return ""
    channels = [sum(int(colour[1 + 2 * i:3 + 2 * i], 16) for colour in known) / len(known) for i in range(3)]
    return "#" + "".join(f"{round(channel):02X}" for channel in channels)


def _colour(element, scheme: dict[str, str], colour_map: dict[str, str]) -> str:
    """A DrawingML colour element as "#RRGGBB", its lumMod, lumOff, tint and shade applied; "" if unknown."""
    import colorsys

    if element is None:
        return ""
    tag = etree.QName(element).localname
    if tag == "srgbClr":
        colour = element.get("val", "")
    elif tag == "sysClr":
        colour = element.get("lastClr", "")
    elif tag == "schemeClr":
        name = element.get("val", "")
        colour = scheme.get(colour_map.get(name, name), "").lstrip("#")
    elif tag == "prstClr":
        colour = {"white": "FFFFFF", "black": "000000"}.get(element.get("val", ""), "")
    else:
        colour = ""
    if not _HEX.fullmatch(colour):
        return ""
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    for modifier in element:
        name, written = etree.QName(modifier).localname, modifier.get("val", "")
        if not written.isdigit():
            continue  # a modifier without a value (or with a percentage string, which Office never writes)
        value = int(written) / 100000
        if name in ("lumMod", "lumOff"):
            hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
            lightness = min(max(lightness * value if name == "lumMod" else lightness + value, 0.0), 1.0)
            red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
        elif name == "tint":
            red, green, blue = (channel + (1 - channel) * (1 - value) for channel in (red, green, blue))
        elif name == "shade":
            red, green, blue = (channel * value for channel in (red, green, blue))
    return "#" + "".join(f"{round(channel * 255):02X}" for channel in (red, green, blue))


def subtitle_alignment(layout) -> str:
    """How a layout aligns its subtitle's text ("l", "ctr", "r"), from the placeholder's list style or its
    sample paragraph (LibreOffice writes it there); "" where the layout does not say."""
    for shape in placeholder_elements(layout):
        ph = shape.find(f".//{qn('p:ph')}")
        if ph.get("type") != "subTitle":
            continue
        body = qn("p:txBody")
        for path in (f"{body}/{qn('a:lstStyle')}/{qn('a:lvl1pPr')}", f"{body}/{qn('a:p')}/{qn('a:pPr')}"):
            found = shape.find(path)
            if found is not None and found.get("algn"):
                return found.get("algn")
    return ""


def placeholder_elements(owner) -> list:
    """The placeholder shapes (p:sp) of a master or layout, as python-pptx's CT_Shape elements."""
    shapes = owner._element.cSld.spTree.iter(qn("p:sp"))
    return [shape for shape in shapes if shape.find(f".//{qn('p:ph')}") is not None]


def own_box_text(shape) -> tuple[str, str, str, str] | None:
    """The x, y, cx and cy a placeholder gives itself, as written, whatever they are; None where it gives none
    and takes its master's."""
    offset = shape.find(f"{qn('p:spPr')}/{qn('a:xfrm')}/{qn('a:off')}")
    extent = shape.find(f"{qn('p:spPr')}/{qn('a:xfrm')}/{qn('a:ext')}")
    if offset is None or extent is None:
        return None
    return offset.get("x", ""), offset.get("y", ""), extent.get("cx", ""), extent.get("cy", "")


def set_own_box(shape, left: int, top: int, width: int, height: int) -> None:
    xfrm = shape.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
    offset, extent = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    offset.set("x", str(left))
    offset.set("y", str(top))
    extent.set("cx", str(width))
    extent.set("cy", str(height))


# -- charts -----------------------------------------------------------------------------------


def set_log_scale(value_axis, base: int = 10) -> None:
    insert_child(value_axis._element.find(qn("c:scaling")), element("c:logBase", val=str(base)))


def show_blanks_as_gaps(chart) -> None:
    # A missing value (a diverged run) is a gap in the line, not a drop to zero.
    insert_child(chart._chartSpace.find(qn("c:chart")), element("c:dispBlanksAs", val="gap"))


def add_custom_error_bars(series, plus: Sequence[float | None], minus: Sequence[float | None], colour: str,
                          width_pt: float) -> None:
    """Error bars of the given distances above and below each point, drawn as a solid line."""
    settings = [element(tag, val=value) for tag, value in
                (("c:errDir", "y"), ("c:errBarType", "both"), ("c:errValType", "cust"), ("c:noEndCap", "0"))]
    distances = [_number_literal(tag, values) for tag, values in (("c:plus", plus), ("c:minus", minus))]
    line = element("c:spPr", [solid_line(colour, width_pt)])
    insert_child(series._element, element("c:errBars", [*settings, *distances, line]))


def _number_literal(tag: str, values: Sequence[float | None]):
    points = [element("c:pt", [_value(value)], idx=str(index)) for index, value in enumerate(values) if value is not None]
    return element(tag, [element("c:numLit", [element("c:ptCount", val=str(len(values))), *points])])


def _value(number: float):
    made = OxmlElement("c:v")
    made.text = repr(float(number))
    return made


def solid_line(colour: str, width_pt: float):
    return element("a:ln", [element("a:solidFill", [element("a:srgbClr", val=colour.lstrip("#").upper())])],
                   w=str(Pt(width_pt)))


