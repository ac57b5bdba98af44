"""PowerPoint rendering: a Deck in, the bytes of an editable .pptx out.

Text goes into the template's placeholders wherever one fits (titles, subtitles, bullets), so
it stays editable and follows the master: a user restyles the whole deck by editing the
master. Pictures, tables, code and quotes are shapes placed on a grid that is read back from
the master's own title and body placeholders, so slides added later in PowerPoint line up
with the generated ones.

python-pptx's default template is 4:3. For 16:9 the master and every layout are widened
before the first slide is added; nothing is left in a 4:3 box.

The output is deterministic: the same Deck (and SOURCE_DATE_EPOCH) gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pygments
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Inches, Pt
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Token
from pygments.util import ClassNotFound

from generator.deck import (
    Block,
    Bullet,
    Bullets,
    Code,
    Deck,
    Figure,
    Image,
    Inline,
    Meta,
    Quote,
    Run,
    Slide,
    Table,
    Theme,
    plain_text,
)
from generator.errors import BuildError
from generator.render.math_text import tex_to_unicode

__all__ = ["render_pptx"]

SLIDE_SIZES = {"16:9": (12192000, 6858000), "4:3": (9144000, 6858000)}
TEMPLATE_WIDTH = SLIDE_SIZES["4:3"][0]
EMU_PER_PT = 12700

# Master text sizes. The template's 44pt titles and 32pt bullets are sized for a handful of
# words; a lecture slide carries sentences.
TITLE_PT = 36
BODY_LEVEL_PT = (24, 20, 18, 16, 16, 16, 16, 16, 16)
# The template's bullet indents (marL) per level: a nested bullet keeps less of the line.
BODY_LEVEL_INDENT_PT = (27, 58.5, 90, 126, 162, 198, 234, 270, 306)
SECTION_TITLE_PT = 40  # set by the Section Header layout itself
SECTION_SUBTITLE_PT = 20

SUBTITLE_PT = 24
TITLE_SLIDE_DETAIL_PT = 18
CREDIT_PT = 14
CONTENT_SUBTITLE_PT = 20
CAPTION_PT = 16
QUOTE_PT = 28
ATTRIBUTION_PT = 20
FOOTER_PT = 12
CODE_MAX_PT = 18
CODE_MIN_PT = 9
TABLE_SIZES_PT = (18, 16, 14, 12, 11, 10)

MUTED = RGBColor(0x59, 0x59, 0x59)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)

GAP = Inches(0.25)
COLUMN_GAP = Inches(0.35)
CONTENT_SUBTITLE_HEIGHT = Inches(0.55)
TEXT_COLUMN_SHARE = 0.45  # figure_bullets: bullets left, the figure gets the rest
MIN_VISUAL_SHARE = 0.45  # a figure stacked under text keeps at least this much of the height

# Text frames and table cells inset their text by 0.1in left/right and 0.05in top/bottom.
INSET_X_PT = 7.2
INSET_Y_PT = 3.6

# The fitting estimate (no font metrics are read).
LINE_HEIGHT = 1.2  # line pitch as a multiple of the font size
PARAGRAPH_SPACE = 0.2  # the master's spcBef of 20%
WRAP_SLACK = 1.08  # words wrap whole, so lines fill less than the full width
LATIN_EM = 0.55  # average advance of a proportional Latin glyph, in em
MONO_EM = 0.6
BOLD_WIDTH = 1.1  # bold glyphs are wider; table headers are bold
FIT_STEPS = (1.0, 0.9, 0.8, 0.7, 0.62, 0.55, 0.5)

CODE_STYLE = "default"
EMBEDDABLE_MEDIA = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff"})

# Any fixed GUID: PowerPoint wants one on each field, and a random one would break determinism.
SLIDE_NUMBER_FIELD_ID = "{6D3C2B8E-5F0A-4C1D-9E7B-2A4F8C6B1D30}"
EARLIEST_ZIP_TIME = dt.datetime(1980, 1, 1)


def render_pptx(deck: Deck) -> bytes:
    """The deck as .pptx bytes; the same deck (and SOURCE_DATE_EPOCH) gives the same bytes."""
    stamp = _build_timestamp(deck.meta)
    prs = _presentation_for(deck.theme)
    grid = _grid_of(prs)
    for index, slide in enumerate(deck.slides, start=1):
        added = _add_slide(prs, grid, deck, slide)
        if slide.layout != "title":
            _add_footer(added, grid, deck, slide.number or index)
        _write_notes(added, slide.notes, deck.theme)
    _set_core_properties(prs, deck.meta, stamp)
    buffer = io.BytesIO()
    prs.save(buffer)
    return _repack_with_fixed_time(buffer.getvalue(), stamp)


# --- reproducible files -------------------------------------------------------------------


def _build_timestamp(meta: Meta) -> dt.datetime:
    """The time stamped into the file: SOURCE_DATE_EPOCH, else the lecture's date, else 1980."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {epoch!r}.")
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    if meta.date:
        day = dt.date.fromisoformat(meta.date[:10])
        return dt.datetime(day.year, day.month, day.day)
    return EARLIEST_ZIP_TIME


