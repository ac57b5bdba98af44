"""Load a content file: read, parse, validate, check references; all problems at once.

The result is a :class:`LoadedLecture`: the typed :class:`Lecture`, the
source map (so later stages can point at lines), and the folder the file's
relative paths are resolved against. Anything wrong raises one
:class:`ContentError` listing every problem found.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from generator.content.expression_check import check_template, has_expression
from generator.wording import did_you_mean
from generator.content.markup import MarkupError, parse_inline
from generator.content.remembered_yaml import parse_yaml_remembered
from generator.content.schema import Lecture
from generator.content.validation import problems_from_validation_error
from generator.content.yaml_source import DocPath, SourceMap, format_path, read_text
from generator.demos.registry import PACKAGE_PROBLEMS, demo_kinds
from generator.errors import ContentError, Location, Problem, UsageError
from generator.slide_blocks import block_kinds, check_value
from generator.slide_layouts import LAYOUT_ORDER
from generator.slide_layouts import LAYOUTS as SLIDE_LAYOUTS

if TYPE_CHECKING:
    from generator.progress import Reporter

# Picture formats both PowerPoint and browsers show.
# A slide's outline (PowerPoint's paragraph levels 0 to 8); a deeper bullet has no level to go to.
MAX_BULLET_LEVELS = 9
# How much one lecture may hold. Within these a build takes seconds (bench/content_scale.py shows how it
# grows); past them a slide is no longer readable, and fitting its text would take minutes.
MAX_SLIDES = 1_000
MAX_BULLETS_PER_SLIDE = 500  # they continue on "(cont.)" slides, about 20 to a slide
MAX_TEXT_CHARS = 5_000  # one title, bullet, caption or table cell
MAX_NOTES_CHARS = 50_000
MAX_TABLE_ROWS = 100
MAX_TABLE_COLUMNS = 20
MAX_CODE_LINES = 2_000
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
# Characters XML 1.0 (so .pptx and .html) cannot carry; tab, newline and carriage return are fine.
# Control characters a TeX command turns into when YAML's double quotes read its backslash as an escape.
_ESCAPES = {0x0C: "f", 0x08: "b", 0x0B: "v", 0x07: "a", 0x1B: "e"}
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Inherited:
    """What a course gives each of its lectures (generator/course/): a shared assets folder whose files any
    lecture may name, and theme defaults a lecture's own `theme:` overrides key by key.

    ``theme`` holds the course's raw theme values, its paths (``templates``, ``pptx_template``) absolute;
    ``source`` is the course file's source map, so a problem with an inherited value points there.
    """

    assets: Path | None = None
    theme: Mapping[str, Any] = field(default_factory=dict)
    source: SourceMap | None = None
    assets_shown: str = ""  # how the course file names the assets folder, for messages


# Theme keys that hold a path, and theme keys whose mappings merge one level deeper (a lecture's
# `labels: {figure: ...}` keeps the course's other labels).
THEME_PATH_KEYS = ("templates", "pptx_template")
THEME_MAPPING_KEYS = ("labels", "pptx_layouts")


@dataclass(frozen=True)
class LoadedLecture:
    lecture: Lecture
    source: SourceMap
    path: Path
    text: str  # the file's text, for hashing into the manifest
    profile: str = "default"  # whose parameters the `results` references were checked against
    assets: Path | None = None  # the course's shared assets folder, when the lecture is built as part of one

    @property
    def folder(self) -> Path:
        return self.path.parent

    def resolve(self, relative: str) -> Path | None:
        """A path the content names, as the loader checked it: inside its folder or the course's assets folder."""
        return resolve_inside(self.folder, relative, self.assets)

    def where(self, path: DocPath) -> Location:
        return self.source.value(path)

    @property
    def runs_code(self) -> list[str]:
        """What this lecture brings that runs as code when it is built (said by `validate`)."""
        found = [f"code ({name}): Python that defines demo kinds, which runs with the build's rights"
                 for name in self.lecture.code]
        if self.template_dir is not None:
            found.append(f"theme.templates ({self.template_dir}): Jinja templates, which run with the build's rights")
        return found

    @property
    def template_dir(self) -> Path | None:
        """``theme.templates`` as a folder; the loader has checked that it stays inside :attr:`folder`."""
        name = self.lecture.theme.templates
        return self.resolve(name) if name else None


