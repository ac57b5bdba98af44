"""How fast a warm build of the default lecture is, and its PowerPoint against pandoc's on the same deck.

Every demo comes from the cache (a build fills it first if it must), so these are the times of the
stages that run on every build: load and check, fetch, resolve, paginate, render, write. Each round
runs every measure once, one after another, and the table shows the best round of each (the machine
is shared, and other work only ever adds time), the median beside it, and the CPU time the process
itself used (less affected by other work than the wall clock).

- warm build: ``lecturegen build`` of content/deep_learning.yaml (pptx + html + report), a process of
  its own, start to exit; its manifest's stage timings say where the time goes;
- HTML-only warm build (``--format html``): the same, and which modules it loaded (neither python-pptx
  nor matplotlib: tests/test_html_build_imports.py checks it);
- ``lecturegen validate``: the same file, a process of its own;
- PowerPoint render: in a fresh process, the Deck (pickled once) paginated as a build does (the stage every
  format shares: each slide planned, its text measured), then slides.pptx rendered as the build's render
  stage does (python-pptx loaded there), then rendered again in the same process;
- pandoc: ``pandoc --slide-level=2 -t pptx`` of the same deck as Markdown (bench/deck_markdown.py: the
  same slides, words, pictures and notes), a process of its own;
- both again on the deck's slides seven times over (294 slides; ``--no-big`` leaves it out).

Targets (issue 16, this 2-core CPU): warm build at most 1.5 s, PowerPoint render at most 0.7 s and at
most 2x pandoc, validate at most 0.3 s.

Usage: python bench/build_speed.py [--rounds 7] [--profile default] [--cache-dir DIR] [--no-big]
Prints a table and writes bench/results/build_speed.json. Needs pandoc (apt-get install pandoc).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deck_markdown import REPO, deck_of, pandoc_markdown  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
CONTENT = REPO / "content" / "deep_learning.yaml"
TARGETS = {"build": 1.5, "render": 0.7, "render_vs_pandoc": 2.0, "validate": 0.3}
BIG_TIMES = 7

# The command line in a process that writes, at exit, the modules it loaded (as tests/test_html_build_imports.py).
RUNNER = r"""
import atexit, json, sys
LISTING = sys.argv[1]
atexit.register(lambda: open(LISTING, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["lecturegen", *sys.argv[2:]]
from generator.startup import main
main()
"""

# As a build does it: paginates the pickled Deck (the stage every format shares), renders slides.pptx (python-pptx
# loaded then), then renders it again in the same process; says how long each took.
RENDER = r"""
import json, pickle, sys, time
started = time.perf_counter()
with open(sys.argv[1], "rb") as file:
    unsplit = pickle.load(file)
from generator.render.pptx import paginate_deck, render_pptx_with_problems
loaded = time.perf_counter()
deck = paginate_deck(unsplit).deck
paginated = time.perf_counter()
first = render_pptx_with_problems(deck).data
rendered = time.perf_counter()
again = render_pptx_with_problems(deck).data
done = time.perf_counter()
assert first == again
open(sys.argv[2], "wb").write(first)
print(json.dumps({"unpickle": loaded - started, "paginate": paginated - loaded, "first": rendered - paginated,
                  "again": done - rendered}))
"""


def timed(command: list[str], env: dict[str, str], cwd: Path = REPO) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stdout); exits if the command fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:6])} ... failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--cache-dir", type=Path, default=None, help="default: lecturegen's own cache folder")
    parser.add_argument("--no-big", action="store_true", help="leave out the deck seven times over")
    args = parser.parse_args()
    if shutil.which("pandoc") is None:
        raise SystemExit("pandoc is not installed: apt-get install pandoc")
    workdir = Path(tempfile.mkdtemp(prefix="lecturegen-build-bench-"))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if args.cache_dir is not None:
        env["LECTUREGEN_CACHE_DIR"] = str(args.cache_dir)
        os.environ["LECTUREGEN_CACHE_DIR"] = str(args.cache_dir)
    lecturegen = [sys.executable, "-m", "generator"]
    build = [*lecturegen, "build", str(CONTENT), "-o", str(workdir / "out"), "-q", "--profile", args.profile]

    started = time.perf_counter()
    subprocess.run(build, cwd=REPO, env=env, check=True)  # fills the cache (demos, figures, memo) if need be
    print(f"cache filled (or found full) by a first build in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    deck = deck_of(CONTENT, args.profile)
    unsplit = deck_of(CONTENT, args.profile, paginated=False)
    (workdir / "deck.pickle").write_bytes(pickle.dumps(unsplit))
    markdown = workdir / "markdown"
    markdown.mkdir()
    (markdown / "deck.md").write_text(pandoc_markdown(deck, markdown))
    # The same slides seven times over (294 slides): how both grow with a deck's length.
    big = replace(unsplit, slides=unsplit.slides * BIG_TIMES)
    (workdir / "big.pickle").write_bytes(pickle.dumps(big))
    (markdown / "big.md").write_text(pandoc_markdown(replace(deck, slides=deck.slides * BIG_TIMES), markdown))

    runs: dict[str, list[dict]] = {name: [] for name in ("build", "html", "validate", "render", "pandoc", "big_render",
                                                          "big_pandoc")}
    modules: dict[str, list[str]] = {}
    for _ in range(args.rounds):
        wall, cpu, _ = timed(build, env)
        manifest = json.loads((workdir / "out" / deck.meta.slug / "manifest.json").read_text())
        runs["build"].append({"wall": wall, "cpu": cpu, "stages": manifest["timings_s"]})
        listing = workdir / "html-modules.json"
        wall, cpu, _ = timed([sys.executable, "-c", RUNNER, str(listing), *build[3:], "--format", "html"], env)
        runs["html"].append({"wall": wall, "cpu": cpu})
        modules["html"] = json.loads(listing.read_text())
        listing = workdir / "validate-modules.json"
        wall, cpu, _ = timed([sys.executable, "-c", RUNNER, str(listing), "validate", str(CONTENT), "-q",
                              "--profile", args.profile], env)
        runs["validate"].append({"wall": wall, "cpu": cpu})
        modules["validate"] = json.loads(listing.read_text())
        wall, cpu, out = timed([sys.executable, "-c", RENDER, str(workdir / "deck.pickle"),
                                str(workdir / "render.pptx")], env)
        runs["render"].append({"wall": wall, "cpu": cpu, **json.loads(out)})
        wall, cpu, _ = timed(["pandoc", "deck.md", "--slide-level=2", "-t", "pptx", "-o", "pandoc.pptx"], env,
                             cwd=markdown)
        runs["pandoc"].append({"wall": wall, "cpu": cpu})
        if not args.no_big:
            wall, cpu, out = timed([sys.executable, "-c", RENDER, str(workdir / "big.pickle"),
                                    str(workdir / "big.pptx")], env)
            runs["big_render"].append({"wall": wall, "cpu": cpu, **json.loads(out)})
            wall, cpu, _ = timed(["pandoc", "big.md", "--slide-level=2", "-t", "pptx", "-o", "big.pptx"], env,
                                 cwd=markdown)
            runs["big_pandoc"].append({"wall": wall, "cpu": cpu})

    def best(name: str, key: str = "wall") -> float:
        return min(run[key] for run in runs[name])

    def median(name: str, key: str = "wall") -> float:
        return statistics.median(run[key] for run in runs[name])

    fastest = min(runs["build"], key=lambda run: run["wall"])
    stages = fastest["stages"]
    pandoc = best("pandoc")
    heavy = {name: sorted({module.split(".")[0] for module in found} & {"pptx", "matplotlib", "lxml"})
             for name, found in modules.items()}
    rows = [
        ("warm build, pptx + html + report", best("build"), median("build"), best("build", "cpu"), TARGETS["build"]),
        *((f"  {stage}", seconds, None, None, None) for stage, seconds in stages.items()),
        ("  start-up, imports and writing (the rest)", fastest["wall"] - sum(stages.values()), None, None, None),
        ("warm build, html only", best("html"), median("html"), best("html", "cpu"), None),
        ("validate", best("validate"), median("validate"), best("validate", "cpu"), TARGETS["validate"]),
        ("paginate (every format's slides; measures the text)", best("render", "paginate"),
         median("render", "paginate"), None, None),
        ("PowerPoint render, as in a build (python-pptx loaded)", best("render", "first"), median("render", "first"),
         None, TARGETS["render"]),
        ("PowerPoint render, again in that process", best("render", "again"), median("render", "again"), None, None),
        ("a process: load Deck, paginate, render twice", best("render"), median("render"), best("render", "cpu"),
         None),
        ("pandoc -t pptx of the same deck (a process)", pandoc, median("pandoc"), best("pandoc", "cpu"), None),
    ]
    ratios = [
        ("PowerPoint render (as in a build) / pandoc", best("render", "first") / pandoc, TARGETS["render_vs_pandoc"]),
        ("PowerPoint render (again) / pandoc", best("render", "again") / pandoc, None),
        ("paginate + render (as in a build) / pandoc", (best("render", "paginate") + best("render", "first")) / pandoc,
         None),
    ]
    if runs["big_render"]:
        big_slides = len(deck.slides) * BIG_TIMES
        rows += [
            (f"{big_slides} slides: paginate", best("big_render", "paginate"), median("big_render", "paginate"), None,
             None),
            (f"{big_slides} slides: PowerPoint render, as in a build", best("big_render", "first"),
             median("big_render", "first"), None, None),
            (f"{big_slides} slides: pandoc -t pptx", best("big_pandoc"), median("big_pandoc"), best("big_pandoc", "cpu"),
             None),
        ]
        ratios.append((f"{big_slides} slides: PowerPoint render (as in a build) / pandoc",
                       best("big_render", "first") / best("big_pandoc"), None))
    load = os.getloadavg()
    width = max(len(row[0]) for row in rows)
    print(f"\ndefault lecture, {len(deck.slides)} slides, profile {args.profile}, best of {args.rounds} rounds; "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'measure (s)':<{width}}  {'best':>6}  {'median':>6}  {'CPU':>6}  {'target':>6}  met")
    for name, value, middle, cpu, target in rows:
        cells = [f"{value:>6.3f}", f"{middle:>6.3f}" if middle is not None else " " * 6,
                 f"{cpu:>6.3f}" if cpu is not None else " " * 6, f"{target:>6.2f}" if target else " " * 6,
                 ("yes" if value <= target else "NO") if target else ""]
        print(f"{name:<{width}}  {'  '.join(cells)}")
    for name, value, target in ratios:
        met = ("yes" if value <= target else "NO") if target else ""
        print(f"{name:<{width}}  {value:>5.2f}x  {'':>6}  {'':>6}  {f'{target:>5.1f}x' if target else ' ' * 6}  {met}")
    print(f"modules loaded: html-only build {len(modules['html'])} (python-pptx, matplotlib, lxml: "
          f"{', '.join(heavy['html']) or 'none'}); validate {len(modules['validate'])} "
          f"({', '.join(heavy['validate']) or 'none'})")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "build_speed.json").write_text(json.dumps({
        "profile": args.profile, "slides": len(deck.slides), "rounds": runs, "targets": TARGETS,
        "modules": {name: len(found) for name, found in modules.items()}, "heavy_modules": heavy,
        "load_average": load, "cpus": os.cpu_count(),
        "pandoc": subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
    }, indent=2) + "\n")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
