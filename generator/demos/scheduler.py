"""Run demos in this process, in worker processes (``--jobs N``) or as Ray tasks (``--executor ray``).

The build (generator/build.py, ``_DemoRunner.gather``) decides what runs: it takes every demo it
could not fetch from the cache, across all the lectures of a course, and hands one
:class:`DemoTask` per distinct cache key to an executor. A task is plain data (the kind's name,
the parameters as JSON, the seed, the device, the source of the lecture's own code files), so a
fresh worker process, or a Ray worker on another machine, rebuilds the same job from it, checks
that it computes the same cache key, and runs it with :func:`generator.demos.execution.run_job`.
The result comes back to the driver, which alone writes the cache: workers need no shared disk.

Executors call ``on_outcome`` once per task, in the order the tasks finish, and report progress
through a :class:`generator.progress.DemoBoard`. A task that fails gives an :class:`Outcome` with
its error; the other tasks go on.
"""

from __future__ import annotations

import hashlib
import os
import queue as queue_module
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.demos.registry import DemoResult

if TYPE_CHECKING:
    from generator.demos.execution import DemoJob
    from generator.progress import DemoBoard


@dataclass(frozen=True)
class CodeFile:
    """One of a lecture's `code:` files, with its text, so a worker without the lecture's folder can load it."""

    path: str  # where the driver read it
    shown: str  # how the lecture names it
    source: bytes


@dataclass(frozen=True)
class DemoTask:
    """One demo run as plain, picklable data; :func:`execute` turns it back into a job and runs it."""

    key: str  # the cache key the driver computed; the worker must compute the same
    name: str  # the demo's name in the (first) lecture that uses it
    kind: str
    params: dict[str, Any]  # the resolved parameters, as JSON
    seed: int
    device: str
    data_dir: str
    label: str  # how progress names it
    code: tuple[CodeFile, ...] = ()  # the lecture's own code files, which register its kinds
    modules: tuple[str, ...] = ()  # modules that register the kind when imported (kinds registered by outside code)
    threads: int = 0  # torch threads in the worker; 0: leave torch's default
    gpu: int | None = None  # the CUDA device index, for a task on "cuda"


@dataclass(frozen=True)
class Outcome:
    key: str
    result: DemoResult | None = None
    provenance: dict[str, Any] | None = None
    error: str = ""  # why it failed; "" when it ran


def task_for(job: DemoJob, key: str, device: str, data_dir: str, label: str,
             code: Sequence[tuple[Path, str]] = ()) -> DemoTask:
    """The task that runs ``job`` (whose kinds' code files are ``code``: (path, as named))."""
    origin = job.kind.origin
    modules = (origin.removeprefix("module "),) if origin.startswith("module ") else ()
    files = tuple(CodeFile(str(path), shown, Path(path).read_bytes()) for path, shown in code)
    return DemoTask(key=key, name=job.name, kind=job.kind.name, params=job.params.model_dump(mode="json"),
                    seed=job.seed, device=device, data_dir=data_dir, label=label, code=files, modules=modules)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Torch threads for each of ``workers`` processes, so that together they use the cores once, not N times."""
    return max(1, (cores or usable_cores()) // max(1, workers))


# -- the worker's side ---------------------------------------------------------------------------------

_EVENTS: Any = None  # where a worker process sends progress events (set by _start_worker)


def _start_worker(threads: int, events: Any) -> None:
    """Initialise a worker process: its thread budget before torch is imported, its progress channel."""
    global _EVENTS
    _EVENTS = events
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(threads)
    # Ctrl-C at the terminal reaches the whole process group: the driver alone decides, and ends the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def execute(task: DemoTask, events: Any = None) -> Outcome:
    """Run ``task`` where this is called (a worker process, a Ray worker); never raises for the demo's failures."""
    from generator.demos.execution import run_job
    from generator.errors import LecturegenError

    events = events if events is not None else _EVENTS
    try:
        job = _job(task)
        key = job.key(task.device, task.data_dir)
        if key != task.key:
            return Outcome(task.key, error=f"demo {task.name!r} ({task.kind}): the worker computes another cache key "
                                           "than the build (its lecturegen, torch or numpy version, the demo's code or "
                                           "its data differ); install the same versions where the demos run")
        import torch

        if task.threads:
            torch.set_num_threads(task.threads)
        if task.gpu is not None:
            torch.cuda.set_device(task.gpu)
        progress = _EventProgress(task.label, events)
        try:
            result, provenance = run_job(job, task.device, progress, data_dir=task.data_dir)
        finally:
            progress.flush()
        return Outcome(task.key, DemoResult(values=dict(result.values), arrays=dict(result.arrays)), provenance)
    except LecturegenError as error:
        return Outcome(task.key, error=error.format_message())
    except Exception as error:  # noqa: BLE001 - whatever broke, the driver reports it and the other demos go on
        return Outcome(task.key, error=f"demo {task.name!r} ({task.kind}) failed in its worker: "
                                       f"{type(error).__name__}: {error}")


