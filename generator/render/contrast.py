"""WCAG colour contrast, which both renderers use to keep text and marks readable on any accent."""

from __future__ import annotations

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
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
