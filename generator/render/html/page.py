"""The page frame every HTML output shares: theme CSS, code style, security policy, fonts.

One file holds everything the page needs -- CSS, JavaScript, figures (inline
SVG) and pictures (data: URIs) -- so it can be mailed, put on a USB stick or
opened from a lecture hall PC without a network. A Content-Security-Policy in
the page makes "no network requests" a property the browser enforces, not just
a habit of the templates.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence

from markupsafe import Markup
from pygments import format as pygments_format
from pygments.formatters import HtmlFormatter
from pygments.lexers.special import TextLexer

from generator.deck import Code, Deck, Theme
from generator.errors import BuildError
from generator.render.code_tokens import lexed
from generator.render.contrast import WHITE, accent_fill, contrast_ratio, hex_to_rgb
from generator.render.html.views import PageView, StageView

# The logical stage the CSS lays slides out on; the script scales it to the
# window. 720 px high either way so font sizes mean the same in both aspects.
STAGE_SIZES = {"16:9": (1280, 720), "4:3": (960, 720)}

CODE_STYLE = "default"  # a light Pygments style that suits the white slides

# The report's text column is at most this wide (report.css reads it as --measure), and figures
# there are drawn for it (report.report_figure_size_in).
REPORT_MEASURE_REM = 46
CSS_PX_PER_REM = 16  # a browser's default root font size
CSS_PX_PER_INCH = 96

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def page_view(
    deck: Deck, env, theme_style: Markup, stylesheets: Sequence[Markup], scripts: tuple[Markup, ...]
) -> PageView:
    """The page frame every output shares: theme CSS, Pygments CSS if any code, the output's stylesheets."""
    styles = [theme_style]
    if any(isinstance(block, Code) for slide in deck.slides for block in slide.blocks):
        styles.append(code_css())
    # The output's own stylesheets come after Pygments' rules so they can restyle the code box.
    styles.extend(stylesheets)
    return PageView(
        language=deck.meta.language or "en",
        direction=text_direction(deck.meta.language),
        title=deck.meta.title,
        description=deck.meta.subtitle,
        author=deck.meta.author,
        csp=content_security_policy(scripts),
        styles=tuple(styles),
        scripts=scripts,
    )


