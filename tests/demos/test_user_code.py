"""A lecture's own demo kinds, from a Python file named under `code:`: the same cache, checks and figures as
the built-in ones, and their failures said in terms of the user's file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.demos.registry import unregister

KIND_FILE = '''\
"""Seeded coin flips: the share of heads settles towards one half."""

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from generator.demos.registry import DemoKind, DemoResult, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, KeyedBy, Result
from generator.figures.style import new_axes


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    counts: list[int] = Field(default_factory=lambda: [10, 100, 1000], description="Flips per run.")


def run(params: Params, ctx: RunContext) -> DemoResult:
    generator = ctx.rng()
    heads = {str(count): float(generator.integers(0, 2, size=count).mean()) for count in params.counts}
    return DemoResult(values={"runs": len(params.counts), "heads": heads},
                      arrays={"counts": np.array(params.counts), "heads": np.array(list(heads.values()))})


class HeadsDisplay:
    def __init__(self, counts, heads):
        self.counts, self.heads = counts, heads

    @classmethod
    def from_result(cls, result, words=None):
        return cls(result.arrays["counts"], result.arrays["heads"])

    def plot(self, ax=None):
        self.figure_, self.ax_ = new_axes(ax)
        self.ax_.plot(self.counts, self.heads, marker="o")
        return self

    def alt_text(self):
        return f"Line chart: the share of heads is {self.heads[-1]:.0%} after {self.counts[-1]:,} flips."


KIND = register(DemoKind(
    name="coin_flips",
    summary="Seeded coin flips.",
    params=Params,
    run=run,
    results={"runs": Result(Integer(), "How many runs."),
             "heads": Result(KeyedBy("flip count", lambda params: params.counts, Fraction()), "Share of heads.")},
    figures=(Figure("heads", "Share of heads against flips.", display=HeadsDisplay),),
    smoke={"counts": [10, 20]},
))
'''

LECTURE = """\
lecture: {title: Coins, slug: coins}
code: [demos/coins.py]
demos:
  coins:
    kind: coin_flips
  act:
    kind: activations
    params: {points: 101}
sections:
  - title: Chance
    slides:
      - title: Heads settle
        figure: coins.heads
        bullets:
          - 'After 1,000 flips: {{ results.coins.heads["1000"] | pct }} heads'
