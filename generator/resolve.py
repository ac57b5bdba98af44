"""Resolve a validated lecture, its demos' results and figures into a Deck.

This is where the text is evaluated (``{{ results... }}``) and parsed into
styled runs, where figures are numbered, and where each slide's layout is
chosen, so that every renderer sees the same decisions. Problems found here
(an expression citing a result that does not exist, say) are collected and
reported together, with the YAML location of the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator import deck as d
from generator.content.expressions import ExpressionError, render_text
from generator.wording import count
from generator.content.loader import LoadedLecture, image_media_type
from generator.content.markup import MarkupError, parse_inline
from generator.content.schema import BulletItem, SlideSpec, slugify
from generator.content.yaml_source import DocPath, format_path
from generator.errors import ContentError, Problem
from generator.figure_boxes import place_of, report_box, slide_box
from generator.interface_words import figure_words_left_in_english, interface_words, words_left_in_english
from generator.slide_blocks import block_kinds, check_value
from generator.slide_layouts import choose_layout


@dataclass
class _Resolver:
    loaded: LoadedLecture
    results: Mapping[str, Mapping[str, Any]]
    figures: Mapping[str, d.FigureAsset]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    figure_count: int = 0
    used_figures: dict[str, d.FigureAsset] = field(default_factory=dict)
    charts: Mapping[str, d.ChartSpec] = field(default_factory=dict)  # for slides with `chart: native`
    theme: d.Theme | None = None  # the deck's, which gives the slides' figure boxes

    def problem(self, path: DocPath, message: str) -> None:
        self.problems.append(Problem(self.loaded.where(path), format_path(path), message))

    def text(self, value: str, path: DocPath) -> str:
        try:
            return render_text(value, self.results)
        except ExpressionError as error:
            self.problem(path, str(error))
            return value

    def inline(self, value: str, path: DocPath) -> d.Inline:
        try:
            return parse_inline(self.text(value, path))
        except MarkupError as error:
            self.problem(path, str(error))
            return (d.Run(value),)

    def paragraphs(self, value: str, path: DocPath) -> tuple[d.Inline, ...]:
        # Blank lines separate paragraphs and single newlines are wrapped lines,
        # except in folded text (">"), where YAML already turned each blank line
        # into one newline.
        separator = r"\n" if path in self.loaded.source.folded else r"\n\s*\n"
        chunks = [chunk.strip() for chunk in re.split(separator, value)]
        return tuple(self.inline(_join_wrapped_lines(chunk), path) for chunk in chunks if chunk)

    def bullets(self, items: list[BulletItem], path: DocPath) -> tuple[d.Bullet, ...]:
        resolved = []
        for i, item in enumerate(items):
            # A plain-string bullet is written at path[i]; a mapping bullet at path[i].text.
            text_path = path + (i, "text")
            if text_path not in self.loaded.source.values:
                text_path = path + (i,)
            resolved.append(d.Bullet(self.inline(item.text, text_path), self.bullets(item.bullets, path + (i, "bullets"))))
        return tuple(resolved)

    def next_number(self) -> int:
        self.figure_count += 1
        return self.figure_count

    def figure(self, spec: SlideSpec, path: DocPath, closing: bool) -> d.Figure:
        drawn = self.figures[spec.figure]
        asset, report_asset = drawn, None
        if drawn.others:
            # Drawn for each box it is shown in: the slide shows the drawing for its place, the report its own.
            asset = drawn.for_box(slide_box(self.theme, place_of(spec, closing)))
            report_asset = drawn.for_box(report_box())
        self.used_figures.setdefault(asset.name, asset)
        caption = self.inline(spec.caption, path + ("caption",)) if spec.caption else ()
        # Without a computed chart (a caller that passes none) the slide keeps the picture.
        chart = self.charts.get(spec.figure) if spec.chart == "native" else None
        return d.Figure(asset=asset, number=self.next_number(), caption=caption, chart=chart, report_asset=report_asset)

    def image(self, spec: SlideSpec, path: DocPath) -> d.Image:
        target = self.loaded.resolve(spec.image)
        data = target.read_bytes()
        from PIL import ExifTags
        from PIL import Image as PILImage

        with PILImage.open(target) as picture:
            width, height = picture.size
            # A camera's JPEG is stored sideways with an EXIF orientation saying how to turn it;
            # browsers turn it, and the PowerPoint renderer turns its pixels, so the slide shows it upright.
            if picture.getexif().get(ExifTags.Base.Orientation, 1) in _QUARTER_TURN_ORIENTATIONS:
                width, height = height, width
        caption = self.inline(spec.caption, path + ("caption",)) if spec.caption else ()
        return d.Image(
            data=data,
            filename=target.name,
            media_type=image_media_type(target) or "application/octet-stream",
            width_px=width,
            height_px=height,
            alt=self.text(spec.alt or "", path + ("alt",)),
            number=self.next_number(),
            caption=caption,
        )

    def table(self, spec: SlideSpec, path: DocPath) -> d.Table:
        table = spec.table
        header = tuple(self.inline(str(c), path + ("table", "columns", i)) for i, c in enumerate(table.columns))
        rows = tuple(
            tuple(self.inline(_cell_text(cell), path + ("table", "rows", r, c)) for c, cell in enumerate(row))
            for r, row in enumerate(table.rows)
        )
        return d.Table(header=header, rows=rows)

    def code(self, spec: SlideSpec, path: DocPath) -> d.Code:
        language = spec.code.language
        if language is not None and not _known_language(language):
            self.warnings.append(
                Problem(self.loaded.where(path + ("code", "language")), format_path(path + ("code", "language")),
                        f"unknown code language {language!r}; the code is shown without highlighting")
            )
            language = None
        return d.Code(source=spec.code.source.rstrip("\n"), language=language)

    def slide(self, spec: SlideSpec, path: DocPath, section: str, kind: d.SlideKind = "content") -> d.Slide:
        blocks: list[d.Block] = []
        if spec.bullets:
            blocks.append(d.Bullets(self.bullets(spec.bullets, path + ("bullets",))))
        # Under the bullets that lead up to it; TeX is kept verbatim (no expressions, no markup).
        if spec.equation:
            blocks.append(d.Equation(tuple(tex.strip() for tex in spec.equation)))
        if spec.figure:
            blocks.append(self.figure(spec, path, closing=kind == "closing"))
        if spec.image:
            blocks.append(self.image(spec, path))
        if spec.table:
            blocks.append(self.table(spec, path))
        if spec.code:
            blocks.append(self.code(spec, path))
        if spec.quote:
            quote_path = path + ("quote",)
            blocks.append(d.Quote(self.inline(spec.quote.text, quote_path),
                                  self.inline(spec.quote.attribution, quote_path) if spec.quote.attribution else ()))
        for key, value in spec.added_blocks.items():
            added = block_kinds()[key]
            blocks.append(added.build(check_value(added, value), lambda text, key=key: self.inline(text, path + (key,))))
        layout = "closing" if kind == "closing" else (spec.layout or choose_layout(spec))
        return d.Slide(
            kind=kind,
            layout=layout,
            title=self.inline(spec.title, path + ("title",)),
            blocks=tuple(blocks),
            notes=self.paragraphs(spec.notes, path + ("notes",)),
            section=section,
            source=self.loaded.where(path),
            source_path=format_path(path),
            pptx_layout=spec.pptx_layout or "",
        )


# EXIF orientations 5 to 8 turn the stored picture a quarter turn (and may mirror it).
_QUARTER_TURN_ORIENTATIONS = frozenset({5, 6, 7, 8})

# Chinese and Japanese put no space between words, so a line wrapped between two of their characters
# joins without one (Korean, which spaces its words, is not in these ranges).
_NO_SPACE_SCRIPT = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_NO_SPACE_SCRIPT}])\\s+(?=[{_NO_SPACE_SCRIPT}])")


def _join_wrapped_lines(text: str) -> str:
    return _SPACE_BETWEEN_CJK.sub("", " ".join(text.split()))


def _cell_text(cell: Any) -> str:
    if isinstance(cell, float):
        return f"{cell:g}"
    return str(cell)


def _known_language(name: str) -> bool:
    from generator.render.code_tokens import known_language

    return known_language(name)


@dataclass(frozen=True)
class ResolvedDeck:
    deck: d.Deck
    warnings: tuple[Problem, ...]
    notes: tuple[Problem, ...] = ()  # what the user should know but need not act on (not errors under --strict)


def resolve_deck(
    loaded: LoadedLecture,
    results: Mapping[str, Mapping[str, Any]],
    figures: Mapping[str, d.FigureAsset],
    charts: Mapping[str, d.ChartSpec] | None = None,
) -> ResolvedDeck:
    """The Deck for ``loaded``, given each demo's result values, the drawn figures and the native charts
    (``cited_charts``) of the slides that ask for them."""
    lecture = loaded.lecture
    meta_spec = lecture.lecture
    theme = deck_theme(loaded)
    r = _Resolver(loaded, results, figures, charts=charts or {}, theme=theme)

    def meta_text(name: str) -> str:
        value = getattr(meta_spec, name)
        return r.text(value, ("lecture", name)) if value else ""

    title = meta_text("title")
    slug = meta_spec.slug or slugify(title)
    if slug == "lecture":
        slug = slugify(loaded.path.stem)
    meta = d.Meta(
        title=title,
        subtitle=meta_text("subtitle"),
        author=meta_text("author"),
        affiliation=meta_text("affiliation"),
        date=meta_spec.date.isoformat() if meta_spec.date else "",
        series=meta_text("series"),
        credit=meta_text("source"),
        language=meta_spec.language,
        slug=slug,
        labels=interface_words(meta_spec.language, lecture.theme.labels),
    )
    slides: list[d.Slide] = [
        d.Slide(
            kind="title",
            layout="title",
            title=r.inline(meta_spec.title, ("lecture", "title")),
            subtitle=r.inline(meta_spec.subtitle, ("lecture", "subtitle")) if meta_spec.subtitle else (),
            notes=r.paragraphs(meta_spec.notes, ("lecture", "notes")),
            source=loaded.where(("lecture",)),
            source_path="lecture",
        )
    ]
    for s, section in enumerate(lecture.sections):
        path = ("sections", s)
        slides.append(
            d.Slide(
                kind="section",
                layout="section",
                title=r.inline(section.title, path + ("title",)),
                subtitle=r.inline(section.subtitle, path + ("subtitle",)) if section.subtitle else (),
                notes=r.paragraphs(section.notes, path + ("notes",)),
                section=section.title,
                source=loaded.where(path),
                source_path=format_path(path),
            )
        )
        for i, spec in enumerate(section.slides):
            slides.append(r.slide(spec, path + ("slides", i), section.title))
    if lecture.closing is not None:
        slides.append(r.slide(lecture.closing, ("closing",), "", kind="closing"))

    if r.problems:
        raise ContentError(r.problems)
    numbered = tuple(_with_number(slide, n) for n, slide in enumerate(slides, start=1))
    deck = d.Deck(
        meta=meta,
        theme=theme,
        slides=numbered,
        figures=tuple(r.used_figures.values()),
    )
    notes, template_warnings = _template_layout_problems(loaded, deck)
    warnings = (*r.warnings, *_language_warnings(loaded, draws_figures=bool(r.used_figures)),
                *_template_aspect_warnings(loaded, deck.theme), *template_warnings)
    return ResolvedDeck(deck, warnings, notes)


def _language_warnings(loaded: LoadedLecture, *, draws_figures: bool) -> list[Problem]:
    """A language without built-in words silently got English words around its own text, and in its
    figures when it draws any; say so, once for each."""
    language = loaded.lecture.lecture.language
    labels = loaded.lecture.theme.labels
    left = [(words_left_in_english(language, labels), "it adds around the content")]
    if draws_figures:
        left.append((figure_words_left_in_english(language, labels), "it draws into the figures and charts"))
    path = ("lecture", "language")
    problems = []
    for english, where in left:
        if not english:
            continue
        shown = ", ".join(english[:4]) + (", ..." if len(english) > 4 else "")
        message = (
            f"lecturegen has no built-in words for {language!r}, so {count(len(english), 'word')} {where} "
            f"will be English ({shown}); translate them in theme.labels (the README lists their names)"
        )
        problems.append(Problem(loaded.where(path), format_path(path), message))
    return problems


def _template_aspect_warnings(loaded: LoadedLecture, theme: d.Theme) -> list[Problem]:
    """The PowerPoint slides keep a template's size; say so when the content asked for another shape."""
    asked = loaded.lecture.theme
    if not theme.pptx_template or "aspect" not in asked.model_fields_set:
        return []
    from generator.render.pptx.master import open_template

    template = open_template(theme.pptx_template)
    width, height = template.slide_width.inches, template.slide_height.inches
    across, down = (int(part) for part in asked.aspect.split(":"))
    if abs(width / height - across / down) < 0.01:
        return []
    path = ("theme", "aspect")
    message = (
        f"the template {asked.pptx_template!r} has {width:g} × {height:g} in slides, not {asked.aspect}; "
        f"slides.pptx keeps the template's size (HTML outputs are {asked.aspect}): "
        f"use a {asked.aspect} template, or remove `aspect`"
    )
    return [Problem(loaded.where(path), format_path(path), message)]


