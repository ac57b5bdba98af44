"""Hostile or broken content files end quickly, in bounded memory, with a located error.

Each case runs `lecturegen validate` and `lecturegen build` in a child process whose address
space is capped (RLIMIT_AS) and whose run time is bounded, as an unattended CI job would.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

MEMORY_LIMIT = 3 * 1024**3  # bytes of address space; the loader needs far less
TIME_LIMIT_S = 60

VALID = "lecture:\n  title: T\nsections:\n  - title: S\n    slides:\n      - title: A\n        bullets: [a]\n"


def _alias_bomb() -> bytes:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    return ("\n".join(lines) + "\n").encode()


CASES = {
    "alias_bomb": (_alias_bomb(), "refusing to load: the document expands to more than"),
    "python_tag": (b"lecture: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "is not allowed"),
    "huge_string": (b"lecture:\n  title: " + b"x" * 50_000_000 + b"\n", "a content file may be at most 5 MB"),
    "deep_nesting": (b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", "nesting is deeper"),
    "latin1": ("lecture:\n  title: caf\u00e9\n".encode("latin-1"), "not valid UTF-8"),
    "tabs": (b"lecture:\n\ttitle: x\n", "invalid YAML"),
    "duplicate_keys": (VALID.replace("  title: T\n", "  title: T\n  title: U\n").encode(), "duplicate key 'title'"),
    "empty": (b"", "the file is empty"),
    "binary": (bytes(range(256)) * 10, "binary file"),
    "bom_and_garbage": (b"\xef\xbb\xbf" + b"lecture: [\n", "invalid YAML"),
}


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=TIME_LIMIT_S, preexec_fn=_limited)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_ends_quickly_with_a_located_error(case, tmp_path):
    data, expected = CASES[case]
    (tmp_path / "hostile.yaml").write_bytes(data)
    for command in (["validate", "hostile.yaml"], ["build", "hostile.yaml", "-o", "out"]):
        done = _run(*command, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        first = done.stderr.splitlines()[0]
        assert first.startswith("hostile.yaml"), first
        assert expected in done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    assert not Path("/tmp/pwned").exists()


@pytest.mark.slow
@pytest.mark.parametrize("target", ["missing.yaml", "."])
def test_missing_file_and_directory(target, tmp_path):
    done = _run("build", target, "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"{target}: ")
