"""The course site's page: OUTPUT/index.html, one card per lecture.

Each card has the lecture's title, date and a thumbnail of its title slide, drawn in HTML and CSS
from the same Deck the slides show (its series, title, subtitle, byline and date, on the accent
fill, in the lecture's fonts, at the deck's aspect ratio), and links to the outputs this build
made of it. Like the other pages it holds everything it needs (no script, no fetch: its
Content-Security-Policy allows none) and is checked by axe-core and the Nu checker. The template
is ``templates/html/course.html.j2`` (a user's ``--templates`` folder may replace it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import deck as d
from generator.render.contrast import accent_fill
from generator.render.html.page import BODY_FALLBACKS, content_security_policy, font_stack, report_theme_css, text_direction
from generator.render.html.templates import render_template, stylesheet, template_environment
from generator.render.html.views import PageView

# The outputs a card links to, in this order, with the words the link says.
LINKS = (
    ("slides.html", "Slides", "HTML slides"),
    ("report.html", "Report", "lecture notes"),
    ("slides.pptx", "PowerPoint", "editable deck"),
    ("slides.pdf", "PDF", "printable slides"),
    ("slides.reveal.html", "reveal.js", "reveal.js slides"),
)


@dataclass(frozen=True)
class LinkView:
    href: str
    text: str
    detail: str


@dataclass(frozen=True)
class ThumbnailView:
    """The title slide in miniature: its words and the look the deck gives them."""

    series: str
    title: str
    subtitle: str
    byline: str
    date: str
    style: str  # the card's custom properties: fill, ink, font, aspect ratio


@dataclass(frozen=True)
class CardView:
    number: int
    title: str
    date: str
    subtitle: str
    language: str  # "" when it is the page's
    direction: str  # "" when it is the page's
    links: tuple[LinkView, ...]
    thumbnail: ThumbnailView | None
    failure: str  # why this build made nothing of it; "" when it built


@dataclass(frozen=True)
class CourseView:
    title: str
    subtitle: str
    byline: str
    english: bool  # whether the page's language is English (the site's own words are)


@dataclass(frozen=True)
class SiteLecture:
    """What the site shows of one lecture: its Deck when it was built, else its title and why it was not."""

    slug: str
    title: str
    date: str
    deck: d.Deck | None
    files: tuple[str, ...]
    failure: str = ""


def thumbnail(deck: d.Deck) -> ThumbnailView:
    meta, theme = deck.meta, deck.theme
    fill = accent_fill(theme.accent)  # as the title slide fills it: white text reads on it (4.5:1)
    ink = "#FFFFFF"
    width, height = (16, 9) if theme.aspect == "16:9" else (4, 3)
    font = font_stack([theme.font, *BODY_FALLBACKS, "sans-serif"])
    style = f"--thumb-fill: {fill}; --thumb-ink: {ink}; --thumb-font: {font}; aspect-ratio: {width} / {height};"
    byline = " · ".join(part for part in (meta.author, meta.affiliation) if part)
    return ThumbnailView(series=meta.series, title=meta.title, subtitle=meta.subtitle, byline=byline, date=meta.date,
                         style=style)


def card(number: int, lecture: SiteLecture, page_language: str) -> CardView:
    deck = lecture.deck
    language = deck.meta.language if deck is not None else ""
    direction = text_direction(language) if language else ""
    links = tuple(LinkView(f"{lecture.slug}/{name}", text, detail)
                  for name, text, detail in LINKS if deck is not None and name in lecture.files)
    return CardView(
        number=number,
        title=lecture.title,
        date=lecture.date,
        subtitle=deck.meta.subtitle if deck is not None else "",
        language=language if language and language != page_language else "",
        direction=direction if direction and direction != text_direction(page_language) else "",
        links=links,
        thumbnail=thumbnail(deck) if deck is not None else None,
        failure=lecture.failure,
    )


def render_index(course_meta, theme: d.Theme, lectures: Sequence[SiteLecture],
                 template_dirs: Sequence[Path] = ()) -> bytes:
    """OUTPUT/index.html for ``lectures`` in order; ``course_meta`` is the course file's `course:`."""
    env = template_environment(template_dirs)
    language = course_meta.language
    page = PageView(
        language=language,
        direction=text_direction(language),
        title=course_meta.title,
        description=course_meta.subtitle,
        author=course_meta.author,
        csp=content_security_policy(()),
        styles=(report_theme_css(theme, language), stylesheet(env, "static/course.css")),
        scripts=(),
    )
    course = CourseView(
        title=course_meta.title,
        subtitle=course_meta.subtitle,
        byline=" · ".join(part for part in (course_meta.author, course_meta.affiliation) if part),
        english=language.split("-")[0].lower() == "en",
    )
    cards = [card(number, lecture, language) for number, lecture in enumerate(lectures, 1)]
    html = render_template(env, "course.html.j2", {"page": page, "course": course, "cards": cards})
    return html.encode("utf-8")

