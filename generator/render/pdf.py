"""The slide deck as PDF: slides.html printed by headless Chromium, one slide per page.

The HTML deck's print stylesheet already lays out one slide per page (a slide whose
text overflows even at the smallest type runs onto a further page), so the PDF is
exactly what a browser's "Print" gives. Chromium stamps the time into the file; the
stamps are replaced by the lecture's fixed date (same length, so offsets hold) to
keep the bytes reproducible. Chromium is found on PATH, or named by
$LECTUREGEN_CHROMIUM. Text set in CFF fonts (Noto Sans CJK) is handed to Chromium in TrueType first,
so the PDF embeds real fonts, not Type 3 ones (pdf_fonts.py).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from generator.errors import BuildError, UsageError
from generator.render.pdf_fonts import with_embeddable_fonts

CHROMIUM_ENV = "LECTUREGEN_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless, offline and quiet: no sandbox (CI runs as root), no background networking.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--no-pdf-header-footer")
TIMEOUT_S = 180
_PDF_DATE = re.compile(rb"D:\d{14}[+\-Z][^)]*")


def find_chromium() -> str:
    """The Chromium to print with, or a UsageError that says how to get one."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        if shutil.which(named):
            return shutil.which(named)
        raise UsageError(f"--format pdf: ${CHROMIUM_ENV} names {named!r}, which is not an executable")
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise UsageError(
        "--format pdf prints the slides with headless Chromium, and none was found. Install it "
        "(Debian/Ubuntu: apt-get install chromium; macOS: install Google Chrome) or set "
        f"${CHROMIUM_ENV} to a Chrome or Chromium binary."
    )


def render_pdf(slides_html: str, date: str) -> bytes:
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="lecturegen-pdf-") as folder:
        page, pdf = Path(folder) / "slides.html", Path(folder) / "slides.pdf"
        page.write_text(with_embeddable_fonts(slides_html), encoding="utf-8")
        command = [browser, *FLAGS, f"--user-data-dir={folder}/profile", f"--print-to-pdf={pdf}", page.as_uri()]
        # A session of its own, so that Chromium and every helper process it starts end together with it.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _end_session(process)
            raise BuildError(f"--format pdf: Chromium did not finish printing within {TIMEOUT_S} s") from None
        except BaseException:  # SIGTERM (as SystemExit), Ctrl-C: leave no browser behind, then the folder goes
            _end_session(process)
            raise
        _end_session(process)  # helpers that outlive the browser
        if process.returncode != 0 or not pdf.is_file():
            detail = (stderr.strip().splitlines() or ["no output"])[-1]
            raise BuildError(f"--format pdf: Chromium ({browser}) failed to print the slides: {detail}")
        return fix_dates(pdf.read_bytes(), date)


def _end_session(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def fix_dates(data: bytes, date: str) -> bytes:
    """Replace each PDF date stamp by ``date`` (YYYY-MM-DD), keeping every stamp's length."""
    digits = (date.replace("-", "") or "19800101") + "000000"

    def same_length(match: re.Match) -> bytes:
        stamp = b"D:" + digits.encode() + b"Z"
        return stamp.ljust(len(match.group(0)), b" ")[: len(match.group(0))]

    return _PDF_DATE.sub(same_length, data)
