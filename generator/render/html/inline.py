"""Inline runs (styled text, links, math) as HTML: every text escaped, math as MathML."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from functools import lru_cache

from markupsafe import Markup, escape

from generator.deck import Inline, Run
from generator.errors import BuildError

LINK_SCHEMES = re.compile(r"^(?:https?://[^\s/?#]+|mailto:[^\s])", re.IGNORECASE)


def inline_html(inline: Inline) -> Markup:
    """Runs as HTML: every text escaped, styles as elements, math as MathML."""
    parts = []
    for group in _glue_punctuation_to_math(inline):
        html = Markup("").join(run_html(run) for run in group)
        parts.append(Markup('<span class="nowrap">{}</span>').format(html) if len(group) > 1 else html)
    return Markup("").join(parts)


# Punctuation that must not start a line: after a formula it would, because
# a <math> box is one unbreakable unit and the browser may break right after it.
CLOSING_PUNCTUATION = re.compile(r"^[,.;:!?)\]}%\u2019\u201d\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\uff09]+")


def _glue_punctuation_to_math(inline: Inline) -> list[tuple[Run, ...]]:
    groups: list[tuple[Run, ...]] = []
    pending = list(inline)
    while pending:
        run = pending.pop(0)
        glue = CLOSING_PUNCTUATION.match(pending[0].text) if run.math and pending and not pending[0].math else None
        if glue is None:
            if run.text:
                groups.append((run,))
            continue
        following = pending.pop(0)
        groups.append((run, replace(following, text=glue.group(0))))
        pending.insert(0, replace(following, text=following.text[glue.end() :]))
    return groups


def run_html(run: Run) -> Markup:
    content = tex_to_mathml(run.text) if run.math else escape(run.text)
    if run.code and not run.math:
        content = Markup("<code>{}</code>").format(content)
    if run.italic:
        content = Markup("<em>{}</em>").format(content)
    if run.bold:
        content = Markup("<strong>{}</strong>").format(content)
    href = safe_href(run.href)
    if href is not None:
        content = Markup('<a href="{}" rel="noopener" target="_blank">{}</a>').format(href, content)
    return content


def safe_href(href: str | None) -> str | None:
    """``href`` if it is an http(s) or mailto link; None for anything else.

    The loader already refuses other schemes; this is the last line of defence,
    so it is strict: no whitespace or control characters anywhere (browsers
    strip those, which is how "java\\tscript:" slips past naive checks).
    """
    if not href or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in href):
        return None
    return href if LINK_SCHEMES.match(href) else None


# MathML Core elements and presentation attributes. latex2mathml copies the
# contents of \text{...} (and unknown commands) into its output unescaped, and
# turns \href into an href attribute, so its output is rebuilt from these
# lists: everything else becomes escaped text.
MATHML_ELEMENTS = frozenset(
    "math mrow mi mn mo ms mtext mspace mfrac msqrt mroot mstyle merror mpadded mphantom mfenced "
    "menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr "
    "mtd mlabeledtr semantics annotation".split()
)
MATHML_ATTRIBUTES = frozenset(
    "xmlns display stretchy fence separator separators lspace rspace mathvariant mathcolor "
    "mathbackground mathsize width height depth linethickness columnalign rowalign columnspacing "
    "rowspacing columnlines rowlines frame framespacing displaystyle scriptlevel accent accentunder "
    "movablelimits largeop symmetric minsize maxsize notation form open close voffset rowspan "
    "columnspan bevelled".split()
)
MATHML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*=\"[^\"<>]*\")*)\s*(/?)>")
MATHML_ATTRIBUTE = re.compile(r"([A-Za-z_:][-A-Za-z0-9_:.]*)=\"([^\"]*)\"")


def tex_to_mathml(tex: str, display: str = "inline") -> Markup:
    """TeX (without dollar signs) as MathML ("inline" or "block"), rebuilt from an element allow-list.

    What latex2mathml gives is remembered between runs (generator/memo.py) for this latex2mathml and this
    code, so an unchanged lecture's math needs no latex2mathml; remembered or not, it is rebuilt from the
    allow-list here, so the memo is never trusted as markup."""
    converted = _remembered(tex, display)
    if converted.get("error") is not None or not isinstance(converted.get("mathml"), str):
        reason = converted.get("error") or "no MathML"
        raise BuildError(f"cannot typeset the math ${tex}$ ({reason}); check its braces and commands")
    return _inline_primes(_rebuild_mathml(converted["mathml"]))


@lru_cache(maxsize=1024)
def _remembered(tex: str, display: str) -> dict:
    from generator import memo

    return memo.remembered_json("mathml", _converter_version(), memo.digest(tex, display),
                                lambda: _converted(tex, display), from_json=_checked_conversion)


def _checked_conversion(data: dict) -> dict:
    """What _converted wrote; a ValueError for anything else (the memo then converts again)."""
    if not isinstance(data, dict) or not isinstance(data.get("mathml"), (str, type(None))) or not isinstance(
            data.get("error"), (str, type(None))) or (data.get("mathml") is None) == (data.get("error") is None):
        raise ValueError("not a conversion")
    return data


def _converted(tex: str, display: str) -> dict:
    from latex2mathml.converter import convert as latex_to_mathml

    try:
        return {"mathml": latex_to_mathml(tex, display=display), "error": None}
    except Exception as exc:  # noqa: BLE001 - latex2mathml raises bare Exception subclasses for bad TeX
        return {"mathml": None, "error": str(exc) or type(exc).__name__}


@lru_cache(maxsize=1)
def _converter_version() -> str:
    from importlib.metadata import version

    from generator import memo

    return memo.digest(version("latex2mathml"), memo.source_digest(__file__))


# latex2mathml writes f' as <msup><mi>f</mi><mi>′</mi></msup>. Without an
# OpenType MATH font (most machines) the prime glyph, already drawn high,
# is raised again as a superscript and floats far from its letter; set
# after the letter it sits where a reader expects it.
SUPERSCRIPT_PRIME = re.compile(r"<msup>(<(mi|mo|mn)\b[^>]*>[^<]*</\2>)<mi>([\u2032\u2033\u2034]+)</mi></msup>")


def _inline_primes(mathml: Markup) -> Markup:
    # str(): re.sub on Markup would escape the replacement markup.
    return Markup(SUPERSCRIPT_PRIME.sub(r'<mrow>\1<mo lspace="0" rspace="0">\3</mo></mrow>', str(mathml)))


def _rebuild_mathml(source: str) -> Markup:
    out: list[str] = []
    open_elements: list[str] = []
    position = 0
    for match in MATHML_TAG.finditer(source):
        out.append(_mathml_text(source[position : match.start()]))
        position = match.end()
        closing, name, attributes, self_closing = match.groups()
        if name not in MATHML_ELEMENTS:
            out.append(_mathml_text(match.group(0)))
        elif closing:
            if open_elements and open_elements[-1] == name:
                out.append(f"</{open_elements.pop()}>")
            else:
                out.append(_mathml_text(match.group(0)))
        else:
            out.append(f"<{name}{_mathml_attributes(attributes)}>")
            if self_closing:
                out.append(f"</{name}>")
            else:
                open_elements.append(name)
    out.append(_mathml_text(source[position:]))
    out.extend(f"</{name}>" for name in reversed(open_elements))
    return Markup("".join(out))


def _mathml_text(text: str) -> str:
    return str(escape(html.unescape(text)))


def _mathml_attributes(attributes: str) -> str:
    kept = [
        f' {name}="{escape(html.unescape(value))}"'
        for name, value in MATHML_ATTRIBUTE.findall(attributes)
        if name in MATHML_ATTRIBUTES
    ]
    return "".join(kept)
