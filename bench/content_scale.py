"""How a build grows with one slide's content: time and peak memory against bullets, table rows and code lines.

Each size is a one-slide lecture (no demos) built to slides.pptx and slides.html in a process of its
own, so its peak resident memory is its own. The table compares each size with the smallest:
near-linear growth shows as a time ratio close to the size ratio (the first row carries the fixed
cost of starting Python and the libraries, so later ratios come out below it). The loader refuses
content past the limits in generator/content/loader.py (500 bullets, 100 rows, 2,000 code lines).

Usage: python bench/content_scale.py [--kinds bullets,rows,code]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from child_build import run_measured

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = {"bullets": (62, 125, 250, 500), "rows": (12, 25, 50, 100), "code": (250, 500, 1000, 2000)}
HEAD = "lecture: {title: Content scale, slug: content-scale}\nsections:\n  - title: S\n    slides:\n      - title: Big\n"


def lecture_yaml(kind: str, size: int) -> str:
    if kind == "bullets":
        return HEAD + "        bullets:\n" + "".join(
            f"          - 'Point {i}: a claim about gradients that needs most of a line'\n" for i in range(size))
    if kind == "rows":
        columns = 10
        header = ", ".join(f"c{j}" for j in range(columns))
        rows = "".join("            - [" + ", ".join(f"'r{i}c{j}'" for j in range(columns)) + "]\n" for i in range(size))
        return HEAD + f"        table:\n          columns: [{header}]\n          rows:\n" + rows
    return HEAD + "        code: |\n" + "".join(f"          x{i} = step(x{i - 1}, rate=0.1)  # {i}\n" for i in range(size))


def build_once(kind: str, size: int, workdir: Path) -> dict:
    content = workdir / f"{kind}-{size}.yaml"
    content.write_text(lecture_yaml(kind, size))
    arguments = ["build", str(content), "-o", str(workdir / "out"), "-q", "--format", "pptx,html",
                 "--cache-dir", str(workdir / "cache")]
    seconds, peak_mib = run_measured(arguments, f"build of {size} {kind}")
    return {"kind": kind, "size": size, "seconds": seconds, "peak_rss_mib": peak_mib}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="bullets,rows,code")
    kinds = parser.parse_args().kinds.split(",")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            rows += [build_once(kind, size, Path(folder)) for size in SIZES[kind]]
    print("| content | size | build | time vs smallest (size ratio) | peak memory |")
    print("|---|---|---|---|---|")
    for row in rows:
        base = next(other for other in rows if other["kind"] == row["kind"])
        print(f"| {row['kind']} | {row['size']:,} | {row['seconds']:.1f} s | {row['seconds'] / base['seconds']:.1f}x "
              f"({row['size'] / base['size']:.0f}x) | {row['peak_rss_mib']:.0f} MiB |")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "content_scale.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
