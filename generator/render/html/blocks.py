"""The view of each content block, shared by the slide deck, the reveal.js page and the report."""

from __future__ import annotations

import base64
import re

from markupsafe import Markup

from generator.deck import Block, Bullet, Bullets, Code, Equation, Figure, Image, Quote, Slide, Table
from generator.errors import BuildError
from generator.interface_words import InterfaceWords
from generator.render.html.inline import inline_html, tex_to_mathml
from generator.render.html.page import highlight_code
from generator.render.html.svg import inline_svg, svg_aspect
from generator.render.html.views import (
    AddedBlockView,
    BlockView,
    BulletsView,
    BulletView,
    CodeView,
    EquationView,
    FigureView,
    QuoteView,
    TableView,
)
from generator.render.math_text import space_big_operators
from generator.slide_blocks import kind_of_block
from generator.table_columns import aligned_rows, column_alignments

IMAGE_MEDIA_TYPE = re.compile(r"^image/[a-z0-9][a-z0-9.+-]*$")


def slide_block_views(slide: Slide, position: int, labels: InterfaceWords) -> tuple[BlockView, ...]:
    # One id prefix per slide and block, the same in the slide deck and the report, so a figure's SVG
    # ids match in both files and never repeat within one page.
    return tuple(block_view(block, f"s{position}b{index}-", labels) for index, block in enumerate(slide.blocks))


def block_view(block: Block, id_prefix: str, labels: InterfaceWords) -> BlockView:
    """The view of one block; ``id_prefix`` keeps inline-SVG ids unique in the page."""
    view = _BLOCK_VIEWS.get(type(block))
    if view is not None:
        return view(block, id_prefix, labels)
    added = kind_of_block(block)
    if added is None:
        raise BuildError(f"the HTML renderer does not know the block type {type(block).__name__}")
    return AddedBlockView(html=Markup(added.html(block)), key=added.key)


def _figure_view(block: Figure, id_prefix: str, labels: InterfaceWords) -> FigureView:
    asset = block.asset
    return _picture_view(block, labels, alt=asset.alt, svg=inline_svg(asset.svg, id_prefix, asset.alt, asset.language),
                         src=None, width_px=asset.width_px, height_px=asset.height_px,
                         aspect=_aspect(svg_aspect(asset.svg) or _ratio(asset.width_px, asset.height_px)))


def _image_view(block: Image, id_prefix: str, labels: InterfaceWords) -> FigureView:
    return _picture_view(block, labels, alt=block.alt, svg=None, src=image_data_uri(block.data, block.media_type),
                         width_px=block.width_px, height_px=block.height_px,
                         aspect=_aspect(_ratio(block.width_px, block.height_px)))


def _picture_view(block: Figure | Image, labels: InterfaceWords, **media) -> FigureView:
    """A drawn figure and a picture file are shown alike: numbered, labelled, captioned."""
    return FigureView(number=block.number, label=labels.figure_label(block.number),
                      separator=labels.caption_separator, caption=inline_html(block.caption), **media)


def _equation_view(block: Equation, id_prefix: str, labels: InterfaceWords) -> EquationView:
    return EquationView(lines=tuple(tex_to_mathml(space_big_operators(tex), display="block") for tex in block.lines))


# Each block type's view (the partial templates/html/partials/blocks.html.j2 draws it by its kind).
_BLOCK_VIEWS = {
    Bullets: lambda block, id_prefix, labels: BulletsView(items=tuple(_bullet_view(item) for item in block.items)),
    Figure: _figure_view,
    Image: _image_view,
    Table: lambda block, id_prefix, labels: _table_view(block),
    Code: lambda block, id_prefix, labels: CodeView(html=highlight_code(block.source, block.language),
                                                    language=block.language or ""),
    Quote: lambda block, id_prefix, labels: QuoteView(text=inline_html(block.text),
                                                      attribution=inline_html(block.attribution)),
    Equation: _equation_view,
}


def _ratio(width: float, height: float) -> float:
    return width / height if width > 0 and height > 0 else 4 / 3


def _aspect(ratio: float) -> str:
    return f"{ratio:.4f}"


def _bullet_view(bullet: Bullet) -> BulletView:
    return BulletView(text=inline_html(bullet.text), children=tuple(_bullet_view(c) for c in bullet.children))


def _table_view(table: Table) -> TableView:
    # Which columns are numbers, and their padding for decimal alignment, are decided once for every output.
    return TableView(
        header=tuple(inline_html(cell) for cell in table.header),
        rows=tuple(tuple(inline_html(cell) for cell in row) for row in aligned_rows(table)),
        numeric=tuple(alignment.numeric for alignment in column_alignments(table)),
        caption=inline_html(table.caption),
    )


def image_data_uri(data: bytes, media_type: str) -> str:
    if not IMAGE_MEDIA_TYPE.match(media_type):
        raise BuildError(f"cannot embed a picture of media type {media_type!r}")
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
