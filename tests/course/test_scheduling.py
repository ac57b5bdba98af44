"""Demos scheduled across a course: collected first, each distinct cache key run once, in parallel worker
processes with --jobs N (each with its share of the cores), results in the one cache; a failing demo fails only
the lectures that use it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.demos.registry import unregister
from generator.demos.scheduler import GpuSlots, ProcessPool, threads_per_worker, usable_cores
from tests.course.conftest import COURSE, ONE, TWO, write_course

# A kind that says where and how it ran: its process, its torch threads, and whether it met the other probe
# ($PROBE_MEETING: each leaves its mark in that folder and waits up to a minute for another's), which it
# can only do if the two run at the same time, however long a loaded machine takes to start each worker.
PROBE_FILE = '''\
import os
import time
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from generator.demos.registry import DemoKind, DemoResult, Figure, RunContext, register
from generator.demos.results import Integer, Number, Result
from generator.figures.style import new_axes


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sleep_s: float = Field(1.0, description="How long to take.")
    wait_s: float = Field(60.0, description="How long to wait for the other probe.")


def run(params, ctx):
    import torch

    met = 0
    meeting = os.environ.get("PROBE_MEETING")
    if meeting:
        Path(meeting, str(os.getpid())).touch()
        deadline = time.time() + params.wait_s
        while time.time() < deadline and len(os.listdir(meeting)) < 2:
            time.sleep(0.05)
        met = int(len(os.listdir(meeting)) >= 2)
    ctx.progress.start(4, "probing")
    for _ in range(4):
        time.sleep(params.sleep_s / 4)
        ctx.progress.advance()
    return DemoResult(values={"pid": os.getpid(), "threads": torch.get_num_threads(), "met": met},
                      arrays={"x": np.arange(3.0)})


class Display:
    @classmethod
    def from_result(cls, result, words=None):
        return cls()

    def plot(self, ax=None):
        self.figure_, self.ax_ = new_axes(ax)
        self.ax_.plot([0, 1, 2], [0, 1, 2], marker="o")
        return self

    def alt_text(self):
        return "Line chart: a straight line."


KIND = register(DemoKind(
    name="probe",
    summary="Says where it ran.",
    params=Params,
    run=run,
    results={"pid": Result(Integer(), "Process."), "threads": Result(Integer(), "Torch threads."),
             "met": Result(Integer(), "1 if it ran while the other probe did.")},
    figures=(Figure("line", "A line.", display=Display),),
))
'''

PROBE_LECTURE = """\
lecture: {{title: Probe {name}}}
code: [../shared/demos/probe.py]
demos:
  probe: {{kind: probe, seed: {seed}}}
sections:
  - title: Where
    slides:
      - title: Here
        figure: probe.line
        bullets: ['{{{{ results.probe.threads }}}} threads']
