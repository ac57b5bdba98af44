"""One preview's state: the lecture as it last built, and the pipeline that builds it again on each change.

A refresh runs the build's own stages (generator/build.py and the functions it calls): load and check
the content, plan the demos and fetch each from the cache or run it, draw the figures, resolve the
Deck, paginate it, render the slide deck. What did not change is not done again: results and
drawings are remembered in memory (on top of the cache on disk), the figures of an unchanged set of
demos, boxes and words are reused, each slide is paginated only when it changed, and the renderer
reuses the views and markup of unchanged slides (pages.py). The report is rendered when a page asks
for it.

A refresh that fails (the content has problems, a demo raised) keeps the last good version on show,
and its lines, the same ones ``build`` and ``validate`` print, go to the terminal and to every page.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.build import (
    BuildOptions,
    CachedResult,
    DemoRecord,
    _DemoRunner,
    chart_specs,
    demo_param_place,
    demo_run,
    draw_figures,
    make_manifest,
)
from generator.cache import Cache, default_cache_dir
from generator.content.loader import LoadedLecture, check_profile, load_lecture
from generator.deck import Deck, FigureAsset
from generator.demos.execution import plan_jobs, run_job
from generator.errors import ContentError, LecturegenError, UsageError
from generator.figure_boxes import boxes_to_draw
from generator.interface_words import figure_words
from generator.preview.pages import RenderedSlides, SlidePages, changed_slides
from generator.progress import Reporter
from generator.resolve import deck_theme, resolve_deck

# How often a running demo's progress is pushed to the pages, at most.
STATUS_INTERVAL_S = 0.25
CODE_KEY = re.compile(r"^code\s*:", re.MULTILINE)


@dataclass(frozen=True)
class PreviewOptions:
    content: Path  # the lecture shown
    course: Path | None = None  # the course file it is a lecture of, whose theme and assets it inherits
    output_dir: Path = Path("output")  # where the page's "Write slides.pptx" and --format write, as build would
    profile: str = "default"
    device: str = "auto"
    formats: tuple[str, ...] = ()  # written again after every change
    cache_dir: Path | None = None
    data_dir: Path | None = None
    template_dirs: tuple[Path, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False

    def build_options(self, formats: Iterable[str] = ()) -> BuildOptions:
        return BuildOptions(content=self.content, output_dir=self.output_dir, formats=tuple(formats),
                            profile=self.profile, device=self.device, cache_dir=self.cache_dir,
                            template_dirs=self.template_dirs, data_dir=self.data_dir)


@dataclass(frozen=True)
class Version:
    """One good build of the lecture, as the pages show it."""

    token: str
    loaded: LoadedLecture
    records: tuple[DemoRecord, ...]
    deck: Deck  # paginated
    unsplit: Deck  # what the report reads
    template_dirs: tuple[Path, ...]
    slides: RenderedSlides
    timings: dict[str, float]
    runner: Any  # the demo runner (the manifest says which device it used)


@dataclass(frozen=True)
class Inputs:
    """What the preview watches: the files the lecture is made from, and the template folders."""

    files: frozenset[Path] = frozenset()
    template_dirs: tuple[Path, ...] = ()

    def folders(self) -> tuple[Path, ...]:
        found = {path.parent for path in self.files}
        for root in self.template_dirs:
            found.add(root)
            found.update(path for path in _subfolders(root))
        return tuple(sorted(folder for folder in found if folder.is_dir()))

    def concerns(self, path: Path) -> bool:
        return path in self.files or any(path.is_relative_to(root) for root in self.template_dirs)

    def is_template(self, path: Path) -> bool:
        return any(path.is_relative_to(root) for root in self.template_dirs)


def _subfolders(root: Path, limit: int = 200) -> list[Path]:
    found = []
    try:
        for path in root.rglob("*"):
            if path.is_dir():
                found.append(path)
                if len(found) >= limit:
                    break
    except OSError:
        pass
    return found


class Stopped(LecturegenError):
    """A demo run was stopped: the content changed under it, or the preview is closing."""


class RememberingCache(Cache):
    """The cache on disk, with the results and drawings this session used kept in memory too."""

    KEEP = 256

    def __init__(self, root: Path, on_unwritable: Callable[[str], None]):
        super().__init__(root, on_unwritable=on_unwritable)
        self._kept: OrderedDict[tuple[str, str], Any] = OrderedDict()

    def _keep(self, key: tuple[str, str], value: Any) -> None:
        self._kept[key] = value
        self._kept.move_to_end(key)
        while len(self._kept) > self.KEEP:
            self._kept.popitem(last=False)

    def get_result(self, key: str) -> CachedResult | None:
        found = self._kept.get(("result", key))
        if found is None:
            found = super().get_result(key)
            if found is not None:
                self._keep(("result", key), found)
        return found

    def put_result(self, key: str, result, provenance: dict[str, Any], replace: bool = False) -> CachedResult:
        stored = super().put_result(key, result, provenance, replace)
        self._keep(("result", key), stored)
        return stored

    def get_figure(self, key: str, name: str) -> FigureAsset | None:
        found = self._kept.get(("figure", key))
        if found is None:
            found = super().get_figure(key, name)
            if found is not None:
                self._keep(("figure", key), found)
        return found

    def put_figure(self, key: str, asset: FigureAsset) -> None:
        super().put_figure(key, asset)
        self._keep(("figure", key), asset)


class PreviewReporter(Reporter):
    """The terminal's reporter, whose demo progress is also shown in the pages."""

    def __init__(self, quiet: bool, verbose: bool, on_status: Callable[[str], None] = lambda text: None):
        super().__init__(quiet=quiet, verbose=verbose)
        self.on_status = on_status
        self._muted = threading.local()
        self.silenced = False  # set when Ctrl-C closes the preview: its one line is the last thing said

    def info(self, message: str) -> None:
        if getattr(self._muted, "on", False):
            self.detail(message)
        elif not self.silenced:
            super().info(message)

    def detail(self, message: str) -> None:
        if not self.silenced:
            super().detail(message)

    def warn(self, message: str) -> None:
        if not self.silenced:
            super().warn(message)

    def say(self, text: str) -> None:
        """Lines as the CLI prints them (a problem's located lines), unless the preview is closing."""
        if not self.silenced:
            self.console.print(text, markup=False, highlight=False)

    @contextmanager
    def muted(self):
        """Within it, information is detail (shown with -v): what each refresh would repeat."""
        self._muted.on = True
        try:
            yield
        finally:
            self._muted.on = False

    @contextmanager
    def demo_progress(self, name: str):
        with super().demo_progress(name) as progress:
            yield _ShownProgress(progress, name, self.on_status)


