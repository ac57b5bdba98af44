"""Errors a user can act on.

Every error type is a :class:`click.ClickException`, so the CLI prints its
message and exits with its code without a traceback. Content problems carry a
:class:`Location` and are collected, not raised one at a time: a user fixing a
YAML file wants to see every problem in one run.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

EXIT_BUILD_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True, order=True)
class Location:
    """A place in a content file. ``line`` and ``column`` are 1-based."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        if self.column <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, which node, what, and what to do."""

    location: Location
    path: str  # dotted path in the document, e.g. "sections[2].slides[4].figure"; "" for the file
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: {self.path}: " if self.path else f"{self.location}: "
        return where + self.message


class LecturegenError(click.ClickException):
    """Base of the errors the CLI reports without a traceback."""

    exit_code = EXIT_BUILD_FAILED

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:  # noqa: D401 - click's signature
        # click prefixes "Error: "; our messages already say file:line first.
        click.echo(f"error: {self.format_message()}", file=file, err=True)


class ContentError(LecturegenError):
    """The content file (or something it names) is wrong. Exit code 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], *, stopped_a_build: bool = True):
        self.problems = tuple(sorted(problems, key=lambda p: (p.location, p.path, p.message)))
        self.stopped_a_build = stopped_a_build
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [str(p) for p in self.problems]
        count = len(lines)
        noun = "problem" if count == 1 else "problems"
        # "nothing was written" reassures after a failed build; `validate` never writes, so it would only puzzle.
        ending = "; nothing was written." if self.stopped_a_build else "."
        return "\n".join(lines) + f"\n{count} {noun} found{ending}"

    def as_check(self) -> ContentError:
        """The same problems, reported by a command that only checks."""
        return ContentError(self.problems, stopped_a_build=False)

    def show(self, file=None) -> None:
        click.echo(self.format_message(), file=file, err=True)


class BuildError(LecturegenError):
    """Something failed while building (a demo raised, a device is missing). Exit code 1."""

    exit_code = EXIT_BUILD_FAILED


class UsageError(LecturegenError):
    """A command-line option is wrong in a way click cannot check. Exit code 2."""

    exit_code = EXIT_BAD_INPUT
