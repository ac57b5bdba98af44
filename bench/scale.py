"""How a build scales with the size of a lecture: time and peak memory at 100, 300 and 1,000 slides.

Generates lectures with one figure slide in five (so 1,000 slides carry 200 distinct figures,
from 67 instances of the `activations` demo), builds each cold in a fresh process with a fresh
cache, and prints a table (also written to bench/results/scale.json). Each build runs in its
own process so its peak resident memory is its own. Targets: under 1 GiB at 1,000 slides and
time roughly linear in slides.

Usage: python bench/scale.py [--sizes 100,300,1000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from child_build import run_measured

RESULTS = Path(__file__).resolve().parent / "results"
FIGURES = ("functions", "derivatives", "chain_bound")


def lecture_yaml(slides: int) -> str:
    figure_slides = slides // 5
    demos = (figure_slides + len(FIGURES) - 1) // len(FIGURES)
    lines = ["lecture: {title: Scale test, slug: scale}", "demos:"]
    for d in range(demos):
        lines.append(f"  d{d}: {{kind: activations, params: {{points: {101 + d}}}}}")
    lines += ["sections:"]
    per_section = 50
    count = 0
    for s in range((slides + per_section - 1) // per_section):
        lines += [f"  - title: Section {s + 1}", "    slides:"]
        for _ in range(min(per_section, slides - count)):
            if count % 5 == 0 and count // 5 < figure_slides:
                index = count // 5
                figure = f"d{index // len(FIGURES)}.{FIGURES[index % len(FIGURES)]}"
                lines += [f"      - title: Figure slide {count + 1}", f"        figure: {figure}",
                          "        caption: A figure drawn for this slide.", "        notes: Notes for the figure."]
            else:
                lines += [f"      - title: Slide {count + 1}", "        bullets:",
                          "          - '**First** point with `code` and $x^2$'",
                          "          - text: Second point", "            bullets: [A nested point]",
                          f"        notes: Speaker notes for slide {count + 1}."]
            count += 1
    return "\n".join(lines) + "\n"


def build_once(slides: int, workdir: Path) -> dict:
    content = workdir / f"scale-{slides}.yaml"
    content.write_text(lecture_yaml(slides))
    arguments = ["build", str(content), "-o", str(workdir / "out"), "-q", "--cache-dir", str(workdir / f"cache-{slides}")]
    seconds, peak_mib = run_measured(arguments, f"build of {slides} slides")
    return {"slides": slides, "figures": slides // 5, "seconds": seconds, "peak_rss_mib": peak_mib}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        rows = [build_once(size, Path(folder)) for size in sizes]
    base = rows[0]
    print("| slides | figures | cold build | per slide | time vs smallest (slides ratio) | peak memory |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['slides']} | {row['figures']} | {row['seconds']:.1f} s | {1000 * row['seconds'] / row['slides']:.0f} ms "
              f"| {row['seconds'] / base['seconds']:.1f}x ({row['slides'] / base['slides']:.0f}x) | {row['peak_rss_mib']:.0f} MiB |")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
