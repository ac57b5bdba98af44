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

from generator import memo
from generator.fonts import follow_fontconfig

# The renderers import this module, and PowerPoint's equations are typeset by matplotlib in the theme's
# font: matplotlib must know it even when it was installed after matplotlib first listed the machine's
# fonts (generator/fonts.py).
follow_fontconfig()

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
def _converter():
    from pylatexenc.latex2text import LatexNodes2Text

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



# TeX puts a thin space between a big operator and the symbol before it; mathtext and browsers'
# MathML do not, so a product's limits would run into a fraction's denominator.
_BIG_OPERATOR = re.compile(r"(?<=[\w})\]|'])\s*(\\(?:sum|prod|coprod|int|oint|bigcup|bigcap)(?![A-Za-z]))")


def space_big_operators(tex: str) -> str:
    return _BIG_OPERATOR.sub(r"\\,\1", tex)


MAX_EQUATION_CHARS = 1000

# mathtext's errors end "(at char N), (line:1, col:M)", N counted from 0 in the TeX; the reason comes before.
_MATHTEXT_ERROR = re.compile(r"^\w+Exception: (?P<reason>.*?)\s+\(at char (?P<char>\d+)\)", re.MULTILINE)
# When any of many constructs could come next, mathtext lists its whole grammar.
_LONG_EXPECTATION = re.compile(r"^Expected \{.*\}, found (?P<found>.*)$", re.DOTALL)
# A failure at the closing dollar: the math ended early, at something the grammar has no place for.
_STOPPED_EARLY = "Expected end of text, found '$'"


@lru_cache(maxsize=1024)  # checked each time the content loads: `lecturegen preview` loads it on every save
def display_math_problem(tex: str) -> str | None:
    """Why matplotlib's mathtext cannot typeset ``tex`` (display math, no dollars); None if it can.

    The answer is remembered between runs (generator/memo.py), for this matplotlib and this module's
    code, so checking a lecture whose equations did not change loads no matplotlib."""
    if "$" in tex:
        return "write the equation without dollar signs; the whole value is math"
    # mathtext's parser takes seconds on a few thousand characters; no slide holds a line that long.
    if len(tex) > MAX_EQUATION_CHARS:
        return f"the equation has {len(tex)} characters, more than a slide holds; split it into lines (a list)"
    answer = memo.remembered_json("mathtext-check", _checker_version(), memo.digest(tex),
                                  lambda: {"problem": _mathtext_problem(tex)}, from_json=_answer)
    return answer["problem"]


def _answer(data: dict) -> dict:
    if not isinstance(data, dict) or not isinstance(data.get("problem"), (str, type(None))):
        raise ValueError("not an answer")
    return data


@lru_cache(maxsize=1)
def _checker_version() -> str:
    from importlib.metadata import version

    return memo.digest(version("matplotlib"), memo.source_digest(__file__))


def _mathtext_problem(tex: str) -> str | None:
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${tex}$")
    except ValueError as error:
        return f"cannot typeset the equation: {_mathtext_reason(tex, str(error))}; check its braces and commands"
    except RecursionError:
        return "cannot typeset the equation: its groups are nested too deeply"
    return None


def _mathtext_reason(tex: str, error: str) -> str:
    match = _MATHTEXT_ERROR.search(error)
    if match is None:
        return error.strip()
    reason = match["reason"]
    if reason == _STOPPED_EARLY:
        if tex.count("}") > tex.count("{"):
            return "a '}' has no '{' to close"
        return "mathtext cannot read it (it has no line breaks, '&' alignment or \\begin environments)"
    long_expectation = _LONG_EXPECTATION.match(reason)
    if long_expectation:
        reason = f"unexpected {long_expectation['found']}"
    # pyparsing shows expected literals as Python reprs: '\\right' is \right.
    reason = reason.replace("\\\\", "\\").replace(", found '\\'", "").replace("end_group", "'}'")
    if reason == "unexpected end of text":
        return "it ends too early"
    if reason.endswith(", found end of text"):
        return reason.removesuffix(", found end of text").replace("Expected", "expected") + " before the end"
    reason = reason.replace("Unknown symbol:", "unknown command").replace("Expected", "expected")
    return f"{reason} at character {int(match['char']) + 1}"
