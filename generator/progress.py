"""What a build tells the person (or CI log) watching it.

On a terminal, messages are coloured and long demos get a progress bar (rich);
in a CI log (not a TTY) the same events are plain lines, a few per demo.
``-q`` keeps only warnings and errors; ``-v`` adds detail.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from generator.wording import count as counted
from generator.demos.registry import SilentProgress

# Without a terminal, report progress at these fractions of a demo's work.
LOG_MILESTONES = (0.25, 0.5, 0.75)


class Reporter:
    def __init__(self, quiet: bool = False, verbose: bool = False):
        self.quiet = quiet
        self.verbose = verbose
        self.console = Console(stderr=True, highlight=False, soft_wrap=True)

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
