"""The deck as reveal.js markup, for people who present with reveal.js.

The slides are the same as in ``slides.html`` -- the same slide and block
partials, so figures (inline SVG), tables, code, MathML and quotes look alike
-- but the page runs reveal.js instead of our own script: one ``<section>`` per
slide, speaker notes in ``<aside class="notes">`` for reveal's notes plugin.

reveal.js itself is not copied into the page: it is linked from a location the
user chooses (``--revealjs-url``): the public CDN by default, or a folder for
offline use. That location is checked before anything is built, and the
page's Content-Security-Policy lets it fetch from there and nowhere else.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from generator.deck import Deck
from generator.errors import UsageError
from generator.render.html import (
    BLOCKS_CSS,
    FIT_JS,
    page_view,
    render_template,
    scope_css,
    slide_view,
    stage_view,
    static_text,
    stylesheet,
    template_environment,
    theme_css,
    with_plan_sizes,
)

REVEALJS_TEMPLATE = "revealjs.html.j2"
REVEALJS_CSS = "static/revealjs.css"
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
REVEALJS_OUTPUT = "slides.reveal.html"

# A pinned release, so the page looks the same next year as it does today.
DEFAULT_REVEALJS_URL = "https://cdn.jsdelivr.net/npm/reveal.js@6.0.2"

# What the page loads from the reveal.js location, relative to it.
REVEAL_CSS = "dist/reveal.css"
REVEAL_SCRIPT = "dist/reveal.js"
NOTES_PLUGIN = "dist/plugin/notes.js"
REQUIRED_FILES = (REVEAL_SCRIPT, REVEAL_CSS, NOTES_PLUGIN)

# The characters a URL may hold here: it lands in an attribute and in the
# security policy, where a space, quote, comma or semicolon would start a new
# source or directive.
WEB_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~!$&()*+=:@%/-]*)?$", re.IGNORECASE)
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class RevealView:
    """Where reveal.js comes from, as the template links it."""

    root: str  # URL, file: URI or a path relative to the page; no trailing slash
    css: str
    script: str
    notes_plugin: str


def reveal_location(value: str, page_folder: Path) -> str:
    """The reveal.js location as the page will link it; a UsageError if it cannot work.

    ``value`` is an http(s) URL, an absolute folder, or a folder relative to
    ``page_folder`` (where the page will be written), since that is how the
    browser resolves a relative link.
    """
    option = f"--revealjs-url {value}"
    if URL_SCHEME.match(value):
        if not WEB_URL.match(value):
            raise UsageError(
                f"{option}: not a usable web address; give an http(s) URL without spaces, quotes, "
                "commas or semicolons, or a folder holding reveal.js"
            )
        return value.rstrip("/")
    folder = Path(value)
    where = folder if folder.is_absolute() else page_folder / folder
    if not folder.is_absolute():
        option += f" (relative to {REVEALJS_OUTPUT}, so {where})"
        # ".." cancels a folder by name, as the browser resolves the link; the page's folder need not exist yet.
        where = Path(os.path.normpath(where))
    if not where.is_dir():
        raise UsageError(
            f"{option}: no such folder; give the reveal.js package folder (npm install reveal.js puts it "
            "in node_modules/reveal.js) or leave the option out to use the CDN"
        )
    missing = [name for name in REQUIRED_FILES if not (where / name).is_file()]
    if missing:
        raise UsageError(
            f"{option}: {', '.join(missing)} missing; point it at the reveal.js package folder, the one "
            "that holds dist/ (npm install reveal.js puts it in node_modules/reveal.js)"
        )
    if folder.is_absolute():
        return folder.resolve().as_uri()
    return quote(folder.as_posix().rstrip("/") or ".", safe="/._-~")


def reveal_view(root: str) -> RevealView:
    return RevealView(
        root=root,
        css=f"{root}/{REVEAL_CSS}",
        script=f"{root}/{REVEAL_SCRIPT}",
        notes_plugin=f"{root}/{NOTES_PLUGIN}",
    )


def reveal_security_policy(root: str) -> str:
    """A policy under which the page fetches from the reveal.js location and nowhere else.

    Inline scripts stay allowed: the notes plugin writes its speaker view, with
    inline scripts, into a blank window that inherits this policy, and a hash
    list would switch 'unsafe-inline' off. Content text never becomes markup
    (it is escaped), so the policy's job here is the network, not injection.
    """
    if root.startswith(("http://", "https://")):
        source = root + "/"
    else:
        # A folder: file: for the page opened from disk, 'self' for the same
        # files served by a web server next to the page.
        source = "'self' file:"
    return (
        f"default-src 'none'; script-src {source} 'unsafe-inline'; style-src {source} 'unsafe-inline'; "
        f"img-src data:; font-src data: {source}; frame-src 'self' file:; base-uri 'none'; form-action 'none'"
    )


def reveal_config(deck: Deck) -> dict[str, object]:
    stage = stage_view(deck.theme)
    return {
        "width": stage.width,
        "height": stage.height,
        # The slide's own white box fills the stage; reveal's margin would
        # leave a band of page around it.
        "margin": 0,
        "center": False,
        # The slide partials lay out header, body and footer as a column.
        "display": "flex",
        "hash": True,
        "slideNumber": "c/t",
        "transition": "fade",
        "transitionSpeed": "fast",
        "backgroundTransition": "none",
    }


def init_script(deck: Deck) -> Markup:
    """Starts reveal.js with the notes plugin, then shrinks any overfull slide body to fit (fit.js).

    Only numbers and fixed words go into the JSON, and ``<`` is escaped anyway,
    so the script cannot end its element early.
    """
    config = json.dumps(reveal_config(deck), sort_keys=True).replace("<", "\\u003c")
    return Markup(
        "(function () {\n"
        '  "use strict";\n'
        "  // Slides reveal keeps hidden cannot be measured, so each is fitted when it comes near enough to be laid out.\n"
        "  function fitOnce(slide) {\n"
        '    if (slide.dataset.fitted === "yes" || slide.style.display === "none") { return; }\n'
        "    lecturegenFit.shrinkToFit(slide);\n"
        '    slide.dataset.fitted = "yes";\n'
        "  }\n"
        "  function shrinkNearby() { Reveal.getSlides().forEach(fitOnce); }\n"
        f"  var config = {config};\n"
        "  config.plugins = [RevealNotes];\n"
        '  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) { config.transition = "none"; }\n'
        '  Reveal.on("ready", shrinkNearby);\n'
        '  Reveal.on("slidechanged", shrinkNearby);\n'
        "  Reveal.initialize(config);\n"
        "})();\n"
    )


def render_revealjs_html(
    deck: Deck, template_dirs: Sequence[Path] = (), reveal_root: str = DEFAULT_REVEALJS_URL
) -> str:
    """The deck as a reveal.js page linking reveal.js at ``reveal_root``. Pure and deterministic.

    ``reveal_root`` is what :func:`reveal_location` returned: already checked.
    """
    env = template_environment(template_dirs)
    stage = stage_view(deck.theme)
    slides = tuple(slide_view(slide, position, deck.meta.labels) for position, slide in enumerate(deck.slides, start=1))
    slides = with_plan_sizes(deck, slides)
    # One inline script (one hash in the policy): the shared shrink-to-fit, then reveal's start.
    script = static_text(env, FIT_JS, closing_tag="</script") + "\n" + init_script(deck)
    # The shared block rules, scoped under .reveal so they outrank reveal.css's, as the page's own do.
    blocks = Markup(scope_css(CSS_COMMENT.sub("", stylesheet(env, BLOCKS_CSS)), ".reveal"))
    sheets = (blocks, stylesheet(env, REVEALJS_CSS))
    page = page_view(deck, env, theme_css(deck.theme, deck.meta.language, stage), sheets, (script,))
    page = replace(page, csp=reveal_security_policy(reveal_root))
    return render_template(
        env,
        REVEALJS_TEMPLATE,
        {
            "page": page,
            "meta": deck.meta,
            "stage": stage,
            "slides": slides,
            "slide_count": len(slides),
            "reveal": reveal_view(reveal_root),
        },
    )
