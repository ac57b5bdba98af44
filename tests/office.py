"""LibreOffice and poppler as the tests drive them: a deck converted to PDF, its pages read back.

These are the real tools a user opens a deck with; a machine without them fails the tests
that need them (CI installs both) rather than skipping them.
"""

from __future__ import annotations

import shutil
import subprocess
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
