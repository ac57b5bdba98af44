"""Load a course file and every lecture it names: all problems at once, each located in its own file.

A course file is told from a lecture file by its top-level keys: it has `course:` (a lecture has
`lecture:`). The course's paths follow the lecture's rule (generator/content/loader.resolve_inside):
its lectures and its assets folder lie inside the course file's folder, the paths in its theme
defaults inside the assets folder; a lecture's paths may lie in its own folder or the assets folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.content.expression_check import has_expression
from generator.content.loader import THEME_PATH_KEYS, Inherited, LoadedLecture, load_lecture, resolve_inside
from generator.content.schema import Theme, slugify
from generator.content.validation import problems_from_validation_error
from generator.content.yaml_source import SourceMap, format_path, parse_yaml, read_text
from generator.course.schema import COURSE_KEY, Course
from generator.errors import ContentError, Location, Problem, UsageError


@dataclass(frozen=True)
class LoadedCourse:
    course: Course
    source: SourceMap
    path: Path
    text: str  # the course file's text, for the manifest's hash
    lectures: tuple[LoadedLecture, ...]  # in the course's order
    assets: Path | None  # resolved

    @property
    def folder(self) -> Path:
        return self.path.parent

    def where(self, path: tuple) -> Location:
        return self.source.value(path)


def is_course_file(path: Path | str) -> bool:
    """Whether ``path`` is a course file: a YAML mapping whose top level has `course:` (and no `lecture:`).

    A file that cannot be read or parsed is not one: loading it as a lecture reports what is wrong.
    """
    text, problem = read_text(Path(path))
    if problem is not None or not re.search(rf"(?m)^[{{\s]*['\"]?{COURSE_KEY}['\"]?\s*:", text):
        return False  # (a lecture, the usual case, is not parsed twice)
    parsed = parse_yaml(text, str(path))
    return isinstance(parsed.data, dict) and COURSE_KEY in parsed.data and "lecture" not in parsed.data


def load_course(path: Path | str, profile: str = "default") -> LoadedCourse:
    """Read and check the course file and each of its lectures; one ContentError lists every problem."""
    context = _course_context(Path(path))
    lectures = []
    from generator.demos.user_code import new_generation

    new_generation()  # the course's lectures together: their code files' kinds must not clash with each other
    for index, lecture_path in context.lectures:
        try:
            lectures.append(load_lecture(lecture_path, profile, context.inherited))
        except ContentError as error:
            context.problems.extend(error.problems)
            continue
        context.checker.lecture_loaded(index, lectures[-1])
    problems = [*context.problems, *context.checker.problems]
    if problems or context.course is None:
        raise ContentError(list(dict.fromkeys(problems)))
    return LoadedCourse(context.course, context.source, context.path, context.text, tuple(lectures), context.assets)


def course_lectures(path: Path | str) -> list[Path]:
    """The lecture files a course lists, in its order (those that exist); its problems as a ContentError."""
    context = _course_context(Path(path))
    if context.problems or context.checker.problems or context.course is None:
        raise ContentError(list(dict.fromkeys([*context.problems, *context.checker.problems])))
    return [lecture for _, lecture in context.lectures]


def course_lecture(path: Path | str, chosen: str | None) -> Path:
    """The lecture file of course ``path`` that ``chosen`` names (as the course lists it, or a path to the file),
    else the course's first lecture."""
    folder = Path(path).parent
    lectures = course_lectures(path)
    if not lectures:
        raise UsageError(f"{path} lists no lecture to show")
    if chosen is None:
        return lectures[0]
    for candidate in (folder / chosen, Path(chosen)):
        if candidate.resolve() in lectures:
            return candidate.resolve()
    listed = ", ".join(str(lecture.relative_to(folder.resolve())) for lecture in lectures)
    raise UsageError(f"--lecture {chosen!r} is not a lecture of {path}; it lists: {listed}")


def load_course_lecture(path: Path | str, lecture: Path, profile: str = "default") -> LoadedLecture:
    """One lecture of a course, loaded as the course's build loads it (the course's theme defaults and assets
    folder), with the course file's own problems: what `lecturegen preview course.yaml` shows."""
    from generator.demos.user_code import new_generation

    context = _course_context(Path(path))
    problems = list(context.problems)
    loaded = None
    new_generation()  # this lecture alone: only its own code files' kinds
    try:
        loaded = load_lecture(lecture, profile, context.inherited)
    except ContentError as error:
        problems.extend(error.problems)
    problems.extend(context.checker.problems)
    if problems or context.course is None:
        raise ContentError(list(dict.fromkeys(problems)))
    return loaded


@dataclass
class _CourseContext:
    path: Path
    text: str
    source: SourceMap
    course: Course | None
    checker: _CourseChecker
    inherited: Inherited
    assets: Path | None
    lectures: list[tuple[int, Path]]
    problems: list[Problem]


