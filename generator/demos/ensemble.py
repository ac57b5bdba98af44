"""Train many small fully connected networks of one shape at once.

A depth sweep trains dozens of networks that differ only in activation,
initialisation, weight scale and seed. Trained one by one, each is too small
to keep a CPU busy; stacked, every layer is one batched matrix product
(``baddbmm`` over a leading "model" axis) and one optimizer step updates all
of them. SGD is elementwise, so the stacked update equals each model's own.

:func:`train_reference` trains one model the plain way with the same initial
weights and the same batches; tests check that the two agree, which is what
lets the fast path be trusted.

The order below is the order the maths runs: initialise, forward, loss,
backward (with per-layer gradient norms), step, evaluate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from generator.demos.cuda_graphs import TrainingStep, graphs_wanted

ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
}
# Offset so a model's batch order is not drawn from the same stream as its weights.
BATCH_SEED_OFFSET = 1_000_003


@dataclass(frozen=True)
class Member:
    """One network of an ensemble."""

    activation: str
    init: str
    seed: int
    weight_scale: float = 1.0  # multiplies the initial weights (the exploding-gradient demo)
    lr: float | None = None  # its own learning rate (a rate grid); None: the config's


@dataclass(frozen=True)
class TrainConfig:
    """The budget every member of an ensemble shares: its shape, epochs, batches and SGD's settings."""

    depth: int  # hidden layers; the network has depth + 1 weight matrices
    width: int
    epochs: int
    batch_size: int
    lr: float
    momentum: float
    grad_norm_epochs: tuple[int, ...] = (0,)  # after which epochs to measure per-layer gradients (0 = at init)
    probe_size: int = 512  # training examples used to measure gradient norms
    grad_wrt: str = "weights"  # or "activations": see layer_gradient_norms


@dataclass(frozen=True)
class History:
    """What training measured, one row per member (numpy, on the CPU)."""

    train_loss: np.ndarray  # (members, epochs); NaN after a member diverged
    test_accuracy: np.ndarray  # (members, epochs)
    final_train_accuracy: np.ndarray  # (members,)
    final_test_accuracy: np.ndarray  # (members,)
    final_validation_accuracy: np.ndarray  # (members,); NaN if no validation set was given
    grad_norms: np.ndarray  # (members, len(grad_norm_epochs), depth + 1); layer 0 is nearest the input
    diverged_epoch: np.ndarray  # (members,); -1 if the member never diverged


def layer_sizes(inputs: int, width: int, depth: int, classes: int) -> list[tuple[int, int]]:
    widths = [inputs] + [width] * depth + [classes]
    return list(zip(widths[:-1], widths[1:]))


