"""The accent where it must stand out from white: behind white text, and as marks on a white slide.

A light accent (yellow, white, a pale green) would leave white text unreadable and bullet marks or
the title rule invisible, so it is darkened in HSL lightness, as PowerPoint's own lumMod does,
just enough: to WCAG AA for text (4.5:1, section slides and table headers) and to WCAG's
non-text contrast for marks (3:1). A dark enough accent is used as it is.
"""

from __future__ import annotations

import colorsys

from generator.render.contrast import NON_TEXT_CONTRAST, TEXT_CONTRAST, WHITE, contrast_ratio, hex_to_rgb

WHITE_TEXT_CONTRAST = TEXT_CONTRAST
MARK_CONTRAST = NON_TEXT_CONTRAST
LUM_MOD_STEP = 5000  # lumMod is in thousandths of a percent; darken 5% of the lightness at a time
FULL_LIGHTNESS = 100000


def fill_lum_mod(accent: str, contrast: float = WHITE_TEXT_CONTRAST) -> int:
    """The lumMod (100000 = unchanged) at which the accent and white differ by `contrast`."""
    lum_mod = FULL_LIGHTNESS
    while lum_mod > 0 and _contrast_with_white(darkened(accent, lum_mod)) < contrast:
        lum_mod -= LUM_MOD_STEP
    return max(lum_mod, 0)


def accent_fill(accent: str) -> str:
    """The fill colour itself, "#RRGGBB", for shapes that name a colour rather than the theme's accent."""
    return darkened(accent, fill_lum_mod(accent))


def darkened(colour: str, lum_mod: int) -> str:
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    channels = colorsys.hls_to_rgb(hue, lightness * lum_mod / FULL_LIGHTNESS, saturation)
    return "#" + "".join(f"{round(channel * 255):02X}" for channel in channels)


def _contrast_with_white(colour: str) -> float:
    return contrast_ratio(hex_to_rgb(colour), WHITE)