def _template_layout_problems(loaded: LoadedLecture, deck: d.Deck) -> tuple[tuple[Problem, ...], tuple[Problem, ...]]:
    """About the PowerPoint template: which of its layouts the kinds of slide go on (a note, and a warning for
    weak guesses: render/pptx/template_layouts.py), and the placeholders whose boxes had to be replaced."""
    if not deck.theme.pptx_template:
        return (), ()
    from generator.render.pptx.frames import deck_geometry
    from generator.render.pptx.template_layouts import layout_report

    path = ("theme", "pptx_template")
    where, key, name = loaded.where(path), format_path(path), loaded.lecture.theme.pptx_template
    geometry = deck_geometry(deck.theme)
    warnings = [Problem(where, key, repair.message(name)) for repair in geometry.repairs]
    used = {slide.layout for slide in deck.slides if not slide.pptx_layout}
    report = layout_report(geometry, dict(deck.theme.pptx_layouts), used, name)
    if report.warning:
        warnings.append(Problem(where, key, report.warning))
    notes = (Problem(where, key, report.note),) if report.note else ()
    return notes, tuple(warnings)


def deck_theme(loaded: LoadedLecture) -> d.Theme:
    """The Deck's theme: the content's, with the template's bytes and typefaces."""
    theme = loaded.lecture.theme
    # Read here so the renderer gets bytes, like images; the loader checked the file.
    template = loaded.resolve(theme.pptx_template).read_bytes() if theme.pptx_template else b""
    font, font_east_asian, accent = theme.font, theme.font_east_asian, theme.accent.upper()
    # A key the content writes is found on its own line; a default has no line of its own.
    origins = {key: loaded.where(("theme", key)) for key in theme.model_fields_set}
    if template:
        # A template brings its brand's typefaces and accent: they apply unless the content names its own.
        from generator.render.pptx.master import template_colours, template_fonts

        template_accent = template_colours(template).get("accent1", "")
        if template_accent and "accent" not in theme.model_fields_set:
            accent = template_accent
            origins["accent"] = loaded.where(("theme", "pptx_template"))

        latin, east_asian = template_fonts(template)
        if latin and "font" not in theme.model_fields_set:
            font = latin
            origins["font"] = loaded.where(("theme", "pptx_template"))
        if east_asian and "font_east_asian" not in theme.model_fields_set:
            font_east_asian = east_asian
            origins["font_east_asian"] = loaded.where(("theme", "pptx_template"))
    return d.Theme(
        accent=accent,
        font=font,
        font_east_asian=font_east_asian,
        font_code=theme.font_code,
        aspect=theme.aspect,
        pptx_template=template,
        pptx_layouts=tuple(theme.pptx_layouts.items()),
        origins=tuple(sorted(origins.items())),
    )


def _with_number(slide: d.Slide, number: int) -> d.Slide:
    from dataclasses import replace

    return replace(slide, number=number)


def cited_figures(loaded: LoadedLecture) -> list[str]:
    """Figure names ('demo.figure') the slides show, in order, without repeats."""
    lecture = loaded.lecture
    specs = [spec for section in lecture.sections for spec in section.slides]
    if lecture.closing is not None:
        specs.append(lecture.closing)
    return list(dict.fromkeys(spec.figure for spec in specs if spec.figure))


def cited_charts(loaded: LoadedLecture) -> list[str]:
    """Figure names the slides show as native charts (`chart: native`), in order, without repeats."""
    lecture = loaded.lecture
    specs = [spec for section in lecture.sections for spec in section.slides]
    if lecture.closing is not None:
        specs.append(lecture.closing)
    return list(dict.fromkeys(spec.figure for spec in specs if spec.figure and spec.chart == "native"))