def init_layer(member: Member, fan_in: int, fan_out: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Initial (weight (fan_in, fan_out), bias (fan_out,)) on the CPU, float32."""
    if member.init == "default":
        # What torch.nn.Linear does: kaiming_uniform(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        bound = 1 / math.sqrt(fan_in)
        weight = (torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * bound
        bias = (torch.rand(fan_out, generator=generator) * 2 - 1) * bound
    elif member.init == "xavier":
        # Glorot & Bengio (2010): Var(w) = 2 / (fan_in + fan_out), uniform.
        bound = math.sqrt(6 / (fan_in + fan_out))
        weight = (torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * bound
        bias = torch.zeros(fan_out)
    elif member.init == "he":
        # He et al. (2015): Var(w) = 2 / fan_in, normal.
        weight = torch.randn(fan_in, fan_out, generator=generator) * math.sqrt(2 / fan_in)
        bias = torch.zeros(fan_out)
    else:
        raise ValueError(f"unknown initialisation {member.init!r}")
    return weight * member.weight_scale, bias


def init_member(member: Member, sizes: Sequence[tuple[int, int]]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(member.seed)
    return [init_layer(member, fan_in, fan_out, generator) for fan_in, fan_out in sizes]


def member_rate(member: Member, config: TrainConfig) -> float:
    return config.lr if member.lr is None else member.lr


def batch_order(member: Member, train_size: int, config: TrainConfig) -> torch.Tensor:
    """(epochs, steps, batch_size) training indices; the last partial batch is dropped."""
    generator = torch.Generator().manual_seed(member.seed + BATCH_SEED_OFFSET)
    steps = train_size // config.batch_size
    orders = [torch.randperm(train_size, generator=generator)[: steps * config.batch_size] for _ in range(config.epochs)]
    return torch.stack(orders).view(config.epochs, steps, config.batch_size)


class StackedMLP:
    """The members' weights stacked on a leading model axis."""

    def __init__(self, members: Sequence[Member], sizes: Sequence[tuple[int, int]], device: str):
        self.members = list(members)
        per_member = [init_member(member, sizes) for member in self.members]
        self.weights = [
            torch.stack([layers[i][0] for layers in per_member]).to(device).requires_grad_(True)
            for i in range(len(sizes))
        ]
        self.biases = [
            torch.stack([layers[i][1] for layers in per_member])[:, None, :].to(device).requires_grad_(True)
            for i in range(len(sizes))
        ]
        # Contiguous runs of members with the same activation, applied group by group.
        self.group_sizes: list[int] = []
        self.group_functions: list[Callable] = []
        start = 0
        for index in range(1, len(self.members) + 1):
            if index == len(self.members) or self.members[index].activation != self.members[start].activation:
                self.group_sizes.append(index - start)
                self.group_functions.append(ACTIVATIONS[self.members[start].activation])
                start = index

    def parameters(self) -> list[torch.Tensor]:
        return [*self.weights, *self.biases]

    def activate(self, hidden: torch.Tensor) -> torch.Tensor:
        if len(self.group_functions) == 1:
            return self.group_functions[0](hidden)
        # split, not slicing: a slice's backward fills a zero tensor the size of the whole batch.
        parts = torch.split(hidden, self.group_sizes)
        return torch.cat([function(part) for function, part in zip(self.group_functions, parts)])

    def forward(self, inputs: torch.Tensor, keep: list[torch.Tensor] | None = None) -> torch.Tensor:
        """(members, batch, features) -> (members, batch, classes) logits.

        ``keep``, if given, collects each layer's pre-activation, for measuring
        the back-propagated gradient layer by layer.
        """
        hidden = inputs
        last = len(self.weights) - 1
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            hidden = torch.baddbmm(bias, hidden, weight)
            if keep is not None:
                keep.append(hidden)
            if index < last:
                hidden = self.activate(hidden)
        return hidden


def per_member_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    members, batch, classes = logits.shape
    losses = F.cross_entropy(logits.reshape(members * batch, classes), labels.reshape(members * batch), reduction="none")
    return losses.view(members, batch).mean(dim=1)


def layer_gradient_norms(model: StackedMLP, inputs: torch.Tensor, labels: torch.Tensor, wrt: str = "weights") -> torch.Tensor:
    """(members, layers) gradient norm per layer of every member.

    ``wrt="weights"``: the norm of dL/dW_l, what a layer's update is made of.
    ``wrt="activations"``: the norm of dL/dz_l (z_l = W_l h + b, over the probe
    batch), the signal back-propagation passes from layer to layer; it is the
    quantity that is multiplied by one factor per layer. (In a ReLU network
    whose weights are all scaled by s, dL/dW_l scales alike in every layer,
    because the growing activations cancel the shrinking signal; dL/dz_l
    shows the geometric growth.)
    """
    members = len(model.members)
    pre_activations: list[torch.Tensor] = []
    logits = model.forward(inputs.expand(members, *inputs.shape), keep=pre_activations)
    loss = per_member_loss(logits, labels.expand(members, *labels.shape)).sum()
    targets = model.weights if wrt == "weights" else pre_activations
    gradients = torch.autograd.grad(loss, targets)
    return torch.stack([gradient.flatten(1).norm(dim=1) for gradient in gradients], dim=1)


@torch.no_grad()
def accuracy(model: StackedMLP, inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    members = len(model.members)
    logits = model.forward(inputs.expand(members, *inputs.shape))
    return (logits.argmax(dim=2) == labels).float().mean(dim=1)


def train_ensemble(
    members: Sequence[Member],
    config: TrainConfig,
    train_x: torch.Tensor,
    train_y: torch.Tensor,
    test_x: torch.Tensor,
    test_y: torch.Tensor,
    on_epoch: Callable[[int], None] = lambda epoch: None,
    cuda_graphs: bool | None = None,
    validation: tuple[torch.Tensor, torch.Tensor] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> History:
    """Train every member with SGD + momentum on the same budget; inputs are flat and on the device.

    Each member steps at its own learning rate (``Member.lr``, else ``config.lr``). ``validation``:
    held-out training images, scored after the last epoch, on which a rate may be chosen without
    looking at the test set. ``cuda_graphs``: record the training step once and replay it (see
    :mod:`generator.demos.cuda_graphs`); by default, on CUDA. ``should_stop``: checked after each
    epoch; when it says so, training ends early (the caller discards the history).
    """
    device = train_x.device
    graphed = graphs_wanted(device, cuda_graphs)
    sizes = layer_sizes(train_x.shape[1], config.width, config.depth, int(train_y.max()) + 1)
    model = StackedMLP(members, sizes, str(device))
    count = len(members)
    orders = torch.stack([batch_order(member, len(train_x), config) for member in members]).to(device)
    # SGD with momentum is linear in the gradient: stepping at rate 1 on gradients scaled by each member's
    # rate moves every member exactly as SGD at its own rate would. A retired member's factor is 0.
    rates = torch.tensor([member_rate(member, config) for member in members], device=device)
    step_scale = rates.clone().view(-1, 1, 1)
    # foreach: one fused update over all stacked tensors instead of a loop of small ops per tensor.
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0, momentum=config.momentum, foreach=True)
    probe_x, probe_y = train_x[: config.probe_size], train_y[: config.probe_size]

    alive = torch.ones(count, dtype=torch.bool, device=device)
    diverged_epoch = np.full(count, -1)
    train_loss = np.full((count, config.epochs), np.nan)
    test_accuracy = np.full((count, config.epochs), np.nan)
    grad_norms = np.full((count, len(config.grad_norm_epochs), len(sizes)), np.nan)

    def record_grad_norms(epoch: int) -> None:
        if epoch in config.grad_norm_epochs:
            norms = layer_gradient_norms(model, probe_x, probe_y, config.grad_wrt).detach()
            grad_norms[:, config.grad_norm_epochs.index(epoch)] = norms.cpu().numpy()

    record_grad_norms(0)
    # Updated in place, never rebound: a recorded step keeps reading and adding to these very tensors.
    epoch_loss = torch.zeros(count, device=device)

    def train_step(batch_x: torch.Tensor, batch_y: torch.Tensor) -> None:
        losses = per_member_loss(model.forward(batch_x), batch_y)
        optimizer.zero_grad()
        losses.sum().backward()
        for parameter in model.parameters():
            parameter.grad.mul_(step_scale)
        optimizer.step()
        epoch_loss.add_(losses.detach())

    step = TrainingStep(train_step, graphed)
    steps = orders.shape[2]
    for epoch in range(config.epochs):
        epoch_loss.zero_()
        # Gather the epoch's batches once, step-major so that each step is a contiguous view.
        indices = orders[:, epoch].transpose(0, 1)  # (steps, members, batch)
        epoch_x, epoch_y = train_x[indices], train_y[indices]
        for index in range(steps):
            step(epoch_x[index], epoch_y[index])
        epoch_loss /= steps
        _retire_diverged(model, optimizer, alive, epoch_loss, diverged_epoch, epoch)
        # In place: a recorded step reads this very tensor.
        step_scale.copy_((rates * alive).view(-1, 1, 1))
        train_loss[:, epoch] = torch.where(alive, epoch_loss, torch.nan).cpu().numpy()
        test_accuracy[:, epoch] = torch.where(alive, accuracy(model, test_x, test_y), torch.nan).cpu().numpy()
        record_grad_norms(epoch + 1)
        on_epoch(epoch + 1)
        if should_stop():
            break

    final_train = torch.where(alive, accuracy(model, train_x, train_y), torch.nan).cpu().numpy()
    final_validation = np.full(count, np.nan)
    if validation is not None:
        final_validation = torch.where(alive, accuracy(model, *validation), torch.nan).cpu().numpy()
    return History(
        train_loss=train_loss,
        test_accuracy=test_accuracy,
        final_train_accuracy=final_train,
        final_test_accuracy=test_accuracy[:, -1].copy(),
        final_validation_accuracy=final_validation,
        grad_norms=grad_norms,
        diverged_epoch=diverged_epoch,
    )


def _retire_diverged(model, optimizer, alive, epoch_loss, diverged_epoch, epoch) -> None:
    """Members whose loss stopped being finite are recorded, frozen at zero and cleared from ``alive`` (in place).

    Divergence is a result to show, not a crash. Zeroed weights and momentum
    keep a dead member's NaNs from reaching the shared loss sum (its slice of
    the batched products stays finite) without touching the others.
    """
    newly = alive & ~torch.isfinite(epoch_loss)
    for parameter in model.parameters():
        newly |= alive & ~torch.isfinite(parameter.detach().flatten(1)).all(dim=1)
    if not newly.any():
        return
    for member in torch.nonzero(newly).flatten().tolist():
        diverged_epoch[member] = epoch + 1
    with torch.no_grad():
        for parameter in model.parameters():
            parameter[newly] = 0.0
            buffer = optimizer.state.get(parameter, {}).get("momentum_buffer")
            if buffer is not None:
                buffer[newly] = 0.0
    alive &= ~newly


def train_reference(
    member: Member,
    config: TrainConfig,
    train_x: torch.Tensor,
    train_y: torch.Tensor,
    test_x: torch.Tensor,
    test_y: torch.Tensor,
) -> tuple[np.ndarray, np.ndarray]:
    """One member trained the plain way (same weights, same batches): (train_loss, test_accuracy) per epoch."""
    sizes = layer_sizes(train_x.shape[1], config.width, config.depth, int(train_y.max()) + 1)
    layers = [(w.to(train_x.device).requires_grad_(True), b.to(train_x.device).requires_grad_(True))
              for w, b in init_member(member, sizes)]
    parameters = [tensor for layer in layers for tensor in layer]
    optimizer = torch.optim.SGD(parameters, lr=member_rate(member, config), momentum=config.momentum)
    order = batch_order(member, len(train_x), config).to(train_x.device)
    function = ACTIVATIONS[member.activation]

    def forward(inputs):
        hidden = inputs
        for index, (weight, bias) in enumerate(layers):
            hidden = hidden @ weight + bias
            if index < len(layers) - 1:
                hidden = function(hidden)
        return hidden

    train_loss, test_accuracy = [], []
    for epoch in range(config.epochs):
        total = 0.0
        for step in range(order.shape[1]):
            indices = order[epoch, step]
            loss = F.cross_entropy(forward(train_x[indices]), train_y[indices])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        train_loss.append(total / order.shape[1])
        with torch.no_grad():
            test_accuracy.append((forward(test_x).argmax(1) == test_y).float().mean().item())
    return np.array(train_loss), np.array(test_accuracy)
