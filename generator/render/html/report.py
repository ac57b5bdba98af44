"""The long-form report (lecture notes, report.html).

The same deck read as a document: the title slide becomes the title block,
each section divider a chapter (its notes the chapter's introduction), each
content slide a subsection whose speaker notes become its prose, and an
appendix records where every number came from. Anchors are the slides' own
("#slide-5" is slide 5 in both files) and figure numbers are the slides'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from generator.deck import Deck, Figure, Slide, plain_text
from generator.errors import BuildError
from generator.render.html.blocks import slide_block_views
from generator.render.html.inline import inline_html
from generator.render.html.page import CSS_PX_PER_INCH, CSS_PX_PER_REM, REPORT_MEASURE_REM, page_view, report_theme_css
from generator.render.html.templates import render_template, stylesheet, template_environment
from generator.render.html.views import BlockView

REPORT_TEMPLATE = "report.html.j2"
REPORT_CSS = "static/report.css"
PROVENANCE_ID = "provenance"
# Figures in the report fill its text column (REPORT_MEASURE_REM wide) at this width to height.
REPORT_FIGURE_ASPECT = 16 / 10


@dataclass(frozen=True)
class ReportEntryView:
    """One content slide as a subsection."""

    id: str  # "slide-N", N the slide's position, as in the slide deck
    number: int
    title: Markup
    title_text: str
    subtitle: Markup
    blocks: tuple[BlockView, ...]  # in the content's order
    notes: tuple[Markup, ...]  # speaker notes, as paragraphs
    level: int  # heading level: 3 under a section, 2 where there is none


@dataclass(frozen=True)
class ReportSectionView:
    """A section divider (or the closing slide) and the slides that follow it."""

    id: str  # "slide-N" of the divider; "" for slides before any divider
    number: int
    kind: str  # "section", "closing" or "loose" (content before any divider: no heading)
    title: Markup
    title_text: str
    subtitle: Markup
    intro: tuple[Markup, ...]  # a divider's notes: the section's opening prose
    blocks: tuple[BlockView, ...]
    notes: tuple[Markup, ...]  # a closing slide's notes, after its blocks
    entries: tuple[ReportEntryView, ...]


@dataclass(frozen=True)
class TitleBlockView:
    series: str
    title: Markup
    subtitle: Markup
    author: str
    affiliation: str
    date: str
    credit: str
    blocks: tuple[BlockView, ...]  # whatever the title slide itself holds
    notes: tuple[Markup, ...]  # the title slide's notes: the report's opening prose


@dataclass(frozen=True)
class DemoRunView:
    name: str
    kind: str
    device: str
    device_name: str
    seed: str
    wall_time: str
    source: str  # "ran" or "from cache"
    from_cache: bool
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PackageVersionView:
    package: str
    version: str  # several versions joined with ", " when the runs disagree


@dataclass(frozen=True)
class ProvenanceView:
    id: str
    profile: str
    runs: tuple[DemoRunView, ...]
    packages: tuple[PackageVersionView, ...]
    ran_count: int
    cached_count: int


def render_report_html(deck: Deck, template_dirs: Sequence[Path] = (), *, env: jinja2.Environment | None = None) -> str:
    """The lecture notes as one HTML document. Pure and deterministic.

    ``env``: an environment from ``template_environment(template_dirs)`` to reuse (the preview keeps one).
    """
    env = env or template_environment(template_dirs)
    title_block, sections = report_structure(deck)
    page = page_view(deck, env, report_theme_css(deck.theme, deck.meta.language), (stylesheet(env, REPORT_CSS),), ())
    return render_template(
        env,
        REPORT_TEMPLATE,
        {
            "page": page,
            "meta": deck.meta,
            "title_block": title_block,
            "sections": sections,
            "provenance": provenance_view(deck),
        },
    )


def report_structure(deck: Deck) -> tuple[TitleBlockView, tuple[ReportSectionView, ...]]:
    """The title block and the sections, each holding its content slides in order."""
    meta = deck.meta
    labels = meta.labels
    title_block = TitleBlockView(
        series=meta.series,
        title=Markup(escape(meta.title)),
        subtitle=Markup(escape(meta.subtitle)),
        author=meta.author,
        affiliation=meta.affiliation,
        date=meta.date,
        credit=meta.credit,
        blocks=(),
        notes=(),
    )
    sections: list[ReportSectionView] = []
    seen_title = False
    for position, slide in enumerate(deck.slides, start=1):
        slide = _with_report_drawings(slide)
        try:
            if slide.kind == "title" and not seen_title:
                seen_title = True
                title_block = replace(
                    title_block,
                    title=inline_html(slide.title) or title_block.title,
                    subtitle=inline_html(slide.subtitle) or title_block.subtitle,
                    blocks=slide_block_views(slide, position, labels),
                    notes=_paragraphs(slide),
                )
            elif slide.kind in ("section", "closing"):
                sections.append(
                    ReportSectionView(
                        id=f"slide-{position}",
                        number=position,
                        kind=slide.kind,
                        title=inline_html(slide.title),
                        title_text=plain_text(slide.title),
                        subtitle=inline_html(slide.subtitle),
                        intro=_paragraphs(slide) if slide.kind == "section" else (),
                        blocks=slide_block_views(slide, position, labels),
                        notes=_paragraphs(slide) if slide.kind == "closing" else (),
                        entries=(),
                    )
                )
            else:
                # Content after the closing slide, or before any divider, has no
                # section to join: it gets a heading-less group of its own.
                if not sections or sections[-1].kind == "closing":
                    sections.append(
                        ReportSectionView(
                            id="", number=position, kind="loose", title=Markup(""), title_text="",
                            subtitle=Markup(""), intro=(), blocks=(), notes=(), entries=(),
                        )
                    )
                current = sections[-1]
                entry = ReportEntryView(
                    id=f"slide-{position}",
                    number=position,
                    title=inline_html(slide.title),
                    title_text=plain_text(slide.title),
                    subtitle=inline_html(slide.subtitle),
                    blocks=slide_block_views(slide, position, labels),
                    notes=_paragraphs(slide),
                    level=2 if current.kind == "loose" else 3,
                )
                sections[-1] = replace(current, entries=(*current.entries, entry))
        except BuildError as exc:
            where = f"{slide.source}: " if slide.source else ""
            raise BuildError(f"{where}slide {position} ({plain_text(slide.title)!r}): {exc.message}") from exc
    return title_block, tuple(sections)


def report_figure_size_in() -> tuple[float, float]:
    """The size figures are drawn at for the report: its text column's width in CSS pixels (the CSS
    takes it from REPORT_MEASURE_REM), at 96 per inch, so that 12 pt in the figure is 16 px on the page."""
    width_px = REPORT_MEASURE_REM * CSS_PX_PER_REM
    return width_px / CSS_PX_PER_INCH, width_px / CSS_PX_PER_INCH / REPORT_FIGURE_ASPECT


def _with_report_drawings(slide: Slide) -> Slide:
    """The slide with each figure drawn for the report's column in place of its slide drawing."""
    if not any(isinstance(block, Figure) and block.report_asset is not None for block in slide.blocks):
        return slide
    blocks = tuple(replace(block, asset=block.report_asset) if isinstance(block, Figure) and block.report_asset
                   else block for block in slide.blocks)
    return replace(slide, blocks=blocks)


