"""``--executor ray``: each demo that must run is one Ray task, on this machine or a cluster.

A task asks Ray for one GPU when the demo runs on CUDA and for CPUs otherwise (``num_cpus``, 1 by
default, which is also the torch thread count it runs with). It runs
:func:`generator.demos.scheduler.execute`, the function a local worker process runs, on the same
:class:`DemoTask`, so the cache key, the result, its provenance and the figures drawn from it are
those of a local run; the result comes back to the driver, which writes the cache, so the workers
need no shared disk. The lecture's own code files travel inside the task. Progress comes back
through a Ray queue.

Ray is optional: ``pip install 'lecturegen[ray]'``. Without an address a Ray instance is started
on this machine for the build and stopped after it; with ``--ray-address`` (``auto``, or
``HOST:PORT`` of a head node started with ``ray start --head``) the build connects to that cluster,
whose nodes need the same lecturegen, torch and numpy (the worker checks the cache key it computes).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import replace

from generator.demos.scheduler import DemoTask, Outcome, execute, forward_events
from generator.errors import BuildError, UsageError

REACH_TIMEOUT_S = 10
INSTALL_HINT = "install it with: pip install 'lecturegen[ray]' (or pip install ray)"


def import_ray():
    try:
        import ray
    except ImportError as error:
        raise UsageError(f"--executor ray: Ray is not installed ({error}); {INSTALL_HINT}") from None
    return ray


class RayExecutor:
    def __init__(self, address: str | None, reporter, cpus_per_demo: int = 1):
        self.ray = import_ray()
        self.address = address
        self.reporter = reporter
        self.cpus = max(1, cpus_per_demo)
        self.started_here = False
        self.startup_s: float | None = None
        self.name = f"Ray tasks ({address or 'a Ray instance on this machine'})"

    def connect(self) -> None:
        ray = self.ray
        if ray.is_initialized():
            return  # the caller (a test, a notebook) brought its own
        started = time.perf_counter()
        self.check_reachable()
        try:
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                     logging_level="warning", configure_logging=True)
        except Exception as error:  # noqa: BLE001 - Ray raises ConnectionError, RuntimeError, ValueError...
            where = f"the Ray cluster at {self.address}" if self.address else "a Ray instance on this machine"
            raise BuildError(f"--executor ray: cannot start or reach {where}: {type(error).__name__}: {error}") from None
        self.started_here = True
        self.startup_s = time.perf_counter() - started
        self.reporter.info(f"ray: {'connected to ' + self.address if self.address else 'started a local instance'} "
                           f"in {self.startup_s:.1f} s")

    def check_reachable(self) -> None:
        """Say at once when nothing listens at HOST:PORT: Ray itself keeps trying for minutes."""
        host, colon, port = (self.address or "").rpartition(":")
        if not colon or not port.isdigit() or "//" in host:
            return  # no address, "auto", or a ray:// client address: Ray's own checks apply
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_TIMEOUT_S).close()
        except OSError as error:
            reason = error.strerror or str(error) or type(error).__name__
            raise BuildError(f"--executor ray: cannot start or reach the Ray cluster at {self.address}: nothing "
                             f"answers there ({reason.lower()}); start its head with `ray start --head` and give "
                             "the address it prints") from None

    def device(self, requested: str) -> str:
        """The device the demos run on, as the cluster offers it (not this machine): CUDA where it has GPUs."""
        self.connect()
        gpus = self.ray.cluster_resources().get("GPU", 0)
        if requested == "auto":
            return "cuda" if gpus else "cpu"
        if requested == "cuda" and not gpus:
            raise UsageError("--device cuda: the Ray cluster has no GPU; use --device cpu or auto")
        if requested == "mps":
            raise UsageError("--device mps: Ray tasks cannot ask for Apple's Metal backend; use --device cpu or auto")
        return requested

    def run(self, work: Sequence[tuple[DemoTask, object]], board, on_outcome) -> None:
        ray = self.ray
        self.connect()
        from ray.util.queue import Queue

        remote = ray.remote(execute)
        events = Queue()
        stop = threading.Event()
        forwarder = forward_events(events, board, stop, lambda q: q.get(timeout=0.2))
        pending = {}
        try:
            for task, _ in work:
                if task.device == "cuda":
                    options, task = {"num_gpus": 1, "num_cpus": 1}, replace(task, threads=1, gpu=None)
                else:
                    options, task = {"num_cpus": self.cpus}, replace(task, threads=self.cpus)
                board.started(task)
                pending[remote.options(max_retries=0, **options).remote(task, events)] = task
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                for reference in ready:
                    task = pending.pop(reference)
                    try:
                        outcome = ray.get(reference)
                    except Exception as error:  # noqa: BLE001 - a worker that died, a task Ray could not run
                        outcome = Outcome(task.key, error=f"demo {task.name!r} ({task.kind}): its Ray task failed: "
                                                          f"{type(error).__name__}: {str(error).splitlines()[0]}")
                    on_outcome(task, outcome)
        except BaseException:
            for reference in pending:
                ray.cancel(reference, force=True)
            raise
        finally:
            stop.set()
            forwarder.join(timeout=5)
            try:
                events.shutdown()
            except Exception:  # noqa: BLE001
                pass
            if self.started_here:
                ray.shutdown()
                self.started_here = False
