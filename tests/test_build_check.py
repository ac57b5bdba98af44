"""`lecturegen build --check`: for repositories that commit their built slides. It rebuilds in memory, writes
nothing, and exits 1 naming each file that is stale, missing or extra; 0 when the folder is what the sources make.

This rests on builds being reproducible: a second build writes the same bytes (the first test shows it, demos
trained afresh included, but for the time each demo took, which the report records)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from tests.conftest import MINIMAL
from tests.course.conftest import write_course

QUICK = ["--profile", "quick", "--device", "cpu"]


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: its hash and modification time, to show that nothing was touched."""
    return {path.relative_to(folder).as_posix(): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def lecturegen(*args: str):
    return CliRunner().invoke(main, [*args])


def minimal_copy(folder: Path, text: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "neuron.png").write_bytes((MINIMAL.parent / "neuron.png").read_bytes())
    path = folder / "minimal.yaml"
    path.write_text(text if text is not None else MINIMAL.read_text())
    return path


def test_two_cold_builds_write_the_same_bytes_but_for_the_demos_measured_time(tmp_path, monkeypatch):
    lecture = minimal_copy(tmp_path / "src")
    built = []
    for run in ("a", "b"):
        monkeypatch.setenv("LECTUREGEN_CACHE_DIR", str(tmp_path / f"cache-{run}"))  # each trains afresh
        result = lecturegen("build", str(lecture), "-o", str(tmp_path / run), "--format", "pptx,html,report", *QUICK)
        assert result.exit_code == 0, result.output
        built.append({name: digest for name, (digest, _) in snapshot(tmp_path / run / "minimal").items()})
    differing = sorted(name for name in built[0] if built[0][name] != built[1].get(name))
    assert set(built[0]) == set(built[1]) and "slides.pptx" in built[0]
    assert set(differing) <= {"manifest.json", "report.html"}  # both record how long each demo took
    report_a, report_b = (re.sub(r'<td class="num">[0-9.]+ s</td>', "", (tmp_path / run / "minimal" / "report.html")
                                 .read_text()) for run in ("a", "b"))
    assert report_a == report_b


def test_check_passes_on_a_fresh_build_and_names_what_an_edit_makes_stale_without_writing(tmp_path, fresh_cache):
    source = tmp_path / "src"
    lecture = minimal_copy(source)
    out = tmp_path / "out"
    formats = ["--format", "html,report"]
    assert lecturegen("build", str(lecture), "-o", str(out), *formats, *QUICK).exit_code == 0
    before = snapshot(out)

    checked = lecturegen("build", str(lecture), "-o", str(out), "--check", *formats, *QUICK)
    assert checked.exit_code == 0, checked.output
    assert "up to date" in checked.output

    # A bullet edited, and the figure slide showing another figure: two pages stale, one figure's files extra.
    lecture.write_text(MINIMAL.read_text()
                       .replace("tanh and ReLU can keep a factor of 1", "tanh and ReLU can keep a factor of one")
                       .replace("figure: act.chain_bound", "figure: act.derivatives"))
    (out / "minimal" / "figures" / "act-derivatives.png").unlink()
    checked = lecturegen("build", str(lecture), "-o", str(out), "--check", *formats, *QUICK)
    assert checked.exit_code == 1, checked.output
    lines = checked.output
    assert f"{out / 'minimal' / 'slides.html'}: stale" in lines
    assert f"{out / 'minimal' / 'report.html'}: stale" in lines
    assert f"{out / 'minimal' / 'figures' / 'act-derivatives.png'}: missing" in lines
    assert f"{out / 'minimal' / 'figures' / 'act-chain_bound.svg'}: extra" in lines
    assert "without --check" in lines and "Traceback" not in lines
    del before["minimal/figures/act-derivatives.png"]
    assert snapshot(out) == before  # nothing written, nothing removed

    assert lecturegen("build", str(lecture), "-o", str(out), *formats, *QUICK).exit_code == 0
    assert lecturegen("build", str(lecture), "-o", str(out), "--check", *formats, *QUICK).exit_code == 0


def test_check_of_a_course_covers_every_lecture_and_the_site(tmp_path, fresh_cache):
    course = write_course(tmp_path / "course")
    out = tmp_path / "site"
    never = lecturegen("build", str(course), "-o", str(out), "--check", "--format", "html", *QUICK)
    assert never.exit_code == 1 and f"{out}/: missing" in never.output and not out.exists()

    assert lecturegen("build", str(course), "-o", str(out), "--format", "html", *QUICK).exit_code == 0
    before = snapshot(out)
    assert lecturegen("build", str(course), "-o", str(out), "--check", "--format", "html", *QUICK).exit_code == 0

    two = course.parent / "two" / "lecture.yaml"
    two.write_text(two.read_text().replace("title: Functions", "title: Activation functions"))
    checked = lecturegen("build", str(course), "-o", str(out), "--check", "--format", "html", *QUICK)
    assert checked.exit_code == 1, checked.output
    assert f"{out / 'index.html'}: stale" in checked.output  # the card's title
    assert f"{out / 'activation-functions'}/: missing" in checked.output  # a new slug: never built
    assert f"{out / 'activations' / 'slides.html'}" not in checked.output  # lecture one is current
    assert snapshot(out) == before
