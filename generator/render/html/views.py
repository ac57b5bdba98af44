"""The view values handed to the templates.

Every decision about what goes where is made in Python, as these small
values (:class:`SlideView`, the block views). Text reaches the templates either
as plain ``str`` (autoescaped by Jinja) or as :class:`~markupsafe.Markup` built
by functions in this package that escape every piece of content they embed. The
templates under ``templates/html/`` only place those values.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class PageView:
    """What base.html.j2 needs for any page (slides now, the report later)."""

    language: str
    direction: str  # "rtl" for a right-to-left language, else "ltr"
    title: str
    description: str
    author: str
    csp: str
    styles: tuple[Markup, ...]
    scripts: tuple[Markup, ...]


@dataclass(frozen=True)
class StageView:
    width: int
    height: int
    aspect: str


@dataclass(frozen=True)
class BulletView:
    text: Markup
    children: tuple[BulletView, ...]


@dataclass(frozen=True)
class BulletsView:
    items: tuple[BulletView, ...]
    kind: str = "bullets"


@dataclass(frozen=True)
class FigureView:
    """A drawn figure (inline SVG) or a picture file (data: URI), numbered."""

    number: int
    label: str  # "Figure 3.", "图 3": the label in the lecture's language
    separator: str  # between the label and a caption: a space, or an ideographic space in Chinese and Japanese
    caption: Markup
    alt: str
    svg: Markup | None  # set for drawn figures
    src: str | None  # data: URI, set for pictures
    width_px: int
    height_px: int
    aspect: str  # width / height, for CSS that sizes the picture and keeps its caption close
    kind: str = "figure"


@dataclass(frozen=True)
class TableView:
    header: tuple[Markup, ...]
    rows: tuple[tuple[Markup, ...], ...]
    numeric: tuple[bool, ...]  # per column: right-align, tabular figures
    caption: Markup
    kind: str = "table"
    # On a slide: the height PowerPoint's plan draws the table at, rows stretched to use the slide (0: its own).
    planned_height_px: int = 0


@dataclass(frozen=True)
class CodeView:
    html: Markup  # Pygments' <div class="highlight"><pre>...</pre></div>
    language: str
    kind: str = "code"


@dataclass(frozen=True)
class QuoteView:
    text: Markup
    attribution: Markup
    kind: str = "quote"


@dataclass(frozen=True)
class AddedBlockView:
    """A block of a kind registered from outside (generator/slide_blocks.py): its own markup."""

    html: Markup
    key: str
    kind: str = "added"


@dataclass(frozen=True)
class EquationView:
    lines: tuple[Markup, ...]  # one <math display="block"> each
    kind: str = "equation"


BlockView = BulletsView | FigureView | TableView | CodeView | QuoteView | EquationView | AddedBlockView


@dataclass(frozen=True)
class SlideView:
    number: int  # 1-based position; the element id and the URL hash use it
    kind: str
    layout: str
    title: Markup
    title_text: str  # for aria-label and the like
    subtitle: Markup
    section: str
    columns: tuple[tuple[BlockView, ...], ...]  # one column, or two for figure_bullets
    notes: tuple[Markup, ...]
    # The title's size as a share of its layout's, shrunk as PowerPoint's plan shrinks it (a long title
    # gets smaller type rather than more lines); 1.0 unless it had to shrink.
    title_scale: float = 1.0

    @property
    def title_style(self) -> str:
        """The heading's style attribute value: the scale as the --title-fit the stylesheets read, or ""."""
        return f"--title-fit: {self.title_scale:.3f}" if self.title_scale < 1 else ""