# Languages written right to left (BCP 47 primary subtags); "iw" is Hebrew's old code.
RIGHT_TO_LEFT_LANGUAGES = frozenset({"ar", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """The page's base direction: "rtl" for a right-to-left language, else "ltr"."""
    primary = language.lower().replace("_", "-").split("-")[0]
    return "rtl" if primary in RIGHT_TO_LEFT_LANGUAGES else "ltr"


def stage_view(theme: Theme) -> StageView:
    width, height = STAGE_SIZES.get(theme.aspect, STAGE_SIZES["16:9"])
    return StageView(width=width, height=height, aspect=theme.aspect)


def content_security_policy(scripts: Sequence[str]) -> str:
    """A policy that forbids every fetch and every script but the given inline ones.

    Styles stay 'unsafe-inline' because matplotlib's SVG uses style attributes;
    CSS cannot run code, and with default-src 'none' it cannot fetch either.
    """
    script_sources = " ".join(_script_hash(script) for script in scripts) or "'none'"
    return (
        "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
        f"script-src {script_sources}; base-uri 'none'; form-action 'none'"
    )


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def theme_css(theme: Theme, language: str, stage: StageView) -> Markup:
    """The theme as CSS custom properties (plus the print page size, which must be literal)."""
    lines = [
        ":root {",
        *_theme_properties(theme, language),
        f"  --slide-width: {stage.width}px;",
        f"  --slide-height: {stage.height}px;",
        "}",
        f"@page {{ size: {stage.width}px {stage.height}px; margin: 0; }}",
        "",
    ]
    return Markup("\n".join(lines))


def report_theme_css(theme: Theme, language: str) -> Markup:
    """The theme as CSS custom properties for the report (its print page is A4, set in report.css)."""
    lines = [":root {", *_theme_properties(theme, language), f"  --measure: {REPORT_MEASURE_REM}rem;", "}", ""]
    return Markup("\n".join(lines))


def _theme_properties(theme: Theme, language: str) -> list[str]:
    """The theme's colours and fonts as CSS custom property lines (shared by slides and report)."""
    accent = _checked_accent(theme.accent)
    rgb = hex_to_rgb(accent)
    east_asian = _east_asian_fonts(theme.font_east_asian, language)
    tint = _mix(rgb, WHITE, 0.9)
    fill = hex_to_rgb(accent_fill(accent))  # the PowerPoint deck's fill too: white text on it reads
    return [
        f"  --accent: {accent};",
        # Text in the accent's hue sits on white and on the tint: readable on the tint is readable on both.
        f"  --accent-ink: {_rgb_to_hex(_readable_on(rgb, tint))};",
        f"  --accent-tint: {_rgb_to_hex(tint)};",
        f"  --accent-soft: {_rgb_to_hex(_mix(rgb, WHITE, 0.75))};",
        f"  --accent-fill: {_rgb_to_hex(fill)};",
        f"  --on-accent: {_rgb_to_hex(WHITE)};",
        f"  --code-paper: {_rgb_to_hex(CODE_PAPER)};",
        f"  --font-body: {font_stack([theme.font, *BODY_FALLBACKS, *east_asian, 'sans-serif'])};",
        f"  --font-code: {font_stack([theme.font_code, *CODE_FALLBACKS, *east_asian, 'monospace'])};",
    ]


# The code box's paper (--code-paper in the theme rule); code colours are made to read on it.
CODE_PAPER = (0xF5, 0xF7, 0xF9)
TOKEN_COLOUR = re.compile(r"(?<![-\w])color: #([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})\b")


def code_css() -> Markup:
    formatter = _code_formatter()
    # Only the rules scoped to .highlight: Pygments' full sheet also restyles every <pre>.
    rules = formatter.get_background_style_defs(".highlight") + formatter.get_token_style_defs(".highlight")
    return Markup("\n".join(_readable_token_colours(rule) for rule in rules) + "\n")


def _readable_token_colours(rule: str) -> str:
    """A Pygments rule with each text colour darkened, where needed, to read on the code paper.

    Pygments' light styles pick some token colours (the violet of ``in`` and
    ``is``, the grey of numbers) a little under WCAG AA's 4.5:1.
    """

    def readable(match: re.Match[str]) -> str:
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(digit * 2 for digit in digits)
        return f"color: {_rgb_to_hex(_readable_on(hex_to_rgb('#' + digits), CODE_PAPER))}"

    return TOKEN_COLOUR.sub(readable, rule)


def _code_formatter() -> HtmlFormatter:
    return HtmlFormatter(cssclass="highlight", style=CODE_STYLE)


def highlight_code(source: str, language: str | None) -> Markup:
    """Pygments HTML with CSS classes (the colours come once, from :func:`code_css`)."""
    # The tokens are remembered between runs (render/code_tokens.py); an unknown language comes out plain.
    tokens = lexed(source, language) if language else None
    if tokens is None:
        tokens = TextLexer(stripnl=False).get_tokens(source)
    # Pygments escapes the source itself; its output is trusted markup.
    return Markup(pygments_format(tokens, _code_formatter()))


# Commonly installed fonts for Latin text. They come before the CJK fonts so
# that Latin letters never take a CJK font's Latin glyphs; the browser falls
# through to the CJK fonts only for characters the Latin ones lack.
BODY_FALLBACKS = ("Noto Sans", "Helvetica Neue", "Arial", "Liberation Sans", "DejaVu Sans")
CODE_FALLBACKS = ("DejaVu Sans Mono", "Menlo", "Consolas", "Liberation Mono")

# Han characters differ between regions; pick the fallback fonts that draw the
# lecture's own language's forms first.
CJK_FALLBACKS = {
    "ja": ("Noto Sans CJK JP", "Source Han Sans JP", "Hiragino Sans", "Yu Gothic", "Meiryo"),
    "ko": ("Noto Sans CJK KR", "Source Han Sans KR", "Apple SD Gothic Neo", "Malgun Gothic"),
    "zh-tw": ("Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC", "Microsoft JhengHei"),
    "zh-hk": ("Noto Sans CJK HK", "Noto Sans CJK TC", "PingFang HK", "Microsoft JhengHei"),
    "zh": ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"),
}


def _east_asian_fonts(theme_font: str, language: str) -> list[str]:
    primary, *rest = language.lower().replace("_", "-").split("-")
    key = _chinese_variant(rest) if primary == "zh" else primary
    return [theme_font, *CJK_FALLBACKS.get(key, CJK_FALLBACKS["zh"])]


def _chinese_variant(subtags: Sequence[str]) -> str:
    """The CJK_FALLBACKS key for a Chinese tag's subtags: its script (Hans, Hant) decides, then its region."""
    script = next((tag for tag in subtags if len(tag) == 4 and tag.isalpha()), "")
    region = next((tag for tag in subtags if len(tag) == 2 and tag.isalpha()), "")
    if script == "hans":
        return "zh"
    if region in ("hk", "mo"):
        return "zh-hk"
    return "zh-tw" if script == "hant" or region == "tw" else "zh"


GENERIC_FAMILIES = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math"})


def font_stack(names: Sequence[str]) -> str:
    """A CSS font-family list; family names quoted as CSS strings, generics bare, no duplicates."""
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return ", ".join(name if name in GENERIC_FAMILIES else css_string(name) for name in seen)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that is also safe inside an HTML <style> element."""
    out = []
    for char in text:
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _checked_accent(accent: str) -> str:
    if not HEX_COLOUR.match(accent):
        raise BuildError(f"theme accent {accent!r} is not a colour of the form #RRGGBB")
    return accent.upper()


def _rgb_to_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _mix(rgb: tuple[int, int, int], other: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    r, g, b = (round(c + (o - c) * amount) for c, o in zip(rgb, other))
    return r, g, b


def _readable_on(rgb: tuple[int, int, int], paper: tuple[int, int, int]) -> tuple[int, int, int]:
    """A colour darkened just enough for text on a light ``paper`` (WCAG AA, 4.5:1)."""
    colour = rgb
    for step in range(1, 21):
        if contrast_ratio(colour, paper) >= 4.5:
            break
        colour = _mix(rgb, (0, 0, 0), step * 0.05)
    return colour