class _ShownProgress:
    def __init__(self, progress, name: str, on_status: Callable[[str], None]):
        self.progress, self.name, self.on_status = progress, name, on_status
        self.total = self.done = 0
        self.label = ""
        self.said = 0.0

    def start(self, total: int, label: str) -> None:
        self.progress.start(total, label)
        self.total, self.done, self.label = total, 0, label
        self.on_status(f"training {self.name}: {label}")

    def advance(self, steps: int = 1) -> None:
        self.progress.advance(steps)
        self.done += steps
        now = time.monotonic()
        if now - self.said >= STATUS_INTERVAL_S and self.total:
            self.said = now
            self.on_status(f"training {self.name}: {self.label} {min(self.done / self.total, 1):.0%}")

    def note(self, message: str) -> None:
        self.progress.note(message)


class _PreviewRunner(_DemoRunner):
    """The build's runner, whose demos stop when the session asks (a newer edit, or the preview closing)."""

    def __init__(self, *args, session: PreviewSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session

    def cached(self, job):
        with self.reporter.muted():  # "from cache" on every save would drown what changed
            return super().cached(job)

    def run(self, job, wait=True):
        # While it waits for a build sharing the cache, or trains: a newer edit that no longer asks for it stops it.
        device = self.device
        self.session.running = _Running(job.name, job.key(device, self.data_dir), device, self.data_dir)
        try:
            return super().run(job, wait)
        finally:
            self.session.running = None
            if wait and self.shown_waiting:
                self.shown_waiting = False
                self.session.set_status("")

    shown_waiting = False  # whether the pages were told this runner waits for another build

    def waiting(self, job):
        super().waiting(job)
        self.shown_waiting = True
        self.session.set_status(f"waiting for another build's run of {job.name}")

    def check_waiting(self):
        if self.session.stop.is_set():
            raise Stopped(f"stopped waiting for another build's run of demo {self.session.running.name!r}")

    def train(self, job, device):
        self.reporter.info(f"demo {job.name} ({job.kind.name}): running on {device}")
        with self.reporter.demo_progress(job.name) as progress:
            result, provenance = run_job(job, device, progress, data_dir=str(self.data_dir), stop=self.session.stop)
        if self.session.stop.is_set():
            # What it returned may be half a result: nothing is kept.
            raise Stopped(f"demo {job.name!r} stopped before it finished; nothing it returned was kept")
        self.reporter.info(f"demo {job.name}: done in {provenance['wall_s']:.2f} s")
        return result, provenance


@dataclass(frozen=True)
class _Running:
    name: str
    key: str
    device: str
    data_dir: Path


@dataclass
class _Laps:
    timings: dict[str, float] = field(default_factory=dict)
    clock: float = field(default_factory=time.perf_counter)

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self.clock, 4)
        self.clock = now


