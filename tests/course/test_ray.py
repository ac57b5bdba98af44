"""--executor ray against a real Ray instance on this machine: a two-lecture course builds, with the same cache
keys, results, provenance and outputs as a local build; --ray-address reaches a head started with `ray start`."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

try:
    import ray  # noqa: F401
except ImportError as error:  # CI installs the extra (.ci/run); a plain `pip install -e .[test]` may not
    pytest.skip(f"ray is not importable ({error}); install it with: pip install -e '.[ray]'", allow_module_level=True)

pytestmark = pytest.mark.slow


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output but the manifests, the report's measured wall times masked (the one difference by design)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == "manifest.json" or path.name.startswith("."):
            continue
        data = path.read_bytes()
        if path.name == "report.html":
            data = re.sub(rb'<td class="num">[0-9.]+ s</td>', b'<td class="num">WALL s</td>', data)
        found[path.relative_to(folder).as_posix()] = data
    return found


def cached_results(cache: Path) -> dict[str, dict[str, bytes]]:
    return {entry.name: {path.name: path.read_bytes() for path in entry.iterdir()}
            for entry in sorted(cache.glob("results/*/*")) if (entry / "index.json").is_file()}


def build_twice(course: Path, tmp_path: Path, monkeypatch, *ray_options: str) -> tuple[Path, Path]:
    """The course built locally and with Ray, each with a cold cache of its own: (local, ray) output folders."""
    for name, extra in (("local", ()), ("ray", ("--executor", "ray", *ray_options))):
        monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(tmp_path / f"cache-{name}"))
        result = run("build", course, "-o", tmp_path / name, "--format", "html,report,pptx", "--profile", "quick",
                     "--device", "cpu", *extra)
        assert result.exit_code == 0, result.output
        if name == "ray":
            assert "in Ray tasks" in result.stderr
    return tmp_path / "local", tmp_path / "ray"


def test_a_course_built_on_ray_is_byte_identical_to_a_local_build(course, tmp_path, monkeypatch):
    local, on_ray = build_twice(course, tmp_path, monkeypatch)
    assert not ray.is_initialized()  # the instance the build started is stopped again
    expected = outputs(local)
    assert len(expected) == 13  # two lectures' slides, report, deck and figures, and the site
    got = outputs(on_ray)
    assert got.keys() == expected.keys()
    assert [name for name in expected if got[name] != expected[name]] == []
    # The same cache entries: keys, values and arrays byte for byte, provenance but for the measured time.
    local_cache, ray_cache = cached_results(tmp_path / "cache-local"), cached_results(tmp_path / "cache-ray")
    assert ray_cache.keys() == local_cache.keys() and len(local_cache) == 2
    for key, files in local_cache.items():
        assert ray_cache[key]["values.json"] == files["values.json"]
        assert ray_cache[key]["arrays.npz"] == files["arrays.npz"]
        provenance = [json.loads(entry[key]["provenance.json"]) for entry in (local_cache, ray_cache)]
        for entry in provenance:
            entry.pop("wall_s")
        assert provenance[0] == provenance[1]
    manifest = json.loads((on_ray / "manifest.json").read_text())
    assert manifest["executor"]["name"] == "ray" and manifest["executor"]["startup_s"] > 0
    assert manifest["demos"]["distinct_runs"] == 2 and manifest["demos"]["shared"] == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _processes_using(folder: str) -> list[int]:
    """The processes whose command line names ``folder`` (this head's own temporary folder): its processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if folder.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture
def ray_head(monkeypatch):
    """A Ray head on this machine (`ray start --head --block`), ended with every process it started.

    Token authentication (on by default since Ray 2.5x) is switched off for this private head and its driver.
    """
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    port = _free_port()
    # Ray's sockets live under its temporary folder, and a socket's path may be at most 107 bytes long.
    folder = tempfile.mkdtemp(prefix="lg-ray-", dir="/tmp")
    ray_cli = Path(sys.executable).parent / "ray"
    head = subprocess.Popen(
        [str(ray_cli), "start", "--head", "--block", f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
         "--disable-usage-stats", f"--temp-dir={folder}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        if head.poll() is not None:
            pytest.fail("`ray start --head` exited before it listened")
        time.sleep(0.5)
    try:
        yield address
    finally:
        os.killpg(head.pid, signal.SIGKILL)
        head.wait()
        for pid in _processes_using(folder):  # any that left the head's process group
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(folder, ignore_errors=True)


def test_ray_address_reaches_a_running_head(course, tmp_path, monkeypatch, ray_head):
    monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(tmp_path / "cache"))
    result = run("build", course, "-o", tmp_path / "out", "--format", "html", "--profile", "quick", "--device", "cpu",
                 "--executor", "ray", "--ray-address", ray_head)
    assert result.exit_code == 0, result.output
    assert f"ray: connected to {ray_head} in " in result.stderr
    assert "[2/2] demo " in result.stderr
    assert (tmp_path / "out" / "functions" / "slides.html").is_file()
    assert not ray.is_initialized()  # disconnected; the head is still the fixture's to end


def test_an_unreachable_address_is_a_clear_error(course, tmp_path, monkeypatch):
    monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(tmp_path / "cache"))
    address = f"127.0.0.1:{_free_port()}"
    result = run("build", course, "-o", tmp_path / "out", "--profile", "quick", "--executor", "ray",
                 "--ray-address", address)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        f"error: --executor ray: cannot start or reach the Ray cluster at {address}: nothing answers there (")
    assert not (tmp_path / "out").exists()
