"""The words drawn into figures and native charts follow the lecture's language, as the words around
the content do: built in for every language that has interface words, replaced by name through
`theme.labels`, and a warning naming those left in English for any other language."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from matplotlib.figure import Figure
from matplotlib.text import Text

from generator.cli import main
from generator.figures import style
from generator.figures.drawing import chart_for
from generator.figures.words import FIGURE_ENGLISH, FIGURE_WORD_NAMES
from generator.interface_words import (
    BUILT_IN,
    FIGURE_BUILT_IN,
    FIGURE_TRANSLATIONS,
    FIGURE_WORDS_KEPT_AS_NAMES,
    LabelOverrides,
    figure_words,
    figure_words_left_in_english,
)
from tests.smoke import charted_figures, drawn_figures, smoke_results

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TRANSLATED = sorted(key for key in BUILT_IN if key != "en")

# Latin-script words a figure in a non-Latin-script language may still show, each for a reason:
ALLOWED_LATIN = {
    "ReLU": "an activation's name, kept in Latin script as the literature in every language writes it",
    "sigmoid": "likewise (the activations' names come from style.ACTIVATION_LABELS, not from the words)",
    "tanh": "likewise",
    "Xavier": "a person's name: the Xavier (Glorot) initialisation",
    "He": "a person's name: the He (Kaiming) initialisation",
    "CNN": "the abbreviation the literature uses in every language",
    "ln": "math: the natural logarithm in 'ln 10'",
    "max": "math: the maximum in max|f'|^n",
}
# Single letters are math variables (x, f(x), n, dL/dW, dL/dz) and are allowed too.


# --- (a) every built-in language translates every figure word ------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_language_with_interface_words_translates_every_figure_word(language):
    assert language in FIGURE_TRANSLATIONS, (
        f"{language!r} has interface words but no figure words: add FIGURE_TRANSLATIONS[{language!r}] "
        "in generator/interface_words.py"
    )
    translation = FIGURE_TRANSLATIONS[language]
    problems = [
        f"FigureWords.{name} has no {language!r} translation: add it to FIGURE_TRANSLATIONS[{language!r}] "
        f"in generator/interface_words.py (English: {getattr(FIGURE_ENGLISH, name)!r})"
        for name in FIGURE_WORD_NAMES if name not in translation
    ]
    problems += [
        f"FIGURE_TRANSLATIONS[{language!r}] names {name!r}, which FigureWords has no field for"
        for name in translation if name not in FIGURE_WORD_NAMES
    ]
    for name, word in translation.items():
        if name not in FIGURE_WORD_NAMES:
            continue
        if not word.strip():
            problems.append(f"FIGURE_TRANSLATIONS[{language!r}][{name!r}] is empty")
        # Every placeholder the English word holds, and no other: each one is a number the figure shows.
        english = sorted(PLACEHOLDER.findall(getattr(FIGURE_ENGLISH, name)))
        if sorted(PLACEHOLDER.findall(word)) != english:
            problems.append(f"FIGURE_TRANSLATIONS[{language!r}][{name!r}] = {word!r} must hold exactly {english}")
    assert problems == []
    # The same checks a lecture's own theme.labels get (each placeholder a name needs).
    LabelOverrides.model_validate({name: word for name, word in translation.items() if name in FIGURE_WORD_NAMES})


def test_figure_words_are_built_in_only_for_languages_with_interface_words():
    assert sorted(FIGURE_TRANSLATIONS) == TRANSLATED
    assert sorted(FIGURE_BUILT_IN) == sorted(BUILT_IN)


def test_only_names_are_kept_as_english_writes_them_in_every_language():
    # Any other word spelt as in English in every language would be one nobody translated.
    assert FIGURE_WORDS_KEPT_AS_NAMES == {"xavier_init", "he_init", "cnn", "sigmoid_bound"}


# --- chosen by the language tag, with theme.labels on top ----------------------------------------


@pytest.mark.parametrize(
    ("tag", "key"),
    [("zh", "zh-Hans"), ("zh-CN", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh-TW", "zh-Hant"), ("zh-Hant-HK", "zh-Hant"),
     ("ja-JP", "ja"), ("ko-KR", "ko"), ("de-AT", "de"), ("fr-CA", "fr"), ("es-MX", "es"), ("pt-BR", "pt"),
     ("en-GB", "en"), ("pl", "en"), ("ar", "en")],
)
def test_the_language_tag_chooses_the_figure_words_as_it_does_the_interface_words(tag, key):
    assert figure_words(tag) == FIGURE_BUILT_IN[key]


def test_chinese_figure_words_use_the_textbook_terms():
    simplified, traditional = figure_words("zh-CN"), figure_words("zh-TW")
    assert simplified.say("hidden_layers_title", depth=6) == "6 个隐藏层"
    assert simplified.test_accuracy_axis == "测试准确率（%）"
    assert simplified.training_loss_axis == "训练损失（交叉熵）"
    assert (simplified.predicted_digit_axis, simplified.true_digit_axis) == ("预测数字", "真实数字")
    assert traditional.test_accuracy_axis == "測試準確率（%）"
    assert traditional.say("hidden_layers_title", depth=6) == "6 個隱藏層"
    assert figure_words("ko").test_accuracy_axis == "테스트 정확도 (%)"
    assert figure_words("ja").weight_gradient_axis.startswith("勾配ノルム")


def test_theme_labels_replace_a_figure_word_on_top_of_the_languages_own():
    words = figure_words("zh-TW", LabelOverrides(epoch_axis="回合", figure="圖 {number}"))
    assert words.epoch_axis == "回合"
    assert words.hidden_layers_axis == FIGURE_BUILT_IN["zh-Hant"].hidden_layers_axis  # the rest stay built in
    assert figure_words("de", LabelOverrides(xavier_init="Glorot")).init_label("xavier") == "Glorot"


# --- (b) no English word in the figures of a Chinese lecture --------------------------------------


def english_words(text: str) -> list[str]:
    """The Latin-script words of ``text`` that are not math, numbers or an allowed name."""
    text = re.sub(r"\$[^$]*\$", " ", text)  # mathtext ($10^{-2}$ ticks of a log axis)
    return [word for word in re.findall(r"[A-Za-z]+", text) if len(word) > 1 and word not in ALLOWED_LATIN]


NON_LATIN = [key for key in TRANSLATED if not re.search("[A-Za-z]", FIGURE_TRANSLATIONS[key]["epoch_axis"])]


@pytest.fixture(scope="module")
def results():
    return smoke_results()


def figure_texts(figure: Figure) -> list[str]:
    return [artist.get_text() for artist in figure.findobj(Text) if artist.get_text().strip()]


def test_there_are_languages_in_other_scripts_to_check():
    assert {"zh-Hans", "zh-Hant", "ja", "ko", "ru"} <= set(NON_LATIN)


@pytest.mark.parametrize("language", NON_LATIN)
def test_every_figure_and_chart_in_a_non_latin_script_language_has_no_english_word(results, language):
    words = figure_words(language)
    texts = []
    for kind, figure in drawn_figures():
        with style.figure_style():
            display = figure.display_class().from_result(results[kind.name], words).plot()
            style.to_png(display.figure_)  # draws the ticks' labels
        texts += figure_texts(display.figure_)
    for kind, figure in charted_figures():
        spec = chart_for(kind, figure.name, results[kind.name], words)
        texts += [str(text) for text in (spec.title, spec.x_title, spec.y_title, *spec.categories,
                                         *(series.name for series in spec.series), spec.value_label_format) if text]
    assert texts
    assert {text: english_words(text) for text in texts if english_words(text)} == {}


def chinese_deep_learning(folder: Path) -> Path:
    content = (ROOT / "content" / "deep_learning.yaml").read_text(encoding="utf-8")
    content, replaced = re.subn(r"(?m)^  language: en$", "  language: zh-Hans", content)
    assert replaced == 1
    path = folder / "deep_learning.yaml"
    path.write_text(content, encoding="utf-8")
    return path


C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def chart_part_texts(pptx: Path) -> list[str]:
    """Every text a native chart shows: titles and rich text (a:t), series names and categories (c:v
    under c:tx and c:cat), and the value labels' number formats ('0.0"% 错误"')."""
    texts = []
    with zipfile.ZipFile(pptx) as package:
        parts = [name for name in package.namelist() if re.fullmatch(r"ppt/charts/chart\d+\.xml", name)]
        assert parts, "the lecture's native charts are missing"
        for name in parts:
            root = etree.fromstring(package.read(name))
            texts += [node.text or "" for node in root.iter(f"{{{A}}}t", f"{{{C}}}v")]
            # "General" is Excel's default number format, a code no viewer shows.
            texts += [node.get("formatCode") for node in root.iter(f"{{{C}}}numFmt")
                      if node.get("formatCode") != "General"]
    return [text for text in texts if text.strip()]


