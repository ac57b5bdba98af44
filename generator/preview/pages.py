"""The pages the preview serves, rendered from the Deck by the HTML renderer and kept in memory.

``SlidePages.render`` gives the slide deck exactly as ``build`` writes slides.html (same renderer, same
templates), and alongside it each slide's own markup. Comparing those with the previous version's
tells which slides changed; when everything around the slides (the head, the styles, the counter)
is unchanged too, the open pages swap just those slides in place instead of loading the deck again.
Unchanged slides are not rendered again: their views and markup are remembered.

``served`` makes what is sent to a browser from a page: its Content-Security-Policy (meta tag and
header) with the preview's script and its event stream added, and that script. Only served bytes
get them; the pages handed to the writer are the renderer's own.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from generator.deck import Deck, Slide
from generator.interface_words import InterfaceWords

EVENTS_PATH = "/__preview/events"
WRITE_PATH = "/__preview/pptx"
CSP_META = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(">)', re.IGNORECASE)


@lru_cache(maxsize=1)
def client_script() -> str:
    """The script injected into every served page (generator/preview/client.js)."""
    return resources.files("generator.preview").joinpath("client.js").read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def page_policy(html: str) -> str | None:
    """The Content-Security-Policy a page carries in its meta tag; None when it has none."""
    found = CSP_META.search(html)
    return found.group(2).replace("&#39;", "'").replace("&amp;", "&") if found else None


def preview_policy(policy: str) -> str:
    """``policy`` plus exactly what the preview needs: its script (by hash) and its event stream ('self')."""
    own = script_hash(client_script())
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    names = [part.split()[0].lower() for part in directives]
    for name, source in (("script-src", own), ("connect-src", "'self'")):
        if name in names:
            index = names.index(name)
            sources = [value for value in directives[index].split()[1:] if value != "'none'"]
            directives[index] = " ".join([name, *sources, source])
        else:
            directives.append(f"{name} {source}")
    return "; ".join(directives)


# A page while there is no deck yet (the first demos are training, or the content has problems).
WAITING_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; base-uri 'none'; form-action 'none'"


def waiting_page(content: Path) -> str:
    from markupsafe import escape

    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{WAITING_POLICY}">\n'
        f"<title>lecturegen preview: {escape(content.name)}</title>\n"
        "<style>body { font: 18px/1.5 system-ui, sans-serif; margin: 4rem auto; max-width: 40rem; padding: 0 1rem; }"
        "</style>\n</head>\n<body>\n<main>\n<h1>lecturegen preview</h1>\n"
        f"<p>Preparing the slides of {escape(str(content))}; this page shows them as soon as they are ready.</p>\n"
        "</main>\n</body>\n</html>\n"
    )


@dataclass(frozen=True)
class Served:
    body: bytes
    policy: str | None  # the Content-Security-Policy header; None where the page has none


def served(html: str, page: str, version: str) -> Served:
    """``html`` as the preview sends it: the policy widened for the preview's script and stream, and the script."""
    policy = page_policy(html)
    if policy is not None:
        widened = preview_policy(policy)
        in_page = widened.replace("'", "&#39;")
        html = CSP_META.sub(lambda match: match.group(1) + in_page + match.group(3), html, count=1)
        policy = widened
    tag = f'<script data-page="{page}" data-version="{version}">{client_script()}</script>\n'
    end = html.lower().rfind("</body>")
    html = html[:end] + tag + html[end:] if end >= 0 else html + tag
    return Served(html.encode("utf-8"), policy)


@dataclass(frozen=True)
class RenderedSlides:
    html: str  # slides.html, byte for byte what `build` writes
    # Each slide's markup, in order, and the page around them; None when the page does not hold each
    # slide's markup as the built-in template places it (a template folder that draws it otherwise).
    fragments: tuple[str, ...] | None
    frame: tuple[str, ...] | None


def changed_slides(old: RenderedSlides | None, new: RenderedSlides) -> dict[int, str] | None:
    """The slides whose markup changed (index -> markup), if swapping them turns the old page into the new;
    None when the page must load again."""
    if old is None or old.frame is None or new.frame is None or old.frame != new.frame:
        return None
    return {index: fragment for index, (before, fragment) in enumerate(zip(old.fragments, new.fragments))
            if before != fragment}


class SlidePages:
    """Renders the slide deck and the report, remembering the template environment and unchanged slides."""

    def __init__(self) -> None:
        self._dirs: tuple[Path, ...] | None = None
        self._env = None
        self._views: dict[Any, Any] = {}
        self._fragments: dict[Any, str] = {}

    def forget(self) -> None:
        """Start afresh: a template changed."""
        self._dirs, self._env = None, None
        self._views, self._fragments = {}, {}

    def environment(self, template_dirs: Sequence[Path]):
        from generator.render.html import template_environment

        dirs = tuple(template_dirs)
        if self._env is None or dirs != self._dirs:
            self.forget()
            self._dirs, self._env = dirs, template_environment(dirs)
        return self._env

    def render(self, deck: Deck, template_dirs: Sequence[Path]) -> RenderedSlides:
        from generator.render.html import render_slides_html, slide_view, with_plan_sizes

        env = self.environment(template_dirs)
        views: dict[Any, Any] = {}
        used: list[Any] = []

        def view(slide: Slide, position: int, labels: InterfaceWords):
            key = _key(slide, position, labels)
            found = self._views.get(key) if key is not None else None
            if found is None:
                found = slide_view(slide, position, labels)
            if key is not None:
                views[key] = found
            used.append(found)
            return found

        html = render_slides_html(deck, env=env, view=view)
        self._views = views  # only this version's: a long session does not grow
        # The page's views carry the plan's sizes (render_slides_html adds them to what `view` gives).
        fragments, frame = self._split(html, list(with_plan_sizes(deck, used)), deck, env)
        return RenderedSlides(html, fragments, frame)

    def _split(self, html: str, views: list[Any], deck: Deck,
               env) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        from generator.render.html.slides import slide_fragment

        remembered: dict[Any, str] = {}
        fragments = []
        try:
            for view in views:
                key = (view, deck.meta, len(views))
                fragment = self._fragments.get(key)
                if fragment is None:
                    fragment = slide_fragment(env, view, deck.meta, len(views))
                remembered[key] = fragment
                fragments.append(fragment)
        except Exception:  # noqa: BLE001 - a template folder whose slide partial differs: reload instead
            return None, None
        self._fragments = remembered
        frame, start = [], 0
        for fragment in fragments:
            at = html.find(fragment, start)
            if at < 0 or not fragment:
                return None, None
            frame.append(html[start:at])
            start = at + len(fragment)
        frame.append(html[start:])
        return tuple(fragments), tuple(frame)

    def report(self, unsplit: Deck, template_dirs: Sequence[Path]) -> str:
        from generator.render.html import render_report_html

        return render_report_html(unsplit, env=self.environment(template_dirs))


def _key(slide: Slide, position: int, labels: InterfaceWords):
    key = (slide, position, labels)
    try:
        hash(key)
    except TypeError:  # a registered block kind holding an unhashable value: render it every time
        return None
    return key
