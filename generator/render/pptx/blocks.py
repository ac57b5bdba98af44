"""Content blocks (bullets, pictures, tables, code, quotes) placed in a slide's content region."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import replace

from PIL import ExifTags, ImageOps
from PIL import Image as PILImage
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Pt
from pygments.styles import get_style_by_name

from generator.deck import (
    Block,
    Bullet,
    Bullets,
    Code,
    Equation,
    Figure,
    Image,
    Inline,
    Quote,
    Run,
    Table,
    Theme,
)
from generator.errors import BuildError
from generator.interface_words import InterfaceWords
from generator.render.contrast import accent_fill
from generator.render.pptx.charts import add_chart, chart_shape
from generator.render.pptx.equations import EQUATION_PT, add_equation, equation_height, equation_scale
from generator.render.pptx.geometry import Box, box_of, move, pt
from generator.render.pptx.highlight import (
    code_fits,
    code_font_pt,
    highlighted_lines,
    source_lines,
)
from generator.render.pptx.master import rgb
from generator.render.pptx.oxml import add_bullet_char, says_how_bullets_are_marked, set_alt_text
from generator.render.pptx.style import (
    ATTRIBUTION_PT,
    BODY_FLOOR_PT,
    CAPTION_PT,
    CODE_MAX_PT,
    CODE_MIN_PT,
    CODE_STYLE,
    COLUMN_GAP,
    EMBEDDABLE_MEDIA,
    GAP,
    INSET_Y_PT,
    LINE_HEIGHT,
    MIN_VISUAL_SHARE,
    MUTED,
    QUOTE_PT,
    WHITE,
)
from generator.render.pptx.tables import plan_table, table_cells
from generator.slide_blocks import kind_of_block
from generator.slide_layouts import is_picture
from generator.render.pptx.text import (
    BULLET_TEXT,
    PLAIN_TEXT,
    Overflow,
    Para,
    add_text_shape,
    estimated_height_pt,
    fit_text,
    lines_height_pt,
    report_overflow,
    steps_to_floor,
    style_font,
    text_height_pt,
    unstyled,
    write_paragraphs,
)

TEXT_BODIES = frozenset({PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT})


class ContentPainter:
    """Places a content slide's blocks into boxes on that slide.

    The first Bullets block goes into the layout's body placeholder (editable, styled by the
    master); everything else becomes a shape of its own.
    """

    def __init__(self, slide, theme: Theme, labels: InterfaceWords):
        self.slide = slide
        self.theme = theme
        self.labels = labels
        # By type, not index: a template's text placeholder may have any idx. The largest, because a
        # layout's small text placeholders are headings or captions ("Comparison", "Content with Caption").
        bodies = [ph for ph in slide.placeholders if ph.placeholder_format.type in TEXT_BODIES]
        self.body = max(bodies, key=lambda ph: box_of(ph).area, default=None)

    def stack(self, blocks: Sequence[Block], region: Box) -> None:
        """Blocks top to bottom; pictures that follow each other share a row.

        The space is shared out again after each block, because a table or a listing may
        need less height than it was offered and the blocks below should have it."""
        items = _group_visuals(blocks)
        top = region.top
        for index, item in enumerate(items):
            rest = items[index:]
            available = region.bottom - top - GAP * (len(rest) - 1)
            naturals = _natural_heights(rest, region.width, available, self.theme)
            heights = _allocate_heights(naturals, available)
            used = self._place(item, Box(region.left, top, region.width, heights[0]))
            top += used + GAP

    def _place(self, item, box: Box) -> int:
        """Draws the item in the box and says how much of the box's height it took."""
        if isinstance(item, tuple):
            self._visual_row(item, box)
            return box.height
        placer = _PLACERS.get(type(item)) or (_place_added if kind_of_block(item) is not None else None)
        if placer is None:
            raise _unknown(item)
        used = placer(self, item, box)
        return box.height if used is None else used

    def _equation(self, equation: Equation, box: Box) -> None:
        equations = sum(1 for shape in self.slide.shapes if shape.name.startswith("Equation"))
        add_equation(self.slide, equation, self.theme.font, box, f"Equation {equations + 1}")
        if EQUATION_PT * equation_scale(equation, self.theme.font, box) < BODY_FLOOR_PT:
            report_overflow(Overflow("equation", BODY_FLOOR_PT, box, self.theme))

    def _bullets(self, bullets: Bullets, box: Box) -> None:
        paras = _bullet_paras(bullets)
        if self.body is not None:
            shape, self.body = self.body, None
            # Where the layout already puts it, it keeps inheriting the layout's geometry; a layout's
            # body may also span both halves ("Content over Content"), so the box is compared, not assumed.
            if box != box_of(shape):
                move(shape, box)
            write_paragraphs(shape.text_frame, paras, self.theme)
            if not _layout_marks_bullets(self.slide.slide_layout):
                for paragraph in shape.text_frame.paragraphs:
                    _add_bullet_mark(paragraph)
        else:
            shape = self.slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
            shape.text_frame.word_wrap = True
            paras = [replace(para, size_pt=BULLET_TEXT.size(para.level)) for para in paras]
            write_paragraphs(shape.text_frame, paras, self.theme)
            for paragraph in shape.text_frame.paragraphs:
                _add_bullet_mark(paragraph)
        fit_text(shape.text_frame, paras, box, BULLET_TEXT, self.theme)

    def _visual_row(self, visuals: Sequence[Figure | Image], box: Box) -> None:
        """Pictures side by side, bottoms aligned so the captions line up beneath them."""
        cells = box.columns([1] * len(visuals), COLUMN_GAP)
        captions = [
            Para(_caption_inline(visual, self.labels), size_pt=CAPTION_PT, align=PP_ALIGN.CENTER) for visual in visuals
        ]
        caption_height = max(
            min(
                pt(estimated_height_pt([caption], cell.width, PLAIN_TEXT, self.theme)),
                box.height // 3,
            )
            for caption, cell in zip(captions, cells)
        )
        fitted = [
            Box(cell.left, cell.top, cell.width, box.height - caption_height).fit(
                *_pixel_size(visual, cell.width, box.height - caption_height)
            )
            for visual, cell in zip(visuals, cells)
        ]
        tallest = max(picture.height for picture in fitted)
        baseline = box.top + (box.height - caption_height - tallest) // 2 + tallest
        for visual, cell, picture, caption in zip(visuals, cells, fitted, captions):
            self._picture(
                visual,
                Box(
                    picture.left,
                    baseline - picture.height,
                    picture.width,
                    picture.height,
                ),
            )
            caption_box = Box(cell.left, baseline, cell.width, caption_height)
            add_text_shape(
                self.slide,
                caption_box,
                [caption],
                self.theme,
                f"Caption {visual.number}",
            )

    def _picture(self, visual: Figure | Image, box: Box) -> None:
        if isinstance(visual, Figure) and visual.chart is not None:
            add_chart(self.slide, visual.chart, box, self.theme, f"Figure {visual.number}", visual.asset.alt)
            return
        data, alt, media_type = _picture_source(visual)
        if media_type not in EMBEDDABLE_MEDIA:
            self._unembeddable(visual, box)
            return
        picture = self.slide.shapes.add_picture(io.BytesIO(data), box.left, box.top, box.width, box.height)
        picture.name = f"Figure {visual.number}"
        set_alt_text(picture, alt)

    def _unembeddable(self, image: Image, box: Box) -> None:
        # python-pptx cannot embed SVG; say so on the slide rather than drop the picture.
        message = f"[{image.media_type} image not embedded: {image.filename}] {image.alt}"
        para = Para(unstyled(message), size_pt=CAPTION_PT, colour=MUTED, align=PP_ALIGN.CENTER)
        shape = add_text_shape(self.slide, box, [para], self.theme, f"Figure {image.number}", middle=True)
        shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        shape.line.color.rgb = MUTED

    def _table(self, table: Table, box: Box) -> int:
        plan = plan_table(table, box.width, self.theme, box.height)
        if plan.total_height > box.height:
            report_overflow(Overflow("table", plan.size_pt, box, self.theme))
        left = box.left + (box.width - plan.width) // 2
        rows = table_cells(table)
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
            add_text_shape(self.slide, caption_box, [caption], self.theme, "Table Caption")
        return plan.total_height

    def _table_cell(self, cell, inline: Inline, size_pt: float, header: bool) -> None:
        para = Para(inline, size_pt=size_pt, bold=header, colour=WHITE if header else None)
        write_paragraphs(cell.text_frame, [para], self.theme)
        if header:
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(accent_fill(self.theme.accent))

    def _code(self, code: Code, box: Box) -> int:
        lines = highlighted_lines(code)
        size = code_font_pt(lines, box)
        if not code_fits(lines, box):
            report_overflow(Overflow("code", CODE_MIN_PT, box, self.theme))
        height = min(box.height, pt(len(lines) * size * LINE_HEIGHT + 4 * INSET_Y_PT))
        shape = self.slide.shapes.add_textbox(box.left, box.top, box.width, height)
        shape.name = "Code"
        shape.fill.solid()
        shape.fill.fore_color.rgb = rgb(get_style_by_name(CODE_STYLE).background_color)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.margin_top = frame.margin_bottom = Pt(2 * INSET_Y_PT)
        for index, tokens in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            # A blank line has no run to take the size from; viewers give it the default 18 pt.
            paragraph._p.get_or_add_endParaRPr().set("sz", str(round(size * 100)))
            for text, colour, bold, italic in tokens:
                run = paragraph.add_run()
                run.text = text
                style_font(
                    run,
                    latin=self.theme.font_code,
                    east_asian=self.theme.font_east_asian,
                    size_pt=size,
                    bold=bold,
                    italic=italic,
                    colour=rgb(colour) if colour else None,
                )
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        return height

    def _quote(self, quote: Quote, box: Box) -> None:
        add_text_shape(self.slide, box, _quote_paras(quote), self.theme, "Quote", middle=True)


