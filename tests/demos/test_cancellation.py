"""Stopping a build while a demo trains: the first Ctrl-C (or SIGTERM) asks the demo to stop through
``ctx.should_stop()``, the second stops it at once; either way nothing it returned is kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.demos.registry import RunContext, demo_kinds
from tests.conftest import REPO

KIND_FILE = '''\
import time
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from generator.demos.registry import DemoKind, DemoResult, RunContext, register
from generator.demos.results import Integer, Result


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    listens: bool = True


def run(params: Params, ctx: RunContext) -> DemoResult:
    Path("{marker}").write_text("training")
    epochs = 0
    started = time.monotonic()
    while time.monotonic() - started < 120:
        if params.listens and ctx.should_stop():
            Path("{marker}").write_text(f"stopped after {{epochs}} epochs")
            return DemoResult(values={{}}, arrays={{}})  # half a result, unlike the schema: the stop still wins
        time.sleep(0.02)
        epochs += 1
    return DemoResult(values={{"epochs": epochs}}, arrays={{}})


register(DemoKind(name="slow_epochs", summary="Trains until told to stop.", params=Params, run=run,
                  results={{"epochs": Result(Integer(), "Epochs run.")}}, figures=()))
'''

LECTURE = """\
lecture: {{title: Patience, slug: patience}}
code: [slow.py]
demos:
  slow:
    kind: slow_epochs
    params: {{listens: {listens}}}
sections:
  - title: Waiting
    slides:
      - title: How long
        bullets: ['{{{{ results.slow.epochs }}}} epochs']
"""


def _start(tmp_path: Path, listens: bool) -> tuple[subprocess.Popen, Path, Path]:
    marker = tmp_path / "marker.txt"
    (tmp_path / "slow.py").write_text(KIND_FILE.format(marker=marker.as_posix()))
    content = tmp_path / "patience.yaml"
    content.write_text(LECTURE.format(listens=str(listens).lower()))
    out = tmp_path / "out"
    env = {**os.environ, "LECTUREGEN_CACHE_DIR": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(content), "-o", str(out), "--format", "html", "--device", "cpu"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the demo never started"
        time.sleep(0.05)
    return process, marker, out


def _results_cached(tmp_path: Path) -> list[Path]:
    return [path for path in (tmp_path / "cache").rglob("*") if path.is_file() and "result" in path.as_posix()]


@pytest.mark.parametrize("how, code, said", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_the_first_signal_asks_the_demo_to_stop_and_nothing_it_returned_is_kept(tmp_path, how, code, said):
    process, marker, out = _start(tmp_path, listens=True)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == code, stderr
    assert "stopping at the demo's next check" in stderr and said in stderr
    assert "Traceback" not in stderr and "schema" not in stderr
    assert marker.read_text().startswith("stopped after")
    assert not (out / "patience").exists()
    assert not _results_cached(tmp_path)


def test_a_demo_that_does_not_listen_is_stopped_by_the_second_ctrl_c(tmp_path):
    process, marker, out = _start(tmp_path, listens=False)
    process.send_signal(signal.SIGINT)
    time.sleep(1.0)
    assert process.poll() is None, "the first Ctrl-C should only ask"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert marker.read_text() == "training"
    assert not (out / "patience").exists()
    assert not _results_cached(tmp_path)


class _Counting:
    def __init__(self):
        self.total, self.advanced = 0, 0

    def start(self, total: int, label: str) -> None:
        self.total += total

    def advance(self, steps: int = 1) -> None:
        self.advanced += steps

    def note(self, message: str) -> None:
        pass


@pytest.mark.parametrize("name", sorted(name for name, kind in demo_kinds().items() if kind.origin == "built-in"))
def test_every_built_in_kind_that_trains_ends_early_when_asked(name):
    kind = demo_kinds()[name]
    progress = _Counting()
    kind.run(kind.smoke_params(), RunContext(device="cpu", seed=0, progress=progress, should_stop=lambda: True))
    if progress.total > 1:  # it trains in steps it reports: it must stop after the first
        assert progress.advanced < progress.total, (progress.advanced, progress.total)
