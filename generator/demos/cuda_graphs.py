"""Replay a training step as a CUDA graph.

The demos' networks are small, so on a GPU a training step's time goes to
launching its few hundred kernels one by one from Python, not to arithmetic:
run eagerly, the default profile took about as long on an H200 as on a 2-core
CPU (BENCHMARKS.md). A CUDA graph records the step's kernels once and then
relaunches all of them with one call.

A recorded kernel reads and writes the same memory on every replay, so a
graphed step reads its batch from input tensors that stay put (each batch is
copied into them) and accumulates what it measures into tensors that live
across steps. The first steps run eagerly on a side stream, as PyTorch's
CUDA-graph notes ask: they create the optimizer's state and let cuBLAS and
cuDNN settle their workspaces before the recording. Recording does not run
the step, so the recorded step is replayed at once: every call trains exactly
one step, graphed or not.

``LECTUREGEN_CUDA_GRAPHS=0`` turns graphs off (for comparison, or a driver
that mishandles them); results agree either way within float rounding.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable

import torch

ENVIRONMENT_SWITCH = "LECTUREGEN_CUDA_GRAPHS"
# Eager steps before the recording; PyTorch's own examples use three.
WARMUP_STEPS = 3


def graphs_wanted(device: torch.device, requested: bool | None = None) -> bool:
    """Whether training on ``device`` records its step: by default on CUDA, unless the switch says 0."""
    if requested is None:
        off = os.environ.get(ENVIRONMENT_SWITCH, "1").strip().lower() in {"0", "false", "no", "off"}
        return device.type == "cuda" and not off
    if requested and device.type != "cuda":
        raise ValueError(f"CUDA graphs need a CUDA device, not {device.type!r}")
    return requested


class TrainingStep:
    """Call ``step(*batch)`` once per training step; when graphed, record it once and replay it.

    ``step`` must keep whatever it measures in tensors created outside it
    (updated in place), because a replay reruns only the recorded kernels.
    """

    def __init__(self, step: Callable[..., None], graphed: bool):
        self.step = step
        self.graphed = graphed
        self._inputs: list[torch.Tensor] | None = None
        self._graph: torch.cuda.CUDAGraph | None = None
        self._eager_steps = 0

    def __call__(self, *batch: torch.Tensor) -> None:
        if not self.graphed:
            self.step(*batch)
            return
        if self._inputs is None:
            self._inputs = [tensor.clone() for tensor in batch]
        else:
            for fixed, tensor in zip(self._inputs, batch):
                fixed.copy_(tensor)
        if self._graph is not None:
            self._graph.replay()
        elif self._eager_steps < WARMUP_STEPS:
            self._warm_up()
        else:
            self._graph = torch.cuda.CUDAGraph()
            try:
                with torch.cuda.graph(self._graph):
                    self.step(*self._inputs)
            except RuntimeError as error:
                # An older driver, or a step that reads a value back mid-step, cannot be recorded; say how to go on.
                first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                raise RuntimeError(f"recording the training step as a CUDA graph failed ({first_line}); "
                                   f"set {ENVIRONMENT_SWITCH}=0 to train without CUDA graphs") from error
            self._graph.replay()

    def _warm_up(self) -> None:
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side), warnings.catch_warnings():
            # A capturable optimizer warns when it steps outside a recording; these steps are meant to.
            warnings.filterwarnings("ignore", message=".*capturable=True.*")
            self.step(*self._inputs)
        torch.cuda.current_stream().wait_stream(side)
        self._eager_steps += 1