def load_lecture(path: Path | str, profile: str = "default", inherited: Inherited | None = None) -> LoadedLecture:
    """Read and check ``path``; ``results`` references are checked against the demos' parameters under ``profile``.

    ``inherited``: what the course the lecture is part of gives it (its assets folder, its theme defaults).
    """
    if inherited is None:
        from generator.demos.user_code import new_generation

        new_generation()  # a lecture of its own: kinds other lectures' files registered are not its own
    path = Path(path)
    text, problem = read_text(path)
    if problem is not None:
        raise ContentError([problem])
    parsed = parse_yaml_remembered(text, str(path))  # the parse of this very text, remembered (memo.py)
    source = parsed.source
    data = parsed.data
    if parsed.problems and data is None:
        raise ContentError(parsed.problems)
    if not isinstance(data, dict):
        raise ContentError([Problem(source.value(()), "", "a lecture file must be a mapping with `lecture:` and `sections:` at the top")])
    inherited = inherited or Inherited()
    _inherit_theme(data, source, inherited, path.parent)

    # Problems the reader found (a duplicate key, an unreadable value) do not
    # stop validation: the user sees them together with everything else.
    problems: list[Problem] = list(parsed.problems)
    already = {problem.path for problem in problems}
    lecture: Lecture | None = None
    try:
        lecture = Lecture.model_validate(data)
    except ValidationError as error:
        problems.extend(p for p in problems_from_validation_error(error, Lecture, source) if p.path not in already)
    places = _Places(path.parent, inherited.assets, inherited.assets_shown)
    code_problems = _load_code(data, source, places)
    problems.extend(code_problems)
    problems.extend(_ReferenceChecker(data, source, places, profile, code_failed=bool(code_problems)).check())
    if problems or lecture is None or parsed.problems:
        raise ContentError(_unique(problems))
    return LoadedLecture(lecture, source, path, text, profile, inherited.assets)


def _inherit_theme(data: dict[str, Any], source: SourceMap, inherited: Inherited, folder: Path) -> None:
    """Lay the lecture's own `theme:` over the course's: its keys win; ``labels`` and ``pptx_layouts`` merge."""
    own = data.get("theme", {})
    if not inherited.theme or not isinstance(own, dict):
        return  # nothing to inherit, or a theme that is not a mapping (the schema reports it)
    theme = {key: _relative_to(folder, value) if key in THEME_PATH_KEYS and isinstance(value, str) else value
             for key, value in inherited.theme.items()}
    for key, value in own.items():
        if key in THEME_MAPPING_KEYS and isinstance(value, dict) and isinstance(theme.get(key), dict):
            theme[key] = {**theme[key], **value}
        else:
            theme[key] = value
    data["theme"] = theme
    if inherited.source is None:
        return
    # A value the lecture took from the course is located in the course file; the lecture's own stay its own.
    for table, theirs in ((source.values, inherited.source.values), (source.keys, inherited.source.keys)):
        for where, location in theirs.items():
            if len(where) >= 2 and where[0] == "theme" and where[1] in theme and where not in table:
                if not _overridden(own, where[1:]):
                    table[where] = location


def _overridden(own: dict[str, Any], path: tuple) -> bool:
    """Whether the lecture's own theme writes the value at ``path`` (or a value above it that is not merged)."""
    key = path[0]
    if key not in own:
        return False
    return key not in THEME_MAPPING_KEYS or not isinstance(own[key], dict) or len(path) < 2 or path[1] in own[key]


def _relative_to(folder: Path, absolute: str) -> str:
    """An absolute path the course gave, as the lecture in ``folder`` would write it."""
    return os.path.relpath(absolute, folder.resolve())


# Profiles every lecture may be built with: one its file does not define means the parameters as written.
STANDARD_PROFILES = ("quick", "default", "full")


def check_profile(loaded: LoadedLecture, profile: str, reporter: Reporter) -> None:
    defined = list(loaded.lecture.profiles)
    if profile in defined or profile == "default":
        return
    if profile in STANDARD_PROFILES:
        reporter.info(f"profile {profile!r} is not defined in {loaded.path.name}; using the demos' parameters as written")
        return
    choices = sorted(set(defined) | {"default"})
    raise UsageError(
        f"--profile {profile}: {loaded.path} defines no such profile{did_you_mean(profile, choices)} "
        f"(available: {', '.join(choices)})"
    )


