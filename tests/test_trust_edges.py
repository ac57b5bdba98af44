"""Where a lecture's trust ends: code it brings is named, and nothing from outside reaches the outputs.

- `validate` says when a lecture brings templates, which run as code;
- a hard link in a templates folder is refused, as a symbolic link out is;
- a PowerPoint template with macros or externally linked parts is refused (links to web pages stay);
- a cached figure whose SVG holds a script is drawn again, never copied out;
- a build stopped by SIGTERM while Chromium prints leaves no browser and no temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import FIXTURES, MINIMAL, REPO

LECTURE = """\
lecture: {{title: Trust}}
theme:
  {theme}
sections:
  - title: S
    slides:
      - title: T
        bullets: [a]
"""


def lecture(folder: Path, theme: str) -> Path:
    path = folder / "lecture.yaml"
    path.write_text(LECTURE.format(theme=theme))
    return path


def validate(path: Path):
    return CliRunner().invoke(main, ["validate", str(path)])


def test_validate_says_the_lecture_brings_code(tmp_path):
    (tmp_path / "mine").mkdir()
    result = validate(lecture(tmp_path, "templates: mine"))
    assert result.exit_code == 0, result.output
    assert (f"note: this lecture brings code, trusted as such: theme.templates ({tmp_path / 'mine'}): Jinja "
            "templates, which run with the build's rights") in result.output
    plain = validate(lecture(tmp_path, "accent: '#0072B2'"))
    assert "brings code" not in plain.output


def test_a_hard_link_in_the_templates_folder_is_refused(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    outside.write_text("not for the deck")
    (tmp_path / "mine").mkdir()
    os.link(outside, tmp_path / "mine" / "base.html.j2")
    result = validate(lecture(tmp_path, "templates: mine"))
    assert result.exit_code == 2
    assert ("theme.templates: templates folder 'mine' holds 'base.html.j2', a hard link: the same file as one that "
            "may lie anywhere on the disk; copy the file in instead") in result.stderr


def _template(tmp_path: Path, name: str, extra: dict[str, bytes], rels_change=None) -> Path:
    target = tmp_path / name
    with zipfile.ZipFile(FIXTURES / "templates" / "libreoffice.pptx") as old, zipfile.ZipFile(target, "w") as new:
        for entry in old.infolist():
            data = old.read(entry.filename)
            if rels_change and entry.filename == "ppt/slideLayouts/_rels/slideLayout1.xml.rels":
                data = rels_change(data)
            new.writestr(entry, data)
        for part, data in extra.items():
            new.writestr(part, data)
    return target


def _with_relationship(kind: str, target: str):
    relationship = (f'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    f'{kind}" Target="{target}" TargetMode="External"/>').encode()
    return lambda data: data.replace(b"</Relationships>", relationship + b"</Relationships>")


@pytest.mark.parametrize(
    ("name", "extra", "change", "message"),
    [
        ("macros.pptx", {"ppt/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, None,
         "it carries macros (vbaProject.bin), which would go into every deck"),
        ("linked.pptx", {}, _with_relationship("image", "http://tracker.example/pixel.png"),
         "its part ppt/slideLayouts/_rels/slideLayout1.xml.rels links a image from outside the file "
         "(http://tracker.example/pixel.png), which every deck would fetch when opened; embed it instead"),
    ],
    ids=["macros", "linked-picture"],
)
def test_a_template_that_reaches_outside_the_deck_is_refused(tmp_path, name, extra, change, message):
    _template(tmp_path, name, extra, change)
    result = validate(lecture(tmp_path, f"pptx_template: {name}"))
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_template_with_a_link_to_a_web_page_is_fine(tmp_path):
    _template(tmp_path, "web.pptx", {}, _with_relationship("hyperlink", "https://university.example/"))
    result = validate(lecture(tmp_path, "pptx_template: web.pptx"))
    assert result.exit_code == 0, result.output


def test_a_cached_figure_with_a_script_is_drawn_again(tmp_path, fresh_cache):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(MINIMAL), "-o", str(out), "--format", "html"]).exit_code == 0
    for index in fresh_cache.glob("figures/*/*/index.json"):
        entry = json.loads(index.read_text())
        svg = index.parent / "figure.svg"
        poisoned = svg.read_bytes().replace(b"</svg>", b"<script>alert(1)</script></svg>")
        svg.write_bytes(poisoned)
        entry["files"]["figure.svg"] = hashlib.sha256(poisoned).hexdigest()
        index.write_text(json.dumps(entry, sort_keys=True))
    result = CliRunner().invoke(main, ["build", str(MINIMAL), "-o", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    for figure in (out / "minimal" / "figures").glob("*.svg"):
        assert b"<script" not in figure.read_bytes()
    assert b"alert(1)" not in (out / "minimal" / "slides.html").read_bytes()


def _chromium_printing() -> list[int]:
    found = subprocess.run(["pgrep", "-f", "lecturegen-pdf-"], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


@pytest.mark.slow
def test_sigterm_while_printing_leaves_no_browser_and_no_temporary_folder(tmp_path):
    assert Path("/usr/bin/chromium").exists(), "Chromium is needed: apt-get install chromium"
    # Short: Chromium puts its sockets here, and a socket's path may not be longer than 107 bytes.
    temporary = Path(tempfile.mkdtemp(prefix="lg-", dir="/tmp"))
    environment = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temporary)}
    arguments = [sys.executable, "-m", "generator", "build", str(MINIMAL), "-o", str(tmp_path / "out"), "--format",
                 "pdf", "--device", "cpu"]
    assert subprocess.run(arguments, env=environment, capture_output=True, timeout=300).returncode == 0  # warm
    build = subprocess.Popen(arguments, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not _chromium_printing() and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.01)
    assert _chromium_printing(), "Chromium never started printing"
    build.send_signal(signal.SIGTERM)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 128 + signal.SIGTERM
    assert "terminated; the output folder holds the previous build, whole" in stderr
    assert "Traceback" not in stderr
    time.sleep(0.2)
    assert _chromium_printing() == []
    assert not list(temporary.glob("lecturegen-pdf-*"))
    # Only lecturegen's own folders are its to clean up; torch may keep a cache of its own in TMPDIR.
    shutil.rmtree(temporary)
