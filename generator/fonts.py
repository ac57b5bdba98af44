"""matplotlib finds the fonts fontconfig finds, whenever they were installed.

matplotlib keeps its list of the machine's fonts in a file in the user's cache folder
(``~/.cache/matplotlib/fontlist-*.json``, or under ``MPLCONFIGDIR``), made the first time it
runs and read ever after. A font installed later (``apt-get install fonts-noto-cjk``, a theme's
font) is then missing from it: figures fall back to DejaVu (Chinese turns into empty boxes) and
equations to matplotlib's own font, silently, while fontconfig, LibreOffice and the browser use
the new font. So the figures and equations would depend on the order in which things were
installed.

``follow_fontconfig()`` makes matplotlib's list, in this process, hold every font file that
fontconfig lists (``fc-list``) and the cached list lacks: a set difference of paths, and
``FontManager.addfont`` for each file missing (usually none). It runs when matplotlib's font
manager is loaded, not before: a process that never draws never pays for matplotlib.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import logging
import os
import shutil
import subprocess
import sys

_FONT_MANAGER = "matplotlib.font_manager"
_SUFFIXES = (".ttf", ".otf", ".ttc")  # the font files matplotlib reads (besides .afm, which fontconfig skips)
_done = False

log = logging.getLogger(__name__)


def follow_fontconfig() -> None:
    """Give matplotlib the fonts fontconfig knows, now if its font manager is loaded, else once it is."""
    if _done:
        return
    if _FONT_MANAGER in sys.modules:
        _add_missing_fonts(sys.modules[_FONT_MANAGER])
    elif not any(isinstance(finder, _AfterFontManager) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterFontManager())


def fontconfig_files() -> list[str]:
    """The font files fontconfig lists, once each; none where fontconfig is not installed."""
    if not shutil.which("fc-list"):
        return []
    try:
        listed = subprocess.run(["fc-list", "--format=%{file}\\n"], capture_output=True, text=True,
                                timeout=30, check=True).stdout
    except (subprocess.SubprocessError, OSError):
        return []
    return list(dict.fromkeys(line for line in listed.splitlines() if line.lower().endswith(_SUFFIXES)))


def _add_missing_fonts(font_manager) -> None:
    global _done
    _done = True
    known = {os.path.realpath(font.fname) for font in font_manager.fontManager.ttflist}
    for path in fontconfig_files():
        if os.path.realpath(path) in known:
            continue
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError) as error:  # a file FreeType cannot read: matplotlib skips it too
            log.debug("matplotlib cannot read the font %s: %s", path, error)


class _AfterFontManager(importlib.abc.MetaPathFinder):
    """Finds matplotlib.font_manager as usual, and adds the missing fonts right after it has loaded."""

    def find_spec(self, name, path=None, target=None):
        if name != _FONT_MANAGER:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenAddFonts(spec.loader)
        return spec


class _ThenAddFonts(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        self.loader.exec_module(module)
        try:
            _add_missing_fonts(module)
        except Exception as error:  # noqa: BLE001 - never let this break matplotlib: it keeps its own list
            log.debug("could not add fontconfig's fonts to matplotlib's: %s", error)
