"""Real faults injected into the commit of a build: the lecture's folder is always one whole build.

A build's outputs are committed by generator/writer.py. Here that commit runs in a process of its
own under strace, which fails (ENOSPC, EIO) or kills (SIGKILL) the Nth call of each syscall the
commit makes, for every N it makes. After each run, and the recovery the next build does first,
the folder must be byte for byte the previous build or the new one, and its manifest must vouch
for every output in it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.writer import MANIFEST, recover
from tests.conftest import REPO

pytestmark = pytest.mark.slow

SYSCALLS = ("write", "fsync", "mkdir", "link", "unlinkat", "renameat2", "rename")
DRIVER = """
import pickle, sys
from pathlib import Path
from generator.errors import BuildError
from generator.render.formats import produced_by
from generator.writer import write_outputs
lecture_dir, files, manifest, formats = pickle.load(open(sys.argv[1], "rb"))
try:
    notes = write_outputs(Path(lecture_dir), files, manifest, produced_by(formats))
except BuildError as error:
    print(error.message, file=sys.stderr)
    sys.exit(1)
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def manifest_vouches(folder: Path) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    for entry in manifest["outputs"]:
        assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry["path"]


@pytest.fixture(scope="module")
def strace():
    found = shutil.which("strace")
    assert found, "strace is needed for fault injection: apt-get install strace"
    return found


@pytest.fixture(scope="module")
def commit(tmp_path_factory):
    """A previous build (A) in a folder, and the commit of the next build (B) as a pickled call."""
    root = tmp_path_factory.mktemp("faults")
    previous = root / "previous" / "lecture"
    files_a = {"slides.html": b"<html>A</html>\n", "report.html": b"<html>report A</html>\n",
               "slides.pptx": b"PK pptx A", "figures/one.png": b"png one A", "figures/gone.svg": b"<svg/>"}
    entries = [{"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
               for path, data in sorted(files_a.items())]
    for path, data in files_a.items():
        (previous / path).parent.mkdir(parents=True, exist_ok=True)
        (previous / path).write_bytes(data)
    (previous / MANIFEST).write_text(json.dumps({"profile": "A", "outputs": entries}, indent=2, sort_keys=True) + "\n")
    (previous / "my-notes.txt").write_text("the user's own file\n")
    # B makes html and report again (slides.pptx stays, figures/gone.svg is stale), and a new figure.
    files_b = {"slides.html": b"<html>B</html>\n", "report.html": b"<html>report B</html>\n",
               "figures/one.png": b"png one B", "figures/two.png": b"png two B"}
    call = root / "call.pkl"
    driver = root / "driver.py"
    driver.write_text(DRIVER)
    return previous, files_b, call, driver


def run_commit(commit, workdir: Path, strace_args: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Commit B over a fresh copy of A in ``workdir``, under ``strace strace_args`` when given."""
    previous, files_b, call, driver = commit
    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(previous, workdir / "lecture")
    call.write_bytes(pickle.dumps((str(workdir / "lecture"), files_b, {"profile": "B"}, ["html", "report"])))
    command = [sys.executable, "-B", str(driver), str(call)]
    if strace_args:
        command = [shutil.which("strace"), "-f", *strace_args, *command]
    environment = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment)


def injected(commit, workdir: Path, *specs: str) -> subprocess.CompletedProcess:
    return run_commit(commit, workdir, ("-o", os.devnull, *(f"-einject={spec}" for spec in specs)))


def calls_made(commit, workdir: Path) -> dict[str, int]:
    """How many times the commit's process calls each syscall (Python's start-up calls none of them)."""
    summary = workdir.parent / f"{workdir.name}.summary"
    run_commit(commit, workdir, ("-c", "-o", str(summary), "-e", "trace=" + ",".join(SYSCALLS)))
    counts = {}
    for line in summary.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[-1] in SYSCALLS:
            counts[fields[-1]] = int(fields[3])
    return counts


@pytest.fixture(scope="module")
def expected(commit, tmp_path_factory):
    previous, *_ = commit
    workdir = tmp_path_factory.mktemp("clean") / "run"
    result = run_commit(commit, workdir)
    assert result.returncode == 0, result.stderr
    new = snapshot(workdir / "lecture")
    manifest_vouches(workdir / "lecture")
    return snapshot(previous), new


def test_an_uninterrupted_commit_keeps_other_formats_and_the_users_files_and_drops_stale_ones(expected):
    old, new = expected
    assert new["slides.html"] == b"<html>B</html>\n" and new["figures/two.png"] == b"png two B"
    assert new["slides.pptx"] == old["slides.pptx"]  # pptx was not built this time: it stays
    assert new["my-notes.txt"] == old["my-notes.txt"]
    assert "figures/gone.svg" not in new  # a figure this build no longer draws


@pytest.mark.parametrize("how", ["error=ENOSPC", "error=EIO", "signal=SIGKILL"])
def test_a_fault_at_any_call_of_the_commit_leaves_one_whole_build(commit, expected, strace, tmp_path, how):
    old, new = expected
    counts = calls_made(commit, tmp_path / "count")
    assert counts.get("write", 0) >= len(new) - 2 and counts.get("renameat2", 0) == 1, counts
    outcomes = {"old": 0, "new": 0}
    for syscall, total in sorted(counts.items()):
        for number in range(1, total + 1):
            workdir = tmp_path / f"{syscall}-{number}"
            result = injected(commit, workdir, f"{syscall}:{how}:when={number}")
            folder = workdir / "lecture"
            recover(folder)  # what the next build does first, under its lock
            state = snapshot(folder)
            assert state in (old, new), (syscall, number, how, result.stderr[-500:])
            manifest_vouches(folder)
            assert not [path.name for path in workdir.glob(".lecture.*") if path.name != ".lecture.lock"], (syscall, number)
            outcomes["old" if state == old else "new"] += 1
            if how.startswith("error") and result.returncode != 0:
                assert re.search(r"cannot write .*; the previous build in .*lecture is intact", result.stderr), result.stderr
    assert outcomes["old"] and outcomes["new"]


def test_where_folders_cannot_be_exchanged_a_kill_between_the_renames_is_rolled_back(commit, expected, strace, tmp_path):
    old, new = expected
    no_exchange = "renameat2:error=EINVAL"
    for number in (1, 2):
        workdir = tmp_path / f"rename-{number}"
        injected(commit, workdir, no_exchange, f"rename:signal=SIGKILL:when={number}")
        folder = workdir / "lecture"
        recover(folder)
        assert snapshot(folder) in (old, new), number
        manifest_vouches(folder)
    workdir = tmp_path / "fallback"
    result = injected(commit, workdir, no_exchange)
    assert result.returncode == 0, result.stderr
    assert snapshot(workdir / "lecture") == new
