"""End-to-end builds through the CLI: outputs, cache behaviour, reproducibility, failures."""

from __future__ import annotations

import dataclasses

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from generator.cli import main
from tests.conftest import FIXTURES, MINIMAL, REPO

TWO_DEMOS = FIXTURES / "good" / "two_demos.yaml"


def build(*args: str):
    return CliRunner().invoke(main, ["build", *args])


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def ran(folder: Path) -> list[str]:
    return sorted(demo["name"] for demo in manifest(folder)["demos"] if not demo["from_cache"])


@pytest.fixture(scope="module")
def minimal_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("minimal")
    result = build(str(MINIMAL), "-o", str(out), "--profile", "quick")
    assert result.exit_code == 0, result.output
    return out / "minimal"


def test_minimal_build_writes_every_output(minimal_build):
    names = {path.relative_to(minimal_build).as_posix() for path in minimal_build.rglob("*") if path.is_file()}
    assert {"slides.pptx", "slides.html", "report.html", "manifest.json"} <= names
    assert {"figures/act-derivatives.png", "figures/act-derivatives.svg"} <= names
    recorded = {entry["path"] for entry in manifest(minimal_build)["outputs"]}
    assert recorded == names - {"manifest.json"}


def test_pptx_has_every_slide_with_title_notes_and_alt_text(minimal_build):
    from generator.content.loader import load_lecture

    lecture = load_lecture(MINIMAL).lecture
    content_slides = [slide for section in lecture.sections for slide in section.slides]
    expected_count = 1 + len(lecture.sections) + len(content_slides) + (1 if lecture.closing else 0)

    deck = Presentation(minimal_build / "slides.pptx")
    assert len(deck.slides) == expected_count
    assert deck.slide_width * 9 == deck.slide_height * 16
    titles = [slide.shapes.title.text_frame.text if slide.shapes.title else "" for slide in deck.slides]
    assert titles[0] == lecture.lecture.title
    for spec in content_slides:
        assert any(spec.title.split("{{")[0].strip() in title for title in titles), spec.title
    for slide, spec in zip([s for s in deck.slides][2:], content_slides):
        if spec.notes:
            assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    figure_and_image_slides = [spec for spec in content_slides if spec.figure or spec.image]
    assert len(pictures) >= len(figure_and_image_slides)
    for picture in pictures:
        assert picture._element.nvPicPr.cNvPr.get("descr"), "every picture needs alt text"


def test_html_holds_every_slide(minimal_build):
    from generator.content.loader import load_lecture

    html = (minimal_build / "slides.html").read_text()
    deck = Presentation(minimal_build / "slides.pptx")
    assert html.count('class="slide') >= len(deck.slides)
    lecture = load_lecture(MINIMAL).lecture
    for section in lecture.sections:
        assert section.title in html
    assert "<script src=" not in html and "<link rel=\"stylesheet\" href" not in html