class PreviewSession:
    """The lecture as it last built, the pipeline that builds it again, and what the pages are told."""

    def __init__(self, options: PreviewOptions, reporter: PreviewReporter,
                 publish: Callable[[str, dict[str, Any]], None] = lambda event, data: None):
        self.options = options
        self.reporter = reporter
        self.publish = publish  # (event, data) -> every open page
        reporter.on_status = self.set_status
        self.id = secrets.token_hex(4)
        self.count = 0
        self.lock = threading.RLock()
        self.current: Version | None = None
        self.problems: tuple[str, ...] = ()
        self.status = ""
        first = {options.content.resolve(), *((options.course.resolve(),) if options.course is not None else ())}
        self.inputs = Inputs(frozenset(first), tuple(d.resolve() for d in options.template_dirs))
        self.on_inputs: Callable[[], None] = lambda: None  # the watcher's: what to watch changed
        self.stop = threading.Event()  # set: the demo now training stops at its next check
        self.running: _Running | None = None
        self.cache = RememberingCache(options.cache_dir or default_cache_dir(), on_unwritable=reporter.warn)
        self.pages = SlidePages()
        self._report: tuple[str, str] | None = None  # (version token, report.html)
        self._figures: tuple[tuple, tuple, dict[str, FigureAsset]] | None = None
        self._pagination: dict[Any, tuple] = {}
        self._warned: set[str] = set()
        self._status_said = 0.0
        self._write_lock = threading.Lock()

    # -- what the pages are told --------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {"version": self.current.token if self.current else "", "problems": list(self.problems),
                    "status": self.status}

    def set_status(self, text: str) -> None:
        with self.lock:
            self.status = text
        self.publish("state", self.state())

    # -- the pipeline --------------------------------------------------------------------------------

    def refresh(self, changed: Iterable[Path] = ()) -> bool:
        """Build the lecture again and show it; False when it failed (its problems are shown instead)."""
        if any(self.inputs.is_template(path) for path in changed):
            self.pages.forget()
        self.stop.clear()
        started = time.perf_counter()
        try:
            built = self._build()
        except Stopped as stopped:
            self.reporter.info(stopped.format_message())
            self.set_status("")
            return False
        except ContentError as error:
            self._failed(error.as_check().format_message().splitlines())
            return False
        except LecturegenError as error:
            self._failed([f"error: {line}" if number == 0 else line
                          for number, line in enumerate(error.format_message().splitlines())])
            return False
        except Exception as error:  # noqa: BLE001 - the loop outlives a bug: said as the CLI says it, then on
            if self.reporter.verbose:
                traceback.print_exc()
            self._failed([f"error: internal error: {type(error).__name__}: {error} (run with -v for the traceback)"])
            return False
        self._show(built, time.perf_counter() - started)
        return True

    def _build(self) -> Version:
        options = self.options.build_options()
        lap = _Laps()
        loaded = self._load()
        self._watch(loaded)
        check_profile(loaded, options.profile, self.reporter)
        lap("load")

        jobs = {job.name: job for job in plan_jobs(loaded.lecture, options.profile)}
        runner = _PreviewRunner(
            self.cache, options.device, False, self.reporter, options.data_dir,
            param_place=lambda demo, param: demo_param_place(loaded, options.profile, demo, param), session=self,
        )
        results = runner.results(jobs)
        if any(not record.cached for _, record in results.values()):
            self.set_status("")
        lap("demos")

        words = figure_words(loaded.lecture.lecture.language, loaded.lecture.theme.labels)
        theme = deck_theme(loaded)
        figures = self._draw(loaded, jobs, results, words, theme)
        charts = chart_specs(loaded, jobs, results, words)
        lap("figures")

        records = tuple(record for _, record in results.values())
        quotable = {name: jobs[name].kind.result_schema.mark_missing(cached.result.values, jobs[name].params)
                    for name, (cached, _) in results.items()}
        resolved = resolve_deck(loaded, quotable, figures, charts)
        warnings = [str(problem) for problem in resolved.warnings]
        lap("resolve")

        runs = tuple(demo_run(record) for record in records)
        unsplit = replace(resolved.deck, demo_runs=runs, profile=options.profile)
        deck, layout_problems = self._paginate(unsplit)
        warnings.extend(str(problem) for problem in layout_problems)
        lap("paginate")

        content_templates = (loaded.template_dir,) if loaded.template_dir else ()
        template_dirs = (*options.template_dirs, *content_templates)
        slides = self.pages.render(deck, template_dirs)
        lap("html")
        self._warn(warnings)
        return Version("", loaded, records, deck, unsplit, template_dirs, slides, lap.timings, runner)

    def _draw(self, loaded: LoadedLecture, jobs, results, words, theme) -> dict[str, FigureAsset]:
        """The figures: the last ones again when the same demos' results are drawn for the same boxes and words."""
        demos = tuple(sorted((name, record.key) for name, (_, record) in results.items()))
        key = (tuple(boxes_to_draw(loaded.lecture, theme).items()), demos, words, theme)
        kinds = tuple(jobs[name].kind for name, _ in demos)
        if self._figures is not None:
            known_key, known_kinds, figures = self._figures
            if known_key == key and all(a is b for a, b in zip(known_kinds, kinds)):
                return figures
        figures = draw_figures(loaded, jobs, results, self.cache, words, theme)
        self._figures = (key, kinds, figures)
        return figures

    def _paginate(self, deck: Deck):
        """The build's pagination, slide by slide, each slide's parts remembered while it stays the same.

        Splitting a slide depends on the slide, the theme and the words around it (deck.meta); its number
        only appears in the footer, which has a box of its own, so a slide moved by an inserted one is not
        paginated again.
        """
        from generator.render.pptx import paginate_deck

        remembered: dict[Any, tuple] = {}
        parts: list = []
        problems: list = []
        for slide in deck.slides:
            key = (replace(slide, number=0), deck.theme, deck.meta)
            try:
                found = self._pagination.get(key)
            except TypeError:  # a block holding an unhashable value
                key, found = None, None
            if found is None:
                paginated = paginate_deck(replace(deck, slides=(slide,)))
                found = (paginated.deck.slides, paginated.problems)
            if key is not None:
                remembered[key] = found
            parts.extend(found[0])
            problems.extend(problem for problem in found[1] if problem not in problems)
        self._pagination = remembered
        numbered = tuple(replace(slide, number=number) for number, slide in enumerate(parts, start=1))
        return replace(deck, slides=numbered, paginated=True), problems

    def _load(self) -> LoadedLecture:
        """The lecture as the content on disk is now: alone, or as its course's build loads it."""
        if self.options.course is None:
            return load_lecture(self.options.content, self.options.profile)
        from generator.course.loader import load_course_lecture

        return load_course_lecture(self.options.course, self.options.content, self.options.profile)

    def _watch(self, loaded: LoadedLecture) -> None:
        """What to watch, from the content as loaded: its file, pictures, code files, template folders (and
        the course file it is a lecture of)."""
        lecture = loaded.lecture
        files = {loaded.path.resolve()}
        if self.options.course is not None:
            files.add(self.options.course.resolve())
        specs = [spec for section in lecture.sections for spec in section.slides]
        if lecture.closing is not None:
            specs.append(lecture.closing)
        named = [spec.image for spec in specs if spec.image] + list(lecture.code)
        if lecture.theme.pptx_template:
            named.append(lecture.theme.pptx_template)
        for name in named:
            path = loaded.resolve(name)
            if path is not None:
                files.add(path.resolve())
        templates = [*self.options.template_dirs, *((loaded.template_dir,) if loaded.template_dir else ())]
        inputs = Inputs(frozenset(files), tuple(path.resolve() for path in templates))
        with self.lock:
            known, self.inputs = self.inputs, inputs
        if inputs != known:
            self.on_inputs()

    def _warn(self, warnings: list[str]) -> None:
        for warning in warnings:
            if warning not in self._warned:
                self.reporter.warn(warning)
        self._warned = set(warnings)

    def _failed(self, lines: list[str]) -> None:
        with self.lock:
            known = self.problems == tuple(lines)
            self.problems = tuple(lines)
            self.status = ""
        if not known:
            self.reporter.say("\n".join(lines))
        self.publish("state", self.state())

    def _show(self, built: Version, seconds: float) -> None:
        with self.lock:
            previous = self.current
            had_problems = bool(self.problems)
            self.problems, self.status = (), ""
            if previous is not None and previous.slides.html == built.slides.html and previous.unsplit == built.unsplit:
                self.current = replace(built, token=previous.token)  # nothing on show changed
                update = None
            else:
                self.count += 1
                self.current = replace(built, token=f"{self.id}-{self.count}")
                self._report = None
                swapped = changed_slides(previous.slides if previous else None, built.slides)
                slides = {str(index): html for index, html in swapped.items()} if swapped is not None else None
                update = {"from": previous.token if previous else "", "to": self.current.token, "slides": slides}
        if update is not None:
            self.publish("update", update)
        self.publish("state", self.state())
        if had_problems:
            self.reporter.info("the content builds again")
        if update is not None:
            what = (f"{len(update['slides'])} slide{'' if len(update['slides']) == 1 else 's'} changed"
                    if update["slides"] is not None else "reloaded the pages")
            self.reporter.info(f"updated in {seconds:.2f} s: {what}")
        timings = ", ".join(f"{stage} {value:.3f}" for stage, value in built.timings.items())
        self.reporter.detail(f"refresh took {seconds:.3f} s: {timings}")

    # -- what a page asks for ---------------------------------------------------------------------

    def report(self) -> tuple[str, str] | None:
        """(version, report.html) of the version on show, rendered the first time a page asks for it."""
        with self.lock:
            current, known = self.current, self._report
        if current is None:
            return None
        if known is not None and known[0] == current.token:
            return known
        html = self.pages.report(current.unsplit, current.template_dirs)
        with self.lock:
            self._report = (current.token, html)
        return current.token, html

    def write(self, formats: Iterable[str]) -> str:
        """Write ``formats`` of the version on show into OUTPUT/<slug>/, atomically, as build would; says what."""
        from generator.render.formats import RenderRequest, produced_by, render_formats
        from generator.writer import check_output_dir, write_outputs

        formats = tuple(formats)
        with self.lock:
            version = self.current
        if version is None:
            raise UsageError("there is nothing to write yet: the lecture has not built")
        options = self.options.build_options(formats)
        lecture_dir = options.output_dir / version.deck.meta.slug
        with self._write_lock:
            check_output_dir(options.output_dir, version.loaded.folder)
            check_output_dir(lecture_dir, version.loaded.folder)
            # The page on show is the renderer's own slides.html (the served copy alone has the preview's script).
            rendered = {"slides.html": version.slides.html.encode("utf-8")} if "html" in formats else {}
            request = RenderRequest(version.deck, version.template_dirs, lecture_dir, None, files=rendered,
                                    unsplit_deck=version.unsplit)
            files = render_formats(request, formats)
            self._warn(sorted(self._warned | {str(problem) for problem in request.problems}))
            manifest = make_manifest(version.loaded, options, list(version.records), version.timings, version.runner)
            for note in write_outputs(lecture_dir, files, manifest, produced_by(formats), on_wait=self.reporter.info):
                self.reporter.warn(note)
        names = sorted(name for name in files if "/" not in name)
        message = f"wrote {', '.join(names)} to {lecture_dir}/"
        self.reporter.info(message)
        return message

    # -- a newer edit ----------------------------------------------------------------------------------

    def stale(self) -> bool:
        """Whether the demo now training is one the content, as it is on disk now, no longer asks for.

        Answered by loading the content, which runs a lecture's own code files; while one of its demos
        trains that is not done (the run is left to finish).
        """
        running = self.running
        with self.lock:
            current = self.current
        if running is None or (current is not None and current.loaded.lecture.code):
            return False
        try:
            if CODE_KEY.search(self.options.content.read_text(encoding="utf-8", errors="replace")):
                return False  # it names code files now: loading would run them
            loaded = self._load()
            jobs = plan_jobs(loaded.lecture, self.options.profile)
            keys = {job.key(running.device, running.data_dir) for job in jobs}
        except Exception:  # noqa: BLE001 - content that does not load now: the refresh after will say why
            return False
        return running.key not in keys
