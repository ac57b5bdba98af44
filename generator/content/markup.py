"""Inline markup of content text -> styled runs, parsed by markdown-it-py.

Content text may use **bold**, *italic*, `code`, [links](https://...) and
$math$. Only inline syntax is enabled: a line that starts with "#" or "-" is
text, not a heading or a list, because a bullet is already a list item.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from generator.deck import Inline, Run

ALLOWED_LINK_SCHEMES = ("http", "https", "mailto")


class MarkupError(ValueError):
    pass


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    parser = MarkdownIt("zero").enable(["emphasis", "backticks", "link", "escape", "entity"])
    # Allow $x$ but not $$display$$ blocks (inline text only); "$5 and $6" stays text.
    parser.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=False)
    # markdown-it silently drops links it considers unsafe; we want to say so instead.
    parser.validateLink = lambda url: True
    return parser


def check_link(href: str) -> None:
    scheme = urlsplit(href.strip()).scheme.lower()
    if scheme not in ALLOWED_LINK_SCHEMES:
        shown = href if len(href) <= 60 else href[:57] + "..."
        raise MarkupError(f"link target {shown!r} is not allowed; use an http, https or mailto address")


# Groups inside groups in one formula: a fraction of fractions ten deep is already unreadable on a slide,
# and the typesetters recurse once per level.
MAX_MATH_NESTING = 20


def check_math_nesting(tex: str) -> None:
    depth = deepest = 0
    for character in tex:
        if character == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif character == "}":
            depth -= 1
    if deepest > MAX_MATH_NESTING:
        raise MarkupError(f"the formula ${tex[:30]}...$ nests {deepest} groups deep, more than {MAX_MATH_NESTING}; "
                          "split it into simpler formulas")


# A text is parsed when it loads and again when it resolves, and `lecturegen preview` does both on every save.
@lru_cache(maxsize=8192)
def parse_inline(text: str) -> Inline:
    """Parse one text field into runs; raise MarkupError on a forbidden link.

    The runs are remembered between runs (generator/memo.py) for this markdown-it and this code, so an
    unchanged lecture's text is not parsed again; remembered runs pass the same link and formula checks."""
    from generator import memo

    error, runs = memo.remembered_json("markup", _parser_version(), memo.digest(text), lambda: _parsed(text),
                                       _parsed_json, _parsed_from_json)
    if error is not None:
        raise MarkupError(error)
    for run in runs:
        if run.href is not None:
            check_link(run.href)
        if run.math:
            check_math_nesting(run.text)
    return runs


def _parsed(text: str) -> tuple[str | None, Inline]:
    try:
        return None, _parse(text)
    except MarkupError as error:
        return str(error), ()


def _parsed_json(parsed: tuple[str | None, Inline]) -> dict:
    error, runs = parsed
    return {"error": error, "runs": [[run.text, run.bold, run.italic, run.code, run.math, run.href] for run in runs]}


def _parsed_from_json(data: dict) -> tuple[str | None, Inline]:
    """What _parsed_json wrote; a TypeError or ValueError for anything else (the memo then parses again)."""
    error = data["error"]
    runs = tuple(Run(text, bold=bold, italic=italic, code=code, math=math, href=href)
                 for text, bold, italic, code, math, href in data["runs"])
    if not (error is None or isinstance(error, str)) or not all(
            isinstance(run.text, str) and isinstance(run.href, (str, type(None))) for run in runs):
        raise ValueError("not a parse")
    return error, runs


@lru_cache(maxsize=1)
def _parser_version() -> str:
    from importlib.metadata import version

    from generator import memo

    return memo.digest(version("markdown-it-py"), version("mdit-py-plugins"), memo.source_digest(__file__))


def _parse(text: str) -> Inline:
    runs: list[Run] = []
    bold = italic = 0
    href: str | None = None
    for token in _parser().parseInline(text)[0].children or ():
        kind = token.type
        if kind == "text":
            runs.append(Run(token.content, bold=bold > 0, italic=italic > 0, href=href))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" ", bold=bold > 0, italic=italic > 0, href=href))
        elif kind == "code_inline":
            runs.append(Run(token.content, bold=bold > 0, italic=italic > 0, code=True, href=href))
        elif kind == "math_inline":
            check_math_nesting(token.content)
            runs.append(Run(token.content, math=True, href=href))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            target = str(token.attrs.get("href", ""))
            check_link(target)
            href = target
        elif kind == "link_close":
            href = None
        else:  # anything else the "zero" preset might emit: keep its text
            runs.append(Run(token.content, bold=bold > 0, italic=italic > 0, href=href))
    return _merge_neighbours(runs)


def _merge_neighbours(runs: list[Run]) -> Inline:
    # markdown-it splits text at every special character it considered; join
    # runs of identical style so renderers emit one run per styled stretch.
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        previous = merged[-1] if merged else None
        if previous and not run.math and not previous.math and (
            previous.bold, previous.italic, previous.code, previous.href
        ) == (run.bold, run.italic, run.code, run.href):
            merged[-1] = Run(previous.text + run.text, run.bold, run.italic, run.code, False, run.href)
        else:
            merged.append(run)
    return tuple(merged)
