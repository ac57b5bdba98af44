"""The pipeline, and nothing else.

load -> plan -> run demos (or fetch from the cache) -> draw figures ->
resolve the Deck -> render -> write. Each stage is a function of the previous
stage's value; only the last step writes to the output folder.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from generator import __version__, memo
from generator.cache import Cache, CachedResult, cache_falls_back_to_temporary_folder, content_key, default_cache_dir
from generator.content.loader import LoadedLecture, check_profile, code_files, load_lecture
from generator.content.yaml_source import format_path
from generator.deck import ChartSpec, Deck, DemoRun, FigureAsset, Theme
from generator.demos.data import default_data_dir
from generator.demos.execution import (DemoJob, package_versions, plan_jobs, resolve_device, run_job, stop_on_signal,
                                       where_it_failed)
from generator.demos.registry import DemoResult
from generator.demos.scheduler import Outcome
from generator.errors import BuildError, ContentError, Location, Problem, UsageError
from generator.figures.words import FigureWords
from generator.interface_words import figure_words
from generator.progress import Reporter, SilentReporter
from generator.wording import count as counted
from generator.render.formats import (
    BuildTarget,
    RenderRequest,
    default_formats,
    output_formats,
    produced_by,
    render_formats,
)
from generator.figure_boxes import boxes_to_draw
from generator.resolve import cited_charts, deck_theme, resolve_deck
from generator.writer import check_output_dir, differences, write_outputs, written_manifest

# Device types a cached result may come from when the user lets us choose.
AUTO_DEVICE_ORDER = ("cuda", "mps", "cpu")


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    output_dir: Path = Path("output")
    formats: tuple[str, ...] = field(default_factory=default_formats)
    profile: str = "default"
    device: str = "auto"
    force: bool = False
    strict: bool = False
    cache_dir: Path | None = None
    template_dirs: tuple[Path, ...] = ()
    revealjs_url: str | None = None  # None: the pinned reveal.js release on the public CDN
    data_dir: Path | None = None  # None: $LECTUREGEN_DATA_DIR, else <cache dir>/data
    jobs: int = 1  # demos run at once, each in a worker process of its own (1: one after another, in this process)
    executor: str = "local"  # "local" (this machine) or "ray" (one Ray task per demo)
    ray_address: str | None = None  # the Ray cluster to use; None: start one on this machine
    demos_per_gpu: int = 1  # with --jobs on CUDA: demos that share one GPU at a time
    check: bool = False  # compare the output folder with what would be written, and write nothing (build --check)


@dataclass
class DemoRecord:
    name: str
    kind: str
    key: str
    cached: bool
    provenance: dict[str, Any]
    origin: str = ""  # where the kind comes from: "built-in", "file demos/x.py", "package NAME VERSION"


@dataclass
class BuildReport:
    lecture_dir: Path
    files: list[str]
    demos: list[DemoRecord]
    warnings: list[str] = field(default_factory=list)
    deck: Deck | None = None  # what was built (the course site shows its title slide)
    outputs: dict[str, str] = field(default_factory=dict)  # file this build wrote -> its sha256
    differences: list[str] = field(default_factory=list)  # with --check: how the output folder differs, per file

    @property
    def demos_run(self) -> list[str]:
        return [demo.name for demo in self.demos if not demo.cached]


class _DemoRunner:
    """Fetches each job's result from the cache, or runs it (importing torch only then)."""

    def __init__(
        self,
        cache: Cache,
        requested_device: str,
        force: bool,
        reporter: Reporter,
        data_dir: Path | None,
        param_place: Callable[[str, str], tuple[Location, str]],
    ):
        self.cache = cache
        self.param_place = param_place  # (demo, parameter) -> where the content set it, for located errors
        self.data_dir = data_dir or default_data_dir(cache.root)
        self.requested = requested_device
        self.force = force
        self.reporter = reporter
        self._device: str | None = None
        self._waited_for: set[str] = set()  # keys this build said it waits for (said once each)

    @property
    def device(self) -> str:
        if self._device is None:
            executor = getattr(self, "_executor", None)
            self._device = executor.device(self.requested) if executor is not None else resolve_device(self.requested)
            self.reporter.info(f"device: {self._device}" + (" (chosen by --device auto)" if self.requested == "auto" else ""))
        return self._device

    def candidates(self) -> Sequence[str]:
        return AUTO_DEVICE_ORDER if self.requested == "auto" else (self.requested,)

    def results(self, jobs: dict[str, DemoJob]) -> dict[str, tuple[CachedResult, DemoRecord]]:
        found = {name: self.cached(job) for name, job in jobs.items()}
        self.fetch_data([job for name, job in jobs.items() if found[name] is None])
        # Demos another build sharing the cache is running come last: the others run meanwhile.
        for name, job in jobs.items():
            if found[name] is None:
                found[name] = self.run(job, wait=False)
        return {name: found[name] or self.run(job) for name, job in jobs.items()}

    def cached(self, job: DemoJob) -> tuple[CachedResult, DemoRecord] | None:
        if self.force:
            return None
        for device_type in self.candidates():
            key = job.key(device_type, self.data_dir)
            hit = self.cache.get_result(key)
            if hit is not None:
                self.reporter.info(f"demo {job.name} ({job.kind.name}): from cache ({device_type})")
                return hit, DemoRecord(job.name, job.kind.name, key, True, hit.provenance, job.kind.origin)
        return None

    def fetch_data(self, jobs: list[DemoJob]) -> None:
        """Load every dataset the jobs to run will read, before any of them trains.

        A missing download found after the depth sweep would cost the sweep's minutes for nothing.
        The loaded data stays in memory for the demos.
        """
        from generator.demos.data import limit_problems, load

        problems = []
        for job in jobs:
            dataset = getattr(job.params, "dataset", None)
            if dataset is None:
                continue
            try:
                split = load(dataset, str(self.data_dir))
            except RuntimeError as error:
                raise BuildError(f"demo {job.name!r} ({job.kind.name}) cannot read its data, so no demo ran: {error}") from None
            batch_size, example_index = (getattr(job.params, name, None) for name in ("batch_size", "example_index"))
            for param, message in limit_problems(split, batch_size, example_index):
                problems.append(Problem(*self.param_place(job.name, param), message))
        if problems:
            raise ContentError(problems)

    def gather(self, lectures: Sequence[LectureDemos], executor, reporter: Reporter) -> list[GatheredDemos]:
        """Every lecture's results: each from the cache, or run by ``executor`` (generator/demos/scheduler.py).

        The demos of all lectures are collected first; demos with the same cache key (the same kind, parameters,
        seed and code, whatever each lecture calls them) run once. A demo that fails fails the lectures that use
        it; the others run on. Results go to the cache as they arrive, here, in the driver.
        """
        from generator.demos.scheduler import task_for

        gathered = [GatheredDemos(lecture.label) for lecture in lectures]
        missing: list[tuple[int, DemoJob]] = []
        for number, lecture in enumerate(lectures):
            for name, job in lecture.jobs.items():
                hit = self.cached(job)
                if hit is None:
                    missing.append((number, job))
                else:
                    gathered[number].results[name] = hit
        for number, lecture in enumerate(lectures):
            self.param_place = lecture.param_place
            self.fetch_data([job for owner, job in missing if owner == number])
        if not missing:
            return gathered
        self._executor = executor
        device = self.device
        tasks: dict[str, tuple] = {}  # key -> (task, job), in the order the course names them
        users: dict[str, list[tuple[int, DemoJob]]] = {}
        for number, job in missing:
            key = job.key(device, self.data_dir)
            if key not in tasks:
                label = job.name if len(lectures) == 1 else f"{lectures[number].label}/{job.name}"
                tasks[key] = (task_for(job, key, device, str(self.data_dir), label, lectures[number].code), job)
            users.setdefault(key, []).append((number, job))
        shared = len(missing) - len(tasks)
        reporter.info(f"{counted(len(missing), 'demo')} to run" + (f", {shared} of them the same as another "
                      f"(same cache key): {counted(len(tasks), 'distinct run')}" if shared else "")
                      + f", in {executor.name}")
        outcomes, served, stored = self._run_tasks(tasks, executor, reporter)
        for key, jobs in users.items():
            outcome = outcomes.get(key) or Outcome(key, error="it did not run")
            for number, job in jobs:
                if outcome.error:
                    gathered[number].failures[job.name] = outcome.error
                else:
                    cached = stored.get(key) or CachedResult(outcome.result, outcome.provenance)
                    gathered[number].results[job.name] = (cached, DemoRecord(job.name, job.kind.name, key,
                                                                             key in served, outcome.provenance,
                                                                             job.kind.origin))
        for number, lecture in enumerate(lectures):  # the lecture's own demo order, as a serial build gives it
            gathered[number].results = {name: gathered[number].results[name] for name in lecture.jobs
                                        if name in gathered[number].results}
        return gathered

    def _run_tasks(self, tasks: dict[str, tuple], executor,
                   reporter: Reporter) -> tuple[dict[str, Outcome], set[str], dict[str, CachedResult]]:
        """Run each task on ``executor`` under its key's lock, here in the driver, which writes the cache (Ray
        workers need no shared disk, and a worker killed with its demo takes no lock with it).

        The demos whose lock another build sharing the cache holds wait, and those that are free run
        meanwhile; no lock is ever waited for while this build holds one, so two builds cannot wait for each
        other. A demo whose lock comes free is read from the cache (the other build stored it: its key is in
        the set returned) or, when that build failed or was killed, run here. Returns the outcomes by key, those
        keys, and the results run here as the cache now holds them.
        """
        from generator.cache import LOCK_POLL_S
        from generator.progress import DemoBoard

        outcomes: dict[str, Outcome] = {}
        served: set[str] = set()
        stored: dict[str, CachedResult] = {}  # the results run here, as the cache now holds them
        locks = {key: self.cache.run_lock(key) for key in tasks}

        def arrived(task, outcome) -> None:
            outcomes[task.key] = outcome
            wall = outcome.provenance.get("wall_s") if outcome.provenance else None
            board.finished(task, wall, outcome.error)
            if not outcome.error:
                stored[task.key] = self.cache.put_result(task.key, outcome.result, outcome.provenance,
                                                         replace=self.force)
            locks[task.key].release()

        pending = list(tasks)
        try:
            with DemoBoard(reporter, len(tasks), executor.name) as board:
                while pending:
                    free = [key for key in pending if locks[key].try_acquire()]
                    for key in pending:
                        if key not in free and key not in self._waited_for:
                            self._waited_for.add(key)
                            board.waiting(tasks[key][0])
                    if not free:
                        time.sleep(LOCK_POLL_S)
                        continue
                    pending = [key for key in pending if key not in free]
                    work = []
                    for key in free:
                        hit = self.cache.get_result(key) if (key in self._waited_for or not self.force) else None
                        if hit is None:
                            work.append(tasks[key])
                        else:
                            outcomes[key] = Outcome(key, hit.result, hit.provenance)
                            served.add(key)
                            locks[key].release()
                            board.from_another_build(tasks[key][0])
                    if work:
                        executor.run(work, board, arrived)
        finally:
            for lock in locks.values():
                lock.release()
        return outcomes, served, stored

    def run(self, job: DemoJob, wait: bool = True) -> tuple[CachedResult, DemoRecord] | None:
        """Run ``job`` under its key's lock (cache.RunLock), or read what the build that held it stored.

        Without ``wait``, a job another build is running is left (None) for a later call that waits.
        """
        device = self.device
        key = job.key(device, self.data_dir)
        lock = self.cache.run_lock(key)
        if not lock.try_acquire():
            if key not in self._waited_for:
                self._waited_for.add(key)
                self.waiting(job)
            if not wait:
                return None
            lock.acquire(check=self.check_waiting)
        try:
            # Stored by the build this one waited for, by one that finished just before this one asked, or by
            # this build under another demo's name (the same kind, parameters and seed).
            waited = key in self._waited_for
            hit = self.cache.get_result(key) if (waited or not self.force) else None
            if hit is not None:
                self.reporter.info(f"demo {job.name} ({job.kind.name}): from cache "
                                   f"({'another build ran it' if waited else device})")
                return hit, DemoRecord(job.name, job.kind.name, key, True, hit.provenance, job.kind.origin)
            result, provenance = self.train(job, device)
            stored = self.cache.put_result(key, result, provenance, replace=self.force)
        finally:
            lock.release()
        record = DemoRecord(job.name, job.kind.name, key, False, provenance, job.kind.origin)
        return stored, record

    def waiting(self, job: DemoJob) -> None:
        self.reporter.info(f"demo {job.name} ({job.kind.name}): waiting for another build's run of it")

    def check_waiting(self) -> None:
        """Called while this build waits for another's run; the preview's raises when a newer edit came."""

    def train(self, job: DemoJob, device: str) -> tuple[DemoResult, dict[str, Any]]:
        self.reporter.info(f"demo {job.name} ({job.kind.name}): running on {device}")
        with self.reporter.demo_progress(job.name) as progress, stop_on_signal(self.reporter.warn) as stop:
            result, provenance = run_job(job, device, progress, data_dir=str(self.data_dir), stop=stop)
        self.reporter.info(f"demo {job.name}: done in {provenance['wall_s']:.2f} s")
        return result, provenance


