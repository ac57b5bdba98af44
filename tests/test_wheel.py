"""A non-editable install of the wheel builds the default lecture from any folder."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_install_builds_the_default_lecture(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)],
        check=True,
    )
    (wheel,) = dist.glob("lecturegen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/content_files/deep_learning.yaml" in names
    assert "generator/templates/html/slides.html.j2" in names
    assert "generator/templates/ci/github.yml.j2" in names and "generator/content_files/course/course.yaml" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # The dependencies (torch and the rest) come from this interpreter's site-packages
    # through a .pth file, so the test installs only the wheel itself.
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "outer-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)

    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    where = subprocess.run([python, "-c", "import generator; print(generator.__file__)"],
                           capture_output=True, text=True, cwd=elsewhere, check=True).stdout
    assert where.startswith(str(env_dir)), where
    done = subprocess.run([env_dir / "bin" / "lecturegen", "build", "--profile", "quick"],
                          capture_output=True, text=True, cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    built = elsewhere / "output" / "deep-learning"
    assert (built / "slides.pptx").stat().st_size > 10_000
    assert (built / "slides.html").stat().st_size > 10_000
