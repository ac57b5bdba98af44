"""The self-contained slide deck (slides.html), and the slide views the reveal.js page shares."""

from __future__ import annotations

import json
from dataclasses import replace
from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2

from generator.deck import Deck, Meta, Slide, Table, plain_text
from generator.errors import BuildError
from generator.interface_words import InterfaceWords
from generator.render.html.blocks import slide_block_views
from generator.render.html.inline import inline_html
from generator.render.html.page import page_view, stage_view, theme_css
from generator.render.html.templates import render_template, static_text, stylesheet, template_environment
from generator.render.html.views import BlockView, SlideView, TableView
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
    slides = with_plan_sizes(deck, slides)
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


def with_plan_sizes(deck: Deck, views: Sequence[SlideView]) -> tuple[SlideView, ...]:
    """The views with the sizes PowerPoint's plan gives: each title shrunk as the plan shrinks it
    (render/pptx/plan.title_scale), and each table as tall as the plan draws it (its rows stretched to
    use the slide, tables.stretched_rows). The rules are the plan's (text measured with the theme's
    fonts, no python-pptx), computed here so the template gets numbers and no script measures."""
    from generator.render.pptx.frames import deck_geometry
    from generator.render.pptx.plan import TableShape, plan_slide, title_scale

    geometry = deck_geometry(deck.theme)
    px_per_emu = stage_view(deck.theme).width / geometry.width
    sized = []
    for slide, view in zip(deck.slides, views):
        if (scale := title_scale(deck, slide, geometry)) < 1:
            view = replace(view, title_scale=scale)
        if any(isinstance(block, Table) for block in slide.blocks):
            planned = [shape.plan for shape in plan_slide(deck, slide, slide.number, geometry).shapes
                       if isinstance(shape, TableShape)]
            view = replace(view, columns=_tables_sized(view.columns, planned, px_per_emu))
        sized.append(view)
    return tuple(sized)


def _tables_sized(columns, planned, px_per_emu: float):
    """The columns with each table view given its planned height, in drawing order (the plan's order)."""
    plans = iter(planned)

    def sized(block):
        if not isinstance(block, TableView):
            return block
        plan = next(plans, None)
        if plan is None or not plan.stretched:
            return block
        return replace(block, planned_height_px=round(plan.height * px_per_emu))

    return tuple(tuple(sized(block) for block in column) for column in columns)


def _columns(slide: Slide, position: int, labels: InterfaceWords) -> tuple[tuple[BlockView, ...], ...]:
    # The columns are the Deck's (slide_layouts.slide_columns); each block keeps the id prefix of its place.
    views = dict(zip(map(id, slide.blocks), slide_block_views(slide, position, labels)))
    return tuple(tuple(views[id(block)] for block in column) for column in slide_columns(slide))