@dataclass(frozen=True)
class LectureDemos:
    """One lecture's demos, as ``_DemoRunner.gather`` takes them."""

    label: str  # how progress and errors name the lecture
    jobs: dict[str, DemoJob]
    code: tuple[tuple[Path, str], ...]  # its `code:` files: (path, as named), which workers load
    param_place: Callable[[str, str], tuple[Location, str]]


@dataclass
class GatheredDemos:
    """One lecture's results, and the demos that failed (name -> why)."""

    label: str
    results: dict[str, tuple[CachedResult, DemoRecord]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


def demo_param_place(loaded: LoadedLecture, profile: str, demo: str, param: str) -> tuple[Location, str]:
    """Where a demo's parameter was set: the profile's override, else the demo's params, else (a default) the demo."""
    if param in loaded.lecture.profiles.get(profile, {}).get(demo, {}):
        path: tuple[str, ...] = ("profiles", profile, demo, param)
    elif param in loaded.lecture.demos[demo].params:
        path = ("demos", demo, "params", param)
    else:
        path = ("demos", demo)
    return loaded.where(path), format_path(path)


def draw_figures(
    loaded: LoadedLecture,
    jobs: dict[str, DemoJob],
    results: dict[str, tuple[CachedResult, DemoRecord]],
    cache: Cache,
    words: FigureWords,
    theme: Theme,
) -> dict[str, FigureAsset]:
    """Each figure the slides show, drawn for every box it is shown in (figure_boxes.py): the first
    slide's drawing, with the others (other slides' boxes, the report's column) in its ``others``."""
    from generator.figures.drawing import draw_figure, figure_code_hash

    figures = {}
    for name, boxes in boxes_to_draw(loaded.lecture, theme).items():
        demo, figure = name.split(".", 1)
        job = jobs[demo]
        cached, record = results[demo]
        drawings = []
        for box in boxes:
            key = content_key({"result": record.key, "figure": figure, "code": figure_code_hash(job.kind),
                               "words": asdict(words), "box": asdict(box)})
            asset = cache.get_figure(key, name)
            if asset is None:
                try:
                    asset = draw_figure(job.kind, figure, demo, cached.result, words, box)
                except Exception as error:  # noqa: BLE001 - a Display is the kind's code: say which figure failed, where
                    display = job.kind.figure(figure).display_class()
                    raise BuildError(f"{where_it_failed(error, display)}figure {name!r} (demo kind {job.kind.name!r}) "
                                     f"failed to draw: {type(error).__name__}: {error}") from error
                cache.put_figure(key, asset)
            drawings.append(replace(asset, box=box))
        figures[name] = replace(drawings[0], others=tuple(drawings[1:]))
    return figures


def chart_specs(
    loaded: LoadedLecture, jobs: dict[str, DemoJob], results: dict[str, tuple[CachedResult, DemoRecord]],
    words: FigureWords,
) -> dict[str, ChartSpec]:
    """The native charts the slides ask for, computed from the results (cheap: no training, no drawing)."""
    from generator.figures.drawing import chart_for

    charts = {}
    for name in cited_charts(loaded):
        demo, figure = name.split(".", 1)
        kind = jobs[demo].kind
        try:
            charts[name] = chart_for(kind, figure, results[demo][0].result, words)
        except Exception as error:  # noqa: BLE001 - a chart function is the kind's code: say which chart failed, where
            function = kind.figure(figure).chart_function()
            raise BuildError(f"{where_it_failed(error, function)}the native chart of figure {name!r} (demo kind "
                             f"{kind.name!r}) failed: {type(error).__name__}: {error}") from error
    return charts


def paginate(deck: Deck) -> tuple[Deck, list[Problem]]:
    """Split overfull slides once, for every output; the problems are what had to continue or does not fit."""
    from generator.render.pptx import paginate_deck

    paginated = paginate_deck(deck)
    return paginated.deck, list(paginated.problems)


def demo_run(record: DemoRecord) -> DemoRun:
    provenance = record.provenance
    return DemoRun(
        name=record.name,
        kind=record.kind,
        device=str(provenance.get("device", "")),
        device_name=str(provenance.get("device_name", "")),
        seed=int(provenance.get("seed", 0)),
        wall_s=float(provenance.get("wall_s", 0.0)),
        from_cache=record.cached,
        # By name: a fresh run's provenance lists them in the model's order, a cached one as JSON sorted them,
        # and the report must not differ between a cold build and a warm one.
        params=tuple(sorted((name, json.dumps(value)) for name, value in provenance.get("params", {}).items())),
        versions=tuple(sorted((name, str(version)) for name, version in provenance.get("versions", {}).items())),
    )


@dataclass
class PreparedLecture:
    """A lecture loaded, checked and planned: what its build needs once its demos' results are in."""

    options: BuildOptions
    loaded: LoadedLecture
    jobs: dict[str, DemoJob]
    timings: dict[str, float] = field(default_factory=dict)
    clock: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self.clock, 4)
        self.clock = now

    def demos(self, label: str) -> LectureDemos:
        return LectureDemos(label, self.jobs, tuple(code_files(self.loaded)),
                            lambda demo, param: demo_param_place(self.loaded, self.options.profile, demo, param))


