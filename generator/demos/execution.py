"""Plan demo jobs from a lecture, pick the device, run a job with its seed.

A :class:`DemoJob` is a demo instance with its parameters resolved (content
params, then the chosen profile's overrides) and validated. Its cache key is
computed without importing torch, so a fully cached build never loads it.
"""

from __future__ import annotations

import inspect
import os
import platform
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.cache import content_key
from generator.content.schema import Lecture
from generator.demos.registry import DemoKind, DemoResult, Progress, RunContext, get_kind
from generator.errors import BuildError, UsageError

# Versions of the libraries whose arithmetic ends up in a result.
NUMERIC_PACKAGES = ("torch", "numpy")


@dataclass(frozen=True)
class DemoJob:
    name: str  # the instance name in the content, e.g. "act"
    kind: DemoKind
    params: BaseModel
    seed: int

    def key(self, device_type: str, data_dir: str | Path = "") -> str:
        """The cache key; ``data_dir`` is where a dataset that is not bundled (MNIST) is read from."""
        from generator.demos.data import fingerprint

        dataset = getattr(self.params, "dataset", None)
        return content_key(
            {
                "kind": self.kind.name,
                "params": self.params.model_dump(mode="json"),
                "seed": self.seed,
                "code": self.kind.code_hash(),
                "versions": package_versions(NUMERIC_PACKAGES),
                "device": device_type,
                "data": fingerprint(dataset, data_dir) if dataset else None,
            }
        )


def package_versions(names: tuple[str, ...]) -> dict[str, str]:
    return {name: _version(name) for name in names}


@lru_cache(maxsize=None)
def _version(name: str) -> str:
    # Read once per process: the code running is the version imported at start, whatever is installed since.
    # Every cache key asks (three device types per demo with --device auto), and each read parses metadata.
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def plan_jobs(lecture: Lecture, profile: str) -> list[DemoJob]:
    """Every demo instance of the lecture, with ``profile``'s overrides applied."""
    overrides = lecture.profiles.get(profile, {})
    jobs = []
    for name, instance in lecture.demos.items():
        kind = get_kind(instance.kind)
        params = kind.params.model_validate({**instance.params, **overrides.get(name, {})})
        jobs.append(DemoJob(name=name, kind=kind, params=params, seed=instance.seed))
    return jobs


def resolve_device(requested: str) -> str:
    """'auto' -> the best available of cuda, mps, cpu; an explicit choice is checked."""
    import torch

    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise UsageError(
            "--device cuda: this torch build sees no CUDA GPU "
            f"(torch {torch.__version__}, built for CUDA {torch.version.cuda or 'none'}). "
            "Use --device cpu, or install a CUDA build of torch (see README, 'GPU')."
        )
    if requested == "mps" and not torch.backends.mps.is_available():
        raise UsageError("--device mps: Apple's Metal backend is not available here; use --device cpu or auto.")
    return requested


def seed_everything(seed: int, deterministic: bool) -> None:
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if deterministic:
        # cuBLAS needs this workspace setting for deterministic matrix products.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signal(notify: Callable[[str], None]) -> Iterator[threading.Event]:
    """While a demo trains, the first Ctrl-C (or SIGTERM) asks it to stop; the second stops it at once.

    The event it yields is what ``RunContext.should_stop()`` reads: a demo that checks it between
    epochs ends at a clean point instead of in the middle of an update. When the block ends, a
    requested stop is carried out as the signal's usual handler would (Ctrl-C: KeyboardInterrupt),
    so nothing the stopped demo returned is kept or cached. Outside the main thread, where Python
    delivers no signals, the event is simply never set.
    """
    requested = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield requested
        return
    received: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}

    def ask_to_stop(signum, frame):
        if requested.is_set():
            _usual_handling(previous[signum], signum, frame)
            return
        received.append(signum)
        requested.set()
        notify("stopping at the demo's next check; press Ctrl-C again to stop at once")

    for signum in STOP_SIGNALS:
        signal.signal(signum, ask_to_stop)
    try:
        yield requested
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            # Also when the stopped run raised (it may have returned half a result): the stop is what happened.
            _usual_handling(previous[received[0]], received[0], None)


def _usual_handling(handler, signum: int, frame) -> None:
    """Do what ``handler`` (as signal.getsignal gave it) does for ``signum``."""
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)


def run_job(job: DemoJob, device: str, progress: Progress, data_dir: str = "",
            stop: threading.Event | None = None) -> tuple[DemoResult, dict[str, Any]]:
    """Run one demo; return its result and provenance. Errors name the demo.

    ``stop``: once set, ``ctx.should_stop()`` says so, and the run may end early.
    """
    import torch

    seed_everything(job.seed, deterministic=True)
    context = RunContext(device=device, seed=job.seed, deterministic=True, progress=progress, data_dir=data_dir,
                         should_stop=stop.is_set if stop is not None else (lambda: False))
    started = time.perf_counter()
    try:
        result = job.kind.run(job.params, context)
    except torch.cuda.OutOfMemoryError as error:
        raise BuildError(
            f"demo {job.name!r} ({job.kind.name}) ran out of GPU memory: {str(error).splitlines()[0]}. "
            "Try a smaller profile (--profile quick) or --device cpu."
        ) from error
    except Exception as error:  # noqa: BLE001 - any failure of user-parameterised training is reported, not raised raw
        params = job.params.model_dump(mode="json")
        raise BuildError(f"{where_it_failed(error, job.kind.run)}demo {job.name!r} ({job.kind.name}, params {params}) "
                         f"failed: {type(error).__name__}: {error}") from error
    wall = time.perf_counter() - started
    problems = job.kind.result_schema.problems(result.values, job.params, job.name)
    if problems:
        # The text quoting these values was checked against the schema: a result that differs would break it.
        raise BuildError(f"demo {job.name!r}: kind {job.kind.name!r} returned values that differ from its result "
                         f"schema: {'; '.join(problems)}")
    provenance = {
        "demo": job.name,
        "kind": job.kind.name,
        "params": job.params.model_dump(mode="json"),
        "seed": job.seed,
        "device": device,
        "device_name": _device_name(device),
        "versions": {"torch": torch.__version__, **package_versions(("numpy",)), "python": platform.python_version()},
        "wall_s": round(wall, 4),
    }
    return result, provenance


def where_it_failed(error: BaseException, function) -> str:
    """"demos/dropout.py:42: " for the line of ``function``'s file that the error passed last; "" if none."""
    from generator.demos.user_code import line_in, shown_name

    path = Path(inspect.getfile(function))
    line = line_in(error, path)
    return f"{shown_name(path)}:{line}: " if line else ""


def _device_name(device: str) -> str:
    import torch

    if device == "cuda":
        return torch.cuda.get_device_name()
    return platform.processor() or platform.machine()
