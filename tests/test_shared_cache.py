"""One cache, many builds: real `lecturegen build` processes (and a preview) on one cache folder.

A demo kind of the test's own ("tally", a lecture's code file) writes a line to a log when it starts and when
it ends, and waits for a gate file in between, so a test decides when a run ends and counts the runs. Two
builds that need the same demo train it once: the second says once that it waits, then reads what the first
stored; when the first is killed, the second runs it itself. With --jobs (and on Ray, where the driver holds
the locks), the demos that are free run while another build's run is awaited. Writers of one key never leave a torn entry, and a read-only cache still
serves what it holds, says once that it cannot store, and takes no lock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO

WAIT_S = 120
WAITING = "waiting for another build's run of it"

TALLY = '''\
"""Says which process ran it, in a log (TALLY_LOG); waits for the file TALLY_GATE, when set, before it ends."""

import os
import time

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from generator.demos.registry import DemoKind, DemoResult, register
from generator.demos.results import Integer, Result


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    tag: str = Field("a", description="Tells runs (and their cache keys) apart.")


def note(line):
    with open(os.environ["TALLY_LOG"], "a") as log:
        log.write(line + "\\n")


def run(params, ctx):
    note(f"start {params.tag} {os.getpid()}")
    gate = os.environ.get("TALLY_GATE")
    deadline = time.monotonic() + 120
    while gate and not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.05)
    note(f"end {params.tag} {os.getpid()}")
    return DemoResult(values={"pid": os.getpid()}, arrays={"x": np.arange(2.0)})


KIND = register(DemoKind(name="tally", summary="Says which process ran it.", params=Params, run=run,
                         results={"pid": Result(Integer(), "The process that ran it.")}, figures=()))
'''


def lecture(folder: Path, *tags: str) -> Path:
    """A lecture whose demos are tally runs with these tags; each slide says which process ran its demo."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tally.py").write_text(TALLY)
    demos = "".join(f"  run_{tag}: {{kind: tally, params: {{tag: {tag}}}}}\n" for tag in tags)
    slides = "".join(f"      - title: Run {tag}\n        bullets: ['{tag} ran in {{{{ results.run_{tag}.pid }}}}']\n"
                     for tag in tags)
    path = folder / "tally.yaml"
    path.write_text(f"lecture: {{title: Tally, slug: tally}}\ncode: [tally.py]\ndemos:\n{demos}"
                    f"sections:\n  - title: Runs\n    slides:\n{slides}")
    return path


