"""Native PowerPoint charts: a figure's numbers as an editable line or column chart.

The chart's data lives in a workbook embedded in the deck, so an instructor can
change a number in PowerPoint ("Edit Data") and the chart follows. Colours, line
styles and markers come from the ChartSpec, which takes them from the matplotlib
figure of the same data, so picture and chart look alike.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections import Counter
from collections.abc import Sequence

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Pt

from generator.deck import MARKER_ORDER, ChartSeries, ChartSpec, Theme
from generator.render.pptx.geometry import Box
from generator.render.pptx.master import rgb
from generator.render.pptx.oxml import (
    add_custom_error_bars,
    add_east_asian_typeface_where_latin,
    set_alt_text,
    set_log_scale,
    show_blanks_as_gaps,
)
from generator.render.pptx.style import EARLIEST_ZIP_TIME, EMU_PER_PT, LATIN_EM, LINE_HEIGHT

CHART_TEXT_PT = 14
CHART_TITLE_PT = 16
LEGEND_PT = 12
LEGEND_KEY_PT = 36  # the line-and-marker sample drawn before each legend entry, with its gaps
MAX_LEGEND_SHARE = 0.2  # of the chart's height, for a legend under the plot
ERROR_BAR_WIDTH_PT = 1
LINE_WIDTH_PT = 2.5  # the figures' 3pt lines, at the size the picture would be shown
MARKER_SIZE = 7  # points, as the figures' markers (style.py lines.markersize)
BAR_GAP_PERCENT = 80  # space between bars, as a share of a bar's width
GRIDLINE_COLOUR = "#D9D9D9"
AXIS_COLOUR = "#808080"
DASH_STYLES = {
    "solid": MSO_LINE_DASH_STYLE.SOLID,
    "dashed": MSO_LINE_DASH_STYLE.DASH,
    "dotted": MSO_LINE_DASH_STYLE.ROUND_DOT,
    "dashdot": MSO_LINE_DASH_STYLE.DASH_DOT,
}
MARKER_STYLES = {
    "circle": XL_MARKER_STYLE.CIRCLE,
    "square": XL_MARKER_STYLE.SQUARE,
    "triangle": XL_MARKER_STYLE.TRIANGLE,
    "diamond": XL_MARKER_STYLE.DIAMOND,
    "x": XL_MARKER_STYLE.X,
    "star": XL_MARKER_STYLE.STAR,
    "plus": XL_MARKER_STYLE.PLUS,
}


def series_marks(series: Sequence[ChartSeries]) -> list[tuple[str, str | None]]:
    """Each line series' line style and marker as drawn, told apart without colour.

    A series' marker is its own, else its colour's (each colour gets the next shape of MARKER_ORDER,
    as the figures' colours do), so a colour keeps one shape and line style tells the rest apart. A
    series the figure draws without markers keeps none unless another such series has its line style."""
    shapes: dict[str, str] = {}
    for line in series:
        if line.marker is None:
            shapes.setdefault(line.colour.upper(), MARKER_ORDER[len(shapes) % len(MARKER_ORDER)])
    unmarked = Counter(line.line_style for line in series if not line.markers)
    return [
        (line.line_style, (line.marker or shapes[line.colour.upper()])
         if line.markers or unmarked[line.line_style] > 1 else None)
        for line in series
    ]


def add_chart(slide, spec: ChartSpec, box: Box, theme: Theme, name: str, alt: str):
    """The chart as a graphic frame filling ``box``, named and described like a picture."""
    data = CategoryChartData()
    data.categories = spec.categories
    for series in spec.series:
        data.add_series(series.name, series.values)
    chart_type = XL_CHART_TYPE.LINE_MARKERS if spec.kind == "line" else XL_CHART_TYPE.COLUMN_CLUSTERED
    frame = slide.shapes.add_chart(chart_type, box.left, box.top, box.width, box.height, data)
    frame.name = name
    set_alt_text(frame, alt)
    chart = frame.chart
    _set_fonts(chart, theme)
    _set_title(chart, spec.title, theme)
    _set_axes(chart, spec, theme)
    plot = chart.plots[0]
    if spec.kind == "bar":
        _style_bars(plot, spec)
    else:
        for drawn, series, (_, marker) in zip(plot.series, spec.series, series_marks(spec.series)):
            _style_line(drawn, series, marker)
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = _legend_position(spec, box)
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(LEGEND_PT)
    if spec.value_label_format is not None:
        _label_values(plot, spec.value_label_format, spec.kind)
    show_blanks_as_gaps(chart)
    _make_workbook_reproducible(frame.chart_part.chart_workbook)
    return frame


def _legend_position(spec: ChartSpec, box: Box) -> XL_LEGEND_POSITION:
    """Under the plot while it takes little of the height, else beside it.

    A legend below costs height and one beside costs width; with many series (nine lines of a
    3 x 3 sweep) rows of entries below would squash the plot to a strip."""
    longest = max(len(series.name) for series in spec.series)
    entry_width_pt = longest * LATIN_EM * LEGEND_PT + LEGEND_KEY_PT
    per_row = max(1, int(box.width / EMU_PER_PT // entry_width_pt))
    rows = math.ceil(len(spec.series) / per_row)
    below_pt = rows * LEGEND_PT * LINE_HEIGHT
    return (
        XL_LEGEND_POSITION.BOTTOM
        if below_pt <= box.height / EMU_PER_PT * MAX_LEGEND_SHARE
        else XL_LEGEND_POSITION.RIGHT
    )


def _set_fonts(chart, theme: Theme) -> None:
    # Text set on the chart space is inherited by the axes, legend and titles.
    chart.font.size = Pt(CHART_TEXT_PT)
    chart.font.name = theme.font
    add_east_asian_typeface_where_latin(chart._chartSpace.txPr, theme.font_east_asian)


def _set_title(chart, title: str, theme: Theme) -> None:
    # Without autoTitleDeleted PowerPoint titles a one-series chart with the series' name.
    chart.has_title = bool(title)
    if title:
        _write_title(chart.chart_title.text_frame, title, CHART_TITLE_PT, theme)


def _write_title(text_frame, text: str, size_pt: float, theme: Theme) -> None:
    text_frame.text = text
    for paragraph in text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size_pt)
            run.font.bold = False
            run.font.name = theme.font
        add_east_asian_typeface_where_latin(paragraph._p, theme.font_east_asian)


def _set_axes(chart, spec: ChartSpec, theme: Theme) -> None:
    categories, values = chart.category_axis, chart.value_axis
    for axis, title in ((categories, spec.x_title), (values, spec.y_title)):
        axis.has_title = bool(title)
        if title:
            _write_title(axis.axis_title.text_frame, title, CHART_TEXT_PT, theme)
        axis.format.line.color.rgb = rgb(AXIS_COLOUR)
    # Labels under the plot even when values are below the axis's crossing (a log axis crosses at 1).
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    # Bars grow from zero, so a negative one points down; a line chart's, or a log axis's, category axis
    # lies along the bottom.
    linear_bars = spec.kind == "bar" and not spec.y_log
    values.crosses = XL_AXIS_CROSSES.AUTOMATIC if linear_bars else XL_AXIS_CROSSES.MINIMUM  # automatic: at zero
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = rgb(GRIDLINE_COLOUR)
    values.tick_labels.number_format = spec.axis_number_format
    values.tick_labels.number_format_is_linked = False
    if spec.y_log:
        set_log_scale(values)
    if spec.y_min is not None:
        values.minimum_scale = spec.y_min
    if spec.y_max is not None:
        values.maximum_scale = spec.y_max


def _style_line(drawn, series: ChartSeries, shape: str | None) -> None:
    drawn.smooth = False
    line = drawn.format.line
    line.color.rgb = rgb(series.colour)
    line.width = Pt(LINE_WIDTH_PT)
    line.dash_style = DASH_STYLES[series.line_style]
    if series.low or series.high:
        _add_range_bars(drawn, series)
    marker = drawn.marker
    if shape is None:
        marker.style = XL_MARKER_STYLE.NONE
        return
    marker.style = MARKER_STYLES[shape]
    marker.size = MARKER_SIZE
    marker.format.fill.solid()
    marker.format.fill.fore_color.rgb = rgb(series.colour)
    marker.format.line.color.rgb = rgb(series.colour)


def _add_range_bars(drawn, series: ChartSeries) -> None:
    """The spread around each point as custom error bars, in the series' colour unless it names another.

    They are stored as distances from the value, so a value edited in the workbook keeps its spread."""
    plus = [None if v is None or h is None else h - v for v, h in zip(series.values, series.high or series.values)]
    minus = [None if v is None or lo is None else v - lo for v, lo in zip(series.values, series.low or series.values)]
    add_custom_error_bars(drawn, plus, minus, series.range_colour or series.colour, ERROR_BAR_WIDTH_PT)


def _style_bars(plot, spec: ChartSpec) -> None:
    plot.gap_width = BAR_GAP_PERCENT
    plot.vary_by_categories = False
    for drawn, series in zip(plot.series, spec.series):
        drawn.format.fill.solid()
        drawn.format.fill.fore_color.rgb = rgb(series.colour)
        for index, colour in enumerate(series.point_colours):
            point = drawn.points[index]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = rgb(colour)
        if series.low or series.high:
            _add_range_bars(drawn, series)


def _label_values(plot, number_format: str, kind: str) -> None:
    # The number on each point, as the figure writes it; it follows an edited number.
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END if kind == "bar" else XL_LABEL_POSITION.ABOVE
    labels.show_value = True


_W3CDTF = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _make_workbook_reproducible(workbook) -> None:
    """XlsxWriter stamps the embedded workbook with the time it was written; fix that stamp.

    The zip entries are rewritten with the same fixed time as the deck's own earliest stamp,
    and the document properties' created/modified dates with that time too."""
    stamp = EARLIEST_ZIP_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook.xlsx_part.blob)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = _W3CDTF.sub(stamp, content)
            fixed = zipfile.ZipInfo(entry.filename, EARLIEST_ZIP_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    workbook.update_from_xlsx_blob(out.getvalue())
