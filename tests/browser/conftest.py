"""A real Chromium for the slide deck tests, and a deck that uses every layout.

The browser is Debian's /usr/bin/chromium driven by Playwright; the tests skip
only where that binary is missing (CI installs it). The launch flags switch
off Chromium's own background traffic so that any request the tests see came
from the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.deck import (
    Bullet,
    Bullets,
    Code,
    Deck,
    Figure,
    FigureAsset,
    Image,
    Quote,
    Run,
    Slide,
    Table,
)
from generator.render.html import render_slides_html
from tests.decks import matplotlib_figure, meta, numbered, text, theme

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
                Image(
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


@pytest.fixture(scope="session")
def deck() -> Deck:
    return every_layout_deck()


@pytest.fixture(scope="session")
def deck_file(deck: Deck, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slides") / "slides.html"
    path.write_text(render_slides_html(deck), encoding="utf-8")
    return path
