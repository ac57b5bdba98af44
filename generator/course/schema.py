"""The course file's format as typed models (pydantic v2), like the lecture's (generator/content/schema.py).

A course file is told from a lecture file by its top-level `course:` key::

    course: {title: Deep Learning, subtitle: ..., author: ..., language: en}
    assets: shared              # a folder every lecture may name files in (images, templates, code)
    theme: {accent: "#0072B2"}  # defaults each lecture's own `theme:` overrides key by key
    lectures:                   # in the order the course site lists them
      - intro/lecture.yaml
      - cnn/lecture.yaml
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from generator.content.schema import Strict

COURSE_KEY = "course"


class CourseMeta(Strict):
    """What the course site's page says about the course."""

    title: str = Field(min_length=1, description="The course's title, at the top of the course site.")
    subtitle: str = Field("", description="A line under the title.")
    author: str = Field("", description="Who teaches the course.")
    affiliation: str = Field("", description="The author's institution.")
    language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                          description="BCP 47 language tag of the course site's page.")


class Course(Strict):
    """A whole course: its title, its lectures in order, a shared assets folder and theme defaults."""

    course: CourseMeta
    assets: str | None = Field(
        None, min_length=1,
        description="A folder, relative to the course file's folder and inside it, whose files (images, PowerPoint "
        "templates, HTML templates, code files) every lecture may name by a path relative to its own folder.")
    theme: dict[str, Any] = Field(
        default_factory=dict,
        description="Theme defaults every lecture inherits (the keys of a lecture's `theme:`); a lecture's own "
        "`theme:` overrides them key by key. Paths in it are relative to the course file's folder and must be "
        "inside the assets folder.")
    lectures: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1,
        description="The lectures' content files, relative to the course file's folder and inside it, in order.")
