"""A font installed after matplotlib first listed the machine's fonts is used all the same.

matplotlib keeps its font list in a cache file (under MPLCONFIGDIR, else ~/.cache/matplotlib). Each
test makes that file while a font is missing, then installs the font (for fontconfig: the font
folder a fonts.conf names, or the system's own fonts), and checks that lecturegen draws exactly what
it draws with a font list made after the installation: the order of installation does not matter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

from tests.conftest import REPO

FAMILY = "Lecturegen Installed Later"

# Each run is a fresh process: matplotlib reads its font list once per process.
CHILD = r"""
import hashlib, io, sys

what = sys.argv[1]
if what == "list":  # what matplotlib does the first time it runs: list the fonts, cache the list
    import matplotlib.font_manager
elif what == "equation":
    from generator.render.pptx.equations import equation_picture
    picture = equation_picture(r"\sigma(x) = \frac{1}{1 + e^{-x}}", sys.argv[2])
    print(hashlib.sha256(picture.png).hexdigest())
elif what == "figure":
    import matplotlib.pyplot as plt
    from generator.figures.style import figure_style
    with figure_style():
        figure, axes = plt.subplots()
        axes.set_title("测试准确率")
        axes.set_xlabel("训练轮次")
        data = io.BytesIO()
        figure.savefig(data, format="png")
    print(hashlib.sha256(data.getvalue()).hexdigest())
"""


def _run(environment: dict[str, str], *arguments: str) -> str:
    result = subprocess.run([sys.executable, "-c", CHILD, *arguments], cwd=REPO, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _environment(tmp_path: Path, matplotlib_cache: str) -> dict[str, str]:
    # LECTUREGEN_NO_MEMO: each run typesets for itself, rather than show what an earlier run remembered.
    return {**os.environ, "MPLCONFIGDIR": str(tmp_path / matplotlib_cache),
            "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
            "LECTUREGEN_NO_MEMO": "1"}


def _make_font(path: Path) -> None:
    """matplotlib's DejaVu Serif under a family name no machine has: letters unlike DejaVu Sans'."""
    from fontTools.ttLib import TTFont

    font = TTFont(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf")
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (4,):
            record.string = f"{FAMILY} Book"
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Book"
    font.save(path)


def test_an_equation_is_set_in_a_theme_font_installed_after_matplotlib_listed_the_fonts(tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n</fontconfig>\n"
    )
    before = _environment(tmp_path, "matplotlib-before")
    _run(before, "list")  # lecturegen ran once, before the font was installed
    _make_font(fonts / "installed-later.ttf")  # now it is installed, and fontconfig finds it
    listed = subprocess.run(["fc-list", ":", "family"], env=before, capture_output=True, text=True).stdout
    assert FAMILY in listed

    stale = _run(before, "equation", FAMILY)
    fresh = _run(_environment(tmp_path, "matplotlib-after"), "equation", FAMILY)
    assert stale == fresh
    assert stale != _run(before, "equation", "DejaVu Sans")  # the font is really used


def test_chinese_in_figures_uses_the_cjk_font_installed_after_matplotlib_listed_the_fonts(tmp_path):
    assert "Noto Sans CJK SC" in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout, \
        "the CJK fonts are needed: apt-get install fonts-noto-cjk"
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n</fontconfig>\n'
    )
    before = _environment(tmp_path, "matplotlib-before")
    _run(before, "list")
    # The list as matplotlib wrote it on a machine without the CJK fonts (fonts-noto-cjk installed later).
    (cached,) = (tmp_path / "matplotlib-before").glob("fontlist-*.json")
    font_list = json.loads(cached.read_text())
    font_list["ttflist"] = [font for font in font_list["ttflist"] if "CJK" not in font["name"]]
    cached.write_text(json.dumps(font_list))

    stale = _run(before, "figure")
    fresh = _run(_environment(tmp_path, "matplotlib-after"), "figure")
    assert stale == fresh


@pytest.mark.parametrize("module", ["generator.figures", "generator.render.math_text"])
def test_a_process_that_never_draws_does_not_load_matplotlib_for_the_fonts(module):
    found = subprocess.run([sys.executable, "-c", f"import sys, {module}; print('matplotlib' in sys.modules)"],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert found.stdout.strip() == "False", found.stderr
