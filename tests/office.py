"""LibreOffice and poppler as the tests drive them: a deck converted to PDF, its pages read back.

These are the real tools a user opens a deck with; a machine without them fails the tests
that need them (CI installs both) rather than skipping them.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image


def pptx_to_pdf(pptx: Path, folder: Path, timeout: int = 300) -> Path:
    """Convert ``pptx`` with headless LibreOffice into ``folder``; the PDF's path."""
    assert shutil.which("soffice"), "LibreOffice is needed: apt-get install libreoffice-impress-nogui"
    # A profile per conversion: two soffice processes sharing one profile block each other.
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(pptx)],
        check=True, capture_output=True, timeout=timeout,
    )  # fmt: skip
    return folder / f"{pptx.stem}.pdf"


def page_texts(pdf: Path, layout: bool = False) -> list[str]:
    """The text of each page (pdftotext), blank pages left out."""
    assert shutil.which("pdftotext"), "poppler is needed: apt-get install poppler-utils"
    command = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def page_images(pdf: Path, folder: Path, dpi: int = 20) -> list[Image.Image]:
    """Every page as an RGB picture (pdftoppm)."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True)
    return [Image.open(path).convert("RGB") for path in sorted(folder.glob("page-*.png"))]


@dataclass(frozen=True)
class Word:
    """One word poppler found on a page, with its box in points from the page's top left."""

    page: int  # 1-based
    text: str
    left: float
    top: float
    right: float
    bottom: float


_PAGE_OR_WORD = re.compile(
    r'<page\b|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def page_words(pdf: Path) -> list[Word]:
    """Every word of every page with its box (pdftotext -bbox), where a test needs to know where text is."""
    assert shutil.which("pdftotext"), "poppler is needed: apt-get install poppler-utils"
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    words, page = [], 0
    for match in _PAGE_OR_WORD.finditer(out):
        if match.group(0).startswith("<page"):
            page += 1
            continue
        left, top, right, bottom = (float(match.group(i)) for i in range(1, 5))
        words.append(Word(page, html.unescape(match.group(5)), left, top, right, bottom))
    return words