def _group_visuals(blocks: Sequence[Block]) -> list:
    """Blocks in order, with each run of consecutive pictures gathered into one tuple."""
    items: list = []
    for block in blocks:
        if is_picture(block) and items and isinstance(items[-1], tuple):
            items[-1] = (*items[-1], block)
        elif is_picture(block):
            items.append((block,))
        else:
            items.append(block)
    return items


def _natural_heights(items: Sequence, width: int, available: int, theme: Theme) -> list[int | None]:
    """The heights the items want; a table may set its text smaller (to its smallest size) to leave
    the other items theirs, rather than have everything scaled down alike and the bullets overflow."""
    naturals = [_natural_height(item, width, theme) for item in items]
    tables = [index for index, item in enumerate(items) if isinstance(item, Table)]

    def room_for_tables() -> int:
        return available - sum(n for i, n in enumerate(naturals) if n is not None and i not in tables)

    if tables and sum(naturals[i] for i in tables) > room_for_tables():
        # Bullets give up their spare size first (to their 16 pt floor), then the tables shrink.
        for index, item in enumerate(items):
            if isinstance(item, Bullets):
                paras = _bullet_paras(item)
                floor = text_height_pt(paras, width, BULLET_TEXT, theme, steps_to_floor(paras, BULLET_TEXT))
                naturals[index] = min(naturals[index], pt(floor))
        room = room_for_tables() // len(tables)
        for index in tables:
            if room > 0:
                naturals[index] = min(naturals[index], plan_table(items[index], width, theme, room).total_height)
    return naturals


