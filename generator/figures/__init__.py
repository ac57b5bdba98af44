"""Figures drawn from demo results. See registry.py."""

from generator.fonts import follow_fontconfig

# Figures fall back to the CJK fonts for Chinese, Japanese and Korean text: matplotlib must know them
# even when they were installed after it first listed the machine's fonts (generator/fonts.py).
follow_fontconfig()
