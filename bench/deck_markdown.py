"""The default lecture's Deck, as lecturegen builds it, written as Markdown for the peers the benches time.

- ``deck_of``: the paginated Deck of a lecture, through the build's own stages (demos from the cache).
- ``pandoc_markdown``: the slides as pandoc Markdown (``pandoc --slide-level=2 -t pptx``): a level-1 heading
  per section slide (its subtitle in its notes), a level-2 heading per slide, bullets, figures as their PNGs, tables, code, quotes, display
  math and speaker notes (``::: notes``).
- ``marp_markdown``: the same slides as Marp Markdown (``marp``): slides split by ``---``, figures as
  their SVGs' PNGs, notes as HTML comments (Marp's presenter notes).

Both peers get the same words, pictures and slide count as lecturegen's own outputs, so timing them on
it is timing the same deck.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.deck import (  # noqa: E402
    Bullet,
    Bullets,
    Code,
    Deck,
    Equation,
    Figure,
    Image,
    Inline,
    Quote,
    Slide,
    Table,
)


def deck_of(content: Path, profile: str = "default", cache_dir: Path | None = None, paginated: bool = True) -> Deck:
    """The lecture's paginated Deck (or, ``paginated=False``, the one before pagination), made as `lecturegen build`
    makes it (its demos must be in the cache)."""
    from generator.build import BuildOptions, chart_specs, demo_run, draw_figures, paginate, prepare
    from generator.build import demo_runner
    from generator.interface_words import figure_words
    from generator.progress import SilentReporter
    from generator.resolve import deck_theme, resolve_deck

    options = BuildOptions(content=content, profile=profile, cache_dir=cache_dir, output_dir=Path("/tmp"))
    reporter = SilentReporter()
    prepared = prepare(options, reporter)
    loaded, jobs = prepared.loaded, prepared.jobs
    runner = demo_runner(options, reporter)
    results = runner.results(jobs)
    words = figure_words(loaded.lecture.lecture.language, loaded.lecture.theme.labels)
    figures = draw_figures(loaded, jobs, results, runner.cache, words, deck_theme(loaded))
    charts = chart_specs(loaded, jobs, results, words)
    quotable = {name: jobs[name].kind.result_schema.mark_missing(cached.result.values, jobs[name].params)
                for name, (cached, _) in results.items()}
    resolved = resolve_deck(loaded, quotable, figures, charts)
    unsplit = replace(resolved.deck, demo_runs=tuple(demo_run(record) for _, record in results.values()),
                      profile=profile)
    if not paginated:
        return unsplit
    deck, _ = paginate(unsplit)
    return deck


def inline_markdown(inline: Inline) -> str:
    parts = []
    for run in inline:
        text = run.text
        if run.math:
            text = f"${text}$"
        elif run.code:
            text = f"`{text}`"
        else:
            text = text.replace("*", "\\*").replace("_", "\\_")
            if run.bold:
                text = f"**{text}**"
            if run.italic:
                text = f"*{text}*"
        if run.href:
            text = f"[{text}]({run.href})"
        parts.append(text)
    return "".join(parts)


def _bullets(items: tuple[Bullet, ...], depth: int = 0) -> list[str]:
    lines = []
    for bullet in items:
        lines.append(f"{'    ' * depth}- {inline_markdown(bullet.text)}")
        lines.extend(_bullets(bullet.children, depth + 1))
    return lines


def _table(table: Table) -> list[str]:
    def row(cells) -> str:
        return "| " + " | ".join(inline_markdown(cell).replace("|", "\\|") for cell in cells) + " |"

    lines = [row(table.header), "|" + "---|" * len(table.header), *(row(cells) for cells in table.rows)]
    if table.caption:
        lines += ["", f"Table: {inline_markdown(table.caption)}"]
    return lines


def _picture(block: Figure | Image, folder: Path, label: str) -> str:
    if isinstance(block, Figure):
        name = f"{block.asset.file_stem}.png"
        data = block.asset.png
    else:
        name = block.filename
        data = block.data
    (folder / name).write_bytes(data)
    caption = f"{label} {block.number}. {inline_markdown(block.caption)}".strip()
    return f"![{caption}]({name})"


def _blocks(slide: Slide, folder: Path) -> list[str]:
    lines: list[str] = []
    for block in slide.blocks:
        if isinstance(block, Bullets):
            lines += _bullets(block.items)
        elif isinstance(block, (Figure, Image)):
            lines.append(_picture(block, folder, "Figure"))
        elif isinstance(block, Table):
            lines += _table(block)
        elif isinstance(block, Code):
            lines += [f"```{block.language or ''}", block.source.rstrip("\n"), "```"]
        elif isinstance(block, Quote):
            lines.append(f"> {inline_markdown(block.text)}")
            if block.attribution:
                lines.append(f">\n> — {inline_markdown(block.attribution)}")
        elif isinstance(block, Equation):
            lines += [f"$${line}$$" for line in block.lines]
        lines.append("")
    return lines


def pandoc_markdown(deck: Deck, folder: Path) -> str:
    """The deck as pandoc Markdown; the pictures it shows are written into ``folder``."""
    meta = deck.meta
    lines = ["---", f"title: \"{meta.title}\"", f"subtitle: \"{meta.subtitle}\"", f"author: \"{meta.author}\"",
             f"date: \"{meta.date}\"", "---", ""]
    for slide in deck.slides:
        if slide.layout == "title":
            continue  # pandoc makes the title slide from the metadata
        level = "#" if slide.layout == "section" else "##"
        lines += [f"{level} {inline_markdown(slide.title)}", ""]
        notes = list(slide.notes)
        if slide.subtitle and slide.layout == "section":
            notes.insert(0, slide.subtitle)  # a section slide holds only its heading in pandoc; its line goes to notes
        elif slide.subtitle:
            lines += [inline_markdown(slide.subtitle), ""]
        lines += _blocks(slide, folder)
        if notes:
            lines += ["::: notes", *(inline_markdown(note) + "\n" for note in notes), ":::", ""]
    return "\n".join(lines)


def marp_markdown(deck: Deck, folder: Path) -> str:
    """The deck as Marp Markdown, one slide per ``---``; the pictures it shows are written into ``folder``."""
    meta = deck.meta
    slides = []
    for slide in deck.slides:
        lines: list[str] = []
        if slide.layout == "title":
            lines += [f"# {meta.title}", "", meta.subtitle, "", f"{meta.author} · {meta.date}"]
        else:
            level = "#" if slide.layout == "section" else "##"
            lines += [f"{level} {inline_markdown(slide.title)}", ""]
            if slide.subtitle:
                lines += [inline_markdown(slide.subtitle), ""]
            lines += _blocks(slide, folder)
        if slide.notes:
            lines += ["<!--", *(inline_markdown(note).replace("--", "- -") for note in slide.notes), "-->"]
        slides.append("\n".join(lines).rstrip() + "\n")
    return "---\nmarp: true\npaginate: true\n---\n\n" + "\n---\n\n".join(slides)