@dataclass(frozen=True)
class _Places:
    """Where the files a lecture names may be: its own folder, and the course's assets folder if it is in one."""

    folder: Path
    assets: Path | None = None
    assets_shown: str = ""

    def resolve(self, relative: str) -> Path | None:
        return resolve_inside(self.folder, relative, self.assets)

    def outside(self, subject: str, must: str) -> str:
        """Why ``subject`` may not be used: it lies outside every place it may be (``must``: "images must", ...)."""
        if self.assets is None:
            return f"{subject} is outside the content file's folder; {must} be in that folder or below it"
        return (f"{subject} is outside the content file's folder and the course's assets folder "
                f"({self.assets_shown or self.assets}); {must} be in one of them or below it")

    def root_of(self, target: Path) -> Path:
        """The place ``target`` (resolved, inside one of them) lies in."""
        if self.assets is not None and target.is_relative_to(self.assets.resolve()):
            return self.assets.resolve()
        return self.folder.resolve()


def code_files(loaded: LoadedLecture) -> list[tuple[Path, str]]:
    """The lecture's `code:` files as (resolved path, name as written), which the loader has checked."""
    return [(loaded.resolve(name), name) for name in loaded.lecture.code]


def _load_code(data: dict[str, Any], source: SourceMap, places: _Places) -> list[Problem]:
    """Run the lecture's own code files (its demo kinds register); the problems, at the YAML or in the file."""
    from generator.demos.user_code import load_code_file

    names = data.get("code")
    if not isinstance(names, list):
        return []  # the schema reports a value that is not a list
    problems = []
    for index, name in enumerate(names):
        if not isinstance(name, str) or not name:
            continue
        path = ("code", index)
        target = places.resolve(name)
        if target is None:
            problems.append(Problem(source.value(path), format_path(path),
                                    places.outside(f"code file {name!r}", "code files must")))
        elif not target.is_file() or target.suffix != ".py":
            what = "not found" if not target.exists() else "not a Python (.py) file"
            problems.append(Problem(source.value(path), format_path(path), f"code file {name!r}: {what} "
                                    f"({looked_in(target)})"))
        else:
            problem = load_code_file(target, name)
            if problem is not None:
                problems.append(problem)
    return problems


def _kinds_seen_by(data: dict[str, Any], places: _Places) -> dict[str, Any]:
    """The demo kinds this lecture may name: the built-in and installed ones, and those of its own `code:` files.

    Kinds stay registered for the life of the process, so a course build or a preview that has run one
    lecture's code would otherwise let the next lecture use those kinds without naming the file, and that
    lecture would then fail when built alone."""
    from generator.demos.user_code import kinds_of

    names = data.get("code")
    own = set()
    for name in names if isinstance(names, list) else ():
        target = places.resolve(name) if isinstance(name, str) and name else None
        if target is not None:
            own.update(kinds_of(target))
    return {name: kind for name, kind in demo_kinds().items() if not kind.origin.startswith("file ") or name in own}


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


