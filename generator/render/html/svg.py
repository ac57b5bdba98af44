"""matplotlib's SVG figures made fit to sit inline in a page, and CSS rules scoped to one element."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from generator.errors import BuildError

XML_PROLOG = re.compile(r"<\?xml.*?\?>\s*", re.DOTALL)
DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.IGNORECASE)
SVG_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
SVG_METADATA = re.compile(r"<metadata\b.*?</metadata>\s*", re.DOTALL)
SVG_ROOT = re.compile(r"<svg\b[^>]*>")
SVG_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.DOTALL)
SVG_ID = re.compile(r'(?<=\s)id="([^"]+)"')
SVG_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')
ROOT_SIZE = re.compile(r'\s(width|height)="[^"]*"')
ROOT_VIEWBOX = re.compile(r'\sviewBox="[^"]*"')
VIEWBOX_NUMBERS = re.compile(r'\sviewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')
POINTS = re.compile(r'\s(width|height)="([\d.]+)(?:pt|px)?"')
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def inline_svg(svg: str, id_prefix: str, alt: str, language: str = "") -> Markup:
    """matplotlib SVG text ready to sit inside the page.

    Drops the XML prolog, DOCTYPE, comments and metadata (the last carries
    http:// identifiers that are noise in a self-contained file); prefixes
    every id and every reference to it, since matplotlib names groups
    "figure_1", "axes_1" in every file and two figures on one page would
    otherwise share ids; scopes its <style> to this figure (inline SVG styles
    apply to the whole document); and makes the root an accessible image sized
    by CSS rather than by its point size, in ``language`` when given (a screen
    reader then reads an English alt text in a German page with an English voice).
    """
    body = SVG_METADATA.sub("", SVG_COMMENT.sub("", DOCTYPE.sub("", XML_PROLOG.sub("", svg)))).strip()
    root = SVG_ROOT.search(body)
    if root is None:
        raise BuildError(f"figure for {alt!r} is not SVG text")
    ids = set(SVG_ID.findall(body))
    body = SVG_ID.sub(lambda m: f'id="{id_prefix}{m.group(1)}"', body)
    body = SVG_REFERENCE.sub(lambda m: m.group(1) + (id_prefix if m.group(2) in ids else "") + m.group(2), body)
    root_id = f"{id_prefix}svg"
    body = SVG_STYLE.sub(lambda m: m.group(1) + scope_css(m.group(2), f"#{root_id}") + m.group(3), body)
    root = SVG_ROOT.search(body)
    new_root = _accessible_svg_root(root.group(0), root_id, alt, language)
    return Markup(body[: root.start()] + new_root + body[root.end() :])


def svg_aspect(svg: str) -> float | None:
    """width / height of an SVG's viewBox, None when it has none worth trusting."""
    root = SVG_ROOT.search(svg)
    box = VIEWBOX_NUMBERS.search(root.group(0)) if root else None
    if box is None:
        return None
    width, height = float(box.group(1)), float(box.group(2))
    return width / height if width > 0 and height > 0 else None


def _accessible_svg_root(tag: str, root_id: str, alt: str, language: str = "") -> str:
    if not ROOT_VIEWBOX.search(tag):
        size = dict(POINTS.findall(tag))
        if "width" in size and "height" in size:
            tag = tag[:-1] + f' viewBox="0 0 {size["width"]} {size["height"]}">'
    tag = ROOT_SIZE.sub("", tag)
    tag = re.sub(r'\s(id|role|aria-label|class|preserveAspectRatio|focusable|lang)="[^"]*"', "", tag)
    label = escape(alt)
    attributes = (
        f' id="{root_id}" class="figure-svg" role="img" aria-label="{label}"'
        ' preserveAspectRatio="xMidYMid meet" focusable="false"'
        + (f' lang="{escape(language)}"' if language else "")
    )
    if tag.endswith("/>"):  # an empty picture has no children to put a <title> before
        return tag[:-2] + attributes + "/>"
    return tag[:-1] + attributes + f"><title>{label}</title>"


def scope_css(css: str, scope: str) -> str:
    """Every rule's selectors put under ``scope`` (a selector). Plain rules only: comments and
    at-rules need a real parser, and neither matplotlib's SVG styles nor blocks.css has any
    once its comments are dropped."""
    if "@" in css:
        return css

    def scoped(match: re.Match[str]) -> str:
        selectors = ", ".join(f"{scope} {s.strip()}" for s in match.group(1).split(","))
        return f"{selectors}{{{match.group(2)}}}"

    return CSS_RULE.sub(scoped, css)
