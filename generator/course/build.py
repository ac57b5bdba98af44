"""Build a whole course: every lecture, with their demos scheduled together, and the course site.

load the course and its lectures (all problems at once) -> prepare each lecture (checks, plan) ->
gather every lecture's demos: the cache's, then each distinct missing run once, in this process,
in worker processes (--jobs N) or on Ray (--executor ray) -> finish each lecture whose demos all
ran (draw, resolve, render, write OUTPUT/<slug>/) -> the site: OUTPUT/index.html and the course's
manifest. A lecture whose demo failed, or whose build failed, is listed as failed; the others
are built, and the build then fails (exit 1) naming the failed lectures.
"""

from __future__ import annotations

import hashlib
import platform
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator import __version__
from generator.build import (BuildOptions, BuildReport, PreparedLecture, demo_executor, demo_runner, finish_build,
                             prepare, raise_if_different)
from generator.content.loader import STANDARD_PROFILES, LoadedLecture
from generator.content.schema import Theme, slugify
from generator.course.loader import LoadedCourse, is_course_file, load_course, planned_slug
from generator.course.site import SiteLecture, render_index
from generator.deck import Theme as DeckTheme
from generator.demos.execution import package_versions
from generator.errors import BuildError, ContentError, LecturegenError, UsageError
from generator.progress import Reporter, SilentReporter
from generator.wording import count as counted
from generator.wording import did_you_mean
from generator.writer import check_output_dir, differences, write_site


@dataclass
class LectureOutcome:
    path: Path
    slug: str
    title: str
    date: str
    content_sha256: str
    report: BuildReport | None = None
    failure: str = ""  # why it was not built; "" when it was
    demos: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CourseReport:
    output_dir: Path
    lectures: list[LectureOutcome]
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[LectureOutcome]:
        return [lecture for lecture in self.lectures if lecture.failure]


class CourseBuildFailed(BuildError):
    """Some lectures failed; the others were built. Exit code 1."""

    def __init__(self, message: str, report: CourseReport):
        super().__init__(message)
        self.report = report


def build_content(options: BuildOptions, reporter: Reporter | None = None) -> CourseReport | BuildReport:
    """`lecturegen build CONTENT`: a course file builds the course, any other file one lecture."""
    from generator.build import build

    if is_course_file(options.content):
        return build_course(options, reporter)
    return build(options, reporter)


def validate_course(path: Path, profile: str, reporter: Reporter) -> bool:
    """`lecturegen validate` of a course file: check it and every lecture, say so; False when ``path`` is no course."""
    import click

    if not is_course_file(path):
        return False
    try:
        course = load_course(path, profile)
    except ContentError as error:
        raise error.as_check() from None
    _check_profile(course, profile, reporter)
    if not reporter.quiet:
        slides = sum(len(section.slides) for lecture in course.lectures for section in lecture.lecture.sections)
        demos = sum(len(lecture.lecture.demos) for lecture in course.lectures)
        summary = ", ".join(counted(number, noun) for number, noun in (
            (len(course.lectures), "lecture"), (slides, "content slide"), (demos, "demo")))
        click.echo(f"{path}: OK ({summary})")
        for lecture in course.lectures:
            for code in lecture.runs_code:
                click.echo(f"note: {lecture.path} brings code, trusted as such: {code}")
    return True