class _ReferenceChecker:
    """Checks that need the registries or the file system, on the raw data.

    It works on the raw mapping (not the validated model) so that these
    problems are reported in the same run as type errors elsewhere in the
    file; every access is guarded because the data may be malformed.
    """

    def __init__(self, data: dict[str, Any], source: SourceMap, places: _Places, profile: str = "default",
                 code_failed: bool = False):
        self.data = data
        # A code file that failed to load registered none of its kinds: its error is the one to fix, and a
        # second "unknown demo kind" for each of its kinds would only point away from it.
        self.code_failed = code_failed
        self.source = source
        self.places = places
        self.folder = places.folder
        self.problems: list[Problem] = []
        self.kinds = _kinds_seen_by(data, places)
        raw_demos = data.get("demos")
        self.demos: dict[str, Any] = raw_demos if isinstance(raw_demos, dict) else {}
        self.reference_checks = {name: self.reference_check(name, demo, profile) for name, demo in self.demos.items()}

    def reference_check(self, name: str, demo: Any, profile: str):
        """How `results.<name>...` references are checked: against the kind's result schema and the
        parameters ``profile`` resolves to. None when the kind or the parameters are in error (reported apart)."""
        kind = self.kind_of(demo)
        base = demo.get("params", {}) if isinstance(demo, dict) else None
        profiles = self.data.get("profiles")
        chosen = profiles.get(profile) if isinstance(profiles, dict) else None
        override = chosen.get(name, {}) if isinstance(chosen, dict) else {}
        if kind is None or not isinstance(base, dict) or not isinstance(override, dict):
            return None
        try:
            params = kind.params.model_validate({**base, **override})
        except ValidationError:
            return None
        schema = kind.result_schema
        return lambda chain: schema.lookup(name, chain, params)

    def add(self, path: DocPath, message: str, *, at_key: bool = False) -> None:
        location = self.source.key(path) if at_key else self.source.value(path)
        self.problems.append(Problem(location, format_path(path), message))

    def check(self) -> list[Problem]:
        self.check_characters(self.data, ())
        self.check_demos()
        self.check_profiles()
        self.check_pptx_template()
        self.check_html_templates()
        self.check_text_fields(self.data.get("lecture"), ("lecture",))
        sections = self.data.get("sections")
        slides = sum(len(section["slides"]) for section in sections if isinstance(section, dict)
                     and isinstance(section.get("slides"), list)) if isinstance(sections, list) else 0
        if slides > MAX_SLIDES:
            self.add(("sections",), f"the lecture has {slides:,} slides; a lecture may have at most {MAX_SLIDES:,}: "
                                    "split it into several lectures", at_key=True)
        if isinstance(sections, list):
            for s, section in enumerate(sections):
                if not isinstance(section, dict):
                    continue
                self.check_text_fields(section, ("sections", s))
                slides = section.get("slides")
                if isinstance(slides, list):
                    for i, slide in enumerate(slides):
                        if isinstance(slide, dict):
                            self.check_slide(slide, ("sections", s, "slides", i))
        closing = self.data.get("closing")
        if isinstance(closing, dict):
            self.check_slide(closing, ("closing",))
        return self.problems

    def kind_of(self, demo: Any):
        """The registered kind a (possibly malformed) demo entry names, or None."""
        if isinstance(demo, dict) and isinstance(demo.get("kind"), str):
            return self.kinds.get(demo["kind"])
        return None

    def check_characters(self, node: Any, path: DocPath) -> None:
        """Text with characters no PowerPoint or HTML file can hold (U+FFFE, control characters, lone surrogates)."""
        if isinstance(node, str):
            found = _NOT_IN_XML.search(node)
            if found:
                code = ord(found.group())
                hint = (f" (inside double quotes, YAML reads \\{_ESCAPES[code]} as this character: put text with "
                        "TeX commands in single quotes)") if code in _ESCAPES else ""
                self.add(path, f"the text holds U+{code:04X}, a character PowerPoint and HTML files cannot hold; "
                               f"remove it{hint}")
        elif isinstance(node, dict):
            for key, value in node.items():
                self.check_characters(value, path + (key,))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self.check_characters(value, path + (index,))

    # -- demos and profiles -------------------------------------------------
    def check_demos(self) -> None:
        from generator.demos.user_code import lecture_file_of

        for name, demo in self.demos.items():
            if not isinstance(demo, dict) or not isinstance(demo.get("kind"), str):
                continue
            kind = self.kinds.get(demo["kind"])
            elsewhere = lecture_file_of(demo["kind"]) if kind is None else None
            if elsewhere is not None:
                # Registered by another lecture's code file in this process (a course, the preview).
                self.add(("demos", name, "kind"),
                         f"demo kind {demo['kind']!r} comes from {elsewhere}, a code file of another "
                         "lecture; name that file under `code:` (inside this lecture's folder or the course's "
                         "assets folder) to use its kinds here")
                continue
            if kind is None and self.code_failed:
                continue
            if kind is None:
                hint = did_you_mean(demo["kind"], list(self.kinds))
                known = "`lecturegen demos` describes them" if hint else f"known kinds: {', '.join(self.kinds)}"
                own = ("; a kind of your own comes from a file named under `code:`, or from an installed package: "
                       "is it installed?")
                broken = "".join(f"; {origin} failed to load: {why}" for origin, why in PACKAGE_PROBLEMS.items())
                self.add(("demos", name, "kind"), f"unknown demo kind {demo['kind']!r}{hint} ({known}){own}{broken}")
                continue
            params = demo.get("params", {})
            if isinstance(params, dict):
                self.validate_params(kind.params, params, ("demos", name, "params"))

    def validate_params(self, model, params: dict, path: DocPath) -> None:
        if self.non_finite(params, path):
            return
        try:
            model.model_validate(params)
        except ValidationError as error:
            self.problems.extend(problems_from_validation_error(error, model, self.source, path))

    def non_finite(self, node: Any, path: DocPath) -> bool:
        """Report YAML's .nan and .inf in parameters: no parameter is meant to be one, and a run with it says nothing."""
        if isinstance(node, float) and not math.isfinite(node):
            self.add(path, f"expected a finite number, got {node}")
            return True
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        return any([self.non_finite(value, path + (key,)) for key, value in children])

    def check_profiles(self) -> None:
        profiles = self.data.get("profiles")
        if not isinstance(profiles, dict):
            return
        for profile, overrides in profiles.items():
            if not isinstance(overrides, dict):
                continue
            for demo_name, override in overrides.items():
                path = ("profiles", profile, demo_name)
                demo = self.demos.get(demo_name)
                if demo is None:
                    self.add(path, f"no demo named {demo_name!r}{did_you_mean(demo_name, list(self.demos))}", at_key=True)
                    continue
                if not isinstance(override, dict) or not isinstance(demo, dict):
                    continue
                kind = self.kind_of(demo)
                base = demo.get("params", {})
                if kind is None or not isinstance(base, dict) or self.non_finite(override, path):
                    continue
                try:
                    kind.params.model_validate({**base, **override})
                except ValidationError as error:
                    # Errors of keys the profile does not touch belong to the demo itself
                    # (reported under demos:); whole-model errors are the override's.
                    own = [e for e in error.errors() if not e["loc"] or e["loc"][0] in override]
                    if own:
                        self.problems.extend(
                            problems_from_validation_error(
                                ValidationError.from_exception_data(error.title, own), kind.params, self.source, path
                            )
                        )

    # -- slides ---------------------------------------------------------------
    def check_slide(self, slide: dict[str, Any], path: DocPath) -> None:
        self.check_text_fields(slide, path)
        self.check_sizes(slide, path)
        added = block_kinds()
        content_keys = [
            key for key in ("bullets", "figure", "image", "table", "code", "quote", "equation", *added) if slide.get(key)
        ]
        if not content_keys and "title" in slide:
            offered = ", ".join(("bullets", "figure", "image", "table", "code", "quote", *added))
            self.add(path, f"a slide needs content: give {offered} or equation")
        for key, kind in added.items():
            if key in slide:
                try:
                    check_value(kind, slide[key])
                except ValidationError as error:
                    self.problems.extend(problems_from_validation_error(error, kind.value, self.source, path + (key,)))
        self.check_equations(slide.get("equation"), path + ("equation",))
        if slide.get("figure") and slide.get("image"):
            self.add(path + ("image",), "give either `figure` or `image`, not both", at_key=True)
        figure = slide.get("figure")
        if isinstance(figure, str):
            self.check_figure_name(figure, path + ("figure",))
        if slide.get("chart") == "native":
            self.check_native_chart(figure, path)
        image = slide.get("image")
        if isinstance(image, str):
            self.check_image(image, path + ("image",))
            if not isinstance(slide.get("alt"), str) or not slide["alt"].strip():
                self.add(path + ("image",), "an image needs alt text: add `alt:` saying what the picture shows", at_key=True)
        if slide.get("alt") and not image:
            self.add(path + ("alt",), "`alt` describes an `image`; figures write their own alt text", at_key=True)
        table = slide.get("table")
        if isinstance(table, dict) and isinstance(table.get("columns"), list) and isinstance(table.get("rows"), list):
            width = len(table["columns"])
            for r, row in enumerate(table["rows"]):
                if isinstance(row, list) and len(row) != width:
                    self.add(path + ("table", "rows", r), f"this row has {len(row)} {'cell' if len(row) == 1 else 'cells'}; the table has {width} columns")
        for too_deep in _bullets_nested_too_deep(slide.get("bullets"), path + ("bullets",), 1):
            self.add(
                too_deep,
                f"bullets nest more than {MAX_BULLET_LEVELS} levels deep here; "
                f"PowerPoint's outline has {MAX_BULLET_LEVELS} levels: move these bullets up a level",
                at_key=True,
            )
        if isinstance(slide.get("pptx_layout"), str):
            self.check_pptx_layout(slide["pptx_layout"], path + ("pptx_layout",))
        layout = SLIDE_LAYOUTS.get(slide.get("layout")) if isinstance(slide.get("layout"), str) else None
        if layout is not None and layout.needs and not any(slide.get(key) for key in layout.needs):
            self.add(path + ("layout",), f"layout {layout.name!r} needs {' or '.join(layout.needs)} on the slide")

    def check_sizes(self, slide: dict[str, Any], path: DocPath) -> None:
        bullets = sum(1 for _ in _bullet_texts(slide.get("bullets"), ()))
        if bullets > MAX_BULLETS_PER_SLIDE:
            self.add(path + ("bullets",), f"the slide has {bullets:,} bullets; a slide may have at most "
                     f"{MAX_BULLETS_PER_SLIDE:,} (they continue on further slides): split it into several", at_key=True)
        table = slide.get("table")
        if isinstance(table, dict):
            rows, columns = table.get("rows"), table.get("columns")
            if isinstance(rows, list) and len(rows) > MAX_TABLE_ROWS:
                self.add(path + ("table", "rows"), f"the table has {len(rows):,} rows; a slide's table may have at most "
                         f"{MAX_TABLE_ROWS}: split it, or show the data as a figure", at_key=True)
            if isinstance(columns, list) and len(columns) > MAX_TABLE_COLUMNS:
                self.add(path + ("table", "columns"), f"the table has {len(columns)} columns; a slide's table may have "
                         f"at most {MAX_TABLE_COLUMNS}", at_key=True)
        code = slide.get("code")
        source = code.get("source") if isinstance(code, dict) else code
        lines = len(source.splitlines()) if isinstance(source, str) else 0
        if lines > MAX_CODE_LINES:
            self.add(path + ("code",), f"the code has {lines:,} lines; a slide may show at most "
                     f"{MAX_CODE_LINES:,}: show the part the slide is about", at_key=True)

    def check_equations(self, equation: Any, path: DocPath) -> None:
        from generator.render.math_text import display_math_problem

        # The same value shapes the schema accepts: one TeX string, or a list of them.
        equations = [(path, equation)] if isinstance(equation, str) else []
        if isinstance(equation, list):
            equations = [(path + (i,), tex) for i, tex in enumerate(equation)]
        for where, tex in equations:
            if not isinstance(tex, str) or not tex:
                continue  # the schema reports these
            problem = display_math_problem(tex) if tex.strip() else "the equation is blank; write its TeX"
            if problem is not None:
                self.add(where, problem)

    # -- the PowerPoint template ------------------------------------------------------
    def check_pptx_template(self) -> None:
        theme = self.data.get("theme")
        theme = theme if isinstance(theme, dict) else {}
        template = theme.get("pptx_template")
        # (what has the layouts, their names); None when the template itself is unusable.
        self.known_layouts: tuple[str, list[str]] | None = None
        if isinstance(template, str):
            self.known_layouts = self.read_template(template, ("theme", "pptx_template"))
        elif template is None:
            self.known_layouts = ("the built-in master", [SLIDE_LAYOUTS[name].pptx_name for name in LAYOUT_ORDER])
        mapping = theme.get("pptx_layouts")
        if isinstance(mapping, dict):
            for kind, name in mapping.items():
                if isinstance(name, str):
                    self.check_pptx_layout(name, ("theme", "pptx_layouts", kind))

    def read_template(self, template: str, path: DocPath) -> tuple[str, list[str]] | None:
        target = self.places.resolve(template)
        if target is None:
            self.add(path, self.places.outside(f"template {template!r}", "templates must"))
            return None
        if not target.is_file():
            self.add(path, f"template file {template!r} not found ({looked_in(target)})")
            return None
        from generator.render.pptx.master import TemplateError, layout_names, open_template

        try:
            names = layout_names(open_template(target.read_bytes()))
        except (TemplateError, OSError) as error:
            self.add(path, f"{template!r} cannot be used as a template: {error}; save it from PowerPoint or LibreOffice Impress as .pptx or .potx")
            return None
        return f"the template {template!r}", names

    def check_pptx_layout(self, name: str, path: DocPath) -> None:
        if self.known_layouts is None:
            return  # the template is reported already
        owner, names = self.known_layouts
        if name not in names:
            listed = ", ".join(repr(known) for known in names)
            self.add(path, f"{owner} has no layout {name!r}{did_you_mean(name, names)} (its layouts: {listed})")

    def check_figure_name(self, figure: str, path: DocPath) -> None:
        demo_name, dot, figure_name = figure.partition(".")
        if not dot:
            self.add(path, f"expected '<demo>.<figure>', e.g. 'act.derivatives', got {figure!r}")
            return
        demo = self.demos.get(demo_name)
        if demo is None:
            self.add(path, f"no demo named {demo_name!r}{did_you_mean(demo_name, list(self.demos))}; declare it under `demos:`")
            return
        kind = self.kind_of(demo)
        if kind is None:
            return  # the unknown kind is reported under demos
        if figure_name not in kind.figure_names:
            candidates = [f"{demo_name}.{name}" for name in kind.figure_names]
            self.add(
                path,
                f"unknown figure {figure!r}{did_you_mean(figure, candidates)}"
                f" (demo {demo_name!r} of kind {kind.name!r} draws: {', '.join(kind.figure_names)})",
            )

    def check_native_chart(self, figure: Any, path: DocPath) -> None:
        if not isinstance(figure, str) or not figure:
            self.add(path + ("chart",), "`chart: native` draws the slide's `figure` as a chart; this slide has no `figure`")
            return
        demo_name, _, figure_name = figure.partition(".")
        kind = self.kind_of(self.demos.get(demo_name))
        if kind is None or figure_name not in kind.figure_names:
            return  # the figure name itself is reported
        if kind.figure(figure_name).has_chart:
            return
        charted = [
            f"{name}.{drawn.name}"
            for name, demo in self.demos.items()
            if (other := self.kind_of(demo)) is not None
            for drawn in other.figures
            if drawn.has_chart
        ]
        offer = f"; figures of this lecture that have one: {', '.join(charted)}" if charted else ""
        self.add(path + ("chart",), f"figure {figure!r} has no native chart, only a picture: use `chart: image`{offer}")

    # -- the HTML template folder -------------------------------------------------------
    def check_html_templates(self) -> None:
        theme = self.data.get("theme")
        name = theme.get("templates") if isinstance(theme, dict) else None
        if not isinstance(name, str) or not name:
            return
        path = ("theme", "templates")
        target = self.places.resolve(name)
        if target is None:
            self.add(path, self.places.outside(f"templates folder {name!r}", "it must"))
            return
        if not target.exists():
            self.add(path, f"templates folder {name!r} not found ({looked_in(target)})")
            return
        if not target.is_dir():
            self.add(path, f"templates folder {name!r} is a file; name the folder that holds the templates")
            return
        # Jinja follows links, so a link inside the folder could still read a file from anywhere.
        escaping = _links_leaving(target, self.places.root_of(target))
        if escaping is None:
            self.add(path, f"templates folder {name!r} holds more than {MAX_TEMPLATE_ENTRIES:,} files and folders; name the folder that holds only the templates")
        elif escaping:
            place = "the content file's folder" if self.places.assets is None else "the folder it is in"
            what = (f"a link to a place outside {place}" if (target / escaping).is_symlink() else
                    "a hard link: the same file as one that may lie anywhere on the disk")
            self.add(path, f"templates folder {name!r} holds {escaping!r}, {what}; copy the file in instead")

    def check_image(self, image: str, path: DocPath) -> None:
        target = self.places.resolve(image)
        if target is None:
            self.add(path, self.places.outside(f"image {image!r}", "images must"))
            return
        if not target.is_file():
            self.add(path, f"image file {image!r} not found ({looked_in(target)})")
            return
        problem = image_problem(target)
        if problem is not None:
            self.add(path, f"{image!r} {problem}")

    # -- text: expressions and markup ---------------------------------------------
    def check_text_fields(self, node: Any, path: DocPath) -> None:
        for key, value in _text_fields(node, path):
            limit = MAX_NOTES_CHARS if key[-1] == "notes" else MAX_TEXT_CHARS
            if len(value) > limit:
                self.add(key, f"the text is {len(value):,} characters long; it may be at most {limit:,}: shorten it "
                              "or split it")
                continue
            for message in check_template(value, self.reference_checks):
                self.add(key, message)
            if not has_expression(value):
                try:
                    parse_inline(value)
                except MarkupError as error:
                    self.add(key, str(error))


