"""Native PowerPoint charts (`chart: native`): the demo's numbers, editable, in the figure's colours.

The decks are rendered from real (small) demo runs, reopened with python-pptx,
unzipped to read the embedded workbooks, and converted by LibreOffice.
"""

from __future__ import annotations

import io
import re
import subprocess
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Pt

from generator.build import BuildOptions, build
from generator.deck import ChartSeries, ChartSpec, Deck, Figure, Meta, Run, Slide, Theme, plain_text
from generator.demos.registry import demo_kinds, get_kind
from generator.figures.chart_data import hex_colour, marker_shape
from generator.figures.drawing import chart_for, draw_figure
from generator.figures.exploding_gradients import scale_colours
from generator.figures.style import ACTIVATION_COLOURS, ACTIVATION_MARKERS, MODEL_COLOURS, NEUTRAL
from generator.render.contrast import NON_TEXT_CONTRAST, WHITE, contrast_ratio, hex_to_rgb
from generator.render.pptx import render_pptx
from generator.render.pptx.charts import MARKER_STYLES, add_chart, series_marks
from generator.render.pptx.geometry import Box
from tests.office import pptx_to_pdf
from tests.smoke import charted_figures, smoke_results

SPREADSHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


# Every chartable figure of every registered kind, by (kind name, figure name), in the deck's slide order.
CHARTS = [(kind.name, figure.name) for kind, figure in charted_figures()]
KINDS = demo_kinds()


@pytest.fixture(scope="module")
def results():
    return smoke_results()


def chart_deck(results, date: str = "2024-05-01") -> Deck:
    """One slide per chartable figure, each shown as a native chart."""
    slides = []
    for number, (kind, figure) in enumerate(CHARTS, start=1):
        asset = draw_figure(KINDS[kind], figure, kind, results[kind])
        block = Figure(asset, number, (Run(f"{kind}.{figure}"),), chart_for(KINDS[kind], figure, results[kind]))
        slides.append(Slide("content", "figure", (Run(f"{kind} {figure}"),), (block,), number=number))
    meta = Meta("Charts", "", "Ada Lovelace", "", date, "", "", "en", "charts")
    theme = Theme("#0072B2", "DejaVu Sans", "Noto Sans CJK SC", "DejaVu Sans Mono", "16:9")
    return Deck(meta, theme, tuple(slides))


@pytest.fixture(scope="module")
def deck(results) -> Deck:
    return chart_deck(results)


@pytest.fixture(scope="module")
def pptx_bytes(deck) -> bytes:
    return render_pptx(deck)


@pytest.fixture(scope="module")
def prs(pptx_bytes):
    return Presentation(io.BytesIO(pptx_bytes))


def frame_of(prs, kind: str, figure: str):
    index = list(CHARTS).index((kind, figure))
    frames = [shape for shape in prs.slides[index].shapes if shape.has_chart]
    assert len(frames) == 1
    return frames[0]


def series_by_name(chart) -> dict:
    return {series.name: series for series in chart.plots[0].series}


def values_with_gaps(values) -> list:
    return [None if not np.isfinite(value) else pytest.approx(float(value), rel=1e-12) for value in values]


def geometric_mean_over_seeds(norms: np.ndarray) -> np.ndarray:
    return np.exp(np.log(norms).mean(axis=0))


def hex_of(colour_format) -> str:
    return f"#{colour_format.rgb}"


def is_line_chart(chart) -> bool:
    # python-pptx names a line chart LINE, not LINE_MARKERS, as soon as one series has no markers.
    return chart.chart_type in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS) and chart.plots[0]._element.tag == qn(
        "c:lineChart"
    )


def range_bars(series) -> tuple[list[float], list[float]] | None:
    """The (plus, minus) distances of a series' custom error bars, or None when it has none."""
    bars = series._element.find(qn("c:errBars"))
    if bars is None:
        return None
    assert bars.find(qn("c:errValType")).get("val") == "cust"
    return tuple([float(value.text) for value in bars.find(qn(side)).iter(qn("c:v"))] for side in ("c:plus", "c:minus"))