@pytest.mark.slow
def test_the_default_lecture_in_chinese_draws_no_english_word(tmp_path, monkeypatch):
    drawn: list[str] = []
    save = Figure.savefig

    def recording_save(figure, *args, **kwargs):
        result = save(figure, *args, **kwargs)  # after drawing, so the ticks hold their labels
        drawn.extend(figure_texts(figure))
        return result

    monkeypatch.setattr(Figure, "savefig", recording_save)
    content = chinese_deep_learning(tmp_path)
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(tmp_path / "out"), "--profile", "quick",
                                       "--format", "pptx", "--device", "cpu", "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert "no built-in words" not in result.output
    figures = sorted((tmp_path / "out" / "deep-learning" / "figures").glob("*.png"))
    assert len(figures) >= 10
    assert len(drawn) > 100, "the figures' texts were not recorded"
    assert "迭代周期" in drawn and "测试准确率（%）" in drawn
    assert {text: english_words(text) for text in drawn if english_words(text)} == {}
    charts = chart_part_texts(tmp_path / "out" / "deep-learning" / "slides.pptx")
    assert "测试准确率（%）" in charts
    assert {text: english_words(text) for text in charts if english_words(text)} == {}


# --- (c) a language without built-in words is told which figure words stay English --------------


def test_a_language_without_built_in_words_leaves_every_figure_word_but_the_names_in_english():
    everything = [name for name in FIGURE_WORD_NAMES if name not in FIGURE_WORDS_KEPT_AS_NAMES]
    assert figure_words_left_in_english("pl") == everything
    given = LabelOverrides(epoch_axis="epoka", hidden_layers_title="{depth} warstw ukrytych")
    assert figure_words_left_in_english("pl", given) == [
        name for name in everything if name not in ("epoch_axis", "hidden_layers_title")
    ]
    for tag in ("en", "en-US", *TRANSLATED, "zh-TW"):
        assert figure_words_left_in_english(tag) == []