_TEXT_KEYS = ("title", "subtitle", "caption", "notes", "alt", "source", "author", "affiliation", "series")


def _text_fields(node: Any, path: DocPath):
    """(path, text) of each text field directly on a slide/section/lecture node."""
    if not isinstance(node, dict):
        return
    for key in _TEXT_KEYS:
        if isinstance(node.get(key), str):
            yield path + (key,), node[key]
    yield from _bullet_texts(node.get("bullets"), path + ("bullets",))
    quote = node.get("quote")
    if isinstance(quote, str):
        yield path + ("quote",), quote
    elif isinstance(quote, dict):
        for key in ("text", "attribution"):
            if isinstance(quote.get(key), str):
                yield path + ("quote", key), quote[key]
    table = node.get("table")
    if isinstance(table, dict):
        columns, rows = table.get("columns"), table.get("rows")
        for c, cell in enumerate(columns if isinstance(columns, list) else []):
            if isinstance(cell, str):
                yield path + ("table", "columns", c), cell
        for r, row in enumerate(rows if isinstance(rows, list) else []):
            for c, cell in enumerate(row if isinstance(row, list) else []):
                if isinstance(cell, str):
                    yield path + ("table", "rows", r, c), cell


def _bullets_nested_too_deep(bullets: Any, path: DocPath, level: int):
    """The paths of bullet lists deeper than MAX_BULLET_LEVELS, the shallowest of each branch."""
    if not isinstance(bullets, list) or not bullets:
        return
    if level > MAX_BULLET_LEVELS:
        yield path
        return
    for i, bullet in enumerate(bullets):
        if isinstance(bullet, dict):
            yield from _bullets_nested_too_deep(bullet.get("bullets"), path + (i, "bullets"), level + 1)


