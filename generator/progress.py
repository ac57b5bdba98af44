"""What a build tells the person (or CI log) watching it.

On a terminal, messages are coloured by rich; in a CI log (not a TTY) they
are plain lines. ``-q`` keeps only warnings and errors; ``-v`` adds detail.
"""

from __future__ import annotations

from rich.console import Console


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


class SilentReporter(Reporter):
    """For library use and tests that do not want output."""

    def __init__(self):
        super().__init__(quiet=True)

    def warn(self, message: str) -> None:
        pass