def _job(task: DemoTask) -> DemoJob:
    """The task's job, with its kind registered here as in the driver (built-in, installed, a module, a file)."""
    import importlib

    from generator.demos.execution import DemoJob
    from generator.demos.registry import demo_kinds, get_kind
    from generator.demos.user_code import load_code_file, new_generation
    from generator.errors import BuildError

    demo_kinds()
    new_generation()  # a worker runs one task after another: each with its own lecture's code files' kinds
    for module in task.modules:
        importlib.import_module(module)
    for code in task.code:
        problem = load_code_file(_local_copy(code), code.shown)
        if problem is not None:
            raise BuildError(f"{problem}")
    kind = get_kind(task.kind)
    if kind is None:
        raise BuildError(f"demo {task.name!r}: the worker knows no demo kind {task.kind!r}; a kind registered by "
                         "code the build imported must be importable where the demos run")
    return DemoJob(name=task.name, kind=kind, params=kind.params.model_validate(task.params), seed=task.seed)


def _local_copy(code: CodeFile) -> Path:
    """The code file itself where it is readable and unchanged, else a copy of its text under the same name.

    The copy keeps the file's name, which is part of its kind's code hash, in a folder of its own per text.
    """
    path = Path(code.path)
    try:
        if path.read_bytes() == code.source:
            return path
    except OSError:
        pass
    digest = hashlib.sha256(code.source).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"lecturegen-code-{os.getuid()}" / digest
    copy = folder / path.name
    if not copy.is_file() or copy.read_bytes() != code.source:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{path.name}.{os.getpid()}.tmp"
        partial.write_bytes(code.source)
        os.replace(partial, copy)
    return copy


class _EventProgress:
    """A demo's Progress in a worker: sends its events to the driver, at most a few a second."""

    INTERVAL_S = 0.25

    def __init__(self, label: str, events: Any):
        self.label, self.events = label, events
        self.pending = 0
        self.sent = time.monotonic()

    def _send(self, *event: Any) -> None:
        if self.events is not None:
            try:
                self.events.put((self.label, *event))
            except Exception:  # noqa: BLE001 - progress must never fail a run
                self.events = None

    def start(self, total: int, label: str) -> None:
        self.flush()
        self._send("start", total, label)

    def advance(self, steps: int = 1) -> None:
        self.pending += steps
        if time.monotonic() - self.sent >= self.INTERVAL_S:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self._send("advance", self.pending)
            self.pending = 0
        self.sent = time.monotonic()

    def note(self, message: str) -> None:
        self._send("note", message)


def forward_events(events: Any, board: DemoBoard, stop: threading.Event, get: Callable[[Any], Any]) -> threading.Thread:
    """A thread that hands the workers' progress events to ``board`` until ``stop`` is set and the queue is empty."""

    def forward() -> None:
        while True:
            try:
                event = get(events)
            except queue_module.Empty:
                if stop.is_set():
                    return
                continue
            except Exception:  # noqa: BLE001 - the queue went away with its workers
                return
            board.event(*event)

    thread = threading.Thread(target=forward, name="lecturegen-progress", daemon=True)
    thread.start()
    return thread


# -- the driver's side ---------------------------------------------------------------------------------

OnOutcome = Callable[[DemoTask, Outcome], None]