LECTURE = """\
lecture:
  title: Sieci splotowe
  language: {language}
{theme}demos:
  cnn:
    kind: cnn_digits
    params: {{channels: [2, 4], epochs: 1, seeds: [0]}}
sections:
  - title: Wyniki
    slides:
      - title: Krzywe uczenia
        figure: cnn.training_curves
"""


def build(folder: Path, language: str, labels: dict[str, str] | None = None):
    theme = "theme:\n  labels:\n" + "".join(f"    {k}: '{v}'\n" for k, v in labels.items()) if labels else ""
    (folder / "lecture.yaml").write_text(LECTURE.format(language=language, theme=theme), encoding="utf-8")
    return CliRunner().invoke(main, ["build", str(folder / "lecture.yaml"), "-o", str(folder / "out"), "--format", "pptx",
                                     "--device", "cpu", "--cache-dir", str(folder / "cache"), "--verbose"])


def test_a_lecture_in_another_language_is_told_which_figure_words_stay_english_and_another_language_redraws(tmp_path):
    result = build(tmp_path, "pl")
    assert result.exit_code == 0, result.output
    left = len(figure_words_left_in_english("pl"))
    assert re.search(
        r"lecture\.yaml:3:\d+: lecture\.language: lecturegen has no built-in words for 'pl', so 17 words it adds "
        r"around the content will be English \(figure, continued, contents, skip_to_text, \.\.\.\); "
        r"translate them in theme\.labels \(the README lists their names\)", result.output), result.output
    assert re.search(
        rf"lecture\.yaml:3:\d+: lecture\.language: lecturegen has no built-in words for 'pl', so {left} words it draws "
        r"into the figures and charts will be English \(epoch_axis, hidden_layers_axis, layer_axis, "
        r"test_accuracy_axis, \.\.\.\); translate them in theme\.labels \(the README lists their names\)",
        result.output), result.output
    figure = tmp_path / "out" / "sieci-splotowe" / "figures" / "cnn-training_curves.png"
    polish = figure.read_bytes()

    # The figure words are part of the figure's cache key: another language redraws, never retrains.
    french = build(tmp_path, "fr")
    assert french.exit_code == 0, french.output
    assert "demo cnn (cnn_digits): from cache (cpu)" in french.output
    assert "no built-in words" not in french.output
    assert figure.read_bytes() != polish

    # Every figure word given in theme.labels: only the words around the content are left to warn about.
    given = {name: f"w {' '.join(PLACEHOLDER.findall(getattr(FIGURE_ENGLISH, name)))}".strip()
             for name in figure_words_left_in_english("pl")}
    translated = build(tmp_path, "pl", given)
    assert translated.exit_code == 0, translated.output
    assert "words it adds around the content" in translated.output
    assert "draws into the figures" not in translated.output

