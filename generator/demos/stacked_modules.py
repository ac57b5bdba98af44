"""Train copies of one torch module, one per seed, as a single batched model.

The CNN demo trains the same small network once per seed. Each copy is too
small to keep a CPU busy, and on a GPU every step is bound by kernel launches,
so training them one after another costs seeds x the launches. Here the
copies' parameters are stacked on a leading "member" axis
(``torch.func.stack_module_state``) and ``torch.func.vmap`` runs the module's
own forward over that axis: each layer becomes one batched operation (a
convolution becomes a grouped convolution), and one optimizer step updates
every member. Adam is elementwise, so the stacked update equals each copy's
own; :func:`train_one` is the plain loop kept as the reference, and a test
checks that both follow the same trajectories.

Each member draws its batch order from its own generator, as it would alone.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch.func import functional_call, stack_module_state

from generator.demos.cuda_graphs import TrainingStep, graphs_wanted

# Test images evaluated at once: bounds the feature maps held in memory (MNIST has 10,000 test images).
EVAL_CHUNK = 1000


@dataclass(frozen=True)
class TrainBudget:
    """The budget every stacked module shares: epochs, batch size and Adam's learning rate."""

    epochs: int
    batch_size: int
    lr: float  # Adam


def epoch_order(generator: torch.Generator, train_size: int, batch_size: int) -> torch.Tensor:
    """(steps, batch_size) training indices for one epoch; the last partial batch is dropped."""
    steps = train_size // batch_size
    return torch.randperm(train_size, generator=generator)[: steps * batch_size].view(steps, batch_size)


class StackedModules:
    """Members' parameters stacked on a leading axis, run through the first member's module code."""

    def __init__(self, modules: Sequence[torch.nn.Module]):
        self.count = len(modules)
        self.params, self.buffers = stack_module_state(list(modules))
        # The module only supplies its forward code; its own tensors are never used, so keep none.
        self._template = copy.deepcopy(modules[0]).to("meta")
        self._per_member = torch.vmap(self._call)
        self._shared_input = torch.vmap(self._call, in_dims=(0, 0, None))

    def _call(self, params, buffers, inputs):
        return functional_call(self._template, (params, buffers), (inputs,))

    def parameters(self) -> list[torch.Tensor]:
        return list(self.params.values())

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """(members, batch, ...) -> (members, batch, classes): each member its own batch."""
        return self._per_member(self.params, self.buffers, inputs)

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor) -> torch.Tensor:
        """(batch, ...) -> (members, batch) predicted classes: every member on the same images."""
        chunks = [self._shared_input(self.params, self.buffers, part).argmax(dim=2) for part in inputs.split(EVAL_CHUNK)]
        return torch.cat(chunks, dim=1)

    def member(self, index: int, module: torch.nn.Module) -> torch.nn.Module:
        """Load member ``index``'s trained parameters into ``module`` (same architecture) and return it."""
        module.load_state_dict({name: tensor[index].detach() for name, tensor in {**self.params, **self.buffers}.items()})
        return module


def train_stacked(
    modules: Sequence[torch.nn.Module],
    seeds: Sequence[int],
    budget: TrainBudget,
    data: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor],
    on_epoch: Callable[[], None] = lambda: None,
    cuda_graphs: bool | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[StackedModules, np.ndarray, np.ndarray]:
    """Adam on cross-entropy for every member at once: (model, train loss, test accuracy), (members, epochs).

    ``cuda_graphs``: record the training step once and replay it (see
    :mod:`generator.demos.cuda_graphs`); by default, on CUDA. ``should_stop``: checked after each
    epoch; when it says so, training ends early (the caller discards what it returns).
    """
    train_x, train_y, test_x, test_y = data
    graphed = graphs_wanted(train_x.device, cuda_graphs)
    model = StackedModules(modules)
    # capturable keeps Adam's step count on the device, which a recorded step needs.
    optimizer = torch.optim.Adam(model.parameters(), lr=budget.lr, foreach=True, capturable=graphed)
    generators = [torch.Generator().manual_seed(seed) for seed in seeds]
    losses = np.zeros((model.count, budget.epochs))
    accuracies = np.zeros((model.count, budget.epochs))
    total = torch.zeros(model.count, device=train_x.device)  # zeroed in place: a recorded step adds to it

    def train_step(step_x: torch.Tensor, step_y: torch.Tensor) -> None:
        logits = model.forward(step_x)
        loss = F.cross_entropy(logits.flatten(0, 1), step_y.flatten(), reduction="none").view(model.count, -1).mean(1)
        optimizer.zero_grad()
        loss.sum().backward()
        optimizer.step()
        total.add_(loss.detach())

    step = TrainingStep(train_step, graphed)
    for epoch in range(budget.epochs):
        # (steps, members, batch): step-major, so each step's batches are one contiguous slice.
        order = torch.stack([epoch_order(g, len(train_x), budget.batch_size) for g in generators], dim=1)
        order = order.to(train_x.device)
        epoch_x, epoch_y = train_x[order], train_y[order]
        total.zero_()
        for step_x, step_y in zip(epoch_x, epoch_y):
            step(step_x, step_y)
        losses[:, epoch] = (total / len(order)).cpu().numpy()
        accuracies[:, epoch] = (model.predict(test_x) == test_y).float().mean(dim=1).cpu().numpy()
        on_epoch()
        if should_stop():
            break
    return model, losses, accuracies


def train_one(
    module: torch.nn.Module,
    seed: int,
    budget: TrainBudget,
    data: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor],
) -> tuple[np.ndarray, np.ndarray]:
    """The reference: one module trained the plain way, same batches. (train loss, test accuracy) per epoch."""
    train_x, train_y, test_x, test_y = data
    optimizer = torch.optim.Adam(module.parameters(), lr=budget.lr)
    generator = torch.Generator().manual_seed(seed)
    losses, accuracies = [], []
    for _ in range(budget.epochs):
        order = epoch_order(generator, len(train_x), budget.batch_size).to(train_x.device)
        total = 0.0
        for indices in order:
            loss = F.cross_entropy(module(train_x[indices]), train_y[indices])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / len(order))
        with torch.no_grad():
            accuracies.append((module(test_x).argmax(dim=1) == test_y).float().mean().item())
    return np.array(losses), np.array(accuracies)
