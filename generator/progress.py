"""What a build tells the person (or CI log) watching it.

On a terminal, messages are coloured and long demos get a progress bar (rich);
in a CI log (not a TTY) the same events are plain lines, a few per demo.
``-q`` keeps only warnings and errors; ``-v`` adds detail.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Any

from generator.wording import count as counted
from generator.demos.registry import SilentProgress

# Without a terminal, report progress at these fractions of a demo's work.
LOG_MILESTONES = (0.25, 0.5, 0.75)


class Reporter:
    def __init__(self, quiet: bool = False, verbose: bool = False):
        self.quiet = quiet
        self.verbose = verbose
        self._console = None

    @property
    def console(self):
        # rich is loaded on the first message: a quiet build that has nothing to say does without it.
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._console

    def info(self, message: str) -> None:
        if not self.quiet:
            self.console.print(message, markup=False)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            self.console.print(message, markup=False, style="dim")

    def warn(self, message: str) -> None:
        self.console.print(f"warning: {message}", markup=False, style="yellow")

    @contextmanager
    def demo_progress(self, name: str):
        """A Progress for one demo's run: a live bar on a terminal, milestones in a log."""
        if self.quiet:
            yield SilentProgress()
        elif self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(
                TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=self.console, transient=True,
            ) as bar:
                yield _BarProgress(bar, name, self)
        else:
            yield _LogProgress(name, self)


class _BarProgress:
    def __init__(self, bar: Progress, name: str, reporter: Reporter):
        self.bar, self.name, self.reporter = bar, name, reporter
        self.task = None

    def start(self, total: int, label: str) -> None:
        self.task = self.bar.add_task(f"{self.name}: {label}", total=total)

    def advance(self, steps: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, steps)

    def note(self, message: str) -> None:
        self.reporter.detail(f"  {self.name}: {message}")


class _LogProgress:
    def __init__(self, name: str, reporter: Reporter):
        self.name, self.reporter = name, reporter
        self.total = self.done = 0
        self.milestones: list[float] = []
        self.started = time.perf_counter()

    def start(self, total: int, label: str) -> None:
        self.total, self.done = total, 0
        self.milestones = list(LOG_MILESTONES)
        self.reporter.info(f"  {self.name}: {label} ({counted(total, 'step')})")

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        while self.milestones and self.total and self.done / self.total >= self.milestones[0]:
            fraction = self.milestones.pop(0)
            elapsed = time.perf_counter() - self.started
            self.reporter.info(f"  {self.name}: {fraction:.0%} ({elapsed:.1f} s)")

    def note(self, message: str) -> None:
        self.reporter.detail(f"  {self.name}: {message}")


class SilentReporter(Reporter):
    """For library use and tests that do not want output."""

    def __init__(self):
        super().__init__(quiet=True)

    def warn(self, message: str) -> None:
        pass


class DemoBoard:
    """Progress of many demos at once (a course's, or ``--jobs``): a bar per running demo and one for
    them all on a terminal, numbered lines in a log. Worker processes send their demos' events
    through ``event``; demos run in this process report through ``progress``."""

    def __init__(self, reporter: Reporter, total: int, where: str):
        self.reporter, self.total, self.where = reporter, total, where
        self.done = 0
        self.lock = threading.RLock()
        self.bar: Progress | None = None
        self.overall = None
        self.demo_bars: dict[str, Any] = {}
        self.logs: dict[str, _LogProgress] = {}

    def __enter__(self) -> DemoBoard:
        if not self.reporter.quiet and self.reporter.console.is_terminal and self.total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                console=self.reporter.console, transient=True)
            self.bar.start()
            self.overall = self.bar.add_task(f"demos ({self.where})", total=self.total)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def _count(self) -> str:
        return f"[{self.done}/{self.total}]"

    def started(self, task) -> None:
        with self.lock:
            self.reporter.info(f"demo {task.label} ({task.kind}): running on {task.device} in {self.where}")

    def waiting(self, task) -> None:
        """Another build sharing the cache is running this demo: this one waits for its result."""
        with self.lock:
            self.reporter.info(f"demo {task.label} ({task.kind}): waiting for another build's run of it")

    def from_another_build(self, task) -> None:
        """The demo this build waited for came into the cache: counted as done, not run here."""
        with self.lock:
            self.done += 1
            if self.bar is not None and self.overall is not None:
                self.bar.advance(self.overall)
            self.reporter.info(f"{self._count()} demo {task.label}: from cache (another build ran it)")

    @contextmanager
    def progress(self, task):
        """The Progress a demo run in this process reports to."""
        if self.reporter.quiet:
            yield SilentProgress()
        elif self.bar is not None:
            yield _BoardBar(self, task.label)
        else:
            yield _LogProgress(task.label, self.reporter)

    def event(self, label: str, kind: str, *args: Any) -> None:
        """An event a worker sent for the demo ``label``: ("start", total, text), ("advance", steps), ("note", text)."""
        if self.reporter.quiet:
            return
        with self.lock:
            if self.bar is not None:
                target = self.demo_bars.setdefault(label, _BoardBar(self, label))
            else:
                target = self.logs.setdefault(label, _LogProgress(label, self.reporter))
            getattr(target, kind)(*args)

    def finished(self, task, wall_s: float | None, error: str = "") -> None:
        with self.lock:
            self.done += 1
            bar = self.demo_bars.pop(task.label, None)
            if bar is not None:
                bar.remove()
            self.logs.pop(task.label, None)
            if self.bar is not None and self.overall is not None:
                self.bar.advance(self.overall)
            if error:
                self.reporter.warn(f"{self._count()} demo {task.label} failed: {error}")
            else:
                self.reporter.info(f"{self._count()} demo {task.label}: done in {wall_s:.2f} s")


class _BoardBar(_BarProgress):
    """One demo's bar on the board."""

    def __init__(self, board: DemoBoard, name: str):
        super().__init__(board.bar, name, board.reporter)

    def start(self, total: int, label: str) -> None:
        self.remove()  # a demo with several phases: one bar at a time
        super().start(total, label)

    def remove(self) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
            self.task = None
