"""Slide block kinds added from outside: one content key, one Deck block, drawn by every output.

The built-in blocks (bullets, figure, image, table, code, quote, equation) have their content keys in
the schema and a row in each renderer's table. A kind registered here gives a slide a content key of
its own, found by one mechanism that outside code uses too, :func:`register_block`:

    register_block(BlockKind(
        key="callout",                   # what the content writes on a slide: `callout: {...}`
        value=CalloutSpec,               # the type of that value, checked with the YAML line on error
        block_type=Callout,              # the Deck's block: a frozen dataclass
        build=lambda spec, text: Callout(text(spec.title), text(spec.body)),   # -> the Deck's block
        html=lambda block: Markup(...),  # the block in the HTML slides and report (escape what it shows)
        paragraphs=lambda block: [...],  # the block in PowerPoint: paragraphs of one text box
        description="A boxed remark.",
    ))

``build`` gets the checked value and ``text``, which turns a text field into styled runs exactly as
titles and bullets are (``{{ results... }}`` expressions and inline Markdown, located errors).
``html`` returns markup built with :func:`generator.render.html.inline_html` for text, so what the
content wrote is escaped. ``paragraphs`` returns :class:`generator.render.pptx.text.Para` values;
the PowerPoint renderer places them in a text box below the blocks before them and fits them like
other text. A block kind's blocks go on the slide after the built-in ones, in one column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, eq=False)
class BlockKind:
    key: str
    value: Any
    block_type: type  # the frozen dataclass build() returns; the renderers know the block by it
    build: Callable[[Any, Callable[[str], Any]], Any]
    html: Callable[[Any], Any]
    paragraphs: Callable[[Any], list]
    description: str


_BLOCKS: dict[str, BlockKind] = {}
# Keys a slide already has: a block kind cannot take one.
RESERVED_KEYS = frozenset({"title", "layout", "bullets", "figure", "image", "alt", "caption", "chart", "table", "code",
                           "quote", "equation", "notes", "pptx_layout"})


def register_block(kind: BlockKind) -> BlockKind:
    if kind.key in RESERVED_KEYS:
        raise ValueError(f"block kind {kind.key!r}: a slide already has the key {kind.key!r}")
    if kind.key in _BLOCKS and _BLOCKS[kind.key] is not kind:
        raise ValueError(f"block kind {kind.key!r} is registered twice")
    _BLOCKS[kind.key] = kind
    _checker.cache_clear()
    return kind


def unregister_block(key: str) -> None:
    """Forget a block kind (for tests that register kinds of their own)."""
    _BLOCKS.pop(key, None)
    _checker.cache_clear()


def block_kinds() -> Mapping[str, BlockKind]:
    return dict(_BLOCKS)


def kind_of_block(block: Any) -> BlockKind | None:
    """The registered kind whose block this is; None for a built-in block (or an unknown one)."""
    return next((kind for kind in _BLOCKS.values() if type(block) is kind.block_type), None)


def check_value(kind: BlockKind, value: Any) -> Any:
    """The value as its kind's type; a pydantic ValidationError (located by the caller) when it is not one."""
    return _checker(kind.key).validate_python(value)


@lru_cache(maxsize=None)
def _checker(key: str):
    from pydantic import TypeAdapter

    return TypeAdapter(_BLOCKS[key].value)