def build_course(options: BuildOptions, reporter: Reporter | None = None) -> CourseReport:
    reporter = reporter or SilentReporter()
    started = time.perf_counter()
    course = load_course(options.content, options.profile)
    executor = demo_executor(options, reporter)  # says now, before anything runs, when Ray is missing
    for folder in {course.folder, *(lecture.folder for lecture in course.lectures),
                   *((course.assets,) if course.assets else ())}:
        check_output_dir(options.output_dir, folder)
    _check_profile(course, options.profile, reporter)
    prepared = [prepare(replace(options, content=lecture.path), reporter, loaded=lecture, profile_checked=True)
                for lecture in course.lectures]
    labels = [planned_slug(lecture) or slugify(lecture.path.stem) for lecture in course.lectures]
    load_s = time.perf_counter() - started

    runner = demo_runner(options, reporter)
    demos_started = time.perf_counter()
    gathered = runner.gather([lecture.demos(label) for lecture, label in zip(prepared, labels)], executor, reporter)
    demos_s = time.perf_counter() - demos_started

    outcomes = []
    for lecture, label, demos in zip(prepared, labels, gathered):
        outcome = _outcome(lecture.loaded, label)
        outcome.demos = [{"name": name, "cache_key": record.key, "from_cache": record.cached}
                         for name, (_, record) in demos.results.items()]
        if demos.failures:
            outcome.failure = "; ".join(why if f"demo {name!r}" in why else f"demo {name!r} failed: {why}"
                                        for name, why in demos.failures.items())
        else:
            lecture.timings["demos"] = round(demos_s, 4)
            lecture.clock = time.perf_counter()
            outcome.failure = _finish(lecture, demos.results, runner, reporter, outcome)
        if outcome.failure:
            reporter.warn(f"lecture {label} ({lecture.loaded.path}) was not built: {outcome.failure}")
        outcomes.append(outcome)
    _check_slugs(outcomes)

    report = CourseReport(options.output_dir, outcomes)
    site_lectures = [SiteLecture(o.slug, o.title, o.date, o.report.deck if o.report else None,
                                 tuple(o.report.files) if o.report else (), o.failure) for o in outcomes]
    index = render_index(course.course.course, _site_theme(course), site_lectures, options.template_dirs)
    manifest = course_manifest(course, options, outcomes, runner, executor, gathered,
                               {"load": round(load_s, 4), "demos": round(demos_s, 4),
                                "total": round(time.perf_counter() - started, 4)})
    if options.check:  # compare, write nothing: the lectures' folders, then the site's page
        found = [line for o in outcomes if o.report for line in o.report.differences]
        found += differences(options.output_dir, {"index.html": index}, lambda path: path == "index.html")
        _raise_if_failed(report, outcomes, "checked")
        raise_if_different(found, options.output_dir, reporter)
        return report
    for note in write_site(options.output_dir, {"index.html": index}, manifest, on_wait=reporter.info):
        report.warnings.append(note)
        reporter.warn(note)
    built = [o for o in outcomes if not o.failure]
    reporter.info(f"course: {len(built)} of {counted(len(outcomes), 'lecture')} built; "
                  f"site: {options.output_dir / 'index.html'}")
    _raise_if_failed(report, outcomes, "built and the site lists them all")
    return report


def _raise_if_failed(report: CourseReport, outcomes: list[LectureOutcome], others: str) -> None:
    if report.failed:
        listed = "\n".join(f"  {o.slug} ({o.path}): {o.failure}" for o in report.failed)
        raise CourseBuildFailed(f"{len(report.failed)} of {counted(len(outcomes), 'lecture')} failed; the others "
                                f"were {others}:\n{listed}", report)


def _check_profile(course: LoadedCourse, profile: str, reporter: Reporter) -> None:
    """A profile one lecture defines is fine for the course: the others use their demos' parameters as written."""
    defining = [lecture for lecture in course.lectures if profile in lecture.lecture.profiles]
    if profile == "default":
        return
    if not defining and profile not in STANDARD_PROFILES:
        choices = sorted({"default", *(name for lecture in course.lectures for name in lecture.lecture.profiles)})
        raise UsageError(f"--profile {profile}: no lecture of {course.path} defines such a profile"
                         f"{did_you_mean(profile, choices)} (available: {', '.join(choices)})")
    others = [str(lecture.path) for lecture in course.lectures if lecture not in defining]
    if others:
        reporter.info(f"profile {profile!r} is not defined in {', '.join(others)}; "
                      "using their demos' parameters as written")


