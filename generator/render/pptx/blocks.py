"""Content shapes (bullets, pictures, tables, code, equations, text boxes) drawn where the slide's plan puts them.

plan.py decides every box and size; each painter here draws one kind of planned shape with python-pptx.
"""

from __future__ import annotations

import functools
import io

from PIL import ExifTags, ImageOps
from PIL import Image as PILImage
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.util import Pt
from pygments.styles import get_style_by_name

from generator.deck import Figure, Image, Theme
from generator.errors import BuildError
from generator.render.contrast import accent_fill
from generator.render.pptx.charts import add_chart
from generator.render.pptx.equations import add_equation
from generator.render.pptx.frames import TEXT_BODIES, LayoutGeometry
from generator.render.pptx.geometry import box_of, move, pt
from generator.render.pptx.oxml import add_bullet_char, set_alt_text
from generator.render.pptx.plan import (
    BulletList,
    CodeShape,
    EquationShape,
    Picture,
    TableShape,
    TextBox,
)
from generator.render.pptx.style import CODE_STYLE, EMBEDDABLE_MEDIA, INSET_Y_PT, MUTED, WHITE
from generator.render.pptx.tables import cell_align, table_cells
from generator.render.pptx.text import BULLET_TEXT, Para
from generator.render.pptx.writing import add_text_shape, rgb, style_font, write_fit, write_paragraphs


class ContentPainter:
    """Draws a content slide's planned shapes on that slide.

    Bullets planned ``in_body`` go into the layout's body placeholder (editable, styled by the
    master); everything else becomes a shape of its own.
    """

    def __init__(self, slide, theme: Theme, geometry: LayoutGeometry):
        self.slide = slide
        self.theme = theme
        self.geometry = geometry

    def body(self):
        """The layout's text body (frames.LayoutGeometry.body: by type, the largest), and its box."""
        planned = self.geometry.body()
        if self.geometry.unique_indices:
            return self.slide.placeholders[planned.idx], planned.box
        bodies = [ph for ph in self.slide.placeholders if ph.placeholder_format.type.name in TEXT_BODIES]
        shape = max(bodies, key=lambda ph: box_of(ph).area)
        return shape, box_of(shape)

    def paint(self, shape) -> None:
        painter = _PAINTERS.get(type(shape))
        if painter is None:
            raise BuildError(f"the PowerPoint renderer cannot draw a planned {type(shape).__name__}")
        painter(self, shape)

    def _text_box(self, planned: TextBox) -> None:
        shape = add_text_shape(self.slide, planned.box, planned.paras, planned.fit, self.theme, planned.name,
                               middle=planned.middle)
        if planned.dashed:
            shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            shape.line.color.rgb = rgb(MUTED)

    def _bullets(self, planned: BulletList) -> None:
        box = planned.box
        if planned.in_body:
            shape, where = self.body()
            # Where the layout already puts it, it keeps inheriting the layout's geometry; a layout's
            # body may also span both halves ("Content over Content"), so the box is compared, not assumed.
            if box != where:
                move(shape, box)
        else:
            shape = self.slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
            shape.text_frame.word_wrap = True
        write_paragraphs(shape.text_frame, planned.paras, self.theme)
        if planned.mark:
            for paragraph in shape.text_frame.paragraphs:
                _add_bullet_mark(paragraph)
        write_fit(shape.text_frame, planned.fit)

    def _picture(self, planned: Picture) -> None:
        visual, box = planned.visual, planned.box
        if isinstance(visual, Figure) and visual.chart is not None:
            add_chart(self.slide, visual.chart, box, self.theme, f"Figure {visual.number}", visual.asset.alt)
            return
        data, alt = _picture_source(visual)
        picture = self.slide.shapes.add_picture(io.BytesIO(data), box.left, box.top, box.width, box.height)
        picture.name = f"Figure {visual.number}"
        set_alt_text(picture, alt)

    def _table(self, planned: TableShape) -> None:
        plan, table = planned.plan, planned.table
        rows, aligns = table_cells(table), cell_align(table)
        frame = self.slide.shapes.add_table(len(rows), len(rows[0]), planned.left, planned.top, plan.width,
                                            plan.height)
        frame.name = "Table"
        grid = frame.table
        for column, width in zip(grid.columns, plan.column_widths):
            column.width = width
        for row, height in zip(grid.rows, plan.row_heights):
            row.height = height
        for r, row in enumerate(rows):
            for c, inline in enumerate(row):
                header = r == 0
                cell = grid.cell(r, c)
                colour = WHITE if header else None
                para = Para(inline, size_pt=plan.size_pt, bold=header, colour=colour, align=aligns[c])
                write_paragraphs(cell.text_frame, [para], self.theme)
                if plan.stretched:
                    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                if header:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = rgb(accent_fill(self.theme.accent))

    def _code(self, planned: CodeShape) -> None:
        box, size = planned.box, planned.size_pt
        shape = self.slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
        shape.name = "Code"
        shape.fill.solid()
        shape.fill.fore_color.rgb = rgb(get_style_by_name(CODE_STYLE).background_color)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.margin_top = frame.margin_bottom = Pt(2 * INSET_Y_PT)
        for index, tokens in enumerate(planned.lines):
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
                    colour=colour or None,
                )
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE

    def _equation(self, planned: EquationShape) -> None:
        add_equation(self.slide, planned.equation, self.theme.font, planned.box, planned.name)


# Each planned shape type and how it is drawn (text in placeholders and footers: slides.py).
_PAINTERS = {
    TextBox: ContentPainter._text_box,
    BulletList: ContentPainter._bullets,
    Picture: ContentPainter._picture,
    TableShape: ContentPainter._table,
    CodeShape: ContentPainter._code,
    EquationShape: ContentPainter._equation,
}


def _add_bullet_mark(paragraph) -> None:
    # A text box has no bullets of its own; give it the master's marks and indents.
    level = paragraph.level
    add_bullet_char(paragraph, "•" if level % 2 == 0 else "–", pt(BULLET_TEXT.indent(level)), -pt(BULLET_TEXT.indent(0)))


def _picture_source(visual: Figure | Image) -> tuple[bytes, str]:
    if isinstance(visual, Figure):
        return visual.asset.png, visual.asset.alt
    assert visual.media_type in EMBEDDABLE_MEDIA  # plan.py makes a text box of any other picture
    return _upright(visual.data), visual.alt


@functools.lru_cache(maxsize=16)  # a preview draws the same photo after each change; decode it once
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