def prepare(options: BuildOptions, reporter: Reporter, loaded: LoadedLecture | None = None,
            profile_checked: bool = False) -> PreparedLecture:
    """Load (unless given), check and plan a lecture: every check that must pass before any demo trains."""
    prepared_clock = time.perf_counter()
    memo.use_folder(options.cache_dir)  # what the text's checks and pictures remembered lives with the cache
    if loaded is None:
        loaded = load_lecture(options.content, options.profile)
    if not profile_checked:
        check_profile(loaded, options.profile, reporter)
    check_output_dir(options.output_dir, loaded.folder)
    formats = output_formats()
    target = BuildTarget(options.output_dir, options.revealjs_url)
    for name in options.formats:
        if formats[name].preflight is not None:
            formats[name].preflight(target)  # say now, not after training, that an output cannot be made
    jobs = {job.name: job for job in plan_jobs(loaded.lecture, options.profile)}
    prepared = PreparedLecture(options, loaded, jobs, clock=prepared_clock)
    prepared.lap("load")
    return prepared


def demo_runner(options: BuildOptions, reporter: Reporter,
                param_place: Callable[[str, str], tuple[Location, str]] = lambda demo, param: (Location(""), "")
                ) -> _DemoRunner:
    cache = Cache(options.cache_dir or default_cache_dir(), on_unwritable=reporter.warn)
    if options.cache_dir is None and cache_falls_back_to_temporary_folder():
        reporter.warn(f"HOME is not set, so results are cached in {cache.root}, which the system may clear; "
                      "set HOME or give --cache-dir")
    return _DemoRunner(cache, options.device, options.force, reporter, options.data_dir, param_place=param_place)