def _course_context(path: Path) -> _CourseContext:
    """The course file read and checked on its own: its settings, what its lectures inherit, their files."""
    text, problem = read_text(path)
    if problem is not None:
        raise ContentError([problem])
    parsed = parse_yaml(text, str(path))
    source, data = parsed.source, parsed.data
    if parsed.problems and data is None:
        raise ContentError(parsed.problems)
    if not isinstance(data, dict):
        raise ContentError([Problem(source.value(()), "", "a course file must be a mapping with `course:` and "
                                                          "`lectures:` at the top")])
    problems: list[Problem] = list(parsed.problems)
    course: Course | None = None
    try:
        course = Course.model_validate(data)
    except ValidationError as error:
        problems.extend(problems_from_validation_error(error, Course, source))
    checker = _CourseChecker(data, source, path.parent)
    assets = checker.assets()
    theme = checker.theme(assets)
    inherited = Inherited(assets=assets, theme=theme, source=source,
                          assets_shown=data["assets"] if assets is not None else "")
    return _CourseContext(path, text, source, course, checker, inherited, assets, list(checker.lecture_files()),
                          problems)


def planned_slug(loaded: LoadedLecture) -> str | None:
    """The lecture's output folder name as resolve.py will choose it; None while its title holds an expression."""
    meta = loaded.lecture.lecture
    if meta.slug:
        return meta.slug
    if has_expression(meta.title):
        return None
    slug = slugify(meta.title)
    return slugify(loaded.path.stem) if slug == "lecture" else slug


class _CourseChecker:
    """Checks on the course file's raw data, guarded, so they run beside the schema's errors."""

    def __init__(self, data: dict[str, Any], source: SourceMap, folder: Path):
        self.data, self.source, self.folder = data, source, folder
        self.problems: list[Problem] = []
        self.slugs: dict[str, int] = {}

    def add(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.source.value(path), format_path(path), message))

    def assets(self) -> Path | None:
        name = self.data.get("assets")
        if not isinstance(name, str) or not name:
            return None  # none declared, or the schema reports its type
        target = resolve_inside(self.folder, name)
        if target is None:
            self.add(("assets",), f"assets folder {name!r} is outside the course file's folder; it must be in that "
                                  "folder or below it")
        elif not target.exists():
            self.add(("assets",), f"assets folder {name!r} not found (looked in {self.folder})")
        elif not target.is_dir():
            self.add(("assets",), f"assets folder {name!r} is a file; name the folder that holds the shared files")
        else:
            return target
        return None

    def theme(self, assets: Path | None) -> dict[str, Any]:
        """The theme defaults lectures inherit: the course's valid keys, its paths made absolute."""
        raw = self.data.get("theme")
        if not isinstance(raw, dict):
            return {}  # absent, or the schema reports it
        broken: set[str] = set()
        try:
            Theme.model_validate(raw)
        except ValidationError as error:
            self.problems.extend(problems_from_validation_error(error, Theme, self.source, ("theme",)))
            broken = {str(item["loc"][0]) for item in error.errors() if item["loc"]}
        theme = {}
        for key, value in raw.items():
            if key in broken:
                continue  # reported once, here, rather than again by every lecture
            if key in THEME_PATH_KEYS and isinstance(value, str):
                value = self.theme_path(key, value, assets)
                if value is None:
                    continue
            theme[key] = value
        return theme

    def theme_path(self, key: str, name: str, assets: Path | None) -> str | None:
        path = ("theme", key)
        what = "template" if key == "pptx_template" else "templates folder"
        target = resolve_inside(self.folder, name)
        if assets is None or target is None or not target.is_relative_to(assets):
            where = "the course's assets folder" if assets is not None else "the assets folder, which the course declares with `assets:`"
            self.add(path, f"{what} {name!r} is not inside {where}; a course's theme may name files only there")
            return None
        if key == "pptx_template" and not target.is_file():
            self.add(path, f"template file {name!r} not found (looked in {self.folder})")
            return None
        if key == "templates" and not target.is_dir():
            self.add(path, f"templates folder {name!r} not found (looked in {self.folder})")
            return None
        return str(target)

    def lecture_files(self):
        """(index, path) of each lecture file that exists inside the course's folder; the others are reported."""
        entries = self.data.get("lectures")
        if not isinstance(entries, list):
            return
        seen: dict[Path, int] = {}
        for index, name in enumerate(entries):
            if not isinstance(name, str) or not name:
                continue  # the schema reports it
            path = ("lectures", index)
            target = resolve_inside(self.folder, name)
            if target is None:
                self.add(path, f"lecture {name!r} is outside the course file's folder; lectures must be in that "
                               "folder or below it")
            elif not target.is_file():
                what = "is a folder; name the lecture's .yaml file inside it" if target.is_dir() else "not found"
                self.add(path, f"lecture file {name!r} {what} (looked in {self.folder})")
            elif target in seen:
                self.add(path, f"lecture {name!r} is listed twice (first as lectures[{seen[target]}]); list it once")
            elif is_course_file(target):
                self.add(path, f"{name!r} is a course file; a course lists lecture files")
            else:
                seen[target] = index
                yield index, self.folder / name

    def lecture_loaded(self, index: int, loaded: LoadedLecture) -> None:
        slug = planned_slug(loaded)
        if slug is None:
            return
        if slug in self.slugs:
            self.add(("lectures", index), f"this lecture's output folder {slug!r} is also lectures[{self.slugs[slug]}]'s; "
                                          "give one of them another `lecture.slug`")
        else:
            self.slugs[slug] = index
