"""What a build does to the folder it writes: other formats stay, hand edits are kept, the user's files are
left alone, builds take turns, and folders that cannot or must not be written are refused before training.

Disk-full and read-only cases use real tmpfs mounts (root only; CI runs as root); the commit under
injected faults is tests/test_commit_faults.py.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import MINIMAL, REPO

AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root (CI runs as root)")


def build(out: Path, *args: str):
    return CliRunner().invoke(main, ["build", str(MINIMAL), "-o", str(out), "--device", "cpu", *args])


def outputs(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_building_one_format_leaves_the_other_formats_outputs(tmp_path):
    assert build(tmp_path, "--format", "pptx,html,report").exit_code == 0
    folder = tmp_path / "minimal"
    before = {name: (folder / name).read_bytes() for name in ("slides.pptx", "report.html")}
    result = build(tmp_path, "--format", "html")
    assert result.exit_code == 0, result.output
    for name, data in before.items():
        assert (folder / name).read_bytes() == data
    listed = {entry["path"] for entry in json.loads((folder / "manifest.json").read_text())["outputs"]}
    assert {"slides.pptx", "report.html", "slides.html"} <= listed  # the manifest still vouches for them
    assert outputs(folder) - {"manifest.json"} == listed


def test_a_hand_edited_output_is_kept_beside_the_new_one_and_the_build_says_so(tmp_path):
    assert build(tmp_path, "--format", "html").exit_code == 0
    page = tmp_path / "minimal" / "slides.html"
    page.write_text(page.read_text().replace("</body>", "<p>my note</p></body>"))
    result = build(tmp_path, "--format", "html")
    assert result.exit_code == 0
    kept = tmp_path / "minimal" / "slides.edited-1.html"
    assert f"warning: {page} was changed since lecturegen wrote it; your version is kept as {kept}" in result.stderr
    assert "my note" in kept.read_text() and "my note" not in page.read_text()
    # Unchanged since: the next build neither warns nor makes another copy.
    again = build(tmp_path, "--format", "html")
    assert "was changed" not in again.stderr and not (tmp_path / "minimal" / "slides.edited-2.html").exists()


def test_the_users_own_files_stay_and_a_linked_figures_folder_is_replaced_not_written_through(tmp_path):
    assert build(tmp_path, "--format", "html").exit_code == 0
    folder = tmp_path / "minimal"
    (folder / "notes.txt").write_text("mine")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for figure in (folder / "figures").iterdir():
        figure.unlink()
    (folder / "figures").rmdir()
    (folder / "figures").symlink_to(elsewhere)
    assert build(tmp_path, "--format", "html").exit_code == 0
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "figures").is_dir() and not (folder / "figures").is_symlink()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("system", ["/etc", "/usr/share", "/proc", "/sys/kernel", "/dev", "/boot"])
def test_system_folders_are_refused(tmp_path, system):
    result = build(Path(system) / "lecturegen-out")
    assert result.exit_code == 2
    assert "refusing to write the lecture into the system folder" in result.stderr
    assert "choose another -o folder" in result.stderr


@contextmanager
def tmpfs(path: Path, options: str):
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


@AS_ROOT
def test_a_disk_too_small_is_refused_before_any_demo_trains(tmp_path, fresh_cache):
    with tmpfs(tmp_path / "small", "size=2m") as small:
        result = build(small / "out")
        assert result.exit_code == 2
        assert f"free in {small}, and a build needs about" in result.stderr
        assert "running on" not in result.output + result.stderr
        assert not fresh_cache.exists()


@AS_ROOT
def test_a_read_only_output_folder_is_refused_before_any_demo_trains(tmp_path, fresh_cache):
    with tmpfs(tmp_path / "readonly", "ro,size=1m") as readonly:
        result = build(readonly)
        assert result.exit_code == 2
        assert f"cannot write into {readonly}" in result.stderr
        assert not fresh_cache.exists()


@AS_ROOT
def test_a_read_only_cache_is_used_without_caching_after_one_warning(tmp_path):
    with tmpfs(tmp_path / "cache", "ro,size=1m") as cache:
        result = build(tmp_path / "out", "--cache-dir", str(cache), "--format", "html")
        assert result.exit_code == 0, result.output
        assert result.stderr.count("cannot write the cache in") == 1
        assert "this build goes on without caching" in result.stderr
        assert (tmp_path / "out" / "minimal" / "slides.html").is_file()


def test_without_home_the_cache_goes_to_a_temporary_folder_with_a_warning(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key not in ("HOME", "LECTUREGEN_CACHE_DIR", "XDG_CACHE_HOME")}
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(MINIMAL), "-o", str(tmp_path), "--format",
                             "html", "--device", "cpu"], cwd=REPO, env=environment, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert "warning: HOME is not set, so results are cached in /tmp/lecturegen-cache-" in result.stderr
    assert not Path("/.cache/lecturegen").exists()


def test_a_second_build_into_the_same_folder_waits_for_the_first(tmp_path):
    assert build(tmp_path, "--format", "html").exit_code == 0
    lock = os.open(tmp_path / ".minimal.lock", os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)  # as a build that is committing holds it
    second = subprocess.Popen([sys.executable, "-m", "generator", "build", str(MINIMAL), "-o", str(tmp_path),
                               "--format", "html,report", "--device", "cpu"], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(second.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any("waiting for it to finish" in line for line in lines) and time.monotonic() < deadline:
            assert second.poll() is None, "".join(lines)
            time.sleep(0.2)
        assert any(f"another build is writing {tmp_path / 'minimal'}" in line for line in lines), "".join(lines)
        time.sleep(1)
        assert second.poll() is None and not (tmp_path / "minimal" / "report.html").exists()
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    assert second.wait(timeout=120) == 0
    reader.join(timeout=10)
    assert (tmp_path / "minimal" / "report.html").is_file()