def demo_executor(options: BuildOptions, reporter: Reporter):
    """Where demos that must run do: this process, worker processes (--jobs), or a Ray cluster (--executor ray)."""
    from generator.demos.scheduler import InProcess, ProcessPool

    if options.executor == "ray":
        from generator.demos.ray_executor import RayExecutor

        return RayExecutor(options.ray_address, reporter)
    if options.jobs > 1:
        return ProcessPool(options.jobs, options.demos_per_gpu)
    return InProcess(reporter)


def build(options: BuildOptions, reporter: Reporter | None = None) -> BuildReport:
    reporter = reporter or SilentReporter()
    prepared = prepare(options, reporter)
    lecture = prepared.demos(prepared.loaded.path.name)
    runner = demo_runner(options, reporter, lecture.param_place)
    if options.jobs > 1 or options.executor != "local":
        gathered = runner.gather([lecture], demo_executor(options, reporter), reporter)[0]
        if gathered.failures:
            raise BuildError("\n".join(gathered.failures.values()))
        results = gathered.results
    else:
        results = runner.results(prepared.jobs)  # one demo after another, here, the first failure stopping the build
    prepared.lap("demos")
    report = finish_build(prepared, runner, results, reporter)
    if options.check:
        raise_if_different(report.differences, options.output_dir, reporter)
    return report


