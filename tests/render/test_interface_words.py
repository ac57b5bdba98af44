"""The words lecturegen adds around the content (figure labels, "(cont.)", the report's headings)
follow the lecture's language, and `theme.labels` replaces any of them by name."""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import asdict, fields, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from generator.cli import main
from generator.figures.words import FigureWords
from generator.interface_words import (
    BUILT_IN,
    ENGLISH,
    PLACEHOLDERS,
    InterfaceWords,
    LabelOverrides,
    interface_words,
    words_left_in_english,
)
from generator.render.pptx import render_pptx_with_problems
from tests.decks import png
from tests.office import page_texts, pptx_to_pdf
from tests.render.test_pptx_fit import bullet_slide, bullets, deck_of

CHINESE_LECTURE = """\
lecture:
  title: 深度学习中的梯度消失
  language: {language}
  slug: lecture
{theme}
sections:
  - title: 实验结果
    slides:
      - title: 训练曲线
        image: curve.png
        alt: 训练损失随轮次下降的曲线
        caption: 使用 ReLU 的网络训练得更快
        bullets:
          - 损失在前十轮迅速下降
"""

GERMAN_LECTURE = """\
lecture:
  title: Tiefe Netze
  language: {language}
  slug: lecture
{theme}
sections:
  - title: Grundlagen
    slides:
      - title: Lernkurve
        image: curve.png
        alt: Eine Kurve, die nach rechts oben steigt
        caption: Genauigkeit nach jeder Epoche
      - title: Zu viel Text
        bullets:
{bullets}
"""

LONG_POINT = "Ein langer Punkt, der die Folie mit vielen Wörtern füllt, bis sie auf eine weitere Folie umbrechen muss"


def build_lecture(folder: Path, content: str, formats: str = "pptx,html,report") -> Path:
    """Writes the content (with its picture) into ``folder``, builds it, and returns the lecture's output folder."""
    (folder / "curve.png").write_bytes(png(640, 400))
    (folder / "lecture.yaml").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", str(folder / "lecture.yaml"), "-o", str(folder / "out"), "--format", formats]
    )
    assert result.exit_code == 0, result.output
    return folder / "out" / "lecture"


def theme_labels(**labels: str) -> str:
    return "theme:\n  labels:\n" + "".join(
        f"    {name}: {json.dumps(value, ensure_ascii=False)}\n" for name, value in labels.items()
    )


def german(language: str = "de", theme: str = "", points: int = 0) -> str:
    lines = "".join(f"          - {LONG_POINT} ({i})\n" for i in range(1, points + 1)) or "          - kurz\n"
    return GERMAN_LECTURE.format(language=language, theme=theme, bullets=lines.rstrip("\n"))


def figcaptions(page: str) -> list[str]:
    """Each figure caption's text, the label kept apart: [(label, rest)]."""
    pattern = r'<figcaption><span class="figure-label">([^<]*)</span>([^<]*)</figcaption>'
    return re.findall(pattern, page)


def pptx_captions(path: Path) -> list[tuple[str, str, bool]]:
    """(label run, whole caption text, whether the label is bold) of every figure caption in the deck."""
    found = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.name.startswith("Caption"):
                runs = shape.text_frame.paragraphs[0].runs
                found.append((runs[0].text, shape.text_frame.text, bool(runs[0].font.bold)))
    return found


# --- which words a language gets ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "label"),
    [
        ("zh-CN", "图 3"),
        ("zh", "图 3"),
        ("zh-SG", "图 3"),
        ("zh-Hans", "图 3"),
        ("zh-Hans-HK", "图 3"),
        ("zh-TW", "圖 3"),
        ("zh-HK", "圖 3"),
        ("zh-Hant", "圖 3"),
        ("zh-Hant-CN", "圖 3"),
        ("ja", "図 3"),
        ("ja-JP", "図 3"),
        ("ko", "그림 3."),
        ("de", "Abb. 3"),
        ("de-AT", "Abb. 3"),
        ("de-CH", "Abb. 3"),
        ("fr-CA", "Figure 3"),
        ("es-MX", "Figura 3."),
        ("pt-BR", "Figura 3"),
        ("ru", "Рис. 3."),
        ("nl-BE", "Figuur 3."),
        ("en", "Figure 3."),
        ("en-GB", "Figure 3."),
        ("sw", "Figure 3."),
        ("ar", "Figure 3."),
    ],
)
def test_a_language_tag_finds_its_words_or_falls_back_to_english(tag, label):
    assert interface_words(tag).figure_label(3) == label


