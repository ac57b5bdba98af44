"""`lecturegen preview` with demos that run: a changed parameter reruns exactly that demo, an edited
demo file is picked up, and a demo that raises shows in the page as `build` says it, without ending
the preview. A lecture with a demo kind of its own (`lecturegen init --demo`) keeps this quick.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from generator.preview import STOPPED
from tests.conftest import REPO

pytestmark = pytest.mark.slow

WAIT_S = 120


@pytest.fixture
def own_kind(tmp_path):
    """A lecture whose two demos (one kind, its own code file) run in well under a second each."""
    folder = tmp_path / "lecture"
    subprocess.run([sys.executable, "-m", "generator", "init", str(folder), "--demo", "lr_race"], cwd=REPO,
                   check=True, capture_output=True, timeout=120)
    content = folder / "lr_race.yaml"
    text = content.read_text()
    assert "    kind: lr_race\n" in text
    second = "    kind: lr_race\n  other:\n    kind: lr_race\n    seed: 7\n"
    content.write_text(text.replace("    kind: lr_race\n", second, 1))
    return content


def runs_after(preview, start: int) -> list[str]:
    return [line for line in preview.lines[start:] if ": running on " in line]


def test_a_changed_parameter_reruns_exactly_that_demo(start_preview, own_kind):
    preview = start_preview(own_kind)
    start = len(preview.lines)
    text = own_kind.read_text()
    own_kind.write_text(text.replace("    seed: 7\n", "    seed: 7\n    params: {steps: 12}\n"))
    preview.wait_for_line(r"^updated in ", after=start, timeout=WAIT_S)
    assert [line.split(":")[0] for line in runs_after(preview, start)] == ["demo other (lr_race)"]
    # Text alone reruns nothing.
    start = len(preview.lines)
    own_kind.write_text(own_kind.read_text().replace("title: Learning rates", "title: Step sizes"))
    preview.wait_for_line(r"^updated in ", after=start, timeout=WAIT_S)
    assert runs_after(preview, start) == []


def test_a_code_file_renamed_while_previewing_keeps_its_kinds_without_a_clash(start_preview, own_kind):
    # The kind's old file stays loaded in the preview's process; the renamed one registers the same name.
    preview = start_preview(own_kind)
    start = len(preview.lines)
    old = own_kind.parent / "demos" / "lr_race.py"
    new = old.with_name("step_sizes.py")
    new.write_text(old.read_text())
    text = own_kind.read_text()
    assert "demos/lr_race.py" in text
    own_kind.write_text(text.replace("demos/lr_race.py", "demos/step_sizes.py"))
    old.unlink()
    preview.wait_for_line(r"^updated in ", after=start, timeout=WAIT_S)
    assert not [line for line in preview.lines[start:] if line.startswith("error")], preview.lines[start:]
    assert preview.process.poll() is None


@pytest.mark.browser
def test_a_demo_that_raises_shows_in_the_page_as_build_says_it(
        start_preview, own_kind, browser, tmp_path):  # noqa: F811
    preview = start_preview(own_kind)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(preview.url + "#2")
        page.locator("#slide-2.is-current").wait_for(timeout=WAIT_S * 1000)
        code = own_kind.parent / "demos" / "lr_race.py"
        good = code.read_text()
        code.write_text(good.replace("    start = ctx.rng()", "    raise ValueError('boom')\n    start = ctx.rng()", 1))
        # A cache of its own: sharing the preview's, the build would find the demo the preview is running
        # locked, run the other one first (cache.RunLock), and fail on that one.
        build = subprocess.run([sys.executable, "-m", "generator", "build", str(own_kind),
                                "-o", str(tmp_path / "built"), "--profile", "quick", "--device", "cpu",
                                "--format", "html", "--cache-dir", str(tmp_path / "build-cache")],
                               cwd=REPO, capture_output=True, text=True, timeout=WAIT_S)
        assert build.returncode == 1
        said = [line for line in build.stderr.splitlines() if line.startswith("error: ")]
        assert len(said) == 1 and "ValueError: boom" in said[0] and "lr_race.py:" in said[0]
        problems = page.locator("lecturegen-preview .problems")
        problems.wait_for(state="visible", timeout=WAIT_S * 1000)
        assert problems.locator("pre").inner_text().splitlines() == said
        assert page.locator("#slide-2.is-current").is_visible()  # the last good deck stays
        assert said[0] in preview.lines
        code.write_text(good)
        problems.wait_for(state="hidden", timeout=WAIT_S * 1000)
        assert preview.process.poll() is None
    finally:
        context.close()


STALE_LECTURE = """\
lecture: {title: A stale run, slug: stale}
demos:
  sweep:
    kind: depth_sweep
    params: {activations: [relu], inits: [he], depths: [1, 2], seeds: [0], width: 8, lrs: [0.1], epochs: 1}
sections:
  - title: One section
    slides:
      - title: One slide
        bullets: ['{{ results.sweep.test_acc.relu.he["1"] | pct }}']
"""


def test_a_demo_the_content_no_longer_asks_for_is_stopped(start_preview, tmp_path):
    content = tmp_path / "stale" / "stale.yaml"
    content.parent.mkdir()
    content.write_text(STALE_LECTURE)
    preview = start_preview(content)
    start = len(preview.lines)
    content.write_text(STALE_LECTURE.replace("epochs: 1}", "epochs: 1000}"))  # minutes of training
    preview.wait_for_line(r"^demo sweep \(depth_sweep\): running on ", after=start, timeout=WAIT_S)
    time.sleep(1.0)
    content.write_text(STALE_LECTURE)  # back to the cached parameters while it trains
    preview.wait_for_line(r"stopping demo sweep", after=start, timeout=WAIT_S)
    preview.wait_for_line(r"^demo 'sweep' stopped before it finished; nothing it returned was kept", after=start,
                          timeout=WAIT_S)
    time.sleep(2.0)
    assert not [line for line in preview.lines[start:] if "done in" in line]  # never finished, nothing cached
    assert len(runs_after(preview, start)) == 1
    assert preview.process.poll() is None


def test_ctrl_c_while_a_demo_trains_stops_it_with_one_line(start_preview, tmp_path):
    content = tmp_path / "stale" / "stale.yaml"
    content.parent.mkdir()
    content.write_text(STALE_LECTURE)
    preview = start_preview(content)
    start = len(preview.lines)
    content.write_text(STALE_LECTURE.replace("epochs: 1}", "epochs: 1000}"))
    preview.wait_for_line(r"^demo sweep \(depth_sweep\): running on ", after=start, timeout=WAIT_S)
    before = len(preview.lines)
    assert preview.interrupt() == 0
    assert preview.lines[before:] == [STOPPED]
    assert not any("Traceback" in line for line in preview.lines)