def _bullet_texts(bullets: Any, path: DocPath):
    if not isinstance(bullets, list):
        return
    for i, bullet in enumerate(bullets):
        if isinstance(bullet, str):
            yield path + (i,), bullet
        elif isinstance(bullet, dict):
            if isinstance(bullet.get("text"), str):
                yield path + (i, "text"), bullet["text"]
            yield from _bullet_texts(bullet.get("bullets"), path + (i, "bullets"))


def looked_in(target: Path) -> str:
    """Where a file the content names was looked for: its folder, absolute, so the user can open it
    ("looked in ." said nothing when the lecture was in the current folder)."""
    folder = target.parent
    return f"looked in {folder}" if folder.is_dir() else f"looked in {folder}, a folder that does not exist"


def resolve_inside(folder: Path, relative: str, assets: Path | None = None) -> Path | None:
    """``folder/relative`` if it stays inside ``folder`` or, in a course, inside its ``assets`` folder (symlinks
    followed), else None. The one rule for every path a content file names."""
    if Path(relative).is_absolute():
        return None
    base = folder.resolve()
    target = (base / relative).resolve()
    places = (base,) if assets is None else (base, assets.resolve())
    if not any(target.is_relative_to(place) for place in places):
        return None
    return target


# A templates folder holds a dozen files; a walk this long means it names the wrong folder.
MAX_TEMPLATE_ENTRIES = 10_000


