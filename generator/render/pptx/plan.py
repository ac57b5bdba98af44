"""Each slide planned before anything is drawn: its layout, and every shape with its box and text sizes.

A plan is plain values, made without python-pptx from the layouts' geometry (frames.py) and the
measured text (text.py), so it is a pure function of the Deck's slide, its number and the theme.
Pagination (paginate.py) reads only a plan's overflows; the renderer (slides.py, blocks.py) draws
the plan, once per slide, in the order it lists the shapes (which fixes their ids and names).

- Text: a placeholder's or a text box's paragraphs and the :class:`Fit` that sizes them.
- Content regions: blocks go top to bottom (pictures that follow each other share a row), and
  the room is shared out again after each block, because a table or a listing may need less
  height than it was offered and the blocks below should have it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from generator.deck import (
    Block,
    Bullet,
    Bullets,
    Code,
    Deck,
    Equation,
    Figure,
    Image,
    Inline,
    Meta,
    Quote,
    Run,
    Slide,
    Table,
    Theme,
)
from generator.errors import BuildError
from generator.interface_words import InterfaceWords
from generator.render.contrast import readable_on
from generator.render.pptx.frames import SUBTITLES, DeckGeometry, LayoutGeometry, deck_geometry
from generator.render.pptx.geometry import TITLES, Box, Frame, chart_shape, pt
from generator.render.pptx.style import (
    ATTRIBUTION_PT,
    BODY_FLOOR_PT,
    CAPTION_PT,
    CODE_MAX_PT,
    CODE_MIN_PT,
    COLUMN_GAP,
    CONTENT_SUBTITLE_HEIGHT,
    CONTENT_SUBTITLE_PT,
    CREDIT_PT,
    EMBEDDABLE_MEDIA,
    FOOTER_PT,
    GAP,
    INSET_Y_PT,
    LINE_HEIGHT,
    MIN_VISUAL_SHARE,
    MUTED,
    QUOTE_PT,
    SECTION_SUBTITLE_PT,
    SECTION_TITLE_PT,
    SUBTITLE_PT,
    TEXT_COLUMN_SHARE,
    TITLE_SLIDE_DETAIL_PT,
    TITLE_SLIDE_PT,
    inches,
)
from generator.render.pptx.tables import TablePlan, plan_table, stretched_rows
from generator.render.pptx.text import (
    BULLET_TEXT,
    PLAIN_TEXT,
    TITLE_TEXT,
    Fit,
    Inherited,
    Overflow,
    Para,
    estimated_height_pt,
    fit,
    lines_height_pt,
    size_at_step,
    steps_to_floor,
    text_height_pt,
    unstyled,
)
from generator.slide_blocks import kind_of_block
from generator.slide_layouts import is_picture, slide_columns

# --- what a plan holds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceholderText:
    """Paragraphs written into the slide's first placeholder of these kinds."""

    kinds: frozenset[str]
    paras: tuple[Para, ...]
    fit: Fit


@dataclass(frozen=True)
class TextBox:
    box: Box
    paras: tuple[Para, ...]
    fit: Fit
    name: str
    middle: bool = False
    dashed: bool = False  # outlined: what stands in for a picture that cannot be embedded


@dataclass(frozen=True)
class BulletList:
    """Bullets: in the layout's body placeholder (``in_body``, moved to ``box`` when not there), else a text box."""

    box: Box
    paras: tuple[Para, ...]
    fit: Fit
    in_body: bool
    mark: bool  # give each paragraph a bullet mark (a text box, or a layout that says nothing about marks)


@dataclass(frozen=True)
class Picture:
    """A figure (its picture, or its native chart) or an image file."""

    box: Box
    visual: Figure | Image


@dataclass(frozen=True)
class TableShape:
    table: Table
    plan: TablePlan
    left: int
    top: int


@dataclass(frozen=True)
class CodeShape:
    box: Box
    lines: tuple
    size_pt: float


@dataclass(frozen=True)
class EquationShape:
    equation: Equation
    box: Box
    name: str