def test_second_build_runs_no_demo_and_does_not_import_torch(tmp_path, fresh_cache):
    out = tmp_path / "out"
    first = build(str(TWO_DEMOS), "-o", str(out))
    assert first.exit_code == 0, first.output
    assert ran(out / "two-demos") == ["narrow", "wide"]
    # A fresh interpreter proves the cached build never loads torch.
    script = (
        "import sys; from generator.build import build, BuildOptions; from pathlib import Path;"
        f"r = build(BuildOptions(content=Path({str(TWO_DEMOS)!r}), output_dir=Path({str(out)!r})));"
        "print('torch' in sys.modules, r.demos_run)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "False []"


def test_cache_keys_of_every_demo_kind_are_computed_without_importing_torch():
    # A cached build computes every job's key; the training kinds hash helper modules that import torch.
    script = (
        "import sys; from generator.demos.registry import demo_kinds;"
        "keys = [kind.code_hash() for kind in demo_kinds().values()];"
        "print('torch' in sys.modules, len(set(keys)) == len(demo_kinds()) > 0)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "False True"


def test_changing_one_parameter_reruns_exactly_that_demo(tmp_path, fresh_cache):
    out = tmp_path / "out"
    assert build(str(TWO_DEMOS), "-o", str(out)).exit_code == 0
    changed = tmp_path / "changed.yaml"
    changed.write_text(TWO_DEMOS.read_text().replace("params: {points: 101}", "params: {points: 103}"))
    result = build(str(changed), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert ran(out / "two-demos") == ["wide"]
    # A profile's override is a parameter change too.
    result = build(str(TWO_DEMOS), "-o", str(out), "--profile", "quick")
    assert ran(out / "two-demos") == ["wide"]


def test_force_reruns_everything_and_gives_identical_bytes(tmp_path, fresh_cache):
    first, second = tmp_path / "a", tmp_path / "b"
    assert build(str(MINIMAL), "-o", str(first)).exit_code == 0
    assert build(str(MINIMAL), "-o", str(second), "--force").exit_code == 0
    assert ran(second / "minimal") == ["act"]
    # The manifest and the report's provenance appendix state measured wall times, so they
    # differ between runs by design; every other output is byte for byte the same.
    for path in sorted((first / "minimal").rglob("*")):
        if path.is_file() and path.name not in ("manifest.json", "report.html"):
            twin = second / "minimal" / path.relative_to(first / "minimal")
            assert path.read_bytes() == twin.read_bytes(), path.name


def test_corrupt_cache_entry_is_recomputed(tmp_path, fresh_cache):
    out = tmp_path / "out"
    assert build(str(MINIMAL), "-o", str(out)).exit_code == 0
    for values in fresh_cache.glob("results/*/*/values.json"):
        values.write_text('{"max_derivative": "tampered"}')
    result = build(str(MINIMAL), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert ran(out / "minimal") == ["act"]


def test_a_cached_result_keeps_the_order_its_run_gave(tmp_path):
    """A Display may pair a mapping's keys with its arrays (configurations in the parameters' order): the cache
    must hand the keys back in run()'s order, not sorted."""
    from generator.cache import Cache
    from generator.demos.registry import DemoResult

    cache = Cache(tmp_path / "cache")
    values = {"zeta": {"10": 1, "1000": 2, "100": 3}, "alpha": 0, "none": {"weight_decay": 1, "both": 2}}
    stored = cache.put_result("k", DemoResult(values=values, arrays={}), {})
    for result in (stored.result, cache.get_result("k").result):
        assert list(result.values) == ["zeta", "alpha", "none"]
        assert list(result.values["zeta"]) == ["10", "1000", "100"]
        assert list(result.values["none"]) == ["weight_decay", "both"]


def test_unknown_code_language_warns_and_strict_fails(tmp_path):
    out = tmp_path / "out"
    result = build(str(TWO_DEMOS), "-o", str(out))
    assert result.exit_code == 0
    assert "two_demos.yaml:28:21: sections[0].slides[2].code.language: unknown code language 'pythn'" in result.stderr
    strict = build(str(TWO_DEMOS), "-o", str(tmp_path / "strict"), "--strict")
    assert strict.exit_code == 2
    assert "unknown code language 'pythn'" in strict.stderr
    assert not (tmp_path / "strict").exists()


def test_bad_result_reference_is_located_and_writes_nothing(tmp_path):
    content = tmp_path / "lecture.yaml"
    content.write_text(TWO_DEMOS.read_text().replace("saturated_fraction.relu", "saturated_fractions.relu"))
    result = build(str(content), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{content}:24:13: sections[0].slides[1].bullets[0]: results.wide has no 'saturated_fractions'; "
        "did you mean 'saturated_fraction'? (it has: argmax_derivative, derivative_at_zero, functions, "
        "max_depth, max_derivative, saturated_fraction, saturation_threshold, x_max, x_min)"
    )
    assert not (tmp_path / "out").exists()


def test_stale_outputs_are_removed_and_others_kept(tmp_path):
    out = tmp_path / "out"
    assert build(str(TWO_DEMOS), "-o", str(out)).exit_code == 0
    folder = out / "two-demos"
    assert (folder / "figures" / "wide-functions.png").exists()
    (folder / "notes-by-hand.txt").write_text("mine")
    fewer = tmp_path / "fewer.yaml"
    fewer.write_text(TWO_DEMOS.read_text().replace("figure: wide.functions", "figure: narrow.derivatives"))
    assert build(str(fewer), "-o", str(out)).exit_code == 0
    assert not (folder / "figures" / "wide-functions.png").exists()
    assert (folder / "notes-by-hand.txt").read_text() == "mine"


def test_format_selects_outputs(tmp_path):
    result = build(str(MINIMAL), "-o", str(tmp_path), "--format", "html")
    assert result.exit_code == 0
    assert (tmp_path / "minimal" / "slides.html").exists()
    assert not (tmp_path / "minimal" / "slides.pptx").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdfx,html"], "Invalid value for '--format': pdfx; choose from pptx, html, report, pdf"),
        (["--profile", "quik"], "defines no such profile; did you mean 'quick'?"),
        (["--device", "tpu"], "Invalid value for '--device'"),
    ],
)
def test_bad_options_exit_2(tmp_path, args, message):
    result = build(str(MINIMAL), "-o", str(tmp_path / "out"), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_cuda_without_cuda_is_a_clear_error(tmp_path, fresh_cache):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = build(str(MINIMAL), "-o", str(tmp_path / "out"), "--device", "cuda")
    assert result.exit_code == 2
    assert "--device cuda: this torch build sees no CUDA GPU" in result.stderr
    assert "Traceback" not in result.output


def test_output_folder_may_not_be_the_content_folder(tmp_path):
    content = tmp_path / "lecture.yaml"
    shutil.copy(TWO_DEMOS, content)
    result = build(str(content), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "refusing to write the lecture into the content file's own folder" in result.stderr


def test_a_failing_demo_is_named_and_exits_1(tmp_path, monkeypatch, fresh_cache):
    from generator.demos import registry
    from generator.demos.kinds.activations import KIND

    def explode(params, ctx):
        raise RuntimeError("loss became NaN")

    monkeypatch.setitem(registry._KINDS, "activations", dataclasses.replace(KIND, run=explode))
    result = build(str(MINIMAL), "-o", str(tmp_path / "out"), "--force")
    assert result.exit_code == 1
    assert "demo 'act' (activations, params {" in result.stderr
    assert "failed: RuntimeError: loss became NaN" in result.stderr
    assert not (tmp_path / "out").exists()
    # A failure is never cached: the fresh cache holds no result at all.
    assert not list(fresh_cache.glob("results/*/*/index.json"))


ASKS_TOO_MUCH_OF_THE_DATA = """\
lecture: {title: Too much, slug: too-much}
demos:
  sweep:
    kind: depth_sweep
    params: {depths: [1], seeds: [0], epochs: 1, activations: [relu], inits: [he], lrs: [0.1]}
  cnn:
    kind: cnn_digits
    params: {channels: [1, 2], seeds: [0], epochs: 1, example_index: 450}
profiles:
  tiny:
    cnn: {batch_size: 1348}
sections:
  - title: S
    slides:
      - {title: Maps, figure: cnn.feature_maps}
      - {title: Loss, figure: sweep.loss_curves}
"""


def test_a_batch_or_example_past_the_data_is_located_before_any_demo_trains(tmp_path, fresh_cache):
    # A batch larger than the training set trained nothing (a partial batch is dropped): the depth sweep
    # drew it as "diverged", the CNN stayed at chance; an example past the test set showed another image.
    content = tmp_path / "too_much.yaml"
    content.write_text(ASKS_TOO_MUCH_OF_THE_DATA)
    result = build(str(content), "-o", str(tmp_path / "out"), "--profile", "tiny", "--device", "cpu")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{content}:8:70: demos.cnn.params.example_index: example_index 450 is past the 450 test images of "
        "digits (numbered 0 to 449); use an example_index of at most 449",
        f"{content}:11:23: profiles.tiny.cnn.batch_size: batch_size 1,348 is larger than the 1,347 training images "
        "of digits, so not one step would train (a partial batch is dropped); use a batch_size of at most 1,347",
        "2 problems found; nothing was written.",
    ]
    assert not (tmp_path / "out").exists()
    assert not list(fresh_cache.glob("results/*/*/index.json"))  # the sweep, listed first, did not train either


def test_progress_lines_count_one_seed_in_the_singular(tmp_path, fresh_cache):
    content = tmp_path / "one_seed.yaml"
    content.write_text(ASKS_TOO_MUCH_OF_THE_DATA.replace(", example_index: 450", "").replace("1348", "64"))
    out = str(tmp_path / "out")
    result = build(str(content), "-o", out, "--profile", "tiny", "--format", "html", "--device", "cpu")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "  sweep: 1 network x 1 depth (1 step)" in lines
    assert "  cnn: CNN and dense network x 1 seed (2 steps)" in lines


def test_auto_device_says_which_and_ci_logs_get_plain_progress_lines(tmp_path, fresh_cache):
    result = build(str(FIXTURES / "good" / "tiny_sweep.yaml"), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "device: cpu (chosen by --device auto)" in lines
    assert "  sweep: 8 networks x 2 depths (8 steps)" in lines  # 2 activations x 4 learning rates
    assert any(line.startswith("  sweep: 50% (") for line in lines)
    provenance = manifest(tmp_path / "tiny-sweep")["demos"][0]["provenance"]
    assert provenance["device"] == "cpu" and provenance["seed"] == 0 and provenance["wall_s"] > 0
    assert provenance["versions"]["torch"].startswith("2.")


def test_a_text_edit_reuses_cached_results_and_figures(tmp_path, fresh_cache):
    out = tmp_path / "out"
    assert build(str(TWO_DEMOS), "-o", str(out)).exit_code == 0
    figures_before = sorted(p.name for p in fresh_cache.glob("figures/*/*"))
    assert len(figures_before) == 4  # two figures, each drawn for its slide's box and the report's
    edited = tmp_path / "edited.yaml"
    edited.write_text(TWO_DEMOS.read_text().replace("The narrow range.", "The narrow range, reworded."))
    assert build(str(edited), "-o", str(out)).exit_code == 0
    assert ran(out / "two-demos") == []
    assert sorted(p.name for p in fresh_cache.glob("figures/*/*")) == figures_before
    assert "The narrow range, reworded." in (out / "two-demos" / "slides.html").read_text()


def test_abandoned_cache_staging_folders_are_cleaned_up(tmp_path, fresh_cache):
    import os
    import time

    assert build(str(MINIMAL), "-o", str(tmp_path / "out")).exit_code == 0
    (entry,) = fresh_cache.glob("results/*/*/index.json")
    old = entry.parent.parent / ".deadbeef-abandoned"
    recent = entry.parent.parent / ".cafebabe-running"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "values.json").write_text("{")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert build(str(MINIMAL), "-o", str(tmp_path / "out"), "--force").exit_code == 0
    assert not old.exists()
    assert recent.exists()  # might belong to a build still running


def _register_failing_kind(monkeypatch, error: BaseException) -> None:
    from generator.demos import registry
    from generator.demos.kinds.activations import KIND

    def fail(params, ctx):
        raise error

    monkeypatch.setitem(registry._KINDS, "failing", dataclasses.replace(KIND, name="failing", summary="raises", run=fail))


def test_other_demos_results_stay_cached_when_one_fails(tmp_path, monkeypatch, fresh_cache):
    _register_failing_kind(monkeypatch, ValueError("bad luck"))
    content = tmp_path / "lecture.yaml"
    content.write_text(TWO_DEMOS.read_text().replace("  wide:\n    kind: activations", "  wide:\n    kind: failing"))
    result = build(str(content), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "demo 'wide' (failing, params {" in result.stderr and "ValueError: bad luck" in result.stderr
    # 'narrow' ran first and its result was kept: the next build fetches it.
    assert len(list(fresh_cache.glob("results/*/*/index.json"))) == 1
    assert build(str(TWO_DEMOS), "-o", str(tmp_path / "out")).exit_code == 0
    assert ran(tmp_path / "out" / "two-demos") == ["wide"]


def test_cuda_out_of_memory_suggests_a_smaller_profile_or_the_cpu(tmp_path, monkeypatch, fresh_cache):
    import torch

    _register_failing_kind(monkeypatch, torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"))
    content = tmp_path / "lecture.yaml"
    content.write_text(TWO_DEMOS.read_text().replace("  wide:\n    kind: activations", "  wide:\n    kind: failing"))
    result = build(str(content), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert ("demo 'wide' (failing) ran out of GPU memory: CUDA out of memory. Tried to allocate 2.00 GiB. "
            "Try a smaller profile (--profile quick) or --device cpu.") in result.stderr


def test_an_image_symlink_that_escapes_the_content_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes((MINIMAL.parent / "neuron.png").read_bytes())
    folder = tmp_path / "lecture"
    folder.mkdir()
    (folder / "picture.png").symlink_to(outside)
    content = folder / "lecture.yaml"
    content.write_text(
        "lecture: {title: Links}\nsections:\n  - title: S\n    slides:\n"
        "      - {title: A, image: picture.png, alt: a neuron}\n")
    result = CliRunner().invoke(main, ["validate", str(content)])
    assert result.exit_code == 2
    assert "image 'picture.png' is outside the content file's folder" in result.stderr


@pytest.mark.parametrize("where", ["/", "~"])
def test_root_and_home_are_refused_as_output(where, tmp_path):
    target = str(Path(where).expanduser())
    result = build(str(MINIMAL), "-o", target)
    assert result.exit_code == 2
    assert "refusing to write the lecture into" in result.stderr


def test_builds_from_the_same_cache_give_identical_reports(tmp_path, fresh_cache):
    out = tmp_path / "out"
    assert build(str(MINIMAL), "-o", str(out)).exit_code == 0
    report = out / "minimal" / "report.html"
    assert "ran" in report.read_text()
    assert build(str(MINIMAL), "-o", str(out)).exit_code == 0
    second = report.read_bytes()
    assert b"from cache" in second
    assert build(str(MINIMAL), "-o", str(out)).exit_code == 0
    assert report.read_bytes() == second


@pytest.mark.browser
def test_pdf_has_one_page_per_slide_and_reproducible_bytes(tmp_path):
    if not shutil.which("chromium"):
        pytest.skip("needs Debian's chromium (CI installs it)")
    first, second = tmp_path / "a", tmp_path / "b"
    assert build(str(MINIMAL), "-o", str(first), "--format", "pdf").exit_code == 0
    assert build(str(MINIMAL), "-o", str(second), "--format", "pdf,html").exit_code == 0
    pdf = first / "minimal" / "slides.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    slides = len(Presentation(_pptx_of_minimal(tmp_path)).slides)
    assert f"Pages:           {slides}" in info
    assert pdf.read_bytes() == (second / "minimal" / "slides.pdf").read_bytes()


def _pptx_of_minimal(tmp_path):
    assert build(str(MINIMAL), "-o", str(tmp_path / "p"), "--format", "pptx").exit_code == 0
    return tmp_path / "p" / "minimal" / "slides.pptx"


def test_pdf_without_chromium_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTUREGEN_CHROMIUM", str(tmp_path / "no-such-browser"))
    result = build(str(MINIMAL), "-o", str(tmp_path / "out"), "--format", "pdf")
    assert result.exit_code == 2
    assert "which is not an executable" in result.stderr
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("LECTUREGEN_CHROMIUM")
    result = build(str(MINIMAL), "-o", str(tmp_path / "out"), "--format", "pdf")
    assert result.exit_code == 2
    assert "apt-get install chromium" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_report_reads_an_overfull_slide_whole_while_the_slides_continue_it(tmp_path):
    content = FIXTURES / "good" / "overfull.yaml"
    result = build(str(content), "-o", str(tmp_path), "--format", "html,report")
    assert result.exit_code == 0, result.output
    report = (tmp_path / "overfull" / "report.html").read_text()
    slides = (tmp_path / "overfull" / "slides.html").read_text()
    assert "Thirty points (cont.)" in slides and "(cont.)" not in report
    assert all(f"Point {i:02d}:" in report for i in range(1, 31))
