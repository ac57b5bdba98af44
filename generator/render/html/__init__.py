"""The self-contained HTML outputs: the slide deck (slides.html) and the long-form report (report.html).

One module per concern; each imports only those listed above it:

- ``views``: the frozen view values the templates place (page, stage, slide, block views).
- ``templates``: the Jinja environment, rendering with "FILE:LINE" errors, inlined static files.
- ``inline``: inline runs as escaped HTML, links checked, math as MathML via latex2mathml.
- ``svg``: matplotlib's SVG made fit to sit inline (ids prefixed, styles scoped), and ``scope_css``.
- ``page``: the page frame every output shares: theme CSS, accent colours, font stacks,
  code style (Pygments), text direction and the Content-Security-Policy.
- ``blocks``: the view of each content block, for slides and report alike.
- ``slides``: ``render_slides_html`` and the slide views the reveal.js page reuses.
- ``report``: ``render_report_html``: the lecture notes and their provenance appendix.

The names below are the ones code outside the package uses.
"""

from generator.render.html.inline import inline_html, safe_href, tex_to_mathml
from generator.render.html.page import (
    code_css,
    content_security_policy,
    page_view,
    report_theme_css,
    stage_view,
    theme_css,
)
from generator.render.html.report import format_wall_time, render_report_html
from generator.render.html.slides import BLOCKS_CSS, FIT_JS, render_slides_html, slide_view, with_plan_sizes
from generator.render.html.svg import inline_svg, scope_css
from generator.render.html.templates import render_template, static_text, stylesheet, template_environment

__all__ = [
    "BLOCKS_CSS",
    "FIT_JS",
    "code_css",
    "content_security_policy",
    "format_wall_time",
    "inline_html",
    "inline_svg",
    "page_view",
    "render_report_html",
    "render_slides_html",
    "render_template",
    "report_theme_css",
    "safe_href",
    "scope_css",
    "slide_view",
    "stage_view",
    "static_text",
    "stylesheet",
    "template_environment",
    "tex_to_mathml",
    "theme_css",
    "with_plan_sizes",
]