@dataclass(frozen=True)
class FooterText:
    """The lecture's title or the slide number: into the layout's placeholder of that kind where it has one
    (``fit`` None), else a text box where the master keeps it."""

    kind: str  # "FOOTER" or "SLIDE_NUMBER"
    para: Para
    box: Box
    name: str
    fit: Fit | None = None


Shape = PlaceholderText | TextBox | BulletList | Picture | TableShape | CodeShape | EquationShape | Any


@dataclass(frozen=True)
class SlidePlan:
    layout: LayoutGeometry
    shapes: tuple[Shape, ...]  # in drawing order
    footer: tuple[FooterText, ...]  # drawn after the slide's empty placeholders are removed
    overflows: tuple[Overflow, ...]  # text that does not fit even at its floor size, in drawing order


# --- planning ---------------------------------------------------------------------------------------------


def plan_slide(deck: Deck, slide: Slide, number: int, geometry: DeckGeometry | None = None) -> SlidePlan:
    """The slide, as slide ``number`` of the deck: its layout, shapes and what does not fit."""
    geometry = geometry or deck_geometry(deck.theme)
    layout = geometry.choose(deck.theme, slide)
    planner = _Planner(layout, deck)
    if slide.layout == "title":
        planner.title_slide(slide, geometry.height)
    elif slide.layout == "section":
        planner.section_slide(slide)
    else:
        planner.content_slide(slide)
    footer = planner.footer(number) if slide.layout != "title" else ()
    return SlidePlan(layout, tuple(planner.shapes), footer, tuple(planner.overflows))


