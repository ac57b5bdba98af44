"""PowerPoint rendering: a Deck in, the bytes of an editable .pptx out.

Text goes into the template's placeholders wherever one fits (titles, subtitles, bullets), so
it stays editable and follows the master: a user restyles the whole deck by editing the
master. Pictures, tables, code and quotes are shapes placed on a grid that is read back from
the master's own title and body placeholders, so slides added later in PowerPoint line up
with the generated ones.

python-pptx's default template is 4:3. For 16:9 the master and every layout are widened
before the first slide is added; nothing is left in a 4:3 box.

The output is deterministic: the same Deck (and SOURCE_DATE_EPOCH) gives the same bytes.
"""

from generator.render.pptx.presentation import render_pptx

__all__ = ["render_pptx"]