def _links_leaving(folder: Path, root: Path) -> str | None:
    """The first link under ``folder`` (as a path relative to it) that leads outside ``root``, or hard link; "" if none.

    None when the folder is too big to walk.
    """
    seen = 0
    for parent, directories, files in os.walk(folder):  # does not descend into linked folders
        for name in sorted(directories) + sorted(files):
            seen += 1
            if seen > MAX_TEMPLATE_ENTRIES:
                return None
            entry = Path(parent) / name
            if entry.is_symlink() and not entry.resolve().is_relative_to(root):
                return entry.relative_to(folder).as_posix()
            # A hard link is the same file as one elsewhere, which may be anywhere on the disk.
            if not entry.is_symlink() and entry.is_file() and entry.stat().st_nlink > 1:
                return entry.relative_to(folder).as_posix()
        directories.sort()
    return ""


# A slide picture needs no more: 40 million pixels is a 7,700 x 5,200 photograph. Larger ones (or a
# small file that claims to be huge) would cost gigabytes to decode, rotate and embed.
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_BYTES = 50_000_000


def image_media_type(path: Path) -> str | None:
    """The picture's media type if it is a PNG, JPEG or GIF that decodes within the limits; else None."""
    return None if image_problem(path) is not None else _image_format(path)


def image_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a slide picture (said after the file's name), or None."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"is {size / 1e6:.0f} MB; a picture may be at most {MAX_IMAGE_BYTES / 1e6:.0f} MB"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as picture:
                width, height = picture.size
                if width * height > MAX_IMAGE_PIXELS:
                    return (f"is {width:,} x {height:,} pixels; a picture may have at most "
                            f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels: scale it down")
                if IMAGE_FORMATS.get(picture.format or "") is None:
                    return "is not a PNG, JPEG or GIF image"
                picture.load()  # decoded in full: a truncated or damaged file fails here, not in the build
    except Image.DecompressionBombError:
        return (f"has more than {MAX_IMAGE_PIXELS // 1_000_000} million pixels (a picture may have at most that): "
                "scale it down")
    except (UnidentifiedImageError, SyntaxError):
        return "is not a PNG, JPEG or GIF image"
    except (OSError, ValueError) as error:
        return f"cannot be read as a picture ({error}); save it again from an image editor"
    return None


def _image_format(path: Path) -> str | None:
    from PIL import Image

    with Image.open(path) as picture:
        return IMAGE_FORMATS.get(picture.format or "")
