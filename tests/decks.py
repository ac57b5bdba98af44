"""Decks built by hand for the renderer tests: the small builders every renderer's tests share,
and the deck with one slide of every layout that the browser tests open.

Sample decks that exercise one renderer stay with that renderer's tests; what they are made of
(runs, metadata, theme, numbering, pictures) is built here, once.
"""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image, ImageDraw

from generator.deck import Bullet, Bullets, Code, Deck, Figure, FigureAsset, Inline, Meta, Quote, Run, Slide, Table, Theme
from generator.deck import Image as PictureBlock


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


def _figure(name: str, title: str, number: int, caption: str) -> Figure:
    svg, png = matplotlib_figure(title, size=(6.4, 4.0), curves=True)
    asset = FigureAsset(
        name=name, png=png, svg=svg, width_px=640, height_px=400, alt=f"Line chart: {title}"
    )
    return Figure(asset=asset, number=number, caption=(Run(caption),))


def every_layout_deck() -> Deck:
    """A lecture with one slide of every layout, some of them deliberately full."""
    svg_picture = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90" viewBox="0 0 160 90">'
        b'<rect width="160" height="90" fill="#dbe9f4"/><circle cx="80" cy="45" r="30" fill="#0072B2"/></svg>'
    )
    long_bullets = tuple(
        Bullet(
            text=(Run(f"Point {i}: "), Run("gradients", bold=True), Run(" shrink through "), Run(r"\sigma'(x) \le \tfrac14", math=True)),
            children=(Bullet(text=text("a sub-point that explains the point above in a few more words")),),
        )
        for i in range(1, 8)
    )
    slides = (
        Slide(
            kind="title",
            layout="title",
            title=text("Why Deep Networks Were Hard to Train"),
            subtitle=text("Activations, initialisation and the vanishing gradient"),
            notes=(text("Welcome everyone."),),
        ),
        Slide(kind="section", layout="section", title=text("Activations"), subtitle=text("What a neuron passes on"), section="Activations"),
        Slide(
            kind="content",
            layout="bullets",
            title=text("The vanishing gradient"),
            section="Activations",
            blocks=(
                Bullets(
                    items=(
                        Bullet(text=(Run("Backprop multiplies one factor per layer: "), Run(r"\prod_{l=1}^{L} \sigma'(z_l)", math=True))),
                        Bullet(
                            text=(Run("With "), Run("sigmoid", code=True), Run(", each factor is at most "), Run("0.25", bold=True)),
                            children=(
                                Bullet(text=(Run("so 10 layers give "), Run(r"0.25^{10} \approx 10^{-6}", math=True))),
                                Bullet(text=(Run("early layers barely learn", italic=True),)),
                            ),
                        ),
                        Bullet(text=(Run("Read more: "), Run("Glorot & Bengio (2010)", href="https://proceedings.mlr.press/v9/glorot10a.html"))),
                        Bullet(text=(Run("中文字体回退：梯度消失"),)),
                    )
                ),
            ),
            notes=(text("Ask who has seen the chain rule."), text("Second paragraph of notes.")),
        ),
        Slide(
            kind="content",
            layout="bullets",
            title=text("A full slide: seven points, each with a sub-point, that must still fit"),
            section="Activations",
            blocks=(Bullets(items=long_bullets),),
        ),
        Slide(
            kind="content",
            layout="figure",
            title=text("Sigmoid against ReLU"),
            section="Activations",
            blocks=(_figure("act.curves", "Activation functions", 1, "Sigmoid saturates; ReLU does not."),),
        ),
        Slide(
            kind="content",
            layout="figure_bullets",
            title=text("Derivatives side by side"),
            section="Activations",
            blocks=(
                _figure("act.derivatives", "Derivatives", 2, "The derivative of the sigmoid peaks at 0.25."),
                Bullets(items=(Bullet(text=text("Sigmoid: at most 0.25")), Bullet(text=text("ReLU: 0 or 1")), Bullet(text=text("Deep nets prefer ReLU")))),
            ),
        ),
        Slide(
            kind="content",
            layout="figure",
            title=text("A picture file"),
            section="Activations",
            blocks=(
                PictureBlock(
                    data=svg_picture,
                    filename="dot.svg",
                    media_type="image/svg+xml",
                    width_px=160,
                    height_px=90,
                    alt="A blue dot",
                    number=3,
                    caption=text("A picture embedded as a data URI."),
                ),
            ),
        ),
        Slide(
            kind="content",
            layout="table",
            title=text("Accuracy by depth"),
            section="Results",
            blocks=(
                Table(
                    header=(text("Activation"), text("Depth 4"), text("Depth 8"), text("Depth 16")),
                    rows=(
                        (text("sigmoid"), text("91.2%"), text("64.0%"), text("11.3%")),
                        (text("tanh"), text("93.5%"), text("90.1%"), text("71.8%")),
                        (text("ReLU"), text("95.1%"), text("95.8%"), text("94.9%")),
                    ),
                    caption=text("Test accuracy after 5 epochs, mean of 3 seeds."),
                ),
            ),
        ),
        Slide(
            kind="content",
            layout="code",
            title=text("The training step"),
            section="Results",
            blocks=(
                Code(
                    source=(
                        "def train_step(model, batch, optimiser):\n"
                        "    x, y = batch\n"
                        "    loss = F.cross_entropy(model(x), y)  # a long comment that makes this line wrap on the slide if needed\n"
                        "    optimiser.zero_grad()\n"
                        "    loss.backward()\n"
                        "    optimiser.step()\n"
                        "    return loss.item()\n"
                    ),
                    language="python",
                ),
            ),
        ),
        Slide(
            kind="content",
            layout="quote",
            title=text("In their words"),
            section="Results",
            blocks=(
                Quote(
                    text=text("We find that the logistic sigmoid activation is unsuited for deep networks with random initialization."),
                    attribution=text("Glorot & Bengio, 2010"),
                ),
            ),
        ),
        Slide(
            kind="closing",
            layout="closing",
            title=text("Summary"),
            blocks=(Bullets(items=(Bullet(text=text("Saturating activations shrink gradients")), Bullet(text=text("ReLU and good initialisation fix most of it")))),),
            notes=(text("Questions?"),),
        ),
    )
    return Deck(
        meta=meta(
            title="Why Deep Networks Were Hard to Train",
            subtitle="Activations, initialisation and the vanishing gradient",
            affiliation="Analytical Engine Institute",
            series="Deep Learning, Lecture 3",
            credit="Based on Glorot & Bengio (2010), Understanding the difficulty of training deep feedforward neural networks",
            slug="why-deep",
        ),
        theme=theme(),
        slides=numbered(slides),
    )
