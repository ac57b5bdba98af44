"""A small course to build: two lectures sharing an assets folder (a picture, a demo kind of their own) and
theme defaults; their demos take well under a second with --profile quick."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.demos.registry import unregister
from tests.conftest import MINIMAL
from tests.demos.test_user_code import KIND_FILE

COURSE = """\
course:
  title: Deep learning, the course
  subtitle: Two short lectures
  author: lecturegen
assets: shared
theme:
  accent: "#D55E00"
  labels: {contents: Overview}
lectures:
  - one/lecture.yaml
  - two/lecture.yaml
"""

# Lecture one: a picture and a demo kind from the shared folder, the course's accent.
ONE = """\
lecture: {title: Activations, date: 2024-01-02, series: The course}
code: [../shared/demos/coins.py]
demos:
  act: {kind: activations, params: {points: 101}}
  coins: {kind: coin_flips, params: {counts: [10, 100]}}
sections:
  - title: Shapes
    slides:
      - title: A neuron
        image: ../shared/neuron.png
        alt: A drawing of a neuron
      - title: Slopes
        figure: act.derivatives
        bullets: ['Largest sigmoid slope: {{ results.act.max_derivative.sigmoid | fixed(2) }}']
      - title: Coins
        figure: coins.heads
"""

# Lecture two: the same activations run under another name (it runs once), its own accent and one label.
TWO = """\
lecture: {title: Functions, date: 2024-01-09}
theme: {accent: "#0072B2", labels: {figure: "Fig. {number}:"}}
demos:
  curves: {kind: activations, params: {points: 101}}
sections:
  - title: Curves
    slides:
      - title: The functions
        figure: curves.functions
"""


def write_course(root: Path, course: str = COURSE, one: str = ONE, two: str = TWO) -> Path:
    """The course above under ``root``; returns the course file."""
    (root / "shared" / "demos").mkdir(parents=True, exist_ok=True)
    (root / "shared" / "neuron.png").write_bytes((MINIMAL.parent / "neuron.png").read_bytes())
    (root / "shared" / "demos" / "coins.py").write_text(KIND_FILE)
    for name, text in (("one", one), ("two", two)):
        (root / name).mkdir(exist_ok=True)
        (root / name / "lecture.yaml").write_text(text)
    path = root / "course.yaml"
    path.write_text(course)
    return path


@pytest.fixture
def course(tmp_path) -> Path:
    yield write_course(tmp_path / "course")
    unregister("coin_flips")
