"""Where the files that ship with lecturegen live.

In a wheel, ``templates/`` and ``content/`` are copied into the package
(``generator/templates``, ``generator/content_files``); in a source checkout
they sit beside the package. Everything that needs them asks here.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(installed_name: str, checkout_name: str) -> Path:
    installed = _PACKAGE / installed_name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / checkout_name


def templates_dir() -> Path:
    return _bundled("templates", "templates")


def content_dir() -> Path:
    return _bundled("content_files", "content")


def default_lecture() -> Path:
    return content_dir() / "deep_learning.yaml"
