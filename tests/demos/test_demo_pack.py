"""A department's demo pack: a package with a `lecturegen.demos` entry point, built into a wheel, installed with
pip into a fresh virtual environment, and used by a lecture; uninstalled, the kind is a located error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.demos.test_user_code import KIND_FILE

pytestmark = pytest.mark.slow

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "coin-pack"
version = "0.3.0"

[project.entry-points."lecturegen.demos"]
coins = "coin_pack"

[tool.hatch.build.targets.wheel]
packages = ["coin_pack"]
"""

LECTURE = """\
lecture: {title: Coins from a pack, slug: pack}
demos:
  coins:
    kind: coin_flips
    params: {counts: [10, 100]}
sections:
  - title: Chance
    slides:
      - title: Heads
        figure: coins.heads
        bullets: ['After 100 flips: {{ results.coins.heads["100"] | pct }} heads']
"""


def run(command: list, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"})


def test_an_installed_demo_pack_provides_its_kind_and_uninstalling_it_is_a_located_error(tmp_path):
    package = tmp_path / "coin-pack"
    (package / "coin_pack").mkdir(parents=True)
    (package / "pyproject.toml").write_text(PYPROJECT)
    (package / "coin_pack" / "__init__.py").write_text(KIND_FILE)
    wheels = tmp_path / "wheels"
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", wheels, package],
                tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("coin_pack-0.3.0-*.whl")

    # A fresh environment that sees lecturegen and its libraries through a .pth file, and gets the pack from pip.
    environment = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", environment], tmp_path).returncode == 0
    python = environment / "bin" / "python"
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path).stdout.strip()
    Path(site, "lecturegen-project.pth").write_text(f"{REPO}\n{sysconfig.get_paths()['purelib']}\n")
    installed = run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], tmp_path)
    assert installed.returncode == 0, installed.stderr

    (tmp_path / "lecture.yaml").write_text(LECTURE)
    built = run([python, "-m", "generator", "build", "lecture.yaml", "-o", "out", "--format", "html", "--device", "cpu",
                 "--cache-dir", tmp_path / "cache"], tmp_path)
    assert built.returncode == 0, built.stderr
    assert "After 100 flips:" in (tmp_path / "out" / "pack" / "slides.html").read_text()
    listed = json.loads(run([python, "-m", "generator", "demos", "--json"], tmp_path).stdout)
    assert listed["coin_flips"]["origin"] == "package coin-pack 0.3.0"

    assert run([python, "-m", "pip", "uninstall", "-y", "coin-pack"], tmp_path).returncode == 0
    checked = run([python, "-m", "generator", "validate", "lecture.yaml"], tmp_path)
    assert checked.returncode == 2
    assert ("lecture.yaml:4:11: demos.coins.kind: unknown demo kind 'coin_flips'" in checked.stderr
            and "from an installed package: is it installed?" in checked.stderr)
