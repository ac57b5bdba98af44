"""Property test: any mutation of the default lecture loads, or fails with located problems.

Never a traceback, never a hang: whatever an editor (or a stray keystroke) does to the file,
the loader answers with a ContentError whose every problem names the file.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.loader import load_lecture
from generator.demos.execution import plan_jobs, run_job
from generator.demos.registry import SilentProgress
from generator.errors import ContentError
from generator.figures.drawing import draw_figure
from generator.resolve import resolve_deck
from tests.conftest import DEFAULT_LECTURE

TEXT = DEFAULT_LECTURE.read_text()
LINES = TEXT.splitlines(keepends=True)


@st.composite
def mutated(draw) -> bytes:
    kind = draw(st.sampled_from(["delete", "duplicate", "truncate", "replace", "insert", "retype"]))
    lines = list(LINES)
    start = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        end = draw(st.integers(start, min(len(lines), start + 20)))
        del lines[start:end]
    elif kind == "duplicate":
        lines.insert(start, lines[start])
    elif kind == "truncate":
        return TEXT.encode()[: draw(st.integers(0, len(TEXT)))]
    elif kind == "replace":
        data = bytearray(TEXT.encode())
        position = draw(st.integers(0, len(data) - 1))
        data[position : position + 1] = draw(st.binary(min_size=1, max_size=4))
        return bytes(data)
    elif kind == "insert":
        lines.insert(start, draw(st.text(min_size=1, max_size=40)) + "\n")
    else:  # retype a value: keep the key, swap what follows the colon
        line = lines[start]
        if ":" in line:
            key = line.split(":", 1)[0]
            value = draw(st.sampled_from(["", " 12", " [a, b]", " {x: 1}", " null", " yes", " 'text'", " -1.5"]))
            lines[start] = f"{key}:{value}\n"
    return "".join(lines).encode("utf-8", errors="surrogatepass")


_REAL_RESULTS: dict = {}


def real_results():
    """The default lecture's demos on the quick profile, and every figure they can draw (once)."""
    if not _REAL_RESULTS:
        values, figures = {}, {}
        for job in plan_jobs(load_lecture(DEFAULT_LECTURE).lecture, "quick"):
            result, _ = run_job(job, "cpu", SilentProgress())
            values[job.name] = result.values
            for figure in job.kind.figure_names:
                figures[f"{job.name}.{figure}"] = draw_figure(job.kind, figure, job.name, result)
        _REAL_RESULTS.update(values=values, figures=figures)
    return _REAL_RESULTS


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("LECTUREGEN_FUZZ_EXAMPLES", "1000")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_every_mutation_loads_or_fails_with_located_problems(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("mutant") / "lecture.yaml"
    path.write_bytes(data)
    try:
        loaded = load_lecture(path)
        # A file that loads must also resolve (its text evaluated against real results), or
        # fail with located problems: a demo renamed by the mutation has no results here.
        known = real_results()
        if set(loaded.lecture.demos) <= set(known["values"]):
            resolve_deck(loaded, known["values"], known["figures"])
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.location.file == str(path)
            assert problem.message
