"""A slide block kind written the way docs/ARCHITECTURE.md says: one module, registered with register_block."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from pptx.enum.text import PP_ALIGN
from pydantic import BaseModel, ConfigDict

from generator.deck import Inline
from generator.render.html import inline_html
from generator.render.pptx.text import Para
from generator.slide_blocks import BlockKind, register_block


class CalloutSpec(BaseModel):
    """What the content writes: `callout: {title: Remember, text: ...}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    text: str


@dataclass(frozen=True)
class Callout:
    title: Inline
    text: Inline


def _html(block: Callout) -> Markup:
    return Markup('<aside class="callout"><strong>{}</strong> {}</aside>').format(
        inline_html(block.title), inline_html(block.text))


KIND = BlockKind(
    key="callout",
    value=CalloutSpec,
    block_type=Callout,
    build=lambda spec, text: Callout(text(spec.title), text(spec.text)),
    html=_html,
    paragraphs=lambda block: [Para(block.title, bold=True), Para(block.text, align=PP_ALIGN.LEFT)],
    description="A boxed remark with a bold title.",
)


def register() -> BlockKind:
    return register_block(KIND)
