"""Sizes, colours and spacing of the default look, in points unless the name says otherwise."""

from __future__ import annotations

import datetime as dt

# No python-pptx here: measuring and planning slides (text.py, frames.py, plan.py) import this module,
# and an HTML-only build must not load python-pptx. Colours are "RRGGBB"; writing.py makes RGBColors.

EMU_PER_INCH = 914400


def inches(value: float) -> int:
    """EMU, truncated as python-pptx's Inches() does."""
    return int(value * EMU_PER_INCH)


SLIDE_SIZES = {"16:9": (12192000, 6858000), "4:3": (9144000, 6858000)}
TEMPLATE_WIDTH = SLIDE_SIZES["4:3"][0]
EMU_PER_PT = 12700

# Master text sizes. The template's 44pt titles and 32pt bullets are sized for a handful of
# words; a lecture slide carries sentences.
TITLE_PT = 36
BODY_LEVEL_PT = (24, 20, 18, 16, 16, 16, 16, 16, 16)
# The template's bullet indents (marL) per level: a nested bullet keeps less of the line.
BODY_LEVEL_INDENT_PT = (27, 58.5, 90, 126, 162, 198, 234, 270, 306)
SECTION_TITLE_PT = 40  # set by the Section layout itself
TITLE_SLIDE_PT = 40  # the lecture's title on the Title layout
SECTION_SUBTITLE_PT = 20

SUBTITLE_PT = 24
TITLE_SLIDE_DETAIL_PT = 18
CREDIT_PT = 14
CONTENT_SUBTITLE_PT = 20
CAPTION_PT = 16
QUOTE_PT = 28
ATTRIBUTION_PT = 20
FOOTER_PT = 12
CODE_MAX_PT = 18
CODE_MIN_PT = 9
TABLE_SIZES_PT = (18, 16, 14, 12, 11, 10)

MUTED = "595959"
WHITE = "FFFFFF"

GAP = inches(0.25)
COLUMN_GAP = inches(0.35)
CONTENT_SUBTITLE_HEIGHT = inches(0.55)
TEXT_COLUMN_SHARE = 0.45  # figure_bullets: bullets left, the figure gets the rest
MIN_VISUAL_SHARE = 0.45  # a figure stacked under text keeps at least this much of the height

# Text frames and table cells inset their text by 0.1in left/right and 0.05in top/bottom.
INSET_X_PT = 7.2
INSET_Y_PT = 3.6

# Fitting (text.py measures with the theme's font files; fonts.py finds them).
LINE_HEIGHT = 1.2  # the least line pitch, as a multiple of the font size (a font's own ascent+descent may be more)
PARAGRAPH_SPACE = 0.2  # the master's spcBef of 20%
WIDTH_SAFETY = 0.97  # viewers kern and hint differently: leave 3% of each line unclaimed
FIT_STEP_PT = 2  # text shrinks this much per step, every level alike, until it fits or reaches its floor
# Floors: text never shrinks below these. Tables and code have their own smallest sizes
# (TABLE_SIZES_PT[-1], CODE_MIN_PT) because a dense table or listing must still show whole.
BODY_FLOOR_PT = 16  # bullets; what does not fit at 16 pt continues on a "(cont.)" slide
TITLE_FLOOR_PT = 24
TEXT_FLOOR_PT = 16  # quotes, subtitles, messages
SMALL_PRINT_FLOOR_PT = 10  # text set below its floor to begin with (a credit line, a footer) stops here
# Font-free estimates, for code listings (highlight.py) and chart labels (charts.py).
LATIN_EM = 0.55  # average advance of a proportional Latin glyph, in em
MONO_EM = 0.6

CODE_STYLE = "default"
EMBEDDABLE_MEDIA = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff"})

# Any fixed GUID: PowerPoint wants one on each field, and a random one would break determinism.
SLIDE_NUMBER_FIELD_ID = "{6D3C2B8E-5F0A-4C1D-9E7B-2A4F8C6B1D30}"
EARLIEST_ZIP_TIME = dt.datetime(1980, 1, 1)