def test_english_words_are_the_ones_the_outputs_always_had():
    assert ENGLISH.figure_label(12) == "Figure 12."
    assert ENGLISH.caption_separator == " "
    assert "Title" + ENGLISH.continued_suffix() == "Title (cont.)"
    assert (ENGLISH.contents, ENGLISH.skip_to_text, ENGLISH.slide) == ("Contents", "Skip to the text", "Slide")


def test_continued_suffix_keeps_a_space_except_before_a_full_width_bracket():
    assert "标题" + interface_words("zh-CN").continued_suffix() == "标题（续）"
    assert "標題" + interface_words("zh-TW").continued_suffix() == "標題（續）"
    assert "題名" + interface_words("ja").continued_suffix() == "題名（続き）"
    assert "Titel" + interface_words("de").continued_suffix() == "Titel (Forts.)"
    assert "Titre" + interface_words("fr").continued_suffix() == "Titre (suite)"


@pytest.mark.parametrize("key", sorted(BUILT_IN))
def test_every_built_in_language_passes_the_checks_a_users_labels_get(key):
    words = BUILT_IN[key]
    LabelOverrides.model_validate(asdict(words))  # raises on an empty word or a format without its placeholder
    for name, placeholder in PLACEHOLDERS.items():
        assert getattr(words, name).count(placeholder) == 1
    if key != "en":
        translated = [
            item.name for item in fields(InterfaceWords) if getattr(words, item.name) != getattr(ENGLISH, item.name)
        ]
        # Only these may be spelt as in English: the separator, "(cont.)" (es, it, pt), "Slide" (pt), "Notes" (fr).
        same = set(fields_named(InterfaceWords)) - set(translated)
        assert same <= {"caption_separator", "continued", "slide", "slide_role", "notes"}


def fields_named(cls) -> list[str]:
    return [item.name for item in fields(cls)]


def test_the_content_can_name_exactly_the_words_there_are():
    # The words around the content, then the words drawn into the figures; no name is both.
    assert list(LabelOverrides.model_fields) == fields_named(InterfaceWords) + fields_named(FigureWords)
    assert not set(fields_named(InterfaceWords)) & set(fields_named(FigureWords))


def test_overrides_replace_only_the_words_they_name():
    overrides = LabelOverrides.model_validate({"figure": "Abb. {number}:", "continued": "(Fortsetzung)"})
    words = interface_words("de-AT", overrides)
    assert words.figure_label(2) == "Abb. 2:"
    assert "Titel" + words.continued_suffix() == "Titel (Fortsetzung)"
    assert words.contents == "Inhalt"


def test_the_schema_describes_theme_labels():
    schema = json.loads(CliRunner().invoke(main, ["schema"]).output)
    labels = schema["$defs"]["Theme"]["properties"]["labels"]
    model = schema["$defs"][labels["$ref"].rsplit("/", 1)[-1]]
    assert model["additionalProperties"] is False
    assert sorted(model["properties"]) == sorted(fields_named(InterfaceWords) + fields_named(FigureWords))
    assert "{number}" in model["properties"]["figure"]["description"]
    assert "'Figure {number}.'" in model["properties"]["figure"]["description"]


@pytest.mark.parametrize("tag", ["en", "en-GB", "de", "pt-BR", "zh-TW", "ja"])
def test_no_word_is_left_in_english_where_the_language_has_its_own(tag):
    assert words_left_in_english(tag) == []


