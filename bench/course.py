"""A whole course built cold three ways (one demo after another, --jobs 2, Ray on this machine), then warm.

The course is the shipped example course, content/course/ (the default lecture, the minimal example and
the regularisation example, sharing content/course/shared/). Each cold build gets an empty cache of its
own; the warm rebuild reuses the serial build's. Printed: the demo phase and the whole build of each,
Ray's start-up, how many demos the course names and how many distinct runs it made of them, the load
average before and after, and a Markdown table with the ratios to the serial build.

    .venv/bin/python bench/course.py [--profile quick|default] [--skip-ray]

This machine is shared and has 2 cores: treat the numbers as ratios, and run it twice.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from generator.build import BuildOptions
from generator.course.build import build_course
from generator.progress import SilentReporter

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "content" / "course" / "course.yaml"


def one_build(course: Path, out: Path, cache: Path, profile: str, **how) -> dict:
    options = BuildOptions(content=course, output_dir=out, formats=("html",), profile=profile, device="cpu",
                           cache_dir=cache, **how)
    started = time.perf_counter()
    build_course(options, SilentReporter())
    total = time.perf_counter() - started
    manifest = json.loads((out / "manifest.json").read_text())
    return {"total_s": round(total, 1), "demos_s": manifest["timings_s"]["demos"],
            "startup_s": manifest["executor"]["startup_s"], "runs": manifest["demos"]["distinct_runs"],
            "uses": manifest["demos"]["uses"],
            "demo_wall_s": round(sum(run["provenance"].get("wall_s", 0) for run in manifest["demos"]["runs"]
                                     if not run["from_cache"]), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="lecturegen-bench-course-") as folder:
        root = Path(folder)
        course = COURSE
        ways = [("serial", {}), ("jobs2", {"jobs": 2})]
        if not args.skip_ray:
            ways.append(("ray", {"executor": "ray"}))
        results = {}
        for name, how in ways:
            results[name] = one_build(course, root / f"out-{name}", root / f"cache-{name}", args.profile, **how)
            print(name, results[name], flush=True)
        results["warm"] = one_build(course, root / "out-serial", root / "cache-serial", args.profile)
        print("warm", results["warm"], flush=True)
        serial = results["serial"]
        print(f"load average after: {os.getloadavg()}", flush=True)
        print(f"\nprofile {args.profile}, HTML only, {serial['uses']} demos named, {serial['runs']} distinct runs "
              f"({serial['uses'] - serial['runs']} deduplicated)\n")
        print("| build | demos (s) | whole build (s) | Ray start-up (s) | demos vs serial | build vs serial |")
        print("|---|---|---|---|---|---|")
        for name, result in results.items():
            startup = f"{result['startup_s']:.1f}" if result["startup_s"] else ""
            demos = f"{serial['demos_s'] / result['demos_s']:.2f}x" if result["demo_wall_s"] else "all cached"
            print(f"| {name} | {result['demos_s']:.1f} | {result['total_s']:.1f} | {startup} | {demos} | "
                  f"{serial['total_s'] / result['total_s']:.2f}x |")


if __name__ == "__main__":
    main()
