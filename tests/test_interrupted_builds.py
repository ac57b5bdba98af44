"""Kill builds at random moments: outputs stay whole, the next build is right.

Two versions of a lecture (A and B, differing in one slide's text) are built in
turn into the same folder; each build is interrupted (SIGINT or SIGKILL) after
a random delay that lands in any stage, from imports through training to the
final writes. After every kill, each output file must be byte for byte the
complete A or the complete B version, never a mix or a truncation.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, REPO

KILLS = 12


def _build(content: Path, out: Path, env: dict, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(content), "-o", str(out), "--profile", "quick", "-q", *extra],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_killed_builds_leave_whole_files_and_the_next_build_is_right(tmp_path):
    env = {**os.environ, "LECTUREGEN_CACHE_DIR": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    versions = {"A": tmp_path / "A" / "minimal.yaml", "B": tmp_path / "B" / "minimal.yaml"}
    text = MINIMAL.read_text()
    for name, path in versions.items():
        path.parent.mkdir()
        path.write_text(text.replace("A minimal lecture", f"A minimal lecture, version {name}"))
        (path.parent / "neuron.png").write_bytes((MINIMAL.parent / "neuron.png").read_bytes())
    # The complete outputs of each version, for comparison (builds are byte-reproducible).
    expected = {}
    for name, path in versions.items():
        reference = tmp_path / f"reference-{name}"
        assert _build(path, reference, env).wait(timeout=120) == 0
        expected[name] = {k: v for k, v in _snapshot(reference / "minimal").items()
                          if k not in ("manifest.json", "report.html")}

    out = tmp_path / "out"
    assert _build(versions["A"], out, env).wait(timeout=120) == 0
    chooser = random.Random(20261127)
    for attempt in range(KILLS):
        version = "B" if attempt % 2 == 0 else "A"
        # --force: every build trains again, so kills also land mid-training and mid-cache-write.
        process = _build(versions[version], out, env, "--force")
        time.sleep(chooser.uniform(0.5, 6.0))
        how = signal.SIGINT if attempt % 3 else signal.SIGKILL
        process.send_signal(how)
        _, stderr = process.communicate(timeout=60)
        if how == signal.SIGINT:
            # Wherever it lands (imports, training, writing, exiting): one line, exit 130, no traceback;
            # or the build had finished before the signal came.
            assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
            assert process.returncode in (0, 130), (process.returncode, stderr)
            if process.returncode == 130:
                assert stderr.endswith("interrupted; the output folder holds the previous build, whole\n"), stderr
        for relative, data in _snapshot(out / "minimal").items():
            if relative == "manifest.json":
                json.loads(data)  # whole, never truncated
            elif relative == "report.html":
                # Its provenance appendix states measured wall times, so compare its wholeness.
                assert data.endswith(b"</html>\n"), attempt
                assert b"version A" in data or b"version B" in data
            elif relative.endswith(".tmp"):
                continue  # a killed write's leftover; the next build removes it
            else:
                assert data in (expected["A"].get(relative), expected["B"].get(relative)), (attempt, relative)

    # No cache entry was left half-written: every index vouches for its files.
    from generator.cache import Cache

    cache = Cache(tmp_path / "cache")
    for index in (tmp_path / "cache").glob("*/*/*/index.json"):
        area, key = index.parent.parent.parent.name, index.parent.name
        assert cache._read(area, key) is not None, index

    assert _build(versions["B"], out, env).wait(timeout=120) == 0
    final = _snapshot(out / "minimal")
    assert not [name for name in final if name.endswith(".tmp")]
    assert {k: v for k, v in final.items() if k not in ("manifest.json", "report.html")} == expected["B"]
    assert b"version B" in final["report.html"]