class Shared:
    """A cache folder, a run log and a gate, shared by the builds a test starts."""

    def __init__(self, root: Path, cache: Path | None = None):
        self.root = root
        self.cache = cache or root / "cache"
        self.log = root / "runs.log"
        self.gate = root / "gate"
        self.env = {**os.environ, "LECTUREGEN_CACHE_DIR": str(self.cache), "TALLY_LOG": str(self.log),
                    "TALLY_GATE": str(self.gate), "PYTHONUNBUFFERED": "1"}
        self.env.pop("SOURCE_DATE_EPOCH", None)
        self.processes: list[subprocess.Popen] = []

    def start(self, command: str, content: Path, out: Path, *extra: str) -> Build:
        said = self.root / f"{out.name}.stderr"
        with open(said, "w") as stderr:
            process = subprocess.Popen([sys.executable, "-m", "generator", command, str(content), "-o", str(out),
                                        "--device", "cpu", *extra], cwd=REPO, env=self.env,
                                       stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        self.processes.append(process)
        return Build(process, said, out)

    def build(self, content: Path, out: Path, *extra: str) -> Build:
        return self.start("build", content, out, "--format", "html", *extra)

    def runs(self) -> list[tuple[str, str, int]]:
        """(start or end, tag, process) per line of the log."""
        if not self.log.exists():
            return []
        lines = self.log.read_text().splitlines()
        return [(what, tag, int(pid)) for what, tag, pid in (line.split() for line in lines)]

    def wait_for_runs(self, wanted) -> None:
        wait_until(lambda: wanted(self.runs()), f"runs: {self.runs()}")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class Build:
    def __init__(self, process: subprocess.Popen, said: Path, out: Path):
        self.process, self.said, self.out = process, said, out

    def stderr(self) -> str:
        return self.said.read_text()

    def wait_to_say(self, text: str) -> None:
        wait_until(lambda: text in self.stderr() or self.process.poll() is not None, f"{text!r} said")
        assert text in self.stderr(), self.stderr()

    def finish(self) -> str:
        assert self.process.wait(timeout=WAIT_S) == 0, self.stderr()
        return self.stderr()

    def shown(self, tag: str) -> int:
        """The process the built slides say ran demo ``tag``."""
        page = (self.out / "tally" / "slides.html").read_text()
        return int(page.split(f"{tag} ran in ", 1)[1].split("<", 1)[0].replace(",", ""))

    def from_cache(self) -> dict[str, bool]:
        manifest = json.loads((self.out / "tally" / "manifest.json").read_text())
        return {demo["name"]: demo["from_cache"] for demo in manifest["demos"]}


def wait_until(condition, what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def shared(tmp_path):
    shared = Shared(tmp_path)
    yield shared
    shared.stop_all()


def started(tag: str, count: int = 1):
    return lambda runs: sum(what == "start" and run_tag == tag for what, run_tag, _ in runs) >= count


def test_two_builds_train_a_demo_once_and_the_second_reads_what_the_first_stored(shared, tmp_path):
    content = lecture(tmp_path / "lecture", "a")
    first = shared.build(content, tmp_path / "out1")
    shared.wait_for_runs(started("a"))
    second = shared.build(content, tmp_path / "out2")
    second.wait_to_say(WAITING)
    assert first.process.poll() is None and second.process.poll() is None
    shared.gate.touch()
    first.finish()
    said = second.finish()
    (_, _, runner), = [run for run in shared.runs() if run[0] == "start"]
    assert shared.runs() == [("start", "a", runner), ("end", "a", runner)]  # trained once
    assert first.shown("a") == second.shown("a") == runner  # the second build shows the first one's result
    assert said.count(WAITING) == 1
    assert "demo run_a (tally): from cache (another build ran it)" in said
    assert "running on" not in said
    assert first.from_cache() == {"run_a": False} and second.from_cache() == {"run_a": True}
    assert list((shared.cache / "locks").iterdir()) == []  # each lock's file goes with it


def test_when_the_build_that_trains_is_killed_the_waiting_one_trains_it_itself(shared, tmp_path):
    content = lecture(tmp_path / "lecture", "a")
    first = shared.build(content, tmp_path / "out1")
    shared.wait_for_runs(started("a"))
    second = shared.build(content, tmp_path / "out2")
    second.wait_to_say(WAITING)
    os.killpg(first.process.pid, signal.SIGKILL)  # mid-training: the system lets go of its lock
    first.process.wait()
    shared.wait_for_runs(started("a", 2))
    shared.gate.touch()
    said = second.finish()
    (_, _, killed), (_, _, runner) = [run for run in shared.runs() if run[0] == "start"]
    assert killed != runner
    assert shared.runs() == [("start", "a", killed), ("start", "a", runner), ("end", "a", runner)]
    assert second.shown("a") == runner and second.from_cache() == {"run_a": False}
    assert said.count(WAITING) == 1 and "demo run_a (tally): running on cpu" in said
    assert list((shared.cache / "locks").iterdir()) == []


@pytest.mark.slow
def test_with_jobs_a_build_runs_its_free_demos_while_it_waits_for_another_builds(shared, tmp_path):
    first = shared.build(lecture(tmp_path / "first", "a", "b"), tmp_path / "out1", "--jobs", "2")
    shared.wait_for_runs(lambda runs: started("a")(runs) and started("b")(runs))
    second = shared.build(lecture(tmp_path / "second", "b", "c"), tmp_path / "out2", "--jobs", "2")
    # c runs while b, which the first build trains, is awaited: no build waits while it holds a lock.
    shared.wait_for_runs(started("c"))
    second.wait_to_say(f"demo run_b (tally): {WAITING}")
    shared.gate.touch()
    first.finish()
    said = second.finish()
    starts = sorted(tag for what, tag, _ in shared.runs() if what == "start")
    assert starts == ["a", "b", "c"]  # each trained once
    assert second.shown("b") == first.shown("b")
    assert second.from_cache() == {"run_b": True, "run_c": False}
    assert said.count(WAITING) == 1
    assert "[2/2] demo run_b: from cache (another build ran it)" in said.splitlines()  # counted, not run


@pytest.mark.slow
def test_the_preview_waits_for_a_builds_run_and_shows_its_result(shared, tmp_path):
    content = lecture(tmp_path / "lecture", "a")
    build = shared.build(content, tmp_path / "out1")
    shared.wait_for_runs(started("a"))
    preview = shared.start("preview", content, tmp_path / "preview", "--port", "0")
    preview.wait_to_say(WAITING)
    shared.gate.touch()
    build.finish()
    preview.wait_to_say("updated in ")
    said = preview.stderr()
    assert "demo run_a (tally): from cache (another build ran it)" in said and "running on" not in said
    assert [what for what, _, _ in shared.runs()] == ["start", "end"]
    preview.process.send_signal(signal.SIGINT)
    preview.process.wait(timeout=WAIT_S)


def key_of(content: Path, demo: str, cache: Path) -> str:
    """The cache key a CPU build gives ``demo`` of ``content``."""
    from generator.content.loader import load_lecture
    from generator.demos.data import default_data_dir
    from generator.demos.execution import plan_jobs

    jobs = {job.name: job for job in plan_jobs(load_lecture(content, "default").lecture, "default")}
    return jobs[demo].key("cpu", default_data_dir(cache))


@pytest.mark.slow
def test_on_ray_the_driver_holds_the_locks_and_runs_a_demo_whose_holder_stored_nothing(shared, tmp_path):
    pytest.importorskip("ray")
    from generator.cache import Cache
    from generator.demos.registry import unregister

    shared.gate.touch()
    content = lecture(tmp_path / "lecture", "a", "b")
    try:
        held = Cache(shared.cache).run_lock(key_of(content, "run_b", shared.cache))
    finally:
        unregister("tally")  # registered here by loading the lecture's code file
    assert held.try_acquire()  # as a build that will fail holds it
    try:
        build = shared.build(content, tmp_path / "out", "--executor", "ray")
        build.wait_to_say(f"demo run_b (tally): {WAITING}")
        shared.wait_for_runs(lambda runs: ("end", "a") in [(what, tag) for what, tag, _ in runs])
    finally:
        held.release()  # without a result: the build runs it on Ray itself
    build.finish()
    assert sorted(tag for what, tag, _ in shared.runs() if what == "start") == ["a", "b"]
    assert build.from_cache() == {"run_a": False, "run_b": False}


CURVES = """\
lecture: {title: Curves, slug: curves}
demos:
  act: {kind: activations, params: {points: POINTS}}
sections:
  - title: Slopes
    slides:
      - title: Largest slope
        bullets: ['{{ results.act.max_derivative.sigmoid | fixed(2) }}']
"""


@pytest.mark.slow
def test_a_preview_waiting_for_a_demo_its_content_no_longer_asks_for_stops_waiting(shared, tmp_path):
    from generator.cache import Cache

    content = tmp_path / "curves.yaml"
    content.write_text(CURVES.replace("POINTS", "101"))
    held = Cache(shared.cache).run_lock(key_of(content, "act", shared.cache))
    assert held.try_acquire()  # as a build training it holds it
    try:
        preview = shared.start("preview", content, tmp_path / "preview", "--port", "0")
        preview.wait_to_say(WAITING)
        content.write_text(CURVES.replace("POINTS", "103"))
        preview.wait_to_say("updated in ")  # the new demo ran while the old one's lock is still held
    finally:
        held.release()
    said = preview.stderr()
    assert "stopped waiting for another build's run of demo 'act'" in said
    assert said.count("demo act (activations): running on cpu") == 1
    preview.process.send_signal(signal.SIGINT)
    preview.process.wait(timeout=WAIT_S)


# -- entries ----------------------------------------------------------------------------------------------

WRITER = """\
import json, sys
from pathlib import Path
from generator.cache import Cache
from generator.demos.registry import DemoResult

root, key, who, rounds, replace = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
cache = Cache(Path(root))
for round in range(rounds):
    # A writer's values and provenance name it and the round: a reader that mixed two writers' files would see it.
    mark = {"who": who, "round": round, "padding": "x" * 20000}
    cache.put_result(key, DemoResult(values=mark, arrays={"x": [float(who)] * 1000}), mark, replace=replace)
"""

READER = """\
import sys, time
from pathlib import Path
from generator.cache import Cache

root, key, stop = sys.argv[1], sys.argv[2], Path(sys.argv[3])
cache = Cache(Path(root))
reads = mixed = vanished = 0
seen = False
while not stop.exists():
    hit = cache.get_result(key)
    if hit is None:
        vanished += seen
        continue
    seen = True
    reads += 1
    values, provenance = hit.result.values, hit.provenance
    if (values["who"], values["round"]) != (provenance["who"], provenance["round"]) or \\
            list(hit.result.arrays["x"]) != [float(values["who"])] * 1000:
        mixed += 1
print(reads, mixed, vanished)
"""


@pytest.mark.parametrize("replace", [False, True], ids=["first-stays", "force-replaces"])
def test_writers_of_one_key_leave_a_whole_entry_and_readers_never_mix_two(tmp_path, replace):
    from generator.cache import Cache

    root, key, stop = tmp_path / "cache", "ab" + "0" * 62, tmp_path / "stop"
    python = [sys.executable, "-c"]
    readers = [subprocess.Popen([*python, READER, str(root), key, str(stop)], cwd=REPO, stdout=subprocess.PIPE,
                                text=True) for _ in range(2)]
    writers = [subprocess.Popen([*python, WRITER, str(root), key, str(who), "40", "1" if replace else "0"], cwd=REPO)
               for who in range(3)]
    try:
        assert [writer.wait(timeout=WAIT_S) for writer in writers] == [0, 0, 0]
    finally:
        stop.touch()
    counts = [tuple(map(int, reader.communicate(timeout=WAIT_S)[0].split())) for reader in readers]
    assert all(reads > 0 for reads, _, _ in counts), counts
    assert [mixed for _, mixed, _ in counts] == [0, 0]
    if not replace:
        # A stored result is kept: another build storing the same key never takes it away, even for a moment.
        assert [vanished for _, _, vanished in counts] == [0, 0]
    hit = Cache(root).get_result(key)
    assert hit is not None and hit.result.values["who"] == hit.provenance["who"]
    if not replace:
        assert hit.result.values["round"] == 0  # the first whole entry stayed
    folder = root / "results" / key[:2]
    assert [path.name for path in folder.iterdir()] == [key]  # no staging or removed entry left behind


# -- a cache that cannot be written -------------------------------------------------------------------------

@contextmanager
def read_only(folder: Path):
    """``folder`` made read-only for this test's builds: a read-only bind mount as root (root writes through
    permissions), its permissions otherwise."""
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, text=True)
        if mounted.returncode != 0:
            pytest.skip(f"as root, a read-only cache needs a read-only mount, and mount failed: {mounted.stderr}")
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
            yield folder
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        folders = [folder, *(path for path in folder.rglob("*") if path.is_dir())]
        for path in folders:
            path.chmod(0o555)
        try:
            yield folder
        finally:
            for path in folders:
                path.chmod(0o755)


@pytest.mark.parametrize("jobs", ["1", pytest.param("2", marks=pytest.mark.slow)])
def test_a_read_only_cache_serves_its_results_and_says_once_that_it_cannot_store(shared, tmp_path, jobs):
    shared.gate.touch()
    assert shared.build(lecture(tmp_path / "before", "a"), tmp_path / "before-out").process.wait(WAIT_S) == 0
    with read_only(shared.cache):
        probe = shared.cache / "probe"
        with pytest.raises(OSError):
            probe.touch()
        build = shared.build(lecture(tmp_path / "lecture", "a", "b", "c"), tmp_path / "out", "--jobs", jobs)
        said = build.finish()
    assert said.count("cannot write the cache in") == 1, said
    assert "this build goes on without caching" in said and "Traceback" not in said
    assert build.from_cache() == {"run_a": True, "run_b": False, "run_c": False}
    assert sorted(tag for what, tag, _ in shared.runs() if what == "start") == ["a", "b", "c"]  # a ran once, before
    assert not (shared.cache / "locks").exists() or list((shared.cache / "locks").iterdir()) == []