def test_a_language_without_built_in_words_leaves_every_word_but_the_separator_in_english():
    everything = [word.name for word in fields(InterfaceWords) if word.name != "caption_separator"]
    assert words_left_in_english("ar") == everything
    given = LabelOverrides(figure="الشكل {number}", continued="(تابع)")
    assert words_left_in_english("ar", given) == [name for name in everything if name not in ("figure", "continued")]
    assert words_left_in_english("ar", LabelOverrides(**{name: "x {number} {title}" for name in everything})) == []


def test_a_lecture_in_a_language_without_built_in_words_is_warned_at_its_language_line(tmp_path):
    content = german(language="ar")
    line = next(n for n, text in enumerate(content.splitlines(), start=1) if text.strip().startswith("language:"))
    (tmp_path / "curve.png").write_bytes(png(640, 400))
    (tmp_path / "lecture.yaml").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "lecture.yaml"), "-o", str(tmp_path / "out"), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert re.search(
        rf"lecture\.yaml:{line}:\d+: lecture\.language: lecturegen has no built-in words for 'ar', so 17 words it adds "
        r"around the content will be English \(figure, continued, contents, skip_to_text, \.\.\.\); "
        r"translate them in theme\.labels \(the README lists their names\)", result.output), result.output
    # A lecture that draws no figure is not told about the figures' words (tests/figures/test_figure_languages.py).
    assert "draws into the figures" not in result.output
    # Translated in theme.labels, nothing is left to warn about.
    translated = {word.name: "ع {number} {title}" for word in fields(InterfaceWords) if word.name != "caption_separator"}
    (tmp_path / "lecture.yaml").write_text(german(language="ar", theme=theme_labels(**translated)), encoding="utf-8")
    quiet = CliRunner().invoke(main, ["build", str(tmp_path / "lecture.yaml"), "-o", str(tmp_path / "out"), "--format", "html"])
    assert quiet.exit_code == 0, quiet.output
    assert "no built-in words" not in quiet.output


# --- the outputs ----------------------------------------------------------------------------------


def test_a_chinese_lecture_labels_its_figure_in_chinese_in_every_output(tmp_path):
    lecture = build_lecture(tmp_path, CHINESE_LECTURE.format(language="zh-CN", theme=""), "pptx,html,report,revealjs")
    caption = ("图 1", "\u3000使用 ReLU 的网络训练得更快")
    slides_html = (lecture / "slides.html").read_text(encoding="utf-8")
    report_html = (lecture / "report.html").read_text(encoding="utf-8")
    assert figcaptions(slides_html) == [caption]
    assert figcaptions(report_html) == [caption]
    assert figcaptions((lecture / "slides.reveal.html").read_text(encoding="utf-8")) == [caption]
    assert "Figure 1" not in slides_html and "Figure 1" not in report_html
    assert pptx_captions(lecture / "slides.pptx") == [("图 1", "图 1\u3000使用 ReLU 的网络训练得更快", True)]
    # the report's own headings
    assert '<h2 id="toc-heading">目录</h2>' in report_html
    assert '<a class="skip-link" href="#report-main">跳到正文</a>' in report_html
    assert '<a href="#provenance" lang="en">Appendix: Provenance</a>' in report_html
    # the slide deck's hidden counter word and what a screen reader calls a slide
    assert '<span class="visually-hidden">幻灯片 </span>' in slides_html
    assert 'aria-roledescription="幻灯片"' in slides_html


def test_the_chinese_caption_survives_libreoffice(tmp_path):
    lecture = build_lecture(tmp_path, CHINESE_LECTURE.format(language="zh-Hans", theme=""), "pptx")
    # -layout keeps each line whole, so the bold label and the caption are seen on one line
    pages = page_texts(pptx_to_pdf(lecture / "slides.pptx", tmp_path), layout=True)
    figure_page = next(page for page in pages if "训练曲线" in page)
    assert re.search(r"图 1 +使用 ReLU 的网络训练得更快", figure_page)
    assert "Figure 1" not in figure_page