def log_base(chart) -> str | None:
    found = chart.value_axis._element.find(f"{qn('c:scaling')}/{qn('c:logBase')}")
    return None if found is None else found.get("val")


# --- the chart in the deck ------------------------------------------------------------------


def test_every_charted_figure_is_one_its_demo_kind_draws():
    assert CHARTS, "no registered kind declares a native chart"
    for kind, figure in CHARTS:
        assert figure in get_kind(kind).figure_names


def test_chart_replaces_the_picture_and_keeps_the_figure_name_and_alt_text(deck, prs):
    for slide, deck_slide in zip(prs.slides, deck.slides):
        figure = deck_slide.blocks[0]
        assert not [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        (frame,) = [shape for shape in slide.shapes if shape.has_chart]
        assert frame.name == f"Figure {figure.number}"
        assert frame._element.nvGraphicFramePr.cNvPr.get("descr") == figure.asset.alt
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        assert f"Figure {figure.number}. {plain_text(figure.caption)}" in texts


def test_accuracy_vs_depth_is_a_line_chart_of_mean_accuracy_in_the_activation_colours(results, prs):
    chart = frame_of(prs, "depth_sweep", "accuracy_vs_depth").chart
    assert is_line_chart(chart)
    assert list(chart.plots[0].categories) == ["1", "2", "6"]
    series = series_by_name(chart)
    assert list(series) == ["sigmoid (default init)", "sigmoid (Xavier)", "sigmoid (He)",
                            "ReLU (default init)", "ReLU (Xavier)", "ReLU (He)", "chance"]
    accuracy = results["depth_sweep"].arrays["test_acc"]  # (activation, init, depth, seed)
    for a, activation in enumerate(("sigmoid", "ReLU")):
        for i, init in enumerate(("default init", "Xavier", "He")):
            drawn = series[f"{activation} ({init})"]
            assert list(drawn.values) == values_with_gaps(accuracy[a, i].mean(axis=1) * 100)
    assert list(series["chance"].values) == [10.0, 10.0, 10.0]
    # The range over seeds, as in the figure's band: error bars reaching the lowest and highest seed.
    relu_he = accuracy[1, 2] * 100
    plus, minus = range_bars(series["ReLU (He)"])
    np.testing.assert_allclose(plus, relu_he.max(axis=1) - relu_he.mean(axis=1), atol=1e-9)
    np.testing.assert_allclose(minus, relu_he.mean(axis=1) - relu_he.min(axis=1), atol=1e-9)
    assert range_bars(series["chance"]) is None
    assert hex_of(series["ReLU (He)"].format.line.color) == ACTIVATION_COLOURS["relu"]
    assert hex_of(series["sigmoid (default init)"].format.line.color) == ACTIVATION_COLOURS["sigmoid"]
    assert series["ReLU (He)"].format.line.dash_style == MSO_LINE_DASH_STYLE.ROUND_DOT  # ':' in the figure
    assert series["ReLU (default init)"].format.line.dash_style == MSO_LINE_DASH_STYLE.SOLID
    # Each activation keeps its figure's marker, line style tells the initialisation; the chance line's own
    # dash needs no marker.
    assert series["sigmoid (He)"].marker.style == MARKER_STYLES[marker_shape(ACTIVATION_MARKERS["sigmoid"])]
    assert series["ReLU (He)"].marker.style == MARKER_STYLES[marker_shape(ACTIVATION_MARKERS["relu"])]
    assert series["chance"].marker.style == XL_MARKER_STYLE.NONE
    assert hex_of(series["chance"].format.line.color) == NEUTRAL
    assert series["chance"].format.line.dash_style == MSO_LINE_DASH_STYLE.DASH
    assert log_base(chart) is None
    assert (chart.value_axis.minimum_scale, chart.value_axis.maximum_scale) == (0.0, 100.0)
    assert chart.value_axis.axis_title.text_frame.text == "test accuracy (%)"
    assert chart.category_axis.axis_title.text_frame.text == "hidden layers"
    assert chart.has_legend


def test_gradient_norms_per_layer_are_on_a_log_axis(results, prs):
    chart = frame_of(prs, "depth_sweep", "gradient_norms").chart
    assert is_line_chart(chart)
    assert log_base(chart) == "10"
    assert list(chart.plots[0].categories) == [str(layer) for layer in range(1, 8)]  # 6 hidden layers + output
    norms = results["depth_sweep"].arrays["grad_norms"]  # (activation, init, depth, seed, epoch, layer)
    drawn = series_by_name(chart)["sigmoid (He)"]
    assert list(drawn.values) == values_with_gaps(geometric_mean_over_seeds(norms[0, 2, 2, :, 0, :7]))
    assert chart.chart_title.text_frame.text == "6 hidden layers, at initialisation"


def test_loss_curves_are_on_a_log_axis_with_markers_where_line_styles_repeat(results, prs):
    chart = frame_of(prs, "depth_sweep", "loss_curves").chart
    assert log_base(chart) == "10"
    loss = results["depth_sweep"].arrays["loss_curve"]  # (activation, init, depth, seed, epoch)
    drawn = series_by_name(chart)["ReLU (default init)"]
    assert list(drawn.values) == values_with_gaps(loss[1, 0, 2].mean(axis=0))
    # Two activations share each initialisation's line style: colour alone would tell them apart, so each
    # activation has its marker.
    assert drawn.marker.style == MARKER_STYLES[marker_shape(ACTIVATION_MARKERS["relu"])]
    assert series_by_name(chart)["sigmoid (default init)"].marker.style == MARKER_STYLES[
        marker_shape(ACTIVATION_MARKERS["sigmoid"])]
    assert hex_of(drawn.format.line.color) == ACTIVATION_COLOURS["relu"]


def test_exploding_gradient_norms_per_scale_use_the_figure_colours_on_a_log_axis(results, prs):
    chart = frame_of(prs, "exploding_gradients", "gradient_norms").chart
    assert log_base(chart) == "10"
    result = results["exploding_gradients"]
    expected_colours = [hex_colour(colour).lstrip("#") for colour in scale_colours(result.arrays["scales"])]
    drawn = chart.plots[0].series
    assert [series.name for series in drawn] == [
        "0.5\u00d7 the stable scale",
        "1\u00d7 the stable scale",
        "3\u00d7 the stable scale",
    ]
    assert [str(series.format.line.color.rgb) for series in drawn] == expected_colours
    for k, series in enumerate(drawn):
        assert list(series.values) == values_with_gaps(geometric_mean_over_seeds(result.arrays["grad_norms"][k]))


def test_a_diverged_run_leaves_a_gap_and_says_so_in_the_legend(results, prs):
    chart = frame_of(prs, "exploding_gradients", "loss_curves").chart
    result = results["exploding_gradients"]
    diverged = int(result.arrays["diverged_epoch"][2].max())
    assert diverged >= 0, "the 3x run was expected to diverge"
    names = [series.name for series in chart.plots[0].series]
    assert names[2] == f"3\u00d7 the stable scale, diverged in epoch {diverged}"
    values = list(chart.plots[0].series[2].values)
    assert None in values and 0.0 not in values
    assert chart._chartSpace.find(f"{qn('c:chart')}/{qn('c:dispBlanksAs')}").get("val") == "gap"


def test_cnn_vs_dense_is_a_column_chart_of_test_error_with_one_colour_per_model(results, prs):
    chart = frame_of(prs, "cnn_digits", "cnn_vs_dense").chart
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    values = results["cnn_digits"].values
    (errors,) = chart.plots[0].series
    assert list(errors.values) == [
        pytest.approx((1 - values["cnn_test_acc"]) * 100, rel=1e-12),
        pytest.approx((1 - values["dense_test_acc"]) * 100, rel=1e-12),
    ]
    assert list(chart.plots[0].categories) == [
        f"CNN ({values['cnn_params']:,} parameters)",
        f"dense network ({values['dense_params']:,} parameters)",
    ]
    assert [str(errors.points[i].format.fill.fore_color.rgb) for i in range(2)] == [
        MODEL_COLOURS["cnn"].lstrip("#"),
        MODEL_COLOURS["dense"].lstrip("#"),
    ]
    assert chart.plots[0].has_data_labels
    assert chart.plots[0].data_labels.number_format == '0.0"% wrong"'
    assert log_base(chart) is None
    assert not chart.has_legend


def test_chart_text_uses_the_theme_fonts(prs):
    chart = frame_of(prs, "depth_sweep", "accuracy_vs_depth").chart
    assert chart.font.name == "DejaVu Sans"
    defaults = chart._chartSpace.txPr.find(f".//{qn('a:defRPr')}")
    assert defaults.find(qn("a:ea")).get("typeface") == "Noto Sans CJK SC"


# --- readable from the back row: read from the chart XML ---------------------------------------

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"

# Charts that fail because of code in their figure module, with what to change there; strict, so the
# mark comes off once they pass.
CHART_KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _chart_cases():
    return [pytest.param(kind, figure, id=f"{kind}.{figure}",
                         marks=[pytest.mark.xfail(strict=True, reason=CHART_KNOWN_FAILURES[(kind, figure)])]
                         if (kind, figure) in CHART_KNOWN_FAILURES else [])
            for kind, figure in CHARTS]


def chart_legibility_problems(chart_space) -> list[str]:
    """Text under 12 pt, series colours under 3:1 on the white slide, and line series that share their
    dash and marker, from a chart's XML (a chart sits on the slide at slide scale)."""
    problems = []
    sizes = [int(element.get("sz")) for element in chart_space.iter(f"{A}defRPr", f"{A}rPr") if element.get("sz")]
    assert sizes, "the chart sets no text size"
    problems += [f"text at {size / 100:g} pt" for size in sizes if size < 1200]
    for series in chart_space.iter(f"{C}ser"):
        name = "".join(series.find(f"{C}tx").itertext()) if series.find(f"{C}tx") is not None else "?"
        fills = [colour.get("val") for part in (f"{C}spPr", f"{C}marker/{C}spPr", f"{C}dPt/{C}spPr")
                 for shape in series.findall(part) for colour in shape.iter(f"{A}srgbClr")]
        assert fills, f"series {name!r} has no colour of its own"
        for colour in fills:
            ratio = contrast_ratio(hex_to_rgb(colour), WHITE)
            if ratio < NON_TEXT_CONTRAST:
                problems.append(f"series {name!r}: #{colour} is {ratio:.2f}:1 on white")
    for line_chart in chart_space.iter(f"{C}lineChart"):
        seen = {}
        for series in line_chart.iter(f"{C}ser"):
            name = "".join(series.find(f"{C}tx").itertext())
            dash = series.find(f"{C}spPr/{A}ln/{A}prstDash")
            symbol = series.find(f"{C}marker/{C}symbol")
            style = (dash.get("val") if dash is not None else "solid", symbol.get("val") if symbol is not None else None)
            if style in seen:
                problems.append(f"series {name!r} and {seen[style]!r} share dash and marker {style}")
            seen.setdefault(style, name)
    return problems


@pytest.mark.parametrize(("kind", "figure"), _chart_cases())
def test_every_native_chart_reads_from_the_back_row(prs, kind, figure):
    chart_space = frame_of(prs, kind, figure).chart._chartSpace
    assert chart_legibility_problems(chart_space) == []


def test_the_chart_checks_fail_small_text_faint_colours_and_series_told_apart_by_colour_alone():
    spec = ChartSpec("line", ("1", "2"), (
        ChartSeries("a", (1.0, 2.0), "#E69F00", marker="circle"),  # Okabe-Ito orange: 2.2:1
        ChartSeries("b", (2.0, 1.0), "#0072B2", marker="circle"),  # the same dash and marker
    ))
    deck = Deck(Meta("Charts", "", "", "", "", "", "", "en", "charts"),
                Theme("#0072B2", "DejaVu Sans", "Noto Sans CJK SC", "DejaVu Sans Mono", "16:9"),
                (Slide("content", "figure", (Run("t"),)),))
    prs_one = Presentation(io.BytesIO(render_pptx(deck)))
    frame = add_chart(prs_one.slides[0], spec, Box(0, 0, 5000000, 3000000), deck.theme, "Figure 1", "alt")
    frame.chart.legend.font.size = Pt(10)
    problems = chart_legibility_problems(frame.chart._chartSpace)
    assert any("text at 10 pt" in problem for problem in problems)
    assert any("#E69F00" in problem for problem in problems)
    assert any("share dash and marker" in problem for problem in problems)


def test_series_without_markers_get_them_only_where_their_line_style_repeats():
    series = [ChartSeries("a", (), "#0072B2", markers=False), ChartSeries("b", (), "#D55E00", markers=False),
              ChartSeries("c", (), "#555555", "dashed", markers=False), ChartSeries("d", (), "#0072B2", "dotted")]
    assert series_marks(series) == [("solid", "circle"), ("solid", "square"), ("dashed", None), ("dotted", "circle")]


# --- editable: the numbers live in the embedded workbook -------------------------------------


def workbook_columns(xlsx: bytes) -> list[list]:
    """The first sheet's cells, column by column (numbers as floats, text as text)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        strings = (
            [
                "".join(item.itertext())
                for item in etree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{SPREADSHEET}si")
            ]
            if "xl/sharedStrings.xml" in book.namelist()
            else []
        )
        sheet = etree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    columns: dict[str, dict[int, object]] = {}
    for cell in sheet.iter(f"{SPREADSHEET}c"):
        letter, row = re.fullmatch(r"([A-Z]+)(\d+)", cell.get("r")).groups()
        value = cell.find(f"{SPREADSHEET}v")
        if value is None:
            continue
        columns.setdefault(letter, {})[int(row)] = (
            strings[int(value.text)] if cell.get("t") == "s" else float(value.text)
        )
    height = max(max(rows) for rows in columns.values())
    return [[rows.get(row) for row in range(1, height + 1)] for _, rows in sorted(columns.items())]


def test_each_chart_embeds_a_workbook_with_the_same_numbers(prs):
    for slide in prs.slides:
        (frame,) = [shape for shape in slide.shapes if shape.has_chart]
        chart = frame.chart
        columns = workbook_columns(frame.chart_part.chart_workbook.xlsx_part.blob)
        assert columns[0][1:] == list(chart.plots[0].categories)
        for column, series in zip(columns[1:], chart.plots[0].series):
            assert column[0] == series.name
            # Excel keeps 15 significant digits; an empty cell where the chart has a gap.
            assert column[1:] == [None if value is None else pytest.approx(value, rel=1e-14) for value in series.values]


def test_the_series_point_at_their_workbook_cells(prs):
    chart = frame_of(prs, "depth_sweep", "accuracy_vs_depth").chart
    formulas = [element.text for element in chart._chartSpace.iter(qn("c:f"))]
    assert "Sheet1!$B$2:$B$4" in formulas and "Sheet1!$B$1" in formulas


# --- reproducible bytes ----------------------------------------------------------------------


def test_decks_with_charts_rendered_at_different_times_are_identical(deck, pptx_bytes):
    time.sleep(1.1)  # the embedded workbooks would carry the time they were written
    assert render_pptx(deck) == pptx_bytes


def test_embedded_workbooks_carry_fixed_stamps(pptx_bytes):
    with zipfile.ZipFile(io.BytesIO(pptx_bytes)) as package:
        books = [name for name in package.namelist() if name.startswith("ppt/embeddings/")]
        assert len(books) == len(CHARTS)
        for name in books:
            with zipfile.ZipFile(io.BytesIO(package.read(name))) as book:
                assert {entry.date_time for entry in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
                stamps = re.findall(rb"\d{4}-\d{2}-\d{2}T[\d:]+Z", book.read("docProps/core.xml"))
                assert stamps == [b"1980-01-01T00:00:00Z"] * 2


# --- LibreOffice draws them --------------------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice_pdf(pptx_bytes, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("charts-pdf")
    source = folder / "charts.pptx"
    source.write_bytes(pptx_bytes)
    return pptx_to_pdf(source, folder)


def page_text(pdf: Path, page: int) -> str:
    text = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(text.split())


def page_pixels(pdf: Path, page: int) -> np.ndarray:
    png = subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", "60", "-png", str(pdf)], check=True, capture_output=True
    ).stdout
    return np.asarray(PILImage.open(io.BytesIO(png)).convert("RGB")).astype(int)


def pixels_near(pixels: np.ndarray, colour: str, tolerance: int = 40) -> int:
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - target).sum(axis=2) < tolerance).sum())


@pytest.mark.slow
def test_libreoffice_draws_each_chart_on_its_page(prs, libreoffice_pdf):
    for page, slide in enumerate(prs.slides, start=1):
        (frame,) = [shape for shape in slide.shapes if shape.has_chart]
        chart = frame.chart
        text = page_text(libreoffice_pdf, page)
        assert chart.value_axis.axis_title.text_frame.text in text
        if chart.has_legend:
            for series in chart.plots[0].series:
                assert series.name in text
        for category in chart.plots[0].categories:
            assert category in text
        pixels = page_pixels(libreoffice_pdf, page)
        drawn = chart.plots[0].series[0]
        colour = (
            drawn.points[0].format.fill.fore_color.rgb
            if chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
            else drawn.format.line.color.rgb
        )
        assert pixels_near(pixels, f"#{colour}") > 30, f"page {page}: no {colour} line or bar drawn"


@pytest.mark.slow
def test_libreoffice_draws_the_log_axis_in_decades(libreoffice_pdf):
    page = list(CHARTS).index(("depth_sweep", "gradient_norms")) + 1
    labels = re.findall(r"1E[+-]\d+", page_text(libreoffice_pdf, page))
    exponents = [int(label[2:]) for label in labels]
    assert len(exponents) >= 3
    assert exponents == sorted(exponents, reverse=True)
    assert all(a - b == 1 for a, b in zip(exponents, exponents[1:]))


# --- from the content file to the deck ------------------------------------------------------------

LECTURE = """\
lecture:
  title: Charts from content
  date: 2024-05-01
demos:
  sweep:
    kind: depth_sweep
    params: {activations: [sigmoid, relu], inits: [default], depths: [1, 2], seeds: [0], width: 8, epochs: 1}
sections:
  - title: Depth
    slides:
      - title: As a chart
        figure: sweep.accuracy_vs_depth
        chart: native
      - title: As a picture
        figure: sweep.accuracy_vs_depth
"""


def test_chart_native_in_the_content_gives_a_chart_and_the_default_a_picture(tmp_path):
    content = tmp_path / "lecture.yaml"
    content.write_text(LECTURE)
    report = build(BuildOptions(content=content, output_dir=tmp_path / "out", formats=("pptx", "html")))
    prs = Presentation(report.lecture_dir / "slides.pptx")
    by_title = {slide.shapes.title.text: slide for slide in prs.slides}
    as_chart, as_picture = by_title["As a chart"], by_title["As a picture"]
    (frame,) = [shape for shape in as_chart.shapes if shape.has_chart]
    assert list(series.name for series in frame.chart.plots[0].series) == [
        "sigmoid (default init)",
        "ReLU (default init)",
        "chance",
    ]
    assert not [shape for shape in as_picture.shapes if shape.has_chart]
    assert [shape for shape in as_picture.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    # The HTML slides show the drawn figure, the same SVG, on both slides.
    html = (report.lecture_dir / "slides.html").read_text()
    figures = re.findall(r'<figure class="block block-figure" id="(figure-\d)".*?</figure>', html, flags=re.S)
    assert figures == ["figure-1", "figure-2"]
    bodies = re.findall(r'<figure class="block block-figure".*?(<svg.*?</svg>)', html, flags=re.S)
    # Inline SVGs get ids prefixed per slide (s3b0-...) so they stay unique in the page.
    first, second = (re.sub(r"\bs\d+b\d+", "", body) for body in bodies)
    assert first == second


def test_chart_sits_inside_the_slide_above_its_caption(prs):
    for slide in prs.slides:
        (frame,) = [shape for shape in slide.shapes if shape.has_chart]
        (caption,) = [shape for shape in slide.shapes if shape.name.startswith("Caption")]
        assert frame.left >= 0 and frame.top >= 0
        assert frame.left + frame.width <= prs.slide_width and frame.top + frame.height <= prs.slide_height
        assert frame.top + frame.height <= caption.top
        assert frame.top >= slide.shapes.title.top + slide.shapes.title.height
        # A chart fills its room within 4:3 to 2:1, where a picture would keep the figure's 16:9.
        assert 4 / 3 - 0.01 <= frame.width / frame.height <= 2 + 0.01


def test_a_negative_bar_points_down_from_zero_in_libreoffice(tmp_path):
    """A bar chart's bars grow from zero (the category axis crosses there), so a negative value reads as one;
    with the crossing at the axis minimum it was drawn as an upward bar from the bottom."""
    from tests.office import page_images

    up, down = "#0072B2", "#D55E00"
    spec = ChartSpec("bar", ("up", "down"), (ChartSeries("gap", (10.0, -6.0), "#555555", point_colours=(up, down)),),
                     y_min=-10.0, y_max=12.0)
    deck = Deck(Meta("Charts", "", "", "", "", "", "", "en", "charts"),
                Theme("#0072B2", "DejaVu Sans", "Noto Sans CJK SC", "DejaVu Sans Mono", "16:9"),
                (Slide("content", "figure", (Run("t"),)),))
    prs_one = Presentation(io.BytesIO(render_pptx(deck)))
    frame = add_chart(prs_one.slides[0], spec, Box(0, 0, 9000000, 6000000), deck.theme, "Figure 1", "alt")
    crosses = frame.chart._chartSpace.xpath(".//c:catAx/c:crosses")
    assert [element.get("val") for element in crosses] == ["autoZero"]
    pptx = tmp_path / "bars.pptx"
    prs_one.save(str(pptx))
    page = np.asarray(page_images(pptx_to_pdf(pptx, tmp_path), tmp_path, dpi=60)[0].convert("RGB")).astype(int)

    def rows_of(colour: str) -> np.ndarray:
        target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        return np.nonzero((np.abs(page - target).sum(axis=2) < 30).any(axis=1))[0]

    up_rows, down_rows = rows_of(up), rows_of(down)
    assert len(up_rows) and len(down_rows)
    zero = up_rows.max()  # the bottom of the upward bar
    assert abs(down_rows.min() - zero) <= 2  # the negative bar hangs from the same line
    assert (up_rows.max() - up_rows.min()) > (down_rows.max() - down_rows.min())  # 10 is taller than 6