def _outcome(loaded: LoadedLecture, label: str) -> LectureOutcome:
    meta = loaded.lecture.lecture
    return LectureOutcome(path=loaded.path, slug=label, title=meta.title,
                          date=meta.date.isoformat() if meta.date else "",
                          content_sha256=hashlib.sha256(loaded.text.encode()).hexdigest())


def _finish(lecture: PreparedLecture, results, runner, reporter: Reporter, outcome: LectureOutcome) -> str:
    """Build the lecture; "" when it was built, else what went wrong (its own problems stop only it)."""
    try:
        built = finish_build(lecture, runner, results, reporter)
    except ContentError as error:
        return "\n".join(str(problem) for problem in error.problems)
    except LecturegenError as error:
        return error.format_message()
    outcome.report = built
    outcome.slug = built.deck.meta.slug
    outcome.title = built.deck.meta.title
    outcome.date = built.deck.meta.date
    return ""


def _check_slugs(outcomes: list[LectureOutcome]) -> None:
    # A title computed from results can only be known now; two lectures must never share a folder.
    seen: dict[str, LectureOutcome] = {}
    for outcome in outcomes:
        other = seen.setdefault(outcome.slug, outcome)
        if other is not outcome and outcome.report is not None:
            outcome.failure = (f"its output folder {outcome.slug!r} is also {other.path}'s; give one of them "
                               "another `lecture.slug`")


def _site_theme(course: LoadedCourse) -> DeckTheme:
    """The course page's look: the course's theme defaults (accent, fonts), else the built-in ones."""
    raw = course.course.theme
    theme = Theme.model_validate({key: raw[key] for key in ("accent", "font", "font_east_asian", "font_code")
                                  if key in raw})
    return DeckTheme(accent=theme.accent.upper(), font=theme.font, font_east_asian=theme.font_east_asian,
                     font_code=theme.font_code, aspect=theme.aspect)


def course_manifest(course: LoadedCourse, options: BuildOptions, outcomes: list[LectureOutcome], runner, executor,
                    gathered, timings: dict[str, float]) -> dict[str, Any]:
    """What the course build was and did; each lecture's own manifest (OUTPUT/<slug>/manifest.json) has the rest."""
    runs: dict[str, dict[str, Any]] = {}
    for outcome, demos in zip(outcomes, gathered):
        for name, (_, record) in demos.results.items():
            entry = runs.setdefault(record.key, {"cache_key": record.key, "kind": record.kind,
                                                 "from_cache": record.cached, "used_by": [],
                                                 "provenance": record.provenance})
            entry["used_by"].append(f"{outcome.slug}/{name}")
    used = sum(len(entry["used_by"]) for entry in runs.values())
    return {
        "generator": {"name": "lecturegen", "version": __version__},
        "course": {"path": str(course.path), "sha256": hashlib.sha256(course.text.encode()).hexdigest(),
                   "title": course.course.course.title},
        "profile": options.profile,
        "device": {"requested": options.device, "used": runner._device or "none (every demo came from the cache)"},
        "executor": {"name": options.executor, "jobs": options.jobs, "ray_address": options.ray_address,
                     "startup_s": getattr(executor, "startup_s", None)},
        "versions": {"python": platform.python_version(), **package_versions(("torch", "numpy"))},
        "lectures": [
            {
                "slug": outcome.slug,
                "title": outcome.title,
                "content": {"path": str(outcome.path), "sha256": outcome.content_sha256},
                "built": not outcome.failure,
                "failure": outcome.failure or None,
                "outputs": [{"path": f"{outcome.slug}/{name}", "sha256": digest}
                            for name, digest in (outcome.report.outputs.items() if outcome.report else ())],
            }
            for outcome in outcomes
        ],
        "demos": {"distinct_runs": len(runs), "uses": used, "shared": used - len(runs),
                  "runs": sorted(runs.values(), key=lambda entry: entry["cache_key"])},
        "formats": list(options.formats),
        "timings_s": timings,
    }
