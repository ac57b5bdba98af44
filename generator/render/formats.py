"""The output formats: one row each, the only list of them.

A format has a name (what ``--format`` takes), help text (what ``--help``
prints), whether a plain build makes it, a preflight check run before any demo
trains (so a missing Chromium is said at once, not after minutes of training),
and a render step from the Deck to bytes per output file. The CLI's choices,
its help and the build's render loop all come from :func:`output_formats`.

Adding a format is one module with its renderer plus one :func:`register_format`
call; outside code registers its own the same way. Renderers are imported inside
the render steps, so listing formats for ``--help`` loads none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.deck import Deck
    from generator.errors import Problem


@dataclass(frozen=True)
class BuildTarget:
    """Where a build writes and what it was asked for, as far as a preflight check needs it."""

    output_dir: Path  # OUTPUT, the parent of the lecture's folder
    revealjs_url: str | None = None


@dataclass
class RenderRequest:
    """What a render step gets: the Deck and the build's settings; it may read what earlier formats made."""

    deck: Deck
    template_dirs: Sequence[Path]
    lecture_dir: Path  # OUTPUT/<slug>: relative links in the outputs start here
    revealjs_url: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # rendered so far, by earlier formats
    # The Deck before overfull slides were split: the report reads each topic whole, with no "(cont.)".
    unsplit_deck: Deck | None = None
    problems: list[Problem] = field(default_factory=list)  # warnings a renderer has for the user


@dataclass(frozen=True)
class OutputFormat:
    name: str
    help: str
    default: bool
    render: Callable[[RenderRequest], Mapping[str, bytes]]
    # The files it writes into the lecture's folder: a build of other formats leaves them in place.
    files: tuple[str, ...] = ()
    preflight: Callable[[BuildTarget], None] | None = None


_FORMATS: dict[str, OutputFormat] = {}


def register_format(output_format: OutputFormat) -> OutputFormat:
    """Add a format; formats render in the order they were registered."""
    if output_format.name in _FORMATS and _FORMATS[output_format.name] is not output_format:
        raise ValueError(f"output format {output_format.name!r} is registered twice")
    _FORMATS[output_format.name] = output_format
    return output_format


def unregister_format(name: str) -> None:
    """Forget a format (for tests that register formats of their own)."""
    _FORMATS.pop(name, None)


def output_formats() -> Mapping[str, OutputFormat]:
    return dict(_FORMATS)


def default_formats() -> tuple[str, ...]:
    return tuple(name for name, output_format in _FORMATS.items() if output_format.default)


FIGURES_FOLDER = "figures/"  # every build draws the figures its slides show


def produced_by(names: Sequence[str]) -> Callable[[str], bool]:
    """Whether an output file is one that a build of these formats makes (figures always are)."""
    chosen = [_FORMATS[name] for name in names if name in _FORMATS]
    files = {file for output_format in chosen for file in output_format.files}
    return lambda path: path.startswith(FIGURES_FOLDER) or path in files


def render_formats(request: RenderRequest, names: Sequence[str]) -> dict[str, bytes]:
    """Every file of the chosen formats, in the table's order, plus the figures' own files."""
    for name, output_format in _FORMATS.items():
        if name in names:
            request.files.update(output_format.render(request))
    for asset in request.deck.figures:
        request.files[f"{FIGURES_FOLDER}{asset.file_stem}.png"] = asset.png
        request.files[f"{FIGURES_FOLDER}{asset.file_stem}.svg"] = asset.svg.encode()
    return request.files


# -- the built-in formats -------------------------------------------------------------------------


def _pptx(request: RenderRequest) -> dict[str, bytes]:
    from generator.render.pptx import render_pptx_with_problems

    rendered = render_pptx_with_problems(request.deck)
    request.problems.extend(rendered.problems)
    return {"slides.pptx": rendered.data}


def _slides_html(request: RenderRequest) -> bytes:
    from generator.render.html import render_slides_html

    return request.files.get("slides.html") or render_slides_html(request.deck, request.template_dirs).encode()


def _html(request: RenderRequest) -> dict[str, bytes]:
    return {"slides.html": _slides_html(request)}


def _check_chromium(target: BuildTarget) -> None:
    from generator.render.pdf import find_chromium

    find_chromium()


def _pdf(request: RenderRequest) -> dict[str, bytes]:
    from generator.render.pdf import render_pdf

    return {"slides.pdf": render_pdf(_slides_html(request).decode(), request.deck.meta.date)}


def _report(request: RenderRequest) -> dict[str, bytes]:
    from generator.render.html import render_report_html

    return {"report.html": render_report_html(request.unsplit_deck or request.deck, request.template_dirs).encode()}


def _check_reveal_location(target: BuildTarget) -> None:
    from generator.render.revealjs import DEFAULT_REVEALJS_URL, URL_SCHEME, reveal_location

    url = target.revealjs_url or DEFAULT_REVEALJS_URL
    if URL_SCHEME.match(url) or Path(url).is_absolute():
        # A relative folder is checked when rendering: it is relative to OUTPUT/<slug>, whose slug comes later.
        reveal_location(url, target.output_dir)


def _revealjs(request: RenderRequest) -> dict[str, bytes]:
    from generator.render.revealjs import DEFAULT_REVEALJS_URL, REVEALJS_OUTPUT, reveal_location, render_revealjs_html

    root = reveal_location(request.revealjs_url or DEFAULT_REVEALJS_URL, request.lecture_dir)
    return {REVEALJS_OUTPUT: render_revealjs_html(request.deck, request.template_dirs, root).encode()}


register_format(OutputFormat("pptx", "slides.pptx, an editable PowerPoint deck", True, _pptx, ("slides.pptx",)))
register_format(OutputFormat("html", "slides.html, a self-contained HTML slide deck", True, _html, ("slides.html",)))
register_format(OutputFormat("report", "report.html, long-form lecture notes", True, _report, ("report.html",)))
register_format(OutputFormat("pdf", "slides.pdf, the HTML deck printed by headless Chromium", False, _pdf,
                             ("slides.pdf",), preflight=_check_chromium))
register_format(OutputFormat("revealjs", "slides.reveal.html, for reveal.js", False, _revealjs,
                             ("slides.reveal.html",), preflight=_check_reveal_location))
