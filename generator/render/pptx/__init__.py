"""PowerPoint rendering: a Deck in, the bytes of an editable .pptx out.

Every slide is built on a named layout: the designed master's (built by code in master.py
from the table in layouts.py, 16:9 or 4:3) or, with `theme.pptx_template`, the user's own.
Text goes into the layout's placeholders, found by type, wherever one fits (titles, subtitles,
bullets, footer, slide number), so it stays editable and follows the master. Pictures, tables,
code and quotes are shapes placed in the region the layout's content placeholders mark out, so
slides added later in PowerPoint line up with the generated ones. docs/POWERPOINT.md tells
the user's side of it.

The output is deterministic: the same Deck (and SOURCE_DATE_EPOCH) gives the same bytes.
"""

from generator.render.pptx.presentation import RenderedPptx, paginate_deck, render_pptx, render_pptx_with_problems

__all__ = ["RenderedPptx", "paginate_deck", "render_pptx", "render_pptx_with_problems"]
