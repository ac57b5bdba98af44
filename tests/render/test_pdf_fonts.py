"""slides.pdf embeds real fonts for its text: the Chinese deck's text is in CID TrueType fonts, not Type 3.

Chromium writes text set in CFF-outlined fonts (Noto Sans CJK) as Type 3 fonts, which some viewers draw
blurred and which cannot be searched reliably; the printed page gets TrueType copies of them first.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import FIXTURES

CHINESE = FIXTURES / "good" / "chinese.yaml"


def _fonts(pdf) -> list[tuple[str, str]]:
    """(name, type) of each font pdffonts lists."""
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in listed[2:]:
        name, rest = line.split(None, 1)
        rows.append((name, " ".join(rest.split()[:2])))
    return rows


@pytest.mark.browser
def test_the_chinese_deck_prints_with_embedded_truetype_fonts_and_no_type_3(tmp_path):
    assert shutil.which("chromium"), "Chromium is needed: apt-get install chromium"
    assert "Noto Sans CJK SC" in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout, \
        "the CJK fonts are needed: apt-get install fonts-noto-cjk"
    first, second = tmp_path / "a", tmp_path / "b"
    for out, formats in ((first, "pdf,html"), (second, "pdf")):
        result = CliRunner().invoke(main, ["build", str(CHINESE), "-o", str(out), "--profile", "quick",
                                           "--format", formats, "-q"])
        assert result.exit_code == 0, result.output
    pdf = first / "chinese" / "slides.pdf"

    fonts = _fonts(pdf)
    assert not [name for name, kind in fonts if kind.startswith("Type 3")], fonts
    assert any("NotoSansCJK" in name and kind == "CID TrueType" for name, kind in fonts), fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "深度学习中的梯度消失" in text  # searchable and copyable
    assert pdf.read_bytes() == (second / "chinese" / "slides.pdf").read_bytes()  # still reproducible
    # Only the printed page carries the fonts; the HTML deck stays as small as it was.
    assert "data:font/ttf" not in (first / "chinese" / "slides.html").read_text()
