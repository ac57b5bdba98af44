"""docs/ARCHITECTURE.md's recipes, each followed with code that lives only here, building a real lecture."""

from __future__ import annotations

import importlib
import io
import json

import pytest
from click.testing import CliRunner
from pptx import Presentation

from generator.cli import main
from generator.deck import plain_text
from generator.demos.registry import register, unregister
from generator.render.formats import OutputFormat, RenderRequest, register_format, unregister_format

LECTURE = """\
lecture: {{title: Coins, slug: coins}}
demos:
  coins:
    kind: coin_flips
    params: {{counts: [10, 100, 1000]}}
sections:
  - title: Chance
    slides:
      - title: Heads settle
        figure: coins.heads
        chart: native
        bullets:
          - '{text}'
"""


@pytest.fixture
def coin_flips():
    """The recipe's kind, registered through the public mechanism for one test."""
    module = importlib.import_module("tests.recipes.coin_flips")
    register(module.KIND)
    yield module.KIND
    unregister("coin_flips")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def write(tmp_path, text: str):
    path = tmp_path / "coins.yaml"
    path.write_text(LECTURE.format(text=text))
    return path


def test_a_demo_kind_from_two_files_builds_a_lecture(tmp_path, coin_flips):
    content = write(tmp_path, 'After 1,000 flips: {{ results.coins.heads["1000"] | pct }} heads')
    result = run("build", str(content), "-o", str(tmp_path / "out"), "--format", "pptx,html", "--device", "cpu")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "coins"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [demo["kind"] for demo in manifest["demos"]] == ["coin_flips"]
    page = (folder / "slides.html").read_text()
    assert "After 1,000 flips:" in page and "% heads" in page
    assert "the share of heads is" in page  # the Display's alt text
    prs = Presentation(io.BytesIO((folder / "slides.pptx").read_bytes()))
    charts = [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1 and charts[0].value_axis.axis_title.text_frame.text == "heads (%)"


def test_the_kinds_results_are_checked_and_listed_like_a_built_in_kinds(tmp_path, coin_flips):
    content = write(tmp_path, '{{ results.coins.heads["10000"] | pct }}')
    result = run("validate", str(content))
    assert result.exit_code == 2
    assert "results.coins.heads has no '10000'; did you mean '1000'? (it has: 10, 100, 1000)" in result.stderr
    listed = json.loads(run("demos", "--json").output)
    assert listed["coin_flips"]["results"]["results.DEMO.heads"]["type"] == "mapping by flip count of fraction 0-1 (print with pct)"


def _outline(request: RenderRequest) -> dict[str, bytes]:
    titles = [plain_text(slide.title) for slide in request.deck.slides]
    return {"outline.txt": ("\n".join(titles) + "\n").encode()}


@pytest.fixture
def outline_format():
    """The recipe's format: one function and one row."""
    register_format(OutputFormat("outline", "outline.txt, the slide titles", False, _outline, ("outline.txt",)))
    yield
    unregister_format("outline")


def test_an_output_format_from_one_function_and_one_row_is_built_and_offered(tmp_path, outline_format):
    from tests.conftest import MINIMAL

    result = run("build", str(MINIMAL), "-o", str(tmp_path), "--format", "outline", "--device", "cpu")
    assert result.exit_code == 0, result.output
    folders = [path for path in tmp_path.iterdir() if path.is_dir()]
    outline = (folders[0] / "outline.txt").read_text().splitlines()
    assert len(outline) > 3 and outline[0]
    assert "outline (outline.txt, the slide titles)" in " ".join(run("build", "--help").output.split())
    assert "choose from pptx, html, report, pdf, revealjs, outline" in run(
        "build", str(MINIMAL), "--format", "outlines").stderr


BLOCK_LECTURE = """\
lecture: {title: Callouts, slug: callouts}
demos:
  act:
    kind: activations
sections:
  - title: Remember
    slides:
      - title: One thing to keep
        bullets:
          - Gradients shrink through sigmoid layers
        callout:
          title: Remember
          text: 'The sigmoid passes on at most {{ results.act.max_derivative.sigmoid | fixed(2) }} of a gradient'
"""


@pytest.fixture
def callout_block():
    """The recipe's block kind, registered through the public mechanism for one test."""
    from generator.slide_blocks import unregister_block
    from tests.recipes.callout_block import register

    yield register()
    unregister_block("callout")


def test_a_slide_block_kind_from_one_module_builds_in_every_output(tmp_path, callout_block):
    content = tmp_path / "callouts.yaml"
    content.write_text(BLOCK_LECTURE)
    result = run("build", str(content), "-o", str(tmp_path / "out"), "--format", "pptx,html,report", "--device", "cpu")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "callouts"
    for page in ("slides.html", "report.html"):
        text = (folder / page).read_text()
        assert ('<aside class="callout"><strong>Remember</strong> The sigmoid passes on at most 0.25 of a '
                "gradient</aside>") in text
    prs = Presentation(io.BytesIO((folder / "slides.pptx").read_bytes()))
    shapes = {shape.name: shape for slide in prs.slides for shape in slide.shapes}
    assert shapes["Callout"].text_frame.text == "Remember\nThe sigmoid passes on at most 0.25 of a gradient"


def test_a_block_kinds_value_is_checked_at_its_line(tmp_path, callout_block):
    content = tmp_path / "callouts.yaml"
    content.write_text(BLOCK_LECTURE.replace("          title: Remember\n", "          titel: Remember\n"))
    result = run("validate", str(content))
    assert result.exit_code == 2
    assert "callouts.yaml:12:11: sections[0].slides[0].callout.titel: unknown key 'titel'; did you mean 'title'?" in \
        result.stderr


def test_without_its_registration_the_key_is_unknown(tmp_path):
    content = tmp_path / "callouts.yaml"
    content.write_text(BLOCK_LECTURE)
    result = run("validate", str(content))
    assert result.exit_code == 2
    assert "sections[0].slides[0].callout: unknown key 'callout'" in result.stderr
