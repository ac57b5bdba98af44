"""Benchmark the example lecture content/examples/regularization/; prints a markdown table.

Measured in one run, so the numbers share the machine's load (given in the table):
  1. each demo of the lecture's default profile, cold: run directly, so no cache is read or written,
     with its wall time and the process's CPU time; and their sum, against the target of 60 s on
     the project's 2-core CPU;
  2. the whole default build, cold (a fresh, temporary cache and output folder), in a process of
     its own (child_build.run_measured): demos, figures and every default format;
  3. each demo's networks (regularisation_gap: 4 configurations x 5 seeds; optimiser_grid:
     3 optimisers x 9 rates x 5 seeds) trained as one batched model against one at a time: the same
     kind with one network per call, so the code, the budget and each network's trajectory are the
     same; the largest difference in final accuracy between the two says so. The loop is timed
     once; the batched run is the fastest of --repeats;
  4. the batched regularisation_gap demo with one CPU thread (the kinds' default, `cpu_threads: 1`) and with
     PyTorch's default thread count (`cpu_threads: 0`), interleaved, the fastest of --repeats each:
     these networks are small, and on a shared machine a second thread mostly waits.

Usage: python bench/regularization.py [--device cpu] [--no-loop] [--no-build] [--repeats 2]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import tempfile
import time
from pathlib import Path

from child_build import run_measured

from generator.content.loader import load_lecture
from generator.demos.execution import plan_jobs, resolve_device, run_job, seed_everything
from generator.demos.registry import RunContext, SilentProgress

LECTURE = Path(__file__).resolve().parent.parent / "content" / "examples" / "regularization" / "lecture.yaml"
TARGET_S = 60.0


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def cold_demos(device: str) -> list[tuple[str, float, float]]:
    """(demo, wall s, CPU s) of each demo of the default profile, run directly (no cache)."""
    rows = []
    for job in plan_jobs(load_lecture(LECTURE).lecture, "default"):
        cpu = time.process_time()
        _, provenance = run_job(job, device, SilentProgress())
        rows.append((f"{job.name} ({job.kind.name})", provenance["wall_s"], time.process_time() - cpu))
    return rows


def cold_build(device: str) -> tuple[float, float]:
    """(seconds, peak MiB) of `lecturegen build` of the default profile with an empty cache."""
    with tempfile.TemporaryDirectory() as folder:
        return run_measured(["build", str(LECTURE), "-o", str(Path(folder) / "out"), "--cache-dir",
                             str(Path(folder) / "cache"), "--device", device, "-q"], "the cold build")


def members(params) -> list[tuple[dict, tuple[int, ...]]]:
    """Each network of a demo: the parameters that train it alone, and its final accuracy's index in the batched
    result (in the result of training it alone, the same index with 0 for every axis of the grid)."""
    seeds = list(enumerate(params.seeds))
    if hasattr(params, "configurations"):  # regularisation_gap: test_acc (configuration, seed, epoch)
        return [({"configurations": [c], "seeds": [seed]}, (i, s, -1))
                for i, c in enumerate(params.configurations) for s, seed in seeds]
    # optimiser_grid: val_acc (optimiser, rate, seed)
    return [({"optimisers": [o], "learning_rates": [rate], "seeds": [seed]}, (i, r, s))
            for i, o in enumerate(params.optimisers) for r, rate in enumerate(params.learning_rates)
            for s, seed in seeds]


def batched_vs_loop(device: str, kind_name: str, repeats: int) -> dict:
    """A default demo batched, and network by network (the same kind, one network per call)."""
    job = next(job for job in plan_jobs(load_lecture(LECTURE).lecture, "default") if job.kind.name == kind_name)
    kind, params = job.kind, job.params
    accuracy = "test_acc" if kind_name == "regularisation_gap" else "val_acc"

    def run(which) -> tuple[float, object]:
        seed_everything(job.seed, deterministic=True)
        started = time.perf_counter()
        result = kind.run(which, RunContext(device=device, seed=job.seed))
        return time.perf_counter() - started, result

    batched_s, default_threads_s, batched = math.inf, math.inf, None
    for _ in range(repeats):
        seconds, batched = run(params)
        batched_s = min(batched_s, seconds)
        if kind_name == "regularisation_gap":
            default_threads_s = min(default_threads_s, run(params.model_copy(update={"cpu_threads": 0}))[0])
    loop_s, difference = 0.0, 0.0
    for update, index in members(params):
        seconds, alone = run(params.model_copy(update=update))
        loop_s += seconds
        alone_index = tuple(-1 if axis == -1 else 0 for axis in index)
        difference = max(difference, abs(float(alone.arrays[accuracy][alone_index] - batched.arrays[accuracy][index])))
    return {"members": len(members(params)), "epochs": params.epochs, "batched_s": batched_s, "loop_s": loop_s,
            "speedup": loop_s / batched_s, "max_difference": difference, "threads": params.cpu_threads,
            "default_threads_s": default_threads_s, "accuracy": accuracy.replace("_acc", "")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda", "mps"])
    parser.add_argument("--no-loop", action="store_true", help="Skip the member-by-member comparison.")
    parser.add_argument("--no-build", action="store_true", help="Skip the whole cold build in a child process.")
    parser.add_argument("--repeats", type=int, default=2, help="Batched runs in the comparison; the fastest counts.")
    arguments = parser.parse_args()
    device = resolve_device(arguments.device)
    import torch

    rows = [("device", f"{device} ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, "
                       f"torch {torch.__version__})"),
            ("load average (1 / 5 / 15 min) at the start", load())]
    demos = cold_demos(device)
    rows += [(f"cold: {name}", f"{wall:.1f} s (CPU {cpu:.1f} s)") for name, wall, cpu in demos]
    total = sum(wall for _, wall, _ in demos)
    rows.append((f"cold: all demos (target <= {TARGET_S:.0f} s)",
                 f"{total:.1f} s ({'met' if total <= TARGET_S else 'MISSED'})"))
    if not arguments.no_build:
        seconds, peak = cold_build(device)
        rows.append((f"cold: whole build, default formats (target <= {TARGET_S:.0f} s)",
                     f"{seconds:.1f} s, peak {peak:.0f} MiB ({'met' if seconds <= TARGET_S else 'MISSED'})"))
    for kind_name in () if arguments.no_loop else ("regularisation_gap", "optimiser_grid"):
        comparison = batched_vs_loop(device, kind_name, arguments.repeats)
        rows += [
            (f"{kind_name}, batched", f"{comparison['batched_s']:.1f} s ({comparison['members']} nets x "
                                      f"{comparison['epochs']} epochs, fastest of {arguments.repeats})"),
            (f"{kind_name}, one network at a time", f"{comparison['loop_s']:.1f} s"),
            (f"{kind_name}, batching speed-up", f"{comparison['speedup']:.1f}x"),
            (f"{kind_name}, largest difference in final {comparison['accuracy']} accuracy",
             f"{comparison['max_difference']:.2g}"),
        ]
        if kind_name == "regularisation_gap":
            rows.append((f"{kind_name}, batched, PyTorch's {torch.get_num_threads()} threads instead of "
                         f"{comparison['threads']}", f"{comparison['default_threads_s']:.1f} s (fastest of "
                                                     f"{arguments.repeats})"))
    rows.append(("load average (1 / 5 / 15 min) at the end", load()))
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()
