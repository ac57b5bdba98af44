"""Code as coloured runs in a monospace font, highlighted with Pygments."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from pygments.styles import get_style_by_name
from pygments.token import Token

from generator.deck import (
    Code,
)
from generator.render.code_tokens import lexed
from generator.render.pptx.geometry import Box
from generator.render.pptx.style import (
    CODE_MAX_PT,
    CODE_MIN_PT,
    CODE_STYLE,
    EMU_PER_PT,
    INSET_X_PT,
    INSET_Y_PT,
    LINE_HEIGHT,
    MONO_EM,
)
from generator.render.pptx.text import em_width

CodeToken = tuple[str, "str | None", bool, bool]  # text, colour ("RRGGBB" or None), bold, italic


def source_lines(source: str) -> list[str]:
    return source.expandtabs(4).rstrip("\n").split("\n")


def highlighted_lines(code: Code) -> tuple[tuple[CodeToken, ...], ...]:
    """The source, styled tokens per line; unknown languages come out plain."""
    return _highlighted(code.source, code.language)


@functools.lru_cache(maxsize=256)  # a listing is planned (plan.py), maybe more than once, then drawn
def _highlighted(code_source: str, language: str | None) -> tuple[tuple[CodeToken, ...], ...]:
    source = "\n".join(source_lines(code_source))
    # The tokens are remembered between runs (render/code_tokens.py); an unknown language comes out plain.
    tokens = (lexed(source, language) if language else None) or [(Token.Text, source)]
    style = get_style_by_name(CODE_STYLE)
    lines: list[list[CodeToken]] = [[]]
    for token_type, value in tokens:
        look = style.style_for_token(token_type)
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append((piece, look["color"], look["bold"], look["italic"]))
    # The lexer ends the text with a newline of its own.
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return tuple(tuple(line) for line in lines)


def code_font_pt(lines: Sequence[Sequence[CodeToken]], box: Box) -> float:
    """The largest size (up to CODE_MAX_PT, at least CODE_MIN_PT) at which the longest line and all lines fit."""
    size = min(CODE_MAX_PT, _largest_fitting_pt(lines, box))
    return max(CODE_MIN_PT, math.floor(size * 2) / 2)


def code_fits(lines: Sequence[Sequence[CodeToken]], box: Box) -> bool:
    """Whether the listing fits the box at CODE_MIN_PT or more, every line unwrapped."""
    return _largest_fitting_pt(lines, box) >= CODE_MIN_PT


def _largest_fitting_pt(lines: Sequence[Sequence[CodeToken]], box: Box) -> float:
    longest = max(
        (em_width("".join(token[0] for token in line), MONO_EM) for line in lines),
        default=1,
    )
    by_width = (box.width / EMU_PER_PT - 2 * INSET_X_PT) / max(longest, 1)
    by_height = (box.height / EMU_PER_PT - 4 * INSET_Y_PT) / (len(lines) * LINE_HEIGHT)
    return min(by_width, by_height)
