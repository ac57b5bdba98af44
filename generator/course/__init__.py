"""Whole courses: one course file names the lectures, a shared assets folder and theme defaults.

``schema.py`` is the course file's format, ``loader.py`` reads it and every lecture it names (all
problems at once, each in the file it is in), ``build.py`` builds the lectures with their demos
scheduled across the course (generator/demos/scheduler.py), and ``site.py`` renders the course's
``index.html``. The writer (generator/writer.py) writes it all.
"""

from __future__ import annotations

from generator.course.loader import is_course_file

__all__ = ["is_course_file"]