def _natural_height(item, width: int, theme: Theme) -> int | None:
    """The height an item wants at that width; None for pictures, which take what is left."""
    if isinstance(item, tuple):
        return None
    measure = _NATURAL_HEIGHTS.get(type(item)) or (_added_height if kind_of_block(item) is not None else None)
    if measure is None:
        raise _unknown(item)
    return measure(item, width, theme)


def _place_added(painter: ContentPainter, item, box: Box) -> None:
    # A block kind registered from outside: its paragraphs in a text box, fitted like the other text.
    added = kind_of_block(item)
    add_text_shape(painter.slide, box, list(added.paragraphs(item)), painter.theme, added.key.capitalize())


def _added_height(item, width: int, theme: Theme) -> int:
    return pt(estimated_height_pt(list(kind_of_block(item).paragraphs(item)), width, PLAIN_TEXT, theme))


def _unknown(item) -> BuildError:
    return BuildError(f"the PowerPoint renderer does not know the block type {type(item).__name__}")


# Each text block type: how it is drawn (a ContentPainter method, which returns the height it used,
# or None for all of its box) and the height it wants. Pictures (Figure, Image) are drawn in rows.
_PLACERS = {
    Bullets: ContentPainter._bullets,
    Table: ContentPainter._table,
    Code: ContentPainter._code,
    Equation: ContentPainter._equation,
    Quote: ContentPainter._quote,
}
_NATURAL_HEIGHTS = {
    Bullets: lambda item, width, theme: pt(estimated_height_pt(_bullet_paras(item), width, BULLET_TEXT, theme)),
    Table: lambda item, width, theme: plan_table(item, width, theme).total_height,
    Code: lambda item, width, theme: pt(len(source_lines(item.source)) * CODE_MAX_PT * LINE_HEIGHT + 4 * INSET_Y_PT),
    Equation: lambda item, width, theme: equation_height(item, theme.font),
    Quote: lambda item, width, theme: pt(estimated_height_pt(_quote_paras(item), width, PLAIN_TEXT, theme)),
}


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