def _set_core_properties(prs, meta: Meta, stamp: dt.datetime) -> None:
    props = prs.core_properties
    props.title = meta.title
    props.author = meta.author
    props.subject = meta.series
    props.language = meta.language
    props.comments = ""  # the template says "generated using python-pptx"
    props.last_modified_by = "lecturegen"
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp


def _repack_with_fixed_time(data: bytes, stamp: dt.datetime) -> bytes:
    # python-pptx stamps every zip entry with the current time; rewrite them, keeping order.
    date_time = max(stamp, EARLIEST_ZIP_TIME).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3  # otherwise the bytes depend on the OS that renders
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()


# --- the template -------------------------------------------------------------------------


def _presentation_for(theme: Theme):
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


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(_hex(colour))


# --- the grid -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def split_top(self, height: int, gap: int) -> tuple[Box, Box]:
        """The top `height` of this box, and what is left below it after `gap`."""
        top = Box(self.left, self.top, self.width, height)
        rest = Box(self.left, self.top + height + gap, self.width, max(self.height - height - gap, 0))
        return top, rest

    def columns(self, shares: Sequence[float], gap: int) -> list[Box]:
        usable = self.width - gap * (len(shares) - 1)
        boxes, left = [], self.left
        for share in shares:
            width = round(usable * share / sum(shares))
            boxes.append(Box(left, self.top, width, self.height))
            left += width + gap
        return boxes

    def rows(self, heights: Sequence[int], gap: int) -> list[Box]:
        boxes, top = [], self.top
        for height in heights:
            boxes.append(Box(self.left, top, self.width, height))
            top += height + gap
        return boxes

    def fit(self, width_px: int, height_px: int) -> Box:
        """The largest box of that aspect ratio inside this one, centred."""
        scale = min(self.width / width_px, self.height / height_px)
        width, height = round(width_px * scale), round(height_px * scale)
        return Box(self.left + (self.width - width) // 2, self.top + (self.height - height) // 2, width, height)


@dataclass(frozen=True)
class Grid:
    """Where things go, read from the (widened) master so layouts and slides agree."""

    title: Box
    body: Box
    footer: Box
    number: Box


def _grid_of(prs) -> Grid:
    boxes = {ph.placeholder_format.type: _box_of(ph) for ph in prs.slide_master.placeholders}
    return Grid(
        title=boxes[PP_PLACEHOLDER.TITLE],
        body=boxes[PP_PLACEHOLDER.BODY],
        footer=boxes[PP_PLACEHOLDER.FOOTER],
        number=boxes[PP_PLACEHOLDER.SLIDE_NUMBER],
    )


def _box_of(shape) -> Box:
    return Box(shape.left, shape.top, shape.width, shape.height)


def _move(shape, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = box.left, box.top, box.width, box.height


def _pt(points: float) -> int:
    return round(points * EMU_PER_PT)


# --- text ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """One paragraph to write: its runs and what it overrides of the inherited style."""

    inline: Inline
    level: int = 0
    size_pt: float | None = None  # None: the placeholder's (master's) size
    colour: RGBColor | None = None
    align: PP_ALIGN | None = None
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Inherited:
    """What a text frame gives paragraphs that set nothing themselves, per outline level."""

    sizes_pt: tuple[float, ...]
    indents_pt: tuple[float, ...] = (0.0,)

    def size(self, level: int) -> float:
        return self.sizes_pt[min(level, len(self.sizes_pt) - 1)]

    def indent(self, level: int) -> float:
        return self.indents_pt[min(level, len(self.indents_pt) - 1)]


BULLET_TEXT = Inherited(BODY_LEVEL_PT, BODY_LEVEL_INDENT_PT)
TITLE_TEXT = Inherited((TITLE_PT,))
PLAIN_TEXT = Inherited((18,))  # python-pptx's text boxes; every Para here sets its size anyway


def _text(text: str) -> Inline:
    return (Run(text),) if text else ()


def _write_paragraphs(text_frame, paras: Sequence[Para], theme: Theme) -> None:
    text_frame.clear()
    for index, para in enumerate(paras):
        paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
        if para.level:
            paragraph.level = para.level
        if para.align is not None:
            paragraph.alignment = para.align
        for run in para.inline:
            _add_run(paragraph, run, para, theme)


def _add_run(paragraph, run: Run, para: Para, theme: Theme) -> None:
    added = paragraph.add_run()
    # PowerPoint runs cannot hold typeset math; show its Unicode reading.
    added.text = tex_to_unicode(run.text) if run.math else run.text
    _style_font(
        added,
        latin=theme.font_code if run.code else theme.font,
        east_asian=theme.font_east_asian,
        size_pt=para.size_pt,
        bold=run.bold or para.bold,
        italic=run.italic or para.italic,
        colour=None if run.href else para.colour,  # links keep the theme's link colour
    )
    if run.href:
        added.hyperlink.address = run.href


def _style_font(run, *, latin: str, east_asian: str, size_pt=None, bold=False, italic=False, colour=None) -> None:
    font = run.font
    font.name = latin
    _set_east_asian_font(run, east_asian)
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold:
        font.bold = True
    if italic:
        font.italic = True
    if colour is not None:
        font.color.rgb = colour


def _set_east_asian_font(run, typeface: str) -> None:
    # Without an a:ea typeface, PowerPoint draws CJK text in a fallback font, or as boxes.
    rpr = run._r.get_or_add_rPr()
    east_asian = rpr.find(qn("a:ea"))
    if east_asian is None:
        east_asian = OxmlElement("a:ea")
        rpr.get_or_add_latin().addnext(east_asian)
    east_asian.set("typeface", typeface)


def _add_text_shape(slide, box: Box, paras: Sequence[Para], theme: Theme, name: str, middle: bool = False):
    """A text box holding `paras`, shrunk (by estimate) to fit the box."""
    shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    shape.name = name
    shape.text_frame.word_wrap = True
    if middle:
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    _write_paragraphs(shape.text_frame, paras, theme)
    _fit_text(shape.text_frame, paras, box, PLAIN_TEXT)
    return shape


# Fitting is an estimate: it picks a shrink factor and writes it as normAutofit, which
# PowerPoint honours when it opens the file and recomputes once the text is edited.


def _em_width(text: str, latin_em: float = LATIN_EM) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else latin_em for ch in text)


def _estimated_height_pt(paras: Sequence[Para], width: int, inherited: Inherited, scale: float = 1.0) -> float:
    width_pt = width / EMU_PER_PT - 2 * INSET_X_PT
    reduction = _line_spacing_reduction(scale)
    height = 2 * INSET_Y_PT
    for para in paras:
        size = (para.size_pt or inherited.size(para.level)) * scale
        usable = max(width_pt - inherited.indent(para.level), size)
        lines = max(1, math.ceil(_em_width(plain_text(para.inline)) * size * WRAP_SLACK / usable))
        height += lines * size * LINE_HEIGHT * (1 - reduction) + size * PARAGRAPH_SPACE
    return height


def _line_spacing_reduction(scale: float) -> float:
    if scale >= 1:
        return 0.0
    return 0.1 if scale >= 0.7 else 0.2


def _fit_text(text_frame, paras: Sequence[Para], box: Box, inherited: Inherited) -> None:
    text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    available = box.height / EMU_PER_PT
    fitting = (step for step in FIT_STEPS if _estimated_height_pt(paras, box.width, inherited, step) <= available)
    scale = next(fitting, FIT_STEPS[-1])
    if scale < 1:
        autofit = text_frame._txBody.bodyPr.find(qn("a:normAutofit"))
        autofit.set("fontScale", str(round(scale * 100000)))
        autofit.set("lnSpcReduction", str(round(_line_spacing_reduction(scale) * 100000)))


# --- slides -------------------------------------------------------------------------------


def _add_slide(prs, grid: Grid, deck: Deck, slide: Slide):
    if slide.layout == "title":
        return _add_title_slide(prs, deck, slide)
    if slide.layout == "section":
        return _add_section_slide(prs, deck, slide)
    return _add_content_slide(prs, grid, deck, slide)


def _layout(prs, name: str):
    return prs.slide_layouts.get_by_name(name)


def _remove(shape) -> None:
    element = shape._element
    element.getparent().remove(element)


def _fill_placeholder(placeholder, paras: Sequence[Para], theme: Theme, inherited: Inherited) -> None:
    if not paras:
        _remove(placeholder)  # an empty placeholder shows "Click to add text" while editing
        return
    _write_paragraphs(placeholder.text_frame, paras, theme)
    _fit_text(placeholder.text_frame, paras, _box_of(placeholder), inherited)


def _add_title_slide(prs, deck: Deck, slide: Slide):
    added = prs.slides.add_slide(_layout(prs, "Title Slide"))
    title = slide.title or _text(deck.meta.title)
    _fill_placeholder(added.shapes.title, [Para(title)] if title else [], deck.theme, TITLE_TEXT)
    subtitle = added.placeholders[1]
    subtitle_box = _box_of(subtitle)
    _fill_placeholder(subtitle, _title_slide_lines(slide, deck.meta), deck.theme, PLAIN_TEXT)
    if deck.meta.credit:
        # The source a lecture is based on, set apart from who gives it.
        top = subtitle_box.bottom + Inches(0.1)
        box = Box(subtitle_box.left, top, subtitle_box.width, max(prs.slide_height - Inches(0.3) - top, Inches(0.4)))
        credit = Para(_text(deck.meta.credit), size_pt=CREDIT_PT, colour=MUTED, align=PP_ALIGN.CENTER, italic=True)
        _add_text_shape(added, box, [credit], deck.theme, "Credit")
    return added


def _title_slide_lines(slide: Slide, meta: Meta) -> list[Para]:
    paras = []
    subtitle = slide.subtitle or _text(meta.subtitle)
    if subtitle:
        paras.append(Para(subtitle, size_pt=SUBTITLE_PT))
    details = [meta.author, meta.affiliation, " · ".join(part for part in (meta.series, meta.date) if part)]
    paras.extend(Para(_text(line), size_pt=TITLE_SLIDE_DETAIL_PT) for line in details if line)
    return paras


def _add_section_slide(prs, deck: Deck, slide: Slide):
    added = prs.slides.add_slide(_layout(prs, "Section Header"))
    title = [Para(slide.title)] if slide.title else []
    _fill_placeholder(added.shapes.title, title, deck.theme, Inherited((SECTION_TITLE_PT,)))
    subtitle = [Para(slide.subtitle)] if slide.subtitle else []
    _fill_placeholder(added.placeholders[1], subtitle, deck.theme, Inherited((SECTION_SUBTITLE_PT,)))
    return added


def _add_content_slide(prs, grid: Grid, deck: Deck, slide: Slide):
    has_bullets = any(isinstance(block, Bullets) for block in slide.blocks)
    added = prs.slides.add_slide(_layout(prs, "Title and Content" if has_bullets else "Title Only"))
    _fill_placeholder(added.shapes.title, [Para(slide.title)] if slide.title else [], deck.theme, TITLE_TEXT)
    region = grid.body
    if slide.subtitle and not slide.blocks:
        # A closing "Questions?" is the slide's message, not a line under its title.
        message = Para(slide.subtitle, size_pt=QUOTE_PT, align=PP_ALIGN.CENTER)
        _add_text_shape(added, region, [message], deck.theme, "Subtitle", middle=True)
    elif slide.subtitle:
        subtitle_box, region = region.split_top(CONTENT_SUBTITLE_HEIGHT, GAP // 2)
        subtitle = Para(slide.subtitle, size_pt=CONTENT_SUBTITLE_PT, colour=MUTED)
        _add_text_shape(added, subtitle_box, [subtitle], deck.theme, "Subtitle")
    painter = ContentPainter(added, deck.theme, grid.body)
    text_blocks = [block for block in slide.blocks if not _is_visual(block)]
    visual_blocks = [block for block in slide.blocks if _is_visual(block)]
    if slide.layout == "figure_bullets" and text_blocks and visual_blocks:
        text_column, visual_column = region.columns((TEXT_COLUMN_SHARE, 1 - TEXT_COLUMN_SHARE), COLUMN_GAP)
        painter.stack(text_blocks, text_column)
        painter.stack(visual_blocks, visual_column)
    else:
        painter.stack(slide.blocks, region)
    return added


def _is_visual(block: Block) -> bool:
    return isinstance(block, (Figure, Image))


def _add_footer(added, grid: Grid, deck: Deck, number: int) -> None:
    footer = Para(_text(deck.meta.title), size_pt=FOOTER_PT, colour=MUTED, align=PP_ALIGN.CENTER)
    _add_text_shape(added, grid.footer, [footer], deck.theme, "Footer", middle=True)
    slide_number = Para(_text(str(number)), size_pt=FOOTER_PT, colour=MUTED, align=PP_ALIGN.RIGHT)
    shape = _add_text_shape(added, grid.number, [slide_number], deck.theme, "Slide Number", middle=True)
    _make_slide_number_field(shape.text_frame.paragraphs[0].runs[0])


def _make_slide_number_field(run) -> None:
    # A field, not literal text: the number follows the slide when slides are reordered.
    element = run._r
    element.tag = qn("a:fld")
    element.set("id", SLIDE_NUMBER_FIELD_ID)
    element.set("type", "slidenum")


def _write_notes(added, notes: Sequence[Inline], theme: Theme) -> None:
    if notes:
        _write_paragraphs(added.notes_slide.notes_text_frame, [Para(paragraph) for paragraph in notes], theme)


# --- content blocks -----------------------------------------------------------------------


class ContentPainter:
    """Places a content slide's blocks into boxes on that slide.

    The first Bullets block goes into the layout's body placeholder (editable, styled by the
    master); everything else becomes a shape of its own.
    """

    def __init__(self, slide, theme: Theme, placeholder_home: Box):
        self.slide = slide
        self.theme = theme
        self.placeholder_home = placeholder_home
        self.body = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)

    def stack(self, blocks: Sequence[Block], region: Box) -> None:
        """Blocks top to bottom; pictures that follow each other share a row.

        The space is shared out again after each block, because a table or a listing may
        need less height than it was offered and the blocks below should have it."""
        items = _group_visuals(blocks)
        top = region.top
        for index, item in enumerate(items):
            rest = items[index:]
            naturals = [_natural_height(later, region.width) for later in rest]
            heights = _allocate_heights(naturals, region.bottom - top - GAP * (len(rest) - 1))
            used = self._place(item, Box(region.left, top, region.width, heights[0]))
            top += used + GAP

    def _place(self, item, box: Box) -> int:
        """Draws the item in the box and says how much of the box's height it took."""
        if isinstance(item, tuple):
            self._visual_row(item, box)
        elif isinstance(item, Bullets):
            self._bullets(item, box)
        elif isinstance(item, Table):
            return self._table(item, box)
        elif isinstance(item, Code):
            return self._code(item, box)
        else:
            self._quote(item, box)
        return box.height

    def _bullets(self, bullets: Bullets, box: Box) -> None:
        paras = _bullet_paras(bullets)
        if self.body is not None:
            shape, self.body = self.body, None
            if box != self.placeholder_home:  # else it keeps inheriting the layout's geometry
                _move(shape, box)
            _write_paragraphs(shape.text_frame, paras, self.theme)
        else:
            shape = self.slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
            shape.text_frame.word_wrap = True
            paras = [replace(para, size_pt=BULLET_TEXT.size(para.level)) for para in paras]
            _write_paragraphs(shape.text_frame, paras, self.theme)
            for paragraph in shape.text_frame.paragraphs:
                _add_bullet_mark(paragraph)
        _fit_text(shape.text_frame, paras, box, BULLET_TEXT)

    def _visual_row(self, visuals: Sequence[Figure | Image], box: Box) -> None:
        """Pictures side by side, bottoms aligned so the captions line up beneath them."""
        cells = box.columns([1] * len(visuals), COLUMN_GAP)
        captions = [Para(_caption_inline(visual), size_pt=CAPTION_PT, align=PP_ALIGN.CENTER) for visual in visuals]
        caption_height = max(
            min(_pt(_estimated_height_pt([caption], cell.width, PLAIN_TEXT)), box.height // 3)
            for caption, cell in zip(captions, cells)
        )
        fitted = [
            Box(cell.left, cell.top, cell.width, box.height - caption_height).fit(*_pixel_size(visual))
            for visual, cell in zip(visuals, cells)
        ]
        tallest = max(picture.height for picture in fitted)
        baseline = box.top + (box.height - caption_height - tallest) // 2 + tallest
        for visual, cell, picture, caption in zip(visuals, cells, fitted, captions):
            self._picture(visual, Box(picture.left, baseline - picture.height, picture.width, picture.height))
            caption_box = Box(cell.left, baseline, cell.width, caption_height)
            _add_text_shape(self.slide, caption_box, [caption], self.theme, f"Caption {visual.number}")

    def _picture(self, visual: Figure | Image, box: Box) -> None:
        data, alt, media_type = _picture_source(visual)
        if media_type not in EMBEDDABLE_MEDIA:
            self._unembeddable(visual, box)
            return
        picture = self.slide.shapes.add_picture(io.BytesIO(data), box.left, box.top, box.width, box.height)
        picture.name = f"Figure {visual.number}"
        picture._element._nvXxPr.cNvPr.set("descr", alt)

    def _unembeddable(self, image: Image, box: Box) -> None:
        # python-pptx cannot embed SVG; say so on the slide rather than drop the picture.
        message = f"[{image.media_type} image not embedded: {image.filename}] {image.alt}"
        para = Para(_text(message), size_pt=CAPTION_PT, colour=MUTED, align=PP_ALIGN.CENTER)
        shape = _add_text_shape(self.slide, box, [para], self.theme, f"Figure {image.number}", middle=True)
        shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        shape.line.color.rgb = MUTED

    def _table(self, table: Table, box: Box) -> int:
        plan = _plan_table(table, box.width, box.height)
        left = box.left + (box.width - plan.width) // 2
        rows = _table_cells(table)
        frame = self.slide.shapes.add_table(len(rows), len(rows[0]), left, box.top, plan.width, plan.height)
        frame.name = "Table"
        grid = frame.table
        for column, width in zip(grid.columns, plan.column_widths):
            column.width = width
        for row, height in zip(grid.rows, plan.row_heights):
            row.height = height
        for r, row in enumerate(rows):
            for c, inline in enumerate(row):
                self._table_cell(grid.cell(r, c), inline, plan.size_pt, header=r == 0)
        if table.caption:
            caption_box = Box(left, box.top + plan.height, plan.width, plan.caption_height)
            caption = Para(table.caption, size_pt=CAPTION_PT, align=PP_ALIGN.CENTER)
            _add_text_shape(self.slide, caption_box, [caption], self.theme, "Table Caption")
        return plan.total_height

    def _table_cell(self, cell, inline: Inline, size_pt: float, header: bool) -> None:
        para = Para(inline, size_pt=size_pt, bold=header, colour=WHITE if header else None)
        _write_paragraphs(cell.text_frame, [para], self.theme)
        if header:
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(self.theme.accent)

    def _code(self, code: Code, box: Box) -> int:
        lines = _highlighted_lines(code)
        size = _code_font_pt(lines, box)
        height = min(box.height, _pt(len(lines) * size * LINE_HEIGHT + 4 * INSET_Y_PT))
        shape = self.slide.shapes.add_textbox(box.left, box.top, box.width, height)
        shape.name = "Code"
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(get_style_by_name(CODE_STYLE).background_color)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.margin_top = frame.margin_bottom = Pt(2 * INSET_Y_PT)
        for index, tokens in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            for text, colour, bold, italic in tokens:
                run = paragraph.add_run()
                run.text = text
                _style_font(
                    run,
                    latin=self.theme.font_code,
                    east_asian=self.theme.font_east_asian,
                    size_pt=size,
                    bold=bold,
                    italic=italic,
                    colour=_rgb(colour) if colour else None,
                )
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        return height

    def _quote(self, quote: Quote, box: Box) -> None:
        _add_text_shape(self.slide, box, _quote_paras(quote), self.theme, "Quote", middle=True)


def _group_visuals(blocks: Sequence[Block]) -> list:
    """Blocks in order, with each run of consecutive pictures gathered into one tuple."""
    items: list = []
    for block in blocks:
        if _is_visual(block) and items and isinstance(items[-1], tuple):
            items[-1] = (*items[-1], block)
        elif _is_visual(block):
            items.append((block,))
        else:
            items.append(block)
    return items


def _natural_height(item, width: int) -> int | None:
    """The height an item wants at that width; None for pictures, which take what is left."""
    if isinstance(item, tuple):
        return None
    if isinstance(item, Bullets):
        return _pt(_estimated_height_pt(_bullet_paras(item), width, BULLET_TEXT))
    if isinstance(item, Table):
        return _plan_table(item, width).total_height
    if isinstance(item, Code):
        return _pt(len(_source_lines(item.source)) * CODE_MAX_PT * LINE_HEIGHT + 4 * INSET_Y_PT)
    return _pt(_estimated_height_pt(_quote_paras(item), width, PLAIN_TEXT))


def _allocate_heights(naturals: Sequence[int | None], available: int) -> list[int]:
    """Split `available` between items: text gets what it asks (scaled down if it all cannot
    fit), spare room goes to pictures, or is shared out in proportion when there are none."""
    flexible = [index for index, natural in enumerate(naturals) if natural is None]
    fixed_total = sum(natural for natural in naturals if natural is not None)
    if not flexible:
        if not fixed_total:
            return [available // len(naturals)] * len(naturals)
        return [round(available * natural / fixed_total) for natural in naturals]
    for_text = available - max(available - fixed_total, round(available * MIN_VISUAL_SHARE))
    text_scale = min(1.0, for_text / fixed_total) if fixed_total else 0.0
    text_heights = {i: round(natural * text_scale) for i, natural in enumerate(naturals) if natural is not None}
    each_visual = (available - sum(text_heights.values())) // len(flexible)
    return [text_heights.get(i, each_visual) for i in range(len(naturals))]


def _bullet_paras(bullets: Bullets) -> list[Para]:
    paras: list[Para] = []

    def visit(bullet: Bullet, level: int) -> None:
        paras.append(Para(bullet.text, level=level))
        for child in bullet.children:
            visit(child, level + 1)

    for item in bullets.items:
        visit(item, 0)
    return paras


def _add_bullet_mark(paragraph) -> None:
    # A text box has no bullets of its own; give it the master's marks and indents.
    level = paragraph.level
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", str(_pt(BULLET_TEXT.indent(level))))
    ppr.set("indent", str(-_pt(BULLET_TEXT.indent(0))))
    bullet = OxmlElement("a:buChar")
    bullet.set("char", "•" if level % 2 == 0 else "–")
    ppr.insert(0, bullet)


def _quote_paras(quote: Quote) -> list[Para]:
    paras = [Para(quote.text, size_pt=QUOTE_PT, italic=True, align=PP_ALIGN.CENTER)]
    if quote.attribution:
        attribution = (Run("— "), *quote.attribution)
        paras.append(Para(attribution, size_pt=ATTRIBUTION_PT, colour=MUTED, align=PP_ALIGN.CENTER))
    return paras


def _caption_inline(visual: Figure | Image) -> Inline:
    label = Run(f"Figure {visual.number}.", bold=True)
    return (label, Run(" "), *visual.caption) if visual.caption else (label,)


def _picture_source(visual: Figure | Image) -> tuple[bytes, str, str]:
    if isinstance(visual, Figure):
        return visual.asset.png, visual.asset.alt, "image/png"
    return visual.data, visual.alt, visual.media_type


def _pixel_size(visual: Figure | Image) -> tuple[int, int]:
    if isinstance(visual, Figure):
        width, height = visual.asset.width_px, visual.asset.height_px
    else:
        width, height = visual.width_px, visual.height_px
    # A missing size must not divide by zero; a square box is the least wrong guess.
    return (width, height) if width > 0 and height > 0 else (1, 1)


# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TablePlan:
    """A table's font size and geometry, chosen so its (estimated) text fits the cells."""

    size_pt: float
    column_widths: tuple[int, ...]
    row_heights: tuple[int, ...]
    caption_height: int

    @property
    def width(self) -> int:
        return sum(self.column_widths)

    @property
    def height(self) -> int:
        return sum(self.row_heights)

    @property
    def total_height(self) -> int:
        return self.height + self.caption_height


def _table_cells(table: Table) -> list[tuple[Inline, ...]]:
    """Header and rows, padded to one width: a short row still gets its cells."""
    rows = [table.header, *table.rows]
    columns = max(len(row) for row in rows)
    return [tuple(row) + ((),) * (columns - len(row)) for row in rows]


def _plan_table(table: Table, width: int, max_height: int | None = None) -> TablePlan:
    """The largest font size at which the table fits `max_height` (the smallest if none does).

    Rows never shrink below their text, so a table that is merely given less height runs
    into whatever is placed under it."""
    rows = _table_cells(table)
    width = _comfortable_table_width(rows, width)
    for size in TABLE_SIZES_PT:
        plan = _table_plan_at(rows, table.caption, width, size)
        if max_height is None or plan.total_height <= max_height:
            break
    return plan


def _comfortable_table_width(rows: Sequence[Sequence[Inline]], available: int) -> int:
    # Three short columns stretched over a widescreen slide are hard to read across.
    widest = [max(_em_width(plain_text(row[c])) for row in rows) for c in range(len(rows[0]))]
    wanted_pt = sum(em * TABLE_SIZES_PT[0] + 2 * INSET_X_PT for em in widest)
    return min(available, max(available // 2, _pt(wanted_pt * 1.6)))


def _table_plan_at(rows: Sequence[Sequence[Inline]], caption: Inline, width: int, size: float) -> TablePlan:
    widths = _column_widths(rows, width, size)
    heights = tuple(_table_row_height(row, widths, size) for row in rows)
    caption_height = 0
    if caption:
        caption_height = _pt(_estimated_height_pt([Para(caption, size_pt=CAPTION_PT)], width, PLAIN_TEXT))
    return TablePlan(size, widths, heights, caption_height)


def _table_row_height(row: Sequence[Inline], widths: Sequence[int], size: float) -> int:
    lines = max(_wrapped_lines(plain_text(inline), width, size) for inline, width in zip(row, widths))
    return _pt(lines * size * LINE_HEIGHT + 2 * INSET_Y_PT)


def _wrapped_lines(text: str, width: int, size: float) -> int:
    usable = max(width / EMU_PER_PT - 2 * INSET_X_PT, size)
    return max(1, math.ceil(_em_width(text) * size * BOLD_WIDTH * WRAP_SLACK / usable))


def _column_widths(rows: Sequence[Sequence[Inline]], total: int, size: float) -> tuple[int, ...]:
    """Each column at least as wide as its longest word; the rest shared by how much text
    a column holds, so a column of "91%" does not get as much as a column of sentences."""
    padding = 2 * INSET_X_PT
    texts = [[plain_text(row[c]) for row in rows] for c in range(len(rows[0]))]
    minimum = [max(_longest_word_em(text) for text in column) * size * BOLD_WIDTH + padding for column in texts]
    wanted = [max(_em_width(text) for text in column) * size * WRAP_SLACK + padding for column in texts]
    total_pt = total / EMU_PER_PT
    if sum(wanted) <= total_pt:
        points = [w * total_pt / sum(wanted) for w in wanted]
    elif sum(minimum) < total_pt:
        spare = total_pt - sum(minimum)
        extra = [w - m for w, m in zip(wanted, minimum)]
        points = [m + spare * e / sum(extra) for m, e in zip(minimum, extra)]
    else:
        points = [m * total_pt / sum(minimum) for m in minimum]
    widths = [_pt(p) for p in points]
    widths[-1] = total - sum(widths[:-1])
    return tuple(widths)


def _longest_word_em(text: str) -> float:
    # CJK text breaks between any two characters, so each one is a word of its own.
    longest = current = 0.0
    for ch in text:
        if ch.isspace():
            current = 0.0
        elif unicodedata.east_asian_width(ch) in "WF":
            current = 0.0
            longest = max(longest, 1.0)
        else:
            current += LATIN_EM
            longest = max(longest, current)
    return longest


# --- code ---------------------------------------------------------------------------------

CodeToken = tuple[str, "str | None", bool, bool]  # text, colour ("RRGGBB" or None), bold, italic


def _source_lines(source: str) -> list[str]:
    return source.expandtabs(4).rstrip("\n").split("\n")


def _highlighted_lines(code: Code) -> list[list[CodeToken]]:
    """The source, one list of styled tokens per line; unknown languages come out plain."""
    source = "\n".join(_source_lines(code.source))
    lexer = _lexer_for(code.language)
    tokens = pygments.lex(source, lexer) if lexer else [(Token.Text, source)]
    style = get_style_by_name(CODE_STYLE)
    lines: list[list[CodeToken]] = [[]]
    for token_type, value in tokens:
        look = style.style_for_token(token_type)
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append((piece, look["color"], look["bold"], look["italic"]))
    # The lexer ends the text with a newline of its own.
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def _lexer_for(language: str | None):
    if not language:
        return None
    try:
        # stripnl would drop the blank lines a listing starts with.
        return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return None


def _code_font_pt(lines: Sequence[Sequence[CodeToken]], box: Box) -> float:
    """The largest size (up to CODE_MAX_PT) at which the longest line and all lines fit."""
    longest = max((_em_width("".join(token[0] for token in line), MONO_EM) for line in lines), default=1)
    by_width = (box.width / EMU_PER_PT - 2 * INSET_X_PT) / max(longest, 1)
    by_height = (box.height / EMU_PER_PT - 4 * INSET_Y_PT) / (len(lines) * LINE_HEIGHT)
    size = min(CODE_MAX_PT, by_width, by_height)
    return max(CODE_MIN_PT, math.floor(size * 2) / 2)
