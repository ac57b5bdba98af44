"""The words drawn into figures and native charts come from FigureWords, which `theme.labels` can replace."""

from __future__ import annotations

import re
from dataclasses import fields, replace

import pytest
from click.testing import CliRunner
from matplotlib.text import Text
from pptx import Presentation

from generator.cli import main
from generator.figures import style
from generator.figures.depth_sweep import GradientNormsDisplay
from generator.demos.registry import get_kind
from generator.figures.drawing import chart_for
from generator.figures.words import FIGURE_ENGLISH, FIGURE_PLACEHOLDERS, FigureWords
from generator.interface_words import LabelOverrides, figure_words
from tests.smoke import charted_figures, drawn_figures, smoke_results

PLACEHOLDER = re.compile(r"\{[a-z]+\}")


def marked() -> FigureWords:
    """Every word replaced by a marker ("W07"), keeping the placeholders it must hold."""
    words = {}
    for index, word in enumerate(fields(FigureWords)):
        kept = " ".join(PLACEHOLDER.findall(getattr(FIGURE_ENGLISH, word.name)))
        words[word.name] = f"W{index:02d} {kept}".strip()
    return replace(FIGURE_ENGLISH, **words)


def english_fragments() -> set[str]:
    """The English words' fixed parts long enough not to occur by chance in drawn numbers."""
    pieces = set()
    for word in fields(FigureWords):
        for piece in PLACEHOLDER.split(getattr(FIGURE_ENGLISH, word.name)):
            if len(piece.strip(" ,:()\n")) >= 4:
                pieces.add(piece.strip(" ,:()\n"))
    return pieces


@pytest.fixture(scope="module")
def results():
    # The smoke runs include a diverging weight scale, so the divergence note and series name are drawn.
    return smoke_results()


def drawn_texts(kind: str, figure: str, result, words: FigureWords) -> list[str]:
    with style.figure_style():
        display = get_kind(kind).figure(figure).display_class().from_result(result, words).plot()
    texts = [artist.get_text() for artist in display.figure_.findobj(Text)]
    return [text for text in texts if text.strip()]


def chart_texts(kind: str, figure: str, result, words: FigureWords) -> list[str]:
    spec = chart_for(get_kind(kind), figure, result, words)
    texts = [spec.title, spec.x_title, spec.y_title, *spec.categories, *(series.name for series in spec.series)]
    if spec.value_label_format:
        texts.append(spec.value_label_format)
    return [str(text) for text in texts if text]


def test_every_word_is_drawn_somewhere_and_no_english_word_is_left(results):
    words = marked()
    drawn = []
    for kind, figure in drawn_figures():
        drawn += drawn_texts(kind.name, figure.name, results[kind.name], words)
    for kind, figure in charted_figures():
        drawn += chart_texts(kind.name, figure.name, results[kind.name], words)
    # The registered gradient figure shows initialisation; the Display also shows a later measured epoch.
    with style.figure_style():
        later = GradientNormsDisplay.from_result(results["depth_sweep"], epoch_index=-1, words=words).plot()
    drawn.append(later.ax_.get_title(loc="left"))
    everything = "\n".join(drawn)
    unused = [word.name for index, word in enumerate(fields(FigureWords)) if f"W{index:02d}" not in everything]
    assert unused == []
    left = sorted(fragment for fragment in english_fragments() if fragment in everything)
    assert left == []


def test_placeholders_are_filled_with_the_figures_numbers(results):
    words = replace(FIGURE_ENGLISH, layer_axis="Schicht (Ausgang: {output})", hidden_layers_title="{depth} verborgene Schichten",
                    parameter_count="{count} Parameter", after_epoch="nach Epoche {epoch}")
    texts = drawn_texts("depth_sweep", "gradient_norms", results["depth_sweep"], words)
    assert "Schicht (Ausgang: 7)" in texts
    assert "6 verborgene Schichten, at initialisation" in texts
    cnn = drawn_texts("cnn_digits", "training_curves", results["cnn_digits"], words)
    assert any(re.fullmatch(r"CNN \([\d,]+ Parameter\)", text) for text in cnn)


def test_english_is_what_an_english_lecture_without_labels_gets():
    assert figure_words("en", None) == FIGURE_ENGLISH
    assert figure_words("en-GB", LabelOverrides(figure="Abb. {number}")) == FIGURE_ENGLISH
    assert figure_words("en", LabelOverrides(epoch_axis="Epoche")).epoch_axis == "Epoche"


@pytest.mark.parametrize("name", sorted(FIGURE_PLACEHOLDERS))
def test_a_word_without_its_placeholder_is_refused(name):
    with pytest.raises(ValueError, match=re.escape(f"the label must hold {FIGURE_PLACEHOLDERS[name]}")):
        LabelOverrides(**{name: "kein Platzhalter"})


LECTURE = """\
lecture:
  title: Tiefe Netze
  language: de
theme:
  labels:
    epoch_axis: Epoche
    test_accuracy_axis: "Testgenauigkeit (%)"
demos:
  cnn:
    kind: cnn_digits
    params: {{channels: [2, 4], epochs: 1, seeds: [0]}}
sections:
  - title: Faltungsnetze
    slides:
      - title: Lernkurven
        figure: cnn.training_curves
        chart: {chart}
"""


def build(folder, chart: str, labels: dict[str, str] | None = None):
    content = LECTURE.format(chart=chart)
    if labels is not None:
        content = content.replace('    epoch_axis: Epoche\n', "".join(f"    {k}: {v}\n" for k, v in labels.items()))
    (folder / "lecture.yaml").write_text(content, encoding="utf-8")
    return CliRunner().invoke(main, ["build", str(folder / "lecture.yaml"), "-o", str(folder / "out"), "--format", "pptx",
                                     "--device", "cpu", "--cache-dir", str(folder / "cache"), "--verbose"])


def test_a_native_chart_says_the_contents_words(tmp_path):
    result = build(tmp_path, "native")
    assert result.exit_code == 0, result.output
    chart = next(shape.chart for slide in Presentation(str(tmp_path / "out" / "tiefe-netze" / "slides.pptx")).slides
                 for shape in slide.shapes if shape.has_chart)
    assert chart.category_axis.axis_title.text_frame.text == "Epoche"
    assert chart.value_axis.axis_title.text_frame.text == "Testgenauigkeit (%)"


def test_other_words_redraw_the_figure_without_rerunning_the_demo(tmp_path):
    first = build(tmp_path, "image")
    assert first.exit_code == 0, first.output
    figure = tmp_path / "out" / "tiefe-netze" / "figures" / "cnn-training_curves.png"
    drawn = figure.read_bytes()
    second = build(tmp_path, "image", labels={"epoch_axis": "Durchgang"})
    assert second.exit_code == 0, second.output
    assert "demo cnn (cnn_digits): from cache (cpu)" in second.output
    assert figure.read_bytes() != drawn


def test_the_readme_lists_every_figure_word_by_name_and_no_other():
    from generator.figures.words import FIGURE_WORD_NAMES
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text()
    start = readme.index("Their names are `epoch_axis`")
    listed = re.findall(r"`([a-z_]+)`", readme[start:readme.index("`lecturegen schema`", start)])
    assert sorted(listed) == sorted(FIGURE_WORD_NAMES)