"""


@pytest.fixture
def lecture(tmp_path, fresh_cache):
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "coins.py").write_text(KIND_FILE)
    path = tmp_path / "coins.yaml"
    path.write_text(LECTURE)
    yield path
    unregister("coin_flips")


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def build(path: Path, *extra):
    return run("build", path, "-o", path.parent / "out", "--format", "html", "--device", "cpu", *extra)


def ran(path: Path) -> list[str]:
    manifest = json.loads((path.parent / "out" / "coins" / "manifest.json").read_text())
    return [demo["name"] for demo in manifest["demos"] if not demo["from_cache"]]


def test_a_kind_from_the_lectures_own_file_builds_and_is_listed_with_its_origin(lecture):
    result = build(lecture)
    assert result.exit_code == 0, result.output
    page = (lecture.parent / "out" / "coins" / "slides.html").read_text()
    assert "After 1,000 flips:" in page and "the share of heads is" in page
    manifest = json.loads((lecture.parent / "out" / "coins" / "manifest.json").read_text())
    recorded = manifest["demos"]
    assert {demo["name"]: demo["origin"] for demo in recorded} == {"coins": "file demos/coins.py", "act": "built-in"}
    code = (lecture.parent / "demos" / "coins.py").read_bytes()
    assert manifest["code"] == [{"path": "demos/coins.py", "sha256": hashlib.sha256(code).hexdigest()}]
    listed = json.loads(run("demos", lecture, "--json").output)
    assert listed["coin_flips"]["origin"] == "file demos/coins.py"
    assert listed["activations"]["origin"] == "built-in"
    checked = run("validate", lecture)
    assert "note: this lecture brings code, trusted as such: code (demos/coins.py)" in checked.output


def test_editing_the_file_reruns_exactly_its_demos_and_editing_the_text_reruns_nothing(lecture):
    assert build(lecture).exit_code == 0
    assert sorted(ran(lecture)) == ["act", "coins"]
    lecture.write_text(LECTURE.replace("Heads settle", "Heads settle down"))
    assert build(lecture).exit_code == 0
    assert ran(lecture) == []
    code = lecture.parent / "demos" / "coins.py"
    code.write_text(code.read_text().replace('"""Seeded coin flips', '"""Seeded coin flips, edited'))
    assert build(lecture).exit_code == 0
    assert ran(lecture) == ["coins"]


def test_results_references_into_the_kind_are_checked_before_anything_runs(lecture):
    lecture.write_text(LECTURE.replace('heads["1000"]', 'heads["5000"]'))
    result = run("validate", lecture)
    assert result.exit_code == 2
    assert "results.coins.heads has no '5000'" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace("def run(params", "def run(params,,"),
         "demos/coins.py:16:16: SyntaxError: invalid syntax"),
        (lambda text: text.replace("import numpy as np", "import numpy as np\nimport no_such_module"),
         "demos/coins.py:4: ModuleNotFoundError: No module named 'no_such_module'"),
        (lambda text: text.replace('    summary="Seeded coin flips.",', '    summary="Seeded coin flips.",\n    api_version=7,'),
         ": ValueError: demo kind 'coin_flips' was written for the lecturegen demo API version 7, "
         "and this lecturegen offers version 1"),
    ],
    ids=["syntax", "import", "api-version"],
)
def test_a_file_that_fails_to_load_is_located_in_the_file(lecture, change, message):
    code = lecture.parent / "demos" / "coins.py"
    code.write_text(change(KIND_FILE))
    result = run("validate", lecture)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_exception_in_run_names_the_line_of_the_users_file_and_keeps_the_rest(lecture):
    assert build(lecture).exit_code == 0
    before = (lecture.parent / "out" / "coins" / "slides.html").read_bytes()
    code = lecture.parent / "demos" / "coins.py"
    code.write_text(KIND_FILE.replace("    generator = ctx.rng()\n", "    generator = ctx.rng()\n    raise ValueError('no coins left')\n"))
    result = build(lecture)
    assert result.exit_code == 1
    assert "demos/coins.py:18: demo 'coins' (coin_flips, params {" in result.stderr
    assert "failed: ValueError: no coins left" in result.stderr
    assert (lecture.parent / "out" / "coins" / "slides.html").read_bytes() == before


def test_a_result_that_differs_from_its_schema_is_named_field_by_field(lecture):
    code = lecture.parent / "demos" / "coins.py"
    code.write_text(KIND_FILE.replace('values={"runs": len(params.counts), "heads": heads}',
                                      'values={"runs": "three", "heads": heads, "extra": 1}'))
    result = build(lecture)
    assert result.exit_code == 1
    assert "results.coins has values its kind does not declare: extra" in result.stderr
    assert "results.coins.runs should be a whole number, got 'three'" in result.stderr


def test_a_figure_that_raises_names_the_figure_and_the_line(lecture):
    code = lecture.parent / "demos" / "coins.py"
    code.write_text(KIND_FILE.replace("        self.ax_.plot(self.counts, self.heads, marker=\"o\")\n",
                                      "        raise KeyError('colour')\n"))
    result = build(lecture)
    assert result.exit_code == 1
    assert "demos/coins.py:33: figure 'coins.heads' (demo kind 'coin_flips') failed to draw: KeyError: 'colour'" in \
        result.stderr


def test_a_figure_without_alt_text_is_refused_naming_it(lecture):
    code = lecture.parent / "demos" / "coins.py"
    code.write_text(KIND_FILE.replace('        return f"Line chart: the share of heads', '        return ""  # f"Line chart: the share of heads'))
    result = build(lecture)
    assert result.exit_code == 1
    assert ("figure 'coins.heads' (demo kind 'coin_flips') failed to draw: ValueError: HeadsDisplay.alt_text() gave "
            "no text; say what the figure shows") in result.stderr


def test_a_display_without_alt_text_is_refused_before_anything_runs(lecture):
    code = lecture.parent / "demos" / "coins.py"
    code.write_text(KIND_FILE.replace("    def alt_text(self):", "    def describe(self):"))
    result = run("validate", lecture)
    assert result.exit_code == 2
    assert ("demos/coins.py:40: ValueError: demo kind 'coin_flips' cannot be registered: figure 'heads': its display "
            "HeadsDisplay has no alt_text() (alt_text() says what the figure shows, for screen readers and the "
            "report)") in result.stderr
    assert "unknown demo kind" not in result.stderr  # the file's failure is the one problem, said once


def test_a_native_chart_that_raises_names_the_chart_and_the_line(lecture):
    code = lecture.parent / "demos" / "coins.py"
    code.write_text(KIND_FILE.replace("KIND = register(", "def heads_chart(result, words):\n"
                                      "    return [1, 2, 3][result.values['runs']]\n\n\nKIND = register(")
                    .replace("display=HeadsDisplay)", "display=HeadsDisplay, chart=heads_chart)"))
    lecture.write_text(LECTURE.replace("        figure: coins.heads\n", "        figure: coins.heads\n"
                                                                         "        chart: native\n"))
    result = run("build", lecture, "-o", lecture.parent / "out", "--format", "pptx", "--device", "cpu")
    assert result.exit_code == 1
    assert ("demos/coins.py:41: the native chart of figure 'coins.heads' (demo kind 'coin_flips') failed: "
            "IndexError: list index out of range") in result.stderr
    assert "internal error" not in result.stderr and not (lecture.parent / "out").exists()


def test_a_code_file_outside_the_folder_is_refused(lecture, tmp_path):
    lecture.write_text(LECTURE.replace("code: [demos/coins.py]", "code: [../elsewhere.py]"))
    result = run("validate", lecture)
    assert result.exit_code == 2
    assert ("coins.yaml:2:8: code[0]: code file '../elsewhere.py' is outside the content file's folder; code files "
            "must be in that folder or below it") in result.stderr


def test_an_unknown_kind_says_where_own_kinds_come_from(lecture):
    lecture.write_text(LECTURE.replace("code: [demos/coins.py]\n", "").replace("kind: coin_flips", "kind: dropout_sweep"))
    result = run("validate", lecture)
    assert result.exit_code == 2
    assert ("unknown demo kind 'dropout_sweep'; did you mean 'depth_sweep'? (`lecturegen demos` describes them); "
            "a kind of your own comes from a file named under `code:`, or from an installed package: is it installed?"
            ) in result.stderr


def test_init_demo_writes_a_kind_and_a_lecture_that_validate_and_build(tmp_path, fresh_cache):
    folder = tmp_path / "course"
    try:
        written = run("init", folder, "--demo", "lr_race")
        assert written.exit_code == 0, written.output
        code, lecture = folder / "demos" / "lr_race.py", folder / "lr_race.yaml"
        assert code.is_file() and lecture.is_file()
        checked = run("validate", lecture)
        assert checked.exit_code == 0, checked.output
        built = run("build", lecture, "-o", tmp_path / "out", "--format", "pptx,html", "--device", "cpu")
        assert built.exit_code == 0, built.output
        page = (tmp_path / "out" / "learning-rates" / "slides.html").read_text()
        assert "Rate 1.1: diverged" in page and "Log-scale line chart of the loss at each step" in page
        assert run("demos", lecture, "--json").exit_code == 0
        again = run("init", folder, "--demo", "lr_race")
        assert again.exit_code == 2 and "lr_race.py already exists; use --force to overwrite" in again.stderr
        assert run("init", folder, "--demo", "Bad-Name").exit_code == 2
    finally:
        unregister("lr_race")