"""


@pytest.fixture
def probe_course(tmp_path):
    course = write_course(tmp_path, one=PROBE_LECTURE.format(name="one", seed=1),
                          two=PROBE_LECTURE.format(name="two", seed=2))
    (tmp_path / "shared" / "demos" / "probe.py").write_text(PROBE_FILE)
    yield course
    unregister("probe")


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def values(cache: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(cache.glob("results/*/*/values.json"))]


def test_threads_per_worker_share_the_cores():
    assert threads_per_worker(1, cores=8) == 8
    assert threads_per_worker(2, cores=8) == 4
    assert threads_per_worker(3, cores=8) == 2
    assert threads_per_worker(4, cores=2) == 1


def test_on_gpus_one_demo_runs_on_each_at_a_time_unless_told_otherwise():
    # The allocation ProcessPool.run follows on a CUDA machine (the lent GPU machine runs it for real).
    assert ProcessPool(4).per_gpu == 1 and ProcessPool(4, per_gpu=2).per_gpu == 2
    slots = GpuSlots(2)
    assert [slots.take(), slots.take()] == [0, 1]
    assert slots.free == 0  # a third demo waits for a GPU, though workers are free
    slots.give_back(1)
    assert slots.free == 1 and slots.take() == 1
    with pytest.raises(RuntimeError):
        slots.take()
    # --demos-per-gpu 2: the demos spread over the GPUs before any GPU takes a second one.
    shared = GpuSlots(2, per_gpu=2)
    assert [shared.take() for _ in range(4)] == [0, 1, 0, 1] and shared.free == 0
    shared.give_back(0)
    assert shared.take() == 0


def test_jobs_run_demos_at_once_in_worker_processes_with_their_share_of_the_cores(probe_course, fresh_cache,
                                                                                  monkeypatch):
    out = probe_course.parent / "out"
    meeting = probe_course.parent / "meeting"
    meeting.mkdir()
    monkeypatch.setenv("PROBE_MEETING", str(meeting))  # the workers inherit it
    result = run("build", probe_course, "-o", out, "--format", "html", "--jobs", "2", "--device", "cpu")
    assert result.exit_code == 0, result.output
    first, second = values(fresh_cache)
    assert {first["pid"], second["pid"]}.isdisjoint({os.getpid()})  # not in the build's own process
    assert first["pid"] != second["pid"]
    assert first["threads"] == second["threads"] == threads_per_worker(2, usable_cores())
    assert first["met"] == second["met"] == 1  # they ran at the same time
    lines = result.stderr.splitlines()
    assert "2 demos to run, in 2 worker processes" in lines
    # Progress per demo (sent from the workers) and in total.
    assert "  probe-one/probe: probing (4 steps)" in lines and "  probe-two/probe: probing (4 steps)" in lines
    assert any(line.startswith("  probe-one/probe: 50% (") for line in lines)
    assert sum(line.startswith("[1/2] demo ") for line in lines) == sum(line.startswith("[2/2] demo ") for line in lines) == 1
    assert f"{first['threads']} threads" in (out / "probe-one" / "slides.html").read_text()


def test_jobs_give_the_same_outputs_as_one_demo_after_another(course, tmp_path, monkeypatch):
    outputs = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(tmp_path / f"cache-{jobs}"))
        out = tmp_path / f"out-{jobs}"
        result = run("build", course, "-o", out, "--format", "html,pptx", "--profile", "quick", "--jobs", jobs)
        assert result.exit_code == 0, result.output
        assert "3 demos to run, 1 of them the same as another" in result.stderr  # cold; curves is act's run
        outputs[jobs] = {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*")
                         if path.is_file() and path.name != "manifest.json" and not path.name.startswith(".")}
    assert outputs["1"].keys() == outputs["2"].keys() and len(outputs["1"]) == 11
    assert [name for name in outputs["1"] if outputs["1"][name] != outputs["2"][name]] == []


def test_identical_demos_run_once_and_a_rebuild_takes_them_from_the_cache(course, fresh_cache):
    out = course.parent / "out"
    first = run("build", course, "-o", out, "--format", "html", "--profile", "quick")
    assert first.exit_code == 0, first.output
    assert "3 demos to run, 1 of them the same as another (same cache key): 2 distinct runs, in this process" \
        in first.stderr.splitlines()
    assert len(values(fresh_cache)) == 2
    again = run("build", course, "-o", out, "--format", "html", "--profile", "quick", "--jobs", "2")
    assert again.exit_code == 0, again.output
    assert "demos to run" not in again.stderr
    assert again.stderr.count("from cache (cpu)") == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert all(run["from_cache"] for run in manifest["demos"]["runs"])


def test_a_failing_demo_fails_its_lectures_and_the_others_are_built(tmp_path, fresh_cache):
    unlucky = ONE.replace("counts: [10, 100]", "counts: [13]")
    course = write_course(tmp_path, course=COURSE + "  - three/lecture.yaml\n", one=unlucky)
    (tmp_path / "three").mkdir()
    (tmp_path / "three" / "lecture.yaml").write_text(
        unlucky.replace("title: Activations", "title: Unlucky too"))
    kind = (tmp_path / "shared" / "demos" / "coins.py")
    kind.write_text(kind.read_text().replace(
        "    generator = ctx.rng()\n", "    if 13 in params.counts:\n        raise ValueError('unlucky 13')\n"
                                      "    generator = ctx.rng()\n"))
    try:
        result = run("build", course, "-o", tmp_path / "out", "--format", "html", "--profile", "quick", "--jobs", "2")
    finally:
        unregister("coin_flips")
    assert result.exit_code == 1
    error = "demo 'coins' (coin_flips, params {'counts': [13]}) failed: ValueError: unlucky 13"
    assert result.stderr.splitlines()[-3:] == [
        "error: 2 of 3 lectures failed; the others were built and the site lists them all:",
        f"  activations ({tmp_path / 'one' / 'lecture.yaml'}): ../shared/demos/coins.py:18: {error}",
        f"  unlucky-too ({tmp_path / 'three' / 'lecture.yaml'}): ../shared/demos/coins.py:18: {error}",
    ]
    built = sorted(path.name for path in (tmp_path / "out").iterdir() if not path.name.startswith("."))
    assert built == ["functions", "index.html", "manifest.json"]
    page = (tmp_path / "out" / "index.html").read_text()
    assert page.count('class="card card-failed"') == 2 and "Not built: ../shared/demos/coins.py:18: demo" in page
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [lecture["built"] for lecture in manifest["lectures"]] == [False, True, False]
    # What did run is cached: the next build runs only the failed demo again.
    assert len(values(fresh_cache)) == 1


def test_ray_without_ray_installed_is_a_clear_error(course, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as it does where Ray is not installed
    result = run("build", course, "-o", course.parent / "out", "--executor", "ray")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: --executor ray: Ray is not installed (import of ray halted; None in sys.modules); install it with: "
        "pip install 'lecturegen[ray]' (or pip install ray)")
    assert not (course.parent / "out").exists()


def test_a_worker_without_the_lectures_folder_runs_its_own_demo_kind_from_the_text_the_task_carries(course):
    # A Ray worker on another machine cannot read the lecture's code file: the task carries its text, and the
    # worker runs a copy under the same name, which gives the kind the same code hash, so the same cache key.
    from dataclasses import replace

    from generator.course.loader import load_course
    from generator.demos.execution import plan_jobs
    from generator.demos.scheduler import CodeFile, execute, task_for
    from generator.content.loader import code_files

    lecture = load_course(course).lectures[0]
    job = next(job for job in plan_jobs(lecture.lecture, "default") if job.name == "coins")
    key = job.key("cpu", "")
    task = task_for(job, key, "cpu", "", "coins", code_files(lecture))
    elsewhere = replace(task, code=tuple(CodeFile(f"/nonexistent/{Path(code.path).name}", code.shown, code.source)
                                         for code in task.code))
    here, there = execute(task), execute(elsewhere)
    assert here.error == there.error == ""
    assert there.result.values == here.result.values
    assert there.provenance["params"] == here.provenance["params"]
    # A worker whose code differs computes another key and says so instead of running it.
    changed = replace(task, code=tuple(replace(code, path="/nonexistent/coins.py", source=code.source + b"\n# changed\n")
                                       for code in task.code))
    assert "the worker computes another cache key than the build" in execute(changed).error
