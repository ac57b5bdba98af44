"""TeX math as plain Unicode text, for outputs that cannot typeset it.

PowerPoint text runs cannot hold MathML, so a `$...$` run is shown as the
closest Unicode reading: `\\sigma'(x) \\le 1/4` -> `σ'(x) ≤ 1/4`,
`e^{-x}` -> `e⁻ˣ`, `\\frac{a}{b}` -> `a/b`. pylatexenc does the macros; we
first turn sub- and superscript groups into Unicode where every character has
a sub/superscript form (pylatexenc would write `e^-x`, losing the grouping).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

SUPERSCRIPT = dict(zip("0123456789+-=()nixkT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣᵏᵀ"))
SUBSCRIPT = dict(zip("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))

# `^{...}`, `_{...}` (one level of braces) or `^x`, `_x` (one character).
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|([A-Za-z0-9]))")


def _scripts_to_unicode(tex: str) -> str:
    def convert(match: re.Match) -> str:
        marker, group, single = match.groups()
        text = (group if group is not None else single).replace(" ", "")
        table = SUPERSCRIPT if marker == "^" else SUBSCRIPT
        if text and all(char in table for char in text):
            return "".join(table[char] for char in text)
        return match.group(0)

    return _SCRIPT.sub(convert, tex)


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text")


def tex_to_unicode(tex: str) -> str:
    # `\\prod_{k=1}`: keep the macro name apart from the subscript that follows
    # it, or its Unicode letters would be read as part of the name.
    spaced = re.sub(r"(\\[A-Za-z]+)(?=[\^_])", r"\1 ", tex)
    text = _converter().latex_to_text(_scripts_to_unicode(spaced))
    # In math a '-' is a minus sign; and TeX swallows the space after `\\le`,
    # which a relation needs to read well.
    text = text.replace("-", "\u2212")
    text = re.sub(r"\s*([=<>\u2264\u2265\u2260\u2248\u2261])\s*", r" \1 ", text)
    return re.sub(r"\s+", " ", text).strip()
