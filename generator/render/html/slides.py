"""The self-contained slide deck (slides.html), and the slide views the reveal.js page shares."""

from __future__ import annotations

import json
from dataclasses import replace
from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2

from generator.deck import Deck, Meta, Slide, plain_text
from generator.errors import BuildError
from generator.interface_words import InterfaceWords
from generator.render.html.blocks import slide_block_views
from generator.render.html.inline import inline_html
from generator.render.html.page import page_view, stage_view, theme_css
from generator.render.html.templates import render_template, static_text, stylesheet, template_environment
from generator.render.html.views import BlockView, SlideView
from generator.slide_layouts import slide_columns

SLIDES_TEMPLATE = "slides.html.j2"
SLIDES_CSS = "static/slides.css"
BLOCKS_CSS = "static/blocks.css"  # content blocks, shared by the slide deck and the reveal.js page
SLIDES_JS = "static/slides.js"
FIT_JS = "static/fit.js"  # shrink-to-fit, shared with the reveal.js page


def render_slides_html(
    deck: Deck,
    template_dirs: Sequence[Path] = (),
    *,
    env: jinja2.Environment | None = None,
    view: Callable[[Slide, int, InterfaceWords], SlideView] | None = None,
) -> str:
    """The slide deck as one HTML document. Pure and deterministic.

    ``env``: an environment from ``template_environment(template_dirs)`` to reuse; ``view``: a stand-in for
    :func:`slide_view` that gives the same views (the preview's remembers those of unchanged slides).
    """
    env = env or template_environment(template_dirs)
    view = view or slide_view
    stage = stage_view(deck.theme)
    slides = tuple(view(slide, position, deck.meta.labels) for position, slide in enumerate(deck.slides, start=1))
    slides = with_title_scales(deck, slides)
    # One inline script (one hash in the policy): the shared shrink-to-fit, then the slides' own.
    script = static_text(env, FIT_JS, closing_tag="</script") + "\n" + static_text(env, SLIDES_JS, closing_tag="</script")
    sheets = (stylesheet(env, BLOCKS_CSS), stylesheet(env, SLIDES_CSS))
    page = page_view(deck, env, theme_css(deck.theme, deck.meta.language, stage), sheets, (script,))
    return render_template(
        env,
        SLIDES_TEMPLATE,
        {
            "page": page,
            "meta": deck.meta,
            "stage": stage,
            "slides": slides,
            "slide_count": len(slides),
            "script_words": script_words_json(deck.meta.labels),
        },
    )


SLIDE_PARTIAL = "partials/slide.html.j2"  # slides.html.j2 draws each slide with its `slide` macro


def slide_fragment(env: jinja2.Environment, view: SlideView, meta: Meta, slide_count: int) -> str:
    """One slide's markup, as the built-in slides.html.j2 places it in the page (the preview swaps changed
    slides in place; it checks that the page holds each slide's markup, since a template folder may draw
    the page another way)."""
    try:
        return str(env.get_template(SLIDE_PARTIAL).module.slide(view, meta, slide_count))
    except jinja2.TemplateError as exc:
        raise BuildError(f"{SLIDE_PARTIAL}: {exc}") from exc


def script_words_json(labels: InterfaceWords) -> str:
    """The words slides.js shows, as JSON for a data attribute (the page's policy allows no other script)."""
    return json.dumps(labels.script_words(), ensure_ascii=False, sort_keys=True)


def slide_view(slide: Slide, position: int, labels: InterfaceWords) -> SlideView:
    try:
        return SlideView(
            number=position,
            kind=slide.kind,
            layout=slide.layout,
            title=inline_html(slide.title),
            title_text=plain_text(slide.title),
            subtitle=inline_html(slide.subtitle),
            section=slide.section,
            columns=_columns(slide, position, labels),
            notes=tuple(inline_html(paragraph) for paragraph in slide.notes),
        )
    except BuildError as exc:
        where = f"{slide.source}: " if slide.source else ""
        raise BuildError(f"{where}slide {position} ({plain_text(slide.title)!r}): {exc.message}") from exc


def with_title_scales(deck: Deck, views: Sequence[SlideView]) -> tuple[SlideView, ...]:
    """The views with each title shrunk as PowerPoint's plan shrinks it: the fitting rules are the plan's
    (render/pptx/plan.title_scale: text measured with the theme's fonts, no python-pptx), computed here so
    the template gets a number and no script has to measure the title in the browser."""
    from generator.render.pptx.frames import deck_geometry
    from generator.render.pptx.plan import title_scale

    geometry = deck_geometry(deck.theme)
    return tuple(
        view if (scale := title_scale(deck, slide, geometry)) >= 1 else replace(view, title_scale=scale)
        for slide, view in zip(deck.slides, views)
    )


def _columns(slide: Slide, position: int, labels: InterfaceWords) -> tuple[tuple[BlockView, ...], ...]:
    # The columns are the Deck's (slide_layouts.slide_columns); each block keeps the id prefix of its place.
    views = dict(zip(map(id, slide.blocks), slide_block_views(slide, position, labels)))
    return tuple(tuple(views[id(block)] for block in column) for column in slide_columns(slide))