def _layout_marks_bullets(layout) -> bool:
    """Whether the layout, its master's body or the master's text styles say how body paragraphs are marked.

    Some templates say nothing: LibreOffice, for one, exports its outline bullets only as the
    formatting of the master's sample text, which neither PowerPoint nor LibreOffice passes on to
    slides. Their bullets would come out as plain paragraphs, so the renderer marks them itself.
    """
    master = layout.slide_master
    bodies = [placeholder for placeholder in (*layout.placeholders, *master.placeholders)
              if placeholder.placeholder_format.type in TEXT_BODIES]
    return says_how_bullets_are_marked(bodies, master)


def _add_bullet_mark(paragraph) -> None:
    # A text box has no bullets of its own; give it the master's marks and indents.
    level = paragraph.level
    add_bullet_char(paragraph, "•" if level % 2 == 0 else "–", pt(BULLET_TEXT.indent(level)), -pt(BULLET_TEXT.indent(0)))


def _quote_paras(quote: Quote) -> list[Para]:
    paras = [Para(quote.text, size_pt=QUOTE_PT, italic=True, align=PP_ALIGN.CENTER)]
    if quote.attribution:
        attribution = (Run("— "), *quote.attribution)
        paras.append(Para(attribution, size_pt=ATTRIBUTION_PT, colour=MUTED, align=PP_ALIGN.CENTER))
    return paras


def _caption_inline(visual: Figure | Image, labels: InterfaceWords) -> Inline:
    label = Run(labels.figure_label(visual.number), bold=True)
    return (label, Run(labels.caption_separator), *visual.caption) if visual.caption else (label,)


# Figures are drawn for their slide's picture region less room for a caption of this many lines
# (figure_boxes.py): a caption of one or two lines then leaves the picture at the size it was drawn.
PLANNED_CAPTION_LINES = 2


def picture_room(region: Box, theme: Theme) -> Box:
    """The part of a picture's region that the picture itself may fill, above its caption's planned room."""
    sample = Para((Run("Figure 1."),), size_pt=CAPTION_PT)
    caption = pt(lines_height_pt(sample, PLANNED_CAPTION_LINES, PLAIN_TEXT, theme))
    return Box(region.left, region.top, region.width, max(region.height - caption, 1))


def _picture_source(visual: Figure | Image) -> tuple[bytes, str, str]:
    if isinstance(visual, Figure):
        return visual.asset.png, visual.asset.alt, "image/png"
    if visual.media_type in EMBEDDABLE_MEDIA:
        return _upright(visual.data), visual.alt, visual.media_type
    return visual.data, visual.alt, visual.media_type


@functools.lru_cache(maxsize=16)  # each slide is drafted more than once; decode a photo once
def _upright(data: bytes) -> bytes:
    """The picture turned as its EXIF orientation says: PowerPoint and LibreOffice ignore the tag,
    so a camera's portrait photo would lie on its side."""
    with PILImage.open(io.BytesIO(data)) as picture:
        if picture.getexif().get(ExifTags.Base.Orientation, 1) == 1:
            return data
        turned = ImageOps.exif_transpose(picture)
        out = io.BytesIO()
        # Same format, so the media type still holds (a phone's MPO is a JPEG with extra frames, kept as a
        # plain JPEG); a re-encoded JPEG at high quality loses little.
        turned.save(out, format="JPEG" if picture.format == "MPO" else picture.format, quality=95)
        return out.getvalue()


def _pixel_size(visual: Figure | Image, room_width: int, room_height: int) -> tuple[int, int]:
    if isinstance(visual, Figure) and visual.chart is not None:
        return chart_shape(room_width, room_height)
    if isinstance(visual, Figure):
        width, height = visual.asset.width_px, visual.asset.height_px
    else:
        width, height = visual.width_px, visual.height_px
    # A missing size must not divide by zero; a square box is the least wrong guess.
    return (width, height) if width > 0 and height > 0 else (1, 1)
