"""The self-contained HTML slide deck.

One file holds everything the page needs -- CSS, JavaScript, figures (inline
SVG) and pictures (data: URIs) -- so it can be mailed, put on a USB stick or
opened from a lecture hall PC without a network. A Content-Security-Policy in
the page makes "no network requests" a property the browser enforces, not just
a habit of the templates.

Every decision about what goes where is made here, in Python, as small view
values (:class:`SlideView`, the block views). Text reaches the templates either
as plain ``str`` (autoescaped by Jinja) or as :class:`~markupsafe.Markup` built
by functions in this module that escape every piece of content they embed. The
templates under ``templates/html/`` only place those values.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from latex2mathml.converter import convert as latex_to_mathml
from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from generator.deck import (
    Block,
    Bullet,
    Bullets,
    Code,
    Deck,
    Equation,
    Figure,
    Image,
    Inline,
    Quote,
    Run,
    Slide,
    Table,
    Theme,
    plain_text,
)
from generator.errors import BuildError
from generator.slide_layouts import slide_columns
from generator.interface_words import InterfaceWords
from generator.locations import templates_dir
from generator.render.contrast import WHITE, accent_fill, contrast_ratio, hex_to_rgb
from generator.render.math_text import space_big_operators

SLIDES_TEMPLATE = "slides.html.j2"
SLIDES_CSS = "static/slides.css"
BLOCKS_CSS = "static/blocks.css"  # content blocks, shared by the slide deck and the reveal.js page
SLIDES_JS = "static/slides.js"
FIT_JS = "static/fit.js"  # shrink-to-fit, shared with the reveal.js page

# The logical stage the CSS lays slides out on; the script scales it to the
# window. 720 px high either way so font sizes mean the same in both aspects.
STAGE_SIZES = {"16:9": (1280, 720), "4:3": (960, 720)}

CODE_STYLE = "default"  # a light Pygments style that suits the white slides

LINK_SCHEMES = re.compile(r"^(?:https?://[^\s/?#]+|mailto:[^\s])", re.IGNORECASE)
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
IMAGE_MEDIA_TYPE = re.compile(r"^image/[a-z0-9][a-z0-9.+-]*$")


# --------------------------------------------------------------------------
# View values handed to the templates


@dataclass(frozen=True)
class PageView:
    """What base.html.j2 needs for any page (slides now, the report later)."""

    language: str
    direction: str  # "rtl" for a right-to-left language, else "ltr"
    title: str
    description: str
    author: str
    csp: str
    styles: tuple[Markup, ...]
    scripts: tuple[Markup, ...]


@dataclass(frozen=True)
class StageView:
    width: int
    height: int
    aspect: str


@dataclass(frozen=True)
class BulletView:
    text: Markup
    children: tuple[BulletView, ...]


@dataclass(frozen=True)
class BulletsView:
    items: tuple[BulletView, ...]
    kind: str = "bullets"


@dataclass(frozen=True)
class FigureView:
    """A drawn figure (inline SVG) or a picture file (data: URI), numbered."""

    number: int
    label: str  # "Figure 3.", "图 3": the label in the lecture's language
    separator: str  # between the label and a caption: a space, or an ideographic space in Chinese and Japanese
    caption: Markup
    alt: str
    svg: Markup | None  # set for drawn figures
    src: str | None  # data: URI, set for pictures
    width_px: int
    height_px: int
    aspect: str  # width / height, for CSS that sizes the picture and keeps its caption close
    kind: str = "figure"


@dataclass(frozen=True)
class TableView:
    header: tuple[Markup, ...]
    rows: tuple[tuple[Markup, ...], ...]
    numeric: tuple[bool, ...]  # per column: right-align, tabular figures
    caption: Markup
    kind: str = "table"


@dataclass(frozen=True)
class CodeView:
    html: Markup  # Pygments' <div class="highlight"><pre>...</pre></div>
    language: str
    kind: str = "code"


@dataclass(frozen=True)
class QuoteView:
    text: Markup
    attribution: Markup
    kind: str = "quote"


@dataclass(frozen=True)
class EquationView:
    lines: tuple[Markup, ...]  # one <math display="block"> each
    kind: str = "equation"


BlockView = BulletsView | FigureView | TableView | CodeView | QuoteView | EquationView


@dataclass(frozen=True)
class SlideView:
    number: int  # 1-based position; the element id and the URL hash use it
    kind: str
    layout: str
    title: Markup
    title_text: str  # for aria-label and the like
    subtitle: Markup
    section: str
    columns: tuple[tuple[BlockView, ...], ...]  # one column, or two for figure_bullets
    notes: tuple[Markup, ...]


# --------------------------------------------------------------------------
# Entry point


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


def render_slides_html(deck: Deck, template_dirs: Sequence[Path] = ()) -> str:
    """The slide deck as one HTML document. Pure and deterministic."""
    env = template_environment(template_dirs)
    stage = stage_view(deck.theme)
    slides = tuple(slide_view(slide, position, deck.meta.labels) for position, slide in enumerate(deck.slides, start=1))
    # One inline script (one hash in the policy): the shared shrink-to-fit, then the slides' own.
    script = static_text(env, FIT_JS, closing_tag="</script") + "\n" + static_text(env, SLIDES_JS, closing_tag="</script")
    sheets = (stylesheet(env, BLOCKS_CSS), stylesheet(env, SLIDES_CSS))
    page = page_view(deck, env, theme_css(deck.theme, deck.meta.language, stage), sheets, (script,))
    return render_template(
        env,
        SLIDES_TEMPLATE,
        {
            "page": page,
            "meta": deck.meta,
            "stage": stage,
            "slides": slides,
            "slide_count": len(slides),
            "script_words": script_words_json(deck.meta.labels),
        },
    )


def script_words_json(labels: InterfaceWords) -> str:
    """The words slides.js shows, as JSON for a data attribute (the page's policy allows no other script)."""
    return json.dumps(labels.script_words(), ensure_ascii=False, sort_keys=True)


# --------------------------------------------------------------------------
# Templates


def template_environment(template_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """Jinja environment searching ``template_dirs`` first, then the built-in templates."""
    search_path = [str(Path(d)) for d in template_dirs] + [str(templates_dir() / "html")]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search_path),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, object]) -> str:
    """Render ``name``; template mistakes become a BuildError saying "FILE:LINE: message"."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise BuildError(f"{where}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"template {exc.name!r} not found in {_search_path_text(env)}") from exc
    except jinja2.TemplateError as exc:
        raise BuildError(f"{_template_position(env, exc) or name}: {_template_error_text(exc)}") from exc
    except Exception as exc:
        # A Python error raised by template code (a division by zero, a bad
        # filter argument) is the template author's to fix: say where it is.
        # One raised outside any template is a bug here and keeps its traceback.
        position = _template_position(env, exc)
        if position is None:
            raise
        raise BuildError(f"{position}: {type(exc).__name__}: {exc}") from exc


# What Jinja says when a template calls a macro that an imported template lacks.
MISSING_MACRO = re.compile(r"^'jinja2\.environment\.TemplateModule object' has no attribute '([^']+)'$")


def _template_error_text(exc: jinja2.TemplateError) -> str:
    missing = MISSING_MACRO.match(exc.message or "")
    if missing:
        # Most likely a user's partial that replaces a built-in one but left a macro out.
        return (
            f"an imported template has no macro {missing.group(1)!r}; a template that replaces a built-in one "
            "must define all of its macros (copy the built-in file and change it)"
        )
    return exc.message or type(exc).__name__


def stylesheet(env: jinja2.Environment, name: str) -> Markup:
    return static_text(env, name, closing_tag="</style")


def static_text(env: jinja2.Environment, name: str, closing_tag: str) -> Markup:
    """A static file (found like a template, so overrides work) to inline verbatim.

    Inlined CSS and JS sit in raw-text elements where nothing is escaped, so
    the one thing that could break the page -- the element's own closing tag --
    is refused rather than silently mangled.
    """
    try:
        source, filename, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"static file {name!r} not found in {_search_path_text(env)}") from exc
    if closing_tag in source.lower():
        raise BuildError(f"{filename}: must not contain {closing_tag}>; it is inlined into the page")
    return Markup(source)


def _search_path_text(env: jinja2.Environment) -> str:
    return ", ".join(getattr(env.loader, "searchpath", []))


def _template_position(env: jinja2.Environment, exc: BaseException) -> str | None:
    """"file:line" of the innermost template frame of an error raised while rendering.

    Jinja rewrites tracebacks so that template code shows up as frames whose
    file name is the template's path and whose line is the template's line.
    """
    roots = [Path(p).resolve() for p in getattr(env.loader, "searchpath", [])]
    position = None
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if any(path.is_relative_to(root) for root in roots):
            position = f"{frame.filename}:{frame.lineno}"
    return position


# --------------------------------------------------------------------------
# Page frame: theme, code style, security policy


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


# --------------------------------------------------------------------------
# Slides and blocks


def slide_view(slide: Slide, position: int, labels: InterfaceWords) -> SlideView:
    try:
        return SlideView(
            number=position,
            kind=slide.kind,
            layout=slide.layout,
            title=inline_html(slide.title),
            title_text=plain_text(slide.title),
            subtitle=inline_html(slide.subtitle),
            section=slide.section,
            columns=_columns(slide, position, labels),
            notes=tuple(inline_html(paragraph) for paragraph in slide.notes),
        )
    except BuildError as exc:
        where = f"{slide.source}: " if slide.source else ""
        raise BuildError(f"{where}slide {position} ({plain_text(slide.title)!r}): {exc.message}") from exc


def _columns(slide: Slide, position: int, labels: InterfaceWords) -> tuple[tuple[BlockView, ...], ...]:
    # The columns are the Deck's (slide_layouts.slide_columns); each block keeps the id prefix of its place.
    views = dict(zip(map(id, slide.blocks), _block_views(slide, position, labels)))
    return tuple(tuple(views[id(block)] for block in column) for column in slide_columns(slide))


def block_view(block: Block, id_prefix: str, labels: InterfaceWords) -> BlockView:
    """The view of one block; ``id_prefix`` keeps inline-SVG ids unique in the page."""
    view = _BLOCK_VIEWS.get(type(block))
    if view is None:
        raise BuildError(f"the HTML renderer does not know the block type {type(block).__name__}")
    return view(block, id_prefix, labels)


def _figure_view(block: Figure, id_prefix: str, labels: InterfaceWords) -> FigureView:
    asset = block.asset
    return FigureView(
        number=block.number,
        label=labels.figure_label(block.number),
        separator=labels.caption_separator,
        caption=inline_html(block.caption),
        alt=asset.alt,
        svg=inline_svg(asset.svg, id_prefix, asset.alt, asset.language),
        src=None,
        width_px=asset.width_px,
        height_px=asset.height_px,
        aspect=_aspect(svg_aspect(asset.svg) or _ratio(asset.width_px, asset.height_px)),
    )


def _image_view(block: Image, id_prefix: str, labels: InterfaceWords) -> FigureView:
    return FigureView(
        number=block.number,
        label=labels.figure_label(block.number),
        separator=labels.caption_separator,
        caption=inline_html(block.caption),
        alt=block.alt,
        svg=None,
        src=image_data_uri(block.data, block.media_type),
        width_px=block.width_px,
        height_px=block.height_px,
        aspect=_aspect(_ratio(block.width_px, block.height_px)),
    )


def _equation_view(block: Equation, id_prefix: str, labels: InterfaceWords) -> EquationView:
    return EquationView(lines=tuple(tex_to_mathml(space_big_operators(tex), display="block") for tex in block.lines))


# Each block type's view (the partial templates/html/partials/blocks.html.j2 draws it by its kind).
_BLOCK_VIEWS = {
    Bullets: lambda block, id_prefix, labels: BulletsView(items=tuple(_bullet_view(item) for item in block.items)),
    Figure: _figure_view,
    Image: _image_view,
    Table: lambda block, id_prefix, labels: _table_view(block),
    Code: lambda block, id_prefix, labels: CodeView(html=highlight_code(block.source, block.language),
                                                    language=block.language or ""),
    Quote: lambda block, id_prefix, labels: QuoteView(text=inline_html(block.text),
                                                      attribution=inline_html(block.attribution)),
    Equation: _equation_view,
}


def _ratio(width: float, height: float) -> float:
    return width / height if width > 0 and height > 0 else 4 / 3


def _aspect(ratio: float) -> str:
    return f"{ratio:.4f}"


def _bullet_view(bullet: Bullet) -> BulletView:
    return BulletView(text=inline_html(bullet.text), children=tuple(_bullet_view(c) for c in bullet.children))


NUMBER = re.compile(r"^[+\-\u2212]?(?:\d[\d,\u202f ]*)?(?:\.\d+)?(?:[eE][+\-]?\d+)?\s*%?$")


def _is_number(text: str) -> bool:
    text = text.strip()
    return bool(text) and any(c.isdigit() for c in text) and bool(NUMBER.match(text))


def _table_view(table: Table) -> TableView:
    # Ragged rows should not reach here, but a short row must not break the page.
    columns = max([len(table.header), *(len(row) for row in table.rows)])
    numeric = tuple(
        any(c < len(row) for row in table.rows)
        and all(_is_number(plain_text(row[c])) for row in table.rows if c < len(row))
        for c in range(columns)
    )
    return TableView(
        header=tuple(inline_html(cell) for cell in table.header),
        rows=tuple(tuple(inline_html(cell) for cell in row) for row in table.rows),
        numeric=numeric,
        caption=inline_html(table.caption),
    )


def _code_formatter() -> HtmlFormatter:
    return HtmlFormatter(cssclass="highlight", style=CODE_STYLE)


def highlight_code(source: str, language: str | None) -> Markup:
    """Pygments HTML with CSS classes (the colours come once, from :func:`code_css`)."""
    try:
        lexer = get_lexer_by_name(language, stripnl=False) if language else TextLexer(stripnl=False)
    except ClassNotFound:
        lexer = TextLexer(stripnl=False)
    # Pygments escapes the source itself; its output is trusted markup.
    return Markup(highlight(source, lexer, _code_formatter()))


def image_data_uri(data: bytes, media_type: str) -> str:
    if not IMAGE_MEDIA_TYPE.match(media_type):
        raise BuildError(f"cannot embed a picture of media type {media_type!r}")
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


# --------------------------------------------------------------------------
# Inline runs


def inline_html(inline: Inline) -> Markup:
    """Runs as HTML: every text escaped, styles as elements, math as MathML."""
    parts = []
    for group in _glue_punctuation_to_math(inline):
        html = Markup("").join(run_html(run) for run in group)
        parts.append(Markup('<span class="nowrap">{}</span>').format(html) if len(group) > 1 else html)
    return Markup("").join(parts)


# Punctuation that must not start a line: after a formula it would, because
# a <math> box is one unbreakable unit and the browser may break right after it.
CLOSING_PUNCTUATION = re.compile(r"^[,.;:!?)\]}%\u2019\u201d\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\uff09]+")


def _glue_punctuation_to_math(inline: Inline) -> list[tuple[Run, ...]]:
    groups: list[tuple[Run, ...]] = []
    pending = list(inline)
    while pending:
        run = pending.pop(0)
        glue = CLOSING_PUNCTUATION.match(pending[0].text) if run.math and pending and not pending[0].math else None
        if glue is None:
            if run.text:
                groups.append((run,))
            continue
        following = pending.pop(0)
        groups.append((run, replace(following, text=glue.group(0))))
        pending.insert(0, replace(following, text=following.text[glue.end() :]))
    return groups


def run_html(run: Run) -> Markup:
    content = tex_to_mathml(run.text) if run.math else escape(run.text)
    if run.code and not run.math:
        content = Markup("<code>{}</code>").format(content)
    if run.italic:
        content = Markup("<em>{}</em>").format(content)
    if run.bold:
        content = Markup("<strong>{}</strong>").format(content)
    href = safe_href(run.href)
    if href is not None:
        content = Markup('<a href="{}" rel="noopener" target="_blank">{}</a>').format(href, content)
    return content


def safe_href(href: str | None) -> str | None:
    """``href`` if it is an http(s) or mailto link; None for anything else.

    The loader already refuses other schemes; this is the last line of defence,
    so it is strict: no whitespace or control characters anywhere (browsers
    strip those, which is how "java\\tscript:" slips past naive checks).
    """
    if not href or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in href):
        return None
    return href if LINK_SCHEMES.match(href) else None


# MathML Core elements and presentation attributes. latex2mathml copies the
# contents of \text{...} (and unknown commands) into its output unescaped, and
# turns \href into an href attribute, so its output is rebuilt from these
# lists: everything else becomes escaped text.
MATHML_ELEMENTS = frozenset(
    "math mrow mi mn mo ms mtext mspace mfrac msqrt mroot mstyle merror mpadded mphantom mfenced "
    "menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr "
    "mtd mlabeledtr semantics annotation".split()
)
MATHML_ATTRIBUTES = frozenset(
    "xmlns display stretchy fence separator separators lspace rspace mathvariant mathcolor "
    "mathbackground mathsize width height depth linethickness columnalign rowalign columnspacing "
    "rowspacing columnlines rowlines frame framespacing displaystyle scriptlevel accent accentunder "
    "movablelimits largeop symmetric minsize maxsize notation form open close voffset rowspan "
    "columnspan bevelled".split()
)
MATHML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*=\"[^\"<>]*\")*)\s*(/?)>")
MATHML_ATTRIBUTE = re.compile(r"([A-Za-z_:][-A-Za-z0-9_:.]*)=\"([^\"]*)\"")


def tex_to_mathml(tex: str, display: str = "inline") -> Markup:
    """TeX (without dollar signs) as MathML ("inline" or "block"), rebuilt from an element allow-list."""
    try:
        converted = latex_to_mathml(tex, display=display)
    except Exception as exc:  # latex2mathml raises bare Exception subclasses for bad TeX
        reason = str(exc) or type(exc).__name__
        raise BuildError(f"cannot typeset the math ${tex}$ ({reason}); check its braces and commands") from exc
    return _inline_primes(_rebuild_mathml(converted))


# latex2mathml writes f' as <msup><mi>f</mi><mi>′</mi></msup>. Without an
# OpenType MATH font (most machines) the prime glyph, already drawn high,
# is raised again as a superscript and floats far from its letter; set
# after the letter it sits where a reader expects it.
SUPERSCRIPT_PRIME = re.compile(r"<msup>(<(mi|mo|mn)\b[^>]*>[^<]*</\2>)<mi>([\u2032\u2033\u2034]+)</mi></msup>")


def _inline_primes(mathml: Markup) -> Markup:
    # str(): re.sub on Markup would escape the replacement markup.
    return Markup(SUPERSCRIPT_PRIME.sub(r'<mrow>\1<mo lspace="0" rspace="0">\3</mo></mrow>', str(mathml)))


def _rebuild_mathml(source: str) -> Markup:
    out: list[str] = []
    open_elements: list[str] = []
    position = 0
    for match in MATHML_TAG.finditer(source):
        out.append(_mathml_text(source[position : match.start()]))
        position = match.end()
        closing, name, attributes, self_closing = match.groups()
        if name not in MATHML_ELEMENTS:
            out.append(_mathml_text(match.group(0)))
        elif closing:
            if open_elements and open_elements[-1] == name:
                out.append(f"</{open_elements.pop()}>")
            else:
                out.append(_mathml_text(match.group(0)))
        else:
            out.append(f"<{name}{_mathml_attributes(attributes)}>")
            if self_closing:
                out.append(f"</{name}>")
            else:
                open_elements.append(name)
    out.append(_mathml_text(source[position:]))
    out.extend(f"</{name}>" for name in reversed(open_elements))
    return Markup("".join(out))


def _mathml_text(text: str) -> str:
    return str(escape(html.unescape(text)))


def _mathml_attributes(attributes: str) -> str:
    kept = [
        f' {name}="{escape(html.unescape(value))}"'
        for name, value in MATHML_ATTRIBUTE.findall(attributes)
        if name in MATHML_ATTRIBUTES
    ]
    return "".join(kept)


# --------------------------------------------------------------------------
# Inline SVG figures

XML_PROLOG = re.compile(r"<\?xml.*?\?>\s*", re.DOTALL)
DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.IGNORECASE)
SVG_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
SVG_METADATA = re.compile(r"<metadata\b.*?</metadata>\s*", re.DOTALL)
SVG_ROOT = re.compile(r"<svg\b[^>]*>")
SVG_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.DOTALL)
SVG_ID = re.compile(r'(?<=\s)id="([^"]+)"')
SVG_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')
ROOT_SIZE = re.compile(r'\s(width|height)="[^"]*"')
ROOT_VIEWBOX = re.compile(r'\sviewBox="[^"]*"')
VIEWBOX_NUMBERS = re.compile(r'\sviewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')
POINTS = re.compile(r'\s(width|height)="([\d.]+)(?:pt|px)?"')
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def inline_svg(svg: str, id_prefix: str, alt: str, language: str = "") -> Markup:
    """matplotlib SVG text ready to sit inside the page.

    Drops the XML prolog, DOCTYPE, comments and metadata (the last carries
    http:// identifiers that are noise in a self-contained file); prefixes
    every id and every reference to it, since matplotlib names groups
    "figure_1", "axes_1" in every file and two figures on one page would
    otherwise share ids; scopes its <style> to this figure (inline SVG styles
    apply to the whole document); and makes the root an accessible image sized
    by CSS rather than by its point size, in ``language`` when given (a screen
    reader then reads an English alt text in a German page with an English voice).
    """
    body = SVG_METADATA.sub("", SVG_COMMENT.sub("", DOCTYPE.sub("", XML_PROLOG.sub("", svg)))).strip()
    root = SVG_ROOT.search(body)
    if root is None:
        raise BuildError(f"figure for {alt!r} is not SVG text")
    ids = set(SVG_ID.findall(body))
    body = SVG_ID.sub(lambda m: f'id="{id_prefix}{m.group(1)}"', body)
    body = SVG_REFERENCE.sub(lambda m: m.group(1) + (id_prefix if m.group(2) in ids else "") + m.group(2), body)
    root_id = f"{id_prefix}svg"
    body = SVG_STYLE.sub(lambda m: m.group(1) + scope_css(m.group(2), f"#{root_id}") + m.group(3), body)
    root = SVG_ROOT.search(body)
    new_root = _accessible_svg_root(root.group(0), root_id, alt, language)
    return Markup(body[: root.start()] + new_root + body[root.end() :])


def svg_aspect(svg: str) -> float | None:
    """width / height of an SVG's viewBox, None when it has none worth trusting."""
    root = SVG_ROOT.search(svg)
    box = VIEWBOX_NUMBERS.search(root.group(0)) if root else None
    if box is None:
        return None
    width, height = float(box.group(1)), float(box.group(2))
    return width / height if width > 0 and height > 0 else None


def _accessible_svg_root(tag: str, root_id: str, alt: str, language: str = "") -> str:
    if not ROOT_VIEWBOX.search(tag):
        size = dict(POINTS.findall(tag))
        if "width" in size and "height" in size:
            tag = tag[:-1] + f' viewBox="0 0 {size["width"]} {size["height"]}">'
    tag = ROOT_SIZE.sub("", tag)
    tag = re.sub(r'\s(id|role|aria-label|class|preserveAspectRatio|focusable|lang)="[^"]*"', "", tag)
    label = escape(alt)
    attributes = (
        f' id="{root_id}" class="figure-svg" role="img" aria-label="{label}"'
        ' preserveAspectRatio="xMidYMid meet" focusable="false"'
        + (f' lang="{escape(language)}"' if language else "")
    )
    if tag.endswith("/>"):  # an empty picture has no children to put a <title> before
        return tag[:-2] + attributes + "/>"
    return tag[:-1] + attributes + f"><title>{label}</title>"


def scope_css(css: str, scope: str) -> str:
    """Every rule's selectors put under ``scope`` (a selector). Plain rules only: comments and
    at-rules need a real parser, and neither matplotlib's SVG styles nor blocks.css has any
    once its comments are dropped."""
    if "@" in css:
        return css

    def scoped(match: re.Match[str]) -> str:
        selectors = ", ".join(f"{scope} {s.strip()}" for s in match.group(1).split(","))
        return f"{selectors}{{{match.group(2)}}}"

    return CSS_RULE.sub(scoped, css)


# --------------------------------------------------------------------------
# The long-form report (lecture notes)
#
# The same deck read as a document: the title slide becomes the title block,
# each section divider a chapter (its notes the chapter's introduction), each
# content slide a subsection whose speaker notes become its prose, and an
# appendix records where every number came from. Anchors are the slides' own
# ("#slide-5" is slide 5 in both files) and figure numbers are the slides'.

REPORT_TEMPLATE = "report.html.j2"
REPORT_CSS = "static/report.css"
PROVENANCE_ID = "provenance"


@dataclass(frozen=True)
class ReportEntryView:
    """One content slide as a subsection."""

    id: str  # "slide-N", N the slide's position, as in the slide deck
    number: int
    title: Markup
    title_text: str
    subtitle: Markup
    blocks: tuple[BlockView, ...]  # in the content's order
    notes: tuple[Markup, ...]  # speaker notes, as paragraphs
    level: int  # heading level: 3 under a section, 2 where there is none


@dataclass(frozen=True)
class ReportSectionView:
    """A section divider (or the closing slide) and the slides that follow it."""

    id: str  # "slide-N" of the divider; "" for slides before any divider
    number: int
    kind: str  # "section", "closing" or "loose" (content before any divider: no heading)
    title: Markup
    title_text: str
    subtitle: Markup
    intro: tuple[Markup, ...]  # a divider's notes: the section's opening prose
    blocks: tuple[BlockView, ...]
    notes: tuple[Markup, ...]  # a closing slide's notes, after its blocks
    entries: tuple[ReportEntryView, ...]


@dataclass(frozen=True)
class TitleBlockView:
    series: str
    title: Markup
    subtitle: Markup
    author: str
    affiliation: str
    date: str
    credit: str
    blocks: tuple[BlockView, ...]  # whatever the title slide itself holds
    notes: tuple[Markup, ...]  # the title slide's notes: the report's opening prose


@dataclass(frozen=True)
class DemoRunView:
    name: str
    kind: str
    device: str
    device_name: str
    seed: str
    wall_time: str
    source: str  # "ran" or "from cache"
    from_cache: bool
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PackageVersionView:
    package: str
    version: str  # several versions joined with ", " when the runs disagree


@dataclass(frozen=True)
class ProvenanceView:
    id: str
    profile: str
    runs: tuple[DemoRunView, ...]
    packages: tuple[PackageVersionView, ...]
    ran_count: int
    cached_count: int


def render_report_html(deck: Deck, template_dirs: Sequence[Path] = ()) -> str:
    """The lecture notes as one HTML document. Pure and deterministic."""
    env = template_environment(template_dirs)
    title_block, sections = report_structure(deck)
    page = page_view(deck, env, report_theme_css(deck.theme, deck.meta.language), (stylesheet(env, REPORT_CSS),), ())
    return render_template(
        env,
        REPORT_TEMPLATE,
        {
            "page": page,
            "meta": deck.meta,
            "title_block": title_block,
            "sections": sections,
            "provenance": provenance_view(deck),
        },
    )


def report_theme_css(theme: Theme, language: str) -> Markup:
    """The theme as CSS custom properties for the report (its print page is A4, set in report.css)."""
    return Markup("\n".join([":root {", *_theme_properties(theme, language), "}", ""]))


def report_structure(deck: Deck) -> tuple[TitleBlockView, tuple[ReportSectionView, ...]]:
    """The title block and the sections, each holding its content slides in order."""
    meta = deck.meta
    labels = meta.labels
    title_block = TitleBlockView(
        series=meta.series,
        title=Markup(escape(meta.title)),
        subtitle=Markup(escape(meta.subtitle)),
        author=meta.author,
        affiliation=meta.affiliation,
        date=meta.date,
        credit=meta.credit,
        blocks=(),
        notes=(),
    )
    sections: list[ReportSectionView] = []
    seen_title = False
    for position, slide in enumerate(deck.slides, start=1):
        try:
            if slide.kind == "title" and not seen_title:
                seen_title = True
                title_block = replace(
                    title_block,
                    title=inline_html(slide.title) or title_block.title,
                    subtitle=inline_html(slide.subtitle) or title_block.subtitle,
                    blocks=_block_views(slide, position, labels),
                    notes=_paragraphs(slide),
                )
            elif slide.kind in ("section", "closing"):
                sections.append(
                    ReportSectionView(
                        id=f"slide-{position}",
                        number=position,
                        kind=slide.kind,
                        title=inline_html(slide.title),
                        title_text=plain_text(slide.title),
                        subtitle=inline_html(slide.subtitle),
                        intro=_paragraphs(slide) if slide.kind == "section" else (),
                        blocks=_block_views(slide, position, labels),
                        notes=_paragraphs(slide) if slide.kind == "closing" else (),
                        entries=(),
                    )
                )
            else:
                # Content after the closing slide, or before any divider, has no
                # section to join: it gets a heading-less group of its own.
                if not sections or sections[-1].kind == "closing":
                    sections.append(
                        ReportSectionView(
                            id="", number=position, kind="loose", title=Markup(""), title_text="",
                            subtitle=Markup(""), intro=(), blocks=(), notes=(), entries=(),
                        )
                    )
                current = sections[-1]
                entry = ReportEntryView(
                    id=f"slide-{position}",
                    number=position,
                    title=inline_html(slide.title),
                    title_text=plain_text(slide.title),
                    subtitle=inline_html(slide.subtitle),
                    blocks=_block_views(slide, position, labels),
                    notes=_paragraphs(slide),
                    level=2 if current.kind == "loose" else 3,
                )
                sections[-1] = replace(current, entries=(*current.entries, entry))
        except BuildError as exc:
            where = f"{slide.source}: " if slide.source else ""
            raise BuildError(f"{where}slide {position} ({plain_text(slide.title)!r}): {exc.message}") from exc
    return title_block, tuple(sections)


def _block_views(slide: Slide, position: int, labels: InterfaceWords) -> tuple[BlockView, ...]:
    # One id prefix per slide and block, the same in the slide deck and the report, so a figure's SVG
    # ids match in both files and never repeat within one page.
    return tuple(block_view(block, f"s{position}b{index}-", labels) for index, block in enumerate(slide.blocks))


def _paragraphs(slide: Slide) -> tuple[Markup, ...]:
    return tuple(html for html in (inline_html(paragraph) for paragraph in slide.notes) if html)


def provenance_view(deck: Deck) -> ProvenanceView:
    runs = tuple(
        DemoRunView(
            name=run.name,
            kind=run.kind,
            device=run.device,
            device_name=run.device_name,
            seed=str(run.seed),
            wall_time=format_wall_time(run.wall_s),
            source="from cache" if run.from_cache else "ran",
            from_cache=run.from_cache,
            params=run.params,
        )
        for run in deck.demo_runs
    )
    versions: dict[str, list[str]] = {}
    for run in deck.demo_runs:
        for package, version in run.versions:
            seen = versions.setdefault(package, [])
            if version not in seen:
                seen.append(version)
    packages = tuple(
        PackageVersionView(package=package, version=", ".join(versions[package]))
        for package in sorted(versions, key=str.lower)
    )
    cached = sum(1 for run in deck.demo_runs if run.from_cache)
    return ProvenanceView(
        id=PROVENANCE_ID,
        profile=deck.profile,
        runs=runs,
        packages=packages,
        ran_count=len(runs) - cached,
        cached_count=cached,
    )


def format_wall_time(seconds: float) -> str:
    """A demo's wall time for people: "0.042 s", "3.14 s", "2 min 05 s"."""
    if not 0 <= seconds < float("inf"):  # negative, infinite or NaN
        return "unknown"
    if seconds < 1:
        return f"{seconds:.3f} s"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
