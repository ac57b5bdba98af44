"""WCAG colour contrast, which both renderers use to keep text and marks readable on any accent.

The accent where it must stand out from white (behind white text, and as marks on a white
slide) is computed here, once, for every output: a light accent (yellow, a pale green) would leave
white text unreadable and marks invisible, so it is darkened in HSL lightness, as PowerPoint's own
lumMod does, just enough: to WCAG AA for text (4.5:1: section slides, table headers) and to WCAG's
non-text contrast for marks (3:1). A dark enough accent is used as it is.
"""

from __future__ import annotations

import colorsys

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
TEXT_CONTRAST = 4.5  # WCAG AA for body text
NON_TEXT_CONTRAST = 3.0  # WCAG's minimum for marks, rules and other graphics


def hex_to_rgb(colour: str) -> RGB:
    """'#RRGGBB' (the '#' optional) as 0-255 channels."""
    digits = colour.lstrip("#")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(rgb: RGB) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(a: RGB, b: RGB) -> float:
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: RGB) -> RGB:
    """Black or white, whichever reads better on ``background``: one of them always reaches 4.5:1
    (the better of the two is at least the square root of 21, 4.58:1)."""
    return BLACK if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background) else WHITE


def readable_on(colour: str, background: str, contrast: float = TEXT_CONTRAST) -> str:
    """``colour`` ("#RRGGBB" or "RRGGBB") if it reaches ``contrast`` on ``background``, else mixed towards
    black or white (whichever reads on the background) just until it does: a grey stays a paler or darker grey."""
    target, back = text_colour_on(hex_to_rgb(background)), hex_to_rgb(background)
    start = hex_to_rgb(colour)
    for step in range(21):  # in 5% steps; the last is black or white itself, which always reaches 4.5:1
        mixed = tuple(round(a + (b - a) * step / 20) for a, b in zip(start, target))
        if contrast_ratio(mixed, back) >= contrast:
            break
    return "#" + "".join(f"{channel:02X}" for channel in mixed)


LUM_MOD_STEP = 5000  # lumMod is in thousandths of a percent; darken 5% of the lightness at a time
FULL_LIGHTNESS = 100000


def fill_lum_mod(accent: str, contrast: float = TEXT_CONTRAST) -> int:
    """The lumMod (100000 = unchanged) at which the accent and white differ by `contrast`."""
    lum_mod = FULL_LIGHTNESS
    while lum_mod > 0 and contrast_ratio(hex_to_rgb(darkened(accent, lum_mod)), WHITE) < contrast:
        lum_mod -= LUM_MOD_STEP
    return max(lum_mod, 0)


def accent_fill(accent: str) -> str:
    """The accent as a background for white text, "#RRGGBB": itself, or darkened until the text reads."""
    return darkened(accent, fill_lum_mod(accent))


def darkened(colour: str, lum_mod: int) -> str:
    red, green, blue = (channel / 255 for channel in hex_to_rgb(colour))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    channels = colorsys.hls_to_rgb(hue, lightness * lum_mod / FULL_LIGHTNESS, saturation)
    return "#" + "".join(f"{round(channel * 255):02X}" for channel in channels)
