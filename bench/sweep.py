"""Benchmark the training demos; prints a table and writes bench/results/sweep-<device>.json.

Measured in one run, so the ratios hold even on a shared, noisy machine:
  1. the default depth sweep trained as one batched ensemble per depth vs the
     plain per-model loop (same members, same budget), each depth timed --repeats
     times per engine, interleaved, the fastest counting;
  2. the batched sweep's achieved GFLOP/s against a large matmul's, measured
     in the same run on the same device;
  3. the cold wall time of each demo of the default lecture (default profile);
  4. the default CNN demo's networks trained one seed at a time vs stacked
     into one batched model per architecture (torch.func.vmap);
  5. whether flushing denormal floats changes the time of a deep sigmoid sweep
     (CPU only: where gradients vanish they pass through denormal numbers);
  6. on CUDA, each of the above with the training step recorded as a CUDA graph
     (the default there) against the same step run eagerly.

Usage: python bench/sweep.py [--device cpu|cuda] [--loop-depths 1,2,4,8,16] [--no-loop] [--repeats 2]
(--no-loop skips the per-model loops, which take minutes on a GPU.)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from pathlib import Path

import torch

from generator.content.loader import load_lecture
from generator.demos.kinds.cnn_digits import CnnDigitsParams, build_cnn, build_dense, count_parameters, matching_dense_width
from generator.demos.cuda_graphs import ENVIRONMENT_SWITCH
from generator.demos.data import digits
from generator.demos.kinds.depth_sweep import DepthSweepParams
from generator.demos.kinds.depth_sweep import run as run_sweep
from generator.demos.ensemble import Member, TrainConfig, layer_sizes, train_ensemble, train_reference
from generator.demos.execution import plan_jobs, resolve_device, run_job, seed_everything
from generator.demos.registry import RunContext, SilentProgress
from generator.demos.stacked_modules import TrainBudget, train_one, train_stacked
from generator.locations import default_lecture

RESULTS = Path(__file__).resolve().parent / "results"


def synchronise(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def timed(function, device: str) -> tuple[float, object]:
    synchronise(device)
    started = time.perf_counter()
    value = function()
    synchronise(device)
    return time.perf_counter() - started, value


def sweep_flops(params: DepthSweepParams, members: int, train_size: int, test_size: int, depths) -> float:
    """Multiply-adds x 2 of training (forward + two backward products) and evaluation."""
    steps = train_size // params.batch_size
    total = 0.0
    for depth in depths:
        weights = sum(i * o for i, o in layer_sizes(64, params.width, depth, 10))
        train = 3 * 2 * params.batch_size * weights * steps * params.epochs
        evaluate = 2 * test_size * weights * params.epochs
        total += members * (train + evaluate)
    return total


def matmul_gflops(device: str, size: int = 2048, repeats: int = 10) -> float:
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)
    a @ b  # warm up
    seconds, _ = timed(lambda: [a @ b for _ in range(repeats)], device)
    return 2 * size**3 * repeats / seconds / 1e9


def tensors(device: str):
    split = digits()
    return (torch.from_numpy(split.flat(split.train_images)).to(device), torch.from_numpy(split.train_labels).to(device),
            torch.from_numpy(split.flat(split.test_images)).to(device), torch.from_numpy(split.test_labels).to(device))


def batched_vs_loop(params: DepthSweepParams, depths, device: str, loop: bool, repeats: int) -> dict:
    """Batched (graphed on CUDA) against the per-model loop and, on CUDA, against batched eager steps.

    Each depth is timed ``repeats`` times, the engines interleaved, and the fastest of each counts:
    on a shared machine other work only ever adds time, and it comes and goes within a run.
    """
    data = tensors(device)
    members = [Member(a, i, s, lr=lr) for a in params.activations for i in params.inits for lr in params.lrs
               for s in params.seeds]
    engines = {"batched_s": lambda config: train_ensemble(members, config, *data)}
    if device == "cuda":
        engines["eager_s"] = lambda config: train_ensemble(members, config, *data, cuda_graphs=False)
    if loop:
        engines["loop_s"] = lambda config: [train_reference(member, config, *data) for member in members]
    times = {"batched_s": 0.0, "loop_s": None, "eager_s": None} | {name: 0.0 for name in engines}
    for depth in depths:
        config = TrainConfig(depth=depth, width=params.width, epochs=params.epochs, batch_size=params.batch_size,
                             lr=params.lrs[0], momentum=params.momentum, grad_norm_epochs=(0,))
        best = dict.fromkeys(engines, math.inf)
        for _ in range(repeats):
            for name, train in engines.items():
                best[name] = min(best[name], timed(lambda: train(config), device)[0])
        for name, seconds in best.items():
            times[name] += seconds
    flops = sweep_flops(params, len(members), len(data[0]), len(data[2]), depths)
    return {"members": len(members), "depths": list(depths), "repeats": repeats, **times,
            "speedup": times["loop_s"] / times["batched_s"] if loop else None,
            "batched_gflops": flops / times["batched_s"] / 1e9}


def cnn_stacked_vs_loop(device: str, loop: bool) -> dict:
    """The default cnn_digits budget: both architectures, every seed, one at a time against stacked
    (graphed on CUDA), and on CUDA stacked with eager steps."""
    params = CnnDigitsParams()
    split = digits()
    data = tuple(torch.from_numpy(array).to(device) for array in
                 (split.train_images, split.train_labels, split.test_images, split.test_labels))
    budget = TrainBudget(epochs=params.epochs, batch_size=params.batch_size, lr=params.lr)
    inputs = split.side * split.side
    hidden = matching_dense_width(count_parameters(build_cnn(params.channels, split.side, 10)), inputs, 10)
    times = {"stacked_s": 0.0, "loop_s": 0.0 if loop else None, "eager_s": 0.0 if device == "cuda" else None}
    for build in (lambda: build_cnn(params.channels, split.side, 10), lambda: build_dense(inputs, hidden, 10)):
        modules = []
        for seed in params.seeds:
            torch.manual_seed(seed)
            modules.append(build().to(device))
        times["stacked_s"] += timed(lambda: train_stacked(modules, params.seeds, budget, data), device)[0]
        if device == "cuda":
            times["eager_s"] += timed(lambda: train_stacked(modules, params.seeds, budget, data, cuda_graphs=False),
                                      device)[0]
        for module, seed in zip(modules, params.seeds) if loop else ():
            times["loop_s"] += timed(lambda: train_one(module, seed, budget, data), device)[0]
    return {"networks": 2 * len(params.seeds), "epochs": params.epochs, **times,
            "speedup": times["loop_s"] / times["stacked_s"] if loop else None}


def demo_cold_times(device: str, cpu_times: dict[str, float] | None = None) -> dict[str, float]:
    """Wall seconds per demo; ``cpu_times``, if given, gets each demo's CPU seconds (user + system).

    On a shared machine the wall time grows with everyone else's load, but the CPU time is the
    work itself: on a quiet machine a demo that keeps at least one core busy takes at most its
    CPU time in wall time, so the CPU total bounds the quiet cold time from above.
    """
    import resource

    times = {}
    for job in plan_jobs(load_lecture(default_lecture()).lecture, "default"):
        before = resource.getrusage(resource.RUSAGE_SELF)
        _, provenance = run_job(job, device, SilentProgress())
        after = resource.getrusage(resource.RUSAGE_SELF)
        name = f"{job.name} ({job.kind.name})"
        times[name] = provenance["wall_s"]
        if cpu_times is not None:
            cpu_times[name] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return times


def demo_cold_times_eager(device: str) -> dict[str, float] | None:
    """On CUDA, the same demos with CUDA graphs switched off as a user would (the environment switch)."""
    if device != "cuda":
        return None
    os.environ[ENVIRONMENT_SWITCH] = "0"
    try:
        return demo_cold_times(device)
    finally:
        del os.environ[ENVIRONMENT_SWITCH]


def denormal_effect(device: str) -> dict | None:
    if device != "cpu":
        return None
    params = DepthSweepParams(activations=["sigmoid"], inits=["default"], depths=[48], seeds=[0, 1, 2, 3], epochs=3)
    context = RunContext(device=device, seed=0)
    run_sweep(params, context)  # warm up
    times = {}
    for flush in (False, True, False, True):
        torch.set_flush_denormal(flush)
        seconds, _ = timed(lambda: run_sweep(params, context), device)
        times.setdefault(flush, []).append(seconds)
    torch.set_flush_denormal(False)
    kept, flushed = min(times[False]), min(times[True])
    return {"denormals_kept_s": kept, "denormals_flushed_s": flushed, "ratio": kept / flushed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda", "mps"])
    parser.add_argument("--loop-depths", default="1,2,4,8,16",
                        help="Depths for the batched-vs-loop comparison (the default sweep's, by default).")
    parser.add_argument("--no-loop", action="store_true", help="Skip the per-model loops (minutes on a GPU).")
    parser.add_argument("--repeats", type=int, default=2,
                        help="Times each depth of the sweep comparison is trained per engine; the fastest counts.")
    arguments = parser.parse_args()
    device = resolve_device(arguments.device)
    seed_everything(0, deterministic=True)
    params = DepthSweepParams()
    depths = [int(depth) for depth in arguments.loop_depths.split(",")]

    cpu_times: dict[str, float] = {}
    report = {
        "device": device,
        "device_name": torch.cuda.get_device_name() if device == "cuda" else platform.processor() or platform.machine(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "matmul_gflops": matmul_gflops(device),
        "sweep": batched_vs_loop(params, depths, device, loop=not arguments.no_loop, repeats=arguments.repeats),
        "cnn": cnn_stacked_vs_loop(device, loop=not arguments.no_loop),
        "demo_cold_s": demo_cold_times(device, cpu_times),
        "demo_cold_cpu_s": cpu_times,
        "demo_cold_eager_s": demo_cold_times_eager(device),
        "denormals": denormal_effect(device),
    }
    report["sweep"]["fraction_of_matmul"] = report["sweep"]["batched_gflops"] / report["matmul_gflops"]

    sweep, cnn = report["sweep"], report["cnn"]
    graphed = " (CUDA graphs)" if device == "cuda" else ""
    rows = [
        ("device", f"{device} ({report['device_name']}, {report['threads']} threads, torch {report['torch']})"),
        (f"default sweep, batched{graphed}", f"{sweep['batched_s']:.1f} s ({sweep['members']} nets x depths {sweep['depths']}, "
                                             f"fastest of {sweep['repeats']} per depth)"),
    ]
    if sweep["eager_s"] is not None:
        rows += [("default sweep, batched, eager steps", f"{sweep['eager_s']:.1f} s"),
                 ("CUDA graphs speed-up, sweep", f"{sweep['eager_s'] / sweep['batched_s']:.1f}x")]
    if sweep["loop_s"] is not None:
        rows += [("default sweep, per-model loop", f"{sweep['loop_s']:.1f} s"),
                 ("speed-up (target >= 4x)", f"{sweep['speedup']:.1f}x")]
    rows += [
        ("batched sweep GFLOP/s", f"{sweep['batched_gflops']:.1f}"),
        ("2048^2 matmul GFLOP/s", f"{report['matmul_gflops']:.1f}"),
        ("sweep / matmul", f"{sweep['fraction_of_matmul']:.1%}"),
        (f"default CNN demo, seeds stacked{graphed}", f"{cnn['stacked_s']:.1f} s ({cnn['networks']} nets x {cnn['epochs']} epochs)"),
    ]
    if cnn["eager_s"] is not None:
        rows += [("default CNN demo, seeds stacked, eager steps", f"{cnn['eager_s']:.1f} s"),
                 ("CUDA graphs speed-up, CNN", f"{cnn['eager_s'] / cnn['stacked_s']:.1f}x")]
    if cnn["loop_s"] is not None:
        rows += [("default CNN demo, one network at a time", f"{cnn['loop_s']:.1f} s"),
                 ("CNN speed-up", f"{cnn['speedup']:.1f}x")]
    rows += [(f"cold: {name}{graphed}", f"{seconds:.1f} s") for name, seconds in report["demo_cold_s"].items()]
    rows.append((f"cold: all demos{graphed} (target <= 60 s on CPU)", f"{sum(report['demo_cold_s'].values()):.1f} s"))
    if device == "cpu":
        rows.append(("cold: all demos, CPU time (bounds the quiet wall time)",
                     f"{sum(report['demo_cold_cpu_s'].values()):.1f} s"))
    if report["demo_cold_eager_s"]:
        rows += [(f"cold: {name}, eager steps", f"{seconds:.1f} s") for name, seconds in report["demo_cold_eager_s"].items()]
        rows.append(("cold: all demos, eager steps", f"{sum(report['demo_cold_eager_s'].values()):.1f} s"))
    if report["denormals"]:
        d = report["denormals"]
        rows.append(("sigmoid depth-48 sweep, denormals kept / flushed",
                     f"{d['denormals_kept_s']:.2f} s / {d['denormals_flushed_s']:.2f} s = {d['ratio']:.2f}x"))
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"sweep-{device}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
