"""The Deck: the one renderer-neutral representation of a lecture.

Both renderers (PowerPoint and HTML) consume a Deck and nothing else. Every
decision the two outputs share -- which layout a slide uses, how figures are
numbered, what the evaluated text of a bullet is -- is made here, once, by
:func:`generator.resolve.resolve_deck`. The types are frozen so a renderer
cannot change what the other one sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from generator.errors import Location
from generator.interface_words import ENGLISH, InterfaceWords


@dataclass(frozen=True)
class Run:
    """A stretch of inline text with one style.

    Exactly one of the flags ``code`` / ``math`` may be set; ``math`` runs hold
    TeX source (without the dollar signs) for the renderer to typeset.
    """

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    math: bool = False
    href: str | None = None


Inline = tuple[Run, ...]


def plain_text(inline: Inline) -> str:
    """The text of an inline sequence without styling (titles in outlines, alt text)."""
    return "".join(run.text for run in inline)


@dataclass(frozen=True)
class Bullet:
    text: Inline
    children: tuple[Bullet, ...] = ()


@dataclass(frozen=True)
class Bullets:
    items: tuple[Bullet, ...]


@dataclass(frozen=True)
class FigureBox:
    """The box a figure fills, by physical size: a figure is drawn at this size, so its text in
    points is its size at slide scale (generator/figure_boxes.py computes the boxes)."""

    name: str  # what the box is: "full" (a figure slide), "beside" (next to bullets), "report"
    width_in: float
    height_in: float
    # The slide's colour under the box where it is not white (a template's coloured layout, "#RRGGBB"): the
    # figure is then drawn without a white box of its own, if its marks and text still read on it.
    background: str = ""


@dataclass(frozen=True)
class FigureAsset:
    """A drawn figure: the same picture as PNG (PowerPoint) and SVG (HTML), drawn for one box."""

    name: str  # "<demo>.<figure>", e.g. "act.derivatives"
    png: bytes
    svg: str
    width_px: int
    height_px: int
    alt: str
    # The language of the figure's own words (axis titles, legends) and of its alt text: lecturegen
    # writes them in English whatever the lecture's language, and the HTML says so for screen readers.
    language: str = "en"
    box: FigureBox | None = None  # the box it was drawn for; None: drawn at the default size
    # The same figure drawn for the other boxes it is shown in (the build draws one per box).
    others: tuple[FigureAsset, ...] = ()

    @property
    def file_stem(self) -> str:
        return self.name.replace(".", "-")

    def for_box(self, box: FigureBox | None) -> FigureAsset:
        """The drawing made for ``box``; this one when there is none for it (a figure drawn once)."""
        for drawing in (self, *self.others):
            if drawing.box == box:
                return replace(drawing, others=())
        return replace(self, others=())


LineStyle = Literal["solid", "dashed", "dotted", "dashdot"]
MarkerShape = Literal["circle", "square", "triangle", "diamond", "x", "star", "plus"]
# The order in which a chart gives series of different colours their markers when they name none:
# the figures' own order (generator/figures/style.MARKERS), so a chart's marks match its figure's.
MARKER_ORDER: tuple[MarkerShape, ...] = ("circle", "square", "triangle", "diamond", "x", "star", "plus")


@dataclass(frozen=True)
class ChartSeries:
    """One line (or one set of bars) of a chart, drawn in the same colour as in the figure."""

    name: str
    values: tuple[float | None, ...]  # one per category; None where there is no number (a diverged run)
    colour: str  # "#RRGGBB"
    line_style: LineStyle = "solid"
    # Whether the figure marks each point. A chart still draws markers on a series whose line style
    # alone would not tell it from another one: series are never told apart by colour alone.
    markers: bool = True
    marker: MarkerShape | None = None  # None: one shape per colour, in MARKER_ORDER
    point_colours: tuple[str, ...] = ()  # bars coloured one by one, as the figure colours them
    # A spread around each value (the range over seeds), drawn as error bars; empty for none.
    low: tuple[float | None, ...] = ()
    high: tuple[float | None, ...] = ()
    range_colour: str = ""  # "#RRGGBB" of those error bars where not the series' own (across a coloured bar)


@dataclass(frozen=True)
class ChartSpec:
    """The data and look of a line or bar figure, for renderers that can draw an editable chart."""

    kind: Literal["line", "bar"]
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    title: str = ""
    x_title: str = ""
    y_title: str = ""
    y_log: bool = False
    y_min: float | None = None
    y_max: float | None = None
    axis_number_format: str = "General"  # Excel number format of the value axis's labels
    value_label_format: str | None = None  # when set, each point is labelled with its value in this format


@dataclass(frozen=True)
class Figure:
    asset: FigureAsset
    number: int  # figure numbers run through the whole lecture: "Figure 3"
    caption: Inline
    chart: ChartSpec | None = None  # set when the slide asks for `chart: native`
    # The same figure drawn for the report's column; None: the report shows ``asset``.
    report_asset: FigureAsset | None = None


@dataclass(frozen=True)
class Image:
    """A picture file named by the content (not drawn by a demo)."""

    data: bytes
    filename: str  # file name only; the renderer decides where it goes
    media_type: str  # "image/png", "image/jpeg", "image/svg+xml", ...
    width_px: int
    height_px: int
    alt: str
    number: int
    caption: Inline


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    caption: Inline = ()


@dataclass(frozen=True)
class Code:
    source: str
    language: str | None


@dataclass(frozen=True)
class Quote:
    text: Inline
    attribution: Inline = ()


@dataclass(frozen=True)
class Equation:
    """Display math, one line per TeX source (without dollar signs), checked by mathtext at load."""

    lines: tuple[str, ...]


Block = Bullets | Figure | Image | Table | Code | Quote | Equation

SlideKind = Literal["title", "section", "content", "closing"]

# A layout's name: one of generator/slide_layouts.py's LAYOUTS, which says what each is for.
# Content slides get one from the blocks they hold unless the content file asks for one.
Layout = str


@dataclass(frozen=True)
class Slide:
    kind: SlideKind
    layout: Layout
    title: Inline
    blocks: tuple[Block, ...] = ()
    subtitle: Inline = ()
    notes: tuple[Inline, ...] = ()  # paragraphs of speaker notes
    section: str = ""  # title of the section this slide belongs to
    source: Location | None = None  # where in the content file the slide is written
    source_path: str = ""  # the slide's node in the content file, e.g. "sections[2].slides[3]"
    number: int = 0  # 1-based position in the deck
    pptx_layout: str = ""  # a PowerPoint layout named by the content; "" to use the layout kind's


@dataclass(frozen=True)
class Theme:
    accent: str  # "#RRGGBB"
    font: str
    font_east_asian: str
    font_code: str
    aspect: Literal["16:9", "4:3"]
    pptx_template: bytes = b""  # the user's .pptx/.potx; empty for the designed master
    pptx_layouts: tuple[tuple[str, str], ...] = ()  # (layout kind, the template's layout name)
    # Where each theme key's value came from ("font" -> its line, or the template's line when the
    # template chose it), so a renderer's warning about it can point there.
    origins: tuple[tuple[str, Location], ...] = ()

    def origin(self, key: str, fallback: Location) -> Location:
        return dict(self.origins).get(key, fallback)


@dataclass(frozen=True)
class Meta:
    title: str
    subtitle: str
    author: str
    affiliation: str
    date: str  # ISO date string, "" when the content gives none
    series: str
    credit: str  # the source the lecture is based on
    language: str
    slug: str
    # The words the renderers add (figure labels, "(cont.)", the presenter view), in the lecture's language.
    labels: InterfaceWords = ENGLISH


@dataclass(frozen=True)
class DemoRun:
    """Where one demo's numbers came from, for the report's provenance appendix."""

    name: str  # instance name in the content, e.g. "sweep"
    kind: str
    device: str  # the device that computed the result ("cpu", "cuda", ...)
    device_name: str
    seed: int
    wall_s: float  # how long the computation took when it ran
    from_cache: bool  # this build fetched it instead of running it
    params: tuple[tuple[str, str], ...]  # (name, value as text), in the parameter model's order
    versions: tuple[tuple[str, str], ...]  # (package, version) of the run


@dataclass(frozen=True)
class Deck:
    meta: Meta
    theme: Theme
    slides: tuple[Slide, ...]
    figures: tuple[FigureAsset, ...] = field(default=())  # every drawn figure, in first-use order
    demo_runs: tuple[DemoRun, ...] = field(default=())  # provenance, in the content's demo order
    profile: str = "default"
    # True once overfull slides have been split into "(cont.)" slides (render/pptx/paginate.py):
    # every output then shows these same slides, and no renderer splits again.
    paginated: bool = False