def raise_if_different(found: list[str], output_dir: Path, reporter: Reporter) -> None:
    """`build --check`'s verdict: exit 1 listing what differs, or say the folder is what the sources produce."""
    if found:
        listed = "\n".join(f"  {line}" for line in found)
        raise BuildError(f"{output_dir} is not what the sources produce ({counted(len(found), 'difference')}); "
                         f"`lecturegen build` without --check, with the same options, rewrites it:\n{listed}")
    reporter.info(f"{output_dir}: up to date (every output is what the sources produce)")


def finish_build(prepared: PreparedLecture, runner: _DemoRunner, results: dict[str, tuple[CachedResult, DemoRecord]],
                 reporter: Reporter) -> BuildReport:
    """Draw, resolve, paginate, render and write one lecture whose demos' results are in."""
    options, loaded, jobs, timings = prepared.options, prepared.loaded, prepared.jobs, prepared.timings
    words = figure_words(loaded.lecture.lecture.language, loaded.lecture.theme.labels)
    figures = draw_figures(loaded, jobs, results, runner.cache, words, deck_theme(loaded))
    charts = chart_specs(loaded, jobs, results, words)
    prepared.lap("figures")

    records = [record for _, record in results.values()]
    quotable = {name: jobs[name].kind.result_schema.mark_missing(cached.result.values, jobs[name].params)
                for name, (cached, _) in results.items()}
    resolved = resolve_deck(loaded, quotable, figures, charts)
    warnings = [str(problem) for problem in resolved.warnings]
    if options.strict and resolved.warnings:
        raise ContentError(list(resolved.warnings))
    for warning in warnings:
        reporter.warn(warning)
    for note in resolved.notes:
        reporter.info(f"note: {note}")
    prepared.lap("resolve")

    if options.check:
        records = as_previously_built(records, options.output_dir / resolved.deck.meta.slug)
    unsplit = replace(resolved.deck, demo_runs=tuple(demo_run(record) for record in records), profile=options.profile)
    deck, layout_problems = paginate(unsplit)
    if options.strict and layout_problems:
        raise ContentError(layout_problems)
    for problem in layout_problems:
        warnings.append(str(problem))
        reporter.warn(str(problem))
    prepared.lap("paginate")
    # Only now is the lecture's folder, OUTPUT/<slug>, known; it too must not be the content's folder.
    check_output_dir(options.output_dir / deck.meta.slug, loaded.folder)
    # --templates first, then the content's theme.templates; the built-in templates come last.
    content_templates = (loaded.template_dir,) if loaded.template_dir else ()
    request = RenderRequest(deck, (*options.template_dirs, *content_templates), options.output_dir / deck.meta.slug,
                            options.revealjs_url, unsplit_deck=unsplit)
    files = render_formats(request, options.formats)
    if options.strict and request.problems:
        raise ContentError(request.problems)
    for problem in request.problems:
        warnings.append(str(problem))
        reporter.warn(str(problem))
    prepared.lap("render")

    lecture_dir = options.output_dir / deck.meta.slug
    outputs = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    if options.check:  # the same bytes, compared instead of written (builds are reproducible)
        return BuildReport(lecture_dir=lecture_dir, files=sorted(files), demos=records, warnings=warnings, deck=deck,
                           outputs=outputs, differences=differences(lecture_dir, files, produced_by(options.formats)))
    manifest = make_manifest(loaded, options, records, timings, runner)
    for note in write_outputs(lecture_dir, files, manifest, produced_by(options.formats), on_wait=reporter.info):
        warnings.append(note)
        reporter.warn(note)
    reporter.info(f"wrote {len(files)} file{'' if len(files) == 1 else 's'} to {lecture_dir}/")
    memo.keep_pending()
    return BuildReport(lecture_dir=lecture_dir, files=sorted(files), demos=records, warnings=warnings, deck=deck,
                       outputs=outputs)