@dataclass
class _Planner:
    layout: LayoutGeometry
    deck: Deck
    shapes: list = field(default_factory=list)
    overflows: list[Overflow] = field(default_factory=list)
    body_taken: bool = False  # the first bullets go into the layout's text body; later ones into text boxes

    @property
    def theme(self) -> Theme:
        return self.deck.theme

    @property
    def frame(self) -> Frame:
        return self.layout.frame

    @property
    def muted(self) -> str:
        """The grey of secondary lines (details, captions, footers), or one that reads on a template layout's
        background (a navy cover gets a light grey: contrast.readable_on)."""
        look = self.layout.look
        return readable_on(MUTED, look.colour) if look is not None else MUTED

    # -- text --

    def _fitted(self, paras: Sequence[Para], box: Box, inherited: Inherited, what: str, title: bool = False) -> Fit:
        fitted = fit(paras, box, inherited, self.theme, title=title)
        if not fitted.fits:
            self.overflows.append(Overflow(what, fitted.smallest, box, self.theme))
        return fitted

    def placeholder_text(self, kinds: frozenset[str], paras: Sequence[Para], inherited: Inherited) -> None:
        placeholder = self.layout.first(kinds)
        if placeholder is None or not paras:
            return
        title = placeholder.kind in TITLES
        what = "title" if title else "subtitle" if placeholder.kind == "SUBTITLE" else placeholder.name.lower()
        fitted = self._fitted(paras, placeholder.box, inherited, what, title=title)
        self.shapes.append(PlaceholderText(kinds, tuple(paras), fitted))

    def text_box(self, box: Box, paras: Sequence[Para], name: str, middle: bool = False, dashed: bool = False) -> None:
        fitted = self._fitted(paras, box, PLAIN_TEXT, name.lower())
        self.shapes.append(TextBox(box, tuple(paras), fitted, name, middle, dashed))

    # -- slides --

    def title(self, slide: Slide) -> None:
        self.placeholder_text(TITLES, *_title_text(slide, self.deck.meta))

    def title_slide(self, slide: Slide, slide_height: int) -> None:
        meta, frame = self.deck.meta, self.frame
        self.title(slide)
        subtitle = self.layout.first(SUBTITLES)
        lines = _title_slide_lines(slide, meta, self.muted)
        if subtitle is None:
            below_title = frame.title.bottom if frame.title else slide_height // 3
            subtitle_box = Box(frame.content.left, below_title + GAP, frame.content.width, inches(2))
            if lines:
                self.text_box(subtitle_box, lines, "Subtitle")
        else:
            subtitle_box = subtitle.box
            self.placeholder_text(SUBTITLES, lines, PLAIN_TEXT)
        if meta.credit:
            # The source a lecture is based on, set apart from who gives it.
            top = subtitle_box.bottom + inches(0.1)
            box = Box(subtitle_box.left, top, subtitle_box.width, max(slide_height - inches(0.3) - top, inches(0.4)))
            # Aligned as the template's subtitle is (a centred cover centres it); the designed master's is left.
            align = {"ctr": "center", "r": "right"}.get(self.layout.look.subtitle_align) if self.layout.look else None
            credit = Para(unstyled(meta.credit), size_pt=CREDIT_PT, colour=self.muted, italic=True, align=align)
            self.text_box(box, [credit], "Credit")

    def section_slide(self, slide: Slide) -> None:
        self.title(slide)
        subtitle = [Para(slide.subtitle)] if slide.subtitle else []
        if self.layout.first(SUBTITLES) is not None:
            self.placeholder_text(SUBTITLES, subtitle, Inherited((SECTION_SUBTITLE_PT,)))
        elif subtitle:
            # A template's section layout may be a bare "Title Only": the subtitle goes under the title.
            box, _ = self.frame.content.split_top(CONTENT_SUBTITLE_HEIGHT, 0)
            self.text_box(box, [replace(subtitle[0], size_pt=SECTION_SUBTITLE_PT, colour=self.muted)], "Subtitle")

    def content_slide(self, slide: Slide) -> None:
        self.title(slide)
        region = self.frame.content
        if slide.subtitle and not slide.blocks:
            # A closing "Questions?" is the slide's message, not a line under its title.
            self.text_box(region, [Para(slide.subtitle, size_pt=QUOTE_PT, align="center")], "Subtitle", middle=True)
        elif slide.subtitle:
            subtitle_box, _ = region.split_top(CONTENT_SUBTITLE_HEIGHT, GAP // 2)
            self.text_box(subtitle_box, [Para(slide.subtitle, size_pt=CONTENT_SUBTITLE_PT, colour=self.muted)],
                          "Subtitle")
        columns = slide_columns(slide)
        for blocks, box in zip(columns, column_boxes(self.frame, bool(slide.subtitle), two_columns=len(columns) == 2)):
            self.stack(blocks, box)

    def footer(self, number: int) -> tuple[FooterText, ...]:
        """The lecture title and the slide number, in the layout's footer and number placeholders where it
        has them (so PowerPoint's Header & Footer dialog manages them), else in text boxes where the master
        keeps them."""
        parts = []
        for kind, text, box, name in (("FOOTER", self.deck.meta.title, self.frame.footer, "Footer"),
                                      ("SLIDE_NUMBER", str(number), self.frame.number, "Slide Number")):
            para = Para(unstyled(text))
            if self.layout.has({kind}):
                parts.append(FooterText(kind, para, box, name))
                continue
            styled = replace(para, size_pt=FOOTER_PT, colour=self.muted,
                             align="right" if kind == "SLIDE_NUMBER" else "left")
            parts.append(FooterText(kind, styled, box, name, self._fitted([styled], box, PLAIN_TEXT, name.lower())))
        return tuple(parts)

    # -- content regions --

    def stack(self, blocks: Sequence[Block], region: Box) -> None:
        """Blocks top to bottom; pictures that follow each other share a row."""
        items = _group_visuals(blocks)
        # Display math that follows text sits right under it, as in the HTML decks: the blocks down to such
        # an equation take the height they need, not a share of the spare room (which centred the equation
        # in the half of the slide below the bullets). An equation alone stays centred in its region.
        follows_text = max((i for i, item in enumerate(items) if i > 0 and isinstance(item, Equation)), default=-1)
        top = region.top
        for index, item in enumerate(items):
            rest = items[index:]
            available = region.bottom - top - GAP * (len(rest) - 1)
            naturals = _natural_heights(rest, region.width, available, self.theme)
            if index <= follows_text and None not in naturals and sum(naturals) <= available:
                height = naturals[0]
            else:
                height = _allocate_heights(naturals, available)[0]
            used = self._place(item, Box(region.left, top, region.width, height))
            top += used + GAP

    def _place(self, item, box: Box) -> int:
        """Plans the item in the box and says how much of the box's height it takes."""
        if isinstance(item, tuple):
            self._visual_row(item, box)
            return box.height
        planner = _PLANNERS.get(type(item)) or (_Planner._added if kind_of_block(item) is not None else None)
        if planner is None:
            raise _unknown(item)
        used = planner(self, item, box)
        return box.height if used is None else used

    def _bullets(self, bullets: Bullets, box: Box) -> None:
        paras = _bullet_paras(bullets)
        in_body = not self.body_taken and self.layout.body() is not None
        if in_body:
            self.body_taken = True
            mark = not self.layout.marks_bullets
        else:
            paras = [replace(para, size_pt=BULLET_TEXT.size(para.level)) for para in paras]
            mark = True
        fitted = self._fitted(paras, box, BULLET_TEXT, "bullets")
        self.shapes.append(BulletList(box, tuple(paras), fitted, in_body, mark))

    def _visual_row(self, visuals: Sequence[Figure | Image], box: Box) -> None:
        """Pictures side by side, bottoms aligned so the captions line up beneath them."""
        cells = box.columns([1] * len(visuals), COLUMN_GAP)
        captions = [
            Para(_caption_inline(visual, self.deck.meta.labels), size_pt=CAPTION_PT, align="center")
            for visual in visuals
        ]
        caption_height = max(
            min(pt(estimated_height_pt([caption], cell.width, PLAIN_TEXT, self.theme)), box.height // 3)
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
            self._picture(visual, Box(picture.left, baseline - picture.height, picture.width, picture.height))
            self.text_box(Box(cell.left, baseline, cell.width, caption_height), [caption], f"Caption {visual.number}")

    def _picture(self, visual: Figure | Image, box: Box) -> None:
        if isinstance(visual, Image) and visual.media_type not in EMBEDDABLE_MEDIA:
            # python-pptx cannot embed SVG; say so on the slide rather than drop the picture.
            message = f"[{visual.media_type} image not embedded: {visual.filename}] {visual.alt}"
            para = Para(unstyled(message), size_pt=CAPTION_PT, colour=self.muted, align="center")
            self.text_box(box, [para], f"Figure {visual.number}", middle=True, dashed=True)
            return
        self.shapes.append(Picture(box, visual))

    def _table(self, table: Table, box: Box) -> int:
        plan = plan_table(table, box.width, self.theme, box.height)
        if plan.total_height > box.height:
            self.overflows.append(Overflow("table", plan.size_pt, box, self.theme))
        else:
            plan = stretched_rows(plan, box.height)
        left = box.left + (box.width - plan.width) // 2
        self.shapes.append(TableShape(table, plan, left, box.top))
        if table.caption:
            caption_box = Box(left, box.top + plan.height, plan.width, plan.caption_height)
            self.text_box(caption_box, [Para(table.caption, size_pt=CAPTION_PT, align="center")], "Table Caption")
        return plan.total_height

    def _code(self, code: Code, box: Box) -> int:
        from generator.render.pptx.highlight import code_fits, code_font_pt, highlighted_lines

        lines = highlighted_lines(code)
        size = code_font_pt(lines, box)
        if not code_fits(lines, box):
            self.overflows.append(Overflow("code", CODE_MIN_PT, box, self.theme))
        height = min(box.height, pt(len(lines) * size * LINE_HEIGHT + 4 * INSET_Y_PT))
        self.shapes.append(CodeShape(Box(box.left, box.top, box.width, height), lines, size))
        return height

    def _equation(self, equation: Equation, box: Box) -> None:
        from generator.render.pptx.equations import EQUATION_PT, equation_scale

        # Each line of an equation is a picture of its own, named "Equation 2" or "Equation 2.1", "Equation 2.2".
        drawn = sum(len(shape.equation.lines) for shape in self.shapes if isinstance(shape, EquationShape))
        drawn += sum(1 for shape in self.shapes if isinstance(shape, TextBox) and shape.name.startswith("Equation"))
        self.shapes.append(EquationShape(equation, box, f"Equation {drawn + 1}"))
        if EQUATION_PT * equation_scale(equation, self.theme.font, box) < BODY_FLOOR_PT:
            self.overflows.append(Overflow("equation", BODY_FLOOR_PT, box, self.theme))

    def _quote(self, quote: Quote, box: Box) -> None:
        self.text_box(box, _quote_paras(quote, self.muted), "Quote", middle=True)

    def _added(self, item, box: Box) -> None:
        # A block kind registered from outside: its paragraphs in a text box, fitted like the other text.
        added = kind_of_block(item)
        self.text_box(box, list(added.paragraphs(item)), added.key.capitalize())


def column_boxes(frame: Frame, subtitle: bool, two_columns: bool) -> tuple[Box, ...]:
    """Where a content slide's columns go: the layout's two content placeholders, or its content region
    (below the subtitle, if any) split into text and picture columns; one column, the region."""
    region = frame.content
    if subtitle:
        _, region = region.split_top(CONTENT_SUBTITLE_HEIGHT, GAP // 2)
    if not two_columns:
        return (region,)
    if frame.columns and not subtitle:
        return frame.columns
    return tuple(region.columns((TEXT_COLUMN_SHARE, 1 - TEXT_COLUMN_SHARE), COLUMN_GAP))


def picture_region(theme: Theme, layout: str, *, two_columns: bool, subtitle: bool, pptx_layout: str = "") -> Box:
    """The box a figure is drawn for on a content slide of ``layout``: its column of the slide (the
    picture column beside text, else the whole content region), less the room a caption is given.
    The same geometry the slides are built with, read from the master or the user's template."""
    slide = Slide(kind="content", layout=layout, title=(), pptx_layout=pptx_layout)
    frame = deck_geometry(theme).choose(theme, slide).frame
    return picture_room(column_boxes(frame, subtitle, two_columns)[-1], theme)


def picture_background(theme: Theme, layout: str, pptx_layout: str = "") -> str:
    """The colour of the slide under a figure on a content slide of ``layout`` ("#RRGGBB"): its template
    layout's background; "" where that is white or not known (the designed master is white)."""
    slide = Slide(kind="content", layout=layout, title=(), pptx_layout=pptx_layout)
    look = deck_geometry(theme).choose(theme, slide).look
    colour = look.colour.upper() if look is not None and look.colour else ""
    return "" if colour in ("", "#FFFFFF") else colour


# Figures are drawn for their slide's picture region less room for a caption of this many lines
# (figure_boxes.py): a caption of one or two lines then leaves the picture at the size it was drawn.
PLANNED_CAPTION_LINES = 2


def picture_room(region: Box, theme: Theme) -> Box:
    """The part of a picture's region that the picture itself may fill, above its caption's planned room."""
    sample = Para((Run("Figure 1."),), size_pt=CAPTION_PT)
    caption = pt(lines_height_pt(sample, PLANNED_CAPTION_LINES, PLAIN_TEXT, theme))
    return Box(region.left, region.top, region.width, max(region.height - caption, 1))


def _title_text(slide: Slide, meta: Meta) -> tuple[list[Para], Inherited]:
    """The slide's title paragraph (none for an untitled slide) and the size its layout gives it."""
    if slide.layout == "title":
        title, inherited = slide.title or unstyled(meta.title), Inherited((TITLE_SLIDE_PT,))
    elif slide.layout == "section":
        title, inherited = slide.title, Inherited((SECTION_TITLE_PT,))
    else:
        title, inherited = slide.title, TITLE_TEXT
    return ([Para(title)] if title else []), inherited


def title_scale(deck: Deck, slide: Slide, geometry: DeckGeometry | None = None) -> float:
    """How much the slide's title is shrunk to fit its placeholder: its fitted size over the size its layout
    gives it (1.0: not shrunk). The same fitting rules as the slide's plan (2 pt steps down to the title
    floor), so the HTML decks can set a long title as much smaller as PowerPoint does, from this number
    rather than by measuring in the browser."""
    geometry = geometry or deck_geometry(deck.theme)
    planner = _Planner(geometry.choose(deck.theme, slide), deck)
    paras, inherited = _title_text(slide, deck.meta)
    planner.title(slide)
    fitted = next((shape.fit for shape in planner.shapes if isinstance(shape, PlaceholderText)), None)
    if fitted is None or not paras:
        return 1.0
    return min(fitted.sizes[0] / size_at_step(paras[0], inherited, 0), 1.0)


def _title_slide_lines(slide: Slide, meta: Meta, muted: str = MUTED) -> list[Para]:
    paras = []
    subtitle = slide.subtitle or unstyled(meta.subtitle)
    if subtitle:
        paras.append(Para(subtitle, size_pt=SUBTITLE_PT))
    details = [
        meta.author,
        meta.affiliation,
        " · ".join(part for part in (meta.series, meta.date) if part),
    ]
    paras.extend(Para(unstyled(line), size_pt=TITLE_SLIDE_DETAIL_PT, colour=muted) for line in details if line)
    return paras


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
    if type(item) in _NATURAL_HEIGHTS:  # the built-in blocks: frozen, their heights a function of them
        return _remembered_height(item, width, theme)
    return _measured_height(item, width, theme)


@functools.lru_cache(maxsize=1024)  # asked for each block below the one placed, and again when the slide is drawn
def _remembered_height(item, width: int, theme: Theme) -> int:
    return _measured_height(item, width, theme)


def _measured_height(item, width: int, theme: Theme) -> int:
    measure = _NATURAL_HEIGHTS.get(type(item)) or (_added_height if kind_of_block(item) is not None else None)
    if measure is None:
        raise _unknown(item)
    return measure(item, width, theme)


def _added_height(item, width: int, theme: Theme) -> int:
    return pt(estimated_height_pt(list(kind_of_block(item).paragraphs(item)), width, PLAIN_TEXT, theme))


def _unknown(item) -> BuildError:
    return BuildError(f"the PowerPoint renderer does not know the block type {type(item).__name__}")


def _code_height(code: Code, width: int, theme: Theme) -> int:
    from generator.render.pptx.highlight import source_lines

    return pt(len(source_lines(code.source)) * CODE_MAX_PT * LINE_HEIGHT + 4 * INSET_Y_PT)


def _equation_height(equation: Equation, width: int, theme: Theme) -> int:
    from generator.render.pptx.equations import equation_height

    return equation_height(equation, theme.font)


# Each text block type: how it is planned (a _Planner method, which returns the height it used, or None
# for all of its box) and the height it wants. Pictures (Figure, Image) are planned in rows.
_PLANNERS = {
    Bullets: _Planner._bullets,
    Table: _Planner._table,
    Code: _Planner._code,
    Equation: _Planner._equation,
    Quote: _Planner._quote,
}
_NATURAL_HEIGHTS = {
    Bullets: lambda item, width, theme: pt(estimated_height_pt(_bullet_paras(item), width, BULLET_TEXT, theme)),
    Table: lambda item, width, theme: plan_table(item, width, theme).total_height,
    Code: _code_height,
    Equation: _equation_height,
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


def _quote_paras(quote: Quote, muted: str = MUTED) -> list[Para]:
    paras = [Para(quote.text, size_pt=QUOTE_PT, italic=True, align="center")]
    if quote.attribution:
        attribution = (Run("— "), *quote.attribution)
        paras.append(Para(attribution, size_pt=ATTRIBUTION_PT, colour=muted, align="center"))
    return paras


def _caption_inline(visual: Figure | Image, labels: InterfaceWords) -> Inline:
    label = Run(labels.figure_label(visual.number), bold=True)
    return (label, Run(labels.caption_separator), *visual.caption) if visual.caption else (label,)


def _pixel_size(visual: Figure | Image, room_width: int, room_height: int) -> tuple[int, int]:
    if isinstance(visual, Figure) and visual.chart is not None:
        return chart_shape(room_width, room_height)
    if isinstance(visual, Figure):
        width, height = visual.asset.width_px, visual.asset.height_px
    else:
        width, height = visual.width_px, visual.height_px
    # A missing size must not divide by zero; a square box is the least wrong guess.
    return (width, height) if width > 0 and height > 0 else (1, 1)