class InProcess:
    """One demo after another in this process, as a single lecture's build runs them: the reference."""

    name = "this process"

    def __init__(self, reporter):
        self.reporter = reporter

    def device(self, requested: str) -> str:
        from generator.demos.execution import resolve_device

        return resolve_device(requested)

    def run(self, work: Sequence[tuple[DemoTask, DemoJob]], board: DemoBoard, on_outcome: OnOutcome) -> None:
        from generator.demos.execution import run_job, stop_on_signal
        from generator.errors import LecturegenError

        for task, job in work:
            board.started(task)
            with board.progress(task) as progress, stop_on_signal(self.reporter.warn) as stop:
                try:
                    result, provenance = run_job(job, task.device, progress, data_dir=task.data_dir, stop=stop)
                    outcome = Outcome(task.key, result, provenance)
                except LecturegenError as error:
                    outcome = Outcome(task.key, error=error.format_message())
            on_outcome(task, outcome)


class GpuSlots:
    """Which GPU a demo runs on: at most ``per_gpu`` demos on each GPU at a time, and a new demo goes to the
    GPU running the fewest (the lowest index on a tie), so two demos on two GPUs never share one."""

    def __init__(self, gpus: int, per_gpu: int = 1):
        self.running = [0] * gpus
        self.per_gpu = max(1, per_gpu)
        self.size = gpus * self.per_gpu

    @property
    def free(self) -> int:
        return self.size - sum(self.running)

    def take(self) -> int:
        """A GPU for the next demo; call only while ``free``."""
        gpu = min(range(len(self.running)), key=lambda index: (self.running[index], index))
        if self.running[gpu] >= self.per_gpu:
            raise RuntimeError("no GPU slot is free")
        self.running[gpu] += 1
        return gpu

    def give_back(self, gpu: int) -> None:
        self.running[gpu] -= 1


class ProcessPool:
    """``workers`` processes (started with 'spawn': no copy of the driver's torch or threads), each with its
    share of the cores; on CUDA at most ``per_gpu`` demos on each GPU at a time."""

    def __init__(self, workers: int, per_gpu: int = 1):
        self.workers = max(1, workers)
        self.per_gpu = max(1, per_gpu)
        self.name = f"{self.workers} worker processes"

    def device(self, requested: str) -> str:
        from generator.demos.execution import resolve_device

        return resolve_device(requested)

    def gpu_slots(self, device: str) -> GpuSlots | None:
        if device != "cuda":
            return None
        import torch

        count = torch.cuda.device_count()
        return GpuSlots(count, self.per_gpu) if count else None

    def run(self, work: Sequence[tuple[DemoTask, DemoJob]], board: DemoBoard, on_outcome: OnOutcome) -> None:
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        tasks = deque(task for task, _ in work)
        if not tasks:
            return
        slots = self.gpu_slots(tasks[0].device)
        workers = min(self.workers, len(tasks), slots.size if slots is not None else len(tasks))
        threads = threads_per_worker(workers)
        context = multiprocessing.get_context("spawn")
        events = context.Queue()
        stop = threading.Event()
        forwarder = forward_events(events, board, stop, lambda q: q.get(timeout=0.1))
        running: dict[Any, tuple[DemoTask, int | None]] = {}
        pool = None

        def new_pool():
            return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                       initargs=(threads, events))

        try:
            pool = new_pool()
            while tasks or running:
                while tasks and len(running) < workers and (slots is None or slots.free):
                    task = tasks.popleft()
                    gpu = slots.take() if slots is not None else None
                    task = replace(task, threads=threads, gpu=gpu)
                    board.started(task)
                    running[pool.submit(execute, task)] = (task, gpu)
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    task, gpu = running.pop(future)
                    if gpu is not None:
                        slots.give_back(gpu)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        outcome = Outcome(task.key, error=f"demo {task.name!r} ({task.kind}): its worker process "
                                                          "died (killed, or out of memory) while demos ran")
                    on_outcome(task, outcome)
                if broken:
                    # The demos that were running with it died too; the rest get a fresh pool.
                    for future, (task, gpu) in list(running.items()):
                        running.pop(future)
                        if gpu is not None:
                            slots.give_back(gpu)
                        on_outcome(task, Outcome(task.key, error=f"demo {task.name!r} ({task.kind}): its worker "
                                                                 "process died (killed, or out of memory)"))
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
            pool.shutdown(wait=True)
        except BaseException:
            # Ctrl-C, SIGTERM, an error of ours: end the workers now rather than after their demos.
            if pool is not None:
                processes = list((getattr(pool, "_processes", None) or {}).values())
                pool.shutdown(wait=False, cancel_futures=True)
                for process in processes:
                    process.terminate()
            raise
        finally:
            stop.set()
            forwarder.join(timeout=5)
            events.close()
