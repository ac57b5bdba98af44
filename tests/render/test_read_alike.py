"""A slide reads the same in every output: the checks that need no browser (slides.pptx read back with
python-pptx, LibreOffice's rendering of it, the HTML markup). tests/browser/test_read_alike_browser.py
measures the HTML side in Chromium."""

from __future__ import annotations

from generator.deck import Bullet, Bullets, Slide
from generator.preview.pages import SlidePages
from generator.render.pptx.plan import title_scale
from tests.decks import deck, text

LONG_TITLE = (
    "A very long slide title that goes on and on about how the vanishing gradient problem made deep "
    "networks with saturating activations hard to train for many years"
)
BULLETS = Bullets((Bullet(text("One point")), Bullet(text("Another point"))))


def test_a_long_titles_fitted_size_reaches_the_html_as_data():
    lecture = deck(
        Slide(kind="content", layout="bullets", title=text(LONG_TITLE), blocks=(BULLETS,)),
        Slide(kind="content", layout="bullets", title=text("Short"), blocks=(BULLETS,)),
    )
    scales = [title_scale(lecture, slide) for slide in lecture.slides]
    assert scales[0] < 1 and scales[1] == 1
    # The preview swaps slides by their markup in the page: a slide with a shrunk title is still found there.
    rendered = SlidePages().render(lecture, ())
    assert rendered.fragments is not None
    assert f'style="--title-fit: {scales[0]:.3f}"' in rendered.fragments[0]
    assert "--title-fit" not in rendered.fragments[1]