def test_a_traditional_chinese_lecture_gets_traditional_words(tmp_path):
    lecture = build_lecture(tmp_path, CHINESE_LECTURE.format(language="zh-TW", theme=""), "html,report")
    assert figcaptions((lecture / "slides.html").read_text(encoding="utf-8"))[0][0] == "圖 1"
    assert '<h2 id="toc-heading">目錄</h2>' in (lecture / "report.html").read_text(encoding="utf-8")


def test_a_german_continuation_slide_is_titled_forts(tmp_path):
    lecture = build_lecture(tmp_path, german(points=30), "pptx")
    titles = [slide.shapes.title.text for slide in Presentation(str(lecture / "slides.pptx")).slides]
    continued = [title for title in titles if title.startswith("Zu viel Text")]
    assert len(continued) >= 2
    assert continued == ["Zu viel Text"] + ["Zu viel Text (Forts.)"] * (len(continued) - 1)
    assert not any("(cont.)" in title for title in titles)


def test_a_chinese_continuation_slide_has_no_space_before_its_bracket():
    deck = deck_of(bullet_slide("太多的文字", bullets(45)))
    deck = replace(deck, meta=replace(deck.meta, language="zh-CN", labels=interface_words("zh-CN")))
    prs = Presentation(io.BytesIO(render_pptx_with_problems(deck).data))
    titles = [slide.shapes.title.text for slide in prs.slides]
    assert len(titles) >= 3
    assert titles == ["太多的文字"] + ["太多的文字（续）"] * (len(titles) - 1)


def test_german_words_in_every_output(tmp_path):
    lecture = build_lecture(tmp_path, german(language="de-AT"))
    assert figcaptions((lecture / "slides.html").read_text(encoding="utf-8")) == [
        ("Abb. 1", " Genauigkeit nach jeder Epoche")
    ]
    assert pptx_captions(lecture / "slides.pptx") == [("Abb. 1", "Abb. 1 Genauigkeit nach jeder Epoche", True)]
    report = (lecture / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="toc-heading">Inhalt</h2>' in report
    assert ">Zum Text springen</a>" in report


def test_theme_labels_win_over_the_built_in_words(tmp_path):
    labels = theme_labels(figure="Abbildung {number}:", continued="(Fortsetzung)", contents="Überblick", slide="Seite")
    lecture = build_lecture(tmp_path, german(theme=labels, points=30))
    assert figcaptions((lecture / "slides.html").read_text(encoding="utf-8")) == [
        ("Abbildung 1:", " Genauigkeit nach jeder Epoche")
    ]
    assert pptx_captions(lecture / "slides.pptx") == [
        ("Abbildung 1:", "Abbildung 1: Genauigkeit nach jeder Epoche", True)
    ]
    titles = [slide.shapes.title.text for slide in Presentation(str(lecture / "slides.pptx")).slides]
    assert "Zu viel Text (Fortsetzung)" in titles
    report = (lecture / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="toc-heading">Überblick</h2>' in report
    assert ">Zum Text springen</a>" in report  # not overridden: still the built-in German
    assert '<span class="visually-hidden">Seite </span>' in (lecture / "slides.html").read_text(encoding="utf-8")


def test_theme_labels_translate_an_english_lecture_too(tmp_path):
    labels = theme_labels(figure="Fig. {number}", caption_separator=" — ")
    lecture = build_lecture(tmp_path, german(language="en", theme=labels), "html")
    assert figcaptions((lecture / "slides.html").read_text(encoding="utf-8")) == [
        ("Fig. 1", " — Genauigkeit nach jeder Epoche")
    ]


def test_the_words_reach_the_slide_script_as_json_in_the_page(tmp_path):
    lecture = build_lecture(tmp_path, german(), "html")
    page = (lecture / "slides.html").read_text(encoding="utf-8")
    attribute = re.search(r'<main class="deck"[^>]* data-words="([^"]*)"', page).group(1)
    words = json.loads(html.unescape(attribute))
    assert words == BUILT_IN["de"].script_words()
    assert words["presenter_title"] == "Referentenansicht: {title}"
