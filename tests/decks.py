"""Decks built by hand for the renderer tests: the small builders every renderer's tests share.

Sample decks that exercise one renderer stay with that renderer's tests; what they are made of
(runs, metadata, theme, numbering, pictures) is built here, once.
"""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image, ImageDraw

from generator.deck import Deck, Inline, Meta, Run, Slide, Theme


def text(value: str) -> Inline:
    """One plain run."""
    return (Run(value),)


def meta(**changes: str) -> Meta:
    values = dict(
        title="Deep Nets",
        subtitle="Why depth is hard",
        author="Ada Lovelace",
        affiliation="Engine Institute",
        date="2025-03-14",
        series="Lecture 3",
        credit="Based on Glorot & Bengio (2010)",
        language="en",
        slug="deep-nets",
    )
    values.update(changes)
    return Meta(**values)


def theme(**changes: str) -> Theme:
    values = dict(
        accent="#0072B2",
        font="DejaVu Sans",
        font_east_asian="Noto Sans CJK SC",
        font_code="DejaVu Sans Mono",
        aspect="16:9",
    )
    values.update(changes)
    return Theme(**values)


def numbered(slides: tuple[Slide, ...] | list[Slide]) -> tuple[Slide, ...]:
    """The slides with their 1-based numbers, as resolve gives them."""
    return tuple(replace(slide, number=number) for number, slide in enumerate(slides, start=1))


def deck(*slides: Slide, **meta_changes: str) -> Deck:
    return Deck(meta=meta(**meta_changes), theme=theme(), slides=numbered(slides))


def png(width: int, height: int) -> bytes:
    """A picture with a frame and a diagonal, so scaling and distortion show."""
    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle([10, 10, width - 10, height - 10], outline="navy", width=4)
    draw.line([10, height - 10, width - 10, 10], fill="orange", width=4)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def matplotlib_figure(title: str = "tiny", size: tuple[float, float] = (2, 1.5), curves: bool = False) -> tuple[str, bytes]:
    """A real matplotlib figure as (SVG text, PNG bytes): what the demos' drawers produce."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=size)
    if curves:
        xs = [x / 10 for x in range(-50, 51)]
        axes.plot(xs, [1 / (1 + 2.718281828**-x) for x in xs], label="sigmoid")
        axes.plot(xs, [max(0.0, x) / 5 for x in xs], label="ReLU / 5")
        axes.set_xlabel("x")
        axes.legend()
    else:
        axes.plot([0, 1, 2], [1, 0, 2])
    axes.set_title(title)
    svg, raster = io.StringIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    figure.savefig(raster, format="png", dpi=40)
    plt.close(figure)
    return svg.getvalue(), raster.getvalue()