def as_previously_built(records: list[DemoRecord], lecture_dir: Path) -> list[DemoRecord]:
    """For --check: each demo said to have run or come from the cache as the build that wrote the folder said.

    The report tells which demos ran for its build; a check reads them from the cache. A demo with the same
    cache key is the same result, so only that word would differ, and it is build history, not the sources.
    """
    written = {(demo.get("name"), demo.get("cache_key")): demo.get("from_cache")
               for demo in written_manifest(lecture_dir).get("demos", []) if isinstance(demo, dict)}
    return [replace(record, cached=written.get((record.name, record.key), record.cached)) for record in records]


def make_manifest(
    loaded: LoadedLecture,
    options: BuildOptions,
    records: list[DemoRecord],
    timings: dict[str, float],
    runner: _DemoRunner,
) -> dict[str, Any]:
    """What the build was and did; the writer adds the outputs it lands (this build's and those it keeps)."""
    manifest = {
        "generator": {"name": "lecturegen", "version": __version__},
        "content": {"path": str(loaded.path), "sha256": hashlib.sha256(loaded.text.encode()).hexdigest()},
        # The lecture's own demo code as it ran (each demo's cache key includes it too).
        "code": [{"path": name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
                 for path, name in code_files(loaded)],
        "profile": options.profile,
        "device": {"requested": options.device, "used": runner._device or "none (every demo came from the cache)"},
        "versions": {
            "python": platform.python_version(),
            **package_versions(("torch", "numpy", "matplotlib", "python-pptx", "jinja2", "pydantic")),
        },
        "demos": [
            {"name": r.name, "kind": r.kind, "origin": r.origin, "cache_key": r.key, "from_cache": r.cached,
             "provenance": r.provenance}
            for r in records
        ],
        "formats": list(options.formats),
        "timings_s": timings,
    }
    return manifest
