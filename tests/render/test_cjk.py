"""A lecture in Simplified Chinese: East Asian fonts named in the PowerPoint, characters drawn, language tagged."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn

from generator.cli import main
from generator.content.loader import load_lecture
from generator.content.markup import parse_inline
from generator.deck import Inline
from generator.render.math_text import tex_to_unicode
from tests.conftest import FIXTURES
from tests.office import page_texts, pptx_to_pdf

CHINESE = FIXTURES / "good" / "chinese.yaml"
EAST_ASIAN_FONT = "Noto Sans CJK SC"  # the theme's default, which the fixture keeps
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("chinese")
    result = CliRunner().invoke(main, ["build", str(CHINESE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out / "chinese"


def compact(text: str) -> str:
    # PDF text extraction puts spaces where runs meet; Chinese puts none between words, so compare without.
    return "".join(text.split())


def slide_texts() -> list[tuple[str, list[Inline]]]:
    """(title, runs of its bullets and table cells) of every content slide, in deck order."""
    lecture = load_lecture(CHINESE).lecture
    specs = [spec for section in lecture.sections for spec in section.slides] + [lecture.closing]

    def bullets(items):
        for item in items:
            yield parse_inline(item.text)
            yield from bullets(item.bullets)

    texts = []
    for spec in specs:
        cells = [*spec.table.columns, *(str(cell) for row in spec.table.rows for cell in row)] if spec.table else []
        texts.append((spec.title, [*bullets(spec.bullets), *(parse_inline(cell) for cell in cells)]))
    return texts


def shown_in_pptx(inline: Inline) -> str:
    """What PowerPoint shows: math in its Unicode reading."""
    return "".join(tex_to_unicode(run.text) if run.math else run.text for run in inline)


def runs_with_cjk(pptx: Path) -> list[tuple[str, etree._Element]]:
    """(part name, a:r element) of every text run with CJK text, on slides and in notes."""
    found = []
    with zipfile.ZipFile(pptx) as package:
        for name in package.namelist():
            if re.fullmatch(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml", name):
                root = etree.fromstring(package.read(name))
                for run in root.iter(qn("a:r"), qn("a:fld")):
                    text = "".join(run.itertext())
                    if CJK.search(text):
                        found.append((name, run))
    return found


def test_every_run_of_chinese_text_names_the_east_asian_font(built):
    runs = runs_with_cjk(built / "slides.pptx")
    texts = {"".join(run.itertext()) for _, run in runs}
    for title, _ in slide_texts():
        assert title in texts
    assert any(name.startswith("ppt/notesSlides/") for name, _ in runs)
    for name, run in runs:
        properties = run.find(qn("a:rPr"))
        assert properties is not None, (name, "".join(run.itertext()))
        east_asian = properties.find(qn("a:ea"))
        assert east_asian is not None and east_asian.get("typeface") == EAST_ASIAN_FONT, name
        assert properties.find(qn("a:latin")) is not None, name


def test_the_theme_gives_text_typed_later_the_east_asian_font(built):
    with zipfile.ZipFile(built / "slides.pptx") as package:
        theme = etree.fromstring(package.read("ppt/theme/theme1.xml"))
    for scheme in ("a:majorFont", "a:minorFont"):
        assert theme.find(f".//{qn(scheme)}/{qn('a:ea')}").get("typeface") == EAST_ASIAN_FONT


@pytest.mark.slow
def test_libreoffice_draws_the_chinese_text_with_a_cjk_font(built, tmp_path):
    pdf = pptx_to_pdf(built / "slides.pptx", tmp_path)
    pages = [" ".join(page.split()) for page in page_texts(pdf)]
    # Title slide, two section dividers, four content slides (the closing one included).
    assert len(pages) == 3 + len(slide_texts())
    content_pages = [page for page in pages if any(page.startswith(title) for title, _ in slide_texts())]
    assert len(content_pages) == len(slide_texts())
    for page, (title, texts) in zip(content_pages, slide_texts()):
        assert page.startswith(title)
        for inline in texts:
            assert compact(shown_in_pptx(inline)) in compact(page), (title, shown_in_pptx(inline))

    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    embedded_cjk = [line for line in fonts[2:] if "NotoSansCJK" in line.split()[0] and line.split()[-5] == "yes"]
    assert embedded_cjk, "\n".join(fonts)


def test_html_slides_and_report_are_tagged_chinese_and_hold_the_text(built):
    for name in ("slides.html", "report.html"):
        page = (built / name).read_text(encoding="utf-8")
        assert re.search(r'<html [^>]*lang="zh-CN"', page), name
        # MathML is checked elsewhere; here, the words around it.
        visible = compact(re.sub(r"<[^>]+>", "", re.sub(r"<math\b.*?</math>", "", page, flags=re.S)))
        for title, texts in slide_texts():
            assert compact(title) in visible, (name, title)
            for inline in texts:
                for run in inline:
                    if not run.math:
                        assert compact(run.text) in visible, (name, run.text)


def test_notes_wrapped_between_chinese_characters_join_without_a_space(built):
    # The fixture's first content slide has folded notes whose line break falls after "最大值。".
    joined = "让学生比较它们的最大值。强调导数的上界"
    prs = Presentation(built / "slides.pptx")
    notes = prs.slides[2].notes_slide.notes_text_frame.text
    assert joined in notes
    assert joined in (built / "report.html").read_text(encoding="utf-8")