def _paragraphs(slide: Slide) -> tuple[Markup, ...]:
    return tuple(html for html in (inline_html(paragraph) for paragraph in slide.notes) if html)


def provenance_view(deck: Deck) -> ProvenanceView:
    runs = tuple(
        DemoRunView(
            name=run.name,
            kind=run.kind,
            device=run.device,
            device_name=run.device_name,
            seed=str(run.seed),
            wall_time=format_wall_time(run.wall_s),
            source="from cache" if run.from_cache else "ran",
            from_cache=run.from_cache,
            params=run.params,
        )
        for run in deck.demo_runs
    )
    versions: dict[str, list[str]] = {}
    for run in deck.demo_runs:
        for package, version in run.versions:
            seen = versions.setdefault(package, [])
            if version not in seen:
                seen.append(version)
    packages = tuple(
        PackageVersionView(package=package, version=", ".join(versions[package]))
        for package in sorted(versions, key=str.lower)
    )
    cached = sum(1 for run in deck.demo_runs if run.from_cache)
    return ProvenanceView(
        id=PROVENANCE_ID,
        profile=deck.profile,
        runs=runs,
        packages=packages,
        ran_count=len(runs) - cached,
        cached_count=cached,
    )


def format_wall_time(seconds: float) -> str:
    """A demo's wall time for people: "0.042 s", "3.14 s", "2 min 05 s"."""
    if not 0 <= seconds < float("inf"):  # negative, infinite or NaN
        return "unknown"
    if seconds < 1:
        return f"{seconds:.3f} s"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
